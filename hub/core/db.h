/*
 * db.h: the hub's one database interface. Every store (hub/store/) reaches SQLite or
 * PostgreSQL only through these calls; which backend a handle speaks is chosen by the
 * target given to db_open(): "postgresql://..." or "postgres://..." (libpq conninfo URI)
 * opens PostgreSQL, anything else is a SQLite file path.
 *
 * SQL. One dialect for DML on both backends: `?` placeholders numbered from 1 in the
 * order they appear (the PostgreSQL backend rewrites them to $1, $2, ...; a `?` inside a
 * quoted literal or identifier is left alone), `INSERT ... RETURNING id` for new ids (no
 * last-insert-id call), `ON CONFLICT ... DO NOTHING / DO UPDATE`, integers as 64-bit,
 * booleans as 0/1 integers, times as Unix seconds in integers. DDL that differs (SQLite's
 * INTEGER PRIMARY KEY vs PostgreSQL's identity columns, BLOB vs bytea, triggers) is
 * written per dialect in the migration list (struct db_migration). Where a query truly
 * cannot be written once, the store branches on db_dialect().
 *
 * Ownership. db_open() returns an owned handle (db_close() frees it and its cached
 * statements; owned statements are finalized before it). db_prepare() returns an owned statement
 * (db_finalize()). db_stmt() returns a BORROWED statement from the handle's cache (keyed by the
 * address of the SQL text, which must therefore have static storage: a string literal); the caller
 * must call db_stmt_done() when finished and never finalizes it. Values passed to db_bind_*() are
 * copied at the call: the caller may free or reuse its buffer at once. Column values
 * returned by db_col_*() are borrowed until the next db_step(), db_stmt_done(),
 * db_reset() or db_finalize() of that statement.
 *
 * Threading. A handle and its statements are used by one thread at a time (the caller
 * serialises; the hub gives each thread its own handle: the writer thread one, the push
 * thread one, request threads borrow from a pool). Different handles may be used from
 * different threads at once. Nothing here blocks on anything but the database.
 *
 * Errors. Every call that can fail returns enum db_status; db_errmsg() then holds the
 * database's own sentence for the last failure on that handle (valid until the next
 * call on it). The category says what the caller may do:
 *   DB_ERR_CONSTRAINT  a UNIQUE / FOREIGN KEY / CHECK refused the row: a client error or
 *                      a lost race, the transaction itself is still usable on SQLite but
 *                      NOT on PostgreSQL: roll back to a savepoint or the whole
 *                      transaction before going on (stores always do).
 *   DB_ERR_BUSY        a lock wait timed out or PostgreSQL aborted the transaction for a
 *                      serialization failure / deadlock: roll back and run it again.
 *   DB_ERR_LOST        the connection is gone (server restarted, network cut): the open
 *                      transaction is lost and nothing of it was committed; a COMMIT that
 *                      answered DB_ERR_LOST is treated as not committed. Call
 *                      db_reconnect() (with back-off) and retry; answer 503 meanwhile.
 *   DB_ERR_NEWER       db_migrate(): the database was written by a newer hub.
 *   DB_ERR             anything else (bad SQL, disk full, misuse): a bug or an outage.
 * A failed db_commit() leaves no transaction open (the backend rolls back).
 *
 * Queued transaction commands. On PostgreSQL db_begin(), db_savepoint(), db_release() and
 * db_rollback_to() do not wait for the server: they travel with the next call that waits
 * for an answer (a step, exec, commit), so DB_OK from them means "queued". Should one
 * fail, that next call answers its failure and does not run; a commit then keeps nothing.
 * db_send() queues a change the same way.
 */
#ifndef HUB_CORE_DB_H
#define HUB_CORE_DB_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct db_stmt;

enum db_status {
    DB_OK = 0,
    DB_ROW,            /* db_step(): a row is ready to read */
    DB_DONE,           /* db_step(): the statement has finished */
    DB_ERR,            /* any other failure; see db_errmsg() */
    DB_ERR_CONSTRAINT, /* a constraint refused the change */
    DB_ERR_BUSY,       /* lock timeout / serialization failure: roll back and retry */
    DB_ERR_LOST,       /* connection lost: db_reconnect(), retry; nothing was committed */
    DB_ERR_NEWER,      /* the database's schema is newer than this build knows */
};
/* A short English phrase for s (never NULL). */
const char *db_status_str(enum db_status s);
/* 1 for the failures a caller may retry after rolling back (BUSY, LOST). */
int db_status_retryable(enum db_status s);

enum db_dialect { DB_SQLITE = 1, DB_POSTGRES = 2 };

enum db_open_flags {
    DB_OPEN_CREATE = 1,   /* SQLite: create the file if missing (PostgreSQL: ignored) */
    DB_OPEN_READONLY = 2, /* refuse writes on this handle (request-thread reads) */
};

/*
 * Opens target (see the top of this file) with the hub's durability settings: SQLite in
 * WAL mode with synchronous=FULL, foreign keys on and a 10 s busy timeout; PostgreSQL with
 * synchronous_commit=on. On success *out is an owned handle. On failure *out is NULL,
 * err holds a sentence naming the target (passwords are never printed) and the result
 * says why (DB_ERR_LOST when the server cannot be reached).
 */
__attribute__((warn_unused_result)) enum db_status
db_open(const char *target, int flags, struct db **out, char *err, size_t errcap);
/* Finalizes db's cached statements and closes it (owned statements must have been
 * finalized). Accepts NULL. */
void db_close(struct db *db);
/* 1 when target names a PostgreSQL server rather than a SQLite file. */
int db_target_is_postgres(const char *target);

enum db_dialect db_dialect(const struct db *db);
/* The database's sentence for the last failure on db (never NULL). */
const char *db_errmsg(const struct db *db);
/* After DB_ERR_LOST: opens the connection again (cached statements are prepared again by
 * the backend as they are used). DB_OK at once on SQLite. */
__attribute__((warn_unused_result)) enum db_status db_reconnect(struct db *db);
/* 0 once the handle knows its connection is gone (a call answered DB_ERR_LOST and no
 * db_reconnect() has worked since), else 1. No round trip; always 1 on SQLite. */
int db_connected(const struct db *db);

/* Runs SQL without parameters or result rows (may hold several statements separated by
 * semicolons). */
__attribute__((warn_unused_result)) enum db_status db_exec(struct db *db, const char *sql);

/* Prepares one statement: an owned one (free with db_finalize) or a borrowed cached one
 * (sql must be a string literal; give it back with db_stmt_done). db_stmt returns NULL on
 * failure, with db_errmsg() set. */
__attribute__((warn_unused_result)) enum db_status db_prepare(struct db *db, const char *sql,
                                                              struct db_stmt **out);
void db_finalize(struct db_stmt *st);
struct db_stmt *db_stmt(struct db *db, const char *sql);
void db_stmt_done(struct db_stmt *st);
/* Back to before the first step, bindings kept. Accepts NULL. */
void db_reset(struct db_stmt *st);

/* Binding; idx counts the `?` from 1. text may be NULL (binds NULL); len < 0 means up to
 * the NUL. Values are copied. */
enum db_status db_bind_int64(struct db_stmt *st, int idx, int64_t v);
enum db_status db_bind_double(struct db_stmt *st, int idx, double v);
enum db_status db_bind_text(struct db_stmt *st, int idx, const char *text, long len);
enum db_status db_bind_blob(struct db_stmt *st, int idx, const void *data, size_t len);
enum db_status db_bind_null(struct db_stmt *st, int idx);

/*
 * Runs the statement to its next row: DB_ROW (read it with db_col_*), DB_DONE, or an
 * error. A change (INSERT/UPDATE/DELETE) takes effect at its first step; with RETURNING
 * its rows then follow. Step to DB_DONE or call db_stmt_done()/db_reset() before the
 * statement is used again.
 */
__attribute__((warn_unused_result)) enum db_status db_step(struct db_stmt *st);

/*
 * Runs a change (INSERT/UPDATE/DELETE without RETURNING) whose answer the caller does not
 * wait for: inside a transaction on PostgreSQL it is queued like the transaction commands
 * and travels with the next call that waits (often the COMMIT: no round trip of its own);
 * elsewhere it runs at once. DB_OK means queued or done; the statement may be reset, bound
 * again or given back at once (its values were sent). Should a queued change fail, the
 * call that carried it answers that failure, and the transaction cannot be saved: no
 * rollback to a savepoint undoes it, its commit fails and keeps nothing (so a change that
 * may fail for a client's reason, a constraint, must be stepped instead). db_changes()
 * does not count queued changes.
 */
__attribute__((warn_unused_result)) enum db_status db_send(struct db_stmt *st);

/*
 * The end of an `INSERT ... RETURNING id` on a cached statement: when bound is DB_OK
 * (the result of the binds), steps it, writes the new id into *id, finishes it and gives
 * it back (db_stmt_done). DB_OK or the first failure.
 */
enum db_status db_insert_id(struct db_stmt *st, enum db_status bound, int64_t *id);

/* Columns of the current row, counted from 0. A NULL reads as 0, 0.0, NULL text/blob. */
int db_col_count(struct db_stmt *st);
int db_col_is_null(struct db_stmt *st, int col);
int64_t db_col_int64(struct db_stmt *st, int col);
double db_col_double(struct db_stmt *st, int col);
const char *db_col_text(struct db_stmt *st, int col);
const void *db_col_blob(struct db_stmt *st, int col);
size_t db_col_bytes(struct db_stmt *st, int col);

/* Rows changed by the last finished INSERT/UPDATE/DELETE on db. */
int64_t db_changes(struct db *db);

/*
 * Transactions. db_begin() opens a write transaction that holds the write lock from its
 * start on SQLite (BEGIN IMMEDIATE); on PostgreSQL a READ COMMITTED transaction (stores
 * that must serialise take row locks, e.g. SELECT ... FOR UPDATE, or advisory locks).
 * Savepoints nest inside it; name is an SQL identifier the caller chooses.
 */
__attribute__((warn_unused_result)) enum db_status db_begin(struct db *db);
__attribute__((warn_unused_result)) enum db_status db_commit(struct db *db);
void db_rollback(struct db *db);
__attribute__((warn_unused_result)) enum db_status db_savepoint(struct db *db, const char *name);
__attribute__((warn_unused_result)) enum db_status db_release(struct db *db, const char *name);
void db_rollback_to(struct db *db, const char *name);

/* One-value helpers for the common "SELECT one integer / one text" (sql: a literal with
 * one int64 parameter, or none when arg is ignored by the SQL). DB_ROW when found (value
 * written), DB_DONE when there is no row, or an error. */
enum db_status db_get_int64(struct db *db, const char *sql, int64_t arg, int64_t *out);
enum db_status db_get_text(struct db *db, const char *sql, int64_t arg, char *out, size_t cap);

/*
 * Migrations: an append-only list, version i+1 at index i. A step gives `sql` for both
 * backends, or `sqlite` and `postgres` where the dialects differ (a dialect-specific text
 * wins over `sql`). db_migrate() applies every step newer than the database's version,
 * each in its own transaction together with the new version number (SQLite: PRAGMA
 * user_version; PostgreSQL: a one-row table hub_schema_version), holding a lock so that
 * several processes starting at once migrate exactly once. A database whose version is
 * newer than n answers DB_ERR_NEWER. err gets a sentence naming the failed step.
 */
struct db_migration {
    const char *sql;
    const char *sqlite;
    const char *postgres;
};
__attribute__((warn_unused_result)) enum db_status
db_migrate(struct db *db, const struct db_migration *steps, int n, char *err, size_t errcap);
/* The database's schema version (0 for a new database), or -1 on failure. */
int db_schema_version(struct db *db);

#endif
