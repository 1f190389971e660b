/*
 * ckstore.c: the checkups store (see ckstore.h).
 */
#include "ckstore.h"
#include "rows.h"
#include "audit.h"
#include "checkup_dict.h"
#include "checkup_csv.h"
#include "checkup_fhir.h"

#include <cjson/cJSON.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ckstore_format_str(enum ckstore_format f)
{
    return f == CKSTORE_CSV ? "csv" : "fhir";
}

static void reject_from(struct ckstore_reject *rej, enum ckstore_format fmt,
                        const struct checkup_error *e)
{
    memset(rej, 0, sizeof *rej);
    rej->http = e->status == CHECKUP_ERR_TOO_LARGE ? 413
                : e->status == CHECKUP_ERR_SYNTAX  ? 400
                                                   : 422;
    snprintf(rej->code, sizeof rej->code, "%s",
             fmt == CKSTORE_CSV ? "csv_rejected" : "bundle_rejected");
    snprintf(rej->reason, sizeof rej->reason, "%s", checkup_status_str(e->status));
    rej->entry = fmt == CKSTORE_FHIR ? e->entry : -2;
    rej->row = fmt == CKSTORE_CSV ? e->row : 0;
    snprintf(rej->full_url, sizeof rej->full_url, "%s", e->full_url);
    snprintf(rej->message, sizeof rej->message, "Nothing was imported: %s", e->message);
}

int ckstore_parse(const char *data, size_t len, enum ckstore_format fmt, struct checkup_list **out,
                  struct ckstore_reject *rej)
{
    struct checkup_error e;
    memset(&e, 0, sizeof e);
    *out = NULL;
    if (fmt == CKSTORE_CSV) {
        if (checkup_csv_parse(data, len, out, &e) != CHECKUP_OK) {
            reject_from(rej, fmt, &e);
            return -1;
        }
        return 0;
    }
    struct checkup *c = NULL;
    struct checkup_list *l = calloc(1, sizeof *l);
    struct checkup **v = calloc(1, sizeof *v);
    if (!l || !v) {
        free(l);
        free(v);
        e.status = CHECKUP_ERR_NOMEM;
        e.entry = -1;
        snprintf(e.message, sizeof e.message, "the hub ran out of memory; try again");
        reject_from(rej, fmt, &e);
        rej->http = 503;
        return -1;
    }
    if (checkup_fhir_parse(data, len, &c, &e) != CHECKUP_OK) {
        free(l);
        free(v);
        reject_from(rej, fmt, &e);
        return -1;
    }
    v[0] = c;
    l->v = v;
    l->n = 1;
    *out = l;
    return 0;
}

/* Index of the Patient entry of a Bundle (for naming it in a refusal), or -1. */
static int patient_entry(const char *data, size_t len)
{
    int idx = -1, i = 0;
    cJSON *root = data ? cJSON_ParseWithLength(data, len) : NULL;
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(root, "entry"))
    {
        const cJSON *rt = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(e, "resource"), "resourceType");
        if (cJSON_IsString(rt) && strcmp(rt->valuestring, "Patient") == 0) {
            idx = i;
            break;
        }
        i++;
    }
    cJSON_Delete(root);
    return idx;
}

/* The resident of the scope's town enrolled with these insured-person numbers: DB_ROW with
 * *resident, DB_DONE when nobody there is (or the numbers make no key), or the error. A
 * source organisation's checkups reach only residents of its own town. */
static enum db_status find_member(struct db *db, const struct scope *sc,
                                  const struct checkup_member *m, int64_t *resident)
{
    char key[4 * CHECKUP_ID_MAX + 4];
    *resident = 0;
    if (checkup_member_key(m, key, sizeof key) != 0)
        return DB_DONE;
    struct db_stmt *st =
        db_stmt(db, "SELECT id FROM residents WHERE member_key = ? AND municipality_id = ?");
    enum db_status s = ROWS_BIND(st, 1, ROWS_TEXT(key), ROWS_TOWN(sc));
    if (!st)
        return DB_ERR;
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW)
        *resident = db_col_int64(st, 0);
    db_stmt_done(st);
    return s;
}

/* Patient.identifier's numbers win; the insurance Coverage's, when they differ, are
 * tried only when Patient.identifier's match nobody (docs/checkup.md). */
static enum db_status find_resident(struct db *db, const struct scope *sc, const struct checkup *c,
                                    int64_t *resident)
{
    enum db_status s = find_member(db, sc, &c->member, resident);
    if (s == DB_DONE && c->has_alt_member)
        s = find_member(db, sc, &c->alt_member, resident);
    return s;
}

/* A correction: the newly stored checkup id replaces every shown checkup of the same
 * resident with the same document identifier. The earlier rows stay, for audit. */
static enum db_status supersede(struct db *db, int64_t resident, const struct checkup *c,
                                int64_t id, int *replaced)
{
    *replaced = 0;
    if (!c->bundle_id[0])
        return DB_OK;
    struct db_stmt *st = db_stmt(db, "UPDATE checkups SET superseded_by = ? WHERE resident_id = ?"
                                     " AND bundle_id = ? AND id <> ? AND superseded_by IS NULL");
    if (!st)
        return DB_ERR;
    enum db_status s =
        ROWS_BIND(st, 1, ROWS_INT(id), ROWS_INT(resident), ROWS_TEXT(c->bundle_id), ROWS_INT(id));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s == DB_DONE)
        *replaced = (int)db_changes(db);
    return s == DB_DONE ? DB_OK : s;
}

/* Binds x, or NULL when the result has none. */
static enum db_status bind_opt_double(struct db_stmt *st, int idx, int has, double x)
{
    return has ? db_bind_double(st, idx, x) : db_bind_null(st, idx);
}

static enum db_status store_result(struct db *db, int64_t id, const struct checkup_result *r)
{
    struct db_stmt *st =
        db_stmt(db, "INSERT INTO checkup_results(checkup_id, code, identity, kind, value, text,"
                    " unit, ref_low, ref_high, sender_flag, system, display)"
                    " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return DB_ERR;
    int number = r->kind == CHECKUP_V_NUMBER;
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(id), ROWS_TEXT(r->code), ROWS_TEXT(r->identity),
                                 ROWS_INT((int64_t)r->kind));
    if (s == DB_OK)
        s = bind_opt_double(st, 5, number, r->value);
    if (s == DB_OK)
        s = ROWS_BIND(st, 6, ROWS_TEXT(number ? "" : r->text), ROWS_TEXT(r->unit));
    if (s == DB_OK)
        s = bind_opt_double(st, 8, r->has_low, r->ref_low);
    if (s == DB_OK)
        s = bind_opt_double(st, 9, r->has_high, r->ref_high);
    if (s == DB_OK)
        s = ROWS_BIND(st, 10, ROWS_TEXT(r->sender_flag), ROWS_TEXT(r->system),
                      ROWS_TEXT(r->display));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

/* Inserts the checkup unless its content hash is stored: DB_ROW with out->id when it was
 * new, DB_DONE when it was there, or the error. */
static enum db_status insert_checkup(struct db *db, int64_t source, enum ckstore_format fmt,
                                     const struct checkup *c, int64_t now,
                                     struct ckstore_stored *out)
{
    static const char *const texts[] = {"content_hash", "format",  "bundle_id", "date",
                                        "org_system",   "org_id",  "org_name",  "sex",
                                        "category",     "doc_date"};
    const char *const v[] = {out->content_hash,    ckstore_format_str(fmt),
                             c->bundle_id,         c->date,
                             c->source_org_system, c->source_org_id,
                             c->source_org_name,   checkup_sex_str(c->sex),
                             c->category,          c->doc_date};
    struct db_stmt *st = db_stmt(db, "INSERT INTO checkups(resident_id, source_id, imported_unix,"
                                     " content_hash, format, bundle_id, date, org_system, org_id,"
                                     " org_name, sex, category, doc_date)"
                                     " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                     " ON CONFLICT(content_hash) DO NOTHING RETURNING id");
    if (!st)
        return DB_ERR;
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(out->resident), ROWS_INT(source), ROWS_INT(now));
    for (size_t i = 0; s == DB_OK && i < sizeof texts / sizeof texts[0]; i++)
        s = db_bind_text(st, 4 + (int)i, v[i], -1);
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW)
        out->id = db_col_int64(st, 0);
    db_stmt_done(st);
    return s;
}

/* Stores one checkup (or finds it by its hash), with its results. */
static enum db_status store_one(struct db *db, int64_t source, const struct checkup *c,
                                enum ckstore_format fmt, int64_t now, struct ckstore_stored *out)
{
    enum db_status s = insert_checkup(db, source, fmt, c, now, out);
    if (s == DB_DONE) {
        struct db_stmt *st = db_stmt(db, "SELECT id FROM checkups WHERE content_hash = ?");
        if (!st)
            return DB_ERR;
        s = db_bind_text(st, 1, out->content_hash, -1);
        if (s == DB_OK)
            s = db_step(st);
        if (s == DB_ROW)
            out->id = db_col_int64(st, 0);
        db_stmt_done(st);
        return s == DB_ROW ? DB_OK : s == DB_DONE ? DB_ERR : s;
    }
    if (s != DB_ROW)
        return s;
    out->created = 1;
    s = DB_OK;
    for (size_t i = 0; s == DB_OK && i < c->n_results; i++)
        s = store_result(db, out->id, &c->results[i]);
    if (s == DB_OK)
        s = supersede(db, out->resident, c, out->id, &out->replaced);
    return s;
}

static void unknown_patient(const struct checkup_list *list, size_t i, enum ckstore_format fmt,
                            const char *data, size_t len, struct ckstore_reject *rej)
{
    memset(rej, 0, sizeof *rej);
    rej->http = 422;
    snprintf(rej->code, sizeof rej->code, "unknown_patient");
    snprintf(rej->reason, sizeof rej->reason, "unknown_patient");
    rej->entry = fmt == CKSTORE_FHIR ? patient_entry(data, len) : -2;
    rej->row = 0;
    if (fmt == CKSTORE_FHIR)
        snprintf(rej->message, sizeof rej->message,
                 "Nothing was imported: the Patient (entry %d) does not match any "
                 "resident enrolled with these insurance identifiers (insurer, symbol, "
                 "number, branch); enrol the resident with them first.",
                 rej->entry);
    else
        snprintf(rej->message, sizeof rej->message,
                 "Nothing was imported: checkup %zu of the file (date %s) does not "
                 "match any resident enrolled with its insurance identifiers; enrol "
                 "the resident with them first.",
                 i + 1, list->v[i]->date);
}

int ckstore_add(struct db *db, const struct scope *sc, int64_t source,
                const struct checkup_list *list, enum ckstore_format fmt, const char *data,
                size_t len, int64_t now, struct ckstore_stored **out, struct ckstore_reject *rej)
{
    struct ckstore_stored *v = calloc(list->n ? list->n : 1, sizeof *v);
    int rc = -1;
    *out = NULL;
    if (!v)
        goto out;
    /* Match every checkup first: a refusal must leave nothing behind. */
    for (size_t i = 0; i < list->n; i++) {
        enum db_status s = find_resident(db, sc, list->v[i], &v[i].resident);
        if (s == DB_DONE) {
            unknown_patient(list, i, fmt, data, len, rej);
            rc = 1;
            goto out;
        }
        if (s != DB_ROW)
            goto out;
    }
    for (size_t i = 0; i < list->n; i++)
        if (checkup_hash_hex(list->v[i], v[i].content_hash) != CHECKUP_OK ||
            store_one(db, source, list->v[i], fmt, now, &v[i]) != DB_OK)
            goto out;
    *out = v;
    v = NULL;
    rc = 0;
out:
    free(v);
    return rc;
}

void ckstore_audit_rec(const struct ckstore_stored *s, int64_t source,
                       char kinds[CKSTORE_AUDIT_TEXT], char basis[CKSTORE_AUDIT_TEXT],
                       struct audit_rec *a)
{
    snprintf(kinds, CKSTORE_AUDIT_TEXT, "checkups:%lld", (long long)source);
    snprintf(basis, CKSTORE_AUDIT_TEXT, "source:%lld", (long long)source);
    a->action = s->replaced ? "checkup.correct" : "checkup.import";
    a->subject = s->resident;
    a->data_kinds = kinds;
    a->purpose = "linkage";
    a->basis = basis;
    a->source = basis;
    a->destination = "hub";
}

/* ---- reading ---------------------------------------------------------------------------- */

/* Steps st (bound: the result of its binds) to its end, calling each(st, ctx) per row
 * (0 go on, > 0 stop, < 0 fail), and gives st back. DB_OK or the failure. */
static enum db_status walk(struct db_stmt *st, enum db_status bound,
                           int (*each)(struct db_stmt *st, void *ctx), void *ctx)
{
    enum db_status s = bound;
    while (s == DB_OK || s == DB_ROW) {
        s = db_step(st);
        if (s != DB_ROW)
            break;
        int r = each(st, ctx);
        if (r != 0) {
            s = r > 0 ? DB_DONE : DB_ERR;
            break;
        }
    }
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

/* A walk's caller: its row function and context. */
struct walker {
    union {
        ckstore_head_fn head;
        int (*year)(void *ctx, long year, int64_t source);
        int (*result)(void *ctx, const struct checkup_result *r);
        int (*point)(void *ctx, const struct ckstore_point *p);
    } fn;
    void *ctx;
    struct checkup_result *res; /* scratch (large: not on the stack) */
    int rows;
};

/* The columns of a head, as each_head() reads them. */
#define HEAD_SQL                                                                                   \
    "SELECT c.id, c.date, c.source_id, s.display_name, c.org_id, c.org_name, c.sex"                \
    " FROM checkups c JOIN sources s ON s.id = c.source_id"

static int each_head(struct db_stmt *st, void *ctx)
{
    struct walker *w = ctx;
    struct ckstore_head h = {.id = db_col_int64(st, 0),
                             .date = db_col_text(st, 1),
                             .source = db_col_int64(st, 2),
                             .source_name = db_col_text(st, 3),
                             .org_id = db_col_text(st, 4),
                             .org_name = db_col_text(st, 5),
                             .sex = ckstore_sex_from_str(db_col_text(st, 6))};
    w->rows++;
    return w->fn.head(w->ctx, &h);
}

enum db_status ckstore_heads(struct db *db, const struct scope *sc, int64_t resident,
                             int64_t before, long year, ckstore_head_fn row, void *ctx)
{
    enum db_status here = rows_resident_here(db, sc, resident);
    if (here != DB_OK)
        return here == DB_DONE ? DB_OK : here;
    /* A page starts after `before` in the order of the list (date, then id). */
    struct db_stmt *st = db_stmt(
        db, HEAD_SQL " WHERE c.resident_id = ? AND c.superseded_by IS NULL"
                     " AND (? = 0 OR (c.date, c.id) < (SELECT date, id FROM checkups WHERE id = ?))"
                     " AND (? = 0 OR CAST(substr(c.date, 1, 4) AS INTEGER) = ?)"
                     " ORDER BY c.date DESC, c.id DESC");
    if (!st)
        return DB_ERR;
    struct walker w = {.fn.head = row, .ctx = ctx};
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(resident), ROWS_INT(before), ROWS_INT(before),
                                 ROWS_INT(year), ROWS_INT(year));
    return walk(st, s, each_head, &w);
}

enum db_status ckstore_head(struct db *db, const struct scope *sc, int64_t id, int64_t resident,
                            ckstore_head_fn row, void *ctx)
{
    enum db_status here = rows_resident_here(db, sc, resident);
    if (here != DB_OK)
        return here == DB_DONE ? DB_DONE : here;
    struct db_stmt *st = db_stmt(db, HEAD_SQL " WHERE c.id = ? AND c.resident_id = ?"
                                              " AND c.superseded_by IS NULL");
    if (!st)
        return DB_ERR;
    struct walker w = {.fn.head = row, .ctx = ctx};
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(id), ROWS_INT(resident));
    s = walk(st, s, each_head, &w);
    return s != DB_OK ? s : w.rows ? DB_ROW : DB_DONE;
}

static int each_year(struct db_stmt *st, void *ctx)
{
    struct walker *w = ctx;
    return w->fn.year(w->ctx, (long)db_col_int64(st, 0), db_col_int64(st, 1));
}

enum db_status ckstore_years(struct db *db, const struct scope *sc, int64_t resident,
                             int (*row)(void *ctx, long year, int64_t source), void *ctx)
{
    enum db_status here = rows_resident_here(db, sc, resident);
    if (here != DB_OK)
        return here == DB_DONE ? DB_OK : here;
    struct db_stmt *st =
        db_stmt(db, "SELECT DISTINCT CAST(substr(date, 1, 4) AS INTEGER) AS y, source_id"
                    " FROM checkups WHERE resident_id = ? AND superseded_by IS NULL"
                    " ORDER BY y DESC, source_id");
    if (!st)
        return DB_ERR;
    struct walker w = {.fn.year = row, .ctx = ctx};
    return walk(st, db_bind_int64(st, 1, resident), each_year, &w);
}

#define RESULT_COLS CKSTORE_RESULT_COLS

static void copy_col(char *dst, size_t cap, struct db_stmt *st, int col)
{
    const char *t = db_col_text(st, col);
    snprintf(dst, cap, "%s", t ? t : "");
}

int ckstore_read_result(struct db_stmt *st, int c, struct checkup_result *res)
{
    memset(res, 0, sizeof *res);
    const char *code = db_col_text(st, c);
    res->item = code ? checkup_dict_lookup(code) : NULL;
    if (!res->item)
        return -1;
    snprintf(res->code, sizeof res->code, "%s", code);
    copy_col(res->identity, sizeof res->identity, st, c + 1);
    res->kind = (enum checkup_value_kind)db_col_int64(st, c + 2);
    res->value = db_col_double(st, c + 3);
    copy_col(res->text, sizeof res->text, st, c + 4);
    copy_col(res->unit, sizeof res->unit, st, c + 5);
    res->has_low = !db_col_is_null(st, c + 6);
    res->ref_low = db_col_double(st, c + 6);
    res->has_high = !db_col_is_null(st, c + 7);
    res->ref_high = db_col_double(st, c + 7);
    copy_col(res->system, sizeof res->system, st, c + 8);
    copy_col(res->display, sizeof res->display, st, c + 9);
    /* Rows stored before the code system was kept: the item's own code system. */
    if (res->kind == CHECKUP_V_CODE && !res->system[0])
        snprintf(res->system, sizeof res->system, "%s", res->item->result_oid);
    return 0;
}

static int each_result(struct db_stmt *st, void *ctx)
{
    struct walker *w = ctx;
    return ckstore_read_result(st, 0, w->res) != 0 ? 0 : w->fn.result(w->ctx, w->res);
}

enum db_status ckstore_results(struct db *db, const struct scope *sc, int64_t id,
                               int (*row)(void *ctx, const struct checkup_result *r), void *ctx)
{
    struct walker w = {.fn.result = row, .ctx = ctx, .res = calloc(1, sizeof *w.res)};
    struct db_stmt *st = w.res && sc
                             ? db_stmt(db, "SELECT " RESULT_COLS " FROM checkup_results r"
                                           " JOIN checkups c ON c.id = r.checkup_id"
                                           " JOIN residents p ON p.id = c.resident_id"
                                           " WHERE r.checkup_id = ? AND p.municipality_id = ?"
                                           " ORDER BY r.code")
                             : NULL;
    enum db_status s = st ? db_bind_int64(st, 1, id) : DB_ERR;
    if (s == DB_OK)
        s = rows_bind_town(st, 2, sc);
    s = st ? walk(st, s, each_result, &w) : DB_ERR;
    free(w.res);
    return s;
}

enum db_status ckstore_trend_unit(struct db *db, const struct scope *sc, int64_t resident,
                                  const char *identity, char *unit, size_t cap)
{
    enum db_status here = rows_resident_here(db, sc, resident);
    if (here != DB_OK)
        return here == DB_DONE ? DB_DONE : here;
    struct db_stmt *st =
        db_stmt(db, "SELECT r.unit FROM checkup_results r JOIN checkups c ON c.id = r.checkup_id"
                    " WHERE c.resident_id = ? AND r.identity = ? AND r.kind = ?"
                    " AND c.superseded_by IS NULL ORDER BY c.date DESC, c.id DESC LIMIT 1");
    if (!st)
        return DB_ERR;
    enum db_status s =
        ROWS_BIND(st, 1, ROWS_INT(resident), ROWS_TEXT(identity), ROWS_INT(CHECKUP_V_NUMBER));
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW)
        copy_col(unit, cap, st, 0);
    db_stmt_done(st);
    return s;
}

static int each_point(struct db_stmt *st, void *ctx)
{
    struct walker *w = ctx;
    if (ckstore_read_result(st, 4, w->res) != 0)
        return 0; /* stored rows are always in the dictionary */
    struct ckstore_point p = {.checkup = db_col_int64(st, 0),
                              .date = db_col_text(st, 1),
                              .source = db_col_int64(st, 2),
                              .sex = ckstore_sex_from_str(db_col_text(st, 3)),
                              .result = w->res};
    return w->fn.point(w->ctx, &p);
}

enum db_status ckstore_trend(struct db *db, const struct scope *sc, int64_t resident,
                             const char *identity, const char *unit,
                             int (*row)(void *ctx, const struct ckstore_point *p), void *ctx)
{
    enum db_status here = rows_resident_here(db, sc, resident);
    if (here != DB_OK)
        return here == DB_DONE ? DB_OK : here;
    struct walker w = {.fn.point = row, .ctx = ctx, .res = calloc(1, sizeof *w.res)};
    struct db_stmt *st =
        w.res ? db_stmt(db, "SELECT c.id, c.date, c.source_id, c.sex, " RESULT_COLS
                            " FROM checkup_results r JOIN checkups c ON c.id = r.checkup_id"
                            " WHERE c.resident_id = ? AND r.identity = ? AND r.unit = ?"
                            " AND r.kind = ? AND c.superseded_by IS NULL ORDER BY c.date, c.id")
              : NULL;
    enum db_status s = st ? db_bind_int64(st, 1, resident) : DB_ERR;
    if (s == DB_OK)
        s = ROWS_BIND(st, 2, ROWS_TEXT(identity), ROWS_TEXT(unit), ROWS_INT(CHECKUP_V_NUMBER));
    if (st)
        s = walk(st, s, each_point, &w);
    free(w.res);
    return s;
}

enum checkup_sex ckstore_sex_from_str(const char *s)
{
    if (!s)
        return CHECKUP_SEX_UNKNOWN;
    if (strcmp(s, "male") == 0)
        return CHECKUP_SEX_MALE;
    if (strcmp(s, "female") == 0)
        return CHECKUP_SEX_FEMALE;
    if (strcmp(s, "other") == 0)
        return CHECKUP_SEX_OTHER;
    return CHECKUP_SEX_UNKNOWN;
}

int ckstore_member_key(const char *insurer, const char *symbol, const char *number,
                       const char *branch, char *out, size_t cap, char *msg, size_t msgcap)
{
    char joined[4 * CHECKUP_ID_MAX + 4];
    struct checkup_member m;
    if (!insurer || !number) {
        snprintf(msg, msgcap,
                 "both the insurer number and the insured person's number are "
                 "needed");
        return -1;
    }
    if (strchr(insurer, ':') || strchr(number, ':') || (symbol && strchr(symbol, ':')) ||
        (branch && strchr(branch, ':'))) {
        snprintf(msg, msgcap, "the identifiers must not contain ':'");
        return -1;
    }
    int n = snprintf(joined, sizeof joined, "%s:%s:%s:%s", insurer, symbol ? symbol : "", number,
                     branch ? branch : "");
    if (n < 0 || (size_t)n >= sizeof joined || checkup_member_parse(joined, &m) != 0) {
        snprintf(msg, msgcap,
                 "the insurance identifiers are malformed: insurer 6 or 8 digits, number not "
                 "empty, branch empty or 2 digits (full-width digits are accepted)");
        return -1;
    }
    if (checkup_member_key(&m, out, cap) != 0) {
        snprintf(msg, msgcap, "the insurance identifiers are too long");
        return -1;
    }
    return 0;
}
