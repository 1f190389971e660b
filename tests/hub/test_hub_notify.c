/*
 * test_hub_notify.c: alert notifications by mail and messaging webhook through the real
 * hubctl and hubd (docs/notify.md), on both backends (tests/pg runs it again on a private
 * PostgreSQL server): recipients registered with their settings, refused in words when
 * they are wrong.
 */
#include "hubtest.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct hubtest T;

#define DAY0 1795359600 /* 2026-11-23 00:00 JST */

static void t_recipients(void)
{
    char id[32], secret[128];
    CHECK_INT_EQ(ht_ctl(&T, "recipient_id", id, sizeof id,
                        "notify-set --family 1 --mail taro@example.jp --quiet 21:00-07:00"
                        " --mode unwell=day --mode missed=off"),
                 0);
    CHECK_STR_EQ(id, "1");
    /* A webhook without a secret gets a generated one, printed once. */
    CHECK_INT_EQ(ht_ctl(&T, "webhook_secret", secret, sizeof secret,
                        "notify-set --family 1 --webhook http://127.0.0.1:9/hook"),
                 0);
    CHECK(strncmp(secret, "whsec_", 6) == 0);
    CHECK_INT_EQ(ht_ctl(&T, "recipient_id", id, sizeof id,
                        "notify-set --staff 1 --mail mimamori@city.example.jp --rank 5"),
                 0);
    CHECK(strcmp(id, "1") != 0 && strtol(id, NULL, 10) > 0); /* identities may have gaps */
    /* Wrong settings are refused in words and change nothing. */
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "notify-set --family 1 --mail 'a b@example.jp'"), 2);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "notify-set --family 1 --mail 'x@y.jp>\r\nBcc: z@w.jp'"),
                 2);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "notify-set --family 1 --quiet 25:00-07:00"), 2);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "notify-set --family 1 --mode help=sometimes"), 2);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "notify-set --family 1 --webhook ftp://x/ --secret s"),
                 2);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "notify-set --family 99 --mail a@b.jp"), 2);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "notify-set --family 1 --staff 1 --mail a@b.jp"), 2);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notify_recipients"), 2);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notify_recipients WHERE mail ="
                                " 'taro@example.jp' AND quiet_start_min = 1260 AND"
                                " quiet_end_min = 420 AND webhook_url IS NOT NULL"),
                 1);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM notify_prefs WHERE recipient_id = 1"), 2);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action ="
                                " 'notify.recipient_set'"),
                 3);
    /* Removing the webhook keeps the mail. */
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "notify-set --family 1 --webhook ''"), 0);
    CHECK_INT_EQ(
        ht_sql_int(
            &T,
            "SELECT COUNT(*) FROM notify_recipients WHERE actor_kind ="
            " 'family' AND webhook_url IS NULL AND webhook_secret IS NULL AND mail IS NOT NULL"),
        1);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "notify-list"), 0);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "notify-pending"), 0);
}

int main(void)
{
    if (ht_init(&T, DAY0 + 8 * 3600) != 0)
        return 1;
    int ok = ht_ctl(&T, NULL, NULL, 0,
                    "resident-add --name '山田 花子' --district north-3 --deadline 10:00") == 0;
    ok = ok && ht_ctl(&T, NULL, NULL, 0, "family-add --name '山田 太郎' --resident 1") == 0;
    ok = ok && ht_ctl(&T, NULL, NULL, 0, "staff-add --name 見守り係") == 0;
    if (!ok) {
        fprintf(stderr, "cannot enrol the test residents\n");
        return 1;
    }
    TEST_RUN(t_recipients);
    ht_cleanup(&T);
    return test_summary();
}
