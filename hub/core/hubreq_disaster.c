/*
 * hubreq_disaster.c: the disaster endpoints' request bodies (see hubreq_disaster.h).
 */
#include "hubreq_disaster.h"
#include "hubclock.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

/* Characters of valid UTF-8 text s (the lead bytes). */
static long utf8_chars(const char *s)
{
    long n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

/*
 * Copies the string field name of root into out (cap bytes with the NUL). required: a
 * missing field is an error; min_chars / max_chars bound the characters (max_chars 0 =
 * only the byte cap). 0, or -1 with msg set.
 */
static int text_field(const cJSON *root, const char *name, int required, long min_chars,
                      long max_chars, char *out, size_t cap, char *msg, size_t msgcap)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(root, name);
    out[0] = '\0';
    if (!f && !required)
        return 0;
    if (!f || !cJSON_IsString(f)) {
        snprintf(msg, msgcap, "The field \"%s\" %s; it must be a string.", name,
                 f ? "is not a string" : "is missing");
        return -1;
    }
    size_t bytes = strlen(f->valuestring);
    long chars = utf8_chars(f->valuestring);
    if (!hubreq_utf8_ok(f->valuestring, bytes)) {
        snprintf(msg, msgcap,
                 "The field \"%s\" is not valid UTF-8 text on one line (no control characters).",
                 name);
        return -1;
    }
    if (chars < min_chars || (max_chars > 0 && chars > max_chars) || bytes >= cap) {
        snprintf(msg, msgcap,
                 "The field \"%s\" must have %ld to %ld characters (at most %zu bytes).", name,
                 min_chars, max_chars > 0 ? max_chars : (long)(cap - 1), cap - 1);
        return -1;
    }
    memcpy(out, f->valuestring, bytes + 1);
    return 0;
}

/* "whole_town": true or "districts": [names]: exactly one. 0, or -1 with msg. */
static int area_field(const cJSON *root, struct hubreq_area *a, char *msg, size_t msgcap)
{
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(root, "whole_town");
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(root, "districts");
    memset(a, 0, sizeof *a);
    if ((w && !cJSON_IsFalse(w)) == (d != NULL) || (w && !cJSON_IsBool(w))) {
        snprintf(
            msg, msgcap,
            "Say where: exactly one of \"whole_town\": true or \"districts\": [\"北町\", ...].");
        return -1;
    }
    if (w) {
        a->whole_town = 1;
        return 0;
    }
    int n = cJSON_IsArray(d) ? cJSON_GetArraySize(d) : -1;
    if (n < 1 || n > HUBREQ_DISTRICTS_MAX) {
        snprintf(msg, msgcap, "\"districts\" must be a list of 1 to %d district names.",
                 HUBREQ_DISTRICTS_MAX);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        const cJSON *e = cJSON_GetArrayItem(d, i);
        size_t bytes = cJSON_IsString(e) ? strlen(e->valuestring) : 0;
        if (bytes < 1 || bytes > HUBREQ_DISTRICT_MAX || !hubreq_utf8_ok(e->valuestring, bytes)) {
            snprintf(msg, msgcap,
                     "District %d must be a name of 1 to %d bytes of text on one line.", i + 1,
                     HUBREQ_DISTRICT_MAX);
            return -1;
        }
        snprintf(a->districts[i], sizeof a->districts[i], "%s", e->valuestring);
    }
    a->n_districts = n;
    return 0;
}

void hubreq_area_words(const struct hubreq_area *a, char *out, size_t cap)
{
    size_t len = 0;
    snprintf(out, cap, "%s", a->whole_town ? "町内全域" : "");
    for (int i = 0; !a->whole_town && i < a->n_districts; i++) {
        int w = snprintf(out + len, cap - len, "%s%s", i ? "・" : "", a->districts[i]);
        if (w < 0 || (size_t)w >= cap - len)
            return;
        len += (size_t)w;
    }
}

/* An optional RFC 3339 time field (null = absent). *has 1 when given. 0, or -1. */
static int time_field(const cJSON *root, const char *name, int *has, long long *at, char *msg,
                      size_t msgcap)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(root, name);
    *has = 0;
    if (!f || cJSON_IsNull(f))
        return 0;
    if (!cJSON_IsString(f) || hubclock_parse_rfc3339(f->valuestring, at) != 0) {
        snprintf(msg, msgcap,
                 "The field \"%s\" must be a time like \"2026-12-06T03:00:00Z\" (RFC 3339) or "
                 "null.",
                 name);
        return -1;
    }
    *has = 1;
    return 0;
}

int hubreq_kana_only(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    int chars = 0;
    while (*u) {
        if (*u == ' ') {
            u++;
        } else if (u[0] == 0xE3 && u[1] >= 0x81 && u[1] <= 0x83 && u[2] >= 0x80 && u[2] <= 0xBF) {
            /* U+3040..U+30FF: hiragana, katakana, ・ and ー */
            unsigned cp = ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
            if (cp < 0x3041 || (cp > 0x3096 && cp < 0x30A1))
                return 0;
            u += 3;
        } else {
            return 0;
        }
        chars++;
    }
    return chars <= HUBREQ_TITLE_CHARS;
}

enum hubreq_status hubreq_parse_notice(const char *body, size_t len, struct hubreq_notice *n,
                                       char *msg, size_t msgcap)
{
    static const char example[] =
        "{\"kind\":\"evacuation_order\",\"title_ja\":\"避難指示\",\"what_ja\":\"…\","
        "\"todo_ja\":\"…\",\"districts\":[\"北町\"]}";
    enum hubreq_status st = HUBREQ_BAD_FIELD;
    memset(n, 0, sizeof *n);
    static const char *const keys[] = {
        "kind",       "title_ja",  "title_en",  "what_ja", "todo_ja",   "what_en", "todo_en",
        "whole_town", "districts", "starts_at", "ends_at", "area_kana", NULL};
    cJSON *root = NULL;
    if (!hubreq_json_object(body, len, HUBREQ_BODY_MAX, NULL, example, &root, msg, msgcap))
        return HUBREQ_BAD_JSON;
    if (!hubreq_json_only_keys(root, keys, msg, msgcap))
        goto out;
    if (text_field(root, "kind", 1, 1, HUBREQ_NAME_MAX - 1, n->kind, sizeof n->kind, msg, msgcap) !=
            0 ||
        text_field(root, "title_ja", 1, 1, HUBREQ_TITLE_CHARS, n->title_ja, sizeof n->title_ja, msg,
                   msgcap) != 0 ||
        text_field(root, "title_en", 0, 0, HUBREQ_TITLE_CHARS, n->title_en, sizeof n->title_en, msg,
                   msgcap) != 0 ||
        text_field(root, "what_ja", 1, 1, 0, n->what_ja, sizeof n->what_ja, msg, msgcap) != 0 ||
        text_field(root, "todo_ja", 1, 1, 0, n->todo_ja, sizeof n->todo_ja, msg, msgcap) != 0 ||
        text_field(root, "what_en", 0, 0, 0, n->what_en, sizeof n->what_en, msg, msgcap) != 0 ||
        text_field(root, "todo_en", 0, 0, 0, n->todo_en, sizeof n->todo_en, msg, msgcap) != 0 ||
        area_field(root, &n->area, msg, msgcap) != 0 ||
        time_field(root, "starts_at", &n->has_starts, &n->starts_at, msg, msgcap) != 0 ||
        time_field(root, "ends_at", &n->has_ends, &n->ends_at, msg, msgcap) != 0)
        goto out;
    const cJSON *kana = cJSON_GetObjectItemCaseSensitive(root, "area_kana");
    if (kana && !cJSON_IsNull(kana)) {
        if (!cJSON_IsString(kana) || !hubreq_kana_only(kana->valuestring)) {
            snprintf(msg, msgcap,
                     "\"area_kana\" must be the place's reading in kana (hiragana, katakana, ー, "
                     "・, spaces; at most %d characters), e.g. \"きたまち\", or null.",
                     HUBREQ_TITLE_CHARS);
            goto out;
        }
        snprintf(n->area_kana, sizeof n->area_kana, "%s", kana->valuestring);
    }
    if (strspn(n->kind, "abcdefghijklmnopqrstuvwxyz_") != strlen(n->kind)) {
        snprintf(msg, msgcap,
                 "\"kind\" must be one of the town's kinds, e.g. \"evacuation_order\".");
        goto out;
    }
    if (n->has_starts && n->has_ends && n->ends_at <= n->starts_at) {
        snprintf(msg, msgcap, "\"ends_at\" must be after \"starts_at\".");
        goto out;
    }
    st = HUBREQ_OK;
out:
    cJSON_Delete(root);
    return st;
}

enum hubreq_status hubreq_parse_safety_check(const char *body, size_t len,
                                             struct hubreq_safety_check *c, char *msg,
                                             size_t msgcap)
{
    static const char example[] =
        "{\"title_ja\":\"地震の あとの 安否確認\",\"whole_town\":true,\"answer_within_min\":60}";
    enum hubreq_status st = HUBREQ_BAD_FIELD;
    memset(c, 0, sizeof *c);
    c->answer_within_min = 60;
    static const char *const keys[] = {"title_ja", "whole_town", "districts", "answer_within_min",
                                       NULL};
    cJSON *root = NULL;
    if (!hubreq_json_object(body, len, HUBREQ_BODY_MAX, NULL, example, &root, msg, msgcap))
        return HUBREQ_BAD_JSON;
    if (!hubreq_json_only_keys(root, keys, msg, msgcap))
        goto out;
    if (text_field(root, "title_ja", 1, 1, HUBREQ_TITLE_CHARS, c->title_ja, sizeof c->title_ja, msg,
                   msgcap) != 0 ||
        area_field(root, &c->area, msg, msgcap) != 0)
        goto out;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "answer_within_min");
    long long minutes = 60;
    if (m && !hubreq_json_int(m, 5, 1440, &minutes)) {
        snprintf(msg, msgcap,
                 "\"answer_within_min\" must be a whole number of minutes, 5 to 1440.");
        goto out;
    }
    c->answer_within_min = (long)minutes;
    st = HUBREQ_OK;
out:
    cJSON_Delete(root);
    return st;
}

enum hubreq_status hubreq_parse_safety_answer(const char *body, size_t len,
                                              struct hubreq_safety_answer *a, char *msg,
                                              size_t msgcap)
{
    static const char example[] = "{\"answer\":\"safe\",\"at\":\"2026-12-06T03:05:00Z\"}";
    enum hubreq_status st = HUBREQ_BAD_FIELD;
    memset(a, 0, sizeof *a);
    static const char *const keys[] = {"answer", "at", NULL};
    cJSON *root = NULL;
    if (!hubreq_json_object(body, len, HUBREQ_BODY_MAX, NULL, example, &root, msg, msgcap))
        return HUBREQ_BAD_JSON;
    if (!hubreq_json_only_keys(root, keys, msg, msgcap))
        goto out;
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(root, "answer");
    if (cJSON_IsString(f) && strcmp(f->valuestring, "safe") == 0) {
        a->answer = "safe";
    } else if (cJSON_IsString(f) && strcmp(f->valuestring, "need_help") == 0) {
        a->answer = "need_help";
    } else {
        snprintf(msg, msgcap, "\"answer\" must be \"safe\" or \"need_help\".");
        goto out;
    }
    if (time_field(root, "at", &a->has_at, &a->at, msg, msgcap) != 0)
        goto out;
    st = HUBREQ_OK;
out:
    cJSON_Delete(root);
    return st;
}
