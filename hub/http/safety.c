/*
 * safety.c: safety confirmation (安否確認). Staff start a check for an area and read who
 * answered; each asked resident's home device reads its open checks and answers once per
 * tap (Idempotency-Key, like check-ins); family members read the answers of the residents
 * who consented to them. need_help and silence past the due time raise alerts on the
 * normal alert path (hub/store/safety.c). See docs/api.md.
 */
#include "handlers.h"
#include "gate.h"
#include "hubclock.h"
#include "hubctx.h"
#include "hubdb.h"
#include "hubreq_disaster.h"
#include "hutil.h"
#include "safety.h"
#include "writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAMILY_DAYS    7   /* how far back a family member sees checks */
#define AT_AHEAD_MAX_S 300 /* how far a tap time may be ahead of the hub's clock */

/* {"id","title_ja","started_at",…,"due_at",…,"closed_at",…} shared by every shape. */
static cJSON *check_head(const struct safety_check *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)c->id);
    cJSON_AddStringToObject(o, "title_ja", c->title_ja);
    hutil_add_time(o, "started_at", c->started);
    hutil_add_time(o, "due_at", c->due);
    hutil_add_time(o, "closed_at", c->closed);
    return o;
}

/* The staff shape: the head with area, the time to answer and the counts. */
static cJSON *check_json(const struct safety_check *c)
{
    cJSON *o = check_head(c);
    cJSON_AddStringToObject(o, "area_ja", c->area_ja);
    if (!c->districts) {
        cJSON_AddNullToObject(o, "districts");
    } else {
        cJSON *d = cJSON_AddArrayToObject(o, "districts");
        const char *p = c->districts;
        while (*p) {
            size_t n = strcspn(p, "\n");
            cJSON *e = cJSON_CreateString("");
            char *copy = malloc(n + 1);
            if (copy) {
                memcpy(copy, p, n);
                copy[n] = '\0';
                cJSON_SetValuestring(e, copy);
                free(copy);
            }
            cJSON_AddItemToArray(d, e);
            p += n + (p[n] == '\n');
        }
    }
    cJSON_AddNumberToObject(o, "answer_within_min", (double)c->answer_within_min);
    cJSON *k = cJSON_AddObjectToObject(o, "counts");
    cJSON_AddNumberToObject(k, "asked", (double)c->asked);
    cJSON_AddNumberToObject(k, "safe", (double)c->safe);
    cJSON_AddNumberToObject(k, "need_help", (double)c->need_help);
    cJSON_AddNumberToObject(k, "no_answer", (double)(c->asked - c->safe - c->need_help));
    return o;
}

static int keep_check(void *ctx, const struct safety_check *c)
{
    *(cJSON **)ctx = check_json(c);
    return 0;
}

/* {"answer","answered_at","answered_at_unix"} of a person. */
static void add_answer(cJSON *o, const struct safety_person *p)
{
    if (p->answer)
        cJSON_AddStringToObject(o, "answer", p->answer);
    else
        cJSON_AddNullToObject(o, "answer");
    hutil_add_time(o, "answered_at", p->answer ? p->at : 0);
}

/* ---- POST /v1/safety-checks ------------------------------------------------------------ */

struct start_job {
    struct hreq *r;
    const struct hubreq_safety_check *in;
    const char *area_ja;
    int64_t now;
    struct hutil_idem *idem;
    char *resp;
};

static int start_job(struct db *db, void *arg)
{
    struct start_job *j = arg;
    const char *districts[HUBREQ_DISTRICTS_MAX];
    for (int i = 0; i < j->in->area.n_districts; i++)
        districts[i] = j->in->area.districts[i];
    struct safety_new n = {.title_ja = j->in->title_ja,
                           .area_ja = j->area_ja,
                           .districts = districts,
                           .n_districts = j->in->area.n_districts,
                           .answer_within_min = j->in->answer_within_min,
                           .by = j->r->who.actor};
    int64_t id = 0, asked = 0;
    cJSON *c = NULL;
    if (!db || safety_start(db, j->r->who.town, &n, j->now, &id, &asked) != DB_OK ||
        safety_get(db, j->r->who.town, id, keep_check, &c) != DB_ROW)
        goto fail;
    if (hutil_audit(db, j->r,
                    (struct audit_rec){.at = j->now,
                                       .action = "safety_check.start",
                                       .data_kinds = "safety_check",
                                       .purpose = "watch_over",
                                       .basis = "legal:watch_over_city",
                                       .source = j->r->who.actor,
                                       .destination = "hub"}) != 0)
        goto fail;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "safety_check", c);
    c = NULL;
    if (hutil_idem_answer(db, j->idem, 201, o, j->now, &j->resp) != 0)
        goto fail;
    return 0;
fail:
    cJSON_Delete(c);
    return -1;
}

static void h_safety_check_post(struct hreq *r)
{
    char msg[512];
    struct hubreq_safety_check *in = calloc(1, sizeof *in);
    char area[HUBREQ_AREA_WORDS_MAX];
    struct hutil_idem idem = {0};
    if (!in) {
        hreq_error(r, 503, "unavailable", "The hub is too busy; try again in a moment.");
        return;
    }
    if (hubreq_parse_safety_check(r->body, r->body_len, in, msg, sizeof msg) != HUBREQ_OK) {
        hreq_error(r, 400, "bad_request", "%s", msg);
        goto out;
    }
    hubreq_area_words(&in->area, area, sizeof area);
    if (hutil_idem_begin(r, &idem))
        goto out;
    struct start_job j = {.r = r, .in = in, .area_ja = area, .now = hubclock_now(), .idem = &idem};
    enum writer_status ws = writer_run(r->hub->writer, start_job, &j);
    if (ws == WRITER_OK) {
        hreq_raw(r, 201, j.resp);
        j.resp = NULL;
    } else {
        hutil_write_failed(r, ws);
    }
    free(j.resp);
    hutil_idem_end(r, &idem);
out:
    free(in);
}

/* ---- GET /v1/safety-checks ------------------------------------------------------------ */

static int add_check(void *ctx, const struct safety_check *c)
{
    cJSON_AddItemToArray(ctx, check_json(c));
    return 0;
}

/* Counts only (no resident is named): read from a pooled connection, not audited. */
static void h_safety_checks_get(struct hreq *r)
{
    long limit;
    if (hutil_limit(r, &limit) != 0)
        return;
    struct db *db = hubdb_pool_get(r->hub->pool);
    cJSON *o = cJSON_CreateObject();
    enum db_status s = db ? safety_list(db, r->who.town, limit, add_check,
                                        cJSON_AddArrayToObject(o, "safety_checks"))
                          : DB_ERR;
    hubdb_pool_put(r->hub->pool, db);
    if (s != DB_OK) {
        cJSON_Delete(o);
        hreq_error(r, 503, "unavailable", "The hub cannot read its database right now.");
        return;
    }
    hreq_json(r, 200, o);
}

/* ---- GET /v1/safety-checks/{id} ------------------------------------------------------- */

struct people_job {
    struct hreq *r;
    int64_t now;
    struct db *db;
    cJSON *out;
    cJSON *lists[3]; /* safe, need_help, no_answer */
    int failed;
};

static int add_person(void *ctx, const struct safety_person *p)
{
    struct people_job *j = ctx;
    char basis[GATE_BASIS_MAX];
    enum gate_decision d =
        gate_check(j->db, &j->r->who, 0, p->resident_id, "safety", "watch_over", basis);
    if (d == GATE_ERROR)
        return -1;
    if (d == GATE_DENY)
        return 0; /* counted, not named */
    cJSON *e = cJSON_CreateObject();
    cJSON_AddNumberToObject(e, "resident_id", (double)p->resident_id);
    cJSON_AddStringToObject(e, "display_name", p->display_name);
    cJSON_AddStringToObject(e, "district", p->district);
    hutil_add_time(e, "answered_at", p->answer ? p->at : 0);
    int which = !p->answer ? 2 : strcmp(p->answer, "safe") == 0 ? 0 : 1;
    cJSON_AddItemToArray(j->lists[which], e);
    return hutil_audit(j->db, j->r,
                       (struct audit_rec){.at = j->now,
                                          .action = "safety.read",
                                          .subject = p->resident_id,
                                          .data_kinds = "safety",
                                          .purpose = "watch_over",
                                          .basis = basis});
}

static int people_job(struct db *db, void *arg)
{
    struct people_job *j = arg;
    cJSON *c = NULL;
    j->db = db;
    if (!db)
        return -1;
    enum db_status s = safety_get(db, j->r->who.town, j->r->path_id, keep_check, &c);
    if (s == DB_DONE)
        return 0;
    if (s != DB_ROW)
        return -1;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "safety_check", c);
    j->lists[0] = cJSON_AddArrayToObject(o, "safe");
    j->lists[1] = cJSON_AddArrayToObject(o, "need_help");
    j->lists[2] = cJSON_AddArrayToObject(o, "no_answer");
    if (safety_people(db, j->r->who.town, j->r->path_id, add_person, j) != DB_OK) {
        cJSON_Delete(o);
        return -1;
    }
    j->out = o;
    return 0;
}

static void h_safety_check_get(struct hreq *r)
{
    struct people_job j = {.r = r, .now = hubclock_now()};
    enum writer_status ws = writer_run(r->hub->writer, people_job, &j);
    if (ws == WRITER_OK && !j.out)
        hreq_error(r, 404, "not_found", "There is no safety check %lld.", r->path_id);
    else
        hutil_answer(r, ws, AUTH_SESSION_OK, 0, 200, j.out);
}

/* ---- POST /v1/safety-checks/{id}/close ------------------------------------------------ */

struct close_job {
    struct hreq *r;
    int64_t now;
    int found, changed;
    cJSON *out;
};

static int close_job(struct db *db, void *arg)
{
    struct close_job *j = arg;
    cJSON *c = NULL;
    if (!db ||
        safety_close(db, j->r->who.town, j->r->path_id, j->now, &j->found, &j->changed) != DB_OK)
        return -1;
    if (!j->found)
        return 0;
    if (j->changed && hutil_audit(db, j->r,
                                  (struct audit_rec){.at = j->now,
                                                     .action = "safety_check.close",
                                                     .data_kinds = "safety_check",
                                                     .purpose = "watch_over",
                                                     .basis = "legal:watch_over_city",
                                                     .source = j->r->who.actor,
                                                     .destination = "hub"}) != 0)
        return -1;
    if (safety_get(db, j->r->who.town, j->r->path_id, keep_check, &c) != DB_ROW)
        return -1;
    j->out = cJSON_CreateObject();
    cJSON_AddItemToObject(j->out, "safety_check", c);
    cJSON_AddBoolToObject(j->out, "changed", j->changed);
    return 0;
}

static void h_safety_check_close(struct hreq *r)
{
    struct close_job j = {.r = r, .now = hubclock_now()};
    enum writer_status ws = writer_run(r->hub->writer, close_job, &j);
    if (ws == WRITER_OK && !j.found)
        hreq_error(r, 404, "not_found", "There is no safety check %lld.", r->path_id);
    else
        hutil_answer(r, ws, AUTH_SESSION_OK, 0, 200, j.out);
}

/* ---- GET /v1/safety (home device) ------------------------------------------------------- */

struct mine_job {
    struct hreq *r;
    int64_t now;
    cJSON *arr;
    int answers;
    cJSON *out;
};

static int add_mine(void *ctx, const struct safety_check *c, const struct safety_person *p)
{
    struct mine_job *j = ctx;
    cJSON *o = check_head(c);
    cJSON_DeleteItemFromObject(o, "closed_at");
    cJSON_DeleteItemFromObject(o, "closed_at_unix");
    add_answer(o, p);
    cJSON_AddItemToArray(j->arr, o);
    j->answers += p->answer != NULL;
    return 0;
}

static int mine_job(struct db *db, void *arg)
{
    struct mine_job *j = arg;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "resident_id", (double)j->r->who.resident_id);
    j->arr = cJSON_AddArrayToObject(o, "checks");
    if (!db || safety_open_for(db, j->r->who.town, j->r->who.resident_id, add_mine, j) != DB_OK)
        goto fail;
    /* Only the resident's own answers are personal data here (the questions are not). */
    if (j->answers > 0 && hutil_audit(db, j->r,
                                      (struct audit_rec){.at = j->now,
                                                         .action = "safety.read",
                                                         .subject = j->r->who.resident_id,
                                                         .data_kinds = "safety",
                                                         .purpose = "watch_over",
                                                         .basis = "self:home_device"}) != 0)
        goto fail;
    j->out = o;
    return 0;
fail:
    cJSON_Delete(o);
    return -1;
}

/* 1 when r comes from a home device bound to a resident; else answers 403 and returns 0. */
static int home_device(struct hreq *r)
{
    if (r->who.role == AUTH_DEVICE && strcmp(r->who.device_kind, "home") == 0 &&
        r->who.resident_id > 0)
        return 1;
    hreq_error(r, 403, "forbidden",
               "Only a home device bound to a resident takes part in safety checks.");
    return 0;
}

static void h_safety_get(struct hreq *r)
{
    if (!home_device(r))
        return;
    struct mine_job j = {.r = r, .now = hubclock_now()};
    enum writer_status ws = writer_run(r->hub->writer, mine_job, &j);
    hutil_answer(r, ws, AUTH_SESSION_OK, 0, 200, j.out);
}

/* ---- POST /v1/safety/{id}/answer ------------------------------------------------------ */

struct answer_job {
    struct hreq *r;
    const struct hubreq_safety_answer *in;
    int64_t now;
    struct hutil_idem *idem;
    int denied, too_early;
    char *resp;
};

static int answer_job(struct db *db, void *arg)
{
    struct answer_job *j = arg;
    struct hreq *r = j->r;
    int64_t started = 0, id = 0;
    int asked = 0;
    int64_t at = j->in->has_at ? j->in->at : j->now;
    if (!db)
        return -1;
    enum db_status s = safety_started(db, r->who.town, r->path_id, &started);
    if (s == DB_DONE) {
        j->denied = 1;
        return 0;
    }
    if (s != DB_ROW)
        return -1;
    if (at < started) {
        j->too_early = 1;
        return 0;
    }
    if (safety_answer(db, r->who.town, r->path_id, r->who.resident_id, r->who.id, j->in->answer, at,
                      j->now, &asked, &id) != DB_OK)
        return -1;
    if (!asked) {
        j->denied = 1;
        return 0;
    }
    if (strcmp(j->in->answer, "need_help") == 0 &&
        safety_raise(db, r->who.town, r->who.resident_id, r->path_id, "safety_help", j->now,
                     r->who.actor, r->request_id, NULL) != DB_OK)
        return -1;
    if (hutil_audit(db, r,
                    (struct audit_rec){.at = j->now,
                                       .action = "safety.answer",
                                       .subject = r->who.resident_id,
                                       .data_kinds = "safety",
                                       .purpose = "watch_over",
                                       .basis = "self:home_device",
                                       .source = r->who.actor,
                                       .destination = "hub"}) != 0)
        return -1;
    char at_s[21];
    hubclock_rfc3339((time_t)at, at_s);
    cJSON *o = cJSON_CreateObject();
    cJSON *a = cJSON_AddObjectToObject(o, "answer");
    cJSON_AddNumberToObject(a, "id", (double)id);
    cJSON_AddNumberToObject(a, "safety_check_id", (double)r->path_id);
    cJSON_AddNumberToObject(a, "resident_id", (double)r->who.resident_id);
    cJSON_AddStringToObject(a, "answer", j->in->answer);
    cJSON_AddStringToObject(a, "at", at_s);
    cJSON_AddNumberToObject(a, "at_unix", (double)at);
    cJSON_AddNumberToObject(a, "received_at_unix", (double)j->now);
    return hutil_idem_answer(db, j->idem, 201, o, j->now, &j->resp);
}

static void h_safety_answer(struct hreq *r)
{
    char msg[512];
    struct hubreq_safety_answer in;
    struct hutil_idem idem = {0};
    if (!home_device(r))
        return;
    if (hubreq_parse_safety_answer(r->body, r->body_len, &in, msg, sizeof msg) != HUBREQ_OK) {
        hreq_error(r, 400, "bad_request", "%s", msg);
        return;
    }
    int64_t now = hubclock_now();
    if (in.has_at && in.at > now + AT_AHEAD_MAX_S) {
        hreq_error(r, 400, "bad_request",
                   "\"at\" is more than 5 minutes ahead of the hub's clock; send the time of the "
                   "tap (check the tablet's clock).");
        return;
    }
    if (hutil_idem_begin(r, &idem))
        return;
    struct answer_job j = {.r = r, .in = &in, .now = now, .idem = &idem};
    enum writer_status ws = writer_run(r->hub->writer, answer_job, &j);
    if (ws != WRITER_OK) {
        hutil_write_failed(r, ws);
    } else if (j.denied) {
        hreq_error(r, 403, "not_permitted",
                   "Safety check %lld did not ask this device's resident (or does not exist).",
                   r->path_id);
    } else if (j.too_early) {
        hreq_error(r, 400, "bad_request",
                   "\"at\" is before safety check %lld started; send the time of the tap.",
                   r->path_id);
    } else {
        hreq_raw(r, 201, j.resp);
        j.resp = NULL;
    }
    free(j.resp);
    hutil_idem_end(r, &idem);
}

/* ---- GET /v1/family/safety ------------------------------------------------------------ */

struct family_job {
    struct hreq *r;
    int64_t now;
    struct db *db;
    cJSON *checks;
    cJSON *current; /* the check being filled */
    int64_t current_id;
    cJSON *out;
};

static int add_family(void *ctx, const struct safety_check *c, const struct safety_person *p)
{
    struct family_job *j = ctx;
    char basis[GATE_BASIS_MAX];
    enum gate_decision d =
        gate_check(j->db, &j->r->who, 0, p->resident_id, "safety", "watch_over", basis);
    if (d == GATE_ERROR)
        return -1;
    if (d == GATE_DENY)
        return 0; /* linked without the consent: left out */
    if (!j->current || j->current_id != c->id) {
        j->current = check_head(c);
        j->current_id = c->id;
        cJSON_AddArrayToObject(j->current, "residents");
        cJSON_AddItemToArray(j->checks, j->current);
    }
    cJSON *e = cJSON_CreateObject();
    cJSON_AddNumberToObject(e, "resident_id", (double)p->resident_id);
    cJSON_AddStringToObject(e, "display_name", p->display_name);
    add_answer(e, p);
    cJSON_AddItemToArray(cJSON_GetObjectItem(j->current, "residents"), e);
    return hutil_audit(j->db, j->r,
                       (struct audit_rec){.at = j->now,
                                          .action = "safety.read",
                                          .subject = p->resident_id,
                                          .data_kinds = "safety",
                                          .purpose = "watch_over",
                                          .basis = basis});
}

static int family_job(struct db *db, void *arg)
{
    struct family_job *j = arg;
    cJSON *o = cJSON_CreateObject();
    j->db = db;
    j->checks = cJSON_AddArrayToObject(o, "checks");
    /* The checks of each town the family member has a link in. */
    const struct scope **towns = NULL;
    int n = db ? gate_towns(db, &j->r->who, &towns) : -1;
    enum db_status s = n < 0 ? DB_ERR : DB_OK;
    for (int t = 0; t < n && s == DB_OK; t++)
        s = safety_for_family(db, towns[t], j->r->who.id, j->now - FAMILY_DAYS * 86400, add_family,
                              j);
    free(towns);
    if (s != DB_OK) {
        cJSON_Delete(o);
        return -1;
    }
    j->out = o;
    return 0;
}

static void h_family_safety_get(struct hreq *r)
{
    struct family_job j = {.r = r, .now = hubclock_now()};
    enum writer_status ws = writer_run(r->hub->writer, family_job, &j);
    if (ws == WRITER_OK)
        hutil_answer_etag(r, j.out); /* polled by family tablets: 304 while unchanged */
    else
        hutil_answer(r, ws, AUTH_SESSION_OK, 0, 200, j.out);
}

const struct hroute safety_routes[] = {
    {"POST", "/v1/safety-checks", AUTH_STAFF, h_safety_check_post},
    {"GET", "/v1/safety-checks", AUTH_STAFF, h_safety_checks_get},
    {"GET", "/v1/safety-checks/{id}", AUTH_STAFF, h_safety_check_get},
    {"POST", "/v1/safety-checks/{id}/close", AUTH_STAFF, h_safety_check_close},
    {"GET", "/v1/safety", AUTH_DEVICE, h_safety_get},
    {"POST", "/v1/safety/{id}/answer", AUTH_DEVICE, h_safety_answer},
    {"GET", "/v1/family/safety", AUTH_FAMILY, h_family_safety_get},
    {NULL, NULL, 0, NULL},
};
