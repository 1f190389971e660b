/*
 * auditrecs.h: the audit records store: the rows of `audit`, the chain head rows of
 * PostgreSQL (`audit_head`) and the signed checkpoints of hubs before the transparency log
 * (`audit_checkpoints`). The chain's rules and hashes are the audit module's (core/audit.c,
 * audit.h): this store only reads and writes rows. Records of every log (the hub log and each
 * town's, auditlog.h routes them), so no scope: what a record says is for the audit's readers.
 * Every function runs inside the caller's transaction (or read snapshot) on the caller's
 * handle.
 */
#ifndef HUB_STORE_AUDITRECS_H
#define HUB_STORE_AUDITRECS_H

#include "db.h"

#include <stddef.h>
#include <stdint.h>

/* The fields a record's hash covers besides its place, time and subject, in the hash's
 * order: actor, action, outcome, data_kinds, purpose, basis, source, destination,
 * request_id. */
#define AUDITRECS_FIELDS 9

/* One record. Strings are borrowed (on reads: until the callback returns) and never NULL
 * on reads (a NULL column reads as ""). */
struct auditrecs_row {
    int64_t id;      /* the row id (reads) */
    int64_t seq;     /* its place in its log's chain (0: not chained) */
    int64_t at;      /* Unix seconds */
    int64_t subject; /* the resident, 0 for none (stored NULL) */
    const char *f[AUDITRECS_FIELDS];
    const char *prev_hash, *hash; /* chained records; empty when unchained */
    /* Adds on PostgreSQL: the town the caller names for the record's log, as audit_rec's
     * town (auditlog_route() with this, the subject and f[0], the actor). */
    int64_t town;
};

/* SQLite: stores r chained in log at r->seq with r->prev_hash and r->hash; *id gets its
 * row id. */
__attribute__((warn_unused_result)) enum db_status
auditrecs_add_chained(struct db *db, int64_t log, const struct auditrecs_row *r, int64_t *id);

/* PostgreSQL: stores r unchained (seq NULL, empty hashes) in the log auditlog_route() gives
 * it, found by the statement itself. With id NULL nothing waits for the answer: inside a
 * transaction the INSERT travels with the next statement or the COMMIT (db_send()). */
__attribute__((warn_unused_result)) enum db_status
auditrecs_add_unchained(struct db *db, const struct auditrecs_row *r, int64_t *id);

/* PostgreSQL: the n records of r[] as auditrecs_add_unchained() stores each, in one INSERT
 * sent without waiting (db_send()); their ids follow the order of r[]. */
__attribute__((warn_unused_result)) enum db_status
auditrecs_add_unchained_many(struct db *db, const struct auditrecs_row *r, size_t n);

/* The newest chained record of log: *seq and hash (64 hex digits). SQLite: the log's record
 * with the highest seq (the write lock the caller's transaction holds keeps it newest).
 * PostgreSQL: the log's audit_head row; with lock, taken FOR UPDATE SKIP LOCKED (the caller
 * is the log's one sequencer until its transaction ends, which commits asynchronously).
 * DB_ROW when read; DB_DONE when the log has no record (SQLite) or another transaction
 * holds the head (PostgreSQL, lock). */
__attribute__((warn_unused_result)) enum db_status
auditrecs_head(struct db *db, int64_t log, int lock, int64_t *seq, char hash[65]);

/* PostgreSQL: calls row(ctx, r) for up to max committed unchained records of log with an id
 * above after (0: all), oldest (lowest id) first, with id, at, subject and f. A non-zero
 * return stops with DB_ERR. */
__attribute__((warn_unused_result)) enum db_status
auditrecs_unchained(struct db *db, int64_t log, int64_t after, int max,
                    int (*row)(void *ctx, const struct auditrecs_row *r), void *ctx);

/* PostgreSQL: gives n unchained records their chain fields, from four array literals
 * ("{...}") of their ids (ascending, the first `first`), seqs, previous hashes and hashes,
 * and moves log's head to (last, head), in one statement. DB_ERR unless exactly n records
 * were still unchained. */
__attribute__((warn_unused_result)) enum db_status
auditrecs_chain(struct db *db, int64_t log, int64_t first, const char *ids, const char *seqs,
                const char *prevs, const char *hashes, int64_t n, int64_t last, const char *head);

/* A log with records awaiting chaining, and the lowest id among them. */
struct auditrecs_pending {
    int64_t log, low;
};

/* PostgreSQL: the logs holding committed unchained records among the max lowest-id ones
 * with an id above after (0: all), at most cap, each with the lowest such id, into logs; *n
 * how many; *top the highest record id stored (committed, chained or not; 0 for none), read
 * in the same snapshot. */
__attribute__((warn_unused_result)) enum db_status
auditrecs_unchained_logs(struct db *db, int64_t after, int max, struct auditrecs_pending *logs,
                         size_t cap, size_t *n, int64_t *top);

/* How many records of log (every log when log < 0) await chaining. */
__attribute__((warn_unused_result)) enum db_status
auditrecs_unchained_count(struct db *db, int64_t log, int64_t *n);

/* Calls row(ctx, r) for the chained records of log with from < seq <= to, in seq order
 * (id, seq, at, subject, f; not the hashes). A non-zero return stops with DB_ERR. */
__attribute__((warn_unused_result)) enum db_status
auditrecs_range(struct db *db, int64_t log, int64_t from, int64_t to,
                int (*row)(void *ctx, const struct auditrecs_row *r), void *ctx);

/* The same over every chained record of log, with prev_hash and hash, on a statement of
 * its own (row may use this store meanwhile). A non-zero return stops with DB_ERR. */
__attribute__((warn_unused_result)) enum db_status
auditrecs_chained(struct db *db, int64_t log, int (*row)(void *ctx, const struct auditrecs_row *r),
                  void *ctx);

/* A signed checkpoint of a hub before the transparency log: over the record at audit_id. */
struct auditrecs_checkpoint {
    int64_t id, audit_id, at;
    const char *audit_hash, *pubkey, *signature; /* borrowed, never NULL */
};

/* Calls cp(ctx, c) for every checkpoint by id, on a statement of its own. A non-zero
 * return stops with DB_ERR. */
__attribute__((warn_unused_result)) enum db_status
auditrecs_checkpoints(struct db *db, int (*cp)(void *ctx, const struct auditrecs_checkpoint *c),
                      void *ctx);

/* The hash of the record at seq (the checkpoints predate the logs: any log; a stored text
 * longer than a hash reads as "-"). DB_ROW, DB_DONE when there is none, or the failure. */
__attribute__((warn_unused_result)) enum db_status auditrecs_hash_at(struct db *db, int64_t seq,
                                                                     char hash[65]);

#endif
