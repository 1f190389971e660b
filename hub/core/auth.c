/*
 * auth.c: bearer-token and card-session lookups (see auth.h).
 */
#include "auth.h"
#include "db_sqlite.h"
#include "hubdb.h"
#include "hubtoken.h"

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

enum auth_status auth_bearer(struct db *dbh, const char *authorization, struct auth_principal *p)
{
    sqlite3 *db = db_sqlite_handle(dbh);
    static const char *const sql[] = {
        "SELECT id, kind, COALESCE(resident_id, 0) FROM devices WHERE token_hash = ?",
        "SELECT id, '', 0 FROM family WHERE token_hash = ?",
        "SELECT id, '', 0 FROM staff WHERE token_hash = ?",
        "SELECT id, '', 0 FROM sources WHERE token_hash = ?",
        "SELECT id, '', 0 FROM operators WHERE token_hash = ?",
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
    sqlite3_stmt *st = NULL;
    enum auth_status as = AUTH_ERROR;
    st = hubdb_stmt(db, sql[k]);
    if (!st)
        goto out;
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        as = AUTH_UNKNOWN;
        goto out;
    }
    if (rc != SQLITE_ROW)
        goto out;
    p->role = roles[k];
    p->id = sqlite3_column_int64(st, 0);
    snprintf(p->device_kind, sizeof p->device_kind, "%s", (const char *)sqlite3_column_text(st, 1));
    p->resident_id = sqlite3_column_int64(st, 2);
    snprintf(p->actor, sizeof p->actor, "%s:%lld", names[k], p->id);
    as = AUTH_OK;
out:
    hubdb_stmt_done(st);
    return as;
}

enum auth_session_status auth_session_use(struct db *dbh, const char *token, long long device_id,
                                          time_t now, long long *resident_id, long long *session_id)
{
    sqlite3 *db = db_sqlite_handle(dbh);
    if (!token || !*token)
        return AUTH_SESSION_MISSING;
    size_t n = strlen(token);
    if (n > HUBTOKEN_MAX || strncmp(token, "ses_", 4) != 0)
        return AUTH_SESSION_UNKNOWN;
    char hash[HUBTOKEN_HASH_HEX];
    hubtoken_hash(token, n, hash);
    sqlite3_stmt *st = NULL;
    enum auth_session_status ss = AUTH_SESSION_ERROR;
    if (sqlite3_prepare_v2(db,
                           "SELECT id, device_id, resident_id, created_unix, last_used_unix,"
                           " ended_unix FROM sessions WHERE token_hash = ?",
                           -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        ss = AUTH_SESSION_UNKNOWN;
        goto out;
    }
    if (rc != SQLITE_ROW)
        goto out;
    long long id = sqlite3_column_int64(st, 0);
    long long dev = sqlite3_column_int64(st, 1);
    long long res = sqlite3_column_int64(st, 2);
    long long created = sqlite3_column_int64(st, 3);
    long long last = sqlite3_column_int64(st, 4);
    int ended = sqlite3_column_type(st, 5) != SQLITE_NULL;
    sqlite3_finalize(st);
    st = NULL;
    if (ended) {
        ss = AUTH_SESSION_UNKNOWN;
        goto out;
    }
    if (dev != device_id) {
        ss = AUTH_SESSION_OTHER_DEVICE;
        goto out;
    }
    if ((long long)now - last > AUTH_SESSION_IDLE ||
        (long long)now - created > AUTH_SESSION_ABSOLUTE) {
        ss = AUTH_SESSION_EXPIRED;
        goto out;
    }
    if (sqlite3_prepare_v2(db, "UPDATE sessions SET last_used_unix = ? WHERE id = ?", -1, &st,
                           NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, (long long)now);
    sqlite3_bind_int64(st, 2, id);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto out;
    *resident_id = res;
    *session_id = id;
    ss = AUTH_SESSION_OK;
out:
    sqlite3_finalize(st);
    return ss;
}
