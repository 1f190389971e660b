/*
 * feature_notice: the notices on every screen (notice.h). Home tablets and public kiosks
 * ask the hub every 30 s (the port sends If-None-Match, so an unchanged list costs a 304);
 * the answer comes back as an event, the UI thread never waits. The most urgent notice in
 * force is a band above every screen's own controls (its title and area; on the home and
 * waiting screens also what to do), which opens the whole notices. When the hub cannot be
 * reached the last notices stay, with the time they were received, said as such. A notice
 * leaves the screen when it ends (its end time, or the hub no longer listing it).
 */
#include <string.h>

#include "appstate.h"
#include "feature.h"
#include "notice.h"

bool feature_notice_owns(int kind)
{
    return kind == APP_EV_NOTICES || kind == APP_EV_SAFETY_LIST || kind == APP_EV_SAFETY_SENT;
}

static bool polls(const struct app *a)
{
    return a->cfg.profile != APP_PROFILE_FAMILY && a->ports.fetch_notices;
}

static void ask(struct app *a)
{
    struct notice_state *s = &a->notices;
    s->next_poll_ms = a->now_ms + (a->cfg.notice_poll_ms ? a->cfg.notice_poll_ms : NOTICE_POLL_MS);
    if (s->loading || !polls(a))
        return;
    s->req = a->ports.fetch_notices(a->ports.ctx);
    s->loading = s->req != 0;
}

static bool handle(struct app *a, const struct app_event *ev)
{
    struct notice_state *s = &a->notices;
    if (ev->kind != APP_EV_NOTICES)
        return false;
    if (ev->req != s->req)
        return true;
    s->loading = false;
    const struct notice_list *l = ev->disaster;
    if (ev->net == APP_NET_OK && l) {
        if (!l->unchanged) {
            s->list = *l;
            notice_sort(&s->list);
            if (s->page >= notice_count_now(a))
                s->page = 0;
        }
        s->known = true;
        s->stale = false;
        app_say_notice(a);
        s->fetched_at = a->wall_s;
    } else if (ev->net == APP_NET_UNREACHABLE) {
        /* the last list stays on screen, said to be the last one received */
        s->stale = s->known;
    } else if (ev->net == APP_NET_REFUSED && ev->status == 404) {
        /* a hub without notices: nothing to show, nothing to warn about */
        s->list.n = 0;
    }
    a->dirty = true;
    app_screen_event(a, ev);
    return true;
}

static uint64_t next_deadline(const struct app *a)
{
    const struct notice_state *s = &a->notices;
    uint64_t d = UINT64_MAX;
    if (polls(a) && !s->loading)
        d = s->next_poll_ms;
    /* a notice leaves the screen at its end, not at the next minute */
    for (int i = 0; i < s->list.n; i++) {
        int64_t e = s->list.items[i].ends_at;
        if (e > a->wall_s) {
            uint64_t at = a->now_ms + (uint64_t)(e - a->wall_s) * 1000;
            d = at < d ? at : d;
        }
    }
    return d;
}

static void tick(struct app *a)
{
    struct notice_state *s = &a->notices;
    if (polls(a) && a->now_ms >= s->next_poll_ms)
        ask(a);
    int now = notice_count_now(a);
    if (now != s->shown) {
        s->shown = now; /* one has started or ended: redraw */
        a->dirty = true;
    }
}

static bool busy(const struct app *a)
{
    return a->notices.loading;
}

static void wipe(struct app *a, enum feature_wipe why)
{
    if (why == FEATURE_WIPE_SAMPLE)
        memset(&a->notices, 0, sizeof a->notices);
    /* a card session ending does not end a warning: the notices stay */
}

/* The home and waiting screens put the notice first, in full. */
static bool full(const struct app *a)
{
    const struct screen *top = a->stack[a->depth - 1];
    return top == &scr_home || top == &scr_card_idle;
}

/* The banner's words, all of them (never fewer at larger text: the band wraps onto more lines
 * and the screen's own controls lay out, page, in what is left): the most urgent notice's
 * title, its area and "ほか N 件"; on the home and waiting screens also what to do. The band
 * keeps the label size of 100 % text (24 pt and more, as the rules ask) at every text size.
 * Only words past 40 % of the screen's height (half on the home and waiting screens: a
 * notice far longer than any JMA or the town writes) end in "…": the whole notice is one tap
 * away. */
#define NOTICE_BAND_MAX (NOTICE_TITLE_MAX + NOTICE_AREA_MAX + NOTICE_TEXT_MAX + 512)

/* The band's words at detail 1 with the area cut, between two of its phrases (the first
 * phrase stays whole; an area of one long word is cut within it), until the band is at most
 * cap high; returns the height. */
static int fit(struct app *a, int w, char *label, size_t size, struct wg_button *b, bool offline,
               int cap)
{
    const char *area = notice_nth(a, 0)->area_ja;
    size_t len = strlen(area);
    bool cut = false; /* cut between phrases: the first phrase stays whole */
    for (;;) {
        notice_band_words(a, 1, len, offline, label, size);
        int h = wg_button_height(a->ui, b, w);
        /* the last phrase boundary before len: a space, an ideographic space or 、 (an area
         * the town wrote without spaces, "中央地区、北町、南町") */
        const char *sp = NULL;
        for (const char *p = area; p < area + len; p++)
            if (p > area && (*p == ' ' || strncmp(p, "\xe3\x80\x80", 3) == 0 ||
                             strncmp(p, "\xe3\x80\x81", 3) == 0))
                sp = p;
        if (h <= cap)
            return h;
        if (!sp && !cut) {
            /* an area of one long word: a character at a time, at least one kept */
            sp = area + len;
            do
                sp--;
            while (sp > area && ((unsigned char)*sp & 0xC0) == 0x80);
            if (sp == area)
                return h;
        } else if (!sp) {
            return h; /* its first phrase is left */
        } else {
            cut = true;
        }
        len = (size_t)(sp - area);
    }
}

/* On every other screen the band takes at most two lines: the notice's title, its area as
 * far as it fits (cut between two of its phrases, "…" saying there is more), "ほか N 件" and,
 * offline, the time of the information. Its height is planned for the words it says
 * offline too (the area cut further to keep the height where it can), so a hub that cannot
 * be reached does not grow the band under the resident's finger and re-page the screen.
 * Returns the band's height; label holds the words to say now. */
static int short_band(struct app *a, int w, char *label, size_t size, struct wg_button *b)
{
    struct wg_button two = *b;
    two.label = "|\n|";
    int online = fit(a, w, label, size, b, false, wg_button_height(a->ui, &two, w));
    int offline = fit(a, w, label, size, b, true, online);
    int planned = online > offline ? online : offline;
    fit(a, w, label, size, b, a->notices.stale, planned);
    return planned;
}

static int banner_words(struct app *a, int w, char *label, size_t size, struct wg_button *b)
{
    const struct notice *n = notice_nth(a, 0);
    int budget = a->cfg.height * (full(a) ? 50 : 40) / 100;
    *b = (struct wg_button){
        "notice_banner", label,
        ICON_HELP,       n && notice_kind_urgent(n->kind) ? WG_DANGER : WG_SECONDARY,
        false,           WG_LABEL_MM};
    if (n && !full(a))
        return short_band(a, w, label, size, b);
    notice_banner_words(a, full(a) ? 2 : 1, label, size);
    int h = wg_button_height(a->ui, b, w);
    if (full(a) && h > budget && a->notices.stale) {
        /* offline: the time of the information in short, "(9:10 の 情報)", before any "…" */
        notice_banner_words(a, 3, label, size);
        h = wg_button_height(a->ui, b, w);
    }
    while (h > budget) {
        /* the last phrase goes (with the "…" put there before), and "…" says so */
        size_t len = strlen(label);
        if (len >= strlen(" …") && strcmp(label + len - strlen(" …"), " …") == 0)
            label[len - strlen(" …")] = '\0';
        char *sp = strrchr(label, ' '), *nl = strrchr(label, '\n');
        char *cut = !nl || (sp && sp > nl) ? sp : nl;
        if (!cut || cut == label)
            break;
        snprintf(cut, size - (size_t)(cut - label), " …");
        h = wg_button_height(a->ui, b, w);
    }
    return h;
}

static int banner_height(struct app *a, int w)
{
    char label[NOTICE_BAND_MAX];
    struct wg_button b;
    const struct screen *top = a->stack[a->depth - 1];
    /* not on the notices themselves, and not over the PIN pad, whose keys have fixed sizes
     * (the login takes seconds; the notice is back on the next screen), nor over the town's
     * safety question: its two big answers are what the town needs now, and at large text
     * a band leaves them no room (the notice is back with the answer's screen); nor over
     * the widget samples' keypad, the PIN pad's keys at their fixed sizes */
    if (top == &scr_notice || top == &scr_card_pin || top == &scr_gallery || !notice_nth(a, 0) ||
        (top == &scr_safety && a->safety.send == SAFETY_IDLE))
        return 0;
    return banner_words(a, w, label, sizeof label, &b);
}

static void banner(struct app *a, struct ui_rect r)
{
    char label[NOTICE_BAND_MAX];
    struct wg_button b;
    banner_words(a, r.w, label, sizeof label, &b);
    if (wg_button(a->ui, &b, r)) {
        a->notices.page = 0;
        app_nav_push(a, &scr_notice);
    }
}

/* Catalogue entries of core screens with the notices over them: entry → notice sample. */
static const struct {
    const char *name;
    int variant;
} over[] = {
    {"home_notice", 0},        {"home_notice_advisory", 1}, {"home_notice_offline", 2},
    {"card_idle_notice", 0},   {"help_confirm_notice", 0},  {"menu_notice", 0},
    {"result_sent_notice", 0}, {"result_kept_notice", 0},
};

static void sample(struct app *a, const char *name)
{
    for (size_t i = 0; i < sizeof over / sizeof over[0]; i++)
        if (strcmp(over[i].name, name) == 0)
            notice_sample(a, over[i].variant);
    /* the catalogue's band pass: the same notices over every other entry but the family
     * tablet's list and its requests' inbox (family tablets do not ask for notices: they
     * never have a band) */
    const struct screen *top = a->stack[a->depth - 1];
    if (a->catalogue_band > 0 && !a->notices.known && top != &scr_family && top != &scr_req_inbox)
        notice_sample(a, a->catalogue_band - 1);
}

static const struct screen *const screens[] = {&scr_notice, NULL};

static const struct feature_sample samples[] = {
    {"notice", &scr_notice, 0},
    {"notice_page2", &scr_notice, 3},
    {"notice_offline", &scr_notice, 2},
    {"notice_none", &scr_notice, 4},
    {"home_notice", &scr_home, 0},
    {"home_notice_advisory", &scr_home, 1},
    {"home_notice_offline", &scr_home, 0},
    {"card_idle_notice", &scr_card_idle, 0},
    {"menu_notice", &scr_menu, 0},
    {"help_confirm_notice", &scr_help_confirm, 0},
    {"result_sent_notice", &scr_result, 1},
    {"result_kept_notice", &scr_result, 3},
    {NULL, NULL, 0},
};

const struct app_feature feature_notice = {
    .name = "notice",
    .handle = handle,
    .tick = tick,
    .next_deadline = next_deadline,
    .busy = busy,
    .wipe = wipe,
    .banner_height = banner_height,
    .banner = banner,
    .sample = sample,
    .screens = screens,
    .samples = samples,
};
