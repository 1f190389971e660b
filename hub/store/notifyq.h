/*
 * notifyq.h: the alert notification queue (table notify_msgs, docs/notify.md). One row per
 * alert, recipient and channel ("mail" | "webhook"), unique on those three, so planning
 * the same notification twice (two passes, two hubd processes, a pass again after a kill
 * -9) stores it once. A row is pending until it is sent (marked in the database after the
 * SMTP server or the webhook receiver accepted it), failed (given up) or cancelled (the
 * alert was acknowledged, or the consent is gone). A sender claims due rows with a lease
 * (lease_until; FOR UPDATE SKIP LOCKED on PostgreSQL), sends outside any transaction and
 * records the outcome in a short transaction of its own. Every function runs inside the
 * caller's transaction on the caller's handle; the caller audits.
 */
#ifndef HUB_STORE_NOTIFYQ_H
#define HUB_STORE_NOTIFYQ_H

#include "db.h"
#include "scope.h"

#include <stddef.h>
#include <stdint.h>

#define NOTIFYQ_CODE_LEN  19 /* "ABCD-EFGH-JKLM-NPQR": 16 symbols of 32, 80 bits */
#define NOTIFYQ_MAX_CLAIM 32

/* One alert event as the planner sees it: the alerts of one resident, kind and group
 * ("day" key) together, at both levels. */
struct notifyq_incident {
    int64_t resident;
    const char *kind;
    const char *group;
    int64_t first_raised;
    int64_t family_alert, city_alert; /* 0: no alert at that level */
    int64_t city_raised;
    int acknowledged; /* someone acknowledged one of its alerts */
};

/* Each incident with an alert raised at or after since, oldest first. The texts are
 * borrowed until the callback returns; it must not use the handle (collect, then act). */
__attribute__((warn_unused_result)) enum db_status
notifyq_incidents(struct db *db, int64_t since,
                  int (*row)(void *ctx, const struct notifyq_incident *i), void *ctx);

/* Plans one notification, due at due, unless it exists. *created gets 1 when it is new. */
__attribute__((warn_unused_result)) enum db_status
notifyq_add(struct db *db, int64_t alert, int64_t recipient, const char *channel, int64_t resident,
            int64_t step, int64_t due, int64_t now, int *created);

/* Cancels every pending notification of an incident someone acknowledged; *n: how many. */
__attribute__((warn_unused_result)) enum db_status notifyq_cancel_acked(struct db *db, int64_t now,
                                                                        int *n);

/* One notification as read; texts borrowed until the callback returns (or, in a claim,
 * owned by the array). */
struct notifyq_row {
    int64_t id, alert, recipient, resident, step;
    char channel[8];
    char state[12];
    int64_t attempts, due, created, sent;
    char ack_code[NOTIFYQ_CODE_LEN + 1];
    char last_error[96];
    char actor[24]; /* "family:2" */
};

/* Claims up to max (1..NOTIFYQ_MAX_CLAIM) pending notifications due by now whose lease ran
 * out, oldest due first, leasing them until now + lease_s. out has room for max. */
__attribute__((warn_unused_result)) enum db_status notifyq_claim(struct db *db, int64_t now,
                                                                 int64_t lease_s, int max,
                                                                 struct notifyq_row *out,
                                                                 size_t *n);

/* Outcome of an attempt: sent; failed with a retry at next (next = 0: given up) and a
 * short error text (no personal data); cancelled with the reason. Only a pending row
 * changes. */
__attribute__((warn_unused_result)) enum db_status notifyq_sent(struct db *db, int64_t id,
                                                                int64_t now);
__attribute__((warn_unused_result)) enum db_status notifyq_failed(struct db *db, int64_t id,
                                                                  int64_t next, const char *error);
__attribute__((warn_unused_result)) enum db_status notifyq_cancel(struct db *db, int64_t id,
                                                                  const char *why);

/* Gives a claimed, unsent notification back (its lease ends now): a stopping hub's rows
 * are due for the next pass or process at once, without waiting out the lease. */
__attribute__((warn_unused_result)) enum db_status notifyq_release(struct db *db, int64_t id);

/* The notification whose acknowledgement code is code (row called once when it exists). */
__attribute__((warn_unused_result)) enum db_status
notifyq_by_code(struct db *db, const char *code, int (*row)(void *ctx, const struct notifyq_row *r),
                void *ctx);

/* Notifications about the scope's town's residents: undelivered_only (pending or failed) or
 * all, newest first, at most limit. */
__attribute__((warn_unused_result)) enum db_status
notifyq_list(struct db *db, const struct scope *sc, int undelivered_only, int64_t limit,
             int (*row)(void *ctx, const struct notifyq_row *r), void *ctx);

/* The notifications about the alerts of resident's group (one help press, one day's
 * missed check-in), by id; nothing for a resident of another town. */
__attribute__((warn_unused_result)) enum db_status
notifyq_of_group(struct db *db, const struct scope *sc, int64_t resident, const char *group,
                 int (*row)(void *ctx, const struct notifyq_row *r), void *ctx);

/* The earliest due time of a pending notification into *when (0: none). */
__attribute__((warn_unused_result)) enum db_status notifyq_next_due(struct db *db, int64_t *when);

#endif
