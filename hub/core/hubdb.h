/*
 * hubdb.h: the hub's database handles and its migrations. hubdb_open_db() opens the
 * target (a SQLite file with the durability rules every acknowledged write relies on: WAL,
 * synchronous=FULL, foreign keys, a busy timeout so hubd and hubctl can share the file; or
 * a postgresql:// URL), and hubdb_migrate_db() brings the schema to the version this build
 * knows, one migration per transaction, in either dialect.
 *
 * A small pool hands out read-only handles to request threads; all writes of the daemon
 * go through the single writer thread (writer.h), which owns its own handle.
 *
 * The bare sqlite3 connection (hubdb_open(), hubdb_handle(), hubdb_close()) is for what
 * only a SQLite file has: the backup's page copy and integrity check (hubbackup.c).
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

/* The schema version this build writes (after hubdb_migrate_db). */
int hubdb_schema_version(void);

/*
 * Opens (creating if create != 0) the database at path with the hub's pragmas. On success
 * *out is an owned handle (close with sqlite3_close_v2). On failure err holds a sentence.
 */
__attribute__((warn_unused_result)) enum hubdb_status
hubdb_open(const char *path, int create, sqlite3 **out, char *err, size_t errcap);

/* Applies every migration newer than the database's version, each in one transaction, on
 * a handle of either backend (the PostgreSQL texts are hubdb_pg.c's). */
__attribute__((warn_unused_result)) enum hubdb_status hubdb_migrate_db(struct db *db, char *err,
                                                                       size_t errcap);

/* The database-interface handle (db.h) over conn, for calling the stores from code that
 * holds a bare connection: made at the first call, kept (with its statement cache) until
 * hubdb_close(conn). NULL when out of memory. Thread-safe; the handle, like conn, is used
 * by one thread at a time. */
struct db *hubdb_handle(sqlite3 *conn);

/* Finalizes every statement of db, frees its handle (hubdb_handle) and closes it. Accepts
 * NULL. */
void hubdb_close(sqlite3 *db);

/*
 * The hub's write handle on target, through the database interface (db.h): a SQLite file
 * opened as hubdb_open() does (created when create != 0). On success *out is owned (close
 * with hubdb_db_close). On failure err holds a sentence.
 */
__attribute__((warn_unused_result)) enum hubdb_status
hubdb_open_db(const char *target, int create, struct db **out, char *err, size_t errcap);
/* Closes a handle of hubdb_open_db() or of the pool (on SQLite with its connection).
 * Accepts NULL. */
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
