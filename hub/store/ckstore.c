/*
 * ckstore.c: matching and storing imported checkups (see ckstore.h).
 */
#include "ckstore.h"
#include "audit.h"
#include "checkup_csv.h"
#include "checkup_fhir.h"

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

/* The resident enrolled with these insured-person numbers: 1 found, 0 none, -1 error. */
static int find_member(sqlite3 *db, const struct checkup_member *m, long long *resident)
{
    char key[4 * CHECKUP_ID_MAX + 4];
    sqlite3_stmt *st = NULL;
    int r = -1;
    *resident = 0;
    if (checkup_member_key(m, key, sizeof key) != 0)
        return 0;
    if (sqlite3_prepare_v2(db, "SELECT id FROM residents WHERE member_key = ?", -1, &st, NULL) !=
        SQLITE_OK)
        goto out;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *resident = sqlite3_column_int64(st, 0);
        r = 1;
    } else if (s == SQLITE_DONE) {
        r = 0;
    }
out:
    sqlite3_finalize(st);
    return r;
}

/* Patient.identifier's numbers win; the insurance Coverage's, when they differ, are
 * tried only when Patient.identifier's match nobody (docs/checkup.md). */
static int find_resident(sqlite3 *db, const struct checkup *c, long long *resident)
{
    int r = find_member(db, &c->member, resident);
    if (r == 0 && c->has_alt_member)
        r = find_member(db, &c->alt_member, resident);
    return r;
}

/* A correction: the newly stored checkup id replaces every shown checkup of the same
 * resident with the same document identifier. The earlier rows stay, for audit. */
static int supersede(sqlite3 *db, long long resident, const struct checkup *c, long long id,
                     int *replaced)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;
    *replaced = 0;
    if (!c->bundle_id[0])
        return 0;
    if (sqlite3_prepare_v2(db,
                           "UPDATE checkups SET superseded_by = ?1 WHERE resident_id = ?2 AND"
                           " bundle_id = ?3 AND id <> ?1 AND superseded_by IS NULL",
                           -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, resident);
    sqlite3_bind_text(st, 3, c->bundle_id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto out;
    *replaced = sqlite3_changes(db);
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

static int store_results(sqlite3 *db, long long id, const struct checkup *c)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO checkup_results(checkup_id, code, identity, kind, value,"
                           " text, unit, ref_low, ref_high, sender_flag, system, display)"
                           " VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        goto out;
    for (size_t i = 0; i < c->n_results; i++) {
        const struct checkup_result *r = &c->results[i];
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, r->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, r->identity, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, (int)r->kind);
        if (r->kind == CHECKUP_V_NUMBER)
            sqlite3_bind_double(st, 5, r->value);
        sqlite3_bind_text(st, 6, r->kind == CHECKUP_V_NUMBER ? "" : r->text, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, r->unit, -1, SQLITE_STATIC);
        if (r->has_low)
            sqlite3_bind_double(st, 8, r->ref_low);
        if (r->has_high)
            sqlite3_bind_double(st, 9, r->ref_high);
        sqlite3_bind_text(st, 10, r->sender_flag, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 11, r->system, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 12, r->display, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            goto out;
    }
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

/* Stores one checkup (or finds it by hash). 0 ok, -1 database error. */
static int store_one(sqlite3 *db, long long source_id, long long resident, const struct checkup *c,
                     enum ckstore_format fmt, const char *hash, long long *id, int *created,
                     time_t now)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;
    *created = 0;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO checkups(resident_id, source_id, content_hash, format,"
                           " bundle_id, date, org_system, org_id, org_name, sex, imported_unix,"
                           " category, doc_date)"
                           " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(content_hash) DO"
                           " NOTHING",
                           -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, resident);
    sqlite3_bind_int64(st, 2, source_id);
    sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, ckstore_format_str(fmt), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, c->bundle_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, c->date, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, c->source_org_system, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, c->source_org_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, c->source_org_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, checkup_sex_str(c->sex), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 11, (long long)now);
    sqlite3_bind_text(st, 12, c->category, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 13, c->doc_date, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto out;
    if (sqlite3_changes(db) == 1) {
        *id = sqlite3_last_insert_rowid(db);
        *created = 1;
        rc = store_results(db, *id, c);
        goto out;
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(db, "SELECT id FROM checkups WHERE content_hash = ?", -1, &st, NULL) !=
        SQLITE_OK)
        goto out;
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        goto out;
    *id = sqlite3_column_int64(st, 0);
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

int ckstore_import(sqlite3 *db, long long source_id, const struct checkup_list *list,
                   enum ckstore_format fmt, const char *data, size_t len, const char *actor,
                   const char *request_id, time_t now, cJSON **result, struct ckstore_reject *rej)
{
    long long *residents = NULL;
    cJSON *arr = NULL;
    int rc = -1;
    *result = NULL;
    residents = calloc(list->n ? list->n : 1, sizeof *residents);
    if (!residents)
        goto out;
    /* Match every checkup first: a refusal must leave nothing behind. */
    for (size_t i = 0; i < list->n; i++) {
        int m = find_resident(db, list->v[i], &residents[i]);
        if (m < 0)
            goto out;
        if (m == 0) {
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
            rc = 1;
            goto out;
        }
    }
    arr = cJSON_CreateArray();
    if (!arr)
        goto out;
    char kinds[48], source[48];
    snprintf(kinds, sizeof kinds, "checkups:%lld", source_id);
    snprintf(source, sizeof source, "source:%lld", source_id);
    for (size_t i = 0; i < list->n; i++) {
        char hash[65];
        long long id = 0;
        int created = 0;
        if (checkup_hash_hex(list->v[i], hash) != CHECKUP_OK)
            goto out;
        int replaced = 0;
        if (store_one(db, source_id, residents[i], list->v[i], fmt, hash, &id, &created, now) != 0)
            goto out;
        if (created && supersede(db, residents[i], list->v[i], id, &replaced) != 0)
            goto out;
        if (created) {
            struct audit_rec a = {.at = now,
                                  .actor = actor,
                                  .action = replaced ? "checkup.correct" : "checkup.import",
                                  .outcome = "ok",
                                  .subject = residents[i],
                                  .data_kinds = kinds,
                                  .purpose = "linkage",
                                  .basis = source,
                                  .source = source,
                                  .destination = "hub",
                                  .request_id = request_id};
            if (audit_append(db, &a, NULL) != SQLITE_OK)
                goto out;
        }
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "checkup_id", (double)id);
        cJSON_AddStringToObject(e, "date", list->v[i]->date);
        cJSON_AddStringToObject(e, "content_hash", hash);
        cJSON_AddBoolToObject(e, "created", created);
        cJSON_AddNumberToObject(e, "replaced", replaced);
        cJSON_AddItemToArray(arr, e);
    }
    *result = arr;
    arr = NULL;
    rc = 0;
out:
    cJSON_Delete(arr);
    free(residents);
    return rc;
}

int ckstore_result_row(sqlite3_stmt *st, int c, struct checkup_result *res)
{
    memset(res, 0, sizeof *res);
    const char *code = (const char *)sqlite3_column_text(st, c);
    res->item = code ? checkup_dict_lookup(code) : NULL;
    if (!res->item)
        return -1;
    snprintf(res->code, sizeof res->code, "%s", code);
    snprintf(res->identity, sizeof res->identity, "%s",
             (const char *)sqlite3_column_text(st, c + 1));
    res->kind = (enum checkup_value_kind)sqlite3_column_int(st, c + 2);
    res->value = sqlite3_column_double(st, c + 3);
    snprintf(res->text, sizeof res->text, "%s", (const char *)sqlite3_column_text(st, c + 4));
    snprintf(res->unit, sizeof res->unit, "%s", (const char *)sqlite3_column_text(st, c + 5));
    res->has_low = sqlite3_column_type(st, c + 6) != SQLITE_NULL;
    res->ref_low = sqlite3_column_double(st, c + 6);
    res->has_high = sqlite3_column_type(st, c + 7) != SQLITE_NULL;
    res->ref_high = sqlite3_column_double(st, c + 7);
    snprintf(res->system, sizeof res->system, "%s", (const char *)sqlite3_column_text(st, c + 8));
    snprintf(res->display, sizeof res->display, "%s", (const char *)sqlite3_column_text(st, c + 9));
    /* Rows stored before the code system was kept: the item's own code system. */
    if (res->kind == CHECKUP_V_CODE && !res->system[0])
        snprintf(res->system, sizeof res->system, "%s", res->item->result_oid);
    return 0;
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
