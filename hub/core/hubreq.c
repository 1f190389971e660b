/*
 * hubreq.c: request body parsing with cJSON (see hubreq.h). cJSON_ParseWithLengthOpts is
 * used so bodies need no terminator and the error position comes back per call (the
 * global cJSON_GetErrorPtr is not thread-safe).
 */
#include "hubreq.h"
#include "b64.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* Valid UTF-8 without C0 controls or DEL; with ws, tab, CR and LF are allowed (JSON
 * whitespace between tokens). Returns 0 at the first bad byte, *bad its offset. */
static int utf8_scan(const char *s, size_t len, int ws, size_t *bad)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        size_t n;
        unsigned int cp;
        *bad = i;
        if (c < 0x80) {
            if ((c < 0x20 && !(ws && (c == '\t' || c == '\n' || c == '\r'))) || c == 0x7f)
                return 0;
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            n = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (i + n >= len)
            return 0; /* truncated sequence */
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        /* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
            return 0;
        i += n + 1;
    }
    return 1;
}

int hubreq_utf8_ok(const char *s, size_t len)
{
    size_t bad = 0;
    return utf8_scan(s, len, 0, &bad);
}

/* The offset of the first \u0000 escape in JSON text, or -1. Escaped backslashes are
 * skipped in pairs, so "\\u0000" (a backslash, then u0000) is not one. */
static long nul_escape_at(const char *text, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (text[i] != '\\')
            continue;
        if (text[i + 1] == 'u' && i + 6 <= len && memcmp(text + i + 2, "0000", 4) == 0)
            return (long)i;
        i++; /* the escaped character */
    }
    return -1;
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The first key that appears twice in one object anywhere in the tree under v, or NULL.
 * keys is scratch room for cap pointers (the body's size bounds the number of keys). */
static const char *duplicate_key(const cJSON *v, const char **keys, size_t cap)
{
    const cJSON *c = NULL;
    size_t n = 0;
    if (cJSON_IsObject(v)) {
        cJSON_ArrayForEach(c, v)
        {
            if (n < cap)
                keys[n++] = c->string ? c->string : "";
        }
        qsort(keys, n, sizeof keys[0], cmp_key);
        for (size_t i = 1; i < n; i++)
            if (strcmp(keys[i - 1], keys[i]) == 0)
                return keys[i];
    }
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        cJSON_ArrayForEach(c, v)
        {
            const char *d = duplicate_key(c, keys, cap);
            if (d)
                return d;
        }
    }
    return NULL;
}

/* Writes a bounded, printable copy of the client's text s into out (33 bytes). */
static void shown_text(const char *s, char out[33])
{
    size_t n = 0;
    for (const char *p = s ? s : ""; *p && n < 32; p++)
        out[n++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
    out[n] = '\0';
}

int hubreq_json_object(const char *text, size_t len, size_t cap, const char *what,
                       const char *example, cJSON **root, char *msg, size_t msgcap)
{
    const char *w = what ? what : "request body";
    const char *like = example ? " like " : "";
    const char *ex = example ? example : "";
    cJSON *r = NULL;
    *root = NULL;
    if (!text || len == 0) {
        snprintf(msg, msgcap, "The %s is empty; send a JSON object%s%s.", w, like, ex);
        return 0;
    }
    if (len > cap) {
        snprintf(msg, msgcap, "The %s is %zu bytes; at most %zu are allowed.", w, len, cap);
        return 0;
    }
    size_t bad = 0;
    if (!utf8_scan(text, len, 1, &bad)) {
        snprintf(msg, msgcap,
                 "The %s is not UTF-8 text (byte %zu is a NUL, a control character or broken "
                 "UTF-8); send a JSON object%s%s.",
                 w, bad, like, ex);
        return 0;
    }
    long nul = nul_escape_at(text, len);
    if (nul >= 0) {
        snprintf(msg, msgcap,
                 "The %s holds the escape \\u0000 (a NUL character) at byte %ld; text may not "
                 "contain NUL.",
                 w, nul);
        return 0;
    }
    const char *end = NULL;
    r = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!r) {
        size_t at = end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
        snprintf(msg, msgcap,
                 "The %s is not valid JSON (the error is near byte %zu); send a JSON object%s%s.",
                 w, at, like, ex);
        return 0;
    }
    /* Trailing bytes after the value are an error too, except whitespace. */
    for (const char *p = end; p && p < text + len; p++) {
        if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t') {
            snprintf(msg, msgcap,
                     "The %s has extra bytes after the JSON value (at byte %zu); send exactly one "
                     "JSON object%s%s.",
                     w, (size_t)(p - text), like, ex);
            cJSON_Delete(r);
            return 0;
        }
    }
    if (!cJSON_IsObject(r)) {
        snprintf(msg, msgcap, "The %s must be a JSON object%s%s.", w, like, ex);
        cJSON_Delete(r);
        return 0;
    }
    /* A key given twice is ambiguous (parsers differ on which copy wins): refused anywhere
     * in the document. Every key takes at least 3 bytes ("":), so len / 3 pointers hold
     * the keys of any one object. */
    const char **keys = malloc((len / 3 + 1) * sizeof *keys);
    const char *dup = keys ? duplicate_key(r, keys, len / 3 + 1) : NULL;
    if (!keys || dup) {
        char shown[33];
        shown_text(dup, shown);
        if (keys)
            snprintf(msg, msgcap, "The %s has the field \"%s\" twice in one object; send it once.",
                     w, shown);
        else
            snprintf(msg, msgcap, "The hub ran out of memory reading the %s; try again.", w);
        free(keys);
        cJSON_Delete(r);
        return 0;
    }
    free(keys);
    *root = r;
    return 1;
}

int hubreq_json_only_keys(const cJSON *obj, const char *const *allowed, char *msg, size_t msgcap)
{
    const cJSON *c = NULL;
    cJSON_ArrayForEach(c, obj)
    {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = c->string && strcmp(c->string, *a) == 0;
        if (!ok) {
            /* The key name is the client's own text; show a bounded, printable part. */
            char shown[33];
            shown_text(c->string, shown);
            snprintf(msg, msgcap, "unknown field \"%s\"", shown);
            return 0;
        }
    }
    /* Duplicate keys: cJSON keeps both; a second copy is ambiguous, refuse it. Every key is
     * one of the allowed ones by now, so counting per allowed key is linear in the input. */
    for (const char *const *a = allowed; *a; a++) {
        int seen = 0;
        cJSON_ArrayForEach(c, obj)
        {
            if (strcmp(c->string, *a) == 0 && ++seen > 1) {
                snprintf(msg, msgcap, "the field \"%s\" appears twice", *a);
                return 0;
            }
        }
    }
    return 1;
}

int hubreq_json_int(const cJSON *v, long long lo, long long hi, long long *out)
{
    /* cJSON keeps numbers as double: an integer only when the double holds it exactly,
     * and only within +-2^53. */
    if (!cJSON_IsNumber(v))
        return 0;
    double d = v->valuedouble;
    if (!isfinite(d) || d != floor(d) || d < -9007199254740992.0 || d > 9007199254740992.0)
        return 0;
    long long x = (long long)d;
    if (x < lo || x > hi)
        return 0;
    *out = x;
    return 1;
}

int hubreq_json_text(const cJSON *v, char *out, size_t cap)
{
    if (!cJSON_IsString(v) || !v->valuestring || cap == 0)
        return 0;
    size_t n = strlen(v->valuestring);
    if (n == 0 || n >= cap || !hubreq_utf8_ok(v->valuestring, n))
        return 0;
    memcpy(out, v->valuestring, n + 1);
    return 1;
}

/* hubreq_json_only_keys with a whole sentence in msg. */
static int known_keys(const cJSON *obj, const char *const *allowed, const char *example, char *msg,
                      size_t msgcap)
{
    char why[96];
    if (hubreq_json_only_keys(obj, allowed, why, sizeof why))
        return 1;
    snprintf(msg, msgcap, "The request body has an %s; send only the fields of %s.", why, example);
    return 0;
}

/* A request body that must be one JSON object; returns owned cJSON (cJSON_Delete) or NULL
 * with msg set. */
static cJSON *parse_object(const char *body, size_t len, const char *example, char *msg,
                           size_t msgcap)
{
    cJSON *root = NULL;
    hubreq_json_object(body, len, HUBREQ_BODY_MAX, NULL, example, &root, msg, msgcap);
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
    if (!known_keys(root, (const char *const[]){"answer", NULL}, example, msg, msgcap))
        goto out;
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
    if (!known_keys(root, (const char *const[]){"challenge", "certificate", "signature", NULL},
                    example, msg, msgcap))
        goto out;
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
    if (!known_keys(root, (const char *const[]){"kind", NULL}, example, msg, msgcap)) {
        /* msg says which field */
    } else if (!k) {
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
    if (!known_keys(root,
                    (const char *const[]){"recipient", "data_kind", "purpose", "granted", NULL},
                    example, msg, msgcap) ||
        (cJSON_IsObject(rec) &&
         !known_keys(rec, (const char *const[]){"kind", "id", NULL}, example, msg, msgcap)))
        goto out;
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

enum hubreq_status hubreq_parse_help(const char *body, size_t len, char *msg, size_t msgcap)
{
    enum hubreq_status st = HUBREQ_OK;
    if (len == 0)
        return HUBREQ_OK; /* no body: a help call needs nothing more */
    cJSON *root = parse_object(body, len, "{}", msg, msgcap);
    if (!root)
        return HUBREQ_BAD_JSON;
    if (!known_keys(root, (const char *const[]){NULL}, "{}", msg, msgcap))
        st = HUBREQ_BAD_FIELD;
    cJSON_Delete(root);
    return st;
}

/* Skips optional whitespace (space, tab). */
static const char *ows(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

int hubreq_media_type_ok(const char *ct, const char *const *types)
{
    if (!ct)
        return 0;
    const char *p = ows(ct);
    const char *semi = strchr(p, ';');
    size_t n = semi ? (size_t)(semi - p) : strlen(p);
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    int known = 0;
    for (const char *const *t = types; *t && !known; t++)
        known = strlen(*t) == n && strncasecmp(p, *t, n) == 0;
    if (!known)
        return 0;
    if (!semi)
        return 1;
    /* One parameter only: charset=utf-8 (the value may be quoted; case does not matter). */
    p = ows(semi + 1);
    if (strncasecmp(p, "charset", 7) != 0)
        return 0;
    p = ows(p + 7);
    if (*p++ != '=')
        return 0;
    p = ows(p);
    int quoted = *p == '"';
    p += quoted;
    if (strncasecmp(p, "utf-8", 5) != 0)
        return 0;
    p += 5;
    if (quoted && *p++ != '"')
        return 0;
    return *ows(p) == '\0';
}

int hubreq_valid_idempotency_key(const char *key)
{
    size_t n = key ? strlen(key) : 0;
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
