/*
 * db.c: the backend-independent half of db.h: choosing the backend by the target, the
 * per-handle statement cache, NULL-tolerant wrappers, the one-value helpers and the
 * migration runner. The backends (db_sqlite.c, db_pg.c) do the talking.
 */
#include "db_backend.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *db_status_str(enum db_status s)
{
    switch (s) {
    case DB_OK:
        return "ok";
    case DB_ROW:
        return "row";
    case DB_DONE:
        return "done";
    case DB_ERR:
        return "database error";
    case DB_ERR_CONSTRAINT:
        return "constraint violated";
    case DB_ERR_BUSY:
        return "database busy, retry";
    case DB_ERR_LOST:
        return "database connection lost, retry";
    case DB_ERR_NEWER:
        return "database written by a newer hub";
    }
    return "unknown";
}

int db_status_retryable(enum db_status s)
{
    return s == DB_ERR_BUSY || s == DB_ERR_LOST;
}

enum db_status db_set_err(struct db *db, enum db_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(db->errmsg, sizeof db->errmsg, fmt, ap);
    va_end(ap);
    return st;
}

int db_target_is_postgres(const char *target)
{
    return strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0;
}

enum db_status db_open(const char *target, int flags, struct db **out, char *err, size_t errcap)
{
    enum db_status st = DB_ERR;
    *out = NULL;
    if (db_target_is_postgres(target)) {
#ifdef HUB_WITH_POSTGRES
        *out = db_pg_open(target, flags, &st, err, errcap);
#else
        snprintf(err, errcap,
                 "this hub was built without PostgreSQL support (libpq); use a SQLite file");
        st = DB_ERR;
#endif
    } else {
        *out = db_sqlite_open(target, flags, &st, err, errcap);
    }
    return *out ? DB_OK : st;
}

void db_close(struct db *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < db->cache_cap; i++)
        if (db->cache[i].st)
            db->ops->finalize(db->cache[i].st);
    free(db->cache);
    db->cache = NULL;
    db->ops->close(db);
}

enum db_dialect db_dialect(const struct db *db)
{
    return db->ops->dialect;
}

const char *db_errmsg(const struct db *db)
{
    return db ? db->errmsg : "no database";
}

enum db_status db_reconnect(struct db *db)
{
    return db->ops->reconnect(db);
}

int db_connected(const struct db *db)
{
    return !db->ops->connected || db->ops->connected(db);
}

enum db_status db_exec(struct db *db, const char *sql)
{
    return db->ops->exec(db, sql);
}

enum db_status db_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
    *out = NULL;
    return db->ops->prepare(db, sql, out);
}

void db_finalize(struct db_stmt *st)
{
    if (st && !st->cached)
        st->db->ops->finalize(st);
}

static size_t cache_hash(const char *sql, size_t cap)
{
    uintptr_t h = (uintptr_t)sql;
    h ^= h >> 17;
    h *= (uintptr_t)0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 16) & (cap - 1);
}

static struct db_cache_slot *cache_find(struct db *db, const char *sql)
{
    if (!db->cache_cap)
        return NULL;
    size_t i = cache_hash(sql, db->cache_cap);
    while (db->cache[i].sql) {
        if (db->cache[i].sql == sql)
            return &db->cache[i];
        i = (i + 1) & (db->cache_cap - 1);
    }
    return &db->cache[i]; /* the empty slot where sql belongs */
}

/* Keeps the table at most half full so probes stay short. */
static int cache_grow(struct db *db)
{
    size_t cap = db->cache_cap ? db->cache_cap * 2 : 64;
    struct db_cache_slot *n = calloc(cap, sizeof *n);
    if (!n)
        return -1;
    for (size_t i = 0; i < db->cache_cap; i++) {
        if (!db->cache[i].sql)
            continue;
        size_t j = cache_hash(db->cache[i].sql, cap);
        while (n[j].sql)
            j = (j + 1) & (cap - 1);
        n[j] = db->cache[i];
    }
    free(db->cache);
    db->cache = n;
    db->cache_cap = cap;
    return 0;
}

struct db_stmt *db_stmt(struct db *db, const char *sql)
{
    struct db_cache_slot *slot = cache_find(db, sql);
    if (slot && slot->st) {
        db->ops->reset(slot->st);
        return slot->st;
    }
    if ((db->cache_used + 1) * 2 > db->cache_cap && cache_grow(db) != 0) {
        db_set_err(db, DB_ERR, "out of memory for the statement cache");
        return NULL;
    }
    struct db_stmt *st = NULL;
    if (db->ops->prepare(db, sql, &st) != DB_OK)
        return NULL;
    st->cached = 1;
    slot = cache_find(db, sql);
    slot->sql = sql;
    slot->st = st;
    db->cache_used++;
    return st;
}

void db_stmt_done(struct db_stmt *st)
{
    if (st)
        st->db->ops->reset(st);
}

void db_reset(struct db_stmt *st)
{
    if (st)
        st->db->ops->reset(st);
}

enum db_status db_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
    return st->db->ops->bind_int64(st, idx, v);
}

enum db_status db_bind_double(struct db_stmt *st, int idx, double v)
{
    return st->db->ops->bind_double(st, idx, v);
}

enum db_status db_bind_text(struct db_stmt *st, int idx, const char *text, long len)
{
    if (!text)
        return st->db->ops->bind_null(st, idx);
    return st->db->ops->bind_text(st, idx, text, len < 0 ? strlen(text) : (size_t)len);
}

enum db_status db_bind_blob(struct db_stmt *st, int idx, const void *data, size_t len)
{
    return st->db->ops->bind_blob(st, idx, data ? data : "", len);
}

enum db_status db_bind_null(struct db_stmt *st, int idx)
{
    return st->db->ops->bind_null(st, idx);
}

enum db_status db_step(struct db_stmt *st)
{
    return st->db->ops->step(st);
}

enum db_status db_send(struct db_stmt *st)
{
    if (st->db->ops->send)
        return st->db->ops->send(st);
    enum db_status s = db_step(st);
    if (s == DB_ROW)
        s = db_set_err(st->db, DB_ERR, "a change sent without waiting returned rows");
    return s == DB_DONE ? DB_OK : s;
}

enum db_status db_insert_id(struct db_stmt *st, enum db_status bound, int64_t *id)
{
    enum db_status s = bound == DB_OK ? db_step(st) : bound;
    if (s == DB_ROW) {
        *id = db_col_int64(st, 0);
        s = db_step(st);
    } else if (s == DB_DONE) {
        s = db_set_err(st->db, DB_ERR, "the insert returned no id");
    }
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

int db_col_count(struct db_stmt *st)
{
    return st->db->ops->col_count(st);
}

int db_col_is_null(struct db_stmt *st, int col)
{
    return st->db->ops->col_is_null(st, col);
}

int64_t db_col_int64(struct db_stmt *st, int col)
{
    return st->db->ops->col_int64(st, col);
}

double db_col_double(struct db_stmt *st, int col)
{
    return st->db->ops->col_double(st, col);
}

const char *db_col_text(struct db_stmt *st, int col)
{
    return st->db->ops->col_text(st, col);
}

const void *db_col_blob(struct db_stmt *st, int col)
{
    return st->db->ops->col_blob(st, col);
}

size_t db_col_bytes(struct db_stmt *st, int col)
{
    return st->db->ops->col_bytes(st, col);
}

int64_t db_changes(struct db *db)
{
    return db->ops->changes(db);
}

enum db_status db_begin(struct db *db)
{
    return db->ops->begin(db);
}

enum db_status db_commit(struct db *db)
{
    return db->ops->commit(db);
}

void db_rollback(struct db *db)
{
    db->ops->rollback(db);
}

/* Savepoint names come from the hub's own code, never from outside; still refuse
 * anything but an identifier so a mistake cannot become SQL. */
static enum db_status savepoint_sql(struct db *db, const char *verb, const char *name)
{
    char sql[96];
    size_t n = strlen(name);
    if (n == 0 || n > 48 || strspn(name, "abcdefghijklmnopqrstuvwxyz_0123456789") != n)
        return db_set_err(db, DB_ERR, "bad savepoint name");
    snprintf(sql, sizeof sql, "%s%s", verb, name);
    return db->ops->control ? db->ops->control(db, sql) : db->ops->exec(db, sql);
}

enum db_status db_savepoint(struct db *db, const char *name)
{
    return savepoint_sql(db, "SAVEPOINT ", name);
}

enum db_status db_release(struct db *db, const char *name)
{
    return savepoint_sql(db, "RELEASE SAVEPOINT ", name);
}

void db_rollback_to(struct db *db, const char *name)
{
    /* Then release it, so the savepoint does not stay open after the rollback. */
    if (savepoint_sql(db, "ROLLBACK TO SAVEPOINT ", name) == DB_OK)
        (void)savepoint_sql(db, "RELEASE SAVEPOINT ", name);
}

/* 1 when sql has a `?` outside quotes (a parameter). */
static int has_param(const char *sql)
{
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '?') {
            return 1;
        }
    }
    return 0;
}

/* Binds arg when the SQL has a parameter, steps once. */
static enum db_status get_one(struct db *db, const char *sql, int64_t arg, struct db_stmt **out)
{
    struct db_stmt *st = db_stmt(db, sql);
    *out = st;
    if (!st)
        return DB_ERR;
    if (has_param(sql)) {
        enum db_status b = db_bind_int64(st, 1, arg);
        if (b != DB_OK)
            return b;
    }
    return db_step(st);
}

enum db_status db_get_int64(struct db *db, const char *sql, int64_t arg, int64_t *out)
{
    struct db_stmt *st = NULL;
    enum db_status s = get_one(db, sql, arg, &st);
    if (s == DB_ROW)
        *out = db_col_int64(st, 0);
    db_stmt_done(st);
    return s;
}

enum db_status db_get_text(struct db *db, const char *sql, int64_t arg, char *out, size_t cap)
{
    struct db_stmt *st = NULL;
    enum db_status s = get_one(db, sql, arg, &st);
    if (s == DB_ROW) {
        const char *t = db_col_text(st, 0);
        snprintf(out, cap, "%s", t ? t : "");
    }
    db_stmt_done(st);
    return s;
}

int db_schema_version(struct db *db)
{
    return db->ops->version_get(db);
}

/* One step in one transaction with its version number; skipped when another process
 * applied it while this one waited for the lock. */
static enum db_status migrate_one(struct db *db, const struct db_migration *m, int version,
                                  char *err, size_t errcap)
{
    const char *sql = db_dialect(db) == DB_SQLITE ? m->sqlite : m->postgres;
    if (!sql)
        sql = m->sql;
    enum db_status s = db_begin(db);
    if (s != DB_OK) {
        snprintf(err, errcap, "cannot start migration %d: %s", version, db_errmsg(db));
        return s;
    }
    s = db->ops->migration_lock(db);
    if (s != DB_OK) {
        snprintf(err, errcap, "cannot lock for migration %d: %s", version, db_errmsg(db));
        goto fail;
    }
    if (db->ops->version_get(db) >= version) {
        db_rollback(db);
        return DB_OK;
    }
    if (!sql) {
        s = db_set_err(db, DB_ERR, "no SQL for this database");
        snprintf(err, errcap, "migration %d has no SQL for this database", version);
        goto fail;
    }
    s = db_exec(db, sql);
    if (s == DB_OK)
        s = db->ops->version_set(db, version);
    if (s != DB_OK) {
        snprintf(err, errcap, "migration %d failed: %s", version, db_errmsg(db));
        goto fail;
    }
    s = db_commit(db);
    if (s != DB_OK)
        snprintf(err, errcap, "migration %d could not be committed: %s", version, db_errmsg(db));
    return s;
fail:
    db_rollback(db);
    return s;
}

enum db_status db_migrate(struct db *db, const struct db_migration *steps, int n, char *err,
                          size_t errcap)
{
    int v = db->ops->version_get(db);
    if (v < 0) {
        snprintf(err, errcap, "cannot read the schema version: %s", db_errmsg(db));
        return DB_ERR;
    }
    if (v > n) {
        snprintf(err, errcap,
                 "the database has schema version %d but this hub knows only up to %d; "
                 "use a newer hub",
                 v, n);
        return DB_ERR_NEWER;
    }
    for (; v < n; v++) {
        enum db_status s = migrate_one(db, &steps[v], v + 1, err, errcap);
        if (s != DB_OK)
            return s;
    }
    return DB_OK;
}
