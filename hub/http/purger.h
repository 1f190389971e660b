/*
 * purger.h: hubd's retention thread. Every `every_s` seconds (real time) it purges what
 * is past its retention (store/retention.h: expired login challenges, card sessions, old
 * Idempotency-Keys) in bounded steps, one writer job each with a short pause between, so
 * check-ins and help calls are committed between the steps however much there is to
 * delete. The periods are measured on the hub clock (hubclock.h), so tests move past them
 * by setting the clock file.
 */
#ifndef HUB_PURGER_H
#define HUB_PURGER_H

#include "writer.h"

#include <stddef.h>

struct purger;

/* Starts the thread on w (borrowed; it must outlive the purger). every_s > 0. Returns an
 * owned purger or NULL with a sentence in err. */
struct purger *purger_start(struct writer *w, long every_s, char *err, size_t errcap);

/* Stops the thread (a pass under way ends after its current step) and frees; accepts
 * NULL. */
void purger_stop(struct purger *p);

#endif
