/*
 * noticeport: requests and parsers of the notices and the safety confirmation (see
 * noticeport.h and docs/api.md). Nothing personal is logged.
 */
#include "noticeport.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubclient.h"
#include "famsafety.h"
#include "hubport.h"
#include "notice.h"
#include "safety.h"
#include "wareki.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char etag[HUBC_ETAG_MAX];     /* of the last notices answer that parsed */
static char fam_etag[HUBC_ETAG_MAX]; /* of the last family safety answer that parsed */

void noticeport_keep_etag(int kind, const char *e)
{
    pthread_mutex_lock(&mu);
    if (kind == APP_EV_NOTICES)
        snprintf(etag, sizeof etag, "%s", e ? e : "");
    else if (kind == APP_EV_FAM_SAFETY)
        snprintf(fam_etag, sizeof fam_etag, "%s", e ? e : "");
    pthread_mutex_unlock(&mu);
}

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* Copies a string field, cut at a UTF-8 character boundary to fit. */
static void str(const cJSON *o, const char *k, char *dst, size_t size)
{
    const cJSON *v = get(o, k);
    const char *s = cJSON_IsString(v) ? v->valuestring : "";
    size_t n = strlen(s);
    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
}

/* A time given as "<k>_unix" (a number), or as "<k>" (RFC 3339 or a number); 0 = none. */
static int64_t when(const cJSON *o, const char *k)
{
    char ku[64];
    snprintf(ku, sizeof ku, "%s_unix", k);
    const cJSON *v = get(o, ku);
    if (!cJSON_IsNumber(v))
        v = get(o, k);
    if (cJSON_IsNumber(v))
        return v->valuedouble > 0 && v->valuedouble < 1e11 ? (int64_t)v->valuedouble : 0;
    return cJSON_IsString(v) ? wareki_parse_rfc3339(v->valuestring) : 0;
}

static long long id_of(const cJSON *o)
{
    const cJSON *v = get(o, "id");
    return cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble < 9e15
               ? (long long)v->valuedouble
               : 0;
}

static bool parse_notice(const cJSON *it, struct notice *n)
{
    memset(n, 0, sizeof *n);
    n->id = id_of(it);
    const cJSON *src = get(it, "source"), *kind = get(it, "kind"), *lv = get(it, "level");
    n->from_jma = cJSON_IsString(src) && strcmp(src->valuestring, "jma") == 0;
    n->kind = notice_kind_parse(cJSON_IsString(kind) ? kind->valuestring : NULL);
    n->level = cJSON_IsNumber(lv) && lv->valuedouble > -1000 && lv->valuedouble < 1000
                   ? (int)lv->valuedouble
                   : 0;
    str(it, "title_ja", n->title_ja, sizeof n->title_ja);
    str(it, "title_en", n->title_en, sizeof n->title_en);
    str(it, "area_ja", n->area_ja, sizeof n->area_ja);
    /* a reading cut short would name another place: one too long is not taken */
    const cJSON *kana = get(it, "area_kana");
    if (cJSON_IsString(kana) && strlen(kana->valuestring) < sizeof n->area_kana)
        str(it, "area_kana", n->area_kana, sizeof n->area_kana);
    str(it, "what_ja", n->what_ja, sizeof n->what_ja);
    str(it, "todo_ja", n->todo_ja, sizeof n->todo_ja);
    str(it, "what_en", n->what_en, sizeof n->what_en);
    str(it, "todo_en", n->todo_en, sizeof n->todo_en);
    n->starts_at = when(it, "starts_at");
    n->ends_at = when(it, "ends_at");
    n->updated_at = when(it, "updated_at");
    /* a notice with no words or no start cannot be shown truthfully */
    return n->id > 0 && n->title_ja[0] && n->starts_at > 0 &&
           (n->ends_at == 0 || n->ends_at > n->starts_at);
}

static void *parse_notices(const cJSON *root)
{
    const cJSON *it, *list = get(root, "notices");
    if (!cJSON_IsArray(list))
        return NULL;
    struct notice_list *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    cJSON_ArrayForEach(it, list)
    {
        if (l->n >= NOTICE_MAX)
            break;
        if (parse_notice(it, &l->items[l->n]))
            l->n++;
    }
    return l;
}

static void *parse_checks(const cJSON *root)
{
    const cJSON *it, *list = get(root, "checks");
    if (!cJSON_IsArray(list))
        return NULL;
    struct safety_list *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    cJSON_ArrayForEach(it, list)
    {
        if (l->n >= SAFETY_MAX)
            break;
        struct safety_check *c = &l->items[l->n];
        const cJSON *ans = get(it, "answer");
        int a = cJSON_IsString(ans) ? safety_answer_parse(ans->valuestring) : SAFETY_NONE;
        c->id = id_of(it);
        str(it, "title_ja", c->title_ja, sizeof c->title_ja);
        c->asked_at = when(it, "started_at");
        if (!c->asked_at)
            c->asked_at = when(it, "asked_at");
        c->answered_at = when(it, "answered_at");
        if (c->id <= 0 || a < 0)
            continue;
        c->answer = (enum safety_answer)a;
        l->n++;
    }
    return l;
}

/* GET /v1/family/safety: one row per (check, resident), the checks' order kept. */
static void *parse_family(const cJSON *root)
{
    const cJSON *it, *r, *list = get(root, "checks");
    if (!cJSON_IsArray(list))
        return NULL;
    struct famsafety_list *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    cJSON_ArrayForEach(it, list)
    {
        const cJSON *res = get(it, "residents");
        long long id = id_of(it);
        int64_t started = when(it, "started_at");
        if (id <= 0 || started <= 0 || !cJSON_IsArray(res))
            continue;
        cJSON_ArrayForEach(r, res)
        {
            if (l->n >= FAMSAFETY_MAX)
                return l;
            struct famsafety_entry *e = &l->items[l->n];
            const cJSON *ans = get(r, "answer");
            int a = cJSON_IsString(ans) ? safety_answer_parse(ans->valuestring) : SAFETY_NONE;
            const cJSON *rid = get(r, "resident_id");
            memset(e, 0, sizeof *e);
            e->check_id = id;
            e->started_at = started;
            e->closed_at = when(it, "closed_at");
            str(it, "title_ja", e->title_ja, sizeof e->title_ja);
            e->resident_id =
                cJSON_IsNumber(rid) && rid->valuedouble >= 1 && rid->valuedouble < 2147483647.0
                    ? (long)rid->valuedouble
                    : 0;
            e->answered_at = when(r, "answered_at");
            /* an answer the kiosk does not know is not shown as any of the three */
            if (e->resident_id <= 0 || a < 0 || (a != SAFETY_NONE && e->answered_at <= 0))
                continue;
            e->answer = (enum safety_answer)a;
            l->n++;
        }
    }
    return l;
}

void noticeport_parse(struct app_event *ev, int err, long status, const char *body)
{
    ev->status = status;
    ev->disaster = NULL;
    ev->net_tls = err == HUBC_E_TLS;
    if (err != HUBC_OK) {
        ev->net = APP_NET_UNREACHABLE;
        return;
    }
    if (status == 304 && (ev->kind == APP_EV_NOTICES || ev->kind == APP_EV_FAM_SAFETY)) {
        /* the list the kiosk has is still the hub's */
        if (ev->kind == APP_EV_NOTICES) {
            struct notice_list *l = calloc(1, sizeof *l);
            if (l)
                l->unchanged = true;
            ev->disaster = l;
        } else {
            struct famsafety_list *l = calloc(1, sizeof *l);
            if (l)
                l->unchanged = true;
            ev->disaster = l;
        }
        ev->net = ev->disaster ? APP_NET_OK : APP_NET_BAD_ANSWER;
        return;
    }
    if (status < 200 || status > 299) {
        ev->net = APP_NET_REFUSED;
        return;
    }
    ev->net = APP_NET_OK;
    if (ev->kind == APP_EV_SAFETY_SENT)
        return; /* a 2xx means the hub has the answer; the app knows which one */
    cJSON *root = cJSON_Parse(body ? body : "");
    ev->disaster = ev->kind == APP_EV_NOTICES      ? parse_notices(root)
                   : ev->kind == APP_EV_FAM_SAFETY ? parse_family(root)
                                                   : parse_checks(root);
    if (!ev->disaster)
        ev->net = APP_NET_BAD_ANSWER;
    cJSON_Delete(root);
}

bool noticeport_safety_item(const char *path, const char *body, int64_t created,
                            struct app_event *ev)
{
    long long id = 0;
    int used = 0;
    if (sscanf(path, "/v1/safety/%lld/answer%n", &id, &used) != 1 || path[used] != '\0' || id <= 0)
        return false;
    cJSON *root = cJSON_Parse(body ? body : "");
    const cJSON *ans = get(root, "answer");
    int a = cJSON_IsString(ans) ? safety_answer_parse(ans->valuestring) : -1;
    int64_t at = when(root, "at");
    cJSON_Delete(root);
    if (a <= SAFETY_NONE)
        return false;
    struct safety_sent *s = calloc(1, sizeof *s);
    if (!s)
        return false;
    s->check_id = id;
    s->answer = (enum safety_answer)a;
    s->at = at ? at : created;
    ev->disaster = s;
    return true;
}

/* GET path with If-None-Match: the kept ETag of the last answer that parsed */
static uint32_t fetch_if_changed(void *ctx, const char *kept, const char *path, int kind)
{
    char e[HUBC_ETAG_MAX];
    pthread_mutex_lock(&mu);
    snprintf(e, sizeof e, "%s", kept);
    pthread_mutex_unlock(&mu);
    return hubc_get_if_changed(hubport_client(ctx), path, e, (uint32_t)kind);
}

static uint32_t fetch_notices(void *ctx)
{
    return fetch_if_changed(ctx, etag, "/v1/notices", APP_EV_NOTICES);
}

static uint32_t fetch_family_safety(void *ctx)
{
    return fetch_if_changed(ctx, fam_etag, "/v1/family/safety", APP_EV_FAM_SAFETY);
}

static uint32_t fetch_safety(void *ctx)
{
    return hubc_submit(hubport_client(ctx), HUBC_GET, "/v1/safety", NULL, NULL, NULL,
                       APP_EV_SAFETY_LIST);
}

static uint32_t send_safety(void *ctx, long long check_id, const char *answer, int64_t at,
                            const char *key)
{
    char path[64], body[128], stamp[32];
    struct wareki_tm tm;
    if (check_id <= 0 || safety_answer_parse(answer) <= SAFETY_NONE)
        return 0;
    /* RFC 3339 in UTC, as the hub writes its times (docs/api.md) */
    wareki_jst(at - 9 * 3600, &tm);
    snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.year, tm.month, tm.day,
             tm.hour, tm.minute, (int)(((at % 60) + 60) % 60));
    snprintf(path, sizeof path, "/v1/safety/%lld/answer", check_id);
    snprintf(body, sizeof body, "{\"answer\":\"%s\",\"at\":\"%s\"}", answer, stamp);
    return hubport_send_kept(ctx, "safety", path, body, key, APP_EV_SAFETY_SENT);
}

void noticeport_bind(struct app_ports *p)
{
    p->fetch_notices = fetch_notices;
    p->fetch_safety = fetch_safety;
    p->fetch_family_safety = fetch_family_safety;
    p->send_safety = send_safety;
}
