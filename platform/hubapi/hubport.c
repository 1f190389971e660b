/*
 * hubport: ports over the hub client (see hubport.h). The worker thread only parses and
 * posts; all state stays on the UI thread. Nothing personal is logged: only the request
 * kind, the error class and libcurl's words.
 */
#include "hubport.h"
#include "auditwitness.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feature.h"
#include "hubclient.h"
#include "jsonnum.h"
#include "noticeport.h" /* notices and safety confirmation */
#include "privport.h"   /* privacy + checkups */
#include "statsport.h"  /* statistics: the resident's refusal */
#include "sender.h"
#include "shopport.h" /* shopping and family requests */

struct hubport {
    /* signs of life waiting in the outbox (0 or 1: one is enough); not counted as
     * 送信待ち, which tells the resident what they sent. Atomic: the sender's reports
     * arrive on its worker. */
    unsigned activity_pending;
    struct hubc *client;
    struct sender *sender; /* NULL without an outbox */
    struct hubport_sink sink;
    void *card_ctx; /* cardport, when the card reader is used */
    uint32_t (*card_login)(void *ctx, uint32_t seq, const char *pin, size_t len, int min);
    void (*card_logout)(void *ctx);
    /* --- privacy + checkups: where the card session's token comes from --- */
    const char *(*session_of)(void *ctx);
    void *session_ctx;
    /* --- shopping: the home tablet's catalogue cache folder, "" = none --- */
    char cache_dir[512];
    struct auditwitness *witness; /* the audit log's witness (auditwitness.h) */
};

static const char *kind_name(enum app_event_kind k)
{
    switch (k) {
    case APP_EV_CHECKIN_DONE:
        return "checkin";
    case APP_EV_ME:
        return "me";
    case APP_EV_CHECKINS:
        return "checkins";
    case APP_EV_HELP_DONE:
        return "help";
    case APP_EV_PENDING:
        return "pending";
    /* --- shopping and family requests --- */
    case APP_EV_SHOP_OPERATORS:
    case APP_EV_SHOP_CATALOGUE:
    case APP_EV_SHOP_ORDER:
    case APP_EV_SHOP_ORDERS:
        return "shop";
    case APP_EV_REQ_SENT:
    case APP_EV_REQ_LIST:
    case APP_EV_REQ_ANSWERED:
        return "family request";
    case APP_EV_NOTICES:
        return "notices";
    case APP_EV_SAFETY_LIST:
    case APP_EV_SAFETY_SENT:
        return "safety";
    case APP_EV_FAM_SAFETY:
        return "family safety";
    default:
        return "card";
    }
}

static void str(const cJSON *o, const char *key, char *dst, size_t size)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    snprintf(dst, size, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

static bool parse_checkin(const cJSON *o, struct app_checkin *c)
{
    const cJSON *ans = cJSON_GetObjectItemCaseSensitive(o, "answer");
    int a = cJSON_IsString(ans) ? app_answer_parse(ans->valuestring) : -1;
    if (a < 0)
        return false;
    c->answer = (enum app_answer)a;
    c->id = jsonnum_ll(o, "id");
    c->at_unix = jsonnum_ll(o, "at_unix");
    return c->at_unix > 0;
}

/* GET /v1/help: presses newest first, each level's acknowledgement (family first). */
static void parse_help_presses(const cJSON *root, struct app_event *ev)
{
    const cJSON *it, *list = cJSON_GetObjectItemCaseSensitive(root, "presses");
    if (!cJSON_IsArray(list)) {
        ev->net = APP_NET_BAD_ANSWER;
        return;
    }
    ev->count = 0;
    cJSON_ArrayForEach(it, list)
    {
        if (ev->count >= APP_HELP_MAX)
            break;
        struct app_help_press *p = &ev->help[ev->count];
        memset(p, 0, sizeof *p);
        p->at_unix = jsonnum_ll(it, "at_unix");
        const cJSON *al;
        cJSON_ArrayForEach(al, cJSON_GetObjectItemCaseSensitive(it, "alerts"))
        {
            if (p->nlev >= 2)
                break;
            const cJSON *by = cJSON_GetObjectItemCaseSensitive(al, "acknowledged_by");
            str(al, "level", p->lev[p->nlev].level, sizeof p->lev[p->nlev].level);
            p->lev[p->nlev].acked = cJSON_IsObject(by);
            if (p->lev[p->nlev].acked) {
                str(by, "kind", p->lev[p->nlev].by_kind, sizeof p->lev[p->nlev].by_kind);
                str(by, "display_name", p->lev[p->nlev].by, sizeof p->lev[p->nlev].by);
                p->lev[p->nlev].at_unix = jsonnum_ll(al, "acknowledged_at_unix");
            }
            p->nlev++;
        }
        const cJSON *t;
        cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(it, "told"))
        {
            const cJSON *rc = cJSON_GetObjectItemCaseSensitive(t, "recipient");
            char kind[16] = "", name[APP_NAME_MAX] = "", state[16] = "";
            str(rc, "kind", kind, sizeof kind);
            str(rc, "display_name", name, sizeof name);
            str(t, "state", state, sizeof state);
            int k = 0; /* one entry per person, whatever the channels */
            while (k < p->ntold &&
                   (strcmp(p->told[k].by_kind, kind) != 0 || strcmp(p->told[k].by, name) != 0))
                k++;
            if (k == APP_HELP_TOLD_MAX)
                continue;
            if (k == p->ntold) {
                p->ntold++;
                snprintf(p->told[k].by_kind, sizeof p->told[k].by_kind, "%s", kind);
                snprintf(p->told[k].by, sizeof p->told[k].by, "%s", name);
            }
            p->told[k].sent |= strcmp(state, "sent") == 0;
            p->told[k].seen |= cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "seen"));
        }
        if (p->at_unix > 0 && p->nlev > 0)
            ev->count++;
    }
}

bool hubport_outcome(struct app_event *ev, int err, long status)
{
    ev->status = status;
    ev->net_tls = err == HUBC_E_TLS;
    if (err != HUBC_OK)
        ev->net = APP_NET_UNREACHABLE;
    else if (status < 200 || status > 299)
        ev->net = APP_NET_REFUSED;
    else
        ev->net = APP_NET_OK;
    return ev->net == APP_NET_OK;
}

void hubport_parse(struct app_event *ev, int err, long status, const char *body)
{
    cJSON *root = NULL;
    ev->net_tls = err == HUBC_E_TLS;
    if (feature_notice_owns(ev->kind) || feature_famsafety_owns(ev->kind)) {
        noticeport_parse(ev, err, status, body);
        return;
    }
    if (feature_stats_owns(ev->kind)) {
        statsport_parse(ev, err, status, body);
        return;
    }
    /* --- shopping and family requests --- */
    if (feature_shop_owns(ev->kind)) {
        shopport_parse(ev, err, status, body);
        return;
    }
    if (!hubport_outcome(ev, err, status))
        return;
    root = cJSON_Parse(body ? body : "");
    switch (ev->kind) {
    case APP_EV_CHECKIN_DONE: {
        /* a 2xx means the hub stored it; the body only adds the time */
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(root, "checkin");
        if (!c || !parse_checkin(c, &ev->checkin))
            ev->checkin.at_unix = 0;
        break;
    }
    case APP_EV_ME: {
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(root, "resident");
        if (!r) {
            const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "residents");
            r = cJSON_IsArray(list) ? cJSON_GetArrayItem(list, 0) : NULL;
        }
        if (r) {
            ev->resident_id = (long)jsonnum_ll(r, "id");
            str(r, "display_name", ev->name, sizeof ev->name);
        } else if (!root) {
            ev->net = APP_NET_BAD_ANSWER;
        }
        /* the device's municipality: its name, hours and contact for the screens */
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "municipality");
        if (cJSON_IsObject(m)) {
            str(m, "name", ev->town.name, sizeof ev->town.name);
            str(m, "service_hours", ev->town.hours, sizeof ev->town.hours);
            str(m, "contact", ev->town.contact, sizeof ev->town.contact);
        }
        /* a home device: the resident's newest check-in (remembered across restarts) */
        const cJSON *last = cJSON_GetObjectItemCaseSensitive(root, "last_checkin");
        ev->has_last = cJSON_IsObject(last) && parse_checkin(last, &ev->checkin);
        /* a family member: every linked resident */
        const cJSON *it, *list = cJSON_GetObjectItemCaseSensitive(root, "residents");
        if (!cJSON_IsArray(list))
            list = NULL;
        cJSON_ArrayForEach(it, list)
        {
            if (ev->n_residents >= APP_RESIDENTS_MAX)
                break;
            long id = (long)jsonnum_ll(it, "id");
            if (id <= 0)
                continue;
            ev->residents[ev->n_residents].id = id;
            str(it, "display_name", ev->residents[ev->n_residents].name,
                sizeof ev->residents[ev->n_residents].name);
            ev->n_residents++;
        }
        break;
    }
    case APP_EV_HELP_LIST:
        parse_help_presses(root, ev);
        break;
    case APP_EV_CHECKINS: {
        const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "checkins");
        if (!cJSON_IsArray(list)) {
            ev->net = APP_NET_BAD_ANSWER;
            break;
        }
        const cJSON *it;
        ev->count = 0;
        cJSON_ArrayForEach(it, list)
        {
            if (ev->count >= APP_MAX_CHECKINS)
                break;
            if (parse_checkin(it, &ev->items[ev->count]))
                ev->count++;
        }
        break;
    }
    case APP_EV_HELP_DONE:
        /* 201 {"help":{"alert_ids":[family, city]}}: both levels are alerted at once, which
         * the screen says in its own words */
        break;
    default:
        if (feature_priv_owns(ev->kind)) {
            ev->priv = privport_parse(ev->kind, body);
            if (!ev->priv)
                ev->net = APP_NET_BAD_ANSWER;
        }
        break;
    }
    cJSON_Delete(root);
}

unsigned hubport_waiting(struct hubport *hp, unsigned pending)
{
    unsigned act = __atomic_load_n(&hp->activity_pending, __ATOMIC_SEQ_CST);
    return pending > act ? pending - act : 0;
}

static void post(struct hubport *hp, struct app_event *ev)
{
    hp->sink.post(hp->sink.ctx, ev);
}

/* The sender's report (on a worker thread) → CHECKIN_DONE. */
static void on_report(void *ctx, struct sender_report *r)
{
    struct hubport *hp = ctx;
    struct app_event *ev = calloc(1, sizeof *ev);
    if (!ev) {
        sender_report_free(r);
        return;
    }
    ev->kind = APP_EV_CHECKIN_DONE;
    /* shopping and family requests: orders and requests go through the outbox too */
    if (shopport_report_kind(r->kind) >= 0)
        ev->kind = (enum app_event_kind)shopport_report_kind(r->kind);
    if (strcmp(r->kind, "activity") == 0)
        ev->kind = APP_EV_ACTIVITY; /* a sign of life: only the waiting count matters */
    if (strcmp(r->kind, "safety") == 0)
        ev->kind = APP_EV_SAFETY_SENT;
    ev->req = (uint32_t)r->item_id;
    if (ev->kind == APP_EV_ACTIVITY && r->outcome != SENDER_RETRYING &&
        __atomic_load_n(&hp->activity_pending, __ATOMIC_SEQ_CST) > 0)
        __atomic_sub_fetch(&hp->activity_pending, 1, __ATOMIC_SEQ_CST);
    ev->waiting_known = true;
    ev->waiting = (int)hubport_waiting(hp, r->pending);
    switch (r->outcome) {
    case SENDER_SENT:
        hubport_parse(ev, HUBC_OK, r->http_status, r->body);
        break;
    case SENDER_RETRYING:
        ev->net = r->net_err == HUBC_OK ? APP_NET_REFUSED : APP_NET_UNREACHABLE;
        ev->net_tls = r->net_err == HUBC_E_TLS;
        ev->status = r->http_status;
        ev->kept = true;
        fprintf(stderr, "kiosk: %s item kept, retrying in %ld ms (%s)\n", r->kind, r->retry_in_ms,
                r->net_err != HUBC_OK ? hubc_err_str(r->net_err) : "hub busy");
        break;
    case SENDER_FAILED:
        ev->net = APP_NET_REFUSED;
        ev->status = r->http_status;
        fprintf(stderr, "kiosk: %s item refused by the hub (%ld)\n", r->kind, r->http_status);
        break;
    }
    sender_report_free(r);
    post(hp, ev);
}

static long long mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec;
}

static void on_done(void *ctx, struct hubc_result *res)
{
    struct hubport *hp = ctx;
    if (res->tag == AUDITWITNESS_TAG_HEAD || res->tag == AUDITWITNESS_TAG_PROOF) {
        auditwitness_answer(hp->witness, res);
        hubc_result_free(res);
        return;
    }
    if (res->err == HUBC_OK) /* every contact with the hub: the witness may check */
        auditwitness_contact(hp->witness, mono_s());
    if (res->tag >= HUBPORT_TAG_RAW) {
        if (hp->sink.post_raw)
            hp->sink.post_raw(hp->sink.ctx, res);
        else
            hubc_result_free(res);
        return;
    }
    struct app_event *ev = calloc(1, sizeof *ev);
    if (!ev) {
        hubc_result_free(res);
        return;
    }
    ev->kind = (enum app_event_kind)res->tag;
    ev->req = res->id;
    /* --- shopping and family requests --- */
    if (res->tag == HUBPORT_TAG_INBOX) {
        ev->kind = APP_EV_REQ_LIST;
        ev->is_inbox = true;
    }
    char *cached = shopport_cache(ev->kind, res->id, res->err, res->status, res->body);
    if (cached)
        hubport_parse(ev, HUBC_OK, 200, cached); /* the hub is away: the kept copy */
    else
        hubport_parse(ev, res->err, res->status, res->body);
    free(cached);
    if ((ev->kind == APP_EV_NOTICES || ev->kind == APP_EV_FAM_SAFETY) && res->status == 200 &&
        ev->net == APP_NET_OK)
        noticeport_keep_etag(ev->kind, res->etag); /* the next poll asks if it changed */
    /* --- end shopping and family requests --- */
    if (res->err != HUBC_OK)
        fprintf(stderr, "kiosk: %s request failed: %s (%s)\n", kind_name(ev->kind),
                hubc_err_str(res->err), res->errmsg);
    else if (ev->net != APP_NET_OK)
        fprintf(stderr, "kiosk: %s request answered %ld\n", kind_name(ev->kind), res->status);
    hubc_result_free(res);
    post(hp, ev);
}

/* The newest check-in this tablet kept in its outbox (an earlier run's): the home screen
 * remembers it after a restart — delivered (net OK) or still waiting (kept), with the
 * outbox item's id as the request, so its later delivery report matches. */
static void post_last_checkin(struct hubport *hp)
{
    struct outbox_item it;
    if (sender_latest(hp->sender, "checkin", &it) != SENDER_OK)
        return;
    struct app_event *ev = calloc(1, sizeof *ev);
    const cJSON *ans = NULL;
    cJSON *body = cJSON_Parse(it.body);
    ans = cJSON_GetObjectItemCaseSensitive(body, "answer");
    int a = cJSON_IsString(ans) ? app_answer_parse(ans->valuestring) : -1;
    if (ev && a >= 0 && it.state != OUTBOX_FAILED && it.id <= UINT32_MAX) {
        ev->kind = APP_EV_CHECKIN_DONE;
        ev->req = (uint32_t)it.id;
        ev->checkin.answer = (enum app_answer)a;
        ev->checkin.at_unix = it.created_unix;
        ev->net = it.state == OUTBOX_SENT ? APP_NET_OK : APP_NET_UNREACHABLE;
        ev->kept = it.state == OUTBOX_PENDING;
        post(hp, ev);
        ev = NULL;
    }
    free(ev);
    cJSON_Delete(body);
    outbox_item_release(&it);
}

/* An answer to a safety check that an earlier run kept in the outbox: the safety screen
 * says what was sent, and does not ask again, after a restart. */
static void post_last_safety(struct hubport *hp)
{
    struct outbox_item it;
    if (sender_latest(hp->sender, "safety", &it) != SENDER_OK)
        return;
    struct app_event *ev = calloc(1, sizeof *ev);
    if (ev && it.state != OUTBOX_FAILED && it.id <= UINT32_MAX &&
        noticeport_safety_item(it.path, it.body, it.created_unix, ev)) {
        ev->kind = APP_EV_SAFETY_SENT;
        ev->req = (uint32_t)it.id;
        ev->net = it.state == OUTBOX_SENT ? APP_NET_OK : APP_NET_UNREACHABLE;
        ev->kept = it.state == OUTBOX_PENDING;
        post(hp, ev);
        ev = NULL;
    }
    free(ev);
    outbox_item_release(&it);
}

struct hubport *hubport_create(const char *hub_url, const char *token, const char *ca_file,
                               const char *outbox_path, const struct hubport_sink *sink, char *err,
                               size_t errsize)
{
    struct hubport *hp = calloc(1, sizeof *hp);
    if (!hp) {
        snprintf(err, errsize, "out of memory");
        return NULL;
    }
    hp->sink = *sink;
    struct hubc_config cfg = {hub_url, token && *token ? token : NULL,
                              ca_file && *ca_file ? ca_file : NULL, 10000};
    hp->client = hubc_create(&cfg, on_done, hp);
    if (!hp->client) {
        snprintf(err, errsize, "cannot start the hub client for %s", hub_url);
        free(hp);
        return NULL;
    }
    if (outbox_path && *outbox_path) {
        struct sender_config sc = {.outbox_path = outbox_path, .hub = cfg};
        char why[256] = "";
        hp->sender = sender_create(&sc, on_report, hp, why, sizeof why);
        /* shopping: catalogues are cached beside the outbox (home tablet only) */
        snprintf(hp->cache_dir, sizeof hp->cache_dir, "%s", outbox_path);
        char *slash = strrchr(hp->cache_dir, '/');
        if (slash)
            *slash = '\0';
        else
            snprintf(hp->cache_dir, sizeof hp->cache_dir, ".");
        if (!hp->sender) {
            snprintf(err, errsize, "cannot open the outbox %s: %s", outbox_path, why);
            hubport_destroy(hp);
            return NULL;
        }
        /* items left by an earlier run are being delivered: show how many wait */
        struct app_event *ev = calloc(1, sizeof *ev);
        if (ev) {
            ev->kind = APP_EV_PENDING;
            ev->count = (int)hubport_waiting(hp, sender_pending(hp->sender));
            post(hp, ev);
        }
        post_last_checkin(hp);
        post_last_safety(hp);
    }
    /* The kept head lives beside the outbox (home tablet); a public kiosk, which keeps no
     * outbox, keeps it in its service's state directory (systemd's StateDirectory=, given
     * as $STATE_DIRECTORY, the first when several), so a restart does not forget the newest
     * head it has seen; without one, in memory for its run. */
    char head_path[600] = "";
    const char *state = getenv("STATE_DIRECTORY");
    if (hp->cache_dir[0])
        snprintf(head_path, sizeof head_path, "%s/audit-head", hp->cache_dir);
    else if (state && *state)
        snprintf(head_path, sizeof head_path, "%.*s/audit-head", (int)strcspn(state, ":"), state);
    hp->witness = auditwitness_create(hp->client, head_path);
    return hp;
}

void hubport_destroy(struct hubport *hp)
{
    if (!hp)
        return;
    sender_destroy(hp->sender);
    hubc_destroy(hp->client); /* no answer reaches the witness after this */
    auditwitness_destroy(hp->witness);
    free(hp);
}

void hubport_event_free(void *data1)
{
    struct app_event *ev = data1;
    if (ev) {
        free(ev->priv);     /* privacy + checkups */
        free(ev->disaster); /* notices and safety confirmation */
    }
    shopport_event_free(ev); /* shopping and family requests */
    free(data1);
}

/* --- shopping and family requests --- */
struct hubc *hubport_client(struct hubport *hp)
{
    return hp->client;
}

struct sender *hubport_sender(struct hubport *hp)
{
    return hp->sender;
}

void hubport_post_event(struct hubport *hp, struct app_event *ev)
{
    post(hp, ev);
}
/* --- end shopping and family requests --- */

/* --- privacy + checkups --- */
void hubport_set_session_source(struct hubport *hp, const char *(*session_of)(void *ctx), void *ctx)
{
    hp->session_of = session_of;
    hp->session_ctx = ctx;
}

const char *hubport_card_session(struct hubport *hp)
{
    return hp->session_of ? hp->session_of(hp->session_ctx) : NULL;
}
/* --- end privacy + checkups --- */

void hubport_set_card(struct hubport *hp, void *ctx,
                      uint32_t (*login)(void *ctx, uint32_t card_seq, const char *pin,
                                        size_t pin_len, int min_tries),
                      void (*logout)(void *ctx))
{
    hp->card_ctx = ctx;
    hp->card_login = login;
    hp->card_logout = logout;
}

static uint32_t card_login_fwd(void *ctx, uint32_t seq, const char *pin, size_t len, int min)
{
    struct hubport *hp = ctx;
    return hp->card_login ? hp->card_login(hp->card_ctx, seq, pin, len, min) : 0;
}

static void card_logout_fwd(void *ctx)
{
    struct hubport *hp = ctx;
    if (hp->card_logout)
        hp->card_logout(hp->card_ctx);
}

uint32_t hubport_submit_raw(struct hubport *hp, enum hubc_method m, const char *path,
                            const char *body, const char *card_session, uint32_t tag)
{
    return hubc_submit(hp->client, m, path, body, NULL, card_session, tag);
}

static uint32_t send_checkin(void *ctx, enum app_answer a, const char *key)
{
    struct hubport *hp = ctx;
    char body[64];
    snprintf(body, sizeof body, "{\"answer\":\"%s\"}", app_answer_wire(a));
    if (hp->sender) {
        /* committed to disk before this returns; the outbox makes its own key */
        int64_t id = 0;
        unsigned pending = 0;
        enum sender_err se =
            sender_enqueue(hp->sender, "checkin", "/v1/checkins", body, &id, &pending);
        if (se != SENDER_OK || id <= 0 || id > UINT32_MAX) {
            fprintf(stderr, "kiosk: check-in not kept: %s\n", sender_err_str(se));
            return 0;
        }
        struct app_event *ev = calloc(1, sizeof *ev);
        if (ev) {
            ev->kind = APP_EV_PENDING;
            ev->count = (int)hubport_waiting(hp, pending);
            post(hp, ev);
        }
        return (uint32_t)id;
    }
    return hubc_submit(hp->client, HUBC_POST, "/v1/checkins", body, key, NULL, APP_EV_CHECKIN_DONE);
}

static uint32_t fetch_me(void *ctx)
{
    struct hubport *hp = ctx;
    return hubc_submit(hp->client, HUBC_GET, "/v1/me", NULL, NULL, NULL, APP_EV_ME);
}

static uint32_t fetch_checkins(void *ctx, long resident_id, int limit)
{
    struct hubport *hp = ctx;
    char path[96];
    snprintf(path, sizeof path, "/v1/residents/%ld/checkins?limit=%d", resident_id, limit);
    return hubc_submit(hp->client, HUBC_GET, path, NULL, NULL, NULL, APP_EV_CHECKINS);
}

static uint32_t send_help(void *ctx, const char *key)
{
    struct hubport *hp = ctx;
    return hubc_submit(hp->client, HUBC_POST, "/v1/help", "{}", key, NULL, APP_EV_HELP_DONE);
}

static uint32_t fetch_help(void *ctx)
{
    struct hubport *hp = ctx;
    return hubc_submit(hp->client, HUBC_GET, "/v1/help?limit=5", NULL, NULL, NULL,
                       APP_EV_HELP_LIST);
}

static uint32_t send_activity(void *ctx)
{
    struct hubport *hp = ctx;
    static const char body[] = "{\"kind\":\"touch\"}";
    if (hp->sender) {
        int64_t id = 0;
        /* one waiting sign of life says it all: no second one behind it */
        if (__atomic_load_n(&hp->activity_pending, __ATOMIC_SEQ_CST) > 0)
            return UINT32_MAX;
        enum sender_err se =
            sender_enqueue(hp->sender, "activity", "/v1/activity", body, &id, NULL);
        if (se != SENDER_OK || id <= 0 || id > UINT32_MAX) {
            fprintf(stderr, "kiosk: sign of life not kept: %s\n", sender_err_str(se));
            return 0;
        }
        __atomic_add_fetch(&hp->activity_pending, 1, __ATOMIC_SEQ_CST);
        return (uint32_t)id;
    }
    return hubc_submit(hp->client, HUBC_POST, "/v1/activity", body, NULL, NULL, APP_EV_ACTIVITY);
}

uint32_t hubport_send_kept(struct hubport *hp, const char *kind, const char *path, const char *body,
                           const char *key, enum app_event_kind ek)
{
    if (hp->sender) {
        int64_t id = 0;
        unsigned pending = 0;
        enum sender_err se = sender_enqueue(hp->sender, kind, path, body, &id, &pending);
        if (se != SENDER_OK || id <= 0 || id > UINT32_MAX) {
            fprintf(stderr, "kiosk: %s not kept: %s\n", kind, sender_err_str(se));
            return 0;
        }
        struct app_event *ev = calloc(1, sizeof *ev);
        if (ev) {
            ev->kind = APP_EV_PENDING;
            ev->count = (int)hubport_waiting(hp, pending);
            post(hp, ev);
        }
        return (uint32_t)id;
    }
    return hubc_submit(hp->client, HUBC_POST, path, body, key, NULL, ek);
}

static void retry_pending(void *ctx)
{
    struct hubport *hp = ctx;
    if (hp->sender)
        sender_retry_now(hp->sender);
}

static void tone(void *ctx, enum app_tone t)
{
    struct hubport *hp = ctx;
    if (hp->sink.tone)
        hp->sink.tone(hp->sink.ctx, t);
}

static void speak(void *ctx, const char *text, const char *lang, int volume_pct, int rate_pct)
{
    struct hubport *hp = ctx;
    if (hp->sink.speak)
        hp->sink.speak(hp->sink.ctx, text, lang, volume_pct, rate_pct);
}

struct app_ports hubport_ports(struct hubport *hp)
{
    struct app_ports p = {.ctx = hp,
                          .send_checkin = send_checkin,
                          .fetch_me = fetch_me,
                          .fetch_checkins = fetch_checkins,
                          .send_help = send_help,
                          .tone = tone,
                          .speak = speak,
                          .retry_pending = retry_pending,
                          .card_login = card_login_fwd,
                          .card_logout = card_logout_fwd,
                          .priv_request = privport_request /* privacy + checkups */,
                          .fetch_help = fetch_help,
                          .send_activity = send_activity};
    shopport_bind(&p, hp->cache_dir); /* shopping and family requests */
    noticeport_bind(&p);              /* notices and safety confirmation */
    statsport_bind(&p);               /* statistics: the resident's refusal */
    return p;
}
