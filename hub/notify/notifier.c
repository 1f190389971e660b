/*
 * notifier.c: planning and sending alert notifications (see notifier.h).
 */
#include "notifier.h"
#include "alerts.h"
#include "audit.h"
#include "auth.h"
#include "escalate.h"
#include "gate.h"
#include "hubclock.h"
#include "notifymsg.h"
#include "notifyq.h"
#include "notifyrcpt.h"
#include "notifysend.h"
#include "opush.h"
#include "residents.h"
#include "scope.h"

#include <curl/curl.h>
#include <openssl/rand.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW_S    (2 * 86400) /* alert events older than this are not planned any more */
#define MAX_CHAIN   64
#define CLAIM_BATCH 16

struct notifier {
    struct db *db;
    struct notifier_config cfg;
    struct opush_config backoff;
    CURL *curl;
    atomic_int stopping; /* notifier_stop_soon */
};

struct notifier *notifier_create(struct db *db, const struct notifier_config *cfg)
{
    struct notifier *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->db = db;
    n->cfg = *cfg;
    if (n->cfg.escalate_after_s <= 0)
        n->cfg.escalate_after_s = 600;
    if (n->cfg.timeout_ms <= 0)
        n->cfg.timeout_ms = 10000;
    if (n->cfg.max_age_s <= 0)
        n->cfg.max_age_s = 24 * 3600;
    /* The operators' webhook back-off, shorter: an alert that waits an hour is lost. */
    opush_config_default(&n->backoff);
    n->backoff.base_delay_s = 30;
    n->backoff.max_delay_s = 1800;
    n->curl = curl_easy_init();
    if (!n->curl) {
        free(n);
        return NULL;
    }
    return n;
}

void notifier_destroy(struct notifier *n)
{
    if (!n)
        return;
    curl_easy_cleanup(n->curl);
    free(n);
}

/* --- planning --- */

struct incident {
    int64_t resident, first, fam_alert, city_alert, city_raised;
    char kind[24], group[80];
};

struct incidents {
    struct incident *v;
    size_t n, cap;
};

static int collect_incident(void *ctx, const struct notifyq_incident *i)
{
    struct incidents *all = ctx;
    if (i->acknowledged || !notifyrcpt_kind_ok(i->kind))
        return 0;
    if (all->n == all->cap) {
        size_t cap = all->cap ? all->cap * 2 : 32;
        struct incident *v = realloc(all->v, cap * sizeof *v);
        if (!v)
            return 1;
        all->v = v;
        all->cap = cap;
    }
    struct incident *x = &all->v[all->n++];
    x->resident = i->resident;
    x->first = i->first_raised;
    x->fam_alert = i->family_alert;
    x->city_alert = i->city_alert;
    x->city_raised = i->city_raised;
    snprintf(x->kind, sizeof x->kind, "%s", i->kind);
    snprintf(x->group, sizeof x->group, "%s", i->group);
    return 0;
}

struct rcpt {
    int64_t id, actor_id, qs, qe, town;
    int staff, mail, hook;
};

struct chain {
    struct rcpt v[MAX_CHAIN];
    size_t n;
};

static int collect_rcpt(void *ctx, const struct notifyrcpt_row *r)
{
    struct chain *c = ctx;
    if (c->n == MAX_CHAIN)
        return 0; /* a resident with more recipients than this is told of by the first ones */
    c->v[c->n++] = (struct rcpt){.id = r->id,
                                 .actor_id = r->actor_id,
                                 .qs = r->quiet_start_min,
                                 .qe = r->quiet_end_min,
                                 .town = r->town,
                                 .staff = strcmp(r->actor_kind, "staff") == 0,
                                 .mail = r->mail != NULL,
                                 .hook = r->webhook_url != NULL};
    return 0;
}

/* Whether the gate lets recipient r receive resident's safety data; basis gets why. */
static enum gate_decision allowed(struct db *db, int staff, int64_t actor_id, int64_t town,
                                  int64_t resident, char basis[GATE_BASIS_MAX])
{
    /* The principal as auth_bearer() would make it for the recipient's own token. */
    struct auth_principal who = {
        .role = staff ? AUTH_STAFF : AUTH_FAMILY, .id = actor_id, .town = scope_of(town)};
    snprintf(who.actor, sizeof who.actor, "%s:%lld", staff ? "staff" : "family",
             (long long)actor_id);
    return gate_check(db, &who, 0, resident, "safety", "watch_over", basis);
}

/* Minutes after midnight, Japan time, of t. */
static int64_t jst_minute(int64_t t)
{
    return ((t + ESCALATE_UTC_OFFSET) % 86400) / 60;
}

/* When a notification of mode "day" planned for t may go: t, or the end of the quiet hours
 * t falls in. */
static int64_t after_quiet(int64_t t, const struct rcpt *r)
{
    if (r->qs < 0)
        return t;
    int64_t m = jst_minute(t);
    int quiet = r->qs < r->qe ? (m >= r->qs && m < r->qe) : (m >= r->qs || m < r->qe);
    if (!quiet)
        return t;
    int64_t end = (int64_t)escalate_day_start((time_t)t) + r->qe * 60;
    return end > t ? end : end + 86400;
}

/* Adds the notifications of recipient r for alert at step (planned for at). */
static enum db_status plan_one(struct notifier *n, const struct incident *x, int64_t alert,
                               const struct rcpt *r, int64_t step, int64_t at, int64_t now,
                               const char *mode, int *planned)
{
    int64_t due = strcmp(mode, "day") == 0 ? after_quiet(at, r) : at;
    enum db_status s = DB_OK;
    for (int ch = 0; ch < 2 && s == DB_OK; ch++) {
        int created = 0;
        if (!(ch == 0 ? r->mail : r->hook))
            continue;
        s = notifyq_add(n->db, alert, r->id, ch == 0 ? "mail" : "webhook", x->resident, step, due,
                        now, &created);
        *planned += created;
    }
    return s;
}

/* Whether r is told of x at all: *yes when its mode for the kind (into mode) is not "off"
 * and the gate lets it receive the resident's safety data. */
static enum db_status eligible(struct notifier *n, const struct incident *x, const struct rcpt *r,
                               char mode[8], int *yes)
{
    char basis[GATE_BASIS_MAX];
    *yes = 0;
    enum db_status s = notifyrcpt_mode(n->db, r->id, x->kind, mode, 8);
    if (s != DB_OK || strcmp(mode, "off") == 0)
        return s;
    enum gate_decision d = allowed(n->db, r->staff, r->actor_id, r->town, x->resident, basis);
    *yes = d == GATE_ALLOW;
    return d == GATE_ERROR ? DB_ERR : DB_OK;
}

/* Plans the steps of one alert event that have come by now. */
static enum db_status plan_incident(struct notifier *n, const struct incident *x, int64_t now,
                                    int *planned)
{
    struct chain *c = calloc(1, sizeof *c);
    if (!c)
        return DB_ERR;
    enum db_status s = notifyrcpt_chain(n->db, x->resident, collect_rcpt, c);
    int64_t step = 0, t = n->cfg.escalate_after_s;
    char mode[8];
    /* Family members, one step each, in order. */
    for (size_t i = 0; i < c->n && s == DB_OK && x->fam_alert; i++) {
        const struct rcpt *r = &c->v[i];
        int yes = 0;
        if (r->staff || (s = eligible(n, x, r, mode, &yes)) != DB_OK || !yes)
            continue;
        int64_t at = x->first + step * t;
        if (now < at)
            break;
        s = plan_one(n, x, x->fam_alert, r, step, at, now, mode, planned);
        step++;
    }
    /* Then the town's staff, together, once the city-level alert exists. */
    int64_t at = x->first + step * t;
    if (x->city_raised > at)
        at = x->city_raised;
    for (size_t i = 0; i < c->n && s == DB_OK && x->city_alert && now >= at; i++) {
        const struct rcpt *r = &c->v[i];
        int yes = 0;
        if (r->staff && (s = eligible(n, x, r, mode, &yes)) == DB_OK && yes)
            s = plan_one(n, x, x->city_alert, r, step, at, now, mode, planned);
    }
    free(c);
    return s;
}

/* Runs body(n, arg) in a transaction of its own: committed when it returns DB_OK. */
static enum db_status in_tx(struct notifier *n, enum db_status (*body)(struct notifier *, void *),
                            void *arg)
{
    enum db_status s = db_begin(n->db);
    if (s != DB_OK)
        return s;
    s = body(n, arg);
    if (s == DB_OK)
        s = db_commit(n->db);
    else
        db_rollback(n->db);
    return s;
}

struct plan_arg {
    int64_t now;
    struct notifier_stats *st;
};

static enum db_status plan_body(struct notifier *n, void *arg)
{
    struct plan_arg *a = arg;
    struct incidents all = {0};
    enum db_status s = notifyq_cancel_acked(n->db, a->now, &a->st->cancelled);
    if (s == DB_OK)
        s = notifyq_incidents(n->db, a->now - WINDOW_S, collect_incident, &all);
    for (size_t i = 0; i < all.n && s == DB_OK; i++)
        s = plan_incident(n, &all.v[i], a->now, &a->st->planned);
    free(all.v);
    return s;
}

/* --- sending --- */

/* What one notification says and where it goes, read in one transaction. */
struct job {
    struct notifyq_row row;
    char kind[24];
    int64_t raised;
    char name[200], district[200], rname[200], lang[4];
    char mail[NOTIFYRCPT_MAIL_MAX + 1], url[NOTIFYRCPT_URL_MAX + 1], secret[100];
    char basis[GATE_BASIS_MAX];
    int staff, cancel; /* cancel: why not (the reason in err) */
    int64_t town;      /* the recipient's */
    char err[160];
};

static int read_alert(void *ctx, const struct alerts_row *a)
{
    struct job *j = ctx;
    snprintf(j->kind, sizeof j->kind, "%s", a->kind);
    j->raised = a->raised_at;
    return 0;
}

static int read_rcpt(void *ctx, const struct notifyrcpt_row *r)
{
    struct job *j = ctx;
    j->staff = strcmp(r->actor_kind, "staff") == 0;
    j->town = r->town;
    snprintf(j->rname, sizeof j->rname, "%s", r->display_name);
    snprintf(j->lang, sizeof j->lang, "%s", r->lang);
    snprintf(j->mail, sizeof j->mail, "%s", r->mail ? r->mail : "");
    snprintf(j->url, sizeof j->url, "%s", r->webhook_url ? r->webhook_url : "");
    snprintf(j->secret, sizeof j->secret, "%s", r->webhook_secret ? r->webhook_secret : "");
    return 0;
}

static enum db_status prepare_body(struct notifier *n, void *arg)
{
    struct job *j = arg;
    int64_t town = 0, actor_id = strtoll(strchr(j->row.actor, ':') + 1, NULL, 10);
    enum db_status s =
        alerts_get(n->db, residents_scope(n->db, j->row.resident), j->row.alert, read_alert, j);
    if (s == DB_OK)
        s = notifyrcpt_get(n->db, NULL, j->row.recipient, read_rcpt, j);
    if (s != DB_OK)
        return s;
    enum gate_decision d = allowed(n->db, j->staff, actor_id, j->town, j->row.resident, j->basis);
    if (d == GATE_ERROR)
        return DB_ERR;
    int is_mail = strcmp(j->row.channel, "mail") == 0;
    if (d != GATE_ALLOW) {
        j->cancel = 1;
        snprintf(j->err, sizeof j->err, "no consent or legal basis any more");
    } else if (!*(is_mail ? j->mail : j->url)) {
        j->cancel = 1;
        snprintf(j->err, sizeof j->err, "the recipient removed this channel");
    }
    s = residents_town(n->db, j->row.resident, &town);
    const struct scope *sc = s == DB_ROW ? scope_of(town) : NULL;
    if (!sc)
        return s == DB_ROW ? DB_ERR : s;
    s = residents_name(n->db, sc, j->row.resident, j->name, sizeof j->name);
    /* Staff read a city alert with the district (GET /v1/alerts); family do not need it. */
    if ((s == DB_ROW || s == DB_DONE) && j->staff)
        s = residents_district(n->db, sc, j->row.resident, j->district, sizeof j->district);
    return s == DB_ROW || s == DB_DONE ? DB_OK : s;
}

struct outcome {
    const struct job *j;
    int64_t now, next; /* next: -1 sent, 0 given up, else the retry time */
    const char *err;
};

static enum db_status record_body(struct notifier *n, void *arg)
{
    const struct outcome *o = arg;
    const struct job *j = o->j;
    char action[24], outcome[200], rid[40];
    enum db_status s = j->cancel     ? notifyq_cancel(n->db, j->row.id, j->err)
                       : o->next < 0 ? notifyq_sent(n->db, j->row.id, o->now)
                                     : notifyq_failed(n->db, j->row.id, o->next, o->err);
    snprintf(action, sizeof action, "notify.%.8s", j->row.channel);
    snprintf(outcome, sizeof outcome, "%s%s%s",
             j->cancel      ? "cancelled: "
             : o->next < 0  ? "ok"
             : o->next == 0 ? "failed, given up: "
                            : "failed, retry: ",
             o->next < 0 && !j->cancel ? "" : (j->cancel ? j->err : o->err), "");
    snprintf(rid, sizeof rid, "notification:%lld", (long long)j->row.id);
    struct audit_rec a = {.at = (time_t)o->now,
                          .actor = "hub",
                          .action = action,
                          .outcome = outcome,
                          .subject = j->row.resident,
                          .data_kinds = "safety",
                          .purpose = "watch_over",
                          .basis = j->basis[0] ? j->basis : "none",
                          .source = "hub",
                          .destination = j->row.actor,
                          .request_id = rid};
    if (s == DB_OK)
        s = audit_append_db(n->db, &a, NULL);
    return s;
}

/* Sends j now on its channel. 0 accepted, else -1 with err. */
static int deliver(struct notifier *n, const struct job *j, int64_t now, char *err, size_t errcap)
{
    struct notifymsg m = {.id = j->row.id,
                          .kind = j->kind,
                          .raised = j->raised,
                          .resident_name = j->name,
                          .district = j->staff ? j->district : NULL,
                          .recipient_name = j->rname,
                          .lang = j->lang,
                          .ack_code = j->row.ack_code,
                          .ack_url = n->cfg.ack_url};
    size_t len = 0;
    int rc = -1;
    if (strcmp(j->row.channel, "mail") == 0) {
        if (!n->cfg.smtp_url || !n->cfg.smtp_from) {
            snprintf(err, errcap, "no SMTP server configured (hubd --smtp-url, --smtp-from)");
            return -1;
        }
        char *mail = notifymsg_mail(&m, n->cfg.smtp_from, j->mail, now, &len);
        struct notifysend_smtp smtp = {n->cfg.smtp_url, n->cfg.smtp_from, n->cfg.smtp_ca,
                                       n->cfg.timeout_ms};
        if (mail)
            rc = notifysend_mail(n->curl, &smtp, j->mail, mail, len, err, errcap);
        free(mail);
    } else {
        char id[32];
        notifymsg_msg_id(j->row.id, id, sizeof id);
        char *body = notifymsg_webhook(&m, &len);
        struct opush_msg w = {j->url, j->secret, id, body, len};
        long status = body ? opush_post(n->curl, &w, now, n->cfg.timeout_ms, err, errcap) : 0;
        rc = status >= 200 && status <= 299 ? 0 : -1;
        free(body);
    }
    if (rc != 0 && !err[0])
        snprintf(err, errcap, "out of memory");
    return rc;
}

struct claim_arg {
    int64_t now;
    struct notifyq_row rows[CLAIM_BATCH];
    size_t n;
};

static enum db_status claim_body(struct notifier *n, void *arg)
{
    struct claim_arg *c = arg;
    return notifyq_claim(n->db, c->now, n->cfg.timeout_ms / 1000 + 30, CLAIM_BATCH, c->rows, &c->n);
}

static unsigned int jitter(void)
{
    unsigned int r = 0;
    if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
        r = 0;
    return r;
}

struct release_arg {
    const struct notifyq_row *rows;
    size_t n;
};

static enum db_status release_body(struct notifier *n, void *arg)
{
    const struct release_arg *a = arg;
    enum db_status s = DB_OK;
    for (size_t i = 0; i < a->n && s == DB_OK; i++)
        s = notifyq_release(n->db, a->rows[i].id);
    return s;
}

void notifier_stop_soon(struct notifier *n)
{
    if (n)
        atomic_store(&n->stopping, 1);
}

static int send_due(struct notifier *n, struct notifier_stats *st)
{
    for (;;) {
        struct claim_arg c = {.now = hubclock_now()};
        if (atomic_load(&n->stopping))
            return 0;
        if (in_tx(n, claim_body, &c) != DB_OK)
            return -1;
        for (size_t i = 0; i < c.n; i++) {
            if (atomic_load(&n->stopping)) {
                struct release_arg r = {c.rows + i, c.n - i};
                return in_tx(n, release_body, &r) == DB_OK ? 0 : -1;
            }
            struct job j = {.row = c.rows[i]};
            if (in_tx(n, prepare_body, &j) != DB_OK)
                return -1;
            char err[160] = "";
            int64_t now = hubclock_now();
            struct outcome o = {.j = &j, .now = now, .next = -1, .err = err};
            if (!j.cancel) {
                st->attempted++;
                if (deliver(n, &j, now, err, sizeof err) == 0) {
                    st->sent++;
                } else {
                    now = hubclock_now();
                    o.now = now;
                    o.next = now + opush_backoff_s(&n->backoff, (int)j.row.attempts + 1, jitter());
                    if (now - j.row.created > n->cfg.max_age_s) {
                        o.next = 0;
                        st->gave_up++;
                    } else {
                        st->failed++;
                    }
                    fprintf(stderr, "hub: notification %lld (%s) not delivered: %s\n",
                            (long long)j.row.id, j.row.channel, err);
                }
            }
            if (in_tx(n, record_body, &o) != DB_OK)
                return -1;
        }
        if (c.n < CLAIM_BATCH)
            return 0;
    }
}

int notifier_run_once(struct notifier *n, struct notifier_stats *stats)
{
    struct notifier_stats st = {0};
    struct plan_arg p = {hubclock_now(), &st};
    int rc = in_tx(n, plan_body, &p) == DB_OK ? 0 : -1;
    if (rc == 0)
        rc = send_due(n, &st);
    if (stats)
        *stats = st;
    return rc;
}

int notifier_test(struct notifier *n, int64_t recipient, char *err, size_t errcap)
{
    struct job j = {.row = {.id = 0, .recipient = recipient}};
    if (db_begin(n->db) != DB_OK)
        goto db;
    enum db_status s = notifyrcpt_get(n->db, NULL, recipient, read_rcpt, &j);
    db_rollback(n->db);
    if (s != DB_OK)
        goto db;
    if (!j.rname[0]) {
        snprintf(err, errcap, "no such recipient");
        return -1;
    }
    int rc = 0;
    snprintf(j.kind, sizeof j.kind, "help");
    snprintf(j.name, sizeof j.name, "%s", strcmp(j.lang, "en") == 0 ? "(test)" : "（テスト）");
    snprintf(j.row.ack_code, sizeof j.row.ack_code, "TEST-TEST-TEST-TEST");
    j.raised = hubclock_now();
    for (int ch = 0; ch < 2; ch++) {
        if (!*(ch == 0 ? j.mail : j.url))
            continue;
        char e[160] = "";
        snprintf(j.row.channel, sizeof j.row.channel, "%s", ch == 0 ? "mail" : "webhook");
        if (deliver(n, &j, hubclock_now(), e, sizeof e) != 0) {
            snprintf(err, errcap, "%s: %s", j.row.channel, e);
            rc = -1;
        }
    }
    return rc;
db:
    snprintf(err, errcap, "cannot read the database: %s", db_errmsg(n->db));
    return -1;
}
