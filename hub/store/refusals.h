/*
 * refusals.h: the store of refused authorizations, summarised. hubd counts every request
 * it answers 401 or 403 (or 429 too_many_failures, a refusal past the address's allowance)
 * per caller x client address x route x minute in memory and writes one row per such key
 * when the minute is over (batched through the writer: no commit per refusal). The caller is
 * never the token: "none" (no token), "sha256:<8 hex>" (the first 8 hex digits of an
 * unknown token's SHA-256, enough to see one guessed token tried again, nothing to use), or
 * the principal of a known token ("device:3") refused a route. No personal data: no
 * names, no resident, no body. Rows are bounded: a cap on their number and an age
 * (retention.h), so a flood of refusals cannot fill the disk.
 *
 * Every function runs inside the caller's transaction on the caller's handle and writes no
 * audit record: the caller audits (one record per row written, tamper-evident).
 */
#ifndef HUB_STORE_REFUSALS_H
#define HUB_STORE_REFUSALS_H

#include "db.h"
#include "scope.h"

#include <stdint.h>

#define REFUSALS_CALLER_MAX  40 /* "sha256:0123abcd", "operator:12", "none", "other" */
#define REFUSALS_ADDRESS_MAX 46 /* an IPv6 address as text, or "other" */
#define REFUSALS_ROUTE_MAX   64 /* "GET /v1/residents/{id}/checkins", or "other" */

struct refusals_row {
    int64_t id;                           /* set by the store */
    int64_t minute;                       /* Unix s of the minute's start */
    char caller[REFUSALS_CALLER_MAX + 1]; /* never the token itself */
    char address[REFUSALS_ADDRESS_MAX + 1];
    char route[REFUSALS_ROUTE_MAX + 1];
    int64_t town;  /* the known caller's municipality, 0 for "none" and unknown tokens */
    int64_t count; /* refusals in the minute */
    int64_t first; /* Unix s of the first and the last */
    int64_t last;
};

/* Adds a summary: a new row, or (the same key written before, by this or another process)
 * its count and times merged into the stored row. *id gets the row's id. */
__attribute__((warn_unused_result)) enum db_status
refusals_add(struct db *db, const struct refusals_row *row, int64_t *id);

/* The rows whose minute is in [from, to), oldest first, at most limit, each handed to
 * each(ctx, row) (borrowed until it returns; non-zero stops): of the scope's town and those
 * of no town (refusals of no token or an unknown one), or of every town when sc is NULL
 * (hubctl, the hub's operator). */
__attribute__((warn_unused_result)) enum db_status
refusals_list(struct db *db, const struct scope *sc, int64_t from, int64_t to, int64_t limit,
              int (*each)(void *ctx, const struct refusals_row *row), void *ctx);

/* Housekeeping (retention.h): deletes up to limit rows of minutes before before, oldest
 * first, and then up to limit of the oldest rows beyond the newest cap. *deleted: how
 * many. */
__attribute__((warn_unused_result)) enum db_status
refusals_purge(struct db *db, int64_t before, int64_t cap, int64_t limit, int64_t *deleted);

#endif
