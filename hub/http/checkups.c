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
#include "db_sqlite.h"
#include "hubctx.h"
#include "hubreq.h"
#include "hutil.h"
#include "idem.h"
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
    const char *idem_key;
    const char *body_hash;
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

static int import_job(struct db *db, void *arg)
{
    sqlite3 *conn = db_sqlite_handle(db);
    struct import_job *j = arg;
    struct hreq *r = j->r;
    cJSON *result = NULL, *o = NULL;
    int rc = -1;
    int s = ckstore_import(conn, r->who.id, j->list, j->fmt, r->body, r->body_len, r->who.actor,
                           r->request_id, j->now, &result, &j->rej);
    if (s > 0) {
        j->rejected = 1;
        return 1; /* nothing was written; roll the savepoint back anyway */
    }
    if (s < 0)
        goto out;
    int created = 0, n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, result)
    {
        n++;
        created += cJSON_IsTrue(cJSON_GetObjectItem(e, "created"));
    }
    o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "checkups", result);
    result = NULL;
    cJSON_AddNumberToObject(o, "created", created);
    cJSON_AddNumberToObject(o, "unchanged", n - created);
    j->status = created ? 201 : 200;
    j->resp = cJSON_PrintUnformatted(o);
    if (!j->resp)
        goto out;
    if (j->idem_key && idem_store(db, r->who.actor, j->idem_key, j->body_hash, j->status, j->resp,
                                  j->now) != SQLITE_OK)
        goto out;
    rc = 0;
out:
    cJSON_Delete(result);
    cJSON_Delete(o);
    return rc;
}

void h_checkups_import(struct hreq *r)
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
    j.idem_key = idem.key;
    j.body_hash = idem.body_hash;
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

/* Fills items (or only the summary counts when items is NULL) of checkup id. */
static int fill_items(struct db *db, long long id, enum checkup_sex sex, cJSON *items,
                      int counts[4])
{
    sqlite3 *conn = db_sqlite_handle(db);
    sqlite3_stmt *st = NULL;
    struct checkup_result *res = calloc(1, sizeof *res); /* large: not on the stack */
    int s = SQLITE_ERROR;
    if (!res || sqlite3_prepare_v2(conn,
                                   "SELECT " CKSTORE_RESULT_COLS " FROM checkup_results r"
                                   " WHERE r.checkup_id = ? ORDER BY r.code",
                                   -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, id);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (ckstore_result_row(st, 0, res) != 0)
            continue;
        if (items)
            cJSON_AddItemToArray(items, item_json(res, sex));
        if (counts)
            counts[checkup_judge_result(res, sex, NULL)]++;
    }
out:
    sqlite3_finalize(st);
    free(res);
    return s == SQLITE_DONE ? 0 : -1;
}

static cJSON *checkup_head(struct db *db, sqlite3_stmt *st)
{
    /* columns: id, date, source_id, org_name, sex, source name */
    cJSON *o = cJSON_CreateObject();
    const char *date = (const char *)sqlite3_column_text(st, 1);
    cJSON_AddNumberToObject(o, "id", (double)sqlite3_column_int64(st, 0));
    cJSON_AddStringToObject(o, "date", date);
    cJSON_AddNumberToObject(o, "year", (double)strtol(date, NULL, 10));
    cJSON *src = cJSON_AddObjectToObject(o, "source");
    cJSON_AddNumberToObject(src, "id", (double)sqlite3_column_int64(st, 2));
    cJSON_AddStringToObject(src, "display_name", (const char *)sqlite3_column_text(st, 5));
    cJSON_AddStringToObject(o, "org_name", (const char *)sqlite3_column_text(st, 3));
    (void)db;
    return o;
}

static const char HEAD_SQL[] = "SELECT c.id, c.date, c.source_id, c.org_name, c.sex,"
                               " s.display_name FROM checkups c JOIN sources s ON s.id ="
                               " c.source_id";

static int ck_list(struct db *db, struct ck_job *j, long long resident, struct ck_sources *cs,
                   cJSON *o)
{
    sqlite3 *conn = db_sqlite_handle(db);
    sqlite3_stmt *st = NULL;
    char sql[512];
    int rc = -1;
    /* The years that hold checkups of consented sources (for the kiosk's year tabs). */
    if (sqlite3_prepare_v2(
            conn,
            "SELECT DISTINCT CAST(substr(date, 1, 4) AS INTEGER) AS y, source_id"
            " FROM checkups WHERE resident_id = ? AND superseded_by IS NULL ORDER BY y"
            " DESC",
            -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, resident);
    cJSON *years = cJSON_AddArrayToObject(o, "years");
    long last_year = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int slot;
        long y = (long)sqlite3_column_int64(st, 0);
        int a = source_allowed(db, j->r, resident, sqlite3_column_int64(st, 1), cs, &slot);
        if (a < 0)
            goto out;
        if (a)
            cs->released[slot] = 1;
        if (a && y != last_year) {
            cJSON_AddItemToArray(years, cJSON_CreateNumber((double)y));
            last_year = y;
        }
    }
    if (s != SQLITE_DONE)
        goto out;
    sqlite3_finalize(st);
    st = NULL;
    snprintf(sql, sizeof sql,
             "%s WHERE c.resident_id = ?1 AND c.superseded_by IS NULL AND (?2 = 0 OR (c.date, "
             "c.id) < (SELECT date, id FROM"
             " checkups WHERE id = ?2)) AND (?3 = 0 OR CAST(substr(c.date, 1, 4) AS INTEGER) ="
             " ?3) ORDER BY c.date DESC, c.id DESC",
             HEAD_SQL);
    if (sqlite3_prepare_v2(conn, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, resident);
    sqlite3_bind_int64(st, 2, j->before);
    sqlite3_bind_int64(st, 3, j->year);
    cJSON *arr = cJSON_AddArrayToObject(o, "checkups");
    long n = 0;
    long long last = 0;
    int more = 0;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int slot;
        int a = source_allowed(db, j->r, resident, sqlite3_column_int64(st, 2), cs, &slot);
        if (a < 0)
            goto out;
        if (!a)
            continue;
        if (n == j->limit) {
            more = 1;
            break;
        }
        cJSON *e = checkup_head(db, st);
        int counts[4] = {0, 0, 0, 0};
        enum checkup_sex sex = ckstore_sex_from_str((const char *)sqlite3_column_text(st, 4));
        if (fill_items(db, sqlite3_column_int64(st, 0), sex, NULL, counts) != 0) {
            cJSON_Delete(e);
            goto out;
        }
        cJSON *sum = cJSON_AddObjectToObject(e, "summary");
        for (int k = 0; k < 4; k++)
            cJSON_AddNumberToObject(sum, checkup_judgement_str((enum checkup_judgement)k),
                                    counts[k]);
        cJSON_AddItemToArray(arr, e);
        cs->released[slot] = 1;
        last = sqlite3_column_int64(st, 0);
        n++;
    }
    if (!more && s != SQLITE_DONE)
        goto out;
    if (more)
        cJSON_AddNumberToObject(o, "next_before", (double)last);
    else
        cJSON_AddNullToObject(o, "next_before");
    rc = ck_audit(db, j, resident, "checkups.list", cs);
out:
    sqlite3_finalize(st);
    return rc;
}

static int ck_one(struct db *db, struct ck_job *j, long long resident, struct ck_sources *cs,
                  cJSON *o)
{
    sqlite3 *conn = db_sqlite_handle(db);
    sqlite3_stmt *st = NULL;
    char sql[256];
    int rc = -1;
    snprintf(sql, sizeof sql,
             "%s WHERE c.id = ?1 AND c.resident_id = ?2 AND c.superseded_by IS NULL", HEAD_SQL);
    if (sqlite3_prepare_v2(conn, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, j->r->path_id);
    sqlite3_bind_int64(st, 2, resident);
    int s = sqlite3_step(st);
    if (s == SQLITE_DONE) {
        j->denied = 1; /* another resident's, or none: the same answer */
        rc = 0;
        goto out;
    }
    if (s != SQLITE_ROW)
        goto out;
    int slot;
    int a = source_allowed(db, j->r, resident, sqlite3_column_int64(st, 2), cs, &slot);
    if (a <= 0) {
        j->denied = a == 0;
        rc = a == 0 ? 0 : -1;
        goto out;
    }
    cJSON *head = checkup_head(db, st);
    cJSON_AddItemToObject(o, "checkup", head);
    enum checkup_sex sex = ckstore_sex_from_str((const char *)sqlite3_column_text(st, 4));
    cJSON_AddStringToObject(head, "sex", checkup_sex_str(sex));
    cJSON *items = cJSON_AddArrayToObject(head, "items");
    if (fill_items(db, j->r->path_id, sex, items, NULL) != 0)
        goto out;
    cs->released[slot] = 1;
    rc = ck_audit(db, j, resident, "checkup.read", cs);
out:
    sqlite3_finalize(st);
    return rc;
}

static int ck_trend(struct db *db, struct ck_job *j, long long resident, struct ck_sources *cs,
                    cJSON *o)
{
    sqlite3 *conn = db_sqlite_handle(db);
    sqlite3_stmt *st = NULL;
    char sql[512];
    int rc = -1;
    struct checkup_result *newest = NULL; /* the newest point's result */
    /* The unit: as asked, else the newest result's (trends group on identity + unit). */
    if (!j->unit[0]) {
        if (sqlite3_prepare_v2(conn,
                               "SELECT r.unit FROM checkup_results r JOIN checkups c ON c.id ="
                               " r.checkup_id WHERE c.resident_id = ? AND r.identity = ? AND"
                               " r.kind = 0 AND c.superseded_by IS NULL ORDER BY c.date DESC"
                               " LIMIT 1",
                               -1, &st, NULL) != SQLITE_OK)
            return -1;
        sqlite3_bind_int64(st, 1, resident);
        sqlite3_bind_text(st, 2, j->identity, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            snprintf(j->unit, sizeof j->unit, "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        st = NULL;
    }
    snprintf(sql, sizeof sql,
             "SELECT c.id, c.date, c.source_id, c.sex, %s FROM checkup_results r JOIN checkups c"
             " ON c.id = r.checkup_id WHERE c.resident_id = ? AND r.identity = ? AND r.unit = ?"
             " AND r.kind = 0 AND c.superseded_by IS NULL ORDER BY c.date, c.id",
             CKSTORE_RESULT_COLS);
    if (sqlite3_prepare_v2(conn, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, resident);
    sqlite3_bind_text(st, 2, j->identity, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, j->unit, -1, SQLITE_STATIC);
    cJSON *pts = cJSON_CreateArray();
    const struct checkup_item *item = NULL;
    enum checkup_sex sex = CHECKUP_SEX_UNKNOWN;
    newest = calloc(1, sizeof *newest); /* large: not on the stack */
    if (!newest) {
        cJSON_Delete(pts);
        goto out;
    }
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int slot;
        int a = source_allowed(db, j->r, resident, sqlite3_column_int64(st, 2), cs, &slot);
        if (a < 0) {
            cJSON_Delete(pts);
            goto out;
        }
        struct checkup_result *res = newest; /* points come oldest first: the last stays */
        if (!a)
            continue;
        if (ckstore_result_row(st, 4, res) != 0) {
            memset(res, 0, sizeof *res); /* stored rows are always in the dictionary */
            continue;
        }
        sex = ckstore_sex_from_str((const char *)sqlite3_column_text(st, 3));
        item = res->item;
        enum checkup_judge_basis basis = CHECKUP_BASIS_NONE;
        enum checkup_judgement jd = checkup_judge_result(res, sex, &basis);
        cJSON *p = cJSON_CreateObject();
        const char *date = (const char *)sqlite3_column_text(st, 1);
        cJSON_AddNumberToObject(p, "checkup_id", (double)sqlite3_column_int64(st, 0));
        cJSON_AddStringToObject(p, "date", date);
        cJSON_AddNumberToObject(p, "year", (double)strtol(date, NULL, 10));
        cJSON_AddStringToObject(p, "code", res->code);
        cJSON_AddNumberToObject(p, "value", res->value);
        add_judgement(p, jd, basis);
        cJSON_AddItemToArray(pts, p);
        cs->released[slot] = 1;
    }
    if (s != SQLITE_DONE) {
        cJSON_Delete(pts);
        goto out;
    }
    cJSON_AddStringToObject(o, "identity", j->identity);
    cJSON_AddStringToObject(o, "unit", j->unit);
    if (item) {
        cJSON_AddStringToObject(o, "name", item->name);
        cJSON_AddStringToObject(o, "unit_display", item->unit_display);
        cJSON_AddItemToObject(o, "threshold", threshold_json(item, sex));
        add_range(o, newest);
        const char *ja = checkup_judge_explain_ja(item);
        if (ja)
            cJSON_AddStringToObject(o, "explain_ja", ja);
    } else {
        cJSON_AddNullToObject(o, "name");
        cJSON_AddNullToObject(o, "threshold");
        memset(newest, 0, sizeof *newest);
        add_range(o, newest);
    }
    cJSON_AddItemToObject(o, "points", pts);
    rc = ck_audit(db, j, resident, "checkups.trend", cs);
out:
    free(newest);
    sqlite3_finalize(st);
    return rc;
}

static int ck_job(struct db *db, void *arg)
{
    struct ck_job *j = arg;
    long long resident = 0, sid = 0;
    struct ck_sources *cs = NULL;
    cJSON *o = NULL;
    int rc = -1;
    j->ss = auth_session_use(db, j->session, j->r->who.id, j->now, &resident, &sid);
    if (j->ss == AUTH_SESSION_ERROR)
        return -1;
    if (j->ss != AUTH_SESSION_OK)
        return 0;
    cs = calloc(1, sizeof *cs);
    o = cJSON_CreateObject();
    if (!cs || !o)
        goto out;
    cJSON_AddNumberToObject(o, "resident_id", (double)resident);
    int s = j->view == CK_LIST  ? ck_list(db, j, resident, cs, o)
            : j->view == CK_ONE ? ck_one(db, j, resident, cs, o)
                                : ck_trend(db, j, resident, cs, o);
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

void h_session_checkups(struct hreq *r)
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

void h_session_checkup(struct hreq *r)
{
    struct ck_job j = {.view = CK_ONE};
    run_ck(r, &j);
}

void h_session_checkup_trend(struct hreq *r)
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
