/*
 * hubclock.c: system clock or a test clock read from a file (see hubclock.h).
 */
#include "hubclock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

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
