/* test_first_pages: the home and waiting screens under a notice band that says the whole
 * notice, with the kiosk's own fonts: when the hub cannot be reached the band grows by the
 * time of the information (`9:10 に 受け取った 情報です。…`) and the screen is planned
 * again in less room; the page the resident is on still starts with what it started with
 * (home: the check-in answers, or 助けて; waiting: the paragraph they were reading), at
 * 100, 125 and 150 %, ja and en, under several notices and the long one, and again when
 * the hub answers. */
#include <string.h>

#include "appstate.h"
#include "apptest.h"
#include "drawn.h"
#include "notice.h"
#include "realfonts.h"

static struct ui_text_ops ops;

/* A tablet of `profile` in lang at scale % text, measured with the kiosk's own fonts. */
static bool open_real(struct apptest *t, enum app_profile profile, const char *lang, int scale)
{
    struct app_ports ports = fake_ports_bind(&t->fp);
    if (!at_open_text(t, profile, &ports, &ops, lang, false))
        return false;
    app_set_text_scale(t->app, scale);
    return true;
}

/* What the page on screen starts with: home's first choice (a target other than the band
 * and the pager); on the waiting screen the index of the first of `para` whose words begin
 * a line drawn outside any target (the title and the band are not among them). -1: none. */
static int first_item(struct app *a, const char *const *para, int npara)
{
    size_t nt, nc;
    const struct ui_target *t = ui_targets(a->ui, &nt);
    const struct ui_cmd *cmd = ui_cmds(a->ui, &nc);
    static const char *const choices[] = {"checkin_genki", "checkin_itsumo", "checkin_genkinai",
                                          "help",          "menu",           "settings"};
    if (!npara) {
        for (size_t i = 0; i < nt; i++)
            for (int k = 0; k < 6; k++)
                if (strcmp(t[i].id, choices[k]) == 0)
                    return k;
        return -1;
    }
    for (size_t i = 0; i < nc; i++) {
        bool label = false;
        for (size_t k = 0; k < nt; k++)
            label = label || inside(cmd[i].r, t[k].r);
        if (cmd[i].kind != UI_CMD_TEXT || label)
            continue;
        char line[512], words[1024];
        fold(ui_cmd_text(a->ui, &cmd[i]), line, sizeof line);
        for (int p = 0; p < npara && line[0]; p++) {
            fold(para[p], words, sizeof words);
            size_t n = strlen(line) < strlen(words) ? strlen(line) : strlen(words);
            if (strncmp(words, line, n) == 0)
                return p;
        }
    }
    return -1;
}

/* The hub cannot be reached (the answer to the next poll), or answers again. */
static void hub(struct apptest *t, bool reachable)
{
    struct app *a = t->app;
    struct notice_list same = {.unchanged = true}; /* 304: the notices as they were */
    struct app_event ev = {.kind = APP_EV_NOTICES,
                           .req = a->notices.req,
                           .net = reachable ? APP_NET_OK : APP_NET_UNREACHABLE,
                           .disaster = reachable ? &same : NULL};
    at_event(t, &ev);
    app_frame(a);
}

static int checked;

/* Catalogue entry `entry` under notice sample `band`: on each of its pages, the hub becomes
 * unreachable and the page still starts with the same item; back online, the same. */
static void keeps_page(const char *entry, enum app_profile profile, const char *lang, int scale,
                       int band)
{
    char town[128];
    for (int page = 0; page < 4; page++) {
        struct apptest t;
        REQUIRE(open_real(&t, profile, lang, scale));
        struct app *a = t.app;
        app_catalogue_band(a, band);
        REQUIRE(app_catalogue_show(a, entry));
        app_frame(a);
        int pages = profile == APP_PROFILE_HOME ? a->home_pages : a->idle_pages;
        if (page >= pages) {
            at_close(&t);
            return;
        }
        for (int i = 0; i < page; i++)
            REQUIRE(at_tap(&t, "page_next"));
        /* the waiting screen's paragraphs: the card, the note, the hours (and contact) */
        const char *para[3] = {app_s(a, "card_place"), app_s(a, "card_place_note"), NULL};
        int npara = 0;
        if (profile == APP_PROFILE_PUBLIC) {
            snprintf(town, sizeof town, "%s", app_s(a, "card_hours"));
            char *brace = strchr(town, '{');
            if (brace)
                *brace = '\0'; /* the words before the hours */
            para[2] = town;
            npara = 3;
        }
        int before = first_item(a, para, npara);
        CHECK(before >= 0);
        hub(&t, false);
        CHECK(a->notices.stale);
        int offline = first_item(a, para, npara);
        int opages = profile == APP_PROFILE_HOME ? a->home_pages : a->idle_pages;
        if (offline != before)
            fprintf(stderr,
                    "%s %s %d %% band %d: page %d/%d started with item %d, offline page of %d with "
                    "%d\n",
                    entry, lang, scale, band, page + 1, pages, before, opages, offline);
        CHECK_INT_EQ(offline, before);
        hub(&t, true);
        CHECK_INT_EQ(first_item(a, para, npara), before);
        checked++;
        at_close(&t);
    }
}

static void t_pages_kept_offline(void)
{
    static const char *const langs[2] = {"ja", "en"};
    static const int scales[3] = {100, 125, 150};
    static const int bands[2] = {0, 5}; /* several notices, the long one */
    for (int l = 0; l < 2; l++)
        for (int s = 0; s < 3; s++)
            for (int b = 0; b < 2; b++) {
                keeps_page("home", APP_PROFILE_HOME, langs[l], scales[s], bands[b]);
                keeps_page("card_idle", APP_PROFILE_PUBLIC, langs[l], scales[s], bands[b]);
                keeps_page("card_idle_town", APP_PROFILE_PUBLIC, langs[l], scales[s], bands[b]);
            }
    CHECK(checked > 0);
}

static void run(void)
{
    TEST_RUN(t_pages_kept_offline);
}

int main(void)
{
    return realfonts_main(&ops, run);
}
