/*
 * notify.c: the face of alert notifications (docs/notify.md, docs/api.md):
 *   GET  /v1/notify/settings  a family or staff member's own notification settings
 *   PUT  /v1/notify/settings  a family member changes their mail, language, quiet hours and
 *                             modes (a webhook is set by city staff only, with hubctl)
 *   POST /v1/notify/ack       acknowledges the alert of a message by the code in it, without
 *                             a token: the code is the credential (80 bits, one alert)
 */
#include "alerts.h"
#include "audit.h"
#include "handlers.h"
#include "hubclock.h"
#include "hubctx.h"
#include "hubreq_notify.h"
#include "hutil.h"
#include "notifyq.h"
#include "notifyrcpt.h"
#include "pusher.h"
#include "ratelimit.h"
#include "residents.h"
#include "writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct settings_job {
    struct hreq *r;
    const struct hubreq_notify_settings *in; /* NULL: read only */
    int64_t now;
    int refused; /* 422 with msg */
    char msg[256];
    cJSON *out;
};

static int settings_into(void *ctx, const struct notifyrcpt_row *rc)
{
    cJSON *o = ctx;
    cJSON_AddNumberToObject(o, "recipient_id", (double)rc->id);
    if (rc->mail)
        cJSON_AddStringToObject(o, "mail", rc->mail);
    else
        cJSON_AddNullToObject(o, "mail");
    cJSON_AddBoolToObject(o, "webhook", rc->webhook_url != NULL);
    cJSON_AddStringToObject(o, "lang", rc->lang);
    cJSON_AddNumberToObject(o, "rank", (double)rc->rank);
    if (rc->quiet_start_min >= 0) {
        char a[8], b[8];
        snprintf(a, sizeof a, "%02d:%02d", (int)(rc->quiet_start_min / 60),
                 (int)(rc->quiet_start_min % 60));
        snprintf(b, sizeof b, "%02d:%02d", (int)(rc->quiet_end_min / 60),
                 (int)(rc->quiet_end_min % 60));
        cJSON *q = cJSON_AddObjectToObject(o, "quiet_hours");
        cJSON_AddStringToObject(q, "start", a);
        cJSON_AddStringToObject(q, "end", b);
    } else {
        cJSON_AddNullToObject(o, "quiet_hours");
    }
    return 0;
}

static int settings_job(struct db *db, void *arg)
{
    static const char *const kinds[] = {"missed", "help", "unwell", "safety_help",
                                        "safety_no_answer"};
    struct settings_job *j = arg;
    struct hreq *r = j->r;
    const char *kind = r->who.role == AUTH_STAFF ? "staff" : "family";
    int64_t id = 0;
    if (j->in) {
        struct notifyrcpt_change ch = NOTIFYRCPT_CHANGE_NONE;
        ch.mail = j->in->has_mail ? j->in->mail : NULL;
        ch.lang = j->in->has_lang ? j->in->lang : NULL;
        if (j->in->has_quiet) {
            ch.quiet_start_min = j->in->q1;
            ch.quiet_end_min = j->in->q2;
        }
        enum db_status s = notifyrcpt_set(db, r->who.town, kind, r->who.id, &ch, j->now, &id,
                                          j->msg, sizeof j->msg);
        for (int i = 0; s == DB_OK && i < j->in->n_modes; i++) {
            s = notifyrcpt_set_mode(db, r->who.town, id, j->in->kind[i], j->in->mode[i]);
            if (s == DB_ERR_CONSTRAINT)
                snprintf(j->msg, sizeof j->msg,
                         "\"modes\": \"%s\" is not an alert kind (missed, help, unwell,"
                         " safety_help, safety_no_answer) or \"%s\" not always, day or off.",
                         j->in->kind[i], j->in->mode[i]);
        }
        if (s == DB_ERR_CONSTRAINT) {
            j->refused = 1;
            return -1; /* rolled back: nothing of it is kept */
        }
        if (s != DB_OK || hutil_audit(db, r,
                                      (struct audit_rec){.at = (time_t)j->now,
                                                         .action = "notify.recipient_set",
                                                         .data_kinds = "contact",
                                                         .purpose = "watch_over",
                                                         .basis = "self",
                                                         .source = r->who.actor,
                                                         .destination = "hub"}) != 0)
            return -1;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "recipient", r->who.actor);
    if (notifyrcpt_get(db, kind, r->who.id, settings_into, o) != DB_OK) {
        cJSON_Delete(o);
        return -1;
    }
    if (!cJSON_GetObjectItem(o, "recipient_id")) {
        cJSON_AddNullToObject(o, "mail");
        cJSON_AddBoolToObject(o, "webhook", 0);
        cJSON_AddStringToObject(o, "lang", "ja");
        cJSON_AddNullToObject(o, "quiet_hours");
    }
    cJSON *modes = cJSON_AddObjectToObject(o, "modes");
    cJSON *rid = cJSON_GetObjectItem(o, "recipient_id");
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        char m[8];
        if (rid ? notifyrcpt_mode(db, (int64_t)rid->valuedouble, kinds[i], m, sizeof m) != DB_OK
                : snprintf(m, sizeof m, "%s", notifyrcpt_default_mode(kinds[i])) < 0) {
            cJSON_Delete(o);
            return -1;
        }
        cJSON_AddStringToObject(modes, kinds[i], m);
    }
    j->out = o;
    return 0;
}

static void h_notify_settings_get(struct hreq *r)
{
    struct settings_job j = {.r = r, .now = hubclock_now()};
    enum writer_status ws = writer_run(r->hub->writer, settings_job, &j);
    hutil_answer(r, ws, AUTH_SESSION_OK, 0, 200, j.out);
}

static void h_notify_settings_put(struct hreq *r)
{
    struct hubreq_notify_settings in;
    char msg[256];
    if (r->who.role != AUTH_FAMILY) {
        hreq_error(r, 403, "forbidden",
                   "Staff notification settings are set by the city office (hubctl notify-set).");
        return;
    }
    if (hubreq_parse_notify_settings(r->body, r->body_len, &in, msg, sizeof msg) != HUBREQ_OK) {
        hreq_error(r, 400, "bad_request", "%s", msg);
        return;
    }
    struct settings_job j = {.r = r, .in = &in, .now = hubclock_now()};
    enum writer_status ws = writer_run(r->hub->writer, settings_job, &j);
    if (j.refused)
        hreq_error(r, 422, "invalid_settings", "%s", j.msg);
    else
        hutil_answer(r, ws, AUTH_SESSION_OK, 0, 200, j.out);
}

struct ack_job {
    struct hreq *r;
    const char *code;
    int64_t now;
    int found, changed;
    struct notifyq_row row;
};

static int code_row(void *ctx, const struct notifyq_row *m)
{
    struct ack_job *j = ctx;
    j->row = *m;
    j->found = 1;
    return 0;
}

static int ack_job(struct db *db, void *arg)
{
    struct ack_job *j = arg;
    if (notifyq_by_code(db, j->code, code_row, j) != DB_OK)
        return -1;
    if (!j->found)
        return 0;
    /* The code is the credential: the alert is acknowledged in its resident's town. */
    if (alerts_ack(db, residents_scope(db, j->row.resident), j->row.alert, j->row.actor, j->now,
                   &j->changed) != DB_OK)
        return -1;
    char basis[48];
    snprintf(basis, sizeof basis, "code:notification:%lld", (long long)j->row.id);
    struct audit_rec a = {.at = (time_t)j->now,
                          .actor = j->row.actor,
                          .action = "alert.ack",
                          .outcome = j->changed ? "ok" : "ok: already acknowledged",
                          .subject = j->row.resident,
                          .data_kinds = "safety",
                          .purpose = "watch_over",
                          .basis = basis,
                          .source = j->row.actor,
                          .destination = "hub",
                          .request_id = j->r->request_id};
    return audit_append_db(db, &a, NULL) == DB_OK ? 0 : -1;
}

/* Codes per client address (the endpoint has no token): guessing an 80-bit code is hopeless
 * anyway; the limit keeps one address from keeping the writer busy. 1 to go on; else r
 * holds the 429. */
static int ack_allowed(struct hreq *r)
{
    char addr[64], key[80];
    long retry = 0;
    hreq_client_address(r, addr, sizeof addr);
    snprintf(key, sizeof key, "ack:%s", addr);
    if (!r->hub->ack_limit || ratelimit_take(r->hub->ack_limit, key, &retry))
        return 1;
    hreq_error(r, 429, "too_many_requests",
               "Too many acknowledgement codes were sent from your address in the last minute;"
               " wait %ld seconds and send the code again (it stays good until the alert is"
               " acknowledged).",
               retry);
    r->retry_after = retry;
    return 0;
}

static void h_notify_ack(struct hreq *r)
{
    char code[HUBREQ_ACK_CODE_MAX], msg[256];
    if (!ack_allowed(r))
        return;
    if (hubreq_parse_notify_ack(r->body, r->body_len, code, msg, sizeof msg) != HUBREQ_OK) {
        hreq_error(r, 400, "bad_request", "%s", msg);
        return;
    }
    struct ack_job j = {.r = r, .code = code, .now = hubclock_now()};
    enum writer_status ws = writer_run(r->hub->writer, ack_job, &j);
    if (ws != WRITER_OK) {
        hutil_write_failed(r, ws);
        return;
    }
    if (!j.found) {
        hreq_error(r, 404, "not_found",
                   "No message has this code; check the letters (O and I are not used).");
        return;
    }
    pusher_kick(r->hub->pusher); /* the rest of the notifications stop now */
    /* Nothing personal: the caller holds only a code. */
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "acknowledged", 1);
    cJSON_AddBoolToObject(o, "changed", j.changed);
    hreq_json(r, 200, o);
}

/* This face's routes (server.c asks every face's rows in turn). */
const struct hroute notify_routes[] = {
    {"GET", "/v1/notify/settings", AUTH_FAMILY | AUTH_STAFF, h_notify_settings_get},
    {"PUT", "/v1/notify/settings", AUTH_FAMILY | AUTH_STAFF, h_notify_settings_put},
    {"POST", "/v1/notify/ack", 0, h_notify_ack},
    {NULL, NULL, 0, NULL},
};
