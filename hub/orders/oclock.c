/*
 * oclock.c: the injectable clock (see oclock.h).
 */
#include "oclock.h"

#include <time.h>

long long oclock_now(const struct oclock *c)
{
    if (c && c->now) {
        return c->now(c->ctx);
    }
    /* Not time(): glibc serves it from the coarse clock, which may lag the precise one by a
     * tick, so a row stamped by a caller with clock_gettime could look "not yet due". */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec;
}

long long oclock_real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
