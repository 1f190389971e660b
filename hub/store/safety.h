/*
 * safety.h: the safety confirmation store (安否確認). City staff start a check for the
 * whole town or some districts; the residents asked are fixed at the start (every
 * resident of the area then). Each resident's home device answers "safe" or "need_help";
 * every answer is kept and the one with the latest tap time counts. A need_help answer,
 * and no answer by the due time, raise alerts on the normal alert path (the alerts table,
 * read and acknowledged like missed check-ins and help presses). Every function runs
 * inside the caller's transaction on the caller's handle; the caller audits, except the
 * alerts, which are audited where they are raised (as hub/store/escalate.c does).
 */
#ifndef HUB_STORE_SAFETY_H
#define HUB_STORE_SAFETY_H

#include "db.h"
#include "scope.h"

#include <stdint.h>

#define SAFETY_DISTRICTS_MAX 50

struct safety_new {
    const char *title_ja, *area_ja;
    const char *const *districts; /* none = the whole town */
    int n_districts;
    int64_t answer_within_min;
    const char *by; /* "staff:3" */
};

/* Starts a check of the scope's town at now (asking only that town's residents); *id gets
 * its id, *asked how many residents it asks. */
__attribute__((warn_unused_result)) enum db_status
safety_start(struct db *db, const struct scope *sc, const struct safety_new *n, int64_t now,
             int64_t *id, int64_t *asked);

/* A check with its counts; text borrowed until the callback returns. */
struct safety_check {
    int64_t id;
    const char *title_ja, *area_ja;
    const char *districts;                           /* '\n'-separated, NULL = whole town */
    int64_t answer_within_min, started, due, closed; /* closed 0 = open */
    int64_t asked, safe, need_help;                  /* no answer = asked - safe - need_help */
};
typedef int (*safety_check_fn)(void *ctx, const struct safety_check *c);

/* One check of the scope's town: DB_ROW after fn ran, DB_DONE when there is none. */
__attribute__((warn_unused_result)) enum db_status
safety_get(struct db *db, const struct scope *sc, int64_t id, safety_check_fn fn, void *ctx);
/* The town's newest checks first, at most limit. */
__attribute__((warn_unused_result)) enum db_status
safety_list(struct db *db, const struct scope *sc, int64_t limit, safety_check_fn fn, void *ctx);

/* Closes check id of the scope's town at now: *found 0 when none, *changed 1 when it was
 * open. */
__attribute__((warn_unused_result)) enum db_status safety_close(struct db *db,
                                                                const struct scope *sc, int64_t id,
                                                                int64_t now, int *found,
                                                                int *changed);

/* One resident asked by a check with the answer that counts (answer NULL = none). */
struct safety_person {
    int64_t resident_id;
    const char *display_name, *district;
    const char *answer; /* "safe" | "need_help" | NULL */
    int64_t at;
};
typedef int (*safety_person_fn)(void *ctx, const struct safety_person *p);

/* Everyone check id asked, by district then id. */
__attribute__((warn_unused_result)) enum db_status
safety_people(struct db *db, const struct scope *sc, int64_t check, safety_person_fn fn, void *ctx);

/* The open checks that asked resident, newest first, each with the resident's answer
 * (fn gets the check and the person). */
__attribute__((warn_unused_result)) enum db_status
safety_open_for(struct db *db, const struct scope *sc, int64_t resident,
                int (*fn)(void *ctx, const struct safety_check *c, const struct safety_person *p),
                void *ctx);

/*
 * Checks started at or after since that asked one of the residents linked to family
 * member family, newest first; fn gets each (check, person) pair, the person's answer
 * included. The caller decides with the gate which persons it may release.
 */
__attribute__((warn_unused_result)) enum db_status
safety_for_family(struct db *db, const struct scope *sc, int64_t family, int64_t since,
                  int (*fn)(void *ctx, const struct safety_check *c, const struct safety_person *p),
                  void *ctx);

/*
 * Stores an answer of resident (from device) to check at tap time at, received now.
 * *asked 0 when the check did not ask this resident (or does not exist): nothing stored.
 * *id gets the answer's id.
 */
__attribute__((warn_unused_result)) enum db_status
safety_answer(struct db *db, const struct scope *sc, int64_t check, int64_t resident,
              int64_t device, const char *answer, int64_t at, int64_t now, int *asked, int64_t *id);

/* The start of check (Unix seconds): DB_ROW, or DB_DONE when there is none. */
__attribute__((warn_unused_result)) enum db_status
safety_started(struct db *db, const struct scope *sc, int64_t check, int64_t *started);

/*
 * Raises a safety alert of kind ("safety_help" | "safety_no_answer") for resident about
 * check at both levels (family, city), once per check, kind and level, and audits each
 * new alert like the missed check-in pass does (action "alert.<kind>", actor and request
 * id given). *n (may be NULL) is increased by the alerts raised now.
 */
__attribute__((warn_unused_result)) enum db_status
safety_raise(struct db *db, const struct scope *sc, int64_t resident, int64_t check,
             const char *kind, int64_t now, const char *actor, const char *request_id, int *n);

/*
 * The due pass (the hub's own, for every town: no scope): every check whose due time passed by now
 * and was not yet escalated raises "safety_no_answer" for each resident it asked who has not
 * answered, then is marked escalated (once per check). *n gets the number of alerts raised.
 */
__attribute__((warn_unused_result)) enum db_status safety_escalate(struct db *db, int64_t now,
                                                                   const char *actor, int *n);

#endif
