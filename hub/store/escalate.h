/*
 * escalate.h: missed check-in escalation and help alerts.
 *
 * Each resident has a daily deadline (minutes after midnight, Japan time, UTC+9). A pass
 * at time `now` raises, for every resident with no sign of life since local midnight (a
 * check-in, an activity report of their home device, or a card login anywhere):
 *   - a "missed" alert at level "family" once the deadline has passed;
 *   - a "missed" alert at level "city" once deadline + window has passed.
 * Alerts are unique per resident, kind, level and day, so passes can run as often as
 * wanted (hubd runs one every --tick seconds; tests run `hubctl escalate` with a clock
 * file). Who may read an alert is decided by gate.h when it is read: consented family for
 * "family" alerts, city staff under the legal basis for "city" alerts.
 *
 * Every function runs inside the caller's write transaction on the caller's handle and
 * audits what it raises (an alert is stored, not released).
 */
#ifndef HUB_ESCALATE_H
#define HUB_ESCALATE_H

#include "db.h"

#include <time.h>

#define ESCALATE_UTC_OFFSET (9 * 3600)

/* Returns 0 (with *raised = alerts created) or -1 on a database error. */
int escalate_run(struct db *db, time_t now, long window_min, const char *actor, int *raised);

/* Help button: raises a "help" alert at both levels at once. ids[0] (family) and ids[1]
 * (city) get the new alert ids. Returns 0 or -1. */
int escalate_help(struct db *db, long long resident, time_t now, const char *actor,
                  const char *request_id, long long ids[2]);

/* 元気がない: a check-in answered "genkinai" raises an "unwell" alert at level "family" at
 * once, unless the resident's enrolment turned it off (residents.unwell_alert = 0, set with
 * `hubctl resident-set --unwell-alert off`). One alert per check-in (its id is the key).
 * *id gets the new alert id, or 0 when the resident has it turned off. Returns 0 or -1. */
int escalate_unwell(struct db *db, long long resident, long long checkin_id, time_t now,
                    const char *actor, const char *request_id, long long *id);

/* Unix time of the start of now's day in Japan time. */
time_t escalate_day_start(time_t now);

#endif
