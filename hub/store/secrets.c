/*
 * secrets.c: the sealed columns and their key file (see secrets.h).
 */
#include "secrets.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#define BATCH   16 /* rows read, then sealed again, at a time */
#define ROW_MAX 96 /* a row's identity ("<town>:<recipient>", a recipient id) */
#define IDS_MAX 16 /* distinct key ids looked at per column at start-up */

/* One sealed column. Row identities and values are read as text; the statements are
 * literals, as db_stmt() wants. */
static const struct column {
    const char *name; /* the place's first part */
    int hex;          /* in the clear as 64 hex digits (a 32-byte key), else as text */
    const char *ids;  /* key id, count of the sealed values */
    const char *clear;
    const char *select; /* row, value of the rows whose value is NOT LIKE ?1 */
    const char *update; /* value ?1 of row ?2 */
} COLUMNS[] = {
    {"ord_pseudo_keys.key", 1,
     "SELECT substr(key, 4, 16), count(*) FROM ord_pseudo_keys WHERE key LIKE 's1:%'"
     " GROUP BY substr(key, 4, 16)",
     "SELECT count(*) FROM ord_pseudo_keys WHERE key NOT LIKE 's1:%'",
     "SELECT CAST(municipality_id AS TEXT) || ':' || recipient, key FROM ord_pseudo_keys"
     " WHERE key NOT LIKE ? LIMIT 16",
     "UPDATE ord_pseudo_keys SET key = ? WHERE CAST(municipality_id AS TEXT) || ':' || recipient"
     " = ?"},
    {"ord_webhooks.secret", 0,
     "SELECT substr(secret, 4, 16), count(*) FROM ord_webhooks WHERE secret LIKE 's1:%'"
     " GROUP BY substr(secret, 4, 16)",
     "SELECT count(*) FROM ord_webhooks WHERE secret NOT LIKE 's1:%'",
     "SELECT recipient, secret FROM ord_webhooks WHERE secret NOT LIKE ? LIMIT 16",
     "UPDATE ord_webhooks SET secret = ? WHERE recipient = ?"},
    {"notify_recipients.webhook_secret", 0,
     "SELECT substr(webhook_secret, 4, 16), count(*) FROM notify_recipients"
     " WHERE webhook_secret LIKE 's1:%' GROUP BY substr(webhook_secret, 4, 16)",
     "SELECT count(*) FROM notify_recipients WHERE webhook_secret IS NOT NULL"
     " AND webhook_secret NOT LIKE 's1:%'",
     "SELECT CAST(id AS TEXT), webhook_secret FROM notify_recipients"
     " WHERE webhook_secret IS NOT NULL AND webhook_secret NOT LIKE ? LIMIT 16",
     "UPDATE notify_recipients SET webhook_secret = ? WHERE CAST(id AS TEXT) = ?"},
};
#define N_COLUMNS ((int)(sizeof COLUMNS / sizeof COLUMNS[0]))

int secrets_default_path(const char *key_path, const char *db_target, char *out, size_t cap)
{
    const char *base = key_path;
    if (!base && db_target && !db_target_is_postgres(db_target))
        base = db_target;
    if (!base)
        return -1;
    const char *slash = strrchr(base, '/');
    int w = slash ? snprintf(out, cap, "%.*s/secrets.key", (int)(slash - base), base)
                  : snprintf(out, cap, "secrets.key");
    return w > 0 && (size_t)w < cap ? 0 : -1;
}

/* The value's place, its associated data: 0, or -1 when it does not fit (a cut place could
 * name two rows alike, so it is refused rather than shortened). */
static int place_of(char *out, size_t cap, const char *column, const char *row)
{
    int w = snprintf(out, cap, "%s:%s", column, row);
    return w > 0 && (size_t)w < cap ? 0 : -1;
}

enum db_status secrets_seal(const char *column, const char *row, const void *plain, size_t len,
                            char *out)
{
    char place[SECRETBOX_AD_MAX + 1];
    struct secretbox *b = secretbox_installed();
    if (place_of(place, sizeof place, column, row) != 0) {
        fprintf(stderr, "hub: cannot store a secret: its place %s is too long\n", column);
        return DB_ERR;
    }
    if (!b) {
        fprintf(stderr,
                "hub: cannot store the secret of %s: no secrets key file (give "
                "--secrets-key FILE)\n",
                place);
        return DB_ERR;
    }
    if (secretbox_seal(b, place, plain, len, out, SECRETBOX_SEALED_MAX) != SECRETBOX_OK) {
        fprintf(stderr, "hub: cannot seal the secret of %s\n", place);
        return DB_ERR;
    }
    return DB_OK;
}

/* Why a value does not open, in words. */
static const char *why(enum secretbox_rc rc)
{
    switch (rc) {
    case SECRETBOX_OK:
        return "ok";
    case SECRETBOX_BAD:
        return "it was altered or sealed for another row";
    case SECRETBOX_NO_KEY:
        return "it was sealed under a key the secrets key file does not hold";
    case SECRETBOX_ERR:
        break;
    }
    return "it cannot be opened (crypto or memory failure)";
}

enum db_status secrets_open(const char *column, const char *row, const char *value,
                            unsigned char *out, size_t cap, size_t *len)
{
    char place[SECRETBOX_AD_MAX + 1];
    struct secretbox *b = secretbox_installed();
    enum secretbox_rc rc = SECRETBOX_ERR;
    const char *reason = "no secrets key file (give --secrets-key FILE)";
    *len = 0;
    if (place_of(place, sizeof place, column, row) != 0) {
        fprintf(stderr, "hub: refused a stored secret: its place %s is too long\n", column);
        return DB_ERR;
    }
    if (value && !secretbox_is_sealed(value))
        reason = "it is stored in the clear, which this hub never writes";
    else if (b && value && (rc = secretbox_open(b, place, value, out, cap, len)) == SECRETBOX_OK)
        return DB_OK;
    else if (b)
        reason = why(rc);
    OPENSSL_cleanse(out, cap);
    fprintf(stderr, "hub: refused the stored secret of %s: %s\n", place, reason);
    return DB_ERR;
}

/* The clear value of a row read for resealing into out: opened when sealed, else the
 * clear text (hex-decoded for keys). */
static enum db_status clear_value(const struct column *c, const char *row, const char *value,
                                  unsigned char *out, size_t cap, size_t *len)
{
    if (secretbox_is_sealed(value))
        return secrets_open(c->name, row, value, out, cap, len);
    size_t got = 0;
    *len = strlen(value);
    if (!c->hex && *len <= cap) {
        memcpy(out, value, *len);
        return DB_OK;
    }
    if (c->hex && *len == 64 && OPENSSL_hexstr2buf_ex(out, cap, &got, value, '\0') == 1 &&
        got == 32) {
        *len = 32;
        return DB_OK;
    }
    fprintf(stderr, "hub: the stored secret of %s:%s is neither sealed nor a clear value\n",
            c->name, row);
    return DB_ERR;
}

/* One batch of column c: rows whose value is not LIKE pattern, sealed again. *n gets how
 * many (0: none left). */
static enum db_status reseal_batch(struct db *db, const struct column *c, const char *pattern,
                                   long long *n, char *err, size_t errcap)
{
    char rows[BATCH][ROW_MAX], vals[BATCH][SECRETBOX_SEALED_MAX], sealed[SECRETBOX_SEALED_MAX];
    unsigned char clear[SECRETBOX_PLAIN_MAX];
    int k = 0;
    *n = 0;
    struct db_stmt *st = db_stmt(db, c->select);
    enum db_status s = st ? db_bind_text(st, 1, pattern, -1) : DB_ERR;
    while (s == DB_OK && k < BATCH && (s = db_step(st)) == DB_ROW) {
        snprintf(rows[k], ROW_MAX, "%s", db_col_text(st, 0));
        snprintf(vals[k], SECRETBOX_SEALED_MAX, "%s", db_col_text(st, 1));
        k++;
        s = DB_OK;
    }
    db_stmt_done(st);
    if (s != DB_OK && s != DB_DONE && s != DB_ROW) {
        snprintf(err, errcap, "cannot read %s: %s", c->name, db_errmsg(db));
        goto out;
    }
    s = DB_OK;
    for (int i = 0; i < k && s == DB_OK; i++) {
        size_t len = 0;
        if (clear_value(c, rows[i], vals[i], clear, sizeof clear, &len) != DB_OK ||
            secrets_seal(c->name, rows[i], clear, len, sealed) != DB_OK) {
            snprintf(err, errcap, "the stored secret of %s:%s cannot be sealed again (see above)",
                     c->name, rows[i]);
            s = DB_ERR;
            break;
        }
        st = db_stmt(db, c->update);
        s = st ? db_bind_text(st, 1, sealed, -1) : DB_ERR;
        if (s == DB_OK)
            s = db_bind_text(st, 2, rows[i], -1);
        if (s == DB_OK)
            s = db_step(st);
        db_stmt_done(st);
        if (s != DB_DONE) {
            snprintf(err, errcap, "cannot store %s:%s: %s", c->name, rows[i], db_errmsg(db));
            break;
        }
        s = DB_OK;
        (*n)++;
    }
out:
    OPENSSL_cleanse(clear, sizeof clear);
    OPENSSL_cleanse(vals, sizeof vals);
    return s;
}

enum db_status secrets_reseal(struct db *db, int all, long long *n, char *err, size_t errcap)
{
    char pattern[SECRETBOX_ID_LEN + 8] = "s1:%";
    struct secretbox *b = secretbox_installed();
    enum db_status s = DB_OK;
    *n = 0;
    if (!b) {
        snprintf(err, errcap, "no secrets key file");
        return DB_ERR;
    }
    if (all) {
        char id[SECRETBOX_ID_LEN + 1];
        secretbox_sealing_key(b, id);
        snprintf(pattern, sizeof pattern, "s1:%s:%%", id);
    }
    for (int c = 0; c < N_COLUMNS && s == DB_OK; c++) {
        long long got = BATCH;
        while (s == DB_OK && got > 0) {
            s = reseal_batch(db, &COLUMNS[c], pattern, &got, err, errcap);
            *n += got;
        }
    }
    return s;
}

/* What the database holds: the values in the clear (*clear), the sealed ones (*sealed),
 * and the key ids that sealed them (ids, *n_ids). 0, or -1 with err. */
static int survey(struct db *db, long long *clear, long long *sealed,
                  char ids[IDS_MAX][SECRETBOX_ID_LEN + 1], long long counts[IDS_MAX], int *n_ids,
                  char *err, size_t errcap)
{
    *clear = *sealed = 0;
    *n_ids = 0;
    for (int c = 0; c < N_COLUMNS; c++) {
        int64_t v = 0;
        if (db_get_int64(db, COLUMNS[c].clear, 0, &v) != DB_ROW) {
            snprintf(err, errcap, "cannot read %s: %s", COLUMNS[c].name, db_errmsg(db));
            return -1;
        }
        *clear += v;
        struct db_stmt *st = db_stmt(db, COLUMNS[c].ids);
        enum db_status s = st ? DB_OK : DB_ERR;
        while (s == DB_OK && (s = db_step(st)) == DB_ROW) {
            const char *id = db_col_text(st, 0);
            long long cnt = db_col_int64(st, 1);
            int k = 0;
            while (k < *n_ids && strcmp(ids[k], id) != 0)
                k++;
            if (k == *n_ids && k < IDS_MAX) {
                snprintf(ids[k], SECRETBOX_ID_LEN + 1, "%s", id);
                counts[k] = 0;
                (*n_ids)++;
            }
            if (k < IDS_MAX)
                counts[k] += cnt;
            *sealed += cnt;
            s = DB_OK;
        }
        db_stmt_done(st);
        if (s != DB_DONE) {
            snprintf(err, errcap, "cannot read %s: %s", COLUMNS[c].name, db_errmsg(db));
            return -1;
        }
    }
    return 0;
}

/* Seals the values still in the clear, in one transaction. 0, or -1 with err. */
static int seal_clear(struct db *db, char *err, size_t errcap)
{
    long long n = 0;
    enum db_status s = db_begin(db);
    if (s == DB_OK)
        s = secrets_reseal(db, 0, &n, err, errcap);
    else
        snprintf(err, errcap, "cannot begin a transaction: %s", db_errmsg(db));
    if (s == DB_OK && (s = db_commit(db)) != DB_OK)
        snprintf(err, errcap, "cannot commit the sealed secrets: %s", db_errmsg(db));
    if (s != DB_OK) {
        db_rollback(db);
        return -1;
    }
    fprintf(stderr, "hub: sealed %lld secrets that an older hub kept in the clear\n", n);
    /* The clear values are still in the file's free space and the WAL's older frames (and
     * so in every copy of the file): rebuild it once. On PostgreSQL the old row versions go
     * with the server's vacuum (docs/operations.md). */
    if (db_dialect(db) == DB_SQLITE &&
        (db_exec(db, "VACUUM") != DB_OK || db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)") != DB_OK))
        fprintf(stderr,
                "hub: warning: the database file could not be rebuilt (%s): the secrets "
                "that were in the clear may remain in its free pages until hubctl runs again "
                "alone\n",
                db_errmsg(db));
    return 0;
}

int secrets_start(struct db *db, const char *path, struct secretbox **box, char *err, size_t errcap)
{
    char ids[IDS_MAX][SECRETBOX_ID_LEN + 1];
    long long counts[IDS_MAX], clear = 0, sealed = 0;
    int n_ids = 0, rc = -1;
    struct secretbox *b = NULL;
    *box = NULL;
    if (survey(db, &clear, &sealed, ids, counts, &n_ids, err, errcap) != 0)
        return -1;
    if (!path) {
        if (clear + sealed == 0)
            return 0;
        snprintf(err, errcap,
                 "the database holds %lld stored secrets and no secrets key file is known: "
                 "give --secrets-key FILE",
                 clear + sealed);
        return -1;
    }
    if (access(path, F_OK) != 0) {
        if (errno != ENOENT) {
            snprintf(err, errcap, "cannot look at the secrets key file %s: %s", path,
                     strerror(errno));
            return -1;
        }
        if (sealed > 0) {
            /* A new key cannot open them: never make one in its place. */
            snprintf(err, errcap,
                     "the secrets key file %s is missing, and %lld stored secrets are sealed "
                     "under key %s: put the file back (from where it is kept apart from the "
                     "database) or give its place with --secrets-key",
                     path, sealed, ids[0]);
            return -1;
        }
        if (secretbox_create(path, err, errcap) != 0)
            return -1;
        fprintf(stderr,
                "hub: created the secrets key file %s (keep it apart from the database "
                "and its backups)\n",
                path);
    }
    if (!(b = secretbox_load(path, err, errcap)))
        return -1;
    for (int k = 0; k < n_ids; k++)
        if (!secretbox_has_key(b, ids[k])) {
            snprintf(err, errcap,
                     "the secrets key file %s does not hold key %s, which sealed %lld stored "
                     "secrets: it is not this database's key file",
                     path, ids[k], counts[k]);
            goto out;
        }
    secretbox_install(b);
    if (clear > 0 && seal_clear(db, err, errcap) != 0) {
        secretbox_install(NULL);
        goto out;
    }
    *box = b;
    b = NULL;
    rc = 0;
out:
    secretbox_free(b);
    return rc;
}
