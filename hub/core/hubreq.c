/*
 * hubreq.c: request body parsing with cJSON (see hubreq.h). cJSON_ParseWithLengthOpts is
 * used so bodies need no terminator and the error position comes back per call (the
 * global cJSON_GetErrorPtr is not thread-safe).
 */
#include "hubreq.h"
#include "b64.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

const char *hubreq_status_str(enum hubreq_status s)
{
    switch (s) {
    case HUBREQ_OK:
        return "ok";
    case HUBREQ_BAD_JSON:
        return "malformed JSON";
    case HUBREQ_BAD_FIELD:
        return "invalid field";
    }
    return "unknown";
}

/* Parses an object; returns owned cJSON (cJSON_Delete) or NULL with msg set. */
static cJSON *parse_object(const char *body, size_t len, const char *example, char *msg,
                           size_t msgcap)
{
    if (len == 0) {
        snprintf(msg, msgcap, "The request body is empty; send a JSON object like %s.", example);
        return NULL;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(body, len, &end, 0);
    if (!root) {
        size_t at = end && end >= body && end <= body + len ? (size_t)(end - body) : 0;
        snprintf(msg, msgcap,
                 "The request body is not valid JSON (the error is near byte %zu); send a JSON "
                 "object like %s.",
                 at, example);
        return NULL;
    }
    /* Trailing bytes after the value are an error too, except whitespace. */
    if (end) {
        for (const char *p = end; p < body + len; p++) {
            if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t') {
                snprintf(msg, msgcap,
                         "The request body has extra bytes after the JSON value (at byte %zu); "
                         "send exactly one JSON object like %s.",
                         (size_t)(p - body), example);
                cJSON_Delete(root);
                return NULL;
            }
        }
    }
    if (!cJSON_IsObject(root)) {
        snprintf(msg, msgcap, "The request body must be a JSON object like %s.", example);
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

enum hubreq_status hubreq_parse_checkin(const char *body, size_t len, const char **answer,
                                        char *msg, size_t msgcap)
{
    static const char *const answers[] = {"genki", "itsumo", "genkinai"};
    static const char example[] = "{\"answer\":\"genki\"}";
    enum hubreq_status st = HUBREQ_BAD_FIELD;
    cJSON *root = parse_object(body, len, example, msg, msgcap);
    if (!root)
        return HUBREQ_BAD_JSON;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "answer");
    if (!a) {
        snprintf(msg, msgcap,
                 "The field \"answer\" is missing; it must be \"genki\", \"itsumo\" or "
                 "\"genkinai\".");
        goto out;
    }
    if (!cJSON_IsString(a)) {
        snprintf(msg, msgcap,
                 "The field \"answer\" must be a string: \"genki\", \"itsumo\" or \"genkinai\".");
        goto out;
    }
    for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++) {
        if (strcmp(a->valuestring, answers[i]) == 0) {
            *answer = answers[i];
            st = HUBREQ_OK;
            goto out;
        }
    }
    snprintf(msg, msgcap,
             "The answer is not one we know; it must be \"genki\", \"itsumo\" or \"genkinai\".");
out:
    cJSON_Delete(root);
    return st;
}

/* Decodes the base64 string field name of root into out (cap bytes). Returns the length
 * or -1 with msg set. */
static long b64_field(const cJSON *root, const char *name, unsigned char *out, size_t cap,
                      char *msg, size_t msgcap)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(root, name);
    if (!f) {
        snprintf(msg, msgcap, "The field \"%s\" is missing; it must be a base64 string.", name);
        return -1;
    }
    if (!cJSON_IsString(f)) {
        snprintf(msg, msgcap, "The field \"%s\" must be a base64 string.", name);
        return -1;
    }
    size_t n = strlen(f->valuestring);
    long got = b64_decode(f->valuestring, n, out, cap);
    if (got < 0) {
        snprintf(msg, msgcap,
                 "The field \"%s\" is not valid base64 or is longer than %zu bytes once "
                 "decoded.",
                 name, cap);
        return -1;
    }
    return got;
}

enum hubreq_status hubreq_parse_card_login(const char *body, size_t len,
                                           struct hubreq_card_login *out, char *msg, size_t msgcap)
{
    static const char example[] =
        "{\"challenge\":\"<base64>\",\"certificate\":\"<base64 DER>\",\"signature\":\"<base64>\"}";
    enum hubreq_status st = HUBREQ_BAD_FIELD;
    cJSON *root = parse_object(body, len, example, msg, msgcap);
    if (!root)
        return HUBREQ_BAD_JSON;
    long n = b64_field(root, "challenge", out->challenge, sizeof out->challenge, msg, msgcap);
    if (n < 0)
        goto out;
    if (n != HUBREQ_CHALLENGE_LEN) {
        snprintf(msg, msgcap, "The challenge must be the %d bytes the hub gave out.",
                 HUBREQ_CHALLENGE_LEN);
        goto out;
    }
    n = b64_field(root, "certificate", out->cert, sizeof out->cert, msg, msgcap);
    if (n < 0)
        goto out;
    if (n == 0) {
        snprintf(msg, msgcap, "The certificate is empty.");
        goto out;
    }
    out->cert_len = (size_t)n;
    n = b64_field(root, "signature", out->sig, sizeof out->sig, msg, msgcap);
    if (n < 0)
        goto out;
    if (n == 0) {
        snprintf(msg, msgcap, "The signature is empty.");
        goto out;
    }
    out->sig_len = (size_t)n;
    st = HUBREQ_OK;
out:
    cJSON_Delete(root);
    return st;
}

static int valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= HUBREQ_NAME_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
            return 0;
    return 1;
}

enum hubreq_status hubreq_parse_activity(const char *body, size_t len, char *kind, char *msg,
                                         size_t msgcap)
{
    static const char example[] = "{\"kind\":\"touch\"}";
    enum hubreq_status st = HUBREQ_BAD_FIELD;
    cJSON *root = parse_object(body, len, example, msg, msgcap);
    if (!root)
        return HUBREQ_BAD_JSON;
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(root, "kind");
    if (!k) {
        snprintf(kind, HUBREQ_NAME_MAX, "touch");
        st = HUBREQ_OK;
    } else if (!cJSON_IsString(k) || !valid_name(k->valuestring)) {
        snprintf(msg, msgcap,
                 "The field \"kind\" must be a short name of lowercase letters and _, like "
                 "\"touch\".");
    } else {
        snprintf(kind, HUBREQ_NAME_MAX, "%s", k->valuestring);
        st = HUBREQ_OK;
    }
    cJSON_Delete(root);
    return st;
}

enum hubreq_status hubreq_parse_consent(const char *body, size_t len, struct hubreq_consent *out,
                                        char *msg, size_t msgcap)
{
    static const char example[] =
        "{\"recipient\":{\"kind\":\"family\",\"id\":1},\"data_kind\":\"safety\","
        "\"purpose\":\"watch_over\",\"granted\":true}";
    static const char *const kinds[] = {"family", "staff", "operator", "source"};
    static const char *const data_kinds[] = {"safety", "checkups", "address", "orders"};
    enum hubreq_status st = HUBREQ_BAD_FIELD;
    cJSON *root = parse_object(body, len, example, msg, msgcap);
    if (!root)
        return HUBREQ_BAD_JSON;
    const cJSON *rec = cJSON_GetObjectItemCaseSensitive(root, "recipient");
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(rec, "kind");
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(rec, "id");
    const cJSON *dk = cJSON_GetObjectItemCaseSensitive(root, "data_kind");
    const cJSON *pu = cJSON_GetObjectItemCaseSensitive(root, "purpose");
    const cJSON *gr = cJSON_GetObjectItemCaseSensitive(root, "granted");
    if (!cJSON_IsObject(rec) || !cJSON_IsString(kind) || !cJSON_IsNumber(id)) {
        snprintf(msg, msgcap,
                 "The field \"recipient\" must be an object with \"kind\" (\"family\", "
                 "\"staff\", \"operator\" or \"source\") and a numeric \"id\", as in %s.",
                 example);
        goto out;
    }
    int known = 0;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        known |= strcmp(kind->valuestring, kinds[i]) == 0;
    if (!known) {
        snprintf(msg, msgcap,
                 "The recipient kind must be \"family\", \"staff\", \"operator\" or \"source\".");
        goto out;
    }
    if (id->valuedouble < 1 || id->valuedouble > 9007199254740992.0 ||
        id->valuedouble != (double)(long long)id->valuedouble) {
        snprintf(msg, msgcap, "The recipient id must be a positive whole number.");
        goto out;
    }
    if (!cJSON_IsString(dk)) {
        snprintf(msg, msgcap,
                 "The field \"data_kind\" must be \"safety\", \"checkups\", \"address\" or "
                 "\"orders\".");
        goto out;
    }
    known = 0;
    for (size_t i = 0; i < sizeof data_kinds / sizeof data_kinds[0]; i++)
        known |= strcmp(dk->valuestring, data_kinds[i]) == 0;
    /* Checkups of one source organisation: "checkups:<id>". */
    if (strncmp(dk->valuestring, "checkups:", 9) == 0 &&
        hubreq_parse_id(dk->valuestring + 9, strlen(dk->valuestring + 9)) > 0)
        known = 1;
    if (!known) {
        snprintf(msg, msgcap,
                 "The data kind must be \"safety\", \"checkups\" (or \"checkups:<source id>\"), "
                 "\"address\" or \"orders\".");
        goto out;
    }
    if (!cJSON_IsString(pu) || !valid_name(pu->valuestring)) {
        snprintf(msg, msgcap,
                 "The field \"purpose\" must be a short name of lowercase letters and _, like "
                 "\"watch_over\".");
        goto out;
    }
    if (!cJSON_IsBool(gr)) {
        snprintf(msg, msgcap,
                 "The field \"granted\" must be true (give consent) or false (withdraw it).");
        goto out;
    }
    snprintf(out->recipient_kind, sizeof out->recipient_kind, "%s", kind->valuestring);
    out->recipient_id = (long long)id->valuedouble;
    snprintf(out->data_kind, sizeof out->data_kind, "%s", dk->valuestring);
    snprintf(out->purpose, sizeof out->purpose, "%s", pu->valuestring);
    out->granted = cJSON_IsTrue(gr);
    st = HUBREQ_OK;
out:
    cJSON_Delete(root);
    return st;
}

int hubreq_valid_idempotency_key(const char *key)
{
    size_t n = strlen(key);
    if (n < 1 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = key[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

long long hubreq_parse_id(const char *text, size_t len)
{
    if (len == 0 || len > 16)
        return -1;
    long long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        v = v * 10 + (text[i] - '0');
    }
    return v >= 1 ? v : -1;
}
