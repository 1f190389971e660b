/*
 * hubdb.h: the hub's SQLite file. Opening sets the durability rules every acknowledged
 * write relies on (WAL, synchronous=FULL, foreign keys, a busy timeout so hubd and hubctl
 * can share the file), and hubdb_migrate() brings the schema to the version this build
 * knows, one migration per transaction, recorded in PRAGMA user_version.
 *
 * A small pool hands out read-only connections to request threads; all writes of the
 * daemon go through the single writer thread (writer.h), which owns its own connection.
 */
#ifndef HUB_DB_H
#define HUB_DB_H

#include <stddef.h>
#include <sqlite3.h>

struct db;

enum hubdb_status {
    HUBDB_OK = 0,
    HUBDB_ERR_OPEN,    /* the file cannot be opened or is not a database */
    HUBDB_ERR_MIGRATE, /* a migration failed; nothing of it was kept */
    HUBDB_ERR_NEWER,   /* the file was written by a newer hub */
};
const char *hubdb_status_str(enum hubdb_status s);

/* The schema version this build writes (PRAGMA user_version after hubdb_migrate). */
int hubdb_schema_version(void);

/*
 * Opens (creating if create != 0) the database at path with the hub's pragmas. On success
 * *out is an owned handle (close with sqlite3_close_v2). On failure err holds a sentence.
 */
__attribute__((warn_unused_result)) enum hubdb_status
hubdb_open(const char *path, int create, sqlite3 **out, char *err, size_t errcap);

/* Applies every migration newer than the file's user_version, each in one transaction. */
__attribute__((warn_unused_result)) enum hubdb_status hubdb_migrate(sqlite3 *db, char *err,
                                                                    size_t errcap);

/* The same on a handle of either backend (the PostgreSQL texts are hubdb_pg.c's). */
struct db;
__attribute__((warn_unused_result)) enum hubdb_status hubdb_migrate_db(struct db *db, char *err,
                                                                       size_t errcap);

/* The file's current user_version, or -1. */
int hubdb_user_version(sqlite3 *db);

/* Runs one SQL statement with no result rows. Returns SQLITE_OK or the error code. */
int hubdb_exec(sqlite3 *db, const char *sql);

/*
 * Statement cache for hot paths. sql must be a string literal (the cache is keyed by the
 * pointer). Returns a borrowed statement, reset and with bindings cleared, or NULL. The
 * caller must call hubdb_stmt_done() when finished with it (a SELECT left unreset keeps
 * its read snapshot open) and must never finalize it. A connection that used the cache
 * must be closed with hubdb_close().
 */
sqlite3_stmt *hubdb_stmt(sqlite3 *db, const char *sql);
void hubdb_stmt_done(sqlite3_stmt *st);

/* The database-interface handle (db.h) over conn, for calling the stores from code that
 * holds a bare connection: made at the first call, kept (with its statement cache) until
 * hubdb_close(conn). NULL when out of memory. Thread-safe; the handle, like conn, is used
 * by one thread at a time. */
struct db *hubdb_handle(sqlite3 *conn);

/* Finalizes every statement of db (cached or not) and closes it. Accepts NULL. */
void hubdb_close(sqlite3 *db);

/*
 * The hub's write handle on target, through the database interface (db.h): a SQLite file
 * opened as hubdb_open() does (created when create != 0). On success *out is owned (close
 * with hubdb_db_close). On failure err holds a sentence.
 */
__attribute__((warn_unused_result)) enum hubdb_status
hubdb_open_db(const char *target, int create, struct db **out, char *err, size_t errcap);
/* Closes a handle of hubdb_open_db() or of the pool, with the statements that code still
 * speaking sqlite3 cached on its connection (hubdb_stmt). Accepts NULL. */
void hubdb_db_close(struct db *db);

/* Read-handle pool. Thread-safe. */
struct hubdb_pool;
/* Returns an owned pool over path (no connection is opened yet), or NULL. */
struct hubdb_pool *hubdb_pool_create(const char *path);
/* Borrows a read-only handle; give it back with hubdb_pool_put. NULL if none can be
 * opened. */
struct db *hubdb_pool_get(struct hubdb_pool *pool);
void hubdb_pool_put(struct hubdb_pool *pool, struct db *db);
/* Closes every handle; accepts NULL. No handle may be borrowed any more. */
void hubdb_pool_destroy(struct hubdb_pool *pool);

#endif
