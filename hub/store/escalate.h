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
 *
 * The missed check-in pass (escalate_step, escalate_run) is the hub's own worker for every
 * town and takes no scope. The alerts a caller raises (help, 元気がない) take the scope of
 * the caller's town (scope.h): a resident of another town, whatever id is sent, gets no
 * alert (the function answers -1 and writes nothing).
 */
#ifndef HUB_ESCALATE_H
#define HUB_ESCALATE_H

#include "db.h"
#include "scope.h"

#include <time.h>

#define ESCALATE_UTC_OFFSET (9 * 3600)

/*
 * The pass reads only the residents due by now (residents.next_due, indexed; a sign of
 * life moves it to the next day's deadline), in order, so a tick where nothing is due is
 * one index lookup whatever the number of residents. escalate_step() looks at no more than
 * limit of them (1..ESCALATE_STEP_MAX) and sets *more when more may be due: hubd runs one
 * step per writer job, so check-ins queued meanwhile are committed between steps and a
 * pass that raises many alerts never holds them back for long. escalate_run() runs steps
 * until none is due (hubctl, tests) in the caller's one transaction. On PostgreSQL
 * several processes' passes share the work (each skips the rows another is looking at).
 * A clock moved back by more than ten minutes makes every resident due again, once.
 * Both return 0 (with *raised = alerts created) or -1 on a database error.
 */
#define ESCALATE_STEP_MAX 256
/* hubd's ticker: residents per step (one writer job) and the pause between steps. A step
 * that raises alerts writes a few pages per resident (alert, audit record, next_due and
 * its index), which the commit of the check-ins batched with it waits for; small steps
 * with pauses keep the check-ins' latency as it is while a pass raises many alerts (the
 * last alert of 10,000 comes a few seconds after the deadline). */
#define ESCALATE_TICK_STEP     16
#define ESCALATE_TICK_PAUSE_MS 20
int escalate_step(struct db *db, time_t now, long window_min, const char *actor, long limit,
                  int *raised, int *more);
int escalate_run(struct db *db, time_t now, long window_min, const char *actor, int *raised);

/* Help button: raises a "help" alert at both levels at once for resident of the scope's
 * town. ids[0] (family) and ids[1] (city) get the new alert ids. Returns 0, or -1 (an
 * error, a NULL scope or a resident not of the town: nothing raised). */
int escalate_help(struct db *db, const struct scope *sc, long long resident, time_t now,
                  const char *actor, const char *request_id, long long ids[2]);

/* 元気がない: a check-in answered "genkinai" raises an "unwell" alert at level "family" at
 * once, unless the resident's enrolment turned it off (residents.unwell_alert = 0, set with
 * `hubctl resident-set --unwell-alert off`). One alert per check-in (its id is the key).
 * *id gets the new alert id, or 0 when the resident has it turned off. Returns 0, or -1
 * (an error, a NULL scope or a resident not of the scope's town: nothing raised). */
int escalate_unwell(struct db *db, const struct scope *sc, long long resident, long long checkin_id,
                    time_t now, const char *actor, const char *request_id, long long *id);

/* One alert to raise and audit (escalate_raise). */
struct escalate_alert {
    long long resident;
    const char *kind;       /* "missed" | "help" | "unwell" | a safety check's kind */
    const char *level;      /* "family" | "city" */
    const char *day;        /* the key of its group: a date, "help:<request>", ... */
    const char *action;     /* its audit record's action ("alert.help") */
    const char *actor;      /* who raised it ("hub", "device:3") */
    const char *request_id; /* the audit record's request id */
    time_t now;
};

/* Raises alert a unless one of the same resident, kind, level and day exists, and audits
 * it when new (stored, not released: basis none:stored_not_released, destination
 * "alerts:LEVEL"). *id gets the new alert's id, or 0 when it existed. DB_OK or an error.
 * The one way every alert is raised: by the passes (for every town) and by the raises of
 * this header and of safety.h, each after its own check that the resident is of its town. */
enum db_status escalate_raise(struct db *db, const struct escalate_alert *a, long long *id);

/* Unix time of the start of now's day in Japan time. */
time_t escalate_day_start(time_t now);

#endif
