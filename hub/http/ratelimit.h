/*
 * ratelimit.h: token buckets keyed by short strings ("login:device:3", "fail:127.0.0.2"),
 * in memory, bounded: a fixed table of RATELIMIT_SLOTS buckets; when a new key finds its
 * slots taken, the bucket that has been full the longest makes room (a full bucket holds
 * no history worth keeping). Real monotonic time, not the hub clock: a limit protects the
 * machine, whatever a test clock says.
 *
 * Thread safety: every function may be called from any thread.
 */
#ifndef HUB_RATELIMIT_H
#define HUB_RATELIMIT_H

#define RATELIMIT_SLOTS 8192

struct ratelimit;

/* per_minute tokens flow in each minute, up to burst. NULL when out of memory. */
struct ratelimit *ratelimit_create(double per_minute, double burst);
void ratelimit_free(struct ratelimit *rl); /* accepts NULL */

/* Takes one token for key: 1 if there was one; 0 if not, *retry_s then says in how many
 * whole seconds (>= 1) the next one comes. */
int ratelimit_take(struct ratelimit *rl, const char *key, long *retry_s);

/* 1 if key has a token now (none is taken); else 0 with *retry_s as above. */
int ratelimit_peek(struct ratelimit *rl, const char *key, long *retry_s);

#endif
