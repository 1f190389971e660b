/*
 * alerts.h: reading and acknowledging alerts. An alert (raised by escalate.h: a missed
 * check-in, a help press, 元気がない) is for one resident, of one kind, at one level
 * ("family" or "city"), keyed by a day or event ("group": alerts raised together share it)
 * and acknowledged at most once. Who may read one is the gate's question, asked by the
 * caller. An alert belongs to its resident's town: every function takes the scope of a town
 * (scope.h) and neither sees nor acknowledges another town's alert, whatever id is sent.
 * Every function runs inside the caller's transaction (or read snapshot) on the
 * caller's handle; the caller audits.
 */
#ifndef HUB_STORE_ALERTS_H
#define HUB_STORE_ALERTS_H

#include "db.h"
#include "scope.h"

#include <stdint.h>

/* One alert as read; the texts are borrowed until the callback returns. */
struct alerts_row {
    int64_t id;
    int64_t resident;
    const char *kind;  /* "missed" | "help" | "unwell" */
    const char *level; /* "family" | "city" */
    int64_t raised_at;
    const char *ack_by; /* the acknowledging actor ("family:2"), NULL while open */
    int64_t ack_at;
    const char *group;         /* the day or event the alert belongs to */
    const char *resident_name; /* alerts_open_city() only, else NULL */
    const char *district;      /* alerts_open_city() only, else NULL */
};

/* The callback of the walks below: a non-zero return stops the walk with DB_ERR. */
typedef int (*alerts_row_fn)(void *ctx, const struct alerts_row *a);

/* The resident's alerts at level (NULL: every level), newest first, at most limit. */
__attribute__((warn_unused_result)) enum db_status
alerts_of_resident(struct db *db, const struct scope *sc, int64_t resident, const char *level,
                   int64_t limit, alerts_row_fn row, void *ctx);

/* The resident's help alerts of their `presses` newest help presses, newest first. */
__attribute__((warn_unused_result)) enum db_status
alerts_help_presses(struct db *db, const struct scope *sc, int64_t resident, int64_t presses,
                    alerts_row_fn row, void *ctx);

/* Open city-level alerts of the scope's town's residents, oldest first, at most limit, with
 * the resident's name and district. */
__attribute__((warn_unused_result)) enum db_status alerts_open_city(struct db *db,
                                                                    const struct scope *sc,
                                                                    int64_t limit,
                                                                    alerts_row_fn row, void *ctx);

/* Every alert of the scope's town (open_only: only those not acknowledged), newest first, at
 * most limit. */
__attribute__((warn_unused_result)) enum db_status alerts_list(struct db *db,
                                                               const struct scope *sc,
                                                               int open_only, int64_t limit,
                                                               alerts_row_fn row, void *ctx);

/* Alert id: row is called once when it exists in the scope's town. DB_OK (also when it does
 * not) or an error. */
__attribute__((warn_unused_result)) enum db_status
alerts_get(struct db *db, const struct scope *sc, int64_t id, alerts_row_fn row, void *ctx);

/* Acknowledges alert id of the scope's town by actor at now unless it is acknowledged
 * already; *changed gets 1 when this call acknowledged it (0 for another town's). */
__attribute__((warn_unused_result)) enum db_status alerts_ack(struct db *db, const struct scope *sc,
                                                              int64_t id, const char *actor,
                                                              int64_t now, int *changed);

#endif
