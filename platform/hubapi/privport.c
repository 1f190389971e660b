/*
 * privport: requests and answers of the resident's own data and the family's alerts (see
 * privport.h). Parsing runs on the hub client's worker thread and only fills plain
 * structs; every string is cut to its field (never overflowed), every list to its cap,
 * entries without the fields the screens need are skipped.
 */
#include "privport.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubport.h"
#include "jsonnum.h"

/* --- request --- */

static bool identity_ok(const char *s)
{
    size_t n = strlen(s);
    if (n != 5)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')))
            return false;
    return true;
}

/* JSON string content: the few words we send are plain, but escape anyway. */
static void esc(const char *s, char *out, size_t size)
{
    size_t o = 0;
    for (; *s && o + 7 < size; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20) {
            o += (size_t)snprintf(out + o, size - o, "\\u%04x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
}

bool privport_build(const struct priv_request *r, int *is_post, char *path, size_t path_size,
                    char *body, size_t body_size, bool *session)
{
    int limit = r->limit > 0 && r->limit <= 100 ? r->limit : 20;
    *is_post = 0;
    *session = true;
    body[0] = '\0';
    switch (r->what) {
    case PRIV_REQ_LOG:
        /* the log as grouped lines, others' first (docs/api.md); `before` is the offset */
        if (r->before > 0)
            snprintf(path, path_size, "/v1/session/access-summary?limit=%d&offset=%lld", limit,
                     r->before);
        else
            snprintf(path, path_size, "/v1/session/access-summary?limit=%d", limit);
        return true;
    case PRIV_REQ_CONSENTS:
        snprintf(path, path_size, "/v1/session/consents");
        return true;
    case PRIV_REQ_CONSENT_SET: {
        char k[32], d[PRIV_WORD * 2], p[64];
        if (r->recipient_id <= 0 || !r->recipient_kind[0] || !r->data_kind[0] || !r->purpose[0])
            return false;
        esc(r->recipient_kind, k, sizeof k);
        esc(r->data_kind, d, sizeof d);
        esc(r->purpose, p, sizeof p);
        *is_post = 1;
        snprintf(path, path_size, "/v1/session/consents");
        snprintf(body, body_size,
                 "{\"recipient\":{\"kind\":\"%s\",\"id\":%lld},\"data_kind\":\"%s\","
                 "\"purpose\":\"%s\",\"granted\":%s}",
                 k, r->recipient_id, d, p, r->granted ? "true" : "false");
        return true;
    }
    case PRIV_REQ_ALERTS:
        snprintf(path, path_size, "/v1/session/alerts?limit=%d", limit);
        return true;
    case PRIV_REQ_FAM_ALERTS:
        if (r->id <= 0)
            return false;
        *session = false;
        snprintf(path, path_size, "/v1/residents/%lld/alerts?limit=%d", r->id, limit);
        return true;
    case PRIV_REQ_ACK:
        if (r->id <= 0)
            return false;
        *session = false;
        *is_post = 1;
        snprintf(path, path_size, "/v1/alerts/%lld/ack", r->id);
        snprintf(body, body_size, "{}");
        return true;
    case PRIV_REQ_CK_LIST:
        if (r->before > 0)
            snprintf(path, path_size, "/v1/session/checkups?limit=%d&before=%lld", limit,
                     r->before);
        else
            snprintf(path, path_size, "/v1/session/checkups?limit=%d", limit);
        return true;
    case PRIV_REQ_CK_ONE:
        if (r->id <= 0)
            return false;
        snprintf(path, path_size, "/v1/session/checkups/%lld", r->id);
        return true;
    case PRIV_REQ_CK_TREND:
        if (!identity_ok(r->identity))
            return false;
        snprintf(path, path_size, "/v1/session/checkup-trend?identity=%s", r->identity);
        return true;
    }
    return false;
}

static enum app_event_kind kind_of(enum priv_what w)
{
    static const enum app_event_kind k[] = {
        [PRIV_REQ_LOG] = APP_EV_PRIV_LOG,
        [PRIV_REQ_CONSENTS] = APP_EV_PRIV_CONSENTS,
        [PRIV_REQ_CONSENT_SET] = APP_EV_PRIV_CONSENT_SET,
        [PRIV_REQ_ALERTS] = APP_EV_PRIV_ALERTS,
        [PRIV_REQ_FAM_ALERTS] = APP_EV_PRIV_FAM_ALERTS,
        [PRIV_REQ_ACK] = APP_EV_PRIV_ACK,
        [PRIV_REQ_CK_LIST] = APP_EV_CK_LIST,
        [PRIV_REQ_CK_ONE] = APP_EV_CK_ONE,
        [PRIV_REQ_CK_TREND] = APP_EV_CK_TREND,
    };
    return k[w];
}

uint32_t privport_request(void *ctx, const struct priv_request *r)
{
    struct hubport *hp = ctx;
    char path[192], body[512];
    int is_post;
    bool session;
    if ((unsigned)r->what > PRIV_REQ_CK_TREND ||
        !privport_build(r, &is_post, path, sizeof path, body, sizeof body, &session))
        return 0;
    const char *ses = NULL;
    if (session) {
        ses = hubport_card_session(hp);
        if (!ses)
            return 0; /* no card session: the screen says so, nothing is sent */
    }
    return hubport_submit_raw(hp, is_post ? HUBC_POST : HUBC_GET, path, is_post ? body : NULL, ses,
                              (uint32_t)kind_of(r->what));
}

/* --- parsing --- */

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static bool dnum(const cJSON *o, const char *k, double *out)
{
    const cJSON *v = get(o, k);
    if (!cJSON_IsNumber(v))
        return false;
    *out = v->valuedouble;
    return true;
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

/* Who did what, why and on what basis: the words of an entry or a grouped line. */
static void log_words(const cJSON *it, struct priv_log_entry *e)
{
    const cJSON *actor = get(it, "actor");
    str(actor, "kind", e->actor_kind, sizeof e->actor_kind);
    str(actor, "display_name", e->actor_name, sizeof e->actor_name);
    str(it, "action", e->action, sizeof e->action);
    str(it, "outcome", e->outcome, sizeof e->outcome);
    str(it, "data_kinds", e->data_kinds, sizeof e->data_kinds);
    str(it, "purpose", e->purpose, sizeof e->purpose);
    str(it, "basis", e->basis, sizeof e->basis);
}

/* Grouped lines of GET /v1/session/access-summary: the last look of each line stands for
 * it, with the count. */
static void parse_log_lines(const cJSON *root, struct priv_answer *x)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, get(root, "lines"))
    {
        if (x->n >= PRIV_LOG_CHUNK)
            break;
        struct priv_log_entry *e = &x->u.log[x->n];
        e->id = jsonnum_ll(it, "last_id");
        e->at_unix = jsonnum_ll(it, "last_at_unix");
        e->count = (int)jsonnum_ll(it, "count");
        e->own = cJSON_IsTrue(get(it, "own"));
        if (e->id <= 0 || e->at_unix <= 0 || e->count < 1)
            continue;
        log_words(it, e);
        x->n++;
    }
    x->next_before = jsonnum_ll(root, "next_offset");
}

static void parse_log(const cJSON *root, struct priv_answer *x)
{
    if (cJSON_IsArray(get(root, "lines"))) {
        parse_log_lines(root, x);
        return;
    }
    const cJSON *it, *list = get(root, "entries");
    cJSON_ArrayForEach(it, list)
    {
        if (x->n >= PRIV_LOG_CHUNK)
            break;
        struct priv_log_entry *e = &x->u.log[x->n];
        e->id = jsonnum_ll(it, "id");
        e->at_unix = jsonnum_ll(it, "at_unix");
        if (e->id <= 0 || e->at_unix <= 0)
            continue;
        log_words(it, e);
        x->n++;
    }
    x->next_before = jsonnum_ll(root, "next_before");
}

static void parse_consents(const cJSON *root, struct priv_answer *x)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, get(root, "consents"))
    {
        if (x->n >= PRIV_CONSENTS_MAX)
            break;
        struct priv_consent *c = &x->u.consents.c[x->n];
        const cJSON *r = get(it, "recipient");
        c->id = jsonnum_ll(it, "id");
        str(r, "kind", c->recipient_kind, sizeof c->recipient_kind);
        c->recipient_id = jsonnum_ll(r, "id");
        str(r, "display_name", c->recipient_name, sizeof c->recipient_name);
        str(it, "data_kind", c->data_kind, sizeof c->data_kind);
        str(it, "purpose", c->purpose, sizeof c->purpose);
        if (c->recipient_kind[0] && c->recipient_id > 0 && c->data_kind[0])
            x->n++;
    }
    cJSON_ArrayForEach(it, get(root, "recipients"))
    {
        if (x->u.consents.nr >= PRIV_RECIP_MAX)
            break;
        struct priv_recipient *r = &x->u.consents.r[x->u.consents.nr];
        str(it, "kind", r->kind, sizeof r->kind);
        r->id = jsonnum_ll(it, "id");
        str(it, "display_name", r->name, sizeof r->name);
        str(it, "relation", r->relation, sizeof r->relation);
        if (r->kind[0] && r->id > 0)
            x->u.consents.nr++;
    }
    cJSON_ArrayForEach(it, get(root, "choices"))
    {
        if (x->u.consents.nch >= PRIV_ROWS_MAX)
            break;
        struct priv_row *w = &x->u.consents.ch[x->u.consents.nch];
        const cJSON *r = get(it, "recipient");
        memset(w, 0, sizeof *w);
        str(r, "kind", w->recipient_kind, sizeof w->recipient_kind);
        w->recipient_id = jsonnum_ll(r, "id");
        str(r, "display_name", w->recipient_name, sizeof w->recipient_name);
        str(it, "data_kind", w->data_kind, sizeof w->data_kind);
        str(it, "purpose", w->purpose, sizeof w->purpose);
        w->on = cJSON_IsTrue(get(it, "granted"));
        w->revoked = !w->on && jsonnum_ll(it, "revoked_at_unix") > 0;
        if (w->recipient_kind[0] && w->recipient_id > 0 && w->data_kind[0] && w->purpose[0])
            x->u.consents.nch++;
    }
}

static void parse_alerts(const cJSON *root, struct priv_answer *x)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, get(root, "alerts"))
    {
        if (x->n >= PRIV_ALERTS_MAX)
            break;
        struct priv_alert *al = &x->u.alerts[x->n];
        al->id = jsonnum_ll(it, "id");
        al->raised_unix = jsonnum_ll(it, "raised_at_unix");
        str(it, "kind", al->kind, sizeof al->kind);
        str(it, "level", al->level, sizeof al->level);
        str(it, "group", al->group, sizeof al->group);
        const cJSON *by = get(it, "acknowledged_by");
        al->acked = cJSON_IsObject(by);
        if (al->acked) {
            str(by, "kind", al->acked_kind, sizeof al->acked_kind);
            str(by, "display_name", al->acked_name, sizeof al->acked_name);
            al->acked_unix = jsonnum_ll(it, "acknowledged_at_unix");
        }
        if (al->id > 0 && al->raised_unix > 0)
            x->n++;
    }
}

static void parse_source(const cJSON *o, char *dst, size_t size)
{
    const cJSON *s = get(o, "source");
    if (cJSON_IsObject(s))
        str(s, "display_name", dst, size);
    else
        str(o, "source", dst, size);
}

static void parse_ck_list(const cJSON *root, struct priv_answer *x)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, get(root, "checkups"))
    {
        if (x->n >= CK_LIST_MAX)
            break;
        struct ck_summary *s = &x->u.cks[x->n];
        s->id = jsonnum_ll(it, "id");
        str(it, "date", s->date, sizeof s->date);
        s->year = (int)jsonnum_ll(it, "year");
        parse_source(it, s->source, sizeof s->source);
        str(it, "org_name", s->org, sizeof s->org);
        const cJSON *sum = get(it, "summary");
        s->none = (int)jsonnum_ll(sum, "none");
        s->normal = (int)jsonnum_ll(sum, "normal");
        s->guidance = (int)jsonnum_ll(sum, "guidance");
        s->see_doctor = (int)jsonnum_ll(sum, "see_doctor");
        if (s->id > 0 && s->date[0])
            x->n++;
    }
    x->next_before = jsonnum_ll(root, "next_before");
}

static void parse_threshold(const cJSON *o, bool *has, bool *has_doc, bool *hiw, double *g,
                            double *d)
{
    const cJSON *t = get(o, "threshold");
    *has = cJSON_IsObject(t) && dnum(t, "guidance", g);
    if (!*has)
        return;
    *has_doc = dnum(t, "see_doctor", d);
    *hiw = cJSON_IsTrue(get(t, "higher_is_worse"));
}

static enum ck_kind kind_of_result(const cJSON *it, bool has_value)
{
    const cJSON *k = get(it, "kind");
    const char *s = cJSON_IsString(k) ? k->valuestring : "";
    if (strcmp(s, "code") == 0)
        return CK_K_CODE;
    if (strcmp(s, "text") == 0)
        return CK_K_TEXT;
    if (strcmp(s, "date") == 0)
        return CK_K_DATE;
    if (strcmp(s, "number") == 0 || has_value)
        return CK_K_NUMBER;
    /* an older hub without "kind": a short text without spaces is taken for a code, so the
     * common codes still show in words */
    const cJSON *t = get(it, "text");
    const char *ts = cJSON_IsString(t) ? t->valuestring : "";
    return ts[0] && strlen(ts) < 8 && !strchr(ts, ' ') ? CK_K_CODE : CK_K_TEXT;
}

/* kind "code": `text` is the code as sent and `text_ja`/`text_en` its words; "text" and
 * "date": `text` is the whole string (kept up to CK_TEXT_MAX). */
static void parse_ck_result(const cJSON *it, struct ck_detail *d, struct ck_item *i)
{
    i->kind = kind_of_result(it, i->has_value);
    if (i->kind == CK_K_CODE) {
        str(it, "text", i->code, sizeof i->code);
        str(it, "text_ja", i->words_ja, sizeof i->words_ja);
        str(it, "text_en", i->words_en, sizeof i->words_en);
    } else if (i->kind != CK_K_NUMBER) {
        const cJSON *t = get(it, "text");
        ck_item_set_text(d, i, cJSON_IsString(t) ? t->valuestring : "");
    }
}

static bool parse_ck_one(const cJSON *root, struct priv_answer *x)
{
    const cJSON *ck = get(root, "checkup"), *it;
    if (!cJSON_IsObject(ck))
        return false;
    struct ck_detail *d = &x->u.ck;
    d->id = jsonnum_ll(ck, "id");
    str(ck, "date", d->date, sizeof d->date);
    d->year = (int)jsonnum_ll(ck, "year");
    str(ck, "org_name", d->org, sizeof d->org);
    cJSON_ArrayForEach(it, get(ck, "items"))
    {
        if (d->n >= CK_ITEMS_MAX)
            break;
        struct ck_item *i = &d->items[d->n];
        uint32_t pool_at = d->pool_len; /* an item skipped below gives its text back */
        memset(i, 0, sizeof *i);
        str(it, "identity", i->identity, sizeof i->identity);
        str(it, "name", i->name, sizeof i->name);
        i->has_value = dnum(it, "value", &i->value);
        parse_ck_result(it, d, i);
        str(it, "unit_display", i->unit_display, sizeof i->unit_display);
        if (!i->unit_display[0])
            str(it, "unit", i->unit_display, sizeof i->unit_display);
        const cJSON *rg = get(it, "range");
        i->has_low = dnum(rg, "low", &i->low);
        i->has_high = dnum(rg, "high", &i->high);
        const cJSON *j = get(it, "judgement");
        i->judgement = ck_judgement_parse(cJSON_IsString(j) ? j->valuestring : NULL);
        parse_threshold(it, &i->has_threshold, &i->has_see_doctor, &i->higher_is_worse,
                        &i->t_guidance, &i->t_see_doctor);
        str(it, "explain_ja", i->explain_ja, sizeof i->explain_ja);
        str(it, "explain_en", i->explain_en, sizeof i->explain_en);
        if (i->name[0])
            d->n++;
        else
            d->pool_len = pool_at;
    }
    x->n = d->n;
    return d->id > 0;
}

static bool parse_trend(const cJSON *root, struct priv_answer *x)
{
    struct ck_trend *t = &x->u.trend;
    const cJSON *it, *pts = get(root, "points");
    if (!cJSON_IsArray(pts))
        return false;
    str(root, "identity", t->identity, sizeof t->identity);
    str(root, "name", t->name, sizeof t->name);
    str(root, "unit_display", t->unit_display, sizeof t->unit_display);
    if (!t->unit_display[0])
        str(root, "unit", t->unit_display, sizeof t->unit_display);
    parse_threshold(root, &t->has_threshold, &t->has_see_doctor, &t->higher_is_worse,
                    &t->t_guidance, &t->t_see_doctor);
    const cJSON *rg = get(root, "range");
    t->has_low = dnum(rg, "low", &t->low);
    t->has_high = dnum(rg, "high", &t->high);
    /* oldest first; keep the newest CK_POINTS_MAX */
    int total = cJSON_GetArraySize(pts), skip = total > CK_POINTS_MAX ? total - CK_POINTS_MAX : 0;
    int k = 0;
    cJSON_ArrayForEach(it, pts)
    {
        if (k++ < skip)
            continue;
        if (t->n >= CK_POINTS_MAX)
            break;
        struct ck_point *p = &t->points[t->n];
        if (!dnum(it, "value", &p->value))
            continue;
        p->checkup_id = jsonnum_ll(it, "checkup_id");
        str(it, "date", p->date, sizeof p->date);
        p->year = (int)jsonnum_ll(it, "year");
        const cJSON *j = get(it, "judgement");
        p->judgement = ck_judgement_parse(cJSON_IsString(j) ? j->valuestring : NULL);
        t->n++;
    }
    x->n = t->n;
    return true;
}

struct priv_answer *privport_parse(enum app_event_kind kind, const char *body)
{
    struct priv_answer *x = NULL;
    cJSON *root = cJSON_Parse(body ? body : "");
    if (!cJSON_IsObject(root))
        goto out;
    x = calloc(1, sizeof *x);
    if (!x)
        goto out;
    bool ok = true;
    switch (kind) {
    case APP_EV_PRIV_LOG:
        x->what = PRIV_REQ_LOG;
        ok = cJSON_IsArray(get(root, "entries")) || cJSON_IsArray(get(root, "lines"));
        if (ok)
            parse_log(root, x);
        break;
    case APP_EV_PRIV_CONSENTS:
        x->what = PRIV_REQ_CONSENTS;
        ok = cJSON_IsArray(get(root, "consents"));
        if (ok)
            parse_consents(root, x);
        break;
    case APP_EV_PRIV_CONSENT_SET:
        x->what = PRIV_REQ_CONSENT_SET;
        x->changed = cJSON_IsTrue(get(root, "changed"));
        ok = cJSON_IsBool(get(root, "changed"));
        break;
    case APP_EV_PRIV_ALERTS:
    case APP_EV_PRIV_FAM_ALERTS:
        x->what = kind == APP_EV_PRIV_ALERTS ? PRIV_REQ_ALERTS : PRIV_REQ_FAM_ALERTS;
        ok = cJSON_IsArray(get(root, "alerts"));
        if (ok)
            parse_alerts(root, x);
        break;
    case APP_EV_PRIV_ACK:
        x->what = PRIV_REQ_ACK;
        x->changed = cJSON_IsTrue(get(root, "changed"));
        ok = cJSON_IsObject(get(root, "alert"));
        break;
    case APP_EV_CK_LIST:
        x->what = PRIV_REQ_CK_LIST;
        ok = cJSON_IsArray(get(root, "checkups"));
        if (ok)
            parse_ck_list(root, x);
        break;
    case APP_EV_CK_ONE:
        x->what = PRIV_REQ_CK_ONE;
        ok = parse_ck_one(root, x);
        break;
    case APP_EV_CK_TREND:
        x->what = PRIV_REQ_CK_TREND;
        ok = parse_trend(root, x);
        break;
    default:
        ok = false;
        break;
    }
    if (!ok) {
        free(x);
        x = NULL;
    }
out:
    cJSON_Delete(root);
    return x;
}
