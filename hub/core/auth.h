/*
 * auth.h: who is calling. Bearer tokens name their kind by prefix (dev_, fam_, stf_) and
 * are looked up by the SHA-256 of the whole token, never by the token itself. Card
 * sessions (X-Card-Session) are checked inside the writer's transaction because using one
 * moves its idle deadline.
 */
#ifndef HUB_AUTH_H
#define HUB_AUTH_H

#include <time.h>
#include "db.h"
#include "scope.h"

enum auth_role {
    AUTH_NONE = 0,
    AUTH_DEVICE = 1,
    AUTH_FAMILY = 2,
    AUTH_STAFF = 4,
    AUTH_SOURCE = 8,    /* a source organisation sending checkups (src_ key) */
    AUTH_OPERATOR = 16, /* a shopping-proxy operator (opk_ key) */
};

struct auth_principal {
    enum auth_role role;
    long long id;
    char device_kind[8];      /* "home" | "public" for devices */
    long long resident_id;    /* the resident a home device is bound to, else 0 */
    char actor[40];           /* "device:3", "family:2", "staff:1", "source:1", "operator:2" */
    const struct scope *town; /* the municipality the principal belongs to (never NULL
                                 once auth_bearer() answered AUTH_OK) */
};

enum auth_status {
    AUTH_OK = 0,
    AUTH_MISSING, /* no Authorization header, or not "Bearer <token>" */
    AUTH_UNKNOWN, /* no such token */
    AUTH_ERROR,   /* the database could not be read */
};
const char *auth_status_str(enum auth_status s);

/* Resolves the Authorization header value (may be NULL) into *p. */
enum auth_status auth_bearer(struct db *db, const char *authorization, struct auth_principal *p);

/*
 * Looks up n device tokens at once by their hashes (hubtoken_hash() hex): as[i] is AUTH_OK
 * with p[i] filled (a device of the bound resident's or its own town) or AUTH_UNKNOWN. The
 * same check as auth_bearer() on a "dev_" token, made inside the caller's transaction: a
 * writer batch checks the tokens of all its check-ins in one statement (PostgreSQL; one
 * lookup each on SQLite) instead of one round trip per request. DB_OK, or the database's
 * failure (then nothing in as is to be trusted).
 */
enum db_status auth_devices_many(struct db *db, const char *const *hashes, size_t n,
                                 struct auth_principal *p, enum auth_status *as);

/* Card session lifetimes: idle and absolute, in seconds. */
#define AUTH_SESSION_IDLE     (15 * 60)
#define AUTH_SESSION_ABSOLUTE (60 * 60)

enum auth_session_status {
    AUTH_SESSION_OK = 0,
    AUTH_SESSION_MISSING,      /* no X-Card-Session header */
    AUTH_SESSION_UNKNOWN,      /* no such session, or ended (logout) */
    AUTH_SESSION_EXPIRED,      /* idle or absolute limit passed */
    AUTH_SESSION_OTHER_DEVICE, /* bound to another device */
    AUTH_SESSION_ERROR,
};
const char *auth_session_status_str(enum auth_session_status s);

/*
 * Checks the card session token (may be NULL) for device_id of town sc at time now and,
 * when valid, refreshes its idle deadline; a session of another town is unknown. Must run
 * inside a write transaction (writer job).
 * *resident_id and *session_id get the session's resident and row id.
 */
enum auth_session_status auth_session_use(struct db *db, const struct scope *sc, const char *token,
                                          long long device_id, time_t now, long long *resident_id,
                                          long long *session_id);

#endif
