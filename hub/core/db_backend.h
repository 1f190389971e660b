/*
 * db_backend.h: what a database backend implements behind db.h (db_sqlite.c, db_pg.c).
 * Only backends and db.c include this file; stores use db.h.
 *
 * A backend allocates its own handle and statement structs with `struct db` and
 * `struct db_stmt` as their FIRST member (so db.c can cast), fills `ops`, and provides an
 * open function named in db.c. db.c does everything common: the statement cache, the
 * one-value helpers, the migration runner, NULL checks and the status words. The
 * contract of each operation is the one written for its db_* counterpart in db.h;
 * additionally:
 *   - open: parse the target, connect, apply the durability settings; on failure write a
 *     sentence into err (never a password) and return NULL with *status set.
 *   - prepare: translate `?` to the backend's placeholders if needed; the returned
 *     statement stays valid across reconnect (re-prepare lazily in step).
 *   - every failing op sets the handle's errmsg (db_set_err) and returns the category.
 *   - version_get/version_set/migration_lock run inside the transaction db_migrate opened
 *     with db_begin(); migration_lock serialises concurrent migrators (SQLite: the write
 *     lock BEGIN IMMEDIATE already holds, so a no-op; PostgreSQL: pg_advisory_xact_lock).
 */
#ifndef HUB_CORE_DB_BACKEND_H
#define HUB_CORE_DB_BACKEND_H

#include "db.h"

struct db_ops {
    enum db_dialect dialect;
    void (*close)(struct db *db);
    enum db_status (*reconnect)(struct db *db);
    int (*connected)(const struct db *db); /* NULL: always connected */
    enum db_status (*exec)(struct db *db, const char *sql);
    /* A transaction command (SAVEPOINT, RELEASE, ROLLBACK TO) whose answer may come with
     * the next command that waits for one; NULL: exec. */
    enum db_status (*control)(struct db *db, const char *sql);
    enum db_status (*prepare)(struct db *db, const char *sql, struct db_stmt **out);
    void (*finalize)(struct db_stmt *st);
    void (*reset)(struct db_stmt *st);
    enum db_status (*bind_int64)(struct db_stmt *st, int idx, int64_t v);
    enum db_status (*bind_double)(struct db_stmt *st, int idx, double v);
    enum db_status (*bind_text)(struct db_stmt *st, int idx, const char *text, size_t len);
    enum db_status (*bind_blob)(struct db_stmt *st, int idx, const void *data, size_t len);
    enum db_status (*bind_null)(struct db_stmt *st, int idx);
    enum db_status (*step)(struct db_stmt *st);
    /* db_send(); NULL: step to the end. */
    enum db_status (*send)(struct db_stmt *st);
    int (*col_count)(struct db_stmt *st);
    int (*col_is_null)(struct db_stmt *st, int col);
    int64_t (*col_int64)(struct db_stmt *st, int col);
    double (*col_double)(struct db_stmt *st, int col);
    const char *(*col_text)(struct db_stmt *st, int col);
    const void *(*col_blob)(struct db_stmt *st, int col);
    size_t (*col_bytes)(struct db_stmt *st, int col);
    int64_t (*changes)(struct db *db);
    enum db_status (*begin)(struct db *db);
    enum db_status (*commit)(struct db *db);
    void (*rollback)(struct db *db);
    int (*version_get)(struct db *db);
    enum db_status (*version_set)(struct db *db, int version);
    enum db_status (*migration_lock)(struct db *db);
};

struct db_cache_slot {
    const char *sql;
    struct db_stmt *st;
};

struct db {
    const struct db_ops *ops;
    char errmsg[512];
    struct db_cache_slot *cache; /* open addressing on the SQL text's address (db.c) */
    size_t cache_cap, cache_used;
};

struct db_stmt {
    struct db *db;
    int cached; /* owned by db's cache: db_finalize() refuses it */
};

/* Records the sentence for the last failure on db (printf-style) and returns st. */
enum db_status db_set_err(struct db *db, enum db_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The backends' open functions (db.c chooses by the target). db_pg_open exists only when
 * the hub is built with libpq (HUB_WITH_POSTGRES). */
struct db *db_sqlite_open(const char *path, int flags, enum db_status *status, char *err,
                          size_t errcap);
struct db *db_pg_open(const char *conninfo, int flags, enum db_status *status, char *err,
                      size_t errcap);

#endif
