/*
 * app: profiles, the navigation state machine, shared session state, timers and the
 * common frame (title bar with Back/Home, status bar, idle overlay) around each screen.
 *
 * Back and Home are drawn by this file only, at rectangles computed from their own labels
 * and nothing else, so they are in the same place on every screen (the catalogue test
 * checks it). Screens ask for navigation; it is applied after the frame, and the new
 * screen is built at once so a tap's result is visible on the very next frame.
 */
#include "appstate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feature.h"
#include "layout.h"
#include "wareki.h"

enum { NAV_NONE, NAV_PUSH, NAV_REPLACE, NAV_BACK, NAV_HOME };

const char *app_profile_str(enum app_profile p)
{
    switch (p) {
    case APP_PROFILE_HOME:
        return "home";
    case APP_PROFILE_FAMILY:
        return "family";
    case APP_PROFILE_PUBLIC:
        return "public";
    }
    return "?";
}

int app_profile_parse(const char *s)
{
    if (strcmp(s, "home") == 0)
        return APP_PROFILE_HOME;
    if (strcmp(s, "family") == 0)
        return APP_PROFILE_FAMILY;
    if (strcmp(s, "public") == 0)
        return APP_PROFILE_PUBLIC;
    return -1;
}

const char *app_status_str(enum app_status st)
{
    switch (st) {
    case APP_OK:
        return "ok";
    case APP_E_STRINGS:
        return "strings file missing or malformed";
    case APP_E_CONFIG:
        return "configuration value out of range";
    case APP_E_NOMEM:
        return "out of memory";
    }
    return "unknown";
}

const char *app_answer_wire(enum app_answer a)
{
    switch (a) {
    case APP_ANSWER_GENKI:
        return "genki";
    case APP_ANSWER_ITSUMO:
        return "itsumo";
    case APP_ANSWER_GENKINAI:
        return "genkinai";
    }
    return NULL;
}

int app_answer_parse(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, app_answer_wire((enum app_answer)i)) == 0)
            return i;
    return -1;
}

const char *app_net_str(enum app_net n)
{
    switch (n) {
    case APP_NET_OK:
        return "ok";
    case APP_NET_UNREACHABLE:
        return "hub unreachable";
    case APP_NET_REFUSED:
        return "hub refused the request";
    case APP_NET_BAD_ANSWER:
        return "hub answer not understood";
    }
    return "?";
}

static const struct screen *root_screen(const struct app *a)
{
    switch (a->cfg.profile) {
    case APP_PROFILE_HOME:
        return &scr_home;
    case APP_PROFILE_FAMILY:
        return &scr_family;
    case APP_PROFILE_PUBLIC:
        return &scr_card_idle;
    }
    return &scr_home;
}

const char *app_s(const struct app *a, const char *key)
{
    return i18n_get(a->cur, key);
}

const char *app_s_fail(const struct app *a, const char *key)
{
    char k[96];
    if (a->net_tls && snprintf(k, sizeof k, "%s_tls", key) < (int)sizeof k && i18n_has(a->cur, k))
        return i18n_get(a->cur, k);
    return app_s(a, key);
}

void app_mark_dirty(struct app *a)
{
    a->dirty = true;
}

/* The two buttons of a short pager, each half the width so that 前へ / 次へ (or a checkup
 * page's words) stay on one line beside their arrows at 150 %; where the resident is goes
 * into the title (app_title_page). */
int app_pager_words_height(struct app *a, int w, const char *prev, const char *next)
{
    int bw = (w - app_gap(a)) / 2;
    struct wg_button p = {"page_prev", prev, ICON_PREV, WG_SECONDARY, false, 0};
    struct wg_button n = {"page_next", next, ICON_NEXT, WG_SECONDARY, false, 0};
    int hp = wg_button_height(a->ui, &p, bw), hn = wg_button_height(a->ui, &n, bw);
    return hp > hn ? hp : hn;
}

int app_pager_words(struct app *a, struct ui_rect r, int page, int pages, const char *prev,
                    const char *next)
{
    int bw = (r.w - app_gap(a)) / 2, out = 0;
    struct wg_button p = {"page_prev", prev, ICON_PREV, WG_SECONDARY, false, 0};
    struct wg_button n = {"page_next", next, ICON_NEXT, WG_SECONDARY, false, 0};
    /* at the ends the button is absent (not greyed: grey text would fail 7:1) */
    if (page > 0 && wg_button(a->ui, &p, (struct ui_rect){r.x, r.y, bw, r.h}))
        out = -1;
    if (page + 1 < pages && wg_button(a->ui, &n, (struct ui_rect){r.x + r.w - bw, r.y, bw, r.h}))
        out = 1;
    if (out)
        a->dirty = true;
    return out;
}

int app_pager_height(struct app *a, int w)
{
    return app_pager_words_height(a, w, app_s(a, "shop_page_prev"), app_s(a, "shop_page_next"));
}

int app_pager(struct app *a, struct ui_rect r, int page, int pages)
{
    return app_pager_words(a, r, page, pages, app_s(a, "shop_page_prev"),
                           app_s(a, "shop_page_next"));
}

void app_title_page(const struct app *a, const char *key, int page, int pages, char *buf,
                    size_t size)
{
    app_title_words_page(a, app_s(a, key), page, pages, buf, size);
}

void app_title_words_page(const struct app *a, const char *words, int page, int pages, char *buf,
                          size_t size)
{
    char p1[16], p2[16], w[256];
    snprintf(w, sizeof w, "%s", words); /* words may be buf itself */
    if (pages <= 1) {
        snprintf(buf, size, "%s", w);
        return;
    }
    snprintf(p1, sizeof p1, "%d", (page < pages ? page : pages - 1) + 1);
    snprintf(p2, sizeof p2, "%d", pages);
    i18n_format(buf, size, app_s(a, "ck_title_page"), w, p1, p2, NULL);
}

void app_first_screen_short(struct app *a)
{
    a->lead_short = true;
}

int app_gap(const struct app *a)
{
    return ui_mm(a->ui, WG_GAP_MM);
}

void app_tone(struct app *a, enum app_tone t)
{
    if (a->cfg.sound && a->ports.tone)
        a->ports.tone(a->ports.ctx, t);
}

const char *app_answer_words(const struct app *a, enum app_answer ans)
{
    static const char *keys[] = {"answer_genki", "answer_itsumo", "answer_genkinai"};
    return app_s(a, keys[ans]);
}

void app_fmt_date(const struct app *a, int64_t t, char *buf, size_t size)
{
    struct wareki_tm tm;
    wareki_jst(t, &tm);
    wareki_date(buf, size, tm.year, tm.month, tm.day, a->lang);
}

void app_fmt_time(const struct app *a, int64_t t, char *buf, size_t size)
{
    struct wareki_tm tm;
    wareki_jst(t, &tm);
    wareki_time(buf, size, tm.hour, tm.minute);
}

/* --- navigation --- */

static void enter_top(struct app *a)
{
    const struct screen *s = a->stack[a->depth - 1];
    a->msg_page = 0; /* a message screen opens on its first page */
    a->msg_pages = 1;
    if (s->enter)
        s->enter(a);
    for (size_t i = 0; app_features[i]; i++)
        if (app_features[i]->screen_changed)
            app_features[i]->screen_changed(a);
    a->dirty = true;
}

static void leave_top(struct app *a)
{
    const struct screen *s = a->stack[a->depth - 1];
    if (s->leave)
        s->leave(a);
}

static void card_step_up(struct app *a, const struct screen *s);
static void card_after_nav(struct app *a);

static void apply_nav(struct app *a, int op, const struct screen *s)
{
    /* card: a screen with the resident's own data needs a card session first */
    if ((op == NAV_PUSH || op == NAV_REPLACE) && s && !app_card_ok_for(a, s)) {
        card_step_up(a, s);
        return;
    }
    switch (op) {
    case NAV_PUSH:
        leave_top(a);
        if (a->depth < APP_NAV_DEPTH)
            a->stack[a->depth++] = s;
        else
            a->stack[a->depth - 1] = s;
        break;
    case NAV_REPLACE:
        leave_top(a);
        a->stack[a->depth - 1] = s;
        break;
    case NAV_BACK:
        if (a->depth <= 1)
            return;
        leave_top(a);
        a->depth--;
        break;
    case NAV_HOME:
        if (a->depth <= 1)
            return;
        leave_top(a);
        a->depth = 1;
        break;
    default:
        return;
    }
    enter_top(a);
    card_after_nav(a); /* card */
}

/* Makes s the only screen (a new root: a card session's home, or back to waiting). */
static void set_root(struct app *a, const struct screen *s)
{
    leave_top(a);
    a->depth = 1;
    a->stack[0] = s;
    enter_top(a);
}

static void request_nav(struct app *a, int op, const struct screen *s)
{
    if (a->in_frame) {
        a->pending_op = op;
        a->pending = s;
    } else {
        apply_nav(a, op, s);
    }
}

void app_nav_push(struct app *a, const struct screen *s)
{
    request_nav(a, NAV_PUSH, s);
}

void app_nav_replace(struct app *a, const struct screen *s)
{
    request_nav(a, NAV_REPLACE, s);
}

void app_nav_back(struct app *a)
{
    request_nav(a, NAV_BACK, NULL);
}

void app_nav_home(struct app *a)
{
    request_nav(a, NAV_HOME, NULL);
}

/* The core's own screens; each feature lists its own (feature.h). */
static const struct screen *const core_screens[] = {
    &scr_home,          &scr_menu,     &scr_result,       &scr_help_confirm,  &scr_help_sent,
    &scr_status,        &scr_settings, &scr_setting_text, &scr_setting_theme, &scr_setting_lang,
    &scr_setting_sound, &scr_family,   &scr_card_idle,    &scr_gallery,       &scr_gallery_chart,
    &scr_card_reading,  &scr_card_pin, &scr_card_signing, &scr_card_message,  &scr_session,
    &scr_card_stepup,   NULL,
};

static const struct screen *find_in(const struct screen *const *list, const char *name)
{
    for (; list && *list; list++)
        if (strcmp((*list)->name, name) == 0)
            return *list;
    return NULL;
}

static const struct screen *find_screen(const char *name)
{
    const struct screen *s = find_in(core_screens, name);
    for (size_t i = 0; !s && app_features[i]; i++)
        s = find_in(app_features[i]->screens, name);
    return s;
}

/* Runs hook `fn` of every feature that has it, in table order. */
#define FEATURES_EACH(fn, ...)                                                                     \
    do {                                                                                           \
        for (size_t fi_ = 0; app_features[fi_]; fi_++)                                             \
            if (app_features[fi_]->fn)                                                             \
                app_features[fi_]->fn(__VA_ARGS__);                                                \
    } while (0)

void app_screen_event(struct app *a, const struct app_event *ev)
{
    const struct screen *top = a->stack[a->depth - 1];
    if (top->event)
        top->event(a, ev);
}

bool app_goto_name(struct app *a, const char *name)
{
    const struct screen *s = find_screen(name);
    if (!s)
        return false;
    if (s == root_screen(a))
        app_nav_home(a);
    else
        app_nav_push(a, s);
    return true;
}

/* --- creation --- */

static void apply_metrics(struct app *a)
{
    struct ui_metrics m = {a->cfg.px_per_mm, a->cfg.text_scale, a->cfg.width, a->cfg.height};
    ui_set_metrics(a->ui, &m);
    ui_set_theme(a->ui, a->cfg.theme);
}

static void setup_idle(struct app *a)
{
    if (a->cfg.profile == APP_PROFILE_PUBLIC)
        idle_init(&a->idle, a->now_ms, a->cfg.idle_warn_ms, a->cfg.idle_logout_ms);
    else
        idle_init(&a->idle, a->now_ms, 0, a->cfg.sensitive_close_ms);
}

struct app *app_create(const struct app_config *cfg, const struct ui_text_ops *ops,
                       const struct app_ports *ports, uint64_t now_ms, int64_t wall_s,
                       enum app_status *st, char *err, size_t errsize)
{
    struct app *a = NULL;
    enum app_status s = APP_OK;
    enum i18n_status is;

    if (cfg->px_per_mm < 1 || cfg->px_per_mm > 40 || cfg->width < 320 || cfg->height < 240 ||
        (cfg->text_scale != 100 && cfg->text_scale != 125 && cfg->text_scale != 150)) {
        s = APP_E_CONFIG;
        snprintf(err, errsize,
                 "px_per_mm must be 1..40, the screen at least 320x240 and text_scale 100, "
                 "125 or 150");
        goto out;
    }
    a = calloc(1, sizeof *a);
    if (!a) {
        s = APP_E_NOMEM;
        snprintf(err, errsize, "out of memory");
        goto out;
    }
    a->cfg = *cfg;
    snprintf(a->strings_dir, sizeof a->strings_dir, "%s", cfg->strings_dir);
    snprintf(a->key_seed, sizeof a->key_seed, "%s", cfg->key_seed ? cfg->key_seed : "k");
    a->cfg.strings_dir = a->strings_dir;
    a->cfg.key_seed = a->key_seed;
    a->ports = *ports;
    a->now_ms = now_ms;
    a->wall_s = wall_s;
    a->ja = i18n_load(a->strings_dir, "ja", &is, err, errsize);
    if (!a->ja) {
        s = APP_E_STRINGS;
        goto out;
    }
    a->en = i18n_load(a->strings_dir, "en", &is, err, errsize);
    if (!a->en) {
        s = APP_E_STRINGS;
        goto out;
    }
    struct ui_metrics m = {cfg->px_per_mm, cfg->text_scale, cfg->width, cfg->height};
    a->ui = ui_create(ops, &m);
    if (!a->ui) {
        s = APP_E_NOMEM;
        snprintf(err, errsize, "out of memory");
        goto out;
    }
    for (size_t i = 0; app_features[i]; i++) {
        if (app_features[i]->create && !app_features[i]->create(a)) {
            s = APP_E_NOMEM;
            snprintf(err, errsize, "out of memory");
            goto out;
        }
    }
    app_set_lang(a, cfg->lang ? cfg->lang : "ja");
    a->cfg.lang = NULL; /* a->lang is the truth from here on */
    apply_metrics(a);
    setup_idle(a);
    a->next_minute_ms = now_ms + (uint64_t)(60 - (wall_s % 60)) * 1000;
    a->next_net_check_ms = now_ms + APP_NET_CHECK_MS;
    a->stack[0] = root_screen(a);
    a->depth = 1;
    enter_top(a);
out:
    if (st)
        *st = s;
    if (s != APP_OK) {
        app_destroy(a);
        a = NULL;
    }
    return a;
}

void app_destroy(struct app *a)
{
    if (!a)
        return;
    size_t n = 0;
    while (app_features[n])
        n++;
    while (n-- > 0) /* in reverse order of creation */
        if (app_features[n]->destroy)
            app_features[n]->destroy(a);
    ui_destroy(a->ui);
    i18n_destroy(a->ja);
    i18n_destroy(a->en);
    free(a);
}

void app_set_clock(struct app *a, uint64_t now_ms, int64_t wall_s)
{
    a->now_ms = now_ms;
    a->wall_s = wall_s;
}

/* --- settings --- */

void app_set_lang(struct app *a, const char *lang)
{
    bool en = strcmp(lang, "en") == 0;
    a->cur = en ? a->en : a->ja;
    snprintf(a->lang, sizeof a->lang, "%s", en ? "en" : "ja");
    a->dirty = true;
}

void app_set_text_scale(struct app *a, int percent)
{
    if (percent != 100 && percent != 125 && percent != 150)
        return;
    a->cfg.text_scale = percent;
    apply_metrics(a);
    a->dirty = true;
}

void app_set_theme(struct app *a, enum theme_kind t)
{
    a->cfg.theme = t;
    apply_metrics(a);
    a->dirty = true;
}

void app_set_sound(struct app *a, bool on)
{
    a->cfg.sound = on;
    a->dirty = true;
}

const char *app_lang(const struct app *a)
{
    return a->lang;
}

int app_text_scale(const struct app *a)
{
    return a->cfg.text_scale;
}

enum theme_kind app_theme_kind(const struct app *a)
{
    return a->cfg.theme;
}

/* --- requests --- */

static void new_key(struct app *a, char *key, const char *what)
{
    snprintf(key, APP_KEY_MAX, "%s-%s-%u", what, a->key_seed, ++a->key_counter);
}

void app_send_checkin(struct app *a, enum app_answer ans, bool retry)
{
    if (retry && a->ci.state == SEND_KEPT && a->ports.retry_pending) {
        /* it is already kept on the device: send it again now, do not add a second one */
        a->ports.retry_pending(a->ports.ctx);
        a->ci.state = SEND_SENDING;
        a->dirty = true;
        return;
    }
    /* a retry keeps the idempotency key, so the hub stores the check-in at most once */
    if (!retry || !a->ci.key[0] || a->ci.answer != ans)
        new_key(a, a->ci.key, "ci");
    a->ci.answer = ans;
    a->ci.state = SEND_SENDING;
    a->ci.fail = APP_NET_OK;
    a->ci.req = a->ports.send_checkin ? a->ports.send_checkin(a->ports.ctx, ans, a->ci.key) : 0;
    if (!a->ci.req) {
        a->ci.state = SEND_FAILED;
        a->ci.fail = APP_NET_UNREACHABLE;
    }
    a->dirty = true;
}

void app_send_help(struct app *a, bool retry)
{
    if (!retry || !a->help.key[0])
        new_key(a, a->help.key, "help");
    a->help.state = SEND_SENDING;
    a->help.who[0] = '\0';
    a->help.req = a->ports.send_help ? a->ports.send_help(a->ports.ctx, a->help.key) : 0;
    if (!a->help.req) {
        a->help.state = SEND_FAILED;
        a->help.fail = APP_NET_UNREACHABLE;
    }
    a->dirty = true;
}

void app_family_refresh(struct app *a)
{
    a->fam_next_ms = a->now_ms + a->cfg.family_refresh_ms;
    if (a->fam_loading)
        return;
    if (!a->me_known) {
        a->me_req = a->ports.fetch_me ? a->ports.fetch_me(a->ports.ctx) : 0;
        a->me_pending = a->me_req != 0;
        a->fam_loading = a->me_req != 0;
        a->fam_failed = !a->fam_loading;
    } else {
        a->fam_req = a->ports.fetch_checkins
                         ? a->ports.fetch_checkins(a->ports.ctx, a->resident_id, APP_MAX_CHECKINS)
                         : 0;
        FEATURES_EACH(family_refresh, a);
        a->fam_loading = a->fam_req != 0;
        a->fam_failed = !a->fam_loading;
    }
    a->dirty = true;
}

static void family_show(struct app *a, int i)
{
    a->resident_id = a->fam_res[i].id;
    snprintf(a->name, sizeof a->name, "%s", a->fam_res[i].name);
}

/* Reads "H:MM" at *p (one or two hour digits) into minutes; advances *p. */
static bool town_hm(const char **p, int *min)
{
    const char *s = *p;
    int h = 0, n = 0;
    while (n < 2 && *s >= '0' && *s <= '9')
        h = h * 10 + (*s++ - '0'), n++;
    if (n == 0 || *s != ':' || s[1] < '0' || s[1] > '5' || s[2] < '0' || s[2] > '9' || h > 23)
        return false;
    *min = h * 60 + (s[1] - '0') * 10 + (s[2] - '0');
    *p = s + 3;
    return true;
}

void app_set_town(struct app *a, const struct app_town *t)
{
    static const char *const seps[] = {"〜", "～", "-", "~"};
    if (!t->name[0])
        return;
    a->town = *t;
    const char *p = t->hours;
    int o = 0, c = 0;
    if (!town_hm(&p, &o))
        return;
    size_t k = 0;
    while (k < sizeof seps / sizeof seps[0] && strncmp(p, seps[k], strlen(seps[k])) != 0)
        k++;
    if (k == sizeof seps / sizeof seps[0])
        return;
    p += strlen(seps[k]);
    if (town_hm(&p, &c) && c > o) {
        a->cfg.service_open_min = o;
        a->cfg.service_close_min = c;
    }
}

void app_family_residents(struct app *a, const struct app_event *ev)
{
    if (a->cfg.profile != APP_PROFILE_FAMILY || ev->n_residents <= 0)
        return;
    a->fam_nres = ev->n_residents < APP_RESIDENTS_MAX ? ev->n_residents : APP_RESIDENTS_MAX;
    for (int i = 0; i < a->fam_nres; i++) {
        a->fam_res[i].id = ev->residents[i].id;
        snprintf(a->fam_res[i].name, sizeof a->fam_res[i].name, "%s", ev->residents[i].name);
        if (ev->residents[i].id == a->fam_sel_id)
            family_show(a, i);
    }
}

void app_family_switch(struct app *a)
{
    if (a->fam_nres < 2)
        return;
    int cur = 0;
    for (int i = 0; i < a->fam_nres; i++)
        if (a->fam_res[i].id == a->resident_id)
            cur = i;
    int next = (cur + 1) % a->fam_nres;
    a->fam_sel_id = a->fam_res[next].id;
    family_show(a, next);
    /* the other resident's list: nothing of the first stays on screen */
    a->fam_n = 0;
    a->fam_loaded = false;
    a->fam_loading = false;
    a->fam_page = 0;
    a->pv.fam_n = 0;
    a->pv.fam_ld.loading = false;
    app_family_refresh(a);
}

static void note_net(struct app *a, enum app_net n)
{
    enum net_state ns = n == APP_NET_UNREACHABLE ? NET_DOWN : NET_OK;
    if (ns != a->net)
        a->dirty = true;
    a->net = ns;
}

void app_card_wipe_pin(struct app *a)
{
    explicit_bzero(a->card.pin, sizeof a->card.pin);
    a->card.pin_len = 0;
}

void app_card_submit(struct app *a)
{
    int min = a->cfg.profile == APP_PROFILE_PUBLIC ? APP_MIN_TRIES_PUBLIC : 1;
    a->card.login_req = a->ports.card_login ? a->ports.card_login(a->ports.ctx, a->card.seq,
                                                                  a->card.pin, a->card.pin_len, min)
                                            : 0;
    app_card_wipe_pin(a);
    a->card.wrong_pin = false;
    if (a->card.login_req) {
        app_nav_replace(a, &scr_card_signing);
    } else {
        a->card.last = APP_CARD_ERROR;
        app_nav_replace(a, &scr_card_message);
    }
}

static void card_forget(struct app *a)
{
    if (a->card.in_session && a->ports.card_logout)
        a->ports.card_logout(a->ports.ctx);
    app_card_wipe_pin(a);
    a->card.in_session = false;
    a->card.login_req = 0;
    a->card.wrong_pin = false;
    if (a->cfg.profile == APP_PROFILE_PUBLIC) {
        /* card: a home tablet's own resident (GET /v1/me) stays */
        a->name[0] = '\0';
        a->me_known = false;
    }
    FEATURES_EACH(wipe, a, FEATURE_WIPE_SESSION); /* the session's data leaves memory */
}

void app_card_end(struct app *a)
{
    card_forget(a);
    a->card.remind_remove = a->card.present;
    a->idle_warning = false;
    if (a->in_frame) {
        /* from a tap: the frame finishes drawing the old screen's widgets first */
        a->stack[0] = root_screen(a);
        app_nav_home(a);
    } else {
        set_root(a, root_screen(a));
    }
    a->dirty = true;
}

/* --- card: the card flow on the public kiosk and as a step-up (home) --- */

/* Screens showing the resident's own data: a feature lists them (card_screens), or a
 * screen's file sets .needs_card itself (docs/ui.md, "Card session step-up"). */
static bool screen_needs_card(const struct screen *s)
{
    if (s->needs_card)
        return true;
    for (size_t i = 0; app_features[i]; i++)
        for (const struct screen *const *c = app_features[i]->card_screens; c && *c; c++)
            if (*c == s)
                return true;
    return false;
}

bool app_card_ok_for(const struct app *a, const struct screen *s)
{
    return a->card.in_session || !screen_needs_card(s);
}

static bool stack_needs_card(const struct app *a)
{
    for (int i = 0; i < a->depth; i++)
        if (screen_needs_card(a->stack[i]))
            return true;
    return false;
}

/* Shows a screen of the card flow: on the public kiosk over the waiting screen; during a
 * step-up over the screen the resident came from (Back returns there). */
static void card_show(struct app *a, const struct screen *to)
{
    if (a->stepup.to) {
        leave_top(a);
        a->depth = a->stepup.base;
        a->stack[a->depth++] = to;
        enter_top(a);
    } else {
        set_root(a, root_screen(a));
        apply_nav(a, NAV_PUSH, to);
    }
}

static void card_route(struct app *a);

/* Navigation asked for s, which needs a card session, and there is none: the card login
 * first (home: min_tries 1), then s. A public kiosk has no session outside a card login:
 * back to waiting. */
static void card_step_up(struct app *a, const struct screen *s)
{
    if (a->cfg.profile == APP_PROFILE_PUBLIC) {
        app_card_end(a);
        return;
    }
    a->stepup.to = s;
    a->stepup.base = a->depth < APP_NAV_DEPTH ? a->depth : APP_NAV_DEPTH - 1;
    app_card_wipe_pin(a);
    a->card.wrong_pin = false;
    /* a previous attempt's network failure is not the card's state */
    if (a->card.last == APP_CARD_HUB_FAILED || a->card.last == APP_CARD_ERROR ||
        a->card.last == APP_CARD_REMOVED || a->card.last == APP_CARD_REVOKED ||
        a->card.last == APP_CARD_NO_CHECK)
        a->card.last = APP_CARD_OK;
    if (a->card.present && a->card.read)
        card_route(a); /* the card already lies on the reader: PIN pad (or why not) */
    else
        card_show(a, a->card.present ? &scr_card_reading : &scr_card_stepup);
}

/* After Back/Home/a push: a step-up left by Back is cancelled; on a home tablet the card
 * session ends when no screen that needs it is open any more. */
static void card_after_nav(struct app *a)
{
    if (a->stepup.to && a->depth <= a->stepup.base) {
        a->stepup.to = NULL;
        app_card_wipe_pin(a);
    }
    if (a->card.login_req && a->stack[a->depth - 1] != &scr_card_signing) {
        /* left while signing: the answer is dropped and a session it opens is ended */
        a->card.login_req = 0;
        if (a->ports.card_logout)
            a->ports.card_logout(a->ports.ctx);
    }
    if (a->cfg.profile != APP_PROFILE_PUBLIC && a->card.in_session && !stack_needs_card(a))
        card_forget(a);
}

/* Where a read card leads: the PIN pad, or a screen saying why not. */
static void card_route(struct app *a)
{
    const struct screen *to = &scr_card_pin;
    if (!a->card.read)
        return;
    if (a->card.last != APP_CARD_OK)
        to = &scr_card_message;
    else if (a->card.tries == 0)
        a->card.last = APP_CARD_BLOCKED, to = &scr_card_message;
    else if (a->cfg.profile == APP_PROFILE_PUBLIC && a->card.tries != APP_TRIES_UNKNOWN &&
             a->card.tries < APP_MIN_TRIES_PUBLIC)
        a->card.last = APP_CARD_TRIES_LOW, to = &scr_card_message;
    card_show(a, to);
}

static void card_event(struct app *a, const struct app_event *ev)
{
    const struct app_card *c = &ev->card;
    switch (ev->kind) {
    case APP_EV_CARD_NO_READER:
        a->card.reader_ok = false;
        break;
    case APP_EV_CARD_READY:
        a->card.reader_ok = true;
        break;
    case APP_EV_CARD_INSERTED: {
        bool had_session = a->card.in_session;
        card_forget(a);
        a->card.reader_ok = true;
        a->card.present = true;
        a->card.read = false;
        a->card.remind_remove = false;
        a->card.seq = c->card_seq;
        a->card.tries = APP_TRIES_UNKNOWN;
        a->card.last = APP_CARD_OK;
        a->card.inserted_ms = a->now_ms;
        idle_touch(&a->idle, a->now_ms);
        if (a->cfg.profile == APP_PROFILE_PUBLIC || a->stepup.to)
            card_show(a, &scr_card_reading);
        else if (had_session) /* card: home: another card closes the data */
            apply_nav(a, NAV_HOME, NULL);
        break;
    }
    case APP_EV_CARD_PRESENT:
        if (c->card_seq != a->card.seq || !a->card.present || a->card.in_session)
            break;
        a->card.read = true;
        a->card.tries = c->tries_left;
        /* a failed read (timeout, reader error) says why, whatever the SELECT saw */
        a->card.last = c->status != APP_CARD_OK ? c->status
                       : !c->is_mynumber        ? APP_CARD_NOT_MYNUMBER
                                                : APP_CARD_OK;
        /* card: a home tablet only acts on a card during a step-up */
        if (a->cfg.profile == APP_PROFILE_PUBLIC || a->stepup.to)
            card_route(a);
        break;
    case APP_EV_CARD_REMOVED:
        /* card out → logout at once, everything shown is wiped */
        if (c->card_seq != a->card.seq && a->card.present)
            break;
        a->card.present = false;
        a->card.read = false;
        if (a->cfg.profile == APP_PROFILE_PUBLIC) {
            app_card_end(a);
        } else {
            /* card, home: the session ends; a step-up asks for the card again */
            bool had_session = a->card.in_session;
            card_forget(a);
            if (a->stepup.to)
                card_show(a, &scr_card_stepup);
            else if (had_session)
                apply_nav(a, NAV_HOME, NULL);
        }
        a->card.remind_remove = false;
        break;
    case APP_EV_CARD_LOGIN:
        if (ev->req != a->card.login_req)
            break;
        a->card.login_req = 0;
        a->card.last = c->status;
        if (c->tries_left != APP_TRIES_UNKNOWN)
            a->card.tries = c->tries_left;
        if (c->status == APP_CARD_OK && a->stepup.to) {
            /* card: step-up done: on to the screen asked for, Back returns to
             * where the resident was */
            const struct screen *to = a->stepup.to;
            a->card.in_session = true;
            a->stepup.to = NULL;
            leave_top(a);
            a->depth = a->stepup.base;
            a->stack[a->depth++] = to;
            enter_top(a);
            app_tone(a, APP_TONE_SUCCESS);
        } else if (c->status == APP_CARD_OK) {
            a->card.in_session = true;
            snprintf(a->name, sizeof a->name, "%s", ev->name);
            set_root(a, &scr_session);
            app_tone(a, APP_TONE_SUCCESS);
        } else if (c->status == APP_CARD_WRONG_PIN) {
            app_tone(a, APP_TONE_FAILURE);
            a->card.last = APP_CARD_OK;
            card_route(a); /* PIN pad again, or refuse when one try is left */
            a->card.wrong_pin = true;
        } else if (c->status != APP_CARD_REMOVED) {
            app_tone(a, APP_TONE_FAILURE);
            card_show(a, &scr_card_message);
        }
        break;
    default:
        break;
    }
    a->dirty = true;
}

void app_handle(struct app *a, const struct app_event *ev)
{
    /* why the hub could not be reached, for the words: an unsafe connection (the hub's
     * certificate) is not "no network" */
    if (ev->net == APP_NET_UNREACHABLE && ev->net_tls != a->net_tls) {
        a->net_tls = ev->net_tls;
        a->dirty = true;
    } else if (ev->net == APP_NET_REFUSED || ev->net == APP_NET_BAD_ANSWER) {
        a->net_tls = false; /* the hub answered: the connection itself was safe */
    }
    for (size_t i = 0; app_features[i]; i++)
        if (app_features[i]->handle && app_features[i]->handle(a, ev))
            return;
    switch (ev->kind) {
    case APP_EV_CARD_NO_READER:
    case APP_EV_CARD_READY:
    case APP_EV_CARD_INSERTED:
    case APP_EV_CARD_PRESENT:
    case APP_EV_CARD_REMOVED:
    case APP_EV_CARD_LOGIN:
        card_event(a, ev);
        return;
    case APP_EV_CHECKIN_DONE:
        if (ev->waiting_known && ev->waiting != a->waiting) {
            a->waiting = ev->waiting;
            a->dirty = true;
        }
        note_net(a, ev->net);
        if (ev->net == APP_NET_OK && (ev->req != a->ci.req || a->ci.state == SEND_DONE)) {
            /* a kept check-in delivered later, after the resident left the result screen, or
             * the outbox's last one after a restart */
            int64_t at = ev->checkin.at_unix ? ev->checkin.at_unix : a->wall_s;
            if (a->last_kept && ev->req == a->last_kept_req)
                a->last_kept = false;
            if (!a->have_last || at >= a->last_at) {
                a->have_last = true;
                a->last_answer = ev->checkin.answer;
                a->last_at = at;
            }
            a->dirty = true;
            break;
        }
        if (ev->kept && ev->req != a->ci.req && ev->checkin.at_unix > 0) {
            /* an earlier run's check-in still in the outbox: the home screen says so */
            a->last_kept = true;
            a->last_kept_req = ev->req;
            a->last_kept_answer = ev->checkin.answer;
            a->last_kept_at = ev->checkin.at_unix;
            a->dirty = true;
            break;
        }
        if (ev->req != a->ci.req || (a->ci.state != SEND_SENDING && a->ci.state != SEND_KEPT))
            break;
        if (ev->net != APP_NET_OK && ev->kept) {
            if (a->ci.state != SEND_KEPT)
                app_tone(a, APP_TONE_FAILURE);
            a->ci.state = SEND_KEPT;
            a->ci.fail = ev->net;
            a->ci.status = ev->status;
            a->dirty = true;
            break;
        }
        if (ev->net == APP_NET_OK) {
            a->ci.state = SEND_DONE;
            a->ci.at = ev->checkin.at_unix ? ev->checkin.at_unix : a->wall_s;
            a->have_last = true;
            a->last_answer = a->ci.answer;
            a->last_at = a->ci.at;
            app_tone(a, APP_TONE_SUCCESS);
        } else {
            a->ci.state = SEND_FAILED;
            a->ci.fail = ev->net;
            a->ci.status = ev->status;
            app_tone(a, APP_TONE_FAILURE);
        }
        a->dirty = true;
        break;
    case APP_EV_ME:
        if (ev->req != a->me_req)
            break;
        a->me_pending = false;
        note_net(a, ev->net);
        if (ev->net == APP_NET_OK) {
            a->me_known = true;
            a->resident_id = ev->resident_id;
            snprintf(a->name, sizeof a->name, "%s", ev->name);
            app_set_town(a, &ev->town);
            /* the hub's newest check-in: today's survives a restart of the tablet */
            if (ev->has_last && (!a->have_last || ev->checkin.at_unix > a->last_at)) {
                a->have_last = true;
                a->last_answer = ev->checkin.answer;
                a->last_at = ev->checkin.at_unix;
            }
            app_family_residents(a, ev);
            if (a->cfg.profile == APP_PROFILE_FAMILY) {
                a->fam_loading = false;
                app_family_refresh(a);
            }
        } else if (a->cfg.profile == APP_PROFILE_FAMILY) {
            a->fam_loading = false;
            a->fam_failed = true;
            a->fam_refused = ev->net == APP_NET_REFUSED ? ev->status : 0;
        }
        a->dirty = true;
        break;
    case APP_EV_CHECKINS:
        if (ev->req != a->fam_req)
            break;
        note_net(a, ev->net);
        a->fam_loading = false;
        if (ev->net == APP_NET_OK) {
            int n = ev->count < 0 ? 0 : ev->count > APP_MAX_CHECKINS ? APP_MAX_CHECKINS : ev->count;
            memcpy(a->fam, ev->items, (size_t)n * sizeof a->fam[0]);
            a->fam_n = n;
            a->fam_loaded = true;
            a->fam_failed = false;
            a->fam_refused = 0;
            a->fam_at = a->wall_s;
        } else {
            a->fam_failed = true;
            a->fam_refused = ev->net == APP_NET_REFUSED ? ev->status : 0;
        }
        a->dirty = true;
        break;
    case APP_EV_HELP_DONE:
        if (ev->req != a->help.req || a->help.state != SEND_SENDING)
            break;
        note_net(a, ev->net);
        if (ev->net == APP_NET_OK) {
            a->help.state = SEND_DONE;
            a->help.at = a->wall_s;
            snprintf(a->help.who, sizeof a->help.who, "%s", ev->name);
            app_tone(a, APP_TONE_SUCCESS);
        } else {
            a->help.state = SEND_FAILED;
            a->help.fail = ev->net;
            app_tone(a, APP_TONE_FAILURE);
        }
        a->dirty = true;
        break;
    case APP_EV_PENDING:
        if (ev->count != a->waiting)
            a->dirty = true;
        a->waiting = ev->count;
        break;
    default:
        break;
    }
    app_screen_event(a, ev);
}

/* --- input and timers --- */

void app_pointer(struct app *a, enum app_pointer kind, int x, int y)
{
    bool changed = false;
    idle_touch(&a->idle, a->now_ms);
    switch (kind) {
    case APP_POINTER_DOWN:
        FEATURES_EACH(touch, a); /* a tap is a sign of life */
        changed = ui_pointer_down(a->ui, x, y, a->now_ms);
        if (changed)
            app_tone(a, APP_TONE_TAP);
        break;
    case APP_POINTER_MOVE:
        changed = ui_pointer_move(a->ui, x, y, a->now_ms);
        break;
    case APP_POINTER_UP:
        changed = ui_pointer_up(a->ui, x, y, a->now_ms);
        break;
    }
    if (changed)
        a->dirty = true;
}

static void logout(struct app *a)
{
    /* a public session ends: forget everything it showed */
    if (a->cfg.profile == APP_PROFILE_PUBLIC) {
        app_card_end(a);
        idle_touch(&a->idle, a->now_ms);
        return;
    }
    a->idle_warning = false;
    memset(&a->ci, 0, sizeof a->ci);
    memset(&a->help, 0, sizeof a->help);
    a->notice[0] = '\0';
    FEATURES_EACH(wipe, a, FEATURE_WIPE_IDLE);
    apply_nav(a, NAV_HOME, NULL);
    idle_touch(&a->idle, a->now_ms);
    a->dirty = true;
}

/* The inactivity clock runs on any screen but the first; card: and during a
 * public card session, whose first screen is the resident's (scr_session) — a session
 * left alone must end, with the card still in the reader or not. */
static bool idle_applies(const struct app *a)
{
    return a->depth > 1 || (a->cfg.profile == APP_PROFILE_PUBLIC && a->card.in_session);
}

void app_tick(struct app *a)
{
    if (a->stack[a->depth - 1] == &scr_card_reading && a->now_ms >= a->card.inserted_ms + 1000)
        a->dirty = true;
    if (a->now_ms >= a->next_minute_ms) {
        a->next_minute_ms = a->now_ms + (uint64_t)(60 - (a->wall_s % 60)) * 1000;
        a->dirty = true; /* the clock in the status bar */
    }
    if (idle_applies(a)) {
        enum idle_state st = idle_state(&a->idle, a->now_ms);
        if (st == IDLE_LOGOUT) {
            logout(a);
        } else if (st == IDLE_WARN && !a->idle_warning) {
            a->idle_warning = true;
            a->dirty = true;
        }
    } else if (a->idle_warning) {
        a->idle_warning = false;
        a->dirty = true;
    }
    if (a->cfg.profile == APP_PROFILE_FAMILY && a->cfg.family_refresh_ms &&
        a->now_ms >= a->fam_next_ms)
        app_family_refresh(a);
    FEATURES_EACH(tick, a);
    if (a->cfg.profile == APP_PROFILE_HOME && a->now_ms >= a->next_net_check_ms) {
        /* the status bar's network state must not go stale while nobody taps */
        a->next_net_check_ms = a->now_ms + APP_NET_CHECK_MS;
        if (!a->me_pending && a->ports.fetch_me) {
            a->me_req = a->ports.fetch_me(a->ports.ctx);
            a->me_pending = a->me_req != 0;
        }
    }
}

bool app_dirty(const struct app *a)
{
    return a->dirty;
}

bool app_busy(const struct app *a)
{
    for (size_t i = 0; app_features[i]; i++)
        if (app_features[i]->busy && app_features[i]->busy(a))
            return true;
    return a->ci.state == SEND_SENDING || a->help.state == SEND_SENDING || a->fam_loading ||
           a->me_pending;
}

void app_resize(struct app *a, int width, int height)
{
    if (width >= 320 && height >= 240) {
        a->cfg.width = width;
        a->cfg.height = height;
        apply_metrics(a);
    }
    a->dirty = true;
}

void app_invalidate(struct app *a)
{
    a->dirty = true;
}

bool app_quit_requested(const struct app *a)
{
    (void)a;
    return false;
}

uint64_t app_next_deadline(const struct app *a)
{
    uint64_t d = a->next_minute_ms;
    if (idle_applies(a)) {
        uint64_t i = idle_next_deadline(&a->idle, a->now_ms);
        if (i < d)
            d = i;
    }
    if (a->cfg.profile == APP_PROFILE_FAMILY && a->cfg.family_refresh_ms && a->fam_next_ms < d)
        d = a->fam_next_ms;
    if (a->cfg.profile == APP_PROFILE_HOME && a->next_net_check_ms < d)
        d = a->next_net_check_ms;
    for (size_t i = 0; app_features[i]; i++) {
        uint64_t f = app_features[i]->next_deadline ? app_features[i]->next_deadline(a) : d;
        if (f < d)
            d = f;
    }
    if (a->stack[a->depth - 1] == &scr_card_reading) {
        /* the progress line appears after 1 s and counts seconds */
        uint64_t since = a->now_ms - a->card.inserted_ms;
        uint64_t next = a->card.inserted_ms + (since / 1000 + 1) * 1000;
        if (next < d)
            d = next;
    }
    return d;
}

/* --- the frame --- */

static void status_text(const struct app *a, char *buf, size_t size)
{
    char t[16], n[16], net[160];
    app_fmt_time(a, a->wall_s, t, sizeof t);
    if (a->cfg.profile == APP_PROFILE_PUBLIC) {
        snprintf(buf, size, "%s", t);
        return;
    }
    const char *nk = a->net == NET_OK     ? "status_net_ok"
                     : a->net == NET_DOWN ? (a->net_tls ? "status_net_tls" : "status_net_down")
                                          : "status_net_unknown";
    /* what is not sent yet is said only when there is some: "0 件" tells nothing */
    snprintf(n, sizeof n, "%d", a->waiting);
    i18n_format(net, sizeof net, app_s(a, "status_waiting"), n, NULL, NULL, NULL);
    if (a->waiting > 0)
        snprintf(buf, size, "%s ・ %s ・ %s", t, app_s(a, nk), net);
    else
        snprintf(buf, size, "%s ・ %s", t, app_s(a, nk));
}

/* Back, Home and 聞く keep the label size of 100 % text (8.5 mm, 24 pt, as the band) at every
 * text size: they are the frame's, in the same place on every screen and known by their icon
 * and place; the resident's text size goes to the screen's own words. At 150 % they took a
 * third of the width each, and the title between them broke onto three lines. */
static int nav_width(struct app *a)
{
    int pad = ui_mm(a->ui, WG_PAD_MM);
    int px = ui_mm(a->ui, WG_LABEL_MM);
    int lh = ui_line_height(a->ui, UI_FONT_BOLD, px);
    const char *labels[2] = {app_s(a, "nav_back"), app_s(a, "nav_home")};
    int w = 0;
    for (int i = 0; i < 2; i++) {
        int tw = ui_measure(a->ui, UI_FONT_BOLD, px, labels[i], strlen(labels[i]));
        if (tw > w)
            w = tw;
    }
    w += 3 * pad + lh * 9 / 10 + 2;
    int min = ui_mm(a->ui, WG_TARGET_MIN_MM);
    int max = a->cfg.width / 3;
    return w < min ? min : w > max ? max : w;
}

/* The title's size: the resident's text size where the title fits one line between Back
 * and Home; else the next smaller of the sizes 125 and 100 % text give (7 mm at 100 %, still
 * above the body's 16 pt) at which it fits one line; else two lines at the resident's size;
 * else the size of 100 % text. A title of three lines (at 150 % in English: 安否 2/3,
 * "What happened 1/5") took the room of the screen's own words. */
static double title_mm(struct app *a, const char *title, int w)
{
    static const int scales[] = {150, 125, 100};
    int own = a->cfg.text_scale;
    for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
        double mm = WG_TITLE_MM * scales[i] / own;
        if (scales[i] <= own && wg_text_lines(a->ui, UI_FONT_BOLD, mm, title, w) <= 1)
            return mm;
    }
    if (wg_text_lines(a->ui, UI_FONT_BOLD, WG_TITLE_MM, title, w) <= 2)
        return WG_TITLE_MM;
    return WG_TITLE_MM * 100.0 / own;
}

/* The length of a title's words before its page ("健診の結果 2/6", "What happened 1/2": the
 * page as ck_title_page and title_shop_items_paged put it, after a space), or 0 when the
 * title does not end in a page. */
static size_t title_words_len(const char *title)
{
    size_t i = strlen(title), digits = 0;
    while (i > 0 && title[i - 1] >= '0' && title[i - 1] <= '9')
        i--, digits++;
    if (digits == 0 || i == 0 || title[--i] != '/')
        return 0;
    for (digits = 0; i > 0 && title[i - 1] >= '0' && title[i - 1] <= '9'; digits++)
        i--;
    return digits > 0 && i > 1 && title[i - 1] == ' ' ? i - 1 : 0;
}

/* How the frame draws a title: whole at mm; or its words (the first wlen bytes) at mm, the
 * resident's size, and its page at page_mm after them on their line, or centred on a line of
 * its own below them (below); h: the height. */
struct title_plan {
    double mm, page_mm;
    size_t wlen;
    bool below;
    int h;
};

/* Decision: a title with its page that does not fit one line at the resident's size keeps its
 * words at that size (they say where the resident is) and gives way with the page alone: after
 * the words at the next smaller of 125 and 100 % where it fits there, else below them at 100 %
 * (7 mm, above the body's size at 100 %). The page stays where every paged screen says it, at
 * the title. Shrinking the whole title gave a resident at 150 % a 125 % or 100 % title on
 * exactly the screens that page; the page below costs the bar less than a second line of the
 * resident's size would. A title whose words alone do not fit one line: title_mm. */
static struct title_plan plan_title(struct app *a, const char *title, int w)
{
    static const int scales[] = {125, 100};
    struct ui *ui = a->ui;
    int own = a->cfg.text_scale;
    struct title_plan p = {.mm = title_mm(a, title, w)};
    size_t wlen = title_words_len(title);
    char words[256];
    p.h = wg_text_height(ui, UI_FONT_BOLD, p.mm, title, w);
    if (p.mm >= WG_TITLE_MM || wlen == 0 || wlen >= sizeof words)
        return p;
    memcpy(words, title, wlen);
    words[wlen] = '\0';
    if (wg_text_lines(ui, UI_FONT_BOLD, WG_TITLE_MM, words, w) > 1)
        return p;
    const char *page = title + wlen + 1;
    int px = ui_text_px(ui, WG_TITLE_MM);
    int ww =
        ui_measure(ui, UI_FONT_BOLD, px, words, wlen) + ui_measure(ui, UI_FONT_BOLD, px, " ", 1);
    p = (struct title_plan){WG_TITLE_MM, WG_TITLE_MM * 100.0 / own, wlen, true, 0};
    for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
        double mm = WG_TITLE_MM * scales[i] / own;
        if (scales[i] < own &&
            ww + ui_measure(ui, UI_FONT_BOLD, ui_text_px(ui, mm), page, strlen(page)) <= w) {
            p.page_mm = mm;
            p.below = false;
            break;
        }
    }
    p.h = ui_line_height(ui, UI_FONT_BOLD, px);
    if (p.below)
        p.h += ui_line_height(ui, UI_FONT_BOLD, ui_text_px(ui, p.page_mm));
    return p;
}

/* The title in r (centred) as p plans it. */
static void draw_title(struct app *a, struct ui_rect r, const char *title,
                       const struct title_plan *p)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    if (p->wlen == 0) {
        wg_paragraph(ui, r, UI_FONT_BOLD, p->mm, t->text, t->bg, title, WG_CENTER);
        return;
    }
    char words[256];
    memcpy(words, title, p->wlen);
    words[p->wlen] = '\0';
    const char *page = title + p->wlen + 1;
    int px = ui_text_px(ui, p->mm), ppx = ui_text_px(ui, p->page_mm);
    int lh = ui_line_height(ui, UI_FONT_BOLD, px), plh = ui_line_height(ui, UI_FONT_BOLD, ppx);
    int y = r.y + (r.h - p->h) / 2;
    if (p->below) {
        wg_paragraph(ui, (struct ui_rect){r.x, y, r.w, lh}, UI_FONT_BOLD, p->mm, t->text, t->bg,
                     words, WG_CENTER);
        wg_paragraph(ui, (struct ui_rect){r.x, y + lh, r.w, plh}, UI_FONT_BOLD, p->page_mm, t->text,
                     t->bg, page, WG_CENTER);
        return;
    }
    int ww =
        ui_measure(ui, UI_FONT_BOLD, px, words, p->wlen) + ui_measure(ui, UI_FONT_BOLD, px, " ", 1);
    int pw = ui_measure(ui, UI_FONT_BOLD, ppx, page, strlen(page));
    int x = r.x + (r.w - ww - pw) / 2;
    wg_paragraph(ui, (struct ui_rect){x, y, ww, lh}, UI_FONT_BOLD, p->mm, t->text, t->bg, words,
                 WG_LEFT);
    /* on the words' baseline: about four fifths of a line down in both sizes */
    wg_paragraph(ui, (struct ui_rect){x + ww, y + (lh - plh) * 4 / 5, pw, plh}, UI_FONT_BOLD,
                 p->page_mm, t->text, t->bg, page, WG_LEFT);
}

static void build_frame(struct app *a)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    const struct screen *s = a->stack[a->depth - 1];
    int W = a->cfg.width, H = a->cfg.height;
    int gap = app_gap(a), margin = gap;
    char status[320];

    ui_begin(ui);
    ui_rect(ui, (struct ui_rect){0, 0, W, H}, t->bg);

    /* title bar: Back | title | Home, with Back/Home at fixed rectangles */
    int nw = nav_width(a);
    struct wg_button back = {"nav_back", app_s(a, "nav_back"), ICON_BACK, WG_NAV,
                             false,      WG_LABEL_MM};
    struct wg_button home = {"nav_home", app_s(a, "nav_home"), ICON_HOME, WG_NAV,
                             false,      WG_LABEL_MM};
    int nh = wg_button_height(ui, &back, nw);
    int hh = wg_button_height(ui, &home, nw);
    if (hh > nh)
        nh = hh;
    int tx = a->depth > 1 ? margin + nw + gap : margin, tw = W - 2 * tx;
    char dyn[256];
    const char *title = app_s(a, s->title_key);
    if (s->title) {
        s->title(a, dyn, sizeof dyn);
        title = dyn;
    }
    /* a first screen (no Back/Home: home, waiting): a feature's band (the notices) takes the
     * title's place, the first thing on the screen */
    const struct app_feature *lead = NULL;
    int th = 0;
    for (size_t i = 0; a->depth == 1 && !lead && app_features[i]; i++)
        if (app_features[i]->banner_height && app_features[i]->banner &&
            (th = app_features[i]->banner_height(a, tw)) > 0)
            lead = app_features[i];
    /* with the band in its place the title still says where the resident is (today's
     * check-in, the card to place): right below the band; the screen pages what is left */
    struct title_plan tp = plan_title(a, title, tw);
    int lead_h = th, title_h = tp.h;
    bool title_off = lead && a->lead_title_off;
    th = title_off ? lead_h : lead ? lead_h + gap + title_h : title_h;
    int bar_h = th > nh ? th : nh;
    if (a->depth > 1) {
        if (wg_button(ui, &back, (struct ui_rect){margin, margin, nw, nh}))
            app_nav_back(a);
        if (wg_button(ui, &home, (struct ui_rect){W - margin - nw, margin, nw, nh}))
            app_nav_home(a);
    }
    if (lead) {
        lead->banner(a, (struct ui_rect){tx, margin, tw, lead_h});
        if (!title_off)
            draw_title(a, (struct ui_rect){tx, margin + lead_h + gap, tw, title_h}, title, &tp);
    } else
        draw_title(a, (struct ui_rect){tx, margin + (bar_h - th) / 2, tw, th}, title, &tp);

    status_text(a, status, sizeof status);
    int sh = wg_statusbar_height(ui, W, status);
    if (app_speech_on(a)) {
        /* speech on: 聞く at the right end of the status bar, one place on every screen */
        struct wg_button again = {"nav_say", app_s(a, "nav_say"), ICON_SOUND, WG_NAV,
                                  false,     WG_LABEL_MM};
        int bh = wg_button_height(ui, &again, nw), sw = W - nw - 2 * margin;
        sh = wg_statusbar_height(ui, sw, status);
        sh = bh > sh ? bh : sh;
        wg_statusbar(ui, (struct ui_rect){0, H - sh, sw, sh}, status);
        ui_rect(ui, (struct ui_rect){sw, H - sh, W - sw, sh}, t->bg);
        if (wg_button(ui, &again, (struct ui_rect){W - margin - nw, H - sh, nw, sh}))
            app_say_again(a);
    } else {
        wg_statusbar(ui, (struct ui_rect){0, H - sh, W, sh}, status);
    }

    int cy = margin + bar_h + gap;
    /* the features' bands (notices) between the title bar and the screen's own controls */
    for (size_t i = 0; app_features[i]; i++) {
        const struct app_feature *f = app_features[i];
        int bh = f->banner_height && f != lead ? f->banner_height(a, W - 2 * margin) : 0;
        if (bh > 0 && f->banner) {
            f->banner(a, (struct ui_rect){margin, cy, W - 2 * margin, bh});
            cy += bh + gap;
        }
    }
    struct ui_rect content = {margin, cy, W - 2 * margin, H - sh - gap - cy};
    FEATURES_EACH(frame_begin, a);
    a->lead_short = false;
    s->frame(a, content);
    if (lead && a->lead_short && !a->lead_title_off) {
        a->lead_title_off = true; /* no room for the title too: built again without it */
        a->retitle = true;
    }
    /* a title that says where the resident is (健診の結果 2/6) is known only once the
     * screen has laid out its pages: a changed one is drawn again at once (app_frame) */
    if (s->title) {
        char after[256];
        s->title(a, after, sizeof after);
        a->retitle = a->retitle || strcmp(after, dyn) != 0;
    }

    if (a->idle_warning) {
        char msg[256], secs[16];
        snprintf(secs, sizeof secs, "%u", idle_seconds_left(&a->idle, a->now_ms));
        i18n_format(msg, sizeof msg, app_s(a, "idle_warning"), secs, NULL, NULL, NULL);
        if (wg_idle_overlay(ui, msg, app_s(a, "idle_continue"))) {
            a->idle_warning = false;
            idle_touch(&a->idle, a->now_ms);
            a->dirty = true;
        }
    }
    ui_end(ui);
}

void app_frame(struct app *a)
{
    /* a frame may ask to change screens; the new screen is built at once (bounded) */
    a->lead_title_off = false;
    for (int i = 0; i < 4; i++) {
        a->dirty = false;
        a->pending_op = NAV_NONE;
        a->retitle = false;
        a->in_frame = true;
        build_frame(a);
        a->in_frame = false;
        if (a->pending_op == NAV_NONE && !a->retitle)
            break;
        if (a->pending_op == NAV_NONE)
            continue; /* the same screen with its title as the frame left it */
        apply_nav(a, a->pending_op, a->pending);
        a->pending_op = NAV_NONE;
    }
}

const struct ui *app_ui(const struct app *a)
{
    return a->ui;
}

struct ui *app_ui_mut(struct app *a)
{
    return a->ui;
}

const char *app_screen_name(const struct app *a)
{
    return a->stack[a->depth - 1]->name;
}

bool app_screen_has_text(const struct app *a, const char *needle)
{
    size_t n;
    const struct ui_cmd *c = ui_cmds(a->ui, &n);
    /* words may be wrapped over lines: look in the lines joined with and without a space
     * (the wrap drops the space it breaks at) */
    static char joined[2][16384]; /* UI thread only */
    size_t len[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        if (c[i].kind != UI_CMD_TEXT)
            continue;
        const char *t = ui_cmd_text(a->ui, &c[i]);
        if (strstr(t, needle))
            return true;
        for (int k = 0; k < 2; k++) {
            size_t tl = strlen(t);
            if (len[k] + tl + 2 > sizeof joined[k])
                continue;
            if (k == 1 && len[k] > 0)
                joined[k][len[k]++] = ' ';
            memcpy(joined[k] + len[k], t, tl);
            len[k] += tl;
            joined[k][len[k]] = '\0';
        }
    }
    for (int k = 0; k < 2; k++)
        if (len[k] && strstr(joined[k], needle))
            return true;
    const struct ui_target *t = ui_targets(a->ui, &n);
    for (size_t i = 0; i < n; i++)
        if (strstr(t[i].label, needle) || strcmp(t[i].id, needle) == 0)
            return true;
    return false;
}

/* --- catalogue --- */

/* The core's own samples; each feature adds its own after them (feature.h). */
struct cat_entry {
    const char *name;
    const struct screen *s;
    int variant;
    bool idle_warning;
};

static const struct cat_entry catalogue[] = {
    {"home", &scr_home, 0, false},
    {"home_checked_in", &scr_home, 1, false},
    {"result_sending", &scr_result, 0, false},
    {"result_sent", &scr_result, 1, false},
    {"result_failed", &scr_result, 2, false},
    {"result_kept", &scr_result, 3, false},
    {"help_confirm", &scr_help_confirm, 0, false},
    {"help_sending", &scr_help_sent, 0, false},
    {"help_sent", &scr_help_sent, 1, false},
    {"help_failed", &scr_help_sent, 2, false},
    {"help_acked", &scr_help_sent, 3, false},
    {"menu", &scr_menu, 0, false},
    {"status", &scr_status, 0, false},
    {"status_none", &scr_status, 1, false},
    {"status_acked", &scr_status, 2, false},
    {"status_acked_page2", &scr_status, 3, false},
    {"status_acked_page3", &scr_status, 4, false},
    {"settings", &scr_settings, 0, false},
    {"setting_text", &scr_setting_text, 0, false},
    {"setting_theme", &scr_setting_theme, 0, false},
    {"setting_lang", &scr_setting_lang, 0, false},
    {"setting_sound", &scr_setting_sound, 0, false},
    {"idle_warning", &scr_settings, 0, true},
    {"family", &scr_family, 0, false},
    {"family_page2", &scr_family, 1, false},
    {"family_unreachable", &scr_family, 2, false},
    {"family_loading", &scr_family, 3, false},
    {"family_two", &scr_family, 4, false},
    {"card_idle", &scr_card_idle, 0, false},
    {"card_idle_town", &scr_card_idle, 2, false},
    {"gallery", &scr_gallery, 0, false},
    {"gallery_chart", &scr_gallery_chart, 0, false},
    {"card_reading", &scr_card_reading, 0, false},
    {"card_pin", &scr_card_pin, 0, false},
    {"card_pin_wrong", &scr_card_pin, 1, false},
    {"card_signing", &scr_card_signing, 0, false},
    {"card_refused_last_try", &scr_card_message, APP_CARD_TRIES_LOW, false},
    {"card_blocked", &scr_card_message, APP_CARD_BLOCKED, false},
    {"card_not_mynumber", &scr_card_message, APP_CARD_NOT_MYNUMBER, false},
    {"card_hub_failed", &scr_card_message, APP_CARD_HUB_FAILED, false},
    {"card_other_town", &scr_card_message, APP_CARD_OTHER_TOWN, false},
    {"card_timeout", &scr_card_message, APP_CARD_TIMEOUT, false}, /* card */
    {"card_revoked", &scr_card_message, APP_CARD_REVOKED, false},
    {"card_no_check", &scr_card_message, APP_CARD_NO_CHECK, false},
    {"card_stepup", &scr_card_stepup, 0, false}, /* card */
    {"session", &scr_session, 0, false},
    {"card_remove_reminder", &scr_card_idle, 1, false},
};

#define CORE_SAMPLES (sizeof catalogue / sizeof catalogue[0])

/* Entry i of the whole catalogue (core samples, then each feature's) into *out. */
static bool catalogue_at(size_t i, struct cat_entry *out)
{
    if (i < CORE_SAMPLES) {
        *out = catalogue[i];
        return true;
    }
    i -= CORE_SAMPLES;
    for (size_t f = 0; app_features[f]; f++) {
        const struct feature_sample *fs = app_features[f]->samples;
        for (; fs && fs->name; fs++, i--) {
            if (i == 0) {
                *out = (struct cat_entry){fs->name, fs->s, fs->variant, false};
                return true;
            }
        }
    }
    return false;
}

size_t app_catalogue_count(void)
{
    size_t n = CORE_SAMPLES;
    for (size_t f = 0; app_features[f]; f++)
        for (const struct feature_sample *fs = app_features[f]->samples; fs && fs->name; fs++)
            n++;
    return n;
}

const char *app_catalogue_name(size_t i)
{
    struct cat_entry e;
    return catalogue_at(i, &e) ? e.name : NULL;
}

bool app_catalogue_show(struct app *a, const char *name)
{
    struct cat_entry found, *e = NULL;
    for (size_t i = 0; !e && catalogue_at(i, &found); i++)
        if (strcmp(found.name, name) == 0)
            e = &found;
    if (!e)
        return false;
    /* no ports are called: the sample state stands in for the hub's answers */
    struct app_ports saved = a->ports;
    memset(&a->ports, 0, sizeof a->ports);
    apply_nav(a, NAV_HOME, NULL);
    setup_idle(a);
    /* each entry starts from a clean session: nothing of the previous sample shows */
    memset(&a->ci, 0, sizeof a->ci);
    memset(&a->help, 0, sizeof a->help);
    memset(&a->card, 0, sizeof a->card);
    memset(&a->stepup, 0, sizeof a->stepup); /* card */
    memset(&a->watch, 0, sizeof a->watch);
    memset(&a->town, 0, sizeof a->town); /* samples that show a town name one */
    a->have_last = false;
    a->last_kept = false;
    a->fam_nres = 0;
    a->waiting = 0;
    a->notice[0] = '\0';
    a->msg_page = 0;
    a->msg_pages = 1;
    FEATURES_EACH(wipe, a, FEATURE_WIPE_SAMPLE);
    a->net = NET_OK; /* samples of failures set it down */
    bool is_root =
        e->s == &scr_home || e->s == &scr_family || e->s == &scr_card_idle || e->s == &scr_session;
    bool is_card = e->s == &scr_card_reading || e->s == &scr_card_pin ||
                   e->s == &scr_card_signing || e->s == &scr_card_message;
    a->stack[0] = is_root ? e->s : is_card ? &scr_card_idle : &scr_home;
    a->depth = 1;
    if (e->s != a->stack[0])
        a->stack[a->depth++] = e->s;
    if (e->s->sample)
        e->s->sample(a, e->variant);
    /* a feature's state over the screen's own sample (notices over a core screen) */
    FEATURES_EACH(sample, a, e->name);
    a->idle_warning = e->idle_warning;
    if (e->idle_warning) /* the public kiosk's warning, whatever the profile */
        idle_init(&a->idle, a->now_ms > a->cfg.idle_warn_ms ? a->now_ms - a->cfg.idle_warn_ms : 0,
                  a->cfg.idle_warn_ms, a->cfg.idle_logout_ms);
    a->ports = saved;
    a->dirty = true;
    return true;
}

void app_catalogue_band(struct app *a, int variant)
{
    a->catalogue_band = variant < 0 ? 0 : variant + 1;
}

int app_layout_json(const struct app *a, char *buf, size_t size)
{
    struct layout_meta m = {app_screen_name(a), a->lang, a->cfg.text_scale,
                            theme_kind_str(a->cfg.theme), app_profile_str(a->cfg.profile)};
    return layout_json(a->ui, &m, buf, size);
}
