/*
 * accesslog.h: reading the audit log (hub/core/audit.h appends to it): a resident's access
 * log page by page, the same told as one line per who-did-what-on-which-day, and the
 * whole log for the city office. A record belongs to the town of the resident it is about:
 * every function takes the scope of a town (scope.h) and reads only records about that
 * town's residents (nothing for another town's resident, as if there were none). Every
 * function runs inside the caller's transaction (or
 * read snapshot) on the caller's handle; reading the log is itself a release the caller
 * audits.
 */
#ifndef HUB_STORE_ACCESSLOG_H
#define HUB_STORE_ACCESSLOG_H

#include "db.h"
#include "scope.h"

#include <stdint.h>

/* One audit record as read (without its hashes); the texts are borrowed until the
 * callback returns. */
struct accesslog_row {
    int64_t id;
    int64_t at;
    const char *actor;
    const char *action;
    const char *outcome;
    int64_t subject; /* the resident, 0 when none */
    const char *data_kinds;
    const char *purpose;
    const char *basis;
    const char *source;
    const char *destination;
    const char *request_id;
};

/* Calls row(ctx, ...) for the records about resident (0: every record of the town's own
 * audit log, those with no subject too, such as a refused card login at its kiosk) with an
 * id below before, newest first, at most limit; a non-zero return stops the walk with
 * DB_ERR. */
__attribute__((warn_unused_result)) enum db_status
accesslog_records(struct db *db, const struct scope *sc, int64_t resident, int64_t before,
                  int64_t limit, int (*row)(void *ctx, const struct accesslog_row *r), void *ctx);

/*
 * One line of the access log told as what happened: the records of one actor (for the
 * resident's own accesses, any device), one action ("read" for every *.read), one kind of
 * data (for reads, one purpose) and one Japan day. The texts are borrowed until the
 * callback returns.
 */
struct accesslog_line {
    int own; /* 1: the resident's own access (basis self:...) */
    const char *actor;
    const char *action;
    const char *data_kinds; /* the distinct data kinds, comma-separated */
    const char *purpose;
    const char *basis;
    char day[11];  /* YYYY-MM-DD, Japan time */
    int64_t count; /* distinct seconds: one reload reading two things is one look */
    int64_t first_at, last_at, last_id;
    const char *outcome;
};

/* Calls row(ctx, ...) for the resident's lines, others' accesses first, newest first, from
 * line offset, at most limit. */
__attribute__((warn_unused_result)) enum db_status
accesslog_summary(struct db *db, const struct scope *sc, int64_t resident, int64_t limit,
                  int64_t offset, int (*row)(void *ctx, const struct accesslog_line *l), void *ctx);

#endif
