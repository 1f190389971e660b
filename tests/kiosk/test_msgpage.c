/* test_msgpage: a message screen (app/msgpage.c) laid out by the room it is given, with the
 * kiosk's own fonts at 150 % in English, the room shrinking as a notice band and a long
 * title would make it: on every page every button is inside the room and apart from the
 * words and the other buttons, each word of the words is drawn once over the pages, and
 * the last page's row (◀ 前へ and a long primary label, 統計に 入らない) is never taller
 * than the room. */
#include <string.h>

#include "appstate.h"
#include "apptest.h"
#include "drawn.h"
#include "msgpage.h"
#include "realfonts.h"

static struct ui_text_ops ops;

/* A home tablet in English at 150 % text, measured with the kiosk's own fonts. */
static bool open_en150(struct apptest *t)
{
    struct app_ports ports = fake_ports_bind(&t->fp);
    if (!at_open_text(t, APP_PROFILE_HOME, &ports, &ops, "en", false))
        return false;
    app_set_text_scale(t->app, 150);
    return true;
}

static bool apart(struct ui_rect a, struct ui_rect b, int gap)
{
    return a.x + a.w + gap <= b.x || b.x + b.w + gap <= a.x || a.y + a.h + gap <= b.y ||
           b.y + b.h + gap <= a.y;
}

/* What a page of a walk shows: its first and last line of words, the bottom of its last
 * line, the bottom of the words' room (the top of the buttons less the gap). */
struct page_seen {
    char first[256], last[256];
    int bottom, room_bottom;
};

/* Draws every page of m in c; checks each and returns the words drawn over all pages, and
 * when seen is not NULL what each page shows (up to 64 pages). Returns the number of
 * pages. */
static int walk(struct app *a, struct ui_rect c, const struct msgpage *m, char *said, size_t size,
                struct page_seen *seen)
{
    struct ui *ui = a->ui;
    int apart_px = ui_mm(ui, 3) - 1;
    said[0] = '\0';
    a->msg_page = 0;
    for (int page = 0; page < 64; page++) {
        ui_begin(ui);
        msgpage_frame(a, c, m);
        ui_end(ui);
        size_t nt, nc;
        const struct ui_target *t = ui_targets(ui, &nt);
        const struct ui_cmd *cmd = ui_cmds(ui, &nc);
        bool last = a->msg_page + 1 >= a->msg_pages;
        for (size_t i = 0; i < nt; i++) {
            if (!inside(t[i].r, c))
                fprintf(stderr, "h %d page %d: %s at y %d..%d outside %d..%d\n", c.h, page, t[i].id,
                        t[i].r.y, t[i].r.y + t[i].r.h, c.y, c.y + c.h);
            CHECK(inside(t[i].r, c));
            for (size_t k = i + 1; k < nt; k++)
                CHECK(apart(t[i].r, t[k].r, apart_px));
        }
        if (last)
            CHECK(ui_find_target(ui, "stats_change") != NULL);
        struct page_seen p = {.room_bottom = c.y + c.h};
        for (size_t k = 0; k < nt; k++)
            if (t[k].r.y - app_gap(a) < p.room_bottom)
                p.room_bottom = t[k].r.y - app_gap(a);
        for (size_t i = 0; i < nc; i++) {
            if (cmd[i].kind != UI_CMD_TEXT)
                continue;
            bool label = false;
            for (size_t k = 0; k < nt; k++)
                label = label || inside(cmd[i].r, t[k].r);
            if (label)
                continue;
            CHECK(inside(cmd[i].r, c));
            for (size_t k = 0; k < nt; k++)
                CHECK(apart(cmd[i].r, t[k].r, 1));
            size_t len = strlen(said);
            snprintf(said + len, size - len, "%s ", ui_cmd_text(ui, &cmd[i]));
            if (!p.first[0])
                snprintf(p.first, sizeof p.first, "%s", ui_cmd_text(ui, &cmd[i]));
            snprintf(p.last, sizeof p.last, "%s", ui_cmd_text(ui, &cmd[i]));
            p.bottom = cmd[i].r.y + cmd[i].r.h;
        }
        if (seen)
            seen[page] = p;
        if (last)
            return page + 1;
        CHECK(ui_find_target(ui, "page_next") != NULL);
        a->msg_page++;
    }
    CHECK(!"more than 64 pages");
    return 64;
}

/* All the words of m as one line, spaces folded. */
static void words_of(const struct msgpage *m, char *out, size_t size)
{
    static char all[8192];
    all[0] = '\0';
    for (int i = 0; i < m->npara; i++) {
        size_t len = strlen(all);
        snprintf(all + len, sizeof all - len, "%s", m->para[i].text);
    }
    fold(all, out, size);
}

static void t_last_row_fits(void)
{
    struct apptest t;
    REQUIRE(open_en150(&t));
    struct app *a = t.app;
    const struct theme *th = ui_theme(a->ui);
    static const char *keys[] = {"stats_body", "stats_body_nobody", "stats_body_refuse"};
    struct msgpage m = {0};
    for (int i = 0; i < 3; i++)
        msgpage_para(&m, app_s(a, keys[i]), UI_FONT_REGULAR, WG_BODY_MM, th->text);
    msgpage_para(&m, "Now: you are counted in the statistics.", UI_FONT_BOLD, WG_BODY_MM, th->text);
    msgpage_button(&m, (struct wg_button){"stats_change", app_s(a, "stats_refuse"), ICON_CROSS,
                                          WG_PRIMARY, false, 0});
    static char said[8192], want[8192], got[8192];
    words_of(&m, want, sizeof want);
    /* from the room under the long band with a title of three lines (203 px at 1280×800)
     * up to a screen without a band */
    for (int h = 190; h <= 620; h += 9) {
        walk(a, (struct ui_rect){21, 700 - h, 1238, h}, &m, said, sizeof said, NULL);
        fold(said, got, sizeof got);
        if (strcmp(got, want) != 0)
            fprintf(stderr, "h %d: said \"%s\"\n", h, said);
        CHECK_STR_EQ(got, want);
    }
    at_close(&t);
}

/* The words paged at 150 % in English (the room from under the long band up): a paragraph
 * that fits a page of its own continues on the next page where two of its lines fit what
 * is left of a page, rather than leave that end empty; a label (安否's items) is never the
 * last line of a page; and every word is still said once. */
static void t_paragraph_fills_the_page(void)
{
    struct apptest t;
    REQUIRE(open_en150(&t));
    struct app *a = t.app;
    const struct theme *th = ui_theme(a->ui);
    struct msgpage m = {0};
    msgpage_para(&m, "Today's check-in", UI_FONT_BOLD, WG_BODY_MM, th->text);
    m.para[m.npara - 1].keep = true;
    msgpage_para(&m, "At 9:02 you sent \"As usual\".", UI_FONT_REGULAR, WG_BODY_MM, th->text);
    m.para[m.npara - 1].indent = true;
    msgpage_para(&m, "Calls for help", UI_FONT_BOLD, WG_BODY_MM, th->text);
    m.para[m.npara - 1].keep = true;
    msgpage_para(&m,
                 "At 9:05 you called for help. Your family: Hanako saw it at 9:06. The town's "
                 "watcher has not seen it yet. The town will phone you; if your life is in "
                 "danger, phone 119 now. Stay where you are safe until someone comes.",
                 UI_FONT_REGULAR, WG_BODY_MM, th->text);
    m.para[m.npara - 1].indent = true;
    msgpage_para(&m, app_s(a, "stats_body"), UI_FONT_REGULAR, WG_BODY_MM, th->text);
    msgpage_button(&m, (struct wg_button){"stats_change", app_s(a, "stats_refuse"), ICON_CROSS,
                                          WG_PRIMARY, false, 0});
    int line = ui_line_height(a->ui, UI_FONT_REGULAR, ui_text_px(a->ui, WG_BODY_MM));
    int long_lines =
        wg_text_lines(a->ui, UI_FONT_REGULAR, WG_BODY_MM, m.para[3].text, 1238 - ui_mm(a->ui, 6));
    REQUIRE(long_lines >= 4); /* a paragraph that can continue with two lines on each side */
    static struct page_seen seen[64];
    static char said[8192], want[8192], got[8192];
    words_of(&m, want, sizeof want);
    for (int h = 190; h <= 620; h += 3) {
        struct ui_rect c = {21, 700 - h, 1238, h};
        int np = walk(a, c, &m, said, sizeof said, seen);
        fold(said, got, sizeof got);
        CHECK_STR_EQ(got, want);
        for (int p = 0; p + 1 < np; p++) {
            /* (a label and a line of its words fit a page) */
            bool lone =
                !strcmp(seen[p].last, m.para[0].text) || !strcmp(seen[p].last, m.para[2].text);
            if (lone && seen[p].room_bottom - c.y >= 2 * line)
                fprintf(stderr, "h %d: page %d ends with its label \"%s\"\n", h, p + 1,
                        seen[p].last);
            CHECK(!(lone && seen[p].room_bottom - c.y >= 2 * line));
            /* the long paragraph moved whole to the next page: not two of its lines (and
             * the gap before it) were left on this one */
            char first[256], start[256];
            fold(seen[p + 1].first, first, sizeof first);
            fold(m.para[3].text, start, sizeof start);
            bool starts_long = first[0] && strncmp(start, first, strlen(first)) == 0;
            bool fits_a_page = long_lines * line <= seen[p + 1].room_bottom - c.y;
            int left = seen[p].room_bottom - seen[p].bottom - app_gap(a);
            if (starts_long && fits_a_page && left >= 2 * line)
                fprintf(stderr, "h %d: page %d ends with %d px (%d lines) empty\n", h, p + 1, left,
                        left / line);
            CHECK(!(starts_long && fits_a_page && left >= 2 * line));
        }
    }
    at_close(&t);
}

static void run(void)
{
    TEST_RUN(t_last_row_fits);
    TEST_RUN(t_paragraph_fills_the_page);
}

int main(void)
{
    return realfonts_main(&ops, run);
}
