/*
 * wareki: era dates and JST times (see wareki.h). The civil-from-days conversion is
 * Howard Hinnant's algorithm, exact for the whole int64 range we accept.
 */
#include "wareki.h"

#include <stdbool.h>
#include <stdio.h>

void wareki_jst(int64_t unix_s, struct wareki_tm *out)
{
    int64_t t = unix_s + 9 * 3600;
    int64_t days = t / 86400, secs = t % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    out->hour = (int)(secs / 3600);
    out->minute = (int)(secs % 3600 / 60);
    out->wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    out->year = (int)(y + (m <= 2));
    out->month = (int)m;
    out->day = (int)d;
}

int wareki_reiwa_year(int year, int month, int day)
{
    if (year < 2019 || (year == 2019 && (month < 5 || (month == 5 && day < 1))))
        return 0;
    return year - 2018;
}

char *wareki_date(char *buf, size_t size, int year, int month, int day, const char *lang)
{
    static const char *months[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};
    int r = wareki_reiwa_year(year, month, day);
    int is_en = lang && lang[0] == 'e' && lang[1] == 'n';
    if (month < 1 || month > 12) {
        snprintf(buf, size, "?");
        return buf;
    }
    if (is_en) {
        if (r > 0)
            snprintf(buf, size, "%d %s %d (Reiwa %d)", day, months[month - 1], year, r);
        else
            snprintf(buf, size, "%d %s %d", day, months[month - 1], year);
    } else if (r == 1) {
        snprintf(buf, size, "令和元年%d月%d日 (%d年)", month, day, year);
    } else if (r > 1) {
        snprintf(buf, size, "令和%d年%d月%d日 (%d年)", r, month, day, year);
    } else {
        snprintf(buf, size, "%d年%d月%d日", year, month, day);
    }
    return buf;
}

char *wareki_time(char *buf, size_t size, int hour, int minute)
{
    snprintf(buf, size, "%d:%02d", hour, minute);
    return buf;
}

/* Hinnant's days-from-civil, the inverse of the conversion in wareki_jst. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Reads exactly n digits at *p. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

int64_t wareki_parse_rfc3339(const char *s)
{
    int y, mo, d, h, mi, se, oh = 0, om = 0, sign = 0;
    const char *p = s;
    if (!s || !digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
        !digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' '))
        return 0;
    p++;
    if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi) || *p++ != ':' ||
        !digits(&p, 2, &se))
        return 0;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p++ == '+' ? 1 : -1;
        if (!digits(&p, 2, &oh) || *p++ != ':' || !digits(&p, 2, &om))
            return 0;
    } else {
        return 0;
    }
    if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 || oh > 23 ||
        om > 59)
        return 0;
    int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return t - sign * (oh * 3600 + om * 60);
}
