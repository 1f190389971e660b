/*
 * checkups.c: health checkups. Source organisations import eCheckup
 * Bundles or CSV files (POST /v1/checkups, 2 MiB body cap on this endpoint only); the
 * resident, in a card session, lists their checkups, reads one, and follows one item over
 * the years. Judgement is computed here at read time by the checkup library (MHLW
 * thresholds, else the lab's range; the sender's flags are never used). Only checkups of
 * source organisations the resident consented to ("source:<id>", "checkups:<id>",
 * "linkage") are ever shown: gate_check() decides per source inside the writer job, and
 * every view writes its audit record in the same transaction.
 */
#include "audit.h"
#include "checkup_codes.h"
#include "checkup_judge.h"
#include "ckstore.h"
#include "gate.h"
#include "handlers.h"
#include "hubclock.h"
#include "hubctx.h"
#include "hubreq.h"
#include "hutil.h"
#include "writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- POST /v1/checkups (source organisation) ------------------------------------------ */

struct import_job {
    struct hreq *r;
    const struct checkup_list *list;
    enum ckstore_format fmt;
    time_t now;
    struct hutil_idem *idem; /* its key is NULL without an Idempotency-Key */
    struct ckstore_reject rej;
    int rejected;
    int status;
    char *resp;
};

static void reject_answer(struct hreq *r, const struct ckstore_reject *rej)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *e = cJSON_AddObjectToObject(root, "error");
    cJSON_AddStringToObject(e, "code", rej->code);
    cJSON_AddStringToObject(e, "message", rej->message);
    cJSON_AddStringToObject(e, "reason", rej->reason);
    if (rej->entry >= -1)
        cJSON_AddNumberToObject(e, "entry", rej->entry);
    if (rej->row > 0)
        cJSON_AddNumberToObject(e, "row", (double)rej->row);
    if (rej->full_url[0])
        cJSON_AddStringToObject(e, "full_url", rej->full_url);
    hreq_json(r, rej->http, root);
}

/* The answer's entry for one checkup of the file, and its audit record when it is new. */
static int import_one(struct db *db, struct import_job *j, const struct ckstore_stored *v,
                      const char *date, cJSON *arr)
{
    struct hreq *r = j->r;
    char kinds[CKSTORE_AUDIT_TEXT], basis[CKSTORE_AUDIT_TEXT];
    struct audit_rec a = {.at = j->now};
    ckstore_audit_rec(v, r->who.id, kinds, basis, &a);
    if (v->created && hutil_audit(db, r, a) != 0)
        return -1;
    cJSON *e = cJSON_CreateObject();
    cJSON_AddNumberToObject(e, "checkup_id", (double)v->id);
    cJSON_AddStringToObject(e, "date", date);
    cJSON_AddStringToObject(e, "content_hash", v->content_hash);
    cJSON_AddBoolToObject(e, "created", v->created);
    cJSON_AddNumberToObject(e, "replaced", v->replaced);
    return cJSON_AddItemToArray(arr, e) ? 0 : -1;
}

static int import_job(struct db *db, void *arg)
{
    struct import_job *j = arg;
    struct hreq *r = j->r;
    struct ckstore_stored *v = NULL;
    cJSON *o = NULL;
    int rc = -1, created = 0;
    int s = ckstore_add(db, r->who.town, r->who.id, j->list, j->fmt, r->body, r->body_len, j->now,
                        &v, &j->rej);
    if (s > 0) {
        j->rejected = 1;
        return 1; /* nothing was written; roll the savepoint back anyway */
    }
    if (s < 0)
        goto out;
    o = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(o, "checkups");
    for (size_t i = 0; i < j->list->n; i++) {
        if (import_one(db, j, &v[i], j->list->v[i]->date, arr) != 0)
            goto out;
        created += v[i].created;
    }
    cJSON_AddNumberToObject(o, "created", created);
    cJSON_AddNumberToObject(o, "unchanged", (double)j->list->n - created);
    j->status = created ? 201 : 200;
    int kept = hutil_idem_answer(db, j->idem, j->status, o, j->now, &j->resp);
    o = NULL; /* consumed */
    if (kept != 0)
        goto out;
    rc = 0;
out:
    free(v);
    cJSON_Delete(o);
    return rc;
}

static void h_checkups_import(struct hreq *r)
{
    struct hutil_idem idem;
    struct checkup_list *list = NULL;
    struct import_job j = {.r = r, .now = hubclock_now()};
    const char *ct = hreq_header(r, "Content-Type");
    j.fmt = ct && strncasecmp(ct, "text/csv", 8) == 0 ? CKSTORE_CSV : CKSTORE_FHIR;
    if (hutil_idem_begin(r, &idem))
        return;
    if (ckstore_parse(r->body, r->body_len, j.fmt, &list, &j.rej) != 0) {
        reject_answer(r, &j.rej);
        goto out;
    }
    j.list = list;
    j.idem = &idem;
    enum writer_status ws = writer_run(r->hub->writer, import_job, &j);
    if (j.rejected) {
        reject_answer(r, &j.rej);
    } else if (ws == WRITER_OK) {
        hreq_raw(r, j.status, j.resp);
        j.resp = NULL;
    } else {
        hutil_write_failed(r, ws);
    }
out:
    free(j.resp);
    checkup_list_free(list);
    hutil_idem_end(r, &idem);
}

/* ---- the resident's views ------------------------------------------------------------- */

enum ck_view { CK_LIST, CK_ONE, CK_TREND };

/* Consent decisions per source, cached for one request. */
#define CK_MAX_SOURCES 64
struct ck_sources {
    int n;
    long long id[CK_MAX_SOURCES];
    int allowed[CK_MAX_SOURCES];
    char basis[CK_MAX_SOURCES][GATE_BASIS_MAX];
    int released[CK_MAX_SOURCES];
};

struct ck_job {
    struct hreq *r;
    enum ck_view view;
    const char *session;
    time_t now;
    long limit;
    long long before;
    long year; /* list: only this year (0 = all) */
    char identity[8];
    char unit[CHECKUP_ID_MAX];
    enum auth_session_status ss;
    int denied;
    int bad;
    cJSON *out;
};

/* Whether source may be shown to resident in this session; -1 on error. */
static int source_allowed(struct db *db, const struct hreq *r, long long resident, long long source,
                          struct ck_sources *cs, int *slot)
{
    for (int i = 0; i < cs->n; i++)
        if (cs->id[i] == source) {
            *slot = i;
            return cs->allowed[i];
        }
    if (cs->n == CK_MAX_SOURCES)
        return 0; /* more sources than one view shows: the rest stays hidden */
    char kind[48];
    snprintf(kind, sizeof kind, "checkups:%lld", source);
    int i = cs->n++;
    cs->id[i] = source;
    enum gate_decision d =
        gate_check(db, &r->who, resident, resident, kind, "linkage", cs->basis[i]);
    if (d == GATE_ERROR)
        return -1;
    cs->allowed[i] = d == GATE_ALLOW;
    *slot = i;
    return cs->allowed[i];
}

/* One audit record for everything released in this view (nothing released: none). */
static int ck_audit(struct db *db, struct ck_job *j, long long resident, const char *action,
                    const struct ck_sources *cs)
{
    char kinds[1024] = "", basis[2048] = "";
    size_t kl = 0, bl = 0;
    for (int i = 0; i < cs->n; i++) {
        if (!cs->released[i])
            continue;
        kl += (size_t)snprintf(kinds + kl, kl < sizeof kinds ? sizeof kinds - kl : 0,
                               "%scheckups:%lld", kl ? "," : "", cs->id[i]);
        bl += (size_t)snprintf(basis + bl, bl < sizeof basis ? sizeof basis - bl : 0, "%s%s",
                               bl ? "," : "", cs->basis[i]);
        if (kl >= sizeof kinds || bl >= sizeof basis)
            return -1;
    }
    if (!kl)
        return 0;
    return hutil_audit(db, j->r,
                       (struct audit_rec){.at = j->now,
                                          .action = action,
                                          .subject = resident,
                                          .data_kinds = kinds,
                                          .purpose = "own_view",
                                          .basis = basis});
}

static const char *kind_str(int k)
{
    switch (k) {
    case CHECKUP_V_NUMBER:
        return "number";
    case CHECKUP_V_CODE:
        return "code";
    case CHECKUP_V_TEXT:
        return "text";
    default:
        return "date";
    }
}

static cJSON *threshold_json(const struct checkup_item *item, enum checkup_sex sex)
{
    const struct checkup_threshold *t = checkup_judge_threshold(item, sex);
    if (!t)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "guidance", t->guidance);
    if (t->has_see_doctor)
        cJSON_AddNumberToObject(o, "see_doctor", t->see_doctor);
    else
        cJSON_AddNullToObject(o, "see_doctor");
    cJSON_AddBoolToObject(o, "higher_is_worse", t->higher_is_worse);
    return o;
}

static void add_judgement(cJSON *o, enum checkup_judgement jd, enum checkup_judge_basis basis)
{
    cJSON_AddStringToObject(o, "judgement", checkup_judgement_str(jd));
    cJSON_AddStringToObject(o, "judgement_ja", checkup_judgement_ja(jd));
    cJSON_AddStringToObject(o, "judgement_en", checkup_judgement_en(jd));
    cJSON_AddStringToObject(o, "judged_by",
                            basis == CHECKUP_BASIS_MHLW        ? "mhlw_threshold"
                            : basis == CHECKUP_BASIS_LAB_RANGE ? "lab_range"
                                                               : "none");
}

/* "range": the lab's reference range, either side null when not sent. */
static void add_range(cJSON *o, const struct checkup_result *res)
{
    cJSON *range = cJSON_AddObjectToObject(o, "range");
    if (res->has_low)
        cJSON_AddNumberToObject(range, "low", res->ref_low);
    else
        cJSON_AddNullToObject(range, "low");
    if (res->has_high)
        cJSON_AddNumberToObject(range, "high", res->ref_high);
    else
        cJSON_AddNullToObject(range, "high");
}

static cJSON *item_json(const struct checkup_result *res, enum checkup_sex sex)
{
    enum checkup_judge_basis basis = CHECKUP_BASIS_NONE;
    enum checkup_judgement jd = checkup_judge_result(res, sex, &basis);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "code", res->code);
    cJSON_AddStringToObject(o, "identity", res->identity);
    cJSON_AddStringToObject(o, "name", res->item->name);
    cJSON_AddStringToObject(o, "kind", kind_str(res->kind));
    if (res->kind == CHECKUP_V_NUMBER)
        cJSON_AddNumberToObject(o, "value", res->value);
    else
        cJSON_AddNullToObject(o, "value");
    cJSON_AddStringToObject(o, "text", res->kind == CHECKUP_V_NUMBER ? "" : res->text);
    if (res->kind == CHECKUP_V_CODE) {
        /* The code in words: ours where we know the code system, else the sender's
         * display, else the code itself (docs/api.md). */
        const struct checkup_code *w = checkup_codes_find(res->system, res->text);
        const char *fallback = res->display[0] ? res->display : res->text;
        cJSON_AddStringToObject(o, "text_ja", w ? w->ja : fallback);
        cJSON_AddStringToObject(o, "text_en", w ? w->en : fallback);
    }
    cJSON_AddStringToObject(o, "unit", res->unit);
    cJSON_AddStringToObject(o, "unit_display", res->item->unit_display);
    add_range(o, res);
    add_judgement(o, jd, basis);
    cJSON_AddItemToObject(o, "threshold", threshold_json(res->item, sex));
    const char *ja = checkup_judge_explain_ja(res->item), *en = checkup_judge_explain_en(res->item);
    if (ja)
        cJSON_AddStringToObject(o, "explain_ja", ja);
    else
        cJSON_AddNullToObject(o, "explain_ja");
    if (en)
        cJSON_AddStringToObject(o, "explain_en", en);
    else
        cJSON_AddNullToObject(o, "explain_en");
    return o;
}

/* What a view's walks add to: the job, the resident, the sources' decisions, the answer. */
struct ck_walk {
    struct db *db;
    struct ck_job *j;
    long long resident;
    struct ck_sources *cs;
    cJSON *out;                      /* the array being filled */
    enum checkup_sex sex;            /* of the checkup being read */
    int counts[4];                   /* judgements of its items (list summary) */
    long last_year;                  /* years: the last one added */
    long n;                          /* list: checkups added */
    long long last;                  /* list: the last one added */
    int more;                        /* list: one more than the page holds */
    const struct checkup_item *item; /* trend: the item, once a point was shown */
    struct checkup_result *newest;   /* trend: the newest point's result */
};

/* Whether source may be shown in this view (marking it released when shown). 1 yes, 0 no,
 * -1 error. */
static int shown(struct ck_walk *w, long long source, int release)
{
    int slot;
    int a = source_allowed(w->db, w->j->r, w->resident, source, w->cs, &slot);
    if (a > 0 && release)
        w->cs->released[slot] = 1;
    return a;
}

static int add_item(void *ctx, const struct checkup_result *res)
{
    struct ck_walk *w = ctx;
    return cJSON_AddItemToArray(w->out, item_json(res, w->sex)) ? 0 : -1;
}

static int count_item(void *ctx, const struct checkup_result *res)
{
    struct ck_walk *w = ctx;
    w->counts[checkup_judge_result(res, w->sex, NULL)]++;
    return 0;
}

static cJSON *checkup_head(const struct ckstore_head *h)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)h->id);
    cJSON_AddStringToObject(o, "date", h->date);
    cJSON_AddNumberToObject(o, "year", (double)strtol(h->date, NULL, 10));
    cJSON *src = cJSON_AddObjectToObject(o, "source");
    cJSON_AddNumberToObject(src, "id", (double)h->source);
    cJSON_AddStringToObject(src, "display_name", h->source_name);
    cJSON_AddStringToObject(o, "org_name", h->org_name);
    return o;
}

/* The years that hold checkups of consented sources (for the kiosk's year tabs). */
static int list_year(void *ctx, long year, int64_t source)
{
    struct ck_walk *w = ctx;
    int a = shown(w, source, 1);
    if (a > 0 && year != w->last_year) {
        cJSON_AddItemToArray(w->out, cJSON_CreateNumber((double)year));
        w->last_year = year;
    }
    return a < 0 ? -1 : 0;
}

static int list_head(void *ctx, const struct ckstore_head *h)
{
    struct ck_walk *w = ctx;
    int a = shown(w, h->source, 0);
    if (a <= 0)
        return a;
    if (w->n == w->j->limit) {
        w->more = 1;
        return 1;
    }
    cJSON *e = checkup_head(h);
    memset(w->counts, 0, sizeof w->counts);
    w->sex = h->sex;
    if (ckstore_results(w->db, w->j->r->who.town, h->id, count_item, w) != DB_OK) {
        cJSON_Delete(e);
        return -1;
    }
    cJSON *sum = cJSON_AddObjectToObject(e, "summary");
    for (int k = 0; k < 4; k++)
        cJSON_AddNumberToObject(sum, checkup_judgement_str((enum checkup_judgement)k),
                                w->counts[k]);
    cJSON_AddItemToArray(w->out, e);
    shown(w, h->source, 1);
    w->last = h->id;
    w->n++;
    return 0;
}

static int ck_list(struct ck_walk *w, cJSON *o)
{
    struct ck_job *j = w->j;
    w->out = cJSON_AddArrayToObject(o, "years");
    if (ckstore_years(w->db, w->j->r->who.town, w->resident, list_year, w) != DB_OK)
        return -1;
    w->out = cJSON_AddArrayToObject(o, "checkups");
    if (ckstore_heads(w->db, w->j->r->who.town, w->resident, j->before, j->year, list_head, w) !=
        DB_OK)
        return -1;
    if (w->more)
        cJSON_AddNumberToObject(o, "next_before", (double)w->last);
    else
        cJSON_AddNullToObject(o, "next_before");
    return ck_audit(w->db, j, w->resident, "checkups.list", w->cs);
}

static int one_head(void *ctx, const struct ckstore_head *h)
{
    struct ck_walk *w = ctx;
    int a = shown(w, h->source, 0);
    if (a <= 0) {
        w->j->denied = a == 0;
        return a;
    }
    cJSON *head = checkup_head(h);
    cJSON_AddItemToObject(w->out, "checkup", head);
    cJSON_AddStringToObject(head, "sex", checkup_sex_str(h->sex));
    w->sex = h->sex;
    w->out = cJSON_AddArrayToObject(head, "items");
    if (ckstore_results(w->db, w->j->r->who.town, h->id, add_item, w) != DB_OK)
        return -1;
    shown(w, h->source, 1);
    return 0;
}

static int ck_one(struct ck_walk *w, cJSON *o)
{
    w->out = o;
    enum db_status s =
        ckstore_head(w->db, w->j->r->who.town, w->j->r->path_id, w->resident, one_head, w);
    if (s == DB_DONE)
        w->j->denied = 1; /* another resident's, or none: the same answer */
    if (s != DB_ROW && s != DB_DONE)
        return -1;
    return w->j->denied ? 0 : ck_audit(w->db, w->j, w->resident, "checkup.read", w->cs);
}

static int trend_point(void *ctx, const struct ckstore_point *p)
{
    struct ck_walk *w = ctx;
    int a = shown(w, p->source, 1);
    if (a <= 0)
        return a;
    *w->newest = *p->result; /* points come oldest first: the last stays */
    w->sex = p->sex;
    w->item = p->result->item;
    enum checkup_judge_basis basis = CHECKUP_BASIS_NONE;
    enum checkup_judgement jd = checkup_judge_result(p->result, p->sex, &basis);
    cJSON *pt = cJSON_CreateObject();
    cJSON_AddNumberToObject(pt, "checkup_id", (double)p->checkup);
    cJSON_AddStringToObject(pt, "date", p->date);
    cJSON_AddNumberToObject(pt, "year", (double)strtol(p->date, NULL, 10));
    cJSON_AddStringToObject(pt, "code", p->result->code);
    cJSON_AddNumberToObject(pt, "value", p->result->value);
    add_judgement(pt, jd, basis);
    return cJSON_AddItemToArray(w->out, pt) ? 0 : -1;
}

static int ck_trend(struct ck_walk *w, cJSON *o)
{
    struct ck_job *j = w->j;
    int rc = -1;
    /* The unit: as asked, else the newest result's (trends group on identity + unit). */
    enum db_status s = j->unit[0] ? DB_ROW
                                  : ckstore_trend_unit(w->db, w->j->r->who.town, w->resident,
                                                       j->identity, j->unit, sizeof j->unit);
    w->newest = calloc(1, sizeof *w->newest); /* large: not on the stack */
    w->out = cJSON_CreateArray();
    if ((s != DB_ROW && s != DB_DONE) || !w->newest || !w->out ||
        ckstore_trend(w->db, w->j->r->who.town, w->resident, j->identity, j->unit, trend_point,
                      w) != DB_OK) {
        cJSON_Delete(w->out);
        goto out;
    }
    cJSON_AddStringToObject(o, "identity", j->identity);
    cJSON_AddStringToObject(o, "unit", j->unit);
    if (w->item) {
        cJSON_AddStringToObject(o, "name", w->item->name);
        cJSON_AddStringToObject(o, "unit_display", w->item->unit_display);
        cJSON_AddItemToObject(o, "threshold", threshold_json(w->item, w->sex));
        add_range(o, w->newest);
        const char *ja = checkup_judge_explain_ja(w->item);
        if (ja)
            cJSON_AddStringToObject(o, "explain_ja", ja);
    } else {
        cJSON_AddNullToObject(o, "name");
        cJSON_AddNullToObject(o, "threshold");
        add_range(o, w->newest); /* all zero: no range */
    }
    cJSON_AddItemToObject(o, "points", w->out);
    rc = ck_audit(w->db, j, w->resident, "checkups.trend", w->cs);
out:
    free(w->newest);
    return rc;
}

static int ck_job(struct db *db, void *arg)
{
    struct ck_job *j = arg;
    long long resident = 0, sid = 0;
    struct ck_sources *cs = NULL;
    cJSON *o = NULL;
    int rc = -1;
    j->ss = auth_session_use(db, j->r->who.town, j->session, j->r->who.id, j->now, &resident, &sid);
    if (j->ss == AUTH_SESSION_ERROR)
        return -1;
    if (j->ss != AUTH_SESSION_OK)
        return 0;
    cs = calloc(1, sizeof *cs);
    o = cJSON_CreateObject();
    if (!cs || !o)
        goto out;
    cJSON_AddNumberToObject(o, "resident_id", (double)resident);
    struct ck_walk w = {.db = db, .j = j, .resident = resident, .cs = cs};
    int s = j->view == CK_LIST  ? ck_list(&w, o)
            : j->view == CK_ONE ? ck_one(&w, o)
                                : ck_trend(&w, o);
    if (s != 0)
        goto out;
    if (!j->denied) {
        j->out = o;
        o = NULL;
    }
    rc = 0;
out:
    cJSON_Delete(o);
    free(cs);
    return rc;
}

static void run_ck(struct hreq *r, struct ck_job *j)
{
    j->r = r;
    j->session = hreq_header(r, "X-Card-Session");
    j->now = hubclock_now();
    enum writer_status ws = writer_run(r->hub->writer, ck_job, j);
    hutil_answer(r, ws, j->ss, j->denied, 200, j->out);
}

static void h_session_checkups(struct hreq *r)
{
    struct ck_job j = {.view = CK_LIST};
    if (hutil_limit(r, &j.limit) != 0)
        return;
    const char *b = hreq_query(r, "before");
    if (b && (j.before = hubreq_parse_id(b, strlen(b))) < 0) {
        hreq_error(r, 400, "bad_request", "\"before\" must be a checkup id from \"next_before\".");
        return;
    }
    if (hutil_query_long(r, "year", 1900, 2100, 0, &j.year) != 0)
        return;
    run_ck(r, &j);
}

static void h_session_checkup(struct hreq *r)
{
    struct ck_job j = {.view = CK_ONE};
    run_ck(r, &j);
}

static void h_session_checkup_trend(struct hreq *r)
{
    struct ck_job j = {.view = CK_TREND};
    const char *id = hreq_query(r, "identity"), *unit = hreq_query(r, "unit");
    int ok = id && strlen(id) == CHECKUP_IDENTITY_LEN;
    for (size_t i = 0; ok && i < CHECKUP_IDENTITY_LEN; i++)
        ok = (id[i] >= '0' && id[i] <= '9') || (id[i] >= 'A' && id[i] <= 'Z');
    if (!ok || (unit && (strlen(unit) == 0 || strlen(unit) >= sizeof j.unit))) {
        hreq_error(r, 400, "bad_request",
                   "Give ?identity= the 5-character identity code of the item (e.g. 3D046 for "
                   "HbA1c), and optionally ?unit= its UCUM unit.");
        return;
    }
    snprintf(j.identity, sizeof j.identity, "%s", id);
    if (unit)
        snprintf(j.unit, sizeof j.unit, "%s", unit);
    run_ck(r, &j);
}

/* This face's routes (server.c asks every face's rows in turn). */
const struct hroute checkups_routes[] = {
    {"POST", "/v1/checkups", AUTH_SOURCE, h_checkups_import},
    {"GET", "/v1/session/checkups", AUTH_DEVICE, h_session_checkups},
    {"GET", "/v1/session/checkups/{id}", AUTH_DEVICE, h_session_checkup},
    {"GET", "/v1/session/checkup-trend", AUTH_DEVICE, h_session_checkup_trend},
    {NULL, NULL, 0, NULL},
};
