/*
 * purger.h: hubd's housekeeping thread. Each second it writes the summaries of refused
 * authorizations whose minute is over (refusalsum.h: one writer job for all of them, one
 * row and one audit record per summary); every `every_s` seconds (real time) it purges
 * what is past its retention (store/retention.h: expired login challenges, card sessions,
 * old Idempotency-Keys and refusal summaries) in bounded steps, one writer job each with a
 * short pause between, so check-ins and help calls are committed between the steps however
 * much there is to delete. Minutes and periods are on the hub clock (hubclock.h), so tests
 * move past them by setting the clock file.
 */
#ifndef HUB_PURGER_H
#define HUB_PURGER_H

#include "refusalsum.h"
#include "writer.h"

#include <stddef.h>

struct purger;

/* Starts the thread on w and sums (both borrowed; they must outlive the purger). every_s:
 * the purge's period, 0 = no purge (the summaries are still written). Returns an owned
 * purger or NULL with a sentence in err. */
struct purger *purger_start(struct writer *w, struct refusalsum *sums, long every_s, char *err,
                            size_t errcap);

/* Stops the thread (a purge under way ends after its current step), writes every summary
 * still counted (the current minute's too) and frees; accepts NULL. */
void purger_stop(struct purger *p);

#endif
