/*
 * auth.c: bearer-token and card-session checks (see auth.h); the lookups are the stores'
 * (devices, actors, sessions).
 */
#include "auth.h"
#include "actors.h"
#include "devices.h"
#include "hubtoken.h"
#include "sessions.h"

#include <stdio.h>
#include <stdlib.h>
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

/* p as a principal of role (name its actor's kind) with id, device kind, resident and
 * town; 0, or -1 when town is not one (a database error). */
static int principal(struct auth_principal *p, enum auth_role role, const char *name, int64_t id,
                     const char *kind, int64_t resident, int64_t town)
{
    memset(p, 0, sizeof *p);
    p->town = scope_of(town);
    if (!p->town)
        return -1;
    p->role = role;
    p->id = id;
    snprintf(p->device_kind, sizeof p->device_kind, "%s", kind);
    p->resident_id = resident;
    snprintf(p->actor, sizeof p->actor, "%s:%lld", name, p->id);
    return 0;
}

/* p from the device holding a token. */
static int device_principal(struct auth_principal *p, const struct devices_holder *d)
{
    return principal(p, AUTH_DEVICE, "device", d->id, d->kind, d->resident, d->town);
}

enum auth_status auth_bearer(struct db *db, const char *authorization, struct auth_principal *p)
{
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
    enum db_status rc;
    int ok = -1;
    if (roles[k] == AUTH_DEVICE) {
        struct devices_holder d;
        rc = devices_by_token(db, hash, &d);
        if (rc == DB_ROW)
            ok = device_principal(p, &d);
    } else {
        int64_t id = 0, town = 0;
        rc = actors_by_token(db, names[k], hash, &id, &town);
        if (rc == DB_ROW)
            ok = principal(p, roles[k], names[k], id, "", 0, town);
    }
    if (rc == DB_DONE)
        return AUTH_UNKNOWN;
    return rc == DB_ROW && ok == 0 ? AUTH_OK : AUTH_ERROR;
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
    struct devices_holder *d = calloc(n, sizeof *d);
    enum db_status s = d ? devices_by_tokens(db, hashes, n, d) : DB_ERR;
    for (size_t i = 0; i < n && s == DB_OK; i++) {
        if (d[i].id == 0)
            continue;
        s = device_principal(&p[i], &d[i]) == 0 ? DB_OK : DB_ERR;
        if (s == DB_OK)
            as[i] = AUTH_OK;
    }
    free(d);
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
