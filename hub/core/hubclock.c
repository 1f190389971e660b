/*
 * hubclock.c: system clock or a test clock read from a file (see hubclock.h).
 */
#include "hubclock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *clock_file;

void hubclock_use_file(const char *path)
{
    clock_file = path;
}

/* Not time(): glibc serves it from the coarse clock, which may lag the precise one by a
 * tick, so a row stamped by a caller with clock_gettime could look "not yet due". */
static time_t system_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec;
}

time_t hubclock_now(void)
{
    if (!clock_file)
        return system_now();
    char buf[32] = {0};
    FILE *f = fopen(clock_file, "r");
    size_t n = 0;
    if (f) {
        n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
    }
    buf[n] = '\0';
    errno = 0;
    char *end = NULL;
    long long v = strtoll(buf, &end, 10);
    if (!f || end == buf || errno != 0 || v < 0) {
        fprintf(stderr, "hub: clock file %s unreadable, using the system clock\n", clock_file);
        return system_now();
    }
    return (time_t)v;
}

long long hubclock_at(const struct hubclock *c)
{
    return c && c->now ? c->now(c->ctx) : (long long)hubclock_now();
}

long long hubclock_real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void hubclock_rfc3339(time_t t, char out[21])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    if (strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        out[0] = '\0';
}

struct timespec hubclock_deadline_ms(long ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    return until;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int hubclock_parse_rfc3339(const char *s, long long *out)
{
    int y, mo, d, h, mi, se, n = 0;
    if (!s || strlen(s) < 20 ||
        sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 || n != 19)
        return -1;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        size_t f = strspn(p, "0123456789");
        if (f == 0 || f > 9)
            return -1;
        p += f;
    }
    long long off = 0;
    if (strcmp(p, "Z") == 0) {
        off = 0;
    } else if ((p[0] == '+' || p[0] == '-') && strlen(p) == 6 && p[3] == ':' && p[1] >= '0' &&
               p[1] <= '9' && p[2] >= '0' && p[2] <= '9' && p[4] >= '0' && p[4] <= '9' &&
               p[5] >= '0' && p[5] <= '9') {
        int oh = (p[1] - '0') * 10 + (p[2] - '0'), om = (p[4] - '0') * 10 + (p[5] - '0');
        if (oh > 14 || om > 59)
            return -1;
        off = (p[0] == '+' ? 1 : -1) * (long long)(oh * 3600 + om * 60);
    } else {
        return -1;
    }
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 2000 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
        mi > 59 || se > 60 || h < 0 || mi < 0 || se < 0)
        return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo == 2 && d == 29 && !leap)
        return -1;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off;
    return 0;
}
