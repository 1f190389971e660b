/*
 * priv: loads and state of the resident's own data (access log, consents, alerts,
 * checkups) and the family's alerts, and the words they are shown in (see priv.h). Every
 * request goes through the priv_request port; every answer comes back as an APP_EV_PRIV_*
 * or APP_EV_CK_* event matched by its request id, so a late answer of an ended session
 * (its id was wiped) is ignored.
 */
#include <math.h>
#include <string.h>

#include "appstate.h"
#include "pageflow.h"

/* --- judgement --- */

enum ck_judgement ck_judgement_parse(const char *s)
{
    if (!s)
        return CK_J_NONE;
    if (strcmp(s, "normal") == 0)
        return CK_J_NORMAL;
    if (strcmp(s, "guidance") == 0)
        return CK_J_GUIDANCE;
    if (strcmp(s, "see_doctor") == 0)
        return CK_J_SEE_DOCTOR;
    return CK_J_NONE;
}

const char *ck_judgement_str(enum ck_judgement j)
{
    switch (j) {
    case CK_J_NORMAL:
        return "normal";
    case CK_J_GUIDANCE:
        return "guidance";
    case CK_J_SEE_DOCTOR:
        return "see_doctor";
    default:
        return "none";
    }
}

/* The hub names items as the MHLW item table does ("AST(GOT)", "γ-GT(γ-GTP)", "eGFR"):
 * abbreviations a resident cannot read. An item with plain words in the strings files
 * (key "ck_name_<item code>") is named with those, its abbreviation kept in brackets so it
 * still matches the paper results; other names stay as the hub sent them. */
static void ck_plain_name(const struct app *a, const char *identity, char *name, size_t size)
{
    char key[32];
    snprintf(key, sizeof key, "ck_name_%s", identity);
    if (identity[0] && i18n_has(a->cur, key))
        snprintf(name, size, "%s", app_s(a, key));
}

const char *ck_judgement_words(const struct app *a, enum ck_judgement j)
{
    switch (j) {
    case CK_J_NORMAL:
        return app_s(a, "ck_j_normal");
    case CK_J_GUIDANCE:
        return app_s(a, "ck_j_guidance");
    case CK_J_SEE_DOCTOR:
        return app_s(a, "ck_j_see_doctor");
    default:
        return app_s(a, "ck_j_none");
    }
}

enum icon_id ck_judgement_icon(enum ck_judgement j)
{
    /* a distinct shape for each, so the judgement never rests on colour */
    switch (j) {
    case CK_J_NORMAL:
        return ICON_CHECK;
    case CK_J_GUIDANCE:
        return ICON_NEUTRAL;
    case CK_J_SEE_DOCTOR:
        return ICON_HELP;
    default:
        return ICON_NONE;
    }
}

void ck_num_text(double v, char *buf, size_t size)
{
    snprintf(buf, size, "%.2f", v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *end = buf + strlen(buf) - 1;
        while (end > dot && *end == '0')
            *end-- = '\0';
        if (end == dot)
            *end = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        snprintf(buf, size, "0");
}

void ck_num_unit(double v, const char *unit, char *buf, size_t size)
{
    char n[32];
    ck_num_text(v, n, sizeof n);
    if (unit && unit[0])
        snprintf(buf, size, "%s %s", n, unit);
    else
        snprintf(buf, size, "%s", n);
}

/* The common codes of qualitative results as senders write them (full-width, ASCII, the
 * minus sign, bracketed), and the strings key of their words. */
static const struct {
    const char *code, *key;
} common_codes[] = {
    {"－", "ck_code_neg"},   {"-", "ck_code_neg"},      {"−", "ck_code_neg"},
    {"(-)", "ck_code_neg"},  {"（－）", "ck_code_neg"}, {"±", "ck_code_trace"},
    {"+-", "ck_code_trace"}, {"(±)", "ck_code_trace"},  {"（±）", "ck_code_trace"},
    {"＋", "ck_code_pos"},   {"+", "ck_code_pos"},      {"1+", "ck_code_pos"},
    {"(+)", "ck_code_pos"},  {"（＋）", "ck_code_pos"}, {"2+", "ck_code_pos2"},
    {"2＋", "ck_code_pos2"}, {"++", "ck_code_pos2"},    {"3+", "ck_code_pos3"},
    {"3＋", "ck_code_pos3"}, {"+++", "ck_code_pos3"},   {"4+", "ck_code_pos4"},
    {"4＋", "ck_code_pos4"}, {"++++", "ck_code_pos4"},
};

const char *ck_code_words(const struct app *a, const struct ck_item *it)
{
    /* the hub's words, unless they are only the code again (what it sends for a code
     * system it has no words for) */
    const char *hub = strcmp(app_lang(a), "en") == 0 ? it->words_en : it->words_ja;
    const char *other = hub == it->words_en ? it->words_ja : it->words_en;
    if (hub[0] && strcmp(hub, it->code) != 0)
        return hub;
    for (size_t i = 0; i < sizeof common_codes / sizeof common_codes[0]; i++)
        if (strcmp(it->code, common_codes[i].code) == 0)
            return app_s(a, common_codes[i].key);
    /* the other language's words are better than a code */
    return other[0] && strcmp(other, it->code) != 0 ? other : NULL;
}

const char *ck_item_text(const struct ck_detail *d, const struct ck_item *it)
{
    if (!d || it->text_len == 0 || it->text_at >= d->pool_len)
        return "";
    return d->pool + it->text_at;
}

void ck_item_set_text(struct ck_detail *d, struct ck_item *it, const char *s)
{
    size_t len = strlen(s), n = len < CK_TEXT_MAX ? len : CK_TEXT_MAX;
    size_t room = CK_POOL_MAX - d->pool_len;
    it->text_at = d->pool_len;
    it->text_len = 0;
    if (room == 0) {
        it->text_cut = len > 0;
        return;
    }
    if (n >= room)
        n = room - 1;
    while (n > 0 && n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--; /* never half a character */
    it->text_cut = n < len;
    memcpy(d->pool + d->pool_len, s, n);
    d->pool[d->pool_len + n] = '\0';
    it->text_len = (uint32_t)n;
    d->pool_len += (uint32_t)n + 1;
}

void ck_value_text(const struct app *a, const struct ck_detail *d, const struct ck_item *it,
                   char *buf, size_t size)
{
    const char *text = ck_item_text(d, it);
    const char *w;
    if (it->has_value) {
        ck_num_unit(it->value, it->unit_display, buf, size);
    } else if (it->kind == CK_K_CODE && (w = ck_code_words(a, it)) != NULL) {
        snprintf(buf, size, "%s", w);
    } else if (it->kind == CK_K_CODE && it->code[0]) {
        /* a code we have no words for: said to be one, never shown as if it were a value */
        i18n_format(buf, size, app_s(a, "ck_code_unknown"), it->code, NULL, NULL, NULL);
    } else if (text[0]) {
        snprintf(buf, size, "%s", text);
    } else {
        snprintf(buf, size, "—");
    }
}

bool ck_bar(const struct ck_item *it, double *pos, double *lo, double *hi)
{
    double a, b;
    if (!it->has_value)
        return false;
    if (it->has_low && it->has_high && it->high > it->low) {
        a = it->low;
        b = it->high;
    } else if (it->has_threshold) {
        /* one-sided threshold: from the guidance to the see-a-doctor threshold */
        double t = it->has_see_doctor ? it->t_see_doctor : it->t_guidance;
        double g = it->t_guidance;
        a = g < t ? g : t;
        b = g < t ? t : g;
        if (!(b > a)) { /* one threshold only: ±20 % around it */
            a = g - fabs(g) * 0.2;
            b = g + fabs(g) * 0.2;
        }
    } else if (it->has_high && it->high > 0) {
        a = 0;
        b = it->high;
    } else if (it->has_low) {
        a = it->low * 0.5;
        b = it->low * 1.5;
    } else {
        return false;
    }
    if (!(b > a))
        return false;
    double w = b - a;
    *lo = a - w / 2;
    *hi = b + w / 2;
    double p = (it->value - *lo) / (*hi - *lo);
    *pos = p < 0 ? 0 : p > 1 ? 1 : p;
    return true;
}

int priv_paginate(const int *heights, int n, int avail, int *starts, int max_pages)
{
    return priv_paginate_max(heights, n, avail, 0, starts, max_pages);
}

int priv_paginate_max(const int *heights, int n, int avail, int per_page, int *starts,
                      int max_pages)
{
    int pages = 0, used = 0;
    if (max_pages < 1)
        return 1;
    starts[0] = 0;
    for (int i = 0; i < n; i++) {
        bool room = used + heights[i] <= avail && (per_page <= 0 || i - starts[pages] < per_page);
        if (i == starts[pages] || room) {
            used += heights[i];
            continue;
        }
        if (pages + 1 >= max_pages)
            break; /* the cap: the rest shares the last page (callers keep n small) */
        starts[++pages] = i;
        used = heights[i];
    }
    return n ? pages + 1 : 1;
}

/* --- words --- */

const char *priv_data_words(const struct app *a, const char *k)
{
    if (!k || !*k)
        return app_s(a, "priv_data_other");
    if (strncmp(k, "safety", 6) == 0)
        return app_s(a, "priv_data_safety");
    if (strncmp(k, "checkup", 7) == 0)
        return app_s(a, "priv_data_checkups");
    if (strncmp(k, "address", 7) == 0)
        return app_s(a, "priv_data_address");
    if (strncmp(k, "orders", 6) == 0)
        return app_s(a, "priv_data_orders");
    if (strncmp(k, "consent", 7) == 0)
        return app_s(a, "priv_data_consents");
    if (strncmp(k, "audit", 5) == 0 || strncmp(k, "access", 6) == 0)
        return app_s(a, "priv_data_log");
    if (strncmp(k, "stats", 5) == 0)
        return app_s(a, "priv_data_stats");
    return app_s(a, "priv_data_other");
}

void priv_recipient_words(const struct app *a, const char *kind, const char *name,
                          const char *relation, char *buf, size_t size)
{
    const char *key = "priv_who_other";
    if (strcmp(kind, "family") == 0)
        key = relation && *relation ? "priv_who_family_rel" : "priv_who_family";
    else if (strcmp(kind, "staff") == 0)
        key = "priv_who_staff";
    else if (strcmp(kind, "source") == 0)
        key = "priv_who_source";
    else if (strcmp(kind, "operator") == 0)
        key = "priv_who_operator";
    else if (strcmp(kind, "device") == 0)
        key = "priv_who_device";
    else if (strcmp(kind, "city_office") == 0)
        key = "priv_who_city";
    else if (strcmp(kind, "hub") == 0)
        key = "priv_who_hub";
    i18n_format(buf, size, app_s(a, key), name, relation, NULL, NULL);
}

static const char *verb_key(const struct priv_log_entry *e)
{
    const char *dot = strrchr(e->action, '.');
    const char *v = dot ? dot + 1 : e->action;
    if (e->outcome[0] && strncmp(e->outcome, "ok", 2) != 0)
        return "priv_verb_refused";
    if (strcmp(e->action, "consent.grant") == 0)
        return "priv_verb_grant";
    if (strcmp(e->action, "consent.revoke") == 0)
        return "priv_verb_revoke";
    if (strcmp(e->action, "stats.optout") == 0 || strcmp(e->action, "stats.optin") == 0)
        return "priv_verb_change";
    if (strcmp(v, "read") == 0 || strcmp(v, "list") == 0 || strcmp(v, "trend") == 0)
        return "priv_verb_read";
    if (strcmp(v, "release") == 0 || strcmp(v, "deliver") == 0 || strcmp(v, "ack") == 0)
        return "priv_verb_receive";
    if (strcmp(v, "create") == 0 || strcmp(v, "import") == 0 || strcmp(v, "send") == 0)
        return "priv_verb_create";
    return "priv_verb_other";
}

static const char *why_key(const char *purpose)
{
    if (strcmp(purpose, "watch_over") == 0)
        return "priv_why_watch_over";
    if (strcmp(purpose, "delivery") == 0)
        return "priv_why_delivery";
    if (strcmp(purpose, "linkage") == 0)
        return "priv_why_linkage";
    if (strcmp(purpose, "own_view") == 0)
        return "priv_why_own";
    if (strcmp(purpose, "authentication") == 0)
        return "priv_why_auth";
    if (strcmp(purpose, "statistics") == 0)
        return "priv_why_stats";
    return "priv_why_other";
}

static const char *basis_key(const char *basis)
{
    if (strncmp(basis, "consent:", 8) == 0)
        return "priv_basis_consent";
    if (strncmp(basis, "legal:", 6) == 0)
        return "priv_basis_legal";
    if (strncmp(basis, "self:", 5) == 0)
        return "priv_basis_self";
    if (strcmp(basis, "enrolment") == 0)
        return "priv_basis_enrol";
    return "priv_basis_other";
}

void priv_log_sentence(const struct app *a, const struct priv_log_entry *e, char *buf, size_t size)
{
    char date[64], tm[16], who[160], line[PRIV_SENTENCE], why[160];
    app_fmt_date(a, e->at_unix, date, sizeof date);
    app_fmt_time(a, e->at_unix, tm, sizeof tm);
    if (strncmp(e->basis, "self:", 5) == 0)
        snprintf(who, sizeof who, "%s", app_s(a, "priv_who_self"));
    else
        priv_recipient_words(a, e->actor_kind, e->actor_name, NULL, who, sizeof who);
    char when[PRIV_SENTENCE];
    snprintf(when, sizeof when, "%s %s %s", date, tm, who);
    i18n_format(why, sizeof why, app_s(a, "priv_log_why"), app_s(a, why_key(e->purpose)),
                app_s(a, basis_key(e->basis)), NULL, NULL);
    i18n_format(line, sizeof line, app_s(a, "priv_log_line"), when,
                priv_data_words(a, e->data_kinds), app_s(a, verb_key(e)), why);
    if (e->count > 1) {
        /* a grouped line: the last time, and how many times that day */
        char n[16], times[96];
        snprintf(n, sizeof n, "%d", e->count);
        i18n_format(times, sizeof times, app_s(a, "priv_log_count"), n, NULL, NULL, NULL);
        snprintf(buf, size, "%s %s", line, times);
        return;
    }
    snprintf(buf, size, "%s", line);
}

/* "一郎さんが 9:14 に 確かめました。" or "まだ だれも 確かめていません。" */
static void ack_words(const struct app *a, bool acked, const char *kind, const char *name,
                      int64_t at, char *buf, size_t size)
{
    if (acked) {
        char who[160], atm[16];
        priv_recipient_words(a, kind, name, NULL, who, sizeof who);
        app_fmt_time(a, at, atm, sizeof atm);
        i18n_format(buf, size, app_s(a, "priv_alert_acked"), who, atm, NULL, NULL);
    } else {
        i18n_format(buf, size, app_s(a, "priv_alert_open"), NULL, NULL, NULL, NULL);
    }
}

const char *priv_level_words(const struct app *a, const char *level)
{
    return app_s(a, strcmp(level, "city") == 0 ? "priv_level_city" : "priv_level_family");
}

void priv_alert_sentence(const struct app *a, const struct priv_alert *al, char *buf, size_t size)
{
    char date[64], tm[16], what[PRIV_SENTENCE], ack[PRIV_SENTENCE];
    app_fmt_date(a, al->raised_unix, date, sizeof date);
    app_fmt_time(a, al->raised_unix, tm, sizeof tm);
    const char *key = strcmp(al->kind, "help") == 0     ? "priv_alert_help"
                      : strcmp(al->kind, "unwell") == 0 ? "priv_alert_unwell"
                                                        : "priv_alert_missed";
    i18n_format(what, sizeof what, app_s(a, key), date, tm, NULL, NULL);
    if (al->nlev > 1) {
        /* one event alerted several: each level's state, labelled */
        size_t used = (size_t)snprintf(buf, size, "%s", what);
        for (int i = 0; i < al->nlev && used < size; i++) {
            char one[PRIV_SENTENCE];
            const struct priv_level *l = &al->lev[i];
            ack_words(a, l->acked, l->acked_kind, l->acked_name, l->acked_unix, ack, sizeof ack);
            i18n_format(one, sizeof one, app_s(a, "priv_alert_level"),
                        priv_level_words(a, l->level), ack, NULL, NULL);
            used += (size_t)snprintf(buf + used, size - used, "\n%s", one);
        }
        return;
    }
    ack_words(a, al->acked, al->acked_kind, al->acked_name, al->acked_unix, ack, sizeof ack);
    snprintf(buf, size, "%s %s", what, ack);
}

int priv_alerts_merge(struct priv_alert *al, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++) {
        int into = -1;
        for (int j = 0; j < k && al[i].group[0]; j++)
            if (strcmp(al[j].group, al[i].group) == 0 && al[j].nlev < 2)
                into = j;
        struct priv_level l = {.acked = al[i].acked, .acked_unix = al[i].acked_unix};
        snprintf(l.level, sizeof l.level, "%s", al[i].level);
        snprintf(l.acked_kind, sizeof l.acked_kind, "%s", al[i].acked_kind);
        snprintf(l.acked_name, sizeof l.acked_name, "%s", al[i].acked_name);
        if (into < 0) {
            al[k] = al[i];
            al[k].nlev = 1;
            al[k].lev[0] = l;
            k++;
            continue;
        }
        struct priv_alert *m = &al[into];
        /* family first: the level the resident's own people are at */
        if (strcmp(l.level, "family") == 0) {
            m->lev[1] = m->lev[0];
            m->lev[0] = l;
            m->id = al[i].id; /* the family alert is the one a family member acknowledges */
        } else {
            m->lev[1] = l;
        }
        m->nlev = 2;
        /* the entry is settled only when every level has been acknowledged */
        m->acked = m->lev[0].acked && m->lev[1].acked;
        if (m->raised_unix > al[i].raised_unix)
            m->raised_unix = al[i].raised_unix;
    }
    return k;
}

int priv_open_alerts(const struct priv_alert *al, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += !al[i].acked;
    return k;
}

/* --- consent rows --- */

static int find_row(const struct priv_row *rows, int n, const char *kind, long long id,
                    const char *data_kind, const char *purpose)
{
    for (int i = 0; i < n; i++)
        if (strcmp(rows[i].recipient_kind, kind) == 0 && rows[i].recipient_id == id &&
            strcmp(rows[i].data_kind, data_kind) == 0 && strcmp(rows[i].purpose, purpose) == 0)
            return i;
    return -1;
}

int priv_rows_from(const struct priv_answer *ans, struct priv_row *rows, int max)
{
    int n = 0;
    if (ans->u.consents.nch > 0) {
        n = ans->u.consents.nch < max ? ans->u.consents.nch : max;
        memcpy(rows, ans->u.consents.ch, (size_t)n * sizeof rows[0]);
        /* the relation ("長男") comes with the linked family list */
        for (int i = 0; i < n; i++)
            for (int k = 0; k < ans->u.consents.nr; k++)
                if (strcmp(rows[i].recipient_kind, ans->u.consents.r[k].kind) == 0 &&
                    rows[i].recipient_id == ans->u.consents.r[k].id)
                    snprintf(rows[i].relation, sizeof rows[i].relation, "%s",
                             ans->u.consents.r[k].relation);
        return n;
    }
    /* every linked family member can be allowed the safety data, on or off */
    for (int i = 0; i < ans->u.consents.nr && n < max; i++) {
        const struct priv_recipient *r = &ans->u.consents.r[i];
        struct priv_row *w = &rows[n++];
        memset(w, 0, sizeof *w);
        snprintf(w->recipient_kind, sizeof w->recipient_kind, "%s", r->kind);
        w->recipient_id = r->id;
        snprintf(w->recipient_name, sizeof w->recipient_name, "%s", r->name);
        snprintf(w->relation, sizeof w->relation, "%s", r->relation);
        snprintf(w->data_kind, sizeof w->data_kind, "safety");
        snprintf(w->purpose, sizeof w->purpose, "watch_over");
    }
    /* every active consent is on; those not listed above get their own row */
    for (int i = 0; i < ans->n; i++) {
        const struct priv_consent *c = &ans->u.consents.c[i];
        int k = find_row(rows, n, c->recipient_kind, c->recipient_id, c->data_kind, c->purpose);
        if (k < 0 && n < max) {
            k = n++;
            memset(&rows[k], 0, sizeof rows[k]);
            snprintf(rows[k].recipient_kind, sizeof rows[k].recipient_kind, "%s",
                     c->recipient_kind);
            rows[k].recipient_id = c->recipient_id;
            snprintf(rows[k].recipient_name, sizeof rows[k].recipient_name, "%s",
                     c->recipient_name);
            snprintf(rows[k].data_kind, sizeof rows[k].data_kind, "%s", c->data_kind);
            snprintf(rows[k].purpose, sizeof rows[k].purpose, "%s", c->purpose);
        }
        if (k >= 0)
            rows[k].on = true;
    }
    return n;
}

/* --- loads --- */

void priv_load_sent(struct app *a, struct priv_load *ld, uint32_t req, bool session)
{
    ld->req = req;
    ld->loading = ld->req != 0;
    ld->failed = !ld->loading;
    /* not even sent: for the resident's own data that means no card session (any more) */
    ld->status = ld->failed && session ? 401 : 0;
    a->dirty = true;
}

static void start(struct app *a, struct priv_load *ld, const struct priv_request *r, bool again)
{
    if (ld->loading && !again)
        return;
    priv_load_sent(a, ld, a->ports.priv_request ? a->ports.priv_request(a->ports.ctx, r) : 0,
                   r->what != PRIV_REQ_FAM_ALERTS && r->what != PRIV_REQ_ACK);
}

void priv_load_log(struct app *a, bool more)
{
    struct priv_state *p = &a->pv;
    if (more && (!p->log_next || p->log_n >= PRIV_LOG_MAX))
        return;
    if (!more) {
        p->log_n = 0;
        p->log_next = 0;
        p->log_page = 0;
        p->log_ld.loaded = false;
    }
    struct priv_request r = {
        .what = PRIV_REQ_LOG, .limit = PRIV_LOG_CHUNK, .before = more ? p->log_next : 0};
    start(a, &p->log_ld, &r, false);
}

void priv_load_consents(struct app *a)
{
    struct priv_request r = {.what = PRIV_REQ_CONSENTS};
    start(a, &a->pv.cons_ld, &r, false);
}

void priv_load_alerts(struct app *a)
{
    struct priv_request r = {.what = PRIV_REQ_ALERTS, .limit = PRIV_ALERTS_MAX};
    start(a, &a->pv.al_ld, &r, false);
}

void priv_load_fam_alerts(struct app *a)
{
    if (!a->me_known)
        return;
    struct priv_request r = {
        .what = PRIV_REQ_FAM_ALERTS, .id = a->resident_id, .limit = PRIV_ALERTS_MAX};
    start(a, &a->pv.fam_ld, &r, false);
}

void priv_ack(struct app *a, long long alert_id)
{
    struct priv_request r = {.what = PRIV_REQ_ACK, .id = alert_id};
    a->pv.ack_id = alert_id;
    start(a, &a->pv.ack_ld, &r, false);
}

void priv_load_checkups(struct app *a, bool more)
{
    struct priv_state *p = &a->pv;
    if (more && (!p->cks_next || p->cks_n >= CK_LIST_MAX))
        return;
    if (!more) {
        p->cks_n = 0;
        p->cks_next = 0;
        p->cks_page = 0;
        p->ckl_ld.loaded = false;
    }
    struct priv_request r = {
        .what = PRIV_REQ_CK_LIST, .limit = 20, .before = more ? p->cks_next : 0};
    start(a, &p->ckl_ld, &r, false);
}

void priv_load_checkup(struct app *a, long long id)
{
    struct priv_request r = {.what = PRIV_REQ_CK_ONE, .id = id};
    a->pv.ck_page = 0;
    a->pv.ck_ld.loaded = false;
    start(a, &a->pv.ck_ld, &r, true);
}

void priv_load_trend(struct app *a, const char *identity)
{
    struct priv_request r = {.what = PRIV_REQ_CK_TREND};
    snprintf(r.identity, sizeof r.identity, "%s", identity);
    a->pv.tr_ld.loaded = false;
    start(a, &a->pv.tr_ld, &r, true);
}

static void change_words(struct app *a, const struct priv_row *w, bool on, bool changed)
{
    char who[160];
    priv_recipient_words(a, w->recipient_kind, w->recipient_name, w->relation, who, sizeof who);
    const char *key = on ? (changed ? "priv_set_on" : "priv_set_on_already")
                         : (changed ? "priv_set_off" : "priv_set_off_already");
    if (strcmp(w->recipient_kind, "source") == 0) {
        key = !changed ? "priv_set_same_src" : on ? "priv_set_on_src" : "priv_set_off_src";
        snprintf(who, sizeof who, "%s", w->recipient_name);
    }
    i18n_format(a->pv.set_words, sizeof a->pv.set_words, app_s(a, key), who,
                priv_data_words(a, w->data_kind), NULL, NULL);
}

void priv_set_consent(struct app *a, int row, bool on)
{
    struct priv_state *p = &a->pv;
    if (row < 0 || row >= p->rows_n)
        return;
    const struct priv_row *w = &p->rows[row];
    struct priv_request r = {
        .what = PRIV_REQ_CONSENT_SET, .recipient_id = w->recipient_id, .granted = on};
    snprintf(r.recipient_kind, sizeof r.recipient_kind, "%s", w->recipient_kind);
    snprintf(r.data_kind, sizeof r.data_kind, "%s", w->data_kind);
    snprintf(r.purpose, sizeof r.purpose, "%s", w->purpose);
    p->pending_row = row;
    p->pending_on = on;
    p->set_words[0] = '\0';
    start(a, &p->set_ld, &r, true);
}

bool priv_busy(const struct app *a)
{
    const struct priv_state *p = &a->pv;
    return p->log_ld.loading || p->cons_ld.loading || p->set_ld.loading || p->al_ld.loading ||
           p->fam_ld.loading || p->ack_ld.loading || p->ckl_ld.loading || p->ck_ld.loading ||
           p->tr_ld.loading;
}

void priv_wipe(struct app *a)
{
    explicit_bzero(&a->pv, sizeof a->pv);
    a->pv.pending_row = -1;
}

/* Ends a load: true when the answer is this load's and carries data. */
bool priv_load_end(struct app *a, struct priv_load *ld, const struct app_event *ev, bool parsed)
{
    if (!ld->loading || ev->req != ld->req)
        return false;
    ld->loading = false;
    ld->req = 0;
    a->net = ev->net == APP_NET_UNREACHABLE ? NET_DOWN : NET_OK;
    if (ev->net == APP_NET_OK && parsed) {
        ld->loaded = true;
        ld->failed = false;
        ld->status = 0;
        return true;
    }
    ld->failed = true;
    ld->status = ev->net == APP_NET_REFUSED ? ev->status : 0;
    return false;
}

void priv_handle(struct app *a, const struct app_event *ev)
{
    struct priv_state *p = &a->pv;
    const struct priv_answer *x = ev->priv;
    int n = x ? x->n : 0;
    switch (ev->kind) {
    case APP_EV_PRIV_LOG:
        if (priv_load_end(a, &p->log_ld, ev, x != NULL)) {
            for (int i = 0; i < n && i < PRIV_LOG_CHUNK && p->log_n < PRIV_LOG_MAX; i++)
                p->log[p->log_n++] = x->u.log[i];
            p->log_next = x->next_before;
        }
        break;
    case APP_EV_PRIV_CONSENTS:
        if (priv_load_end(a, &p->cons_ld, ev, x != NULL)) {
            p->rows_n = priv_rows_from(x, p->rows, PRIV_ROWS_MAX);
            if (p->rows_page * 1 >= p->rows_n)
                p->rows_page = 0;
        }
        break;
    case APP_EV_PRIV_CONSENT_SET: {
        bool ok = priv_load_end(a, &p->set_ld, ev, x != NULL);
        int row = p->pending_row;
        if (row >= 0 && row < p->rows_n) {
            if (ok) {
                p->set_changed = x->changed;
                p->rows[row].on = p->pending_on;
                p->rows[row].revoked = p->rows[row].revoked || !p->pending_on;
                change_words(a, &p->rows[row], p->pending_on, x->changed);
                app_tone(a, APP_TONE_SUCCESS);
            } else {
                app_tone(a, APP_TONE_FAILURE);
            }
        }
        p->pending_row = -1;
        break;
    }
    case APP_EV_PRIV_ALERTS:
        if (priv_load_end(a, &p->al_ld, ev, x != NULL)) {
            p->alerts_n = n < PRIV_ALERTS_MAX ? n : PRIV_ALERTS_MAX;
            memcpy(p->alerts, x->u.alerts, (size_t)p->alerts_n * sizeof p->alerts[0]);
            /* one entry per press, each level's state in words */
            p->alerts_n = priv_alerts_merge(p->alerts, p->alerts_n);
        }
        break;
    case APP_EV_PRIV_FAM_ALERTS:
        if (priv_load_end(a, &p->fam_ld, ev, x != NULL)) {
            p->fam_n = n < PRIV_ALERTS_MAX ? n : PRIV_ALERTS_MAX;
            memcpy(p->fam, x->u.alerts, (size_t)p->fam_n * sizeof p->fam[0]);
            /* open ones first (stable), so the family sees what needs them at once */
            struct priv_alert tmp[PRIV_ALERTS_MAX];
            int k = 0;
            for (int pass = 0; pass < 2; pass++)
                for (int i = 0; i < p->fam_n; i++)
                    if (p->fam[i].acked == (pass == 1))
                        tmp[k++] = p->fam[i];
            memcpy(p->fam, tmp, (size_t)k * sizeof tmp[0]);
        }
        break;
    case APP_EV_PRIV_ACK:
        if (priv_load_end(a, &p->ack_ld, ev, x != NULL)) {
            app_tone(a, APP_TONE_SUCCESS);
            /* the list again, with who acknowledged (an older load in flight is dropped) */
            p->fam_ld.loading = false;
            priv_load_fam_alerts(a);
        } else if (ev->req == 0 || p->ack_ld.failed) {
            app_tone(a, APP_TONE_FAILURE);
        }
        break;
    case APP_EV_CK_LIST:
        if (priv_load_end(a, &p->ckl_ld, ev, x != NULL)) {
            for (int i = 0; i < n && i < CK_LIST_MAX && p->cks_n < CK_LIST_MAX; i++)
                p->cks[p->cks_n++] = x->u.cks[i];
            p->cks_next = x->next_before;
        }
        break;
    case APP_EV_CK_ONE:
        if (priv_load_end(a, &p->ck_ld, ev, x != NULL)) {
            p->ck = x->u.ck;
            for (int i = 0; i < p->ck.n && i < CK_ITEMS_MAX; i++)
                ck_plain_name(a, p->ck.items[i].identity, p->ck.items[i].name,
                              sizeof p->ck.items[i].name);
        }
        break;
    case APP_EV_CK_TREND:
        if (priv_load_end(a, &p->tr_ld, ev, x != NULL)) {
            p->trend = x->u.trend;
            ck_plain_name(a, p->trend.identity, p->trend.name, sizeof p->trend.name);
        }
        break;
    default:
        return;
    }
    a->dirty = true;
    const struct screen *s = a->stack[a->depth - 1];
    if (s->event)
        s->event(a, ev);
}

const char *priv_load_words(const struct app *a, const struct priv_load *ld, char *buf, size_t size)
{
    char num[16];
    if (ld->loading && !ld->loaded)
        return i18n_format(buf, size, app_s(a, "priv_loading"), NULL, NULL, NULL, NULL);
    if (!ld->failed)
        return ld->loaded
                   ? NULL
                   : i18n_format(buf, size, app_s(a, "priv_loading"), NULL, NULL, NULL, NULL);
    if (ld->status == 401)
        return i18n_format(buf, size, app_s(a, "priv_err_session"), NULL, NULL, NULL, NULL);
    if (ld->status) {
        snprintf(num, sizeof num, "%ld", ld->status);
        return i18n_format(buf, size, app_s(a, "priv_err_refused"), num, NULL, NULL, NULL);
    }
    return i18n_format(buf, size, app_s_fail(a, "priv_err_net"), NULL, NULL, NULL, NULL);
}

int priv_pager_height(struct app *a, int w)
{
    return wg_pager_height(a->ui, w, "99 / 99", app_s(a, "page_prev"), app_s(a, "page_next"));
}

static int pager(struct app *a, struct ui_rect r, int page, int pages, const char *prev,
                 const char *next)
{
    char text[64], p1[16], p2[16];
    snprintf(p1, sizeof p1, "%d", page + 1);
    snprintf(p2, sizeof p2, "%d", pages);
    i18n_format(text, sizeof text, app_s(a, "page_of"), p1, p2, NULL, NULL);
    return wg_pager(a->ui, r, page, pages, text, app_s(a, prev), app_s(a, next));
}

int priv_pager(struct app *a, struct ui_rect r, int page, int pages)
{
    return pager(a, r, page, pages, "page_prev", "page_next");
}

int priv_pager_seq_height(struct app *a, int w)
{
    return wg_pager_height(a->ui, w, "99 / 99", app_s(a, "page_before"), app_s(a, "page_after"));
}

int priv_pager_seq(struct app *a, struct ui_rect r, int page, int pages)
{
    return pager(a, r, page, pages, "page_before", "page_after");
}

bool priv_result_frame(struct app *a, struct ui_rect c, const struct priv_load *ld,
                       const char *done)
{
    const struct theme *t = ui_theme(a->ui);
    char msg[PRIV_SENTENCE];
    int gap = app_gap(a);
    if (ld->loading) {
        priv_para(a, c, c.y, true, app_s(a, "priv_set_sending"));
        return false;
    }
    const char *head = ld->failed ? app_s(a, "priv_set_failed") : done;
    const char *m = ld->failed ? priv_load_words(a, ld, msg, sizeof msg) : NULL;
    struct wg_button ok = {
        "priv_done_ok", app_s(a, "priv_done_ok"), ICON_CHECK, WG_PRIMARY, false, 0};
    /* the words, then OK at the foot; when both do not fit above each other (a notice band
     * at large text), OK goes to the right of the words at the bottom, a third of the
     * width, and the words take the rest */
    int tw = c.w, bw = c.w * 2 / 3, bh = wg_button_height(a->ui, &ok, bw);
    int words = wg_text_height(a->ui, UI_FONT_BOLD, WG_BODY_MM, head, tw) + gap +
                (m ? wg_text_height(a->ui, UI_FONT_REGULAR, WG_BODY_MM, m, tw) + gap : 0);
    if (words + bh > c.h) {
        bw = c.w / 3;
        bh = wg_button_height(a->ui, &ok, bw);
        tw = c.w - bw - gap;
    }
    struct ui_rect in = {c.x, c.y, tw, c.h};
    int y = c.y +
            wg_paragraph(a->ui, (struct ui_rect){c.x, c.y, tw, 0}, UI_FONT_BOLD, WG_BODY_MM,
                         ld->failed ? t->warn_text : t->ok_text, t->bg, head, WG_LEFT) +
            gap;
    if (m)
        y += priv_para(a, in, y, false, m);
    int bx = tw < c.w ? c.x + c.w - bw : c.x + (c.w - bw) / 2;
    int by = tw < c.w || c.y + c.h - bh > y ? c.y + c.h - bh : y;
    return wg_button(a->ui, &ok, (struct ui_rect){bx, by, bw, bh});
}

#define CHOICES_WITH_PAGER 4

int priv_choices_paged(struct app *a, struct ui_rect c, const char *body, const struct wg_button *b,
                       int n, int *page, int *pages)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    struct pageflow_block m[1 + PRIV_CHOICES_MAX];
    struct pageflow_cut starts[1 + PRIV_CHOICES_MAX];
    int gap = app_gap(a), tapped = -1;
    n = n < PRIV_CHOICES_MAX ? n : PRIV_CHOICES_MAX;
    memset(m, 0, sizeof m);
    int lh = ui_line_height(ui, UI_FONT_REGULAR, ui_text_px(ui, WG_BODY_MM));
    m[0].lines = wg_text_lines(ui, UI_FONT_REGULAR, WG_BODY_MM, body, c.w);
    m[0].line_h = lh;
    m[0].h = m[0].lines * lh + gap;
    m[0].gap = gap;
    m[0].flow = true; /* what the choices are for comes first */
    for (int i = 0; i < n; i++)
        m[i + 1] = (struct pageflow_block){
            .h = wg_button_height(ui, &b[i], c.w) + gap, .targets = 1, .gap = gap};
    int ph = app_pager_height(a, c.w), room = c.h - ph - gap;
    int np = pageflow_plan(m, n + 1, room, room, CHOICES_WITH_PAGER, starts, 1 + PRIV_CHOICES_MAX);
    struct pageflow_page pg = pageflow_page(starts, np, n + 1, *page);
    struct pageflow_part part;
    int cur = pg.page;
    int y = c.y;
    while (pageflow_page_next(m, n + 1, &pg, &part)) {
        int i = part.block;
        if (i == 0) {
            y += wg_paragraph_part(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR,
                                   WG_BODY_MM, t->text, t->bg, body, part.first_line, part.lines) +
                 gap;
            continue;
        }
        int h = m[i].h - gap;
        if (wg_button(ui, &b[i - 1], (struct ui_rect){c.x, y, c.w, h}))
            tapped = i - 1;
        y += h + gap;
    }
    *pages = np;
    if (np > 1) {
        int d = app_pager(a, (struct ui_rect){c.x, c.y + c.h - ph, c.w, ph}, cur, np);
        if (d)
            *page = cur + d;
    }
    return tapped;
}

/* An item's button: half the width, the whole when its words need more lines there. */
static int item_button_width(struct ui *ui, const struct wg_button *b, int w)
{
    return wg_button_height(ui, b, w / 2) > wg_button_height(ui, b, w) ? w : w / 2;
}

int priv_items_frame(struct app *a, struct ui_rect c, int room_less, const struct priv_item *it,
                     int n, int max_btn, int *page, int *tapped)
{
    static struct pageflow_block m[2 * PRIV_ITEMS_MAX]; /* UI thread only */
    static struct pageflow_cut starts[2 * PRIV_ITEMS_MAX];
    static int owner[2 * PRIV_ITEMS_MAX];
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a), nb = 0;
    n = n < PRIV_ITEMS_MAX ? n : PRIV_ITEMS_MAX;
    *tapped = -1;
    for (int i = 0; i < n; i++) {
        enum ui_font f = it[i].bold ? UI_FONT_BOLD : UI_FONT_REGULAR;
        int lh = ui_line_height(ui, f, ui_text_px(ui, WG_BODY_MM));
        int lines = wg_text_lines(ui, f, WG_BODY_MM, it[i].text, c.w);
        owner[nb] = i;
        m[nb++] = (struct pageflow_block){
            .h = lines * lh + gap, .lines = lines, .line_h = lh, .gap = gap};
        if (it[i].btn) {
            owner[nb] = i;
            m[nb++] = (struct pageflow_block){
                .h = wg_button_height(ui, it[i].btn, item_button_width(ui, it[i].btn, c.w)) + gap,
                .targets = 1,
                .gap = gap};
        }
    }
    int room = c.h - room_less;
    int np = pageflow_plan(m, nb, room, room, max_btn, starts, 2 * PRIV_ITEMS_MAX);
    struct pageflow_page pg = pageflow_page(starts, np, nb, *page);
    struct pageflow_part part;
    *page = pg.page;
    int y = c.y;
    while (pageflow_page_next(m, nb, &pg, &part)) {
        int k = part.block;
        const struct priv_item *x = &it[owner[k]];
        if (m[k].targets == 0) {
            y += wg_paragraph_part(ui, (struct ui_rect){c.x, y, c.w, 0},
                                   x->bold ? UI_FONT_BOLD : UI_FONT_REGULAR, WG_BODY_MM, t->text,
                                   t->bg, x->text, part.first_line, part.lines) +
                 gap;
            continue;
        }
        int bw = item_button_width(ui, x->btn, c.w), bh = m[k].h - gap;
        if (wg_button(ui, x->btn, (struct ui_rect){c.x, y, bw, bh}))
            *tapped = owner[k];
        y += bh + gap;
    }
    return np;
}

int priv_para(struct app *a, struct ui_rect c, int y, bool bold, const char *text)
{
    const struct theme *t = ui_theme(a->ui);
    return wg_paragraph(a->ui, (struct ui_rect){c.x, y, c.w, 0},
                        bold ? UI_FONT_BOLD : UI_FONT_REGULAR, WG_BODY_MM, t->text, t->bg, text,
                        WG_LEFT) +
           app_gap(a);
}
