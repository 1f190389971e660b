/*
 * refusalsum.h: refused authorizations counted in memory per caller x client address x
 * route x minute (store/refusals.h says what each is), until the minute is over and the
 * retention thread writes the summaries through the writer (purger.h): a flood of
 * refusals costs a counter each, not a commit each.
 *
 * Bounded: at most REFUSALSUM_KEYS keys at once; a refusal with a new key when they are
 * all taken is counted under caller, address and route "other" for its minute, so nothing
 * goes uncounted and memory stays fixed. Thread-safe (one mutex).
 */
#ifndef HUB_REFUSALSUM_H
#define HUB_REFUSALSUM_H

#include "refusals.h"

#include <stddef.h>
#include <stdint.h>

#define REFUSALSUM_KEYS 4096

struct refusalsum;

/* An owned, empty counter set, or NULL when out of memory. */
struct refusalsum *refusalsum_create(void);
void refusalsum_free(struct refusalsum *s);

/* Counts one refusal at now (Unix s, the hub clock) of caller from address on route, the
 * caller of town (0: none). Texts are cut to the row's caps. */
void refusalsum_note(struct refusalsum *s, const char *caller, const char *address,
                     const char *route, int64_t town, int64_t now);

/* Moves the summaries of minutes that started before before (INT64_MAX: all) into out
 * (up to cap of them, ids unset) and returns how many; they are no longer counted here. */
size_t refusalsum_take(struct refusalsum *s, int64_t before, struct refusals_row *out, size_t cap);

/* Counts a taken summary again (a write that failed): merged with any new refusals of its
 * key, or "other" when the keys are full. */
void refusalsum_put_back(struct refusalsum *s, const struct refusals_row *row);

#endif
