/*
 * wareki: dates and times as residents read them. Japanese dates use the era (令和) with
 * the Western year beside: "令和8年11月23日 (2026年)"; English: "23 November 2026 (Reiwa 8)".
 *
 * Times are shown in Japan Standard Time (Asia/Tokyo, UTC+9, no daylight saving), computed
 * here from the Unix time so that the result does not depend on the machine's TZ setting.
 */
#ifndef WAREKI_H
#define WAREKI_H

#include <stddef.h>
#include <stdint.h>

struct wareki_tm {
    int year, month, day; /* Gregorian, month 1-12 */
    int hour, minute;
    int wday; /* 0 = Sunday */
};

/* Breaks a Unix time into Japan Standard Time. */
void wareki_jst(int64_t unix_s, struct wareki_tm *out);

/* The Reiwa year of a Gregorian date, or 0 before 2019-05-01. */
int wareki_reiwa_year(int year, int month, int day);

/* Writes the date in `lang` ("ja" or "en") into buf. Returns buf. */
char *wareki_date(char *buf, size_t size, int year, int month, int day, const char *lang);
/* An RFC 3339 time as the hub writes it ("2026-11-23T00:12:00Z", "...+09:00", fractions
 * of a second ignored) to Unix s; 0 when s is not one. */
int64_t wareki_parse_rfc3339(const char *s);
/* "9:12" */
char *wareki_time(char *buf, size_t size, int hour, int minute);

#endif
