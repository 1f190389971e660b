/*
 * outbox: durable queue of items for the hub, in one SQLite file (see outbox.h).
 *
 * Durability: journal_mode=WAL with synchronous=FULL makes every COMMIT fsync the WAL
 * before sqlite3_step returns, so an item outbox_add reported is on disk. The schema is
 * versioned with PRAGMA user_version and migrated at open. One mutex serializes all use of
 * the connection, because the sender touches the outbox from its scheduler thread, the hub
 * client's worker and the UI thread.
 */
#include "outbox.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define SCHEMA_VERSION 1

struct outbox {
    sqlite3 *db;
    pthread_mutex_t mu;
    char errmsg[256];
};

static const char schema_v1[] = "CREATE TABLE IF NOT EXISTS items ("
                                " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                                " kind TEXT NOT NULL,"
                                " method TEXT NOT NULL,"
                                " path TEXT NOT NULL,"
                                " body TEXT NOT NULL,"
                                " idem_key TEXT NOT NULL UNIQUE,"
                                " state INTEGER NOT NULL DEFAULT 0,"
                                " created_unix INTEGER NOT NULL,"
                                " updated_unix INTEGER NOT NULL,"
                                " attempts INTEGER NOT NULL DEFAULT 0,"
                                " http_status INTEGER NOT NULL DEFAULT 0,"
                                " message TEXT NOT NULL DEFAULT '');"
                                "CREATE INDEX IF NOT EXISTS items_state ON items(state, id);";

const char *outbox_err_str(enum outbox_err err)
{
    switch (err) {
    case OUTBOX_OK:
        return "ok";
    case OUTBOX_E_INVALID:
        return "invalid argument";
    case OUTBOX_E_FULL:
        return "outbox full";
    case OUTBOX_E_NOTFOUND:
        return "no such item";
    case OUTBOX_E_STATE:
        return "item is not pending";
    case OUTBOX_E_DB:
        return "database error";
    case OUTBOX_E_RANDOM:
        return "no random bytes";
    case OUTBOX_E_NOMEM:
        return "out of memory";
    }
    return "unknown error";
}

const char *outbox_state_str(enum outbox_state st)
{
    switch (st) {
    case OUTBOX_PENDING:
        return "pending";
    case OUTBOX_SENT:
        return "sent";
    case OUTBOX_FAILED:
        return "failed";
    }
    return "unknown";
}

void outbox_item_release(struct outbox_item *it)
{
    if (!it) {
        return;
    }
    free(it->body);
    free(it->message);
    it->body = NULL;
    it->message = NULL;
}

static void set_err(struct outbox *ob, const char *what)
{
    snprintf(ob->errmsg, sizeof ob->errmsg, "%s: %s", what, sqlite3_errmsg(ob->db));
}

static int exec_sql(struct outbox *ob, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(ob->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        snprintf(ob->errmsg, sizeof ob->errmsg, "%s", msg ? msg : sqlite3_errstr(rc));
    }
    sqlite3_free(msg);
    return rc;
}

static int64_t now_unix(void)
{
    return (int64_t)time(NULL);
}

/* The pragmas that make a commit durable, checked rather than assumed: journal_mode can
 * silently stay "delete" (e.g. on a file system without shared memory). */
static int setup_db(struct outbox *ob)
{
    sqlite3_stmt *st = NULL;
    int ok = 0, version = -1;

    sqlite3_busy_timeout(ob->db, 5000);
    if (sqlite3_prepare_v2(ob->db, "PRAGMA journal_mode=WAL", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        set_err(ob, "journal_mode");
        goto out;
    }
    if (strcmp((const char *)sqlite3_column_text(st, 0), "wal") != 0) {
        snprintf(ob->errmsg, sizeof ob->errmsg, "journal_mode is %s, need wal",
                 (const char *)sqlite3_column_text(st, 0));
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (exec_sql(ob, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;") != SQLITE_OK) {
        goto out;
    }
    if (sqlite3_prepare_v2(ob->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        set_err(ob, "user_version");
        goto out;
    }
    version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    if (version > SCHEMA_VERSION) {
        snprintf(ob->errmsg, sizeof ob->errmsg,
                 "outbox schema version %d is newer than this program (%d)", version,
                 SCHEMA_VERSION);
        goto out;
    }
    if (version < 1) {
        if (exec_sql(ob, "BEGIN IMMEDIATE") != SQLITE_OK) {
            goto out;
        }
        if (exec_sql(ob, schema_v1) != SQLITE_OK ||
            exec_sql(ob, "PRAGMA user_version=1") != SQLITE_OK) {
            exec_sql(ob, "ROLLBACK");
            goto out;
        }
        if (exec_sql(ob, "COMMIT") != SQLITE_OK) {
            exec_sql(ob, "ROLLBACK");
            goto out;
        }
    }
    ok = 1;
out:
    sqlite3_finalize(st);
    return ok;
}

struct outbox *outbox_open(const char *path, char *errmsg, size_t errmsg_len)
{
    struct outbox *ob = NULL;
    int rc;

    if (!path || !*path) {
        if (errmsg_len) {
            snprintf(errmsg, errmsg_len, "no outbox path given");
        }
        return NULL;
    }
    ob = calloc(1, sizeof *ob);
    if (!ob) {
        if (errmsg_len) {
            snprintf(errmsg, errmsg_len, "out of memory");
        }
        return NULL;
    }
    pthread_mutex_init(&ob->mu, NULL);
    rc = sqlite3_open_v2(path, &ob->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(ob->errmsg, sizeof ob->errmsg, "cannot open %s: %s", path,
                 ob->db ? sqlite3_errmsg(ob->db) : sqlite3_errstr(rc));
        goto fail;
    }
    if (!setup_db(ob)) {
        goto fail;
    }
    return ob;
fail:
    if (errmsg_len) {
        snprintf(errmsg, errmsg_len, "%s", ob->errmsg);
    }
    outbox_close(ob);
    return NULL;
}

void outbox_close(struct outbox *ob)
{
    if (!ob) {
        return;
    }
    sqlite3_close(ob->db);
    pthread_mutex_destroy(&ob->mu);
    free(ob);
}

const char *outbox_errmsg(struct outbox *ob)
{
    return ob ? ob->errmsg : "no outbox";
}

static int valid_kind(const char *k)
{
    size_t n = k ? strlen(k) : 0;
    if (n == 0 || n > OUTBOX_KIND_MAX) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char c = k[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return 0;
        }
    }
    return 1;
}

static int valid_path(const char *p)
{
    size_t n = p ? strlen(p) : 0;
    if (n == 0 || n > OUTBOX_PATH_MAX || p[0] != '/') {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (p[i] <= ' ' || p[i] >= 0x7f) {
            return 0;
        }
    }
    return 1;
}

static enum outbox_err new_key(char out[OUTBOX_KEY_HEX_LEN + 1])
{
    unsigned char raw[OUTBOX_KEY_HEX_LEN / 2];
    size_t got = 0;
    static const char hex[] = "0123456789abcdef";

    while (got < sizeof raw) {
        ssize_t r = getrandom(raw + got, sizeof raw - got, 0);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return OUTBOX_E_RANDOM;
        }
        got += (size_t)r;
    }
    for (size_t i = 0; i < sizeof raw; i++) {
        out[2 * i] = hex[raw[i] >> 4];
        out[2 * i + 1] = hex[raw[i] & 15];
    }
    out[OUTBOX_KEY_HEX_LEN] = '\0';
    return OUTBOX_OK;
}

static char *dup_text(const unsigned char *s)
{
    return strdup(s ? (const char *)s : "");
}

static void copy_text(char *dst, size_t cap, const unsigned char *s)
{
    snprintf(dst, cap, "%s", s ? (const char *)s : "");
}

#define ITEM_COLUMNS                                                                               \
    "id, kind, method, path, body, idem_key, state, created_unix, updated_unix, attempts, "        \
    "http_status, message"

static enum outbox_err read_row(sqlite3_stmt *st, struct outbox_item *it)
{
    memset(it, 0, sizeof *it);
    it->id = sqlite3_column_int64(st, 0);
    copy_text(it->kind, sizeof it->kind, sqlite3_column_text(st, 1));
    copy_text(it->method, sizeof it->method, sqlite3_column_text(st, 2));
    copy_text(it->path, sizeof it->path, sqlite3_column_text(st, 3));
    it->body = dup_text(sqlite3_column_text(st, 4));
    copy_text(it->idem_key, sizeof it->idem_key, sqlite3_column_text(st, 5));
    it->state = (enum outbox_state)sqlite3_column_int(st, 6);
    it->created_unix = sqlite3_column_int64(st, 7);
    it->updated_unix = sqlite3_column_int64(st, 8);
    it->attempts = sqlite3_column_int(st, 9);
    it->http_status = (long)sqlite3_column_int64(st, 10);
    it->message = dup_text(sqlite3_column_text(st, 11));
    if (!it->body || !it->message) {
        outbox_item_release(it);
        return OUTBOX_E_NOMEM;
    }
    return OUTBOX_OK;
}

/* Steps a bound SELECT of ITEM_COLUMNS once: the item, NOTFOUND, or a database error. */
static enum outbox_err step_one(struct outbox *ob, sqlite3_stmt *st, struct outbox_item *out)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return OUTBOX_E_NOTFOUND;
    if (rc == SQLITE_ROW)
        return read_row(st, out);
    set_err(ob, "select");
    return OUTBOX_E_DB;
}

/* Caller holds the mutex. */
static enum outbox_err get_locked(struct outbox *ob, int64_t id, struct outbox_item *out)
{
    sqlite3_stmt *st = NULL;
    enum outbox_err err = OUTBOX_E_DB;

    if (sqlite3_prepare_v2(ob->db, "SELECT " ITEM_COLUMNS " FROM items WHERE id = ?", -1, &st,
                           NULL) != SQLITE_OK) {
        set_err(ob, "select");
        goto out;
    }
    sqlite3_bind_int64(st, 1, id);
    err = step_one(ob, st, out);
out:
    sqlite3_finalize(st);
    return err;
}

enum outbox_err outbox_latest(struct outbox *ob, const char *kind, struct outbox_item *out)
{
    sqlite3_stmt *st = NULL;
    enum outbox_err err = OUTBOX_E_DB;

    if (!ob || !out || !valid_kind(kind)) {
        return OUTBOX_E_INVALID;
    }
    pthread_mutex_lock(&ob->mu);
    if (sqlite3_prepare_v2(ob->db,
                           "SELECT " ITEM_COLUMNS " FROM items WHERE kind = ? AND state != 2"
                           " ORDER BY id DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK) {
        set_err(ob, "select");
        goto out;
    }
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    err = step_one(ob, st, out);
out:
    sqlite3_finalize(st);
    pthread_mutex_unlock(&ob->mu);
    return err;
}

static long count_locked(struct outbox *ob, enum outbox_state state)
{
    sqlite3_stmt *st = NULL;
    long n = -1;

    if (sqlite3_prepare_v2(ob->db, "SELECT count(*) FROM items WHERE state = ?", -1, &st, NULL) !=
        SQLITE_OK) {
        set_err(ob, "count");
        goto out;
    }
    sqlite3_bind_int(st, 1, (int)state);
    if (sqlite3_step(st) == SQLITE_ROW) {
        n = (long)sqlite3_column_int64(st, 0);
    } else {
        set_err(ob, "count");
    }
out:
    sqlite3_finalize(st);
    return n;
}

enum outbox_err outbox_add(struct outbox *ob, const char *kind, const char *method,
                           const char *path, const char *body, struct outbox_item *out)
{
    sqlite3_stmt *st = NULL;
    enum outbox_err err = OUTBOX_E_INVALID;
    char key[OUTBOX_KEY_HEX_LEN + 1];
    int64_t now = now_unix(), id = 0;
    int in_tx = 0;
    long pending;

    if (!body) {
        body = "";
    }
    if (!ob || !valid_kind(kind) || !method ||
        (strcmp(method, "POST") != 0 && strcmp(method, "DELETE") != 0) || !valid_path(path) ||
        strlen(body) > OUTBOX_BODY_MAX) {
        return OUTBOX_E_INVALID;
    }
    err = new_key(key);
    if (err != OUTBOX_OK) {
        return err;
    }
    pthread_mutex_lock(&ob->mu);
    err = OUTBOX_E_DB;
    /* IMMEDIATE: the cap check and the insert see the same state even with another
     * process (a second kiosk instance by mistake) on the same file. */
    if (exec_sql(ob, "BEGIN IMMEDIATE") != SQLITE_OK) {
        goto out;
    }
    in_tx = 1;
    pending = count_locked(ob, OUTBOX_PENDING);
    if (pending < 0) {
        goto out;
    }
    if (pending >= OUTBOX_PENDING_MAX) {
        err = OUTBOX_E_FULL;
        goto out;
    }
    if (sqlite3_prepare_v2(ob->db,
                           "INSERT INTO items (kind, method, path, body, idem_key, state, "
                           "created_unix, updated_unix) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK) {
        set_err(ob, "insert");
        goto out;
    }
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, method, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, body, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, now);
    sqlite3_bind_int64(st, 7, now);
    if (sqlite3_step(st) != SQLITE_DONE) {
        set_err(ob, "insert");
        goto out;
    }
    id = sqlite3_last_insert_rowid(ob->db);
    if (exec_sql(ob, "COMMIT") != SQLITE_OK) {
        goto out;
    }
    in_tx = 0;
    err = OUTBOX_OK;
    if (out) {
        err = get_locked(ob, id, out);
    }
out:
    sqlite3_finalize(st);
    if (in_tx) {
        exec_sql(ob, "ROLLBACK");
    }
    pthread_mutex_unlock(&ob->mu);
    return err;
}

enum outbox_err outbox_get(struct outbox *ob, int64_t id, struct outbox_item *out)
{
    enum outbox_err err;

    if (!ob || !out) {
        return OUTBOX_E_INVALID;
    }
    pthread_mutex_lock(&ob->mu);
    err = get_locked(ob, id, out);
    pthread_mutex_unlock(&ob->mu);
    return err;
}

/* Updates a pending item; `new_state` pending keeps it pending and counts an attempt. */
static enum outbox_err update_item(struct outbox *ob, int64_t id, enum outbox_state new_state,
                                   long http_status, const char *message)
{
    sqlite3_stmt *st = NULL;
    enum outbox_err err = OUTBOX_E_DB;
    char msg[OUTBOX_MESSAGE_MAX + 1];
    struct outbox_item cur;

    if (!ob) {
        return OUTBOX_E_INVALID;
    }
    /* Truncation may cut a UTF-8 sequence; the message is for display after a check, and
     * a cut character is better than an unbounded one. Trim back to a character start. */
    snprintf(msg, sizeof msg, "%s", message ? message : "");
    if (message && strlen(message) > OUTBOX_MESSAGE_MAX) {
        size_t n = OUTBOX_MESSAGE_MAX;
        while (n > 0 && ((unsigned char)msg[n] & 0xC0) == 0x80) {
            n--;
        }
        msg[n] = '\0';
    }
    pthread_mutex_lock(&ob->mu);
    if (sqlite3_prepare_v2(ob->db,
                           "UPDATE items SET state = ?, http_status = ?, message = ?, "
                           "updated_unix = ?, attempts = attempts + 1 "
                           "WHERE id = ? AND state = 0",
                           -1, &st, NULL) != SQLITE_OK) {
        set_err(ob, "update");
        goto out;
    }
    sqlite3_bind_int(st, 1, (int)new_state);
    sqlite3_bind_int64(st, 2, http_status);
    sqlite3_bind_text(st, 3, msg, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now_unix());
    sqlite3_bind_int64(st, 5, id);
    if (sqlite3_step(st) != SQLITE_DONE) {
        set_err(ob, "update");
        goto out;
    }
    if (sqlite3_changes(ob->db) == 1) {
        err = OUTBOX_OK;
        goto out;
    }
    /* Nothing changed: tell "no such item" from "not pending any more". */
    err = get_locked(ob, id, &cur);
    if (err == OUTBOX_OK) {
        outbox_item_release(&cur);
        err = OUTBOX_E_STATE;
    }
out:
    sqlite3_finalize(st);
    pthread_mutex_unlock(&ob->mu);
    return err;
}

enum outbox_err outbox_mark_sent(struct outbox *ob, int64_t id, long http_status)
{
    return update_item(ob, id, OUTBOX_SENT, http_status, "");
}

enum outbox_err outbox_mark_failed(struct outbox *ob, int64_t id, long http_status,
                                   const char *message)
{
    return update_item(ob, id, OUTBOX_FAILED, http_status, message);
}

enum outbox_err outbox_note_attempt(struct outbox *ob, int64_t id, long http_status,
                                    const char *message)
{
    return update_item(ob, id, OUTBOX_PENDING, http_status, message);
}

enum outbox_err outbox_list(struct outbox *ob, enum outbox_state state, size_t max,
                            struct outbox_item **items, size_t *n)
{
    sqlite3_stmt *st = NULL;
    enum outbox_err err = OUTBOX_E_DB;
    struct outbox_item *arr = NULL;
    size_t cnt = 0, cap = 0;
    int rc;

    if (!ob || !items || !n) {
        return OUTBOX_E_INVALID;
    }
    *items = NULL;
    *n = 0;
    pthread_mutex_lock(&ob->mu);
    if (sqlite3_prepare_v2(ob->db,
                           "SELECT " ITEM_COLUMNS " FROM items WHERE state = ? ORDER BY id LIMIT ?",
                           -1, &st, NULL) != SQLITE_OK) {
        set_err(ob, "list");
        goto out;
    }
    sqlite3_bind_int(st, 1, (int)state);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)(max > 1000000 ? 1000000 : max));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct outbox_item *na = realloc(arr, ncap * sizeof *na);
            if (!na) {
                err = OUTBOX_E_NOMEM;
                goto out;
            }
            arr = na;
            cap = ncap;
        }
        err = read_row(st, &arr[cnt]);
        if (err != OUTBOX_OK) {
            goto out;
        }
        cnt++;
    }
    if (rc != SQLITE_DONE) {
        set_err(ob, "list");
        err = OUTBOX_E_DB;
        goto out;
    }
    err = OUTBOX_OK;
out:
    sqlite3_finalize(st);
    pthread_mutex_unlock(&ob->mu);
    if (err != OUTBOX_OK) {
        for (size_t i = 0; i < cnt; i++) {
            outbox_item_release(&arr[i]);
        }
        free(arr);
        return err;
    }
    *items = arr;
    *n = cnt;
    return OUTBOX_OK;
}

long outbox_count(struct outbox *ob, enum outbox_state state)
{
    long n;

    if (!ob) {
        return -1;
    }
    pthread_mutex_lock(&ob->mu);
    n = count_locked(ob, state);
    pthread_mutex_unlock(&ob->mu);
    return n;
}

long outbox_prune_sent(struct outbox *ob, int64_t before_unix)
{
    sqlite3_stmt *st = NULL;
    long n = -1;

    if (!ob) {
        return -1;
    }
    pthread_mutex_lock(&ob->mu);
    if (sqlite3_prepare_v2(ob->db, "DELETE FROM items WHERE state = 1 AND updated_unix < ?", -1,
                           &st, NULL) != SQLITE_OK) {
        set_err(ob, "prune");
        goto out;
    }
    sqlite3_bind_int64(st, 1, before_unix);
    if (sqlite3_step(st) != SQLITE_DONE) {
        set_err(ob, "prune");
        goto out;
    }
    n = sqlite3_changes(ob->db);
out:
    sqlite3_finalize(st);
    pthread_mutex_unlock(&ob->mu);
    return n;
}
