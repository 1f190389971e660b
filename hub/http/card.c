/*
 * card.c: the card login face.
 *
 *   POST /v1/auth/challenge   device token -> 32 random bytes, single use, 60 s, bound to
 *                             the device
 *   POST /v1/auth/card-login  device token + {challenge, certificate, signature} -> card
 *                             session (random, stored hashed, bound to the device, 15 min
 *                             idle / 60 min absolute)
 *   POST /v1/auth/logout      device token + X-Card-Session -> session ended
 *   GET  /v1/session          device token + X-Card-Session -> who is logged in
 *
 * The certificate and signature check is cardverify_check() (hub/cardverify.h); it runs
 * on the request thread because it is pure CPU work. The challenge bookkeeping, the
 * lookup of the enrolled resident, the session and the audit record run in one writer
 * job. Every success and every refusal is audited; a refusal still consumes the challenge.
 */
#include "audit.h"
#include "b64.h"
#include "cardocsp.h"
#include "cardtrust.h"
#include "challenges.h"
#include "handlers.h"
#include "hubclock.h"
#include "hubctx.h"
#include "hubreq.h"
#include "hubtoken.h"
#include "hutil.h"
#include "sessions.h"
#include "writer.h"

#include <openssl/crypto.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHALLENGE_TTL 60

/* ---- POST /v1/auth/challenge ----------------------------------------------------------- */

struct challenge_job {
    struct hreq *r;
    time_t now;
    unsigned char bytes[HUBREQ_CHALLENGE_LEN];
};

static int challenge_job(struct db *db, void *arg)
{
    struct challenge_job *j = arg;
    char hex[2 * HUBREQ_CHALLENGE_LEN + 1];
    int64_t id = 0;
    hubtoken_hex(j->bytes, sizeof j->bytes, hex);
    if (challenges_add(db, j->r->who.town, j->r->who.id, hex, (int64_t)j->now + CHALLENGE_TTL,
                       &id) != DB_OK)
        return -1;
    return hutil_audit(db, j->r,
                       (struct audit_rec){.at = j->now,
                                          .action = "auth.challenge",
                                          .data_kinds = "none",
                                          .purpose = "authentication",
                                          .basis = "none"}) != 0
               ? -1
               : 0;
}

static void h_auth_challenge(struct hreq *r)
{
    struct challenge_job j = {.r = r, .now = hubclock_now()};
    if (hubtoken_random(j.bytes, sizeof j.bytes) != 0) {
        hreq_error(r, 503, "unavailable", "The hub cannot make a random challenge right now.");
        return;
    }
    enum writer_status ws = writer_run(r->hub->writer, challenge_job, &j);
    if (ws != WRITER_OK) {
        hutil_write_failed(r, ws);
        return;
    }
    char b64[b64_encoded_len(HUBREQ_CHALLENGE_LEN) + 1], at[21];
    b64_encode(j.bytes, sizeof j.bytes, b64);
    hubclock_rfc3339(j.now + CHALLENGE_TTL, at);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "challenge", b64);
    cJSON_AddStringToObject(o, "expires_at", at);
    cJSON_AddNumberToObject(o, "expires_at_unix", (double)(j.now + CHALLENGE_TTL));
    hreq_json(r, 201, o);
}

/* ---- POST /v1/auth/card-login ---------------------------------------------------------- */

struct login_job {
    struct hreq *r;
    time_t now;
    const struct hubreq_card_login *in;
    enum cardverify_status cv;
    unsigned char fp[32];
    /* answer */
    int status;
    const char *code; /* NULL = success */
    const char *message;
    long long resident;
    char resident_name[HUTIL_NAME_MAX];
    char token[HUBTOKEN_MAX + 1];
};

static void refuse(struct login_job *j, int status, const char *code, const char *message)
{
    j->status = status;
    j->code = code;
    j->message = message;
}

static const char *cv_message(enum cardverify_status s)
{
    switch (s) {
    case CARDVERIFY_OK:
        return "";
    case CARDVERIFY_BAD_CERT:
        return "The certificate could not be read; take the card out and try again.";
    case CARDVERIFY_EXPIRED:
        return "The card's certificate has expired; the resident should renew it at the city "
               "office.";
    case CARDVERIFY_NOT_YET_VALID:
        return "The card's certificate is not valid yet; check the kiosk's clock or ask staff.";
    case CARDVERIFY_UNTRUSTED:
        return "The card's certificate was not issued by an authority this hub trusts.";
    case CARDVERIFY_BAD_SIGNATURE:
        return "The card's signature does not match the challenge and certificate; try again.";
    case CARDVERIFY_INTERNAL:
        return "The hub could not check the card; try again.";
    case CARDVERIFY_REVOKED:
        return "This card's certificate has been revoked by its issuer (reported lost, or "
               "replaced); the card cannot be used. The resident should go to the city office.";
    case CARDVERIFY_REVOCATION_UNKNOWN:
        return "Card login is not possible right now: the hub cannot find out whether cards "
               "are still valid (no current revocation list for the card's issuer, or its "
               "revocation service does not answer), so no card can be checked. Staff must "
               "publish a fresh CRL or see to the OCSP responder; residents can be served at "
               "the city office counter.";
    }
    return "The card could not be checked.";
}

/* Our own codes, so the API stays stable whatever cardverify names its statuses. */
static const char *cv_code(enum cardverify_status s)
{
    switch (s) {
    case CARDVERIFY_OK:
        return "ok";
    case CARDVERIFY_BAD_CERT:
        return "certificate_invalid";
    case CARDVERIFY_EXPIRED:
        return "certificate_expired";
    case CARDVERIFY_NOT_YET_VALID:
        return "certificate_not_yet_valid";
    case CARDVERIFY_UNTRUSTED:
        return "certificate_untrusted";
    case CARDVERIFY_BAD_SIGNATURE:
        return "signature_invalid";
    case CARDVERIFY_REVOKED:
        return "certificate_revoked";
    case CARDVERIFY_REVOCATION_UNKNOWN:
        return "revocation_unavailable";
    case CARDVERIFY_INTERNAL:
        break;
    }
    return "card_check_failed";
}

/* The refusals of a challenge that cannot be used, by what the store found. */
static const struct {
    const char *code, *message;
} challenge_refusals[] = {
    [CHALLENGES_EXPIRED] =
        {"challenge_expired",
         "This challenge has expired (they last 60 seconds); ask for a new one."},
    [CHALLENGES_UNKNOWN] = {"challenge_unknown",
                            "This challenge was not issued by the hub; ask for a new one."},
    [CHALLENGES_OTHER_DEVICE] = {"challenge_other_device",
                                 "This challenge was issued to another device; ask for a new one "
                                 "on this device."},
    [CHALLENGES_USED] = {"challenge_used", "This challenge was already used; each challenge "
                                           "works once. Ask for a new one."},
};

/* Spends the challenge (whatever the outcome of the login). 0 = usable; 1 = j is refused;
 * -1 = database. */
static int use_challenge(struct db *db, struct login_job *j)
{
    char hex[2 * HUBREQ_CHALLENGE_LEN + 1];
    enum challenges_use use = CHALLENGES_UNKNOWN;
    hubtoken_hex(j->in->challenge, HUBREQ_CHALLENGE_LEN, hex);
    if (challenges_use(db, j->r->who.town, hex, j->r->who.id, (int64_t)j->now, &use) != DB_OK)
        return -1;
    if (use == CHALLENGES_OK)
        return 0;
    refuse(j, 401, challenge_refusals[use].code, challenge_refusals[use].message);
    return 1;
}

/* The resident whose card signed: refuses j when the card is not enrolled or, on a home
 * tablet, is not its resident's. 0, or -1 on a database error. */
static int find_holder(struct db *db, struct login_job *j)
{
    char fphex[65];
    int64_t holder = 0, elsewhere = 0;
    hubtoken_hex(j->fp, sizeof j->fp, fphex);
    enum db_status s = sessions_card_holder(db, j->r->who.town, fphex, &holder, j->resident_name,
                                            sizeof j->resident_name, &elsewhere);
    if (s == DB_ROW && j->r->who.resident_id && holder != j->r->who.resident_id) {
        /* A home tablet serves the one resident it is bound to: its card step-up
         * confirms that resident is present, so another person's card opens nothing. */
        j->resident_name[0] = '\0';
        refuse(j, 403, "card_not_for_this_device",
               "This card belongs to someone other than the resident this tablet is for; "
               "use the card at a public kiosk instead.");
    } else if (s == DB_ROW) {
        j->resident = holder;
    } else if (s == DB_DONE && elsewhere) {
        /* Enrolled, but by another municipality sharing this hub: this kiosk serves its
         * own town's residents only. Nothing of the other town's resident is told. */
        refuse(j, 403, "card_other_municipality",
               "This card is enrolled by another municipality; this kiosk serves the residents "
               "of its own town only. Use a kiosk or the office of the town you live in.");
    } else if (s == DB_DONE) {
        refuse(j, 401, "certificate_not_enrolled",
               "This card is valid but not enrolled at this hub; the resident can enrol at "
               "the city office.");
    } else {
        return -1;
    }
    return 0;
}

static int login_job(struct db *db, void *arg)
{
    struct login_job *j = arg;
    struct hreq *r = j->r;
    char outcome[96];
    int u = use_challenge(db, j);
    if (u < 0)
        return -1;
    if (u == 0 && j->cv != CARDVERIFY_OK)
        refuse(j, 401, cv_code(j->cv), cv_message(j->cv));
    if (u == 0 && j->cv == CARDVERIFY_OK && find_holder(db, j) != 0)
        return -1;
    if (!j->code) {
        char hash[HUBTOKEN_HASH_HEX];
        int64_t id = 0;
        if (hubtoken_new("ses", j->token, sizeof j->token) != 0)
            return -1;
        hubtoken_hash(j->token, strlen(j->token), hash);
        if (sessions_add(db, r->who.town, hash, r->who.id, j->resident, (int64_t)j->now, &id) !=
            DB_OK)
            return -1;
        j->status = 201;
    }
    snprintf(outcome, sizeof outcome, "%s%s", j->code ? "refused: " : "ok", j->code ? j->code : "");
    return hutil_audit(db, r,
                       (struct audit_rec){.at = j->now,
                                          .action = "auth.card_login",
                                          .outcome = outcome,
                                          .subject = j->resident,
                                          .data_kinds = "certificate",
                                          .purpose = "authentication",
                                          .basis = "self:card",
                                          .source = r->who.actor,
                                          .destination = "hub"}) != 0
               ? -1
               : 0;
}

static void h_auth_card_login(struct hreq *r)
{
    char msg[512];
    struct hubreq_card_login *in = malloc(sizeof *in);
    struct login_job *j = calloc(1, sizeof *j);
    if (!in || !j) {
        hreq_error(r, 503, "unavailable", "The hub is out of memory; try again.");
        goto out;
    }
    if (hubreq_parse_card_login(r->body, r->body_len, in, msg, sizeof msg) != HUBREQ_OK) {
        hreq_error(r, 400, "bad_request", "%s", msg);
        goto out;
    }
    if (!r->hub->trust) {
        hreq_error(r, 503, "card_login_unavailable",
                   "Card login is not set up on this hub (no trusted CA configured).");
        goto out;
    }
    j->r = r;
    j->in = in;
    j->now = hubclock_now();
    struct cardverify_trust *trust = cardtrust_get(r->hub->trust);
    j->cv = cardverify_check(trust, in->cert, in->cert_len, in->challenge, HUBREQ_CHALLENGE_LEN,
                             in->sig, in->sig_len, j->now, j->fp);
    cardverify_trust_free(trust);
    char why[256];
    if (j->cv == CARDVERIFY_OK && r->hub->ocsp &&
        (j->cv = cardocsp_check(r->hub->ocsp, in->cert, in->cert_len, j->now, why, sizeof why)) ==
            CARDVERIFY_REVOCATION_UNKNOWN)
        fprintf(stderr,
                "hub: card login refused: %s; card logins are refused until the OCSP "
                "responder gives an answer that can be trusted\n",
                why);
    else if (j->cv == CARDVERIFY_REVOCATION_UNKNOWN)
        fprintf(stderr, "hub: card login refused: no current CRL for the card's CA (missing, or "
                        "past its next update); every card login is refused until a fresh CRL "
                        "is published\n");
    enum writer_status ws = writer_run(r->hub->writer, login_job, j);
    if (ws != WRITER_OK) {
        hutil_write_failed(r, ws);
        goto out;
    }
    if (j->code) {
        hreq_error(r, j->status, j->code, "%s", j->message);
        goto out;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "session", j->token);
    cJSON *res = cJSON_AddObjectToObject(o, "resident");
    cJSON_AddNumberToObject(res, "id", (double)j->resident);
    cJSON_AddStringToObject(res, "display_name", j->resident_name);
    cJSON_AddNumberToObject(o, "idle_timeout_s", AUTH_SESSION_IDLE);
    cJSON_AddNumberToObject(o, "expires_at_unix", (double)(j->now + AUTH_SESSION_ABSOLUTE));
    hreq_json(r, 201, o);
out:
    if (j)
        OPENSSL_cleanse(j->token, sizeof j->token);
    free(j);
    free(in);
}

/* ---- POST /v1/auth/logout, GET /v1/session -------------------------------------------- */

struct session_job {
    struct hreq *r;
    const char *token;
    time_t now;
    int logout;
    enum auth_session_status ss;
    long long resident, session_id;
    long long created, last_used;
    char name[HUTIL_NAME_MAX];
};

static int session_job(struct db *db, void *arg)
{
    struct session_job *j = arg;
    struct hreq *r = j->r;
    j->ss = auth_session_use(db, r->who.town, j->token, r->who.id, j->now, &j->resident,
                             &j->session_id);
    if (j->ss == AUTH_SESSION_ERROR)
        return -1;
    if (j->ss != AUTH_SESSION_OK && !(j->logout && j->ss == AUTH_SESSION_EXPIRED))
        return 0;
    if (j->logout) {
        /* An expired session is ended too; its row is found again by hash. */
        char hash[HUBTOKEN_HASH_HEX];
        int64_t resident = 0;
        hubtoken_hash(j->token, strlen(j->token), hash);
        enum db_status s =
            sessions_end(db, r->who.town, hash, r->who.id, (int64_t)j->now, &resident);
        if (s != DB_ROW && s != DB_DONE)
            return -1;
        if (s == DB_ROW)
            j->resident = resident;
    } else {
        struct sessions_row row;
        if (sessions_read(db, r->who.town, j->session_id, &row, j->name, sizeof j->name) != DB_ROW)
            return -1;
        j->created = row.created;
        j->last_used = row.last_used;
    }
    return hutil_audit(db, r,
                       (struct audit_rec){.at = j->now,
                                          .action = j->logout ? "auth.logout" : "session.read",
                                          .subject = j->resident,
                                          .data_kinds = j->logout ? "none" : "profile",
                                          .purpose = j->logout ? "authentication" : "own_view",
                                          .basis = "self:card_session",
                                          .source = j->logout ? r->who.actor : "hub",
                                          .destination = j->logout ? "hub" : r->who.actor}) != 0
               ? -1
               : 0;
}

static void h_auth_logout(struct hreq *r)
{
    struct session_job j = {
        .r = r, .token = hreq_header(r, "X-Card-Session"), .now = hubclock_now(), .logout = 1};
    if (!j.token) {
        hutil_session_refused(r, AUTH_SESSION_MISSING);
        return;
    }
    enum writer_status ws = writer_run(r->hub->writer, session_job, &j);
    if (ws != WRITER_OK) {
        hutil_write_failed(r, ws);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "ended", 1);
    /* Ending an unknown or already-ended session is not an error: the card is out either
     * way, and the kiosk must never get stuck on logout. */
    cJSON_AddBoolToObject(o, "was_active", j.ss == AUTH_SESSION_OK || j.ss == AUTH_SESSION_EXPIRED);
    hreq_json(r, 200, o);
}

static void h_session_get(struct hreq *r)
{
    struct session_job j = {
        .r = r, .token = hreq_header(r, "X-Card-Session"), .now = hubclock_now()};
    enum writer_status ws = writer_run(r->hub->writer, session_job, &j);
    if (ws != WRITER_OK) {
        hutil_write_failed(r, ws);
        return;
    }
    if (j.ss != AUTH_SESSION_OK) {
        hutil_session_refused(r, j.ss);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON *res = cJSON_AddObjectToObject(o, "resident");
    cJSON_AddNumberToObject(res, "id", (double)j.resident);
    cJSON_AddStringToObject(res, "display_name", j.name);
    cJSON_AddNumberToObject(o, "idle_expires_at_unix", (double)(j.now + AUTH_SESSION_IDLE));
    cJSON_AddNumberToObject(o, "expires_at_unix", (double)(j.created + AUTH_SESSION_ABSOLUTE));
    hreq_json(r, 200, o);
}

/* This face's routes (server.c asks every face's rows in turn). */
const struct hroute card_routes[] = {
    {"POST", "/v1/auth/challenge", AUTH_DEVICE, h_auth_challenge},
    {"POST", "/v1/auth/card-login", AUTH_DEVICE, h_auth_card_login},
    {"POST", "/v1/auth/logout", AUTH_DEVICE, h_auth_logout},
    {"GET", "/v1/session", AUTH_DEVICE, h_session_get},
    {NULL, NULL, 0, NULL},
};
