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

time_t hubclock_now(void)
{
    if (!clock_file)
        return time(NULL);
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
        return time(NULL);
    }
    return (time_t)v;
}

void hubclock_rfc3339(time_t t, char out[21])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    if (strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        out[0] = '\0';
}
