/* idle: inactivity clock (see idle.h). */
#include "idle.h"

void idle_init(struct idle *d, uint64_t now_ms, uint64_t warn_ms, uint64_t logout_ms)
{
    d->last_input_ms = now_ms;
    d->warn_ms = warn_ms;
    d->logout_ms = logout_ms;
}

void idle_touch(struct idle *d, uint64_t now_ms)
{
    d->last_input_ms = now_ms;
}

enum idle_state idle_state(const struct idle *d, uint64_t now_ms)
{
    uint64_t idle = now_ms > d->last_input_ms ? now_ms - d->last_input_ms : 0;
    if (d->logout_ms && idle >= d->logout_ms)
        return IDLE_LOGOUT;
    if (d->warn_ms && idle >= d->warn_ms)
        return IDLE_WARN;
    return IDLE_ACTIVE;
}

uint64_t idle_next_deadline(const struct idle *d, uint64_t now_ms)
{
    uint64_t best = UINT64_MAX;
    if (d->warn_ms && d->last_input_ms + d->warn_ms > now_ms)
        best = d->last_input_ms + d->warn_ms;
    if (d->logout_ms && d->last_input_ms + d->logout_ms > now_ms &&
        d->last_input_ms + d->logout_ms < best)
        best = d->last_input_ms + d->logout_ms;
    return best;
}

unsigned idle_seconds_left(const struct idle *d, uint64_t now_ms)
{
    if (!d->logout_ms)
        return 0;
    uint64_t end = d->last_input_ms + d->logout_ms;
    return end > now_ms ? (unsigned)((end - now_ms + 999) / 1000) : 0;
}
