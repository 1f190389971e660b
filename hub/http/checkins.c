/*
 * checkins.c: health, me and check-ins. See docs/api.md for
 * their contract and handlers.h for the steps every handler follows.
 */
#include "handlers.h"
#include "audit.h"
#include "actors.h"
#include "checkins.h"
#include "escalate.h"
#include "family.h"
#include "gate.h"
#include "hubclock.h"
#include "hubctx.h"
#include "hubdb.h"
#include "hubreq.h"
#include "hubtoken.h"
#include "hutil.h"
#include "pusher.h"
#include "residents.h"
#include "towns.h"
#include "writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void h_health(struct hreq *r)
{
    struct db *db = hubdb_pool_get(r->hub->pool);
    int v = db ? db_schema_version(db) : -1;
    hubdb_pool_put(r->hub->pool, db);
    if (v < 0) {
        hreq_error(r, 503, "unavailable", "The hub cannot read its database right now.");
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", "ok");
    cJSON_AddNumberToObject(o, "schema_version", v);
    hreq_json(r, 200, o);
}

/* ---- GET /v1/me ---------------------------------------------------------------------- */

struct me_job {
    struct hreq *r;
    time_t now;
    cJSON *out;
};

/* A check-in as the API shows it: {"id","answer","at","at_unix"}. */
static cJSON *checkin_json(const struct checkins_row *c)
{
    char at[21];
    cJSON *e = cJSON_CreateObject();
    hubclock_rfc3339((time_t)c->at, at);
    cJSON_AddNumberToObject(e, "id", (double)c->id);
    cJSON_AddStringToObject(e, "answer", c->answer);
    cJSON_AddStringToObject(e, "at", at);
    cJSON_AddNumberToObject(e, "at_unix", (double)c->at);
    return e;
}

static int add_to_array(void *ctx, const struct checkins_row *c)
{
    cJSON_AddItemToArray(ctx, checkin_json(c));
    return 0;
}

/* "last_checkin": the resident's newest check-in, or null. 0, or -1 on a database error. */
static int me_last_checkin(struct db *db, const struct scope *sc, long long resident, cJSON *o)
{
    cJSON *newest = cJSON_CreateArray();
    int rc = checkins_newest(db, sc, resident, 1, add_to_array, newest) == DB_OK ? 0 : -1;
    cJSON *c = cJSON_DetachItemFromArray(newest, 0);
    if (rc == 0 && c)
        cJSON_AddItemToObject(o, "last_checkin", c);
    else if (rc == 0)
        cJSON_AddNullToObject(o, "last_checkin");
    else
        cJSON_Delete(c);
    cJSON_Delete(newest);
    return rc;
}

static int add_resident(void *ctx, const struct family_row *f)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddNumberToObject(e, "id", (double)f->id);
    cJSON_AddStringToObject(e, "display_name", f->display_name);
    cJSON_AddItemToArray(ctx, e);
    return 0;
}

static int me_job(struct db *db, void *arg)
{
    struct me_job *j = arg;
    struct hreq *r = j->r;
    const struct auth_principal *w = &r->who;
    cJSON *o = cJSON_CreateObject();
    long long subject = 0;
    int rc = -1;
    if (w->role == AUTH_DEVICE) {
        cJSON_AddStringToObject(o, "role", "device");
        cJSON_AddStringToObject(o, "kind", w->device_kind);
        cJSON_AddNumberToObject(o, "device_id", (double)w->id);
        if (w->resident_id > 0) {
            char name[HUTIL_NAME_MAX];
            if (residents_name(db, w->town, w->resident_id, name, sizeof name) != DB_ROW)
                goto out;
            cJSON *res = cJSON_AddObjectToObject(o, "resident");
            cJSON_AddNumberToObject(res, "id", (double)w->resident_id);
            cJSON_AddStringToObject(res, "display_name", name);
            subject = w->resident_id;
            /* The home tablet remembers the day's check-in across restarts from this. */
            if (strcmp(w->device_kind, "home") == 0 &&
                me_last_checkin(db, w->town, w->resident_id, o) != 0)
                goto out;
        }
    } else {
        char name[HUTIL_NAME_MAX];
        if (actors_name(db, w->role == AUTH_FAMILY ? "family" : "staff", w->id, name,
                        sizeof name) != DB_ROW)
            goto out;
        cJSON_AddStringToObject(o, "role", w->role == AUTH_FAMILY ? "family" : "staff");
        cJSON_AddNumberToObject(o, w->role == AUTH_FAMILY ? "family_id" : "staff_id",
                                (double)w->id);
        cJSON_AddStringToObject(o, "display_name", name);
        if (w->role == AUTH_FAMILY) {
            cJSON *arr = cJSON_AddArrayToObject(o, "residents");
            if (family_residents(db, w->town, w->id, add_resident, arr) != DB_OK)
                goto out;
        }
    }
    /* The caller's municipality, as its kiosk shows it (the town's name, its own service
     * hours and contact); not before the town was named (a migrated hub's town 1). */
    struct towns_row town;
    if (towns_get(db, w->town, &town) != DB_ROW)
        goto out;
    if (town.code[0]) {
        cJSON *m = cJSON_AddObjectToObject(o, "municipality");
        cJSON_AddStringToObject(m, "code", town.code);
        cJSON_AddStringToObject(m, "name", town.name);
        cJSON_AddStringToObject(m, "service_hours", town.service_hours);
        cJSON_AddStringToObject(m, "contact", town.contact);
    }
    /* Names are personal data: the answer is a release, so it is audited. */
    if (hutil_audit(db, r,
                    (struct audit_rec){.at = j->now,
                                       .action = "me.read",
                                       .subject = subject,
                                       .data_kinds = cJSON_GetObjectItem(o, "last_checkin")
                                                         ? "profile,safety"
                                                         : "profile",
                                       .purpose = "account",
                                       .basis = "enrolment"}) != 0)
        goto out;
    j->out = o;
    o = NULL;
    rc = 0;
out:
    cJSON_Delete(o);
    return rc;
}

static void h_me(struct hreq *r)
{
    struct me_job j = {.r = r, .now = hubclock_now()};
    enum writer_status ws = writer_run(r->hub->writer, me_job, &j);
    hutil_answer(r, ws, AUTH_SESSION_OK, 0, 200, j.out);
}

/* ---- POST /v1/checkins --------------------------------------------------------------- */

struct checkin_job {
    struct hreq *r;
    const char *answer;
    time_t now;
    struct hutil_idem *idem; /* its key is NULL without an Idempotency-Key */
    /* The token's hash when the job checks it (handlers.h, HROUTE_DEVICE_IN_JOB), else empty: the
     * job fills r->who and auth, and stores nothing unless the token is a home device's
     * bound to a resident (not_home: a device that is not). */
    char token_hash[HUBTOKEN_HASH_HEX];
    enum auth_status auth;
    int not_home;
    long long id;
    char *resp; /* owned JSON */
};

/* 1 when j's device may post check-ins: a home device bound to a resident. */
static int home_bound(const struct auth_principal *who)
{
    return strcmp(who->device_kind, "home") == 0 && who->resident_id > 0;
}

/* The tokens of the n jobs that check theirs (token_hash set) in one lookup: each such
 * job's r->who, auth and not_home are set. 0, or -1 on a database failure. */
static int checkin_tokens(struct db *db, struct checkin_job *const *js, int n)
{
    const char *hashes[CHECKINS_MANY_MAX];
    struct auth_principal who[CHECKINS_MANY_MAX];
    enum auth_status as[CHECKINS_MANY_MAX];
    int idx[CHECKINS_MANY_MAX], m = 0;
    for (int i = 0; i < n && m < CHECKINS_MANY_MAX; i++)
        if (js[i]->token_hash[0]) {
            hashes[m] = js[i]->token_hash;
            idx[m++] = i;
        }
    if (m == 0)
        return 0;
    if (auth_devices_many(db, hashes, (size_t)m, who, as) != DB_OK)
        return -1;
    for (int k = 0; k < m; k++) {
        struct checkin_job *j = js[idx[k]];
        j->auth = as[k];
        j->r->who = who[k];
        j->not_home = as[k] == AUTH_OK && !home_bound(&who[k]);
    }
    return 0;
}

/* 1 when j is to store its check-in (its token, if the job checks it, allows it). */
static int checkin_allowed(const struct checkin_job *j)
{
    return j->auth == AUTH_OK && !j->not_home;
}

/* The 201 body. answer is one of our own constants, so printing it needs no escaping.
 * Returns owned text or NULL. */
static char *checkin_answer(long long id, long long resident, const char *answer, time_t now)
{
    char at[21];
    hubclock_rfc3339(now, at);
    char *out = malloc(256);
    if (out)
        snprintf(out, 256,
                 "{\"checkin\":{\"id\":%lld,\"resident_id\":%lld,\"answer\":\"%s\",\"at\":\"%s\","
                 "\"at_unix\":%lld}}",
                 id, resident, answer, at, (long long)now);
    return out;
}

/* The check-in's audit record. */
static struct audit_rec checkin_audit(const struct checkin_job *j)
{
    const struct hreq *r = j->r;
    return hutil_audit_rec(r, (struct audit_rec){.at = j->now,
                                                 .action = "checkin.create",
                                                 .subject = r->who.resident_id,
                                                 .data_kinds = "safety",
                                                 .purpose = "watch_over",
                                                 .basis = "self:home_device",
                                                 .source = r->who.actor,
                                                 .destination = "hub"});
}

/* After the check-in with id is stored: a 元気がない alert, and with an Idempotency-Key the
 * answer for replays (built here only then; otherwise the request thread builds it, off the
 * writer's critical path), stored when store is 1 (else by the caller, for a batch). 0, or
 * -1 to roll back. */
static int checkin_follow(struct db *db, struct checkin_job *j, int64_t id, int store)
{
    struct hreq *r = j->r;
    long long alert = 0;
    if (strcmp(j->answer, "genkinai") == 0 &&
        escalate_unwell(db, r->who.town, r->who.resident_id, id, j->now, r->who.actor,
                        r->request_id, &alert) != 0)
        return -1;
    j->id = id;
    if (j->idem->key && !(j->resp = checkin_answer(id, r->who.resident_id, j->answer, j->now)))
        return -1;
    return j->idem->key && store ? hutil_idem_store(db, j->idem, 201, j->resp, j->now) : 0;
}

static int checkin_job(struct db *db, void *arg)
{
    struct checkin_job *j = arg;
    struct hreq *r = j->r;
    int64_t id = 0;
    if (checkin_tokens(db, &j, 1) != 0)
        return -1;
    if (!checkin_allowed(j))
        return 0; /* refused: the request thread answers */
    if (checkins_add(db, r->who.town, r->who.resident_id, r->who.id, j->answer, (int64_t)j->now,
                     &id) != DB_OK)
        return -1;
    struct audit_rec rec = checkin_audit(j);
    if (checkin_follow(db, j, id, 1) != 0 || audit_append_db(db, &rec, NULL) != DB_OK)
        return -1;
    return 0;
}

/* The check-ins of a writer batch together (writer_kind): one statement checks the tokens
 * of those that check theirs in the job, one stores every allowed check-in, each one's
 * alert follows, then one statement stores the answers of those with an Idempotency-Key
 * and one appends all their audit records. On a failure every job is left as checkin_job()
 * expects it (no answer built, no key finished): the writer runs each alone. */
static int checkin_many(struct db *db, void *const *args, int n)
{
    struct checkins_new c[CHECKINS_MANY_MAX];
    struct audit_rec recs[CHECKINS_MANY_MAX];
    struct hutil_idem *idems[CHECKINS_MANY_MAX];
    struct checkin_job *js[CHECKINS_MANY_MAX] = {NULL}, *ok[CHECKINS_MANY_MAX];
    const char *answers[CHECKINS_MANY_MAX];
    long long nows[CHECKINS_MANY_MAX];
    int m = 0;
    int rc = n <= CHECKINS_MANY_MAX && n <= AUDIT_APPEND_MANY_MAX ? 0 : -1;
    for (int i = 0; i < n && rc == 0; i++)
        js[i] = args[i];
    if (rc == 0)
        rc = checkin_tokens(db, js, n);
    for (int i = 0; i < n && rc == 0; i++) {
        struct checkin_job *j = js[i];
        if (!checkin_allowed(j))
            continue; /* refused: nothing of it is stored */
        c[m] = (struct checkins_new){.sc = j->r->who.town,
                                     .resident = j->r->who.resident_id,
                                     .device = j->r->who.id,
                                     .answer = j->answer,
                                     .at = (int64_t)j->now};
        recs[m] = checkin_audit(j);
        ok[m++] = j;
    }
    if (rc == 0 && m > 0 && checkins_add_many(db, c, (size_t)m) != DB_OK)
        rc = -1;
    for (int i = 0; i < m && rc == 0; i++) {
        struct checkin_job *j = ok[i];
        rc = checkin_follow(db, j, c[i].id, 0);
        idems[i] = j->idem;
        answers[i] = j->resp;
        nows[i] = (long long)j->now;
    }
    if (rc == 0 && m > 0 && hutil_idem_store_many(db, idems, answers, nows, m) != 0)
        rc = -1;
    if (rc == 0 && m > 0 && audit_append_many_db(db, recs, (size_t)m) != DB_OK)
        rc = -1;
    for (int i = 0; i < m && rc != 0; i++) {
        struct checkin_job *j = ok[i];
        free(j->resp);
        j->resp = NULL;
        j->idem->finished = 0;
    }
    return rc;
}

static const struct writer_kind checkin_kind = {checkin_job, checkin_many};

static const char not_bound[] = "Only a home device bound to a resident can post check-ins; "
                                "this device is not bound to anyone.";

/* The answer to check-in job j, whose writer job ended with ws (r->who filled by then). */
static void checkin_reply(struct hreq *r, struct checkin_job *j, enum writer_status ws)
{
    if (ws == WRITER_OK && j->token_hash[0] && !hreq_authorized(r, j->auth))
        return; /* 401, or 429 past the address's refusals */
    if (ws == WRITER_OK && j->not_home) {
        hreq_error(r, 403, "forbidden", "%s", not_bound);
        return;
    }
    if (ws == WRITER_OK && !j->resp)
        j->resp = checkin_answer(j->id, r->who.resident_id, j->answer, j->now);
    if (ws == WRITER_OK && j->resp) {
        /* A 元気がない alert's notifications go now; other check-ins raise nothing the push
         * thread sends (waking it for each was most of the statements the database ran
         * under load, docs/benchmarks.md). */
        if (strcmp(j->answer, "genkinai") == 0)
            pusher_kick(r->hub->pusher);
        hreq_raw(r, 201, j->resp);
        j->resp = NULL;
    } else if (ws == WRITER_OK) {
        hreq_error(r, 500, "internal",
                   "The check-in was stored but the hub ran out of memory answering; retry "
                   "with the same Idempotency-Key to see it.");
    } else {
        hutil_write_failed(r, ws);
    }
}

/* A check-in without an Idempotency-Key, answered when its batch is over (on the writer's
 * thread): no request thread waits for the writer meanwhile. */
struct checkin_later {
    struct checkin_job j;
    struct hutil_idem idem; /* no key: nothing to claim or give up */
};

static void checkin_then(void *arg, enum writer_status ws)
{
    struct checkin_later *l = arg;
    struct hreq *r = l->j.r;
    checkin_reply(r, &l->j, ws);
    free(l->j.resp);
    free(l);
    hreq_finish(r);
}

static void h_checkin_post(struct hreq *r)
{
    char msg[512];
    const char *answer = NULL;
    struct hutil_idem idem;
    /* Empty: the token is checked in the job, with the others of its batch (handlers.h). */
    int in_job = r->who.role == AUTH_NONE;
    if (!in_job && !home_bound(&r->who)) {
        hreq_error(r, 403, "forbidden", "%s", not_bound);
        return;
    }
    if (hubreq_parse_checkin(r->body, r->body_len, &answer, msg, sizeof msg) != HUBREQ_OK) {
        if (r->fast)
            return; /* on a handler thread, where the token may be looked up first */
        /* Who may send a check-in comes first, as on every route. */
        if (!hreq_authorize_now(r))
            return;
        if (!home_bound(&r->who))
            hreq_error(r, 403, "forbidden", "%s", not_bound);
        else
            hreq_error(r, 400, "bad_request", "%s", msg);
        return;
    }
    if (hutil_idem_begin(r, &idem))
        return; /* answered: replay, 409 or 422 (never in_job: it has no key) */
    struct checkin_later *l = idem.key ? NULL : calloc(1, sizeof *l);
    if (!l && r->fast)
        return; /* out of memory: on a handler thread, which may wait */
    struct checkin_job *j = l ? &l->j : &(struct checkin_job){.r = r};
    *j = (struct checkin_job){
        .r = r, .answer = answer, .now = hubclock_now(), .idem = l ? &l->idem : &idem};
    if (in_job) {
        const char *tok = hreq_header(r, "Authorization") + 7;
        while (*tok == ' ')
            tok++;
        hubtoken_hash(tok, strlen(tok), j->token_hash);
    }
    if (l) {
        hreq_defer(r);
        writer_submit_kind(r->hub->writer, &checkin_kind, l, checkin_then);
        return; /* r is checkin_then's from here on */
    }
    checkin_reply(r, j, writer_run_kind(r->hub->writer, &checkin_kind, j));
    free(j->resp);
    hutil_idem_end(r, &idem);
}

/* ---- GET /v1/residents/{id}/checkins ------------------------------------------------- */

struct list_job {
    struct hreq *r;
    long limit;
    time_t now;
    int denied;
    cJSON *out;
};

static int checkins_job(struct db *db, void *arg)
{
    struct list_job *j = arg;
    struct hreq *r = j->r;
    char basis[GATE_BASIS_MAX];
    cJSON *o = NULL;
    int rc = -1;
    enum gate_decision d = gate_check(db, &r->who, 0, r->path_id, "safety", "watch_over", basis);
    if (d == GATE_DENY) {
        j->denied = 1;
        return 0;
    }
    if (d != GATE_ALLOW)
        goto out;
    o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "resident_id", (double)r->path_id);
    cJSON *arr = cJSON_AddArrayToObject(o, "checkins");
    if (checkins_newest(db, gate_town(db, &r->who, r->path_id), r->path_id, j->limit, add_to_array,
                        arr) != DB_OK)
        goto out;
    if (hutil_audit(db, r,
                    (struct audit_rec){.at = j->now,
                                       .action = "checkins.read",
                                       .subject = r->path_id,
                                       .data_kinds = "safety",
                                       .purpose = "watch_over",
                                       .basis = basis}) != 0)
        goto out;
    j->out = o;
    o = NULL;
    rc = 0;
out:
    cJSON_Delete(o);
    return rc;
}

static void h_checkins_get(struct hreq *r)
{
    struct list_job j = {.r = r, .now = hubclock_now()};
    if (hutil_limit(r, &j.limit) != 0)
        return;
    enum writer_status ws = writer_run(r->hub->writer, checkins_job, &j);
    hutil_answer(r, ws, AUTH_SESSION_OK, j.denied, 200, j.out);
}

/* This face's routes (server.c asks every face's rows in turn). */
const struct hroute checkins_routes[] = {
    {"GET", "/v1/health", 0, h_health},
    {"GET", "/v1/me", AUTH_DEVICE | AUTH_FAMILY | AUTH_STAFF, h_me},
    {"POST", "/v1/checkins", AUTH_DEVICE | HROUTE_DEVICE_IN_JOB | HROUTE_FAST, h_checkin_post},
    {"GET", "/v1/residents/{id}/checkins", AUTH_FAMILY | AUTH_STAFF, h_checkins_get},
    {NULL, NULL, 0, NULL},
};
