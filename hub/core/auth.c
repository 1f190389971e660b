/*
 * auth.c: bearer-token and card-session lookups (see auth.h).
 */
#include "auth.h"
#include "dbarray.h"
#include "hubtoken.h"
#include "sessions.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *auth_status_str(enum auth_status s)
{
    switch (s) {
    case AUTH_OK:
        return "ok";
    case AUTH_MISSING:
        return "no bearer token";
    case AUTH_UNKNOWN:
        return "unknown token";
    case AUTH_ERROR:
        return "database error";
    }
    return "unknown";
}

const char *auth_session_status_str(enum auth_session_status s)
{
    switch (s) {
    case AUTH_SESSION_OK:
        return "ok";
    case AUTH_SESSION_MISSING:
        return "no card session";
    case AUTH_SESSION_UNKNOWN:
        return "unknown or ended card session";
    case AUTH_SESSION_EXPIRED:
        return "card session expired";
    case AUTH_SESSION_OTHER_DEVICE:
        return "card session of another device";
    case AUTH_SESSION_ERROR:
        return "database error";
    }
    return "unknown";
}

#define DEVICE_BY_HASH                                                                             \
    "SELECT id, kind, COALESCE(resident_id, 0), municipality_id FROM devices WHERE token_hash = ?"

/* p from a row (id, kind, resident, town) of a lookup of role (names[k] its actor's kind);
 * 0, or -1 when the row's town is not one (a database error). */
static int principal(struct auth_principal *p, enum auth_role role, const char *name,
                     struct db_stmt *st, int col)
{
    memset(p, 0, sizeof *p);
    p->town = scope_of(db_col_int64(st, col + 3));
    if (!p->town)
        return -1;
    const char *kind = db_col_text(st, col + 1);
    p->role = role;
    p->id = db_col_int64(st, col);
    snprintf(p->device_kind, sizeof p->device_kind, "%s", kind ? kind : "");
    p->resident_id = db_col_int64(st, col + 2);
    snprintf(p->actor, sizeof p->actor, "%s:%lld", name, p->id);
    return 0;
}

enum auth_status auth_bearer(struct db *db, const char *authorization, struct auth_principal *p)
{
    static const char *const sql[] = {
        DEVICE_BY_HASH,
        "SELECT id, '', 0, municipality_id FROM family WHERE token_hash = ?",
        "SELECT id, '', 0, municipality_id FROM staff WHERE token_hash = ?",
        "SELECT id, '', 0, municipality_id FROM sources WHERE token_hash = ?",
        "SELECT id, '', 0, municipality_id FROM operators WHERE token_hash = ?",
    };
    static const char *const prefix[] = {"dev_", "fam_", "stf_", "src_", "opk_"};
    static const enum auth_role roles[] = {AUTH_DEVICE, AUTH_FAMILY, AUTH_STAFF, AUTH_SOURCE,
                                           AUTH_OPERATOR};
    static const char *const names[] = {"device", "family", "staff", "source", "operator"};
    memset(p, 0, sizeof *p);
    if (!authorization || strncasecmp(authorization, "Bearer ", 7) != 0)
        return AUTH_MISSING;
    const char *tok = authorization + 7;
    while (*tok == ' ')
        tok++;
    size_t n = strlen(tok);
    if (n == 0)
        return AUTH_MISSING;
    if (n > HUBTOKEN_MAX)
        return AUTH_UNKNOWN;
    int k = -1;
    for (int i = 0; i < (int)(sizeof prefix / sizeof prefix[0]); i++)
        if (strncmp(tok, prefix[i], 4) == 0)
            k = i;
    if (k < 0)
        return AUTH_UNKNOWN;
    char hash[HUBTOKEN_HASH_HEX];
    hubtoken_hash(tok, n, hash);
    enum auth_status as = AUTH_ERROR;
    struct db_stmt *st = db_stmt(db, sql[k]);
    if (!st)
        goto out;
    enum db_status rc = db_bind_text(st, 1, hash, -1);
    if (rc == DB_OK)
        rc = db_step(st);
    if (rc == DB_DONE) {
        as = AUTH_UNKNOWN;
        goto out;
    }
    if (rc == DB_ROW && principal(p, roles[k], names[k], st, 0) == 0)
        as = AUTH_OK;
out:
    db_stmt_done(st);
    return as;
}

/* PostgreSQL: every hash in one statement; a row per hash found, by its place (ord). */
static enum db_status devices_many_pg(struct db *db, const char *const *hashes, size_t n,
                                      struct auth_principal *p, enum auth_status *as)
{
    struct dbarray a;
    dbarray_init(&a);
    for (size_t i = 0; i < n; i++)
        dbarray_text(&a, hashes[i]);
    struct db_stmt *st =
        db_stmt(db, "SELECT u.ord, d.id, d.kind, COALESCE(d.resident_id, 0), d.municipality_id"
                    " FROM unnest(?::text[]) WITH ORDINALITY AS u(h, ord)"
                    " JOIN devices d ON d.token_hash = u.h");
    enum db_status s = st ? dbarray_bind(st, 1, &a) : DB_ERR;
    while (s == DB_OK && (s = db_step(st)) == DB_ROW) {
        int64_t ord = db_col_int64(st, 0);
        s = ord >= 1 && ord <= (int64_t)n &&
                    principal(&p[ord - 1], AUTH_DEVICE, "device", st, 1) == 0
                ? DB_OK
                : DB_ERR;
        if (s == DB_OK)
            as[ord - 1] = AUTH_OK;
    }
    if (st)
        db_stmt_done(st);
    dbarray_free(&a);
    return s == DB_DONE ? DB_OK : s;
}

enum db_status auth_devices_many(struct db *db, const char *const *hashes, size_t n,
                                 struct auth_principal *p, enum auth_status *as)
{
    for (size_t i = 0; i < n; i++) {
        memset(&p[i], 0, sizeof p[i]);
        as[i] = AUTH_UNKNOWN;
    }
    if (n == 0)
        return DB_OK;
    if (db_dialect(db) == DB_POSTGRES)
        return devices_many_pg(db, hashes, n, p, as);
    enum db_status s = DB_OK;
    for (size_t i = 0; i < n && s == DB_OK; i++) {
        struct db_stmt *st = db_stmt(db, DEVICE_BY_HASH);
        s = st ? db_bind_text(st, 1, hashes[i], -1) : DB_ERR;
        if (s == DB_OK)
            s = db_step(st);
        if (s == DB_ROW)
            s = principal(&p[i], AUTH_DEVICE, "device", st, 0) == 0 ? DB_OK : DB_ERR;
        if (s == DB_OK)
            as[i] = AUTH_OK;
        else if (s == DB_DONE)
            s = DB_OK;
        if (st)
            db_stmt_done(st);
    }
    return s;
}

enum auth_session_status auth_session_use(struct db *db, const struct scope *sc, const char *token,
                                          long long device_id, time_t now, long long *resident_id,
                                          long long *session_id)
{
    struct sessions_row row;
    char hash[HUBTOKEN_HASH_HEX];
    if (!token || !*token)
        return AUTH_SESSION_MISSING;
    size_t n = strlen(token);
    if (n > HUBTOKEN_MAX || strncmp(token, "ses_", 4) != 0)
        return AUTH_SESSION_UNKNOWN;
    hubtoken_hash(token, n, hash);
    enum db_status s = sessions_find(db, sc, hash, &row);
    if (s == DB_DONE || (s == DB_ROW && row.ended))
        return AUTH_SESSION_UNKNOWN;
    if (s != DB_ROW)
        return AUTH_SESSION_ERROR;
    if (row.device != device_id)
        return AUTH_SESSION_OTHER_DEVICE;
    if ((int64_t)now - row.last_used > AUTH_SESSION_IDLE ||
        (int64_t)now - row.created > AUTH_SESSION_ABSOLUTE)
        return AUTH_SESSION_EXPIRED;
    if (sessions_touch(db, sc, row.id, (int64_t)now) != DB_OK)
        return AUTH_SESSION_ERROR;
    *resident_id = row.resident;
    *session_id = row.id;
    return AUTH_SESSION_OK;
}
