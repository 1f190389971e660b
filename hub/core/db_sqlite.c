/*
 * db_sqlite.c: db.h on SQLite, the embedded default. One handle is one sqlite3
 * connection opened with the hub's durability rules: WAL so readers never block the
 * writer, synchronous=FULL so a COMMIT is on disk before anything is acknowledged,
 * foreign keys on, and a busy timeout so hubd and hubctl can share the file.
 */
#include "db_backend.h"
#include "db_sqlite.h"
#include "filemode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sq_db {
    struct db base;
    sqlite3 *conn;
    int borrowed; /* db_sqlite_wrap(): the connection is not ours to close */
};

struct sq_stmt {
    struct db_stmt base;
    sqlite3_stmt *st;
};

static struct sq_db *sq(struct db *db)
{
    return (struct sq_db *)db;
}

static struct sq_stmt *sqs(struct db_stmt *st)
{
    return (struct sq_stmt *)st;
}

sqlite3 *db_sqlite_handle(struct db *db)
{
    return db && db->ops->dialect == DB_SQLITE ? sq(db)->conn : NULL;
}

/* Maps SQLite's result code to the caller's choices and keeps its sentence. */
static enum db_status fail(struct db *db, int rc)
{
    enum db_status st = DB_ERR;
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        st = DB_ERR_CONSTRAINT;
        break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        st = DB_ERR_BUSY;
        break;
    default:
        break;
    }
    return db_set_err(db, st, "%s", sqlite3_errmsg(sq(db)->conn));
}

static void sq_close(struct db *db)
{
    struct sq_db *d = sq(db);
    if (!d->borrowed)
        sqlite3_close_v2(d->conn);
    free(d);
}

static enum db_status sq_reconnect(struct db *db)
{
    return DB_OK;
}

static enum db_status sq_exec(struct db *db, const char *sql)
{
    int rc = sqlite3_exec(sq(db)->conn, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? DB_OK : fail(db, rc);
}

static enum db_status sq_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
    struct sq_stmt *s = calloc(1, sizeof *s);
    if (!s)
        return db_set_err(db, DB_ERR, "out of memory");
    int rc = sqlite3_prepare_v3(sq(db)->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL);
    if (rc != SQLITE_OK || !s->st) {
        enum db_status st =
            rc == SQLITE_OK ? db_set_err(db, DB_ERR, "empty statement") : fail(db, rc);
        sqlite3_finalize(s->st);
        free(s);
        return st;
    }
    s->base.db = db;
    *out = &s->base;
    return DB_OK;
}

static void sq_finalize(struct db_stmt *st)
{
    sqlite3_finalize(sqs(st)->st);
    free(st);
}

static void sq_reset(struct db_stmt *st)
{
    sqlite3_reset(sqs(st)->st);
    sqlite3_clear_bindings(sqs(st)->st);
}

static enum db_status bound(struct db_stmt *st, int rc)
{
    return rc == SQLITE_OK ? DB_OK : fail(st->db, rc);
}

static enum db_status sq_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
    return bound(st, sqlite3_bind_int64(sqs(st)->st, idx, v));
}

static enum db_status sq_bind_double(struct db_stmt *st, int idx, double v)
{
    return bound(st, sqlite3_bind_double(sqs(st)->st, idx, v));
}

static enum db_status sq_bind_text(struct db_stmt *st, int idx, const char *text, size_t len)
{
    return bound(st,
                 sqlite3_bind_text64(sqs(st)->st, idx, text, len, SQLITE_TRANSIENT, SQLITE_UTF8));
}

static enum db_status sq_bind_blob(struct db_stmt *st, int idx, const void *data, size_t len)
{
    return bound(st, sqlite3_bind_blob64(sqs(st)->st, idx, data, len, SQLITE_TRANSIENT));
}

static enum db_status sq_bind_null(struct db_stmt *st, int idx)
{
    return bound(st, sqlite3_bind_null(sqs(st)->st, idx));
}

static enum db_status sq_step(struct db_stmt *st)
{
    int rc = sqlite3_step(sqs(st)->st);
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return DB_DONE;
    /* The statement's own code (extended) is the reliable one after a step. */
    enum db_status s = fail(st->db, rc);
    sqlite3_reset(sqs(st)->st);
    return s;
}

static int sq_col_count(struct db_stmt *st)
{
    return sqlite3_column_count(sqs(st)->st);
}

static int sq_col_is_null(struct db_stmt *st, int col)
{
    return sqlite3_column_type(sqs(st)->st, col) == SQLITE_NULL;
}

static int64_t sq_col_int64(struct db_stmt *st, int col)
{
    return sqlite3_column_int64(sqs(st)->st, col);
}

static double sq_col_double(struct db_stmt *st, int col)
{
    return sqlite3_column_double(sqs(st)->st, col);
}

static const char *sq_col_text(struct db_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(sqs(st)->st, col);
}

static const void *sq_col_blob(struct db_stmt *st, int col)
{
    return sqlite3_column_blob(sqs(st)->st, col);
}

static size_t sq_col_bytes(struct db_stmt *st, int col)
{
    return (size_t)sqlite3_column_bytes(sqs(st)->st, col);
}

static int64_t sq_changes(struct db *db)
{
    return sqlite3_changes64(sq(db)->conn);
}

static enum db_status sq_begin(struct db *db)
{
    /* IMMEDIATE: take the write lock now, so a transaction never fails half-way for
     * wanting to upgrade a read lock. */
    return sq_exec(db, "BEGIN IMMEDIATE");
}

static enum db_status sq_commit(struct db *db)
{
    enum db_status s = sq_exec(db, "COMMIT");
    if (s != DB_OK && !sqlite3_get_autocommit(sq(db)->conn)) {
        char keep[sizeof db->errmsg];
        memcpy(keep, db->errmsg, sizeof keep);
        sqlite3_exec(sq(db)->conn, "ROLLBACK", NULL, NULL, NULL);
        memcpy(db->errmsg, keep, sizeof keep);
    }
    return s;
}

static void sq_rollback(struct db *db)
{
    if (!sqlite3_get_autocommit(sq(db)->conn))
        sqlite3_exec(sq(db)->conn, "ROLLBACK", NULL, NULL, NULL);
}

static int sq_version_get(struct db *db)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(sq(db)->conn, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    else
        fail(db, sqlite3_errcode(sq(db)->conn));
    sqlite3_finalize(st);
    return v;
}

static enum db_status sq_version_set(struct db *db, int version)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version=%d", version);
    return sq_exec(db, sql);
}

static enum db_status sq_migration_lock(struct db *db)
{
    return DB_OK; /* BEGIN IMMEDIATE already holds the one write lock */
}

static const struct db_ops sq_ops = {
    .dialect = DB_SQLITE,
    .close = sq_close,
    .reconnect = sq_reconnect,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .reset = sq_reset,
    .bind_int64 = sq_bind_int64,
    .bind_double = sq_bind_double,
    .bind_text = sq_bind_text,
    .bind_blob = sq_bind_blob,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col_count = sq_col_count,
    .col_is_null = sq_col_is_null,
    .col_int64 = sq_col_int64,
    .col_double = sq_col_double,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
    .col_bytes = sq_col_bytes,
    .changes = sq_changes,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .version_get = sq_version_get,
    .version_set = sq_version_set,
    .migration_lock = sq_migration_lock,
};

struct db *db_sqlite_open(const char *path, int flags, enum db_status *status, char *err,
                          size_t errcap)
{
    struct sq_db *d = calloc(1, sizeof *d);
    /* Read handles are used by one thread at a time; a write handle is serialised by
     * SQLite too, as the hub's writer connection always was. */
    int oflags = SQLITE_OPEN_READWRITE |
                 ((flags & DB_OPEN_READONLY) ? SQLITE_OPEN_NOMUTEX : SQLITE_OPEN_FULLMUTEX);
    *status = DB_ERR;
    if (!d) {
        snprintf(err, errcap, "out of memory opening %s", path);
        return NULL;
    }
    d->base.ops = &sq_ops;
    if (flags & DB_OPEN_CREATE)
        oflags |= SQLITE_OPEN_CREATE;
    if (!(flags & DB_OPEN_READONLY) &&
        filemode_secure_db(path, (flags & DB_OPEN_CREATE) != 0, err, errcap) != 0)
        goto fail;
    if (sqlite3_open_v2(path, &d->conn, oflags, NULL) != SQLITE_OK) {
        snprintf(err, errcap, "cannot open database %s: %s", path,
                 d->conn ? sqlite3_errmsg(d->conn) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(d->conn, 10000);
    if (sq_exec(&d->base, (flags & DB_OPEN_READONLY) ? "PRAGMA query_only=1"
                                                     : "PRAGMA journal_mode=WAL") != DB_OK ||
        sq_exec(&d->base, "PRAGMA synchronous=FULL") != DB_OK ||
        sq_exec(&d->base, "PRAGMA foreign_keys=ON") != DB_OK) {
        snprintf(err, errcap, "cannot set up database %s: %s", path, d->base.errmsg);
        goto fail;
    }
    *status = DB_OK;
    return &d->base;
fail:
    sqlite3_close_v2(d->conn);
    free(d);
    return NULL;
}

struct db *db_sqlite_wrap(sqlite3 *conn)
{
    struct sq_db *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->base.ops = &sq_ops;
    d->conn = conn;
    d->borrowed = 1;
    return &d->base;
}
