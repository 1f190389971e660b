/*
 * privacy.c: the resident's own views and choices in a card session (access log,
 * consents, alerts), the help button, and the alert endpoints for family and city staff.
 * Every release goes through gate_check() inside a writer job together with its audit
 * record; a revoked consent therefore stops the very next request. The SQL is in the
 * stores (accesslog, actors, alerts, activity, consents, family, legalbases).
 */
#include "accesslog.h"
#include "activity.h"
#include "actors.h"
#include "alerts.h"
#include "audit.h"
#include "consents.h"
#include "escalate.h"
#include "family.h"
#include "gate.h"
#include "handlers.h"
#include "hubclock.h"
#include "hubctx.h"
#include "hubreq.h"
#include "horders.h"
#include "hutil.h"
#include "legalbases.h"
#include "notifyq.h"
#include "pusher.h"
#include "writer.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* {"kind","id","display_name"} for an audit actor or ack_by text ("family:2", ...). */
static cJSON *actor_json(struct db *db, const char *actor)
{
    cJSON *o = cJSON_CreateObject();
    char kind[16] = "";
    long long id = 0;
    char name[HUTIL_NAME_MAX] = "";
    const char *colon = strchr(actor, ':');
    if (colon && (size_t)(colon - actor) < sizeof kind) {
        memcpy(kind, actor, (size_t)(colon - actor));
        kind[colon - actor] = '\0';
        id = hubreq_parse_id(colon + 1, strlen(colon + 1));
    }
    if (id > 0 && (strcmp(kind, "family") == 0 || strcmp(kind, "staff") == 0 ||
                   strcmp(kind, "operator") == 0 || strcmp(kind, "source") == 0 ||
                   strcmp(kind, "device") == 0)) {
        /* A name that cannot be read stays empty: the record is still shown. */
        if (actors_name(db, kind, id, name, sizeof name) != DB_ROW)
            name[0] = '\0';
    } else if (strcmp(actor, "hubctl") == 0) {
        snprintf(kind, sizeof kind, "city_office");
        snprintf(name, sizeof name, "city office");
    } else {
        snprintf(kind, sizeof kind, "hub");
        snprintf(name, sizeof name, "the hub");
    }
    cJSON_AddStringToObject(o, "kind", kind);
    if (id > 0)
        cJSON_AddNumberToObject(o, "id", (double)id);
    cJSON_AddStringToObject(o, "display_name", name);
    return o;
}

static cJSON *alert_json(struct db *db, const struct alerts_row *a)
{
    cJSON *e = cJSON_CreateObject();
    char at[21];
    cJSON_AddNumberToObject(e, "id", (double)a->id);
    cJSON_AddNumberToObject(e, "resident_id", (double)a->resident);
    cJSON_AddStringToObject(e, "kind", a->kind);
    cJSON_AddStringToObject(e, "level", a->level);
    hubclock_rfc3339((time_t)a->raised_at, at);
    cJSON_AddStringToObject(e, "raised_at", at);
    cJSON_AddNumberToObject(e, "raised_at_unix", (double)a->raised_at);
    if (a->ack_by) {
        cJSON_AddItemToObject(e, "acknowledged_by", actor_json(db, a->ack_by));
        cJSON_AddNumberToObject(e, "acknowledged_at_unix", (double)a->ack_at);
    } else {
        cJSON_AddNullToObject(e, "acknowledged_by");
    }
    /* Alerts raised together (one help press at both levels, one day's missed check-in)
     * share a group, so a list can show one entry per event. */
    cJSON_AddStringToObject(e, "group", a->group);
    return e;
}

/* What the store walks fill: the handle (for names), the array, and for the paged views
 * how many rows were wanted and seen (one more than wanted means a next page). */
struct fill {
    struct db *db;
    cJSON *arr;
    long limit;
    long n;
    int more;
    long long last;
};

/* ---- card-session views ---------------------------------------------------------------- */

enum view { VIEW_ACCESS_LOG, VIEW_ACCESS_SUMMARY, VIEW_CONSENTS, VIEW_ALERTS };

struct view_job {
    struct hreq *r;
    enum view view;
    const char *session;
    time_t now;
    long limit;
    long long before;
    long long offset;
    enum auth_session_status ss;
    cJSON *out;
};

static int add_record(void *ctx, const struct accesslog_row *r)
{
    struct fill *f = ctx;
    if (f->n == f->limit) { /* the one more asked for: there is a next page */
        f->more = 1;
        return 0;
    }
    char at[21];
    cJSON *e = cJSON_CreateObject();
    f->last = r->id;
    cJSON_AddNumberToObject(e, "id", (double)r->id);
    hubclock_rfc3339((time_t)r->at, at);
    cJSON_AddStringToObject(e, "at", at);
    cJSON_AddNumberToObject(e, "at_unix", (double)r->at);
    cJSON_AddItemToObject(e, "actor", actor_json(f->db, r->actor));
    const char *const names[] = {"action", "outcome", "data_kinds", "purpose",
                                 "basis",  "source",  "destination"};
    const char *const values[] = {r->action, r->outcome, r->data_kinds, r->purpose,
                                  r->basis,  r->source,  r->destination};
    for (int i = 0; i < 7; i++)
        cJSON_AddStringToObject(e, names[i], values[i]);
    cJSON_AddItemToArray(f->arr, e);
    f->n++;
    return 0;
}

static int fill_access_log(struct db *db, struct view_job *j, long long resident, cJSON *o)
{
    struct fill f = {.db = db, .arr = cJSON_AddArrayToObject(o, "entries"), .limit = j->limit};
    if (accesslog_records(db, j->r->who.town, resident, j->before, j->limit + 1, add_record, &f) !=
        DB_OK)
        return -1;
    if (f.more)
        cJSON_AddNumberToObject(o, "next_before", (double)f.last);
    else
        cJSON_AddNullToObject(o, "next_before");
    return 0;
}

static int add_choice(void *ctx, const struct consents_choice *c)
{
    struct fill *f = ctx;
    char actor[48];
    cJSON *e = cJSON_CreateObject();
    snprintf(actor, sizeof actor, "%s:%lld", c->recipient_kind, (long long)c->recipient_id);
    cJSON_AddItemToObject(e, "recipient", actor_json(f->db, actor));
    cJSON_AddStringToObject(e, "data_kind", c->data_kind);
    cJSON_AddStringToObject(e, "purpose", c->purpose);
    cJSON_AddBoolToObject(e, "granted", c->consent_id > 0);
    if (c->consent_id > 0) {
        cJSON_AddNumberToObject(e, "consent_id", (double)c->consent_id);
        cJSON_AddNumberToObject(e, "granted_at_unix", (double)c->granted_at);
    } else {
        cJSON_AddNullToObject(e, "consent_id");
    }
    if (c->revoked_at)
        cJSON_AddNumberToObject(e, "revoked_at_unix", (double)c->revoked_at);
    cJSON_AddItemToArray(f->arr, e);
    return 0;
}

static int add_line(void *ctx, const struct accesslog_line *l)
{
    struct fill *f = ctx;
    if (f->n == f->limit) {
        f->more = 1;
        return 0;
    }
    char at[21];
    cJSON *e = cJSON_CreateObject();
    cJSON_AddBoolToObject(e, "own", l->own);
    cJSON_AddItemToObject(e, "actor", actor_json(f->db, l->actor));
    cJSON_AddStringToObject(e, "action", l->action);
    cJSON_AddStringToObject(e, "data_kinds", l->data_kinds);
    cJSON_AddStringToObject(e, "purpose", l->purpose);
    cJSON_AddStringToObject(e, "basis", l->basis);
    cJSON_AddStringToObject(e, "day", l->day);
    cJSON_AddNumberToObject(e, "count", (double)l->count);
    cJSON_AddNumberToObject(e, "first_at_unix", (double)l->first_at);
    hubclock_rfc3339((time_t)l->last_at, at);
    cJSON_AddStringToObject(e, "last_at", at);
    cJSON_AddNumberToObject(e, "last_at_unix", (double)l->last_at);
    cJSON_AddNumberToObject(e, "last_id", (double)l->last_id);
    cJSON_AddStringToObject(e, "outcome", l->outcome);
    cJSON_AddItemToArray(f->arr, e);
    f->n++;
    return 0;
}

/*
 * The access log told as what happened, for a screen: one line per (who, what, Japan day),
 * others' accesses first (newest first), then the resident's own (basis self:...), whoever
 * the device. Reads of the same data by the same recipient on one day are one line with a
 * count; records made in the same second (one reload reads check-ins and alerts) count as
 * one look. Paged by `offset` over these lines.
 */
static int fill_access_summary(struct db *db, struct view_job *j, long long resident, cJSON *o)
{
    struct fill f = {.db = db, .arr = cJSON_AddArrayToObject(o, "lines"), .limit = j->limit};
    if (accesslog_summary(db, j->r->who.town, resident, j->limit + 1, j->offset, add_line, &f) !=
        DB_OK)
        return -1;
    if (f.more)
        cJSON_AddNumberToObject(o, "next_offset", (double)(j->offset + f.n));
    else
        cJSON_AddNullToObject(o, "next_offset");
    return 0;
}

static int add_consent(void *ctx, const struct consents_row *c)
{
    struct fill *f = ctx;
    char actor[48];
    cJSON *e = cJSON_CreateObject();
    cJSON_AddNumberToObject(e, "id", (double)c->id);
    snprintf(actor, sizeof actor, "%s:%lld", c->recipient_kind, (long long)c->recipient_id);
    cJSON_AddItemToObject(e, "recipient", actor_json(f->db, actor));
    cJSON_AddStringToObject(e, "data_kind", c->data_kind);
    cJSON_AddStringToObject(e, "purpose", c->purpose);
    cJSON_AddNumberToObject(e, "granted_at_unix", (double)c->granted_at);
    cJSON_AddStringToObject(e, "granted_via", c->granted_via);
    cJSON_AddItemToArray(f->arr, e);
    return 0;
}

static int add_family(void *ctx, const struct family_row *fr)
{
    struct fill *f = ctx;
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "kind", "family");
    cJSON_AddNumberToObject(e, "id", (double)fr->id);
    cJSON_AddStringToObject(e, "display_name", fr->display_name);
    cJSON_AddStringToObject(e, "relation", fr->relation);
    cJSON_AddItemToArray(f->arr, e);
    return 0;
}

static int add_basis(void *ctx, const struct legalbases_row *b)
{
    struct fill *f = ctx;
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "name", b->name);
    cJSON_AddStringToObject(e, "recipient_kind", b->recipient_kind);
    cJSON_AddStringToObject(e, "data_kind", b->data_kind);
    cJSON_AddStringToObject(e, "purpose", b->purpose);
    cJSON_AddStringToObject(e, "description", b->description);
    cJSON_AddItemToArray(f->arr, e);
    return 0;
}

/* "consents" (in force), "choices" (every recipient x kind of data the resident has or may
 * have a consent for, on or off), "recipients" (linked family) and "legal_bases". */
static int fill_consents(struct db *db, const struct scope *sc, long long resident, cJSON *o)
{
    struct fill f = {.db = db, .arr = cJSON_AddArrayToObject(o, "consents")};
    if (consents_list(db, sc, resident, 1, add_consent, &f) != DB_OK)
        return -1;
    f.arr = cJSON_AddArrayToObject(o, "choices");
    if (consents_choices(db, sc, resident, add_choice, &f) != DB_OK)
        return -1;
    f.arr = cJSON_AddArrayToObject(o, "recipients");
    if (family_of_resident(db, sc, resident, add_family, &f) != DB_OK)
        return -1;
    f.arr = cJSON_AddArrayToObject(o, "legal_bases");
    return legalbases_list(db, add_basis, &f) == DB_OK ? 0 : -1;
}

static int add_alert(void *ctx, const struct alerts_row *a)
{
    struct fill *f = ctx;
    cJSON_AddItemToArray(f->arr, alert_json(f->db, a));
    return 0;
}

static int fill_alerts(struct db *db, const struct scope *sc, long long resident, const char *level,
                       long limit, cJSON *o)
{
    struct fill f = {.db = db, .arr = cJSON_AddArrayToObject(o, "alerts")};
    return alerts_of_resident(db, sc, resident, level, limit, add_alert, &f) == DB_OK ? 0 : -1;
}

static int view_job(struct db *db, void *arg)
{
    struct view_job *j = arg;
    struct hreq *r = j->r;
    long long resident = 0, sid = 0;
    cJSON *o = NULL;
    int rc = -1;
    j->ss = auth_session_use(db, r->who.town, j->session, r->who.id, j->now, &resident, &sid);
    if (j->ss == AUTH_SESSION_ERROR)
        return -1;
    if (j->ss != AUTH_SESSION_OK)
        return 0;
    char basis[GATE_BASIS_MAX];
    /* The resident's own data: the gate allows it on the session (and says so). */
    if (gate_check(db, &r->who, resident, resident, "own_records", "own_view", basis) != GATE_ALLOW)
        return -1;
    o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "resident_id", (double)resident);
    const char *action = "", *kinds = "";
    switch (j->view) {
    case VIEW_ACCESS_LOG:
        action = "access_log.read";
        kinds = "audit";
        if (fill_access_log(db, j, resident, o) != 0)
            goto out;
        break;
    case VIEW_ACCESS_SUMMARY:
        action = "access_log.read";
        kinds = "audit";
        if (fill_access_summary(db, j, resident, o) != 0)
            goto out;
        break;
    case VIEW_CONSENTS:
        action = "consents.read";
        kinds = "consent";
        if (fill_consents(db, r->who.town, resident, o) != 0)
            goto out;
        break;
    case VIEW_ALERTS:
        action = "alerts.read";
        kinds = "safety";
        if (fill_alerts(db, r->who.town, resident, NULL, j->limit, o) != 0)
            goto out;
        break;
    }
    if (hutil_audit(db, r,
                    (struct audit_rec){.at = j->now,
                                       .action = action,
                                       .subject = resident,
                                       .data_kinds = kinds,
                                       .purpose = "own_view",
                                       .basis = basis}) != 0)
        goto out;
    j->out = o;
    o = NULL;
    rc = 0;
out:
    cJSON_Delete(o);
    return rc;
}

static void run_view(struct hreq *r, enum view v)
{
    struct view_job j = {.r = r,
                         .view = v,
                         .session = hreq_header(r, "X-Card-Session"),
                         .now = hubclock_now(),
                         .before = (1LL << 62)};
    if (hutil_limit(r, &j.limit) != 0)
        return;
    const char *b = hreq_query(r, "before");
    if (b) {
        j.before = hubreq_parse_id(b, strlen(b));
        if (j.before < 0) {
            hreq_error(r, 400, "bad_request",
                       "\"before\" must be a record id (a positive whole number).");
            return;
        }
    }
    const char *off = hreq_query(r, "offset");
    if (off) {
        j.offset = hubreq_parse_id(off, strlen(off));
        if (strcmp(off, "0") == 0)
            j.offset = 0;
        else if (j.offset <= 0 || j.offset > 100000) {
            hreq_error(r, 400, "bad_request",
                       "\"offset\" must be a whole number from 0 to 100000.");
            return;
        }
    }
    enum writer_status ws = writer_run(r->hub->writer, view_job, &j);
    hutil_answer(r, ws, j.ss, 0, 200, j.out);
}

static void h_session_access_log(struct hreq *r)
{
    run_view(r, VIEW_ACCESS_LOG);
}

static void h_session_access_summary(struct hreq *r)
{
    run_view(r, VIEW_ACCESS_SUMMARY);
}

static void h_session_consents_get(struct hreq *r)
{
    run_view(r, VIEW_CONSENTS);
}

static void h_session_alerts(struct hreq *r)
{
    run_view(r, VIEW_ALERTS);
}

/* ---- POST /v1/session/consents --------------------------------------------------------- */

struct consent_job {
    struct hreq *r;
    const char *session;
    time_t now;
    struct hubreq_consent c;
    enum auth_session_status ss;
    int bad_recipient;
    int status;
    cJSON *out;
};

static int consent_job(struct db *db, void *arg)
{
    struct consent_job *j = arg;
    struct hreq *r = j->r;
    long long resident = 0, sid = 0;
    int rc = -1;
    char dest[48];
    j->ss = auth_session_use(db, r->who.town, j->session, r->who.id, j->now, &resident, &sid);
    if (j->ss == AUTH_SESSION_ERROR)
        return -1;
    if (j->ss != AUTH_SESSION_OK)
        return 0;
    /* A recipient must be someone the hub knows in that role (family: linked to the
     * resident; operators and source organisations: registered by hubctl). */
    int known = 0;
    if (actors_is_recipient(db, resident, j->c.recipient_kind, j->c.recipient_id, &known) != DB_OK)
        return -1;
    if (!known) {
        j->bad_recipient = 1;
        return 0;
    }
    snprintf(dest, sizeof dest, "%s:%lld", j->c.recipient_kind, j->c.recipient_id);
    cJSON *o = cJSON_CreateObject();
    struct consents_key key = {.resident = resident,
                               .recipient_kind = j->c.recipient_kind,
                               .recipient_id = j->c.recipient_id,
                               .data_kind = j->c.data_kind,
                               .purpose = j->c.purpose};
    if (j->c.granted) {
        int64_t id = 0;
        int created = 0;
        if (consents_grant(db, r->who.town, &key, (int64_t)j->now, "card session", &id, &created) !=
            DB_OK)
            goto out;
        j->status = created ? 201 : 200;
        cJSON *c = cJSON_AddObjectToObject(o, "consent");
        cJSON_AddNumberToObject(c, "id", (double)id);
        cJSON_AddItemToObject(c, "recipient", actor_json(db, dest));
        cJSON_AddStringToObject(c, "data_kind", j->c.data_kind);
        cJSON_AddStringToObject(c, "purpose", j->c.purpose);
        cJSON_AddBoolToObject(o, "changed", j->status == 201);
    } else {
        int64_t n = 0;
        if (consents_revoke(db, r->who.town, &key, (int64_t)j->now, &n) != DB_OK)
            goto out;
        /* Nothing still waiting for this operator may carry the address any more. */
        if (n > 0 && strcmp(j->c.recipient_kind, "operator") == 0 &&
            strcmp(j->c.data_kind, "address") == 0 &&
            horders_rebody_without_address(db, r->who.town, resident, j->c.recipient_id) != 0)
            goto out;
        j->status = 200;
        cJSON_AddNumberToObject(o, "revoked", (double)n);
        cJSON_AddBoolToObject(o, "changed", n > 0);
    }
    if (hutil_audit(db, r,
                    (struct audit_rec){.at = j->now,
                                       .action = j->c.granted ? "consent.grant" : "consent.revoke",
                                       .subject = resident,
                                       .data_kinds = j->c.data_kind,
                                       .purpose = j->c.purpose,
                                       .basis = "self:card_session",
                                       .source = "resident",
                                       .destination = dest}) != 0)
        goto out;
    j->out = o;
    o = NULL;
    rc = 0;
out:
    cJSON_Delete(o);
    return rc;
}

static void h_session_consents_post(struct hreq *r)
{
    char msg[512];
    struct consent_job j = {
        .r = r, .session = hreq_header(r, "X-Card-Session"), .now = hubclock_now()};
    if (hubreq_parse_consent(r->body, r->body_len, &j.c, msg, sizeof msg) != HUBREQ_OK) {
        hreq_error(r, 400, "bad_request", "%s", msg);
        return;
    }
    enum writer_status ws = writer_run(r->hub->writer, consent_job, &j);
    if (ws != WRITER_OK) {
        hutil_write_failed(r, ws);
        return;
    }
    if (j.ss != AUTH_SESSION_OK) {
        hutil_session_refused(r, j.ss);
        return;
    }
    if (j.bad_recipient) {
        hreq_error(r, 422, "unknown_recipient",
                   "There is no such recipient for this resident (a family member must be "
                   "linked to the resident by the city office first).");
        return;
    }
    hreq_json(r, j.status, j.out);
}

/* ---- POST /v1/help --------------------------------------------------------------------- */

struct help_job {
    struct hreq *r;
    time_t now;
    struct hutil_idem *idem; /* its key is NULL without an Idempotency-Key */
    char *resp;
};

static int help_job(struct db *db, void *arg)
{
    struct help_job *j = arg;
    struct hreq *r = j->r;
    long long ids[2];
    char at[21];
    if (escalate_help(db, r->who.town, r->who.resident_id, j->now, r->who.actor, r->request_id,
                      ids) != 0)
        return -1;
    hubclock_rfc3339(j->now, at);
    cJSON *o = cJSON_CreateObject();
    cJSON *h = cJSON_AddObjectToObject(o, "help");
    cJSON_AddNumberToObject(h, "resident_id", (double)r->who.resident_id);
    cJSON *arr = cJSON_AddArrayToObject(h, "alert_ids");
    cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)ids[0]));
    cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)ids[1]));
    cJSON_AddStringToObject(h, "at", at);
    cJSON_AddNumberToObject(h, "at_unix", (double)j->now);
    return hutil_idem_answer(db, j->idem, 201, o, j->now, &j->resp);
}

static void h_help_post(struct hreq *r)
{
    struct hutil_idem idem;
    char msg[512];
    if (strcmp(r->who.device_kind, "home") != 0 || r->who.resident_id <= 0) {
        hreq_error(r, 403, "forbidden",
                   "Only a home device bound to a resident can call for help; at a public kiosk "
                   "please ask the staff.");
        return;
    }
    /* A body that is not what the kiosk sends means a broken or hostile client: told in
     * words, and no alert is raised for it. */
    if (hubreq_parse_help(r->body, r->body_len, msg, sizeof msg) != HUBREQ_OK) {
        hreq_error(r, 400, "bad_request", "%s", msg);
        return;
    }
    if (hutil_idem_begin(r, &idem))
        return;
    struct help_job j = {.r = r, .now = hubclock_now(), .idem = &idem};
    enum writer_status ws = writer_run(r->hub->writer, help_job, &j);
    if (ws == WRITER_OK) {
        pusher_kick(r->hub->pusher); /* the notifications of the new alerts go now */
        hreq_raw(r, 201, j.resp);
        j.resp = NULL;
    } else {
        hutil_write_failed(r, ws);
    }
    free(j.resp);
    hutil_idem_end(r, &idem);
}

/* ---- GET /v1/help ---------------------------------------------------------------------- */

struct help_list_job {
    struct hreq *r;
    time_t now;
    long limit;
    cJSON *out;
};

/* Groups the alerts of help presses (newest first) into one entry per press. */
struct presses {
    struct db *db;
    cJSON *arr, *press, *levels;
};

static int add_press_alert(void *ctx, const struct alerts_row *a)
{
    struct presses *p = ctx;
    cJSON *al = alert_json(p->db, a);
    const cJSON *g = p->press ? cJSON_GetObjectItem(p->press, "group") : NULL;
    if (!g || strcmp(g->valuestring, a->group) != 0) {
        char at[21];
        p->press = cJSON_CreateObject();
        cJSON_AddItemToArray(p->arr, p->press);
        cJSON_AddStringToObject(p->press, "group", a->group);
        hubclock_rfc3339((time_t)a->raised_at, at);
        cJSON_AddStringToObject(p->press, "at", at);
        cJSON_AddNumberToObject(p->press, "at_unix", (double)a->raised_at);
        p->levels = cJSON_AddArrayToObject(p->press, "alerts");
    }
    /* rows come newest first: the family level (raised first) goes to the front */
    if (cJSON_GetArraySize(p->levels) > 0)
        cJSON_InsertItemInArray(p->levels, 0, al);
    else
        cJSON_AddItemToArray(p->levels, al);
    return 0;
}

/* Who has been told of a press (docs/notify.md): one entry per notification, with whether
 * that person has acknowledged one of the press's alerts ("seen"). */
struct told {
    struct db *db;
    cJSON *arr;
    const cJSON *alerts;
};

static int add_told(void *ctx, const struct notifyq_row *m)
{
    struct told *t = ctx;
    char kind[12] = "";
    long long id = 0;
    if (sscanf(m->actor, "%11[a-z]:%lld", kind, &id) != 2)
        return 1;
    int seen = 0;
    const cJSON *al;
    cJSON_ArrayForEach(al, t->alerts)
    {
        const cJSON *by = cJSON_GetObjectItem(al, "acknowledged_by");
        const cJSON *bk = cJSON_GetObjectItem(by, "kind"), *bi = cJSON_GetObjectItem(by, "id");
        seen |= cJSON_IsString(bk) && strcmp(bk->valuestring, kind) == 0 && cJSON_IsNumber(bi) &&
                (long long)bi->valuedouble == id;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToArray(t->arr, o);
    cJSON *rc = cJSON_AddObjectToObject(o, "recipient");
    cJSON_AddStringToObject(rc, "kind", kind);
    cJSON_AddNumberToObject(rc, "id", (double)id);
    char name[200] = "";
    if (actors_name(t->db, kind, id, name, sizeof name) == DB_ERR)
        return 1;
    cJSON_AddStringToObject(rc, "display_name", name);
    cJSON_AddStringToObject(o, "channel", m->channel);
    cJSON_AddStringToObject(o, "state", m->state);
    if (m->sent)
        cJSON_AddNumberToObject(o, "sent_at_unix", (double)m->sent);
    else
        cJSON_AddNullToObject(o, "sent_at_unix");
    cJSON_AddBoolToObject(o, "seen", seen);
    return 0;
}

/* The resident's help presses, newest first, each with the state of every level it alerted
 * (family first, then city) and who has been told, so the home tablet can say who knows
 * and who has acknowledged. */
static int help_list_job(struct db *db, void *arg)
{
    struct help_list_job *j = arg;
    struct hreq *r = j->r;
    int rc = -1;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "resident_id", (double)r->who.resident_id);
    struct presses p = {.db = db, .arr = cJSON_AddArrayToObject(o, "presses")};
    if (alerts_help_presses(db, r->who.town, r->who.resident_id, j->limit, add_press_alert, &p) !=
        DB_OK)
        goto out;
    cJSON *press;
    cJSON_ArrayForEach(press, p.arr)
    {
        struct told t = {.db = db,
                         .arr = cJSON_AddArrayToObject(press, "told"),
                         .alerts = cJSON_GetObjectItem(press, "alerts")};
        if (notifyq_of_group(db, r->who.town, r->who.resident_id,
                             cJSON_GetObjectItem(press, "group")->valuestring, add_told,
                             &t) != DB_OK)
            goto out;
    }
    if (cJSON_GetArraySize(p.arr) > 0 &&
        hutil_audit(db, r,
                    (struct audit_rec){.at = j->now,
                                       .action = "help.read",
                                       .subject = r->who.resident_id,
                                       .data_kinds = "safety",
                                       .purpose = "watch_over",
                                       .basis = "self:home_device"}) != 0)
        goto out;
    j->out = o;
    o = NULL;
    rc = 0;
out:
    cJSON_Delete(o);
    return rc;
}

static void h_help_get(struct hreq *r)
{
    if (strcmp(r->who.device_kind, "home") != 0 || r->who.resident_id <= 0) {
        hreq_error(r, 403, "forbidden",
                   "Only a home device bound to a resident can read its help calls.");
        return;
    }
    struct help_list_job j = {.r = r, .now = hubclock_now()};
    if (hutil_limit(r, &j.limit) != 0)
        return;
    enum writer_status ws = writer_run(r->hub->writer, help_list_job, &j);
    hutil_answer(r, ws, AUTH_SESSION_OK, 0, 200, j.out);
}

/* ---- POST /v1/activity ---------------------------------------------------------------- */

#define ACTIVITY_MIN_GAP 600 /* seconds: one stored sign of life per device per 10 minutes */

struct activity_job {
    struct hreq *r;
    time_t now;
    const char *kind;
    int stored;
    long long id, at;
    char stored_kind[HUBREQ_NAME_MAX];
};

static int activity_job(struct db *db, void *arg)
{
    struct activity_job *j = arg;
    struct hreq *r = j->r;
    struct activity_row last;
    enum db_status s = activity_latest(db, r->who.town, r->who.id, &last);
    if (s == DB_ROW && (long long)j->now - last.at < ACTIVITY_MIN_GAP &&
        last.at <= (long long)j->now) {
        /* A recent one already tells the hub the resident is active: keep the table small. */
        j->id = last.id;
        snprintf(j->stored_kind, sizeof j->stored_kind, "%s", last.kind);
        j->at = last.at;
        return 0;
    }
    int64_t id = 0;
    if ((s != DB_ROW && s != DB_DONE) ||
        activity_add(db, r->who.town, r->who.resident_id, r->who.id, j->kind, (int64_t)j->now,
                     &id) != DB_OK)
        return -1;
    j->id = id;
    j->at = (long long)j->now;
    snprintf(j->stored_kind, sizeof j->stored_kind, "%s", j->kind);
    j->stored = 1;
    return hutil_audit(db, r,
                       (struct audit_rec){.at = j->now,
                                          .action = "activity.report",
                                          .subject = r->who.resident_id,
                                          .data_kinds = "safety",
                                          .purpose = "watch_over",
                                          .basis = "self:home_device",
                                          .source = r->who.actor,
                                          .destination = "hub"});
}

static void h_activity_post(struct hreq *r)
{
    char msg[512], kind[HUBREQ_NAME_MAX];
    if (strcmp(r->who.device_kind, "home") != 0 || r->who.resident_id <= 0) {
        hreq_error(r, 403, "forbidden", "Only a home device bound to a resident reports activity.");
        return;
    }
    if (hubreq_parse_activity(r->body, r->body_len, kind, msg, sizeof msg) != HUBREQ_OK) {
        hreq_error(r, 400, "bad_request", "%s", msg);
        return;
    }
    struct activity_job j = {.r = r, .now = hubclock_now(), .kind = kind};
    enum writer_status ws = writer_run(r->hub->writer, activity_job, &j);
    if (ws != WRITER_OK) {
        hutil_write_failed(r, ws);
        return;
    }
    char at[21];
    hubclock_rfc3339((time_t)j.at, at);
    cJSON *o = cJSON_CreateObject();
    cJSON *a = cJSON_AddObjectToObject(o, "activity");
    cJSON_AddNumberToObject(a, "id", (double)j.id);
    cJSON_AddNumberToObject(a, "resident_id", (double)r->who.resident_id);
    cJSON_AddStringToObject(a, "kind", j.stored_kind);
    cJSON_AddStringToObject(a, "at", at);
    cJSON_AddNumberToObject(a, "at_unix", (double)j.at);
    cJSON_AddBoolToObject(o, "stored", j.stored);
    hreq_json(r, j.stored ? 201 : 200, o);
}

/* ---- alerts for family and staff ------------------------------------------------------- */

struct alerts_job {
    struct hreq *r;
    time_t now;
    long limit;
    int denied;
    int status;
    cJSON *out;
};

/* The alert level each role receives. */
static const char *level_of(const struct auth_principal *who)
{
    return who->role == AUTH_STAFF ? "city" : "family";
}

static int resident_alerts_job(struct db *db, void *arg)
{
    struct alerts_job *j = arg;
    struct hreq *r = j->r;
    char basis[GATE_BASIS_MAX];
    enum gate_decision d = gate_check(db, &r->who, 0, r->path_id, "safety", "watch_over", basis);
    if (d == GATE_DENY) {
        j->denied = 1;
        return 0;
    }
    if (d != GATE_ALLOW)
        return -1;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "resident_id", (double)r->path_id);
    if (fill_alerts(db, gate_town(db, &r->who, r->path_id), r->path_id, level_of(&r->who), j->limit,
                    o) != 0 ||
        hutil_audit(db, r,
                    (struct audit_rec){.at = j->now,
                                       .action = "alerts.read",
                                       .subject = r->path_id,
                                       .data_kinds = "safety",
                                       .purpose = "watch_over",
                                       .basis = basis}) != 0) {
        cJSON_Delete(o);
        return -1;
    }
    j->out = o;
    return 0;
}

static void h_resident_alerts_get(struct hreq *r)
{
    struct alerts_job j = {.r = r, .now = hubclock_now()};
    if (hutil_limit(r, &j.limit) != 0)
        return;
    enum writer_status ws = writer_run(r->hub->writer, resident_alerts_job, &j);
    hutil_answer(r, ws, AUTH_SESSION_OK, j.denied, 200, j.out);
}

/* Releases each open city alert the gate allows, with one audit record each. */
struct open_alerts {
    struct db *db;
    struct alerts_job *j;
    cJSON *arr;
};

static int add_open_alert(void *ctx, const struct alerts_row *a)
{
    struct open_alerts *w = ctx;
    struct hreq *r = w->j->r;
    char basis[GATE_BASIS_MAX];
    enum gate_decision d =
        gate_check(w->db, &r->who, 0, a->resident, "safety", "watch_over", basis);
    if (d == GATE_ERROR)
        return -1;
    if (d == GATE_DENY)
        return 0;
    cJSON *e = alert_json(w->db, a);
    cJSON *who = cJSON_AddObjectToObject(e, "resident");
    cJSON_AddNumberToObject(who, "id", (double)a->resident);
    cJSON_AddStringToObject(who, "display_name", a->resident_name);
    cJSON_AddStringToObject(who, "district", a->district);
    cJSON_AddItemToArray(w->arr, e);
    /* One record per released alert, so each resident's log shows it. */
    return hutil_audit(w->db, r,
                       (struct audit_rec){.at = w->j->now,
                                          .action = "alerts.read",
                                          .subject = a->resident,
                                          .data_kinds = "safety,profile",
                                          .purpose = "watch_over",
                                          .basis = basis});
}

static int open_alerts_job(struct db *db, void *arg)
{
    struct alerts_job *j = arg;
    cJSON *o = cJSON_CreateObject();
    struct open_alerts w = {.db = db, .j = j, .arr = cJSON_AddArrayToObject(o, "alerts")};
    if (alerts_open_city(db, j->r->who.town, j->limit, add_open_alert, &w) != DB_OK) {
        cJSON_Delete(o);
        return -1;
    }
    j->out = o;
    return 0;
}

static void h_alerts_get(struct hreq *r)
{
    struct alerts_job j = {.r = r, .now = hubclock_now()};
    if (hutil_limit(r, &j.limit) != 0)
        return;
    enum writer_status ws = writer_run(r->hub->writer, open_alerts_job, &j);
    hutil_answer(r, ws, AUTH_SESSION_OK, 0, 200, j.out);
}

/* The alert's resident and level (ack_job's first look). */
struct alert_owner {
    long long resident;
    char level[16];
};

static int read_owner(void *ctx, const struct alerts_row *a)
{
    struct alert_owner *w = ctx;
    w->resident = a->resident;
    snprintf(w->level, sizeof w->level, "%s", a->level);
    return 0;
}

static int alert_into(void *ctx, const struct alerts_row *a)
{
    struct fill *f = ctx;
    cJSON_AddItemToObject(f->arr, "alert", alert_json(f->db, a));
    return 0;
}

static int ack_job(struct db *db, void *arg)
{
    struct alerts_job *j = arg;
    struct hreq *r = j->r;
    struct alert_owner w = {0};
    /* The alert is looked for only in the towns the caller acts in: its own, and for a
     * family member those of its links. */
    const struct scope **towns = NULL, *town = NULL;
    int n = gate_towns(db, &r->who, &towns);
    enum db_status s = n < 0 ? DB_ERR : DB_OK;
    for (int i = 0; i < n && w.resident == 0 && s == DB_OK; i++) {
        s = alerts_get(db, towns[i], r->path_id, read_owner, &w);
        town = towns[i];
    }
    free(towns); /* the scopes themselves live for the process (scope.h) */
    if (s != DB_OK)
        return -1;
    char basis[GATE_BASIS_MAX];
    enum gate_decision d =
        w.resident > 0 ? gate_check(db, &r->who, 0, w.resident, "safety", "watch_over", basis)
                       : GATE_DENY;
    if (d == GATE_ERROR)
        return -1;
    if (d == GATE_DENY || strcmp(w.level, level_of(&r->who)) != 0) {
        j->denied = 1;
        return 0;
    }
    int changed = 0;
    if (alerts_ack(db, town, r->path_id, r->who.actor, (int64_t)j->now, &changed) != DB_OK)
        return -1;
    cJSON *o = cJSON_CreateObject();
    struct fill f = {.db = db, .arr = o};
    if (alerts_get(db, town, r->path_id, alert_into, &f) != DB_OK ||
        !cJSON_GetObjectItem(o, "alert") ||
        hutil_audit(db, r,
                    (struct audit_rec){.at = j->now,
                                       .action = "alert.ack",
                                       .outcome = changed ? "ok" : "ok: already acknowledged",
                                       .subject = w.resident,
                                       .data_kinds = "safety",
                                       .purpose = "watch_over",
                                       .basis = basis,
                                       .source = r->who.actor,
                                       .destination = "hub"}) != 0) {
        cJSON_Delete(o);
        return -1;
    }
    cJSON_AddBoolToObject(o, "changed", changed);
    j->out = o;
    return 0;
}

static void h_alert_ack(struct hreq *r)
{
    struct alerts_job j = {.r = r, .now = hubclock_now()};
    enum writer_status ws = writer_run(r->hub->writer, ack_job, &j);
    hutil_answer(r, ws, AUTH_SESSION_OK, j.denied, 200, j.out);
}

/* This face's routes (server.c asks every face's rows in turn). */
const struct hroute privacy_routes[] = {
    {"GET", "/v1/session/access-log", AUTH_DEVICE, h_session_access_log},
    {"GET", "/v1/session/access-summary", AUTH_DEVICE, h_session_access_summary},
    {"GET", "/v1/session/consents", AUTH_DEVICE, h_session_consents_get},
    {"POST", "/v1/session/consents", AUTH_DEVICE, h_session_consents_post},
    {"GET", "/v1/session/alerts", AUTH_DEVICE, h_session_alerts},
    {"POST", "/v1/help", AUTH_DEVICE, h_help_post},
    {"GET", "/v1/help", AUTH_DEVICE, h_help_get},
    {"POST", "/v1/activity", AUTH_DEVICE, h_activity_post},
    {"GET", "/v1/residents/{id}/alerts", AUTH_FAMILY | AUTH_STAFF, h_resident_alerts_get},
    {"GET", "/v1/alerts", AUTH_STAFF, h_alerts_get},
    {"POST", "/v1/alerts/{id}/ack", AUTH_FAMILY | AUTH_STAFF, h_alert_ack},
    {NULL, NULL, 0, NULL},
};
