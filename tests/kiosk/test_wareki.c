/* test_wareki: 令和 dates with the Western year beside, JST times from Unix time. */
#include "test.h"
#include "wareki.h"

static void t_jst(void)
{
    struct wareki_tm tm;
    wareki_jst(1795392720, &tm); /* 2026-11-23T00:12:00Z */
    CHECK_INT_EQ(tm.year, 2026);
    CHECK_INT_EQ(tm.month, 11);
    CHECK_INT_EQ(tm.day, 23);
    CHECK_INT_EQ(tm.hour, 9);
    CHECK_INT_EQ(tm.minute, 12);
    CHECK_INT_EQ(tm.wday, 1);    /* a Monday */
    wareki_jst(1795359600, &tm); /* 2026-11-22T15:00:00Z = midnight in Tokyo */
    CHECK_INT_EQ(tm.day, 23);
    CHECK_INT_EQ(tm.hour, 0);
    wareki_jst(1795359599, &tm);
    CHECK_INT_EQ(tm.day, 22);
    CHECK_INT_EQ(tm.hour, 23);
    wareki_jst(0, &tm);
    CHECK_INT_EQ(tm.year, 1970);
    CHECK_INT_EQ(tm.hour, 9);
    wareki_jst(951750000, &tm); /* 2000-02-29 (leap day) 00:00 JST */
    CHECK_INT_EQ(tm.month, 2);
    CHECK_INT_EQ(tm.day, 29);
}

static void t_reiwa(void)
{
    char b[64];
    CHECK_STR_EQ(wareki_date(b, sizeof b, 2026, 11, 23, "ja"), "令和8年11月23日 (2026年)");
    CHECK_STR_EQ(wareki_date(b, sizeof b, 2019, 5, 1, "ja"), "令和元年5月1日 (2019年)");
    CHECK_STR_EQ(wareki_date(b, sizeof b, 2020, 1, 1, "ja"), "令和2年1月1日 (2020年)");
    /* before Reiwa: the Western date alone (no wrong era) */
    CHECK_STR_EQ(wareki_date(b, sizeof b, 2019, 4, 30, "ja"), "2019年4月30日");
    CHECK_STR_EQ(wareki_date(b, sizeof b, 2026, 11, 23, "en"), "23 November 2026 (Reiwa 8)");
    CHECK_INT_EQ(wareki_reiwa_year(2019, 4, 30), 0);
    CHECK_INT_EQ(wareki_reiwa_year(2019, 5, 1), 1);
    CHECK_STR_EQ(wareki_time(b, sizeof b, 9, 5), "9:05");
    CHECK_STR_EQ(wareki_time(b, sizeof b, 23, 59), "23:59");
}

int main(void)
{
    TEST_RUN(t_jst);
    TEST_RUN(t_reiwa);
    return test_summary();
}
