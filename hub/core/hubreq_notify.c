/*
 * hubreq_notify.c: the alert notification endpoints' request bodies (see hubreq_notify.h).
 */
#include "hubreq_notify.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

/* "HH:MM" into minutes; -1 when it is not one. */
static long long hhmm(const cJSON *v)
{
    char t[8];
    int h, m;
    char tail;
    if (!hubreq_json_text(v, t, sizeof t) || strlen(t) != 5 ||
        sscanf(t, "%2d:%2d%c", &h, &m, &tail) != 2 || h < 0 || h > 23 || m < 0 || m > 59)
        return -1;
    return h * 60 + m;
}

static enum hubreq_status quiet(const cJSON *q, struct hubreq_notify_settings *o, char *msg,
                                size_t msgcap)
{
    static const char *const keys[] = {"start", "end", NULL};
    o->has_quiet = 1;
    if (cJSON_IsNull(q)) {
        o->q1 = o->q2 = -1;
        return HUBREQ_OK;
    }
    if (!cJSON_IsObject(q) || !hubreq_json_only_keys(q, keys, msg, msgcap) ||
        (o->q1 = hhmm(cJSON_GetObjectItemCaseSensitive(q, "start"))) < 0 ||
        (o->q2 = hhmm(cJSON_GetObjectItemCaseSensitive(q, "end"))) < 0 || o->q1 == o->q2) {
        snprintf(msg, msgcap,
                 "\"quiet_hours\" must be null or {\"start\":\"21:00\",\"end\":\"07:00\"} (two "
                 "different times, Japan time).");
        return HUBREQ_BAD_FIELD;
    }
    return HUBREQ_OK;
}

static enum hubreq_status modes(const cJSON *m, struct hubreq_notify_settings *o, char *msg,
                                size_t msgcap)
{
    const cJSON *e;
    if (!cJSON_IsObject(m) || cJSON_GetArraySize(m) > HUBREQ_NOTIFY_MODES) {
        snprintf(msg, msgcap, "\"modes\" must be an object like {\"unwell\":\"day\"} (at most %d).",
                 HUBREQ_NOTIFY_MODES);
        return HUBREQ_BAD_FIELD;
    }
    cJSON_ArrayForEach(e, m)
    {
        if (strlen(e->string) >= sizeof o->kind[0] ||
            !hubreq_json_text(e, o->mode[o->n_modes], sizeof o->mode[0])) {
            snprintf(msg, msgcap,
                     "\"modes\": each alert kind takes \"always\", \"day\" or \"off\".");
            return HUBREQ_BAD_FIELD;
        }
        snprintf(o->kind[o->n_modes], sizeof o->kind[0], "%s", e->string);
        o->n_modes++;
    }
    return HUBREQ_OK;
}

enum hubreq_status hubreq_parse_notify_settings(const char *body, size_t len,
                                                struct hubreq_notify_settings *out, char *msg,
                                                size_t msgcap)
{
    static const char *const keys[] = {"mail", "lang", "quiet_hours", "modes", NULL};
    cJSON *root = NULL;
    enum hubreq_status s = HUBREQ_BAD_FIELD;
    memset(out, 0, sizeof *out);
    if (!hubreq_json_object(body, len, 4096, NULL,
                            "{\"mail\":\"taro@example.jp\",\"quiet_hours\":{\"start\":\"21:00\","
                            "\"end\":\"07:00\"},\"modes\":{\"unwell\":\"day\"}}",
                            &root, msg, msgcap))
        return HUBREQ_BAD_JSON;
    if (!hubreq_json_only_keys(root, keys, msg, msgcap))
        goto out;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "mail");
    if (v && !(cJSON_IsString(v) &&
               (!*v->valuestring || hubreq_json_text(v, out->mail, sizeof out->mail)))) {
        snprintf(msg, msgcap, "\"mail\" must be an address (at most 254 bytes) or \"\".");
        goto out;
    }
    out->has_mail = v != NULL;
    v = cJSON_GetObjectItemCaseSensitive(root, "lang");
    if (v && !hubreq_json_text(v, out->lang, sizeof out->lang)) {
        snprintf(msg, msgcap, "\"lang\" must be \"ja\" or \"en\".");
        goto out;
    }
    out->has_lang = v != NULL;
    v = cJSON_GetObjectItemCaseSensitive(root, "quiet_hours");
    if (v && quiet(v, out, msg, msgcap) != HUBREQ_OK)
        goto out;
    v = cJSON_GetObjectItemCaseSensitive(root, "modes");
    if (v && modes(v, out, msg, msgcap) != HUBREQ_OK)
        goto out;
    s = HUBREQ_OK;
out:
    cJSON_Delete(root);
    return s;
}

enum hubreq_status hubreq_parse_notify_ack(const char *body, size_t len,
                                           char code[HUBREQ_ACK_CODE_MAX], char *msg, size_t msgcap)
{
    static const char *const keys[] = {"code", NULL};
    cJSON *root = NULL;
    char raw[48], sym[17];
    size_t n = 0;
    enum hubreq_status s = HUBREQ_BAD_FIELD;
    if (!hubreq_json_object(body, len, 256, NULL, "{\"code\":\"ABCD-EFGH-JKLM-NPQR\"}", &root, msg,
                            msgcap))
        return HUBREQ_BAD_JSON;
    if (!hubreq_json_only_keys(root, keys, msg, msgcap))
        goto out;
    if (!hubreq_json_text(cJSON_GetObjectItemCaseSensitive(root, "code"), raw, sizeof raw))
        goto bad;
    for (const char *p = raw; *p; p++) {
        if (*p == '-' || *p == ' ')
            continue;
        if (!isalnum((unsigned char)*p) || n == 16)
            goto bad;
        sym[n++] = (char)toupper((unsigned char)*p);
    }
    if (n != 16)
        goto bad;
    snprintf(code, HUBREQ_ACK_CODE_MAX, "%.4s-%.4s-%.4s-%.4s", sym, sym + 4, sym + 8, sym + 12);
    s = HUBREQ_OK;
    goto out;
bad:
    snprintf(msg, msgcap,
             "\"code\" must be the 16-letter code of the message, like "
             "ABCD-EFGH-JKLM-NPQR.");
out:
    cJSON_Delete(root);
    return s;
}
