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
