/*
 * hubbackup.c: see hubbackup.h. The copy is one sqlite3_backup_step(-1): with WAL it
 * holds a read snapshot only, which never blocks the writer, and a single step cannot
 * be restarted by a concurrent write (a stepwise copy from another connection would be).
 *
 * The one place outside the database handle (db*.c, hubdb.c) and the stores that speaks
 * sqlite3: a backup copies a SQLite file page by page and checks the copy with PRAGMA
 * integrity_check, neither of which has a meaning on PostgreSQL (its own tools copy and
 * check a cluster). What it reads of the hub's data, the audit chain, goes through the
 * stores (audit_verify_db()) like every other reader.
 */
#include "hubbackup.h"
#include "db_sqlite.h"
#include "audit.h"
#include "hubdb.h"
#include "filemode.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Copies every page of from's main database into to's. SQLITE_OK or the error. */
static int copy_db(sqlite3 *to, sqlite3 *from)
{
    sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
    if (!b)
        return sqlite3_errcode(to);
    int rc = sqlite3_backup_step(b, -1);
    int fin = sqlite3_backup_finish(b);
    return rc == SQLITE_DONE ? fin : rc;
}

/* Integrity and audit chain of db. 0 when both hold, with *records. */
static int check_db(sqlite3 *db, const char *what, long long *records, char *err, size_t errcap)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        snprintf(err, errcap, "%s cannot be read: %s", what, sqlite3_errmsg(db));
        goto out;
    }
    const char *ok = (const char *)sqlite3_column_text(st, 0);
    if (!ok || strcmp(ok, "ok") != 0) {
        snprintf(err, errcap, "%s is damaged: %.200s", what, ok ? ok : "?");
        goto out;
    }
    long long bad = 0;
    char msg[256];
    /* the chain through the stores, as `hubctl audit-verify` reads it: one snapshot */
    struct db *h = hubdb_handle(db);
    enum audit_verify_status vs = AUDIT_VERIFY_ERROR;
    snprintf(msg, sizeof msg, "out of memory");
    if (h && db_exec(h, "BEGIN") == DB_OK) {
        vs = audit_verify_db(h, NULL, &bad, records, msg, sizeof msg);
        db_rollback(h); /* it only read */
    }
    if (vs != AUDIT_VERIFY_OK) {
        snprintf(err, errcap, "the audit chain of %s does not verify (record %lld: %s)", what, bad,
                 msg);
        goto out;
    }
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

/* Opens path (an existing hub database) and checks it. NULL with err when it fails. */
static sqlite3 *open_checked(const char *path, long long *records, char *err, size_t errcap)
{
    sqlite3 *db = NULL;
    char e[256];
    if (hubdb_open(path, 0, &db, e, sizeof e) != HUBDB_OK) {
        snprintf(err, errcap, "%s: %s", path, e);
        return NULL;
    }
    if (check_db(db, path, records, err, errcap) != 0) {
        hubdb_close(db);
        return NULL;
    }
    return db;
}

/* Writes src into a new file at path (through path.part). */
static int write_new(sqlite3 *src, const char *path, char *err, size_t errcap)
{
    char part[4096];
    sqlite3 *dst = NULL;
    int rc = -1;
    if (access(path, F_OK) == 0) {
        snprintf(err, errcap, "%s already exists: give a new file name", path);
        return -1;
    }
    if (snprintf(part, sizeof part, "%s.part", path) >= (int)sizeof part) {
        snprintf(err, errcap, "the file name is too long");
        return -1;
    }
    unlink(part);
    /* a copy of every resident's data: private from its first byte */
    if (filemode_create_private(part, err, errcap) != 0)
        return -1;
    if (sqlite3_open_v2(part, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        snprintf(err, errcap, "cannot create %s: %s", part, sqlite3_errmsg(dst));
        goto out;
    }
    if (copy_db(dst, src) != SQLITE_OK) {
        snprintf(err, errcap, "the copy failed: %s", sqlite3_errmsg(dst));
        goto out;
    }
    if (sqlite3_close(dst) != SQLITE_OK) {
        snprintf(err, errcap, "cannot close %s", part);
        goto out;
    }
    dst = NULL;
    if (rename(part, path) != 0) {
        snprintf(err, errcap, "cannot rename %s to %s: %s", part, path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (dst)
        sqlite3_close(dst);
    if (rc != 0)
        unlink(part);
    return rc;
}

/* The SQLite connection under db, or NULL after saying in err what to use instead. */
static sqlite3 *sqlite_only(struct db *db, char *err, size_t errcap)
{
    sqlite3 *conn = db_sqlite_handle(db);
    if (!conn)
        snprintf(err, errcap,
                 "backup and restore copy a SQLite file; on PostgreSQL use its own tools "
                 "(pg_dump and pg_restore, or pg_basebackup with WAL archiving), then "
                 "\"hubctl audit-verify\" (docs/operations.md)");
    return conn;
}

int hubbackup_write(struct db *db, const char *path, long long *records, char *err, size_t errcap)
{
    sqlite3 *src = sqlite_only(db, err, errcap);
    if (!src || write_new(src, path, err, errcap) != 0)
        return -1;
    sqlite3 *copy = open_checked(path, records, err, errcap);
    if (!copy) {
        unlink(path);
        return -1;
    }
    hubdb_close(copy);
    return 0;
}

int hubbackup_restore(struct db *db, const char *path, const char *keep_path, long long *records,
                      char *err, size_t errcap)
{
    long long n = 0;
    int rc = -1;
    sqlite3 *dst = sqlite_only(db, err, errcap);
    if (!dst)
        return -1;
    sqlite3 *src = open_checked(path, &n, err, errcap);
    if (!src)
        return -1;
    if (write_new(dst, keep_path, err, errcap) != 0)
        goto out;
    if (copy_db(dst, src) != SQLITE_OK) {
        snprintf(err, errcap, "the restore failed midway (%s); the database before it is in %s",
                 sqlite3_errmsg(dst), keep_path);
        goto out;
    }
    if (check_db(dst, "the restored database", records, err, errcap) != 0)
        goto out;
    rc = 0;
out:
    hubdb_close(src);
    return rc;
}
