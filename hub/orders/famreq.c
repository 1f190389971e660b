/*
 * famreq.c: fixed-phrase family requests (see famreq.h). The phrases are a table; a code
 * outside it cannot be stored or shown.
 */
#include "famreq.h"

#include <stdio.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "hubreq.h"

static const struct {
    const char *code, *ja, *en;
} PHRASES[] = {
    [FAMREQ_CALL_ME] = {"call_me", "電話してください", "Please call me"},
    [FAMREQ_COME_OVER] = {"come_over", "来てください", "Please come over"},
    [FAMREQ_SHOPPING_HELP] = {"shopping_help", "買い物を頼みたい", "I'd like help with shopping"},
};
#define N_PHRASES ((int)(sizeof(PHRASES) / sizeof(PHRASES[0])))

const char *famreq_code_str(enum famreq_code c)
{
    return (int)c >= 0 && (int)c < N_PHRASES ? PHRASES[c].code : "unknown";
}

const char *famreq_phrase_ja(enum famreq_code c)
{
    return (int)c >= 0 && (int)c < N_PHRASES ? PHRASES[c].ja : "";
}

const char *famreq_phrase_en(enum famreq_code c)
{
    return (int)c >= 0 && (int)c < N_PHRASES ? PHRASES[c].en : "";
}

int famreq_code_from_str(const char *s, enum famreq_code *c)
{
    for (int i = 0; s && i < N_PHRASES; i++) {
        if (strcmp(s, PHRASES[i].code) == 0) {
            *c = (enum famreq_code)i;
            return 0;
        }
    }
    return -1;
}

const char *famreq_answer_str(enum famreq_answer a)
{
    return a == FAMREQ_UNDERSTOOD ? "understood" : "unknown";
}

const char *famreq_answer_ja(enum famreq_answer a)
{
    return a == FAMREQ_UNDERSTOOD ? "わかりました" : "";
}

int famreq_parse_request(const char *json, size_t len, long long *family_id, enum famreq_code *code,
                         char *err, size_t errlen)
{
    int rc = -1;
    cJSON *root = NULL;
    if (!hubreq_json_object(json, len, 1024, NULL, NULL, &root, err, errlen) ||
        !hubreq_json_only_keys(root, (const char *const[]){"family_id", "code", NULL}, err,
                               errlen)) {
        goto out;
    }
    if (!hubreq_json_int(cJSON_GetObjectItemCaseSensitive(root, "family_id"), 1, (1LL << 53),
                         family_id)) {
        snprintf(err, errlen, "\"family_id\" must be the id of a family member (a number)");
        goto out;
    }
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(root, "code");
    if (!cJSON_IsString(c) || famreq_code_from_str(c->valuestring, code) != 0) {
        snprintf(err, errlen, "\"code\" must be one of call_me, come_over, shopping_help");
        goto out;
    }
    rc = 0;
out:
    cJSON_Delete(root);
    return rc;
}

int famreq_parse_answer(const char *json, size_t len, enum famreq_answer *a, char *err,
                        size_t errlen)
{
    int rc = -1;
    cJSON *root = NULL;
    if (!hubreq_json_object(json, len, 1024, NULL, NULL, &root, err, errlen) ||
        !hubreq_json_only_keys(root, (const char *const[]){"answer", NULL}, err, errlen)) {
        goto out;
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "answer");
    if (!cJSON_IsString(v) || strcmp(v->valuestring, "understood") != 0) {
        snprintf(err, errlen, "\"answer\" must be \"understood\" (わかりました)");
        goto out;
    }
    *a = FAMREQ_UNDERSTOOD;
    rc = 0;
out:
    cJSON_Delete(root);
    return rc;
}

enum orders_rc famreq_insert(sqlite3 *db, long long resident_id, long long family_id,
                             enum famreq_code code, long long now, long long *id)
{
    enum orders_rc rc = ORDERS_DB;
    sqlite3_stmt *st = NULL;
    if ((int)code < 0 || (int)code >= N_PHRASES) {
        return ORDERS_INVALID;
    }
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO ord_famreq(resident_id, family_id, code, created_unix) "
                           "VALUES(?1, ?2, ?3, ?4)",
                           -1, &st, NULL) != SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_int64(st, 1, resident_id);
    sqlite3_bind_int64(st, 2, family_id);
    sqlite3_bind_text(st, 3, PHRASES[code].code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    if (sqlite3_step(st) == SQLITE_DONE) {
        *id = sqlite3_last_insert_rowid(db);
        rc = ORDERS_OK;
    }
out:
    sqlite3_finalize(st);
    return rc;
}

enum orders_rc famreq_get(sqlite3 *db, long long id, struct famreq *out)
{
    enum orders_rc rc = ORDERS_DB;
    sqlite3_stmt *st = NULL;
    memset(out, 0, sizeof(*out));
    if (sqlite3_prepare_v2(db,
                           "SELECT id, resident_id, family_id, code, answer, created_unix, "
                           "answered_unix FROM ord_famreq WHERE id = ?1",
                           -1, &st, NULL) != SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_DONE) {
        rc = ORDERS_NOT_FOUND;
        goto out;
    }
    if (s != SQLITE_ROW) {
        goto out;
    }
    out->id = sqlite3_column_int64(st, 0);
    out->resident_id = sqlite3_column_int64(st, 1);
    out->family_id = sqlite3_column_int64(st, 2);
    if (famreq_code_from_str((const char *)sqlite3_column_text(st, 3), &out->code) != 0) {
        goto out;
    }
    out->answered = sqlite3_column_type(st, 4) != SQLITE_NULL;
    out->answer = FAMREQ_UNDERSTOOD;
    out->created_unix = sqlite3_column_int64(st, 5);
    out->answered_unix = sqlite3_column_int64(st, 6);
    rc = ORDERS_OK;
out:
    sqlite3_finalize(st);
    return rc;
}

enum orders_rc famreq_set_answer(sqlite3 *db, long long id, long long family_id,
                                 enum famreq_answer a, long long now, int *changed)
{
    enum orders_rc rc = ORDERS_DB;
    sqlite3_stmt *st = NULL;
    *changed = 0;
    if (sqlite3_prepare_v2(db,
                           "UPDATE ord_famreq SET answer = ?1, answered_unix = ?2 WHERE id = ?3 "
                           "AND family_id = ?4 AND answer IS NULL",
                           -1, &st, NULL) != SQLITE_OK) {
        goto out;
    }
    sqlite3_bind_text(st, 1, famreq_answer_str(a), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int64(st, 3, id);
    sqlite3_bind_int64(st, 4, family_id);
    if (sqlite3_step(st) != SQLITE_DONE) {
        goto out;
    }
    if (sqlite3_changes(db) == 1) {
        *changed = 1;
        rc = ORDERS_OK;
        goto out;
    }
    /* Already answered (fine) or not this family's request (not found). */
    struct famreq r;
    rc = famreq_get(db, id, &r);
    if (rc == ORDERS_OK && r.family_id != family_id) {
        rc = ORDERS_NOT_FOUND;
    }
out:
    sqlite3_finalize(st);
    return rc;
}
