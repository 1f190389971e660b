/*
 * ojson.c: checked readers over cJSON (see ojson.h). cJSON stores numbers as double; we
 * accept an integer only when the double holds it exactly, and only within ±2^53.
 */
#include "ojson.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int ojson_parse(const char *json, size_t len, size_t cap, cJSON **root, char *err, size_t errlen)
{
    *root = NULL;
    if (!json || len == 0) {
        snprintf(err, errlen, "the body is empty; send a JSON object");
        return 0;
    }
    if (len > cap) {
        snprintf(err, errlen, "the body is %zu bytes; at most %zu are allowed", len, cap);
        return 0;
    }
    const char *end = NULL;
    cJSON *r = cJSON_ParseWithLengthOpts(json, len, &end, 0);
    if (!r) {
        snprintf(err, errlen, "the body is not valid JSON");
        return 0;
    }
    /* Only whitespace may follow the object. */
    for (const char *p = end; p && p < json + len; p++) {
        if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t' && *p != '\0') {
            snprintf(err, errlen, "the body has text after the JSON object");
            cJSON_Delete(r);
            return 0;
        }
    }
    if (!cJSON_IsObject(r)) {
        snprintf(err, errlen, "the body must be a JSON object");
        cJSON_Delete(r);
        return 0;
    }
    *root = r;
    return 1;
}

int ojson_only_keys(const cJSON *obj, const char *const *allowed, char *err, size_t errlen)
{
    const cJSON *c = NULL;
    cJSON_ArrayForEach(c, obj)
    {
        int ok = 0;
        for (const char *const *a = allowed; *a; a++) {
            if (c->string && strcmp(c->string, *a) == 0) {
                ok = 1;
                break;
            }
        }
        if (!ok) {
            /* The key name is the client's own text; show a bounded, printable part. */
            char shown[33] = "";
            size_t n = 0;
            for (const char *p = c->string ? c->string : ""; *p && n < sizeof(shown) - 1; p++) {
                shown[n++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
            }
            shown[n] = '\0';
            snprintf(err, errlen, "unknown field \"%s\"", shown);
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
                snprintf(err, errlen, "the field \"%s\" appears twice", *a);
                return 0;
            }
        }
    }
    return 1;
}

int ojson_int(const cJSON *v, long long lo, long long hi, long long *out)
{
    if (!cJSON_IsNumber(v)) {
        return 0;
    }
    double d = v->valuedouble;
    if (!isfinite(d) || d != floor(d) || d < -9007199254740992.0 || d > 9007199254740992.0) {
        return 0;
    }
    long long x = (long long)d;
    if (x < lo || x > hi) {
        return 0;
    }
    *out = x;
    return 1;
}

int ojson_utf8_ok(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        size_t n;
        unsigned int cp;
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f) {
                return 0;
            }
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
        if (i + n >= len) {
            return 0; /* truncated sequence */
        }
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xc0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        /* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
            return 0;
        }
        i += n + 1;
    }
    return 1;
}

int ojson_text(const cJSON *v, char *out, size_t cap)
{
    if (!cJSON_IsString(v) || !v->valuestring || cap == 0) {
        return 0;
    }
    size_t n = strlen(v->valuestring);
    if (n == 0 || n >= cap || !ojson_utf8_ok(v->valuestring, n)) {
        return 0;
    }
    memcpy(out, v->valuestring, n + 1);
    return 1;
}
