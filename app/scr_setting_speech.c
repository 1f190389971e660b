/*
 * scr_setting_speech: 設定 → 声: reading aloud on or off, its volume and its speed, each
 * changed by one step a tap (小さく / 大きく, ゆっくり / 速く) with the step in words, and a
 * line saying what was changed. The new setting is heard at once: the change is said in
 * words at the new volume and speed. Six choices. When they do not fit (large text under a
 * notice band) they are paged with ◀ ▶ (pageflow: whole rows, at most four buttons a page),
 * the page in the title, the words of a change right after the row it came from.
 */
#include <stdio.h>
#include <string.h>

#include "appstate.h"
#include "pageflow.h"

static const char *level_words(const struct app *a, bool rate)
{
    static const char *vol[] = {"speech_level_0", "speech_level_1", "speech_level_2",
                                "speech_level_3", "speech_level_4"};
    static const char *spd[] = {"speech_speed_0", "speech_speed_1", "speech_speed_2",
                                "speech_speed_3", "speech_speed_4"};
    return app_s(a, (rate ? spd : vol)[app_speech_level(a, rate)]);
}

/* Says what changed, on screen (after the row of buttons it came from) and aloud (so the
 * new volume or speed is heard). */
static void done(struct app *a, int row, const char *key, const char *arg)
{
    i18n_format(a->notice, sizeof a->notice, app_s(a, key), arg, NULL, NULL, NULL);
    a->notice_row = row;
    if (a->cfg.speech && a->ports.speak)
        a->ports.speak(a->ports.ctx, a->notice, a->lang, a->cfg.speech_volume, a->cfg.speech_rate);
}

/* The screen's blocks, top to bottom: はい / いいえ, where volume and speed are, a row of
 * buttons for each, and what the last change did. */
enum { ROW_ONOFF, LEVELS, ROW_VOLUME, ROW_RATE, NOTICE, BLOCKS };

struct row2 {
    struct wg_button b[2];
    int h;
};

static void make_row(struct app *a, struct row2 *r, int w, struct wg_button b0, struct wg_button b1)
{
    r->b[0] = b0;
    r->b[1] = b1;
    int h0 = wg_button_height(a->ui, &b0, w), h1 = wg_button_height(a->ui, &b1, w);
    r->h = h0 > h1 ? h0 : h1;
}

/* Draws a row of two at y; acts on a tap. */
static void row_frame(struct app *a, int which, const struct row2 *r, struct ui_rect c, int y)
{
    int gap = app_gap(a), bw = (c.w - gap) / 2;
    for (int i = 0; i < 2; i++) {
        if (!wg_button(a->ui, &r->b[i], (struct ui_rect){c.x + i * (bw + gap), y, bw, r->h}))
            continue;
        if (which == ROW_ONOFF) {
            app_set_speech(a, i == 0, a->cfg.speech_volume, a->cfg.speech_rate);
            done(a, which, i == 0 ? "done_speech_on" : "done_speech_off", NULL);
            continue;
        }
        bool is_rate = which == ROW_RATE;
        int v = app_speech_step(a, is_rate, i ? 1 : -1);
        app_set_speech(a, a->cfg.speech, is_rate ? a->cfg.speech_volume : v,
                       is_rate ? v : a->cfg.speech_rate);
        done(a, which, is_rate ? "done_speech_rate" : "done_speech_volume",
             level_words(a, is_rate));
    }
}

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a), bw = (c.w - gap) / 2;
    /* the title (声で 読む) is the question: はい / いいえ, the current one marked */
    struct row2 rows[BLOCKS];
    make_row(
        a, &rows[ROW_ONOFF], bw,
        (struct wg_button){"speech_yes", app_s(a, "yes"), a->cfg.speech ? ICON_CHECK : ICON_NONE,
                           a->cfg.speech ? WG_SELECTED : WG_SECONDARY, false, 0},
        (struct wg_button){"speech_no", app_s(a, "no"), !a->cfg.speech ? ICON_CHECK : ICON_NONE,
                           !a->cfg.speech ? WG_SELECTED : WG_SECONDARY, false, 0});
    static const char *ids[4] = {"speech_softer", "speech_louder", "speech_slower",
                                 "speech_faster"};
    for (int r = 0; r < 2; r++)
        make_row(
            a, &rows[r ? ROW_RATE : ROW_VOLUME], bw,
            (struct wg_button){ids[r * 2], app_s(a, ids[r * 2]), ICON_PREV, WG_SECONDARY, false, 0},
            (struct wg_button){ids[r * 2 + 1], app_s(a, ids[r * 2 + 1]), ICON_NEXT, WG_SECONDARY,
                               false, 0});
    char vol[160], rate[160], both[330];
    i18n_format(vol, sizeof vol, app_s(a, "speech_volume"), level_words(a, false), NULL, NULL,
                NULL);
    i18n_format(rate, sizeof rate, app_s(a, "speech_rate"), level_words(a, true), NULL, NULL, NULL);
    snprintf(both, sizeof both, "%s ・ %s", vol, rate);
    const char *text[BLOCKS] = {NULL, both, NULL, NULL, a->notice[0] ? a->notice : NULL};
    enum ui_font font[BLOCKS] = {0, UI_FONT_REGULAR, 0, 0, UI_FONT_BOLD};
    /* each block as pageflow sees it */
    struct pageflow_block mk[BLOCKS];
    int total = -gap;
    for (int k = 0; k < BLOCKS; k++) {
        memset(&mk[k], 0, sizeof mk[k]);
        mk[k].gap = gap;
        if (text[k]) {
            mk[k].line_h = ui_line_height(ui, font[k], ui_text_px(ui, WG_BODY_MM));
            mk[k].lines = wg_text_lines(ui, font[k], WG_BODY_MM, text[k], c.w);
            mk[k].h = mk[k].lines * mk[k].line_h + gap;
        } else if (k != NOTICE) {
            mk[k].h = rows[k].h + gap;
            mk[k].targets = 2;
        }
        total += k == NOTICE && !text[k] ? 0 : mk[k].h;
    }
    /* everything on one page (the notice last), else pages with ◀ ▶ below and the page in
     * the title: four buttons a page at most, so six choices with the pager's two; paged,
     * the notice goes right after the row it came from (so a tap's words are on its page,
     * or the next) */
    bool paged = total > c.h;
    int order[BLOCKS], n = 0;
    for (int k = 0; k < NOTICE; k++) {
        order[n++] = k;
        if (paged && text[NOTICE] && k == a->notice_row)
            order[n++] = NOTICE;
    }
    if (text[NOTICE] && n < BLOCKS)
        order[n++] = NOTICE;
    struct pageflow_block m[BLOCKS];
    for (int i = 0; i < n; i++)
        m[i] = mk[order[i]];
    struct pageflow_cut starts[BLOCKS * 8];
    int ph = 0, np = 1;
    starts[0] = (struct pageflow_cut){0, 0};
    if (paged) {
        ph = app_pager_height(a, c.w);
        np = pageflow_plan(m, n, c.h - ph - gap, c.h - ph - gap, 4, starts, BLOCKS * 8);
    }
    struct pageflow_page pg = pageflow_page(starts, np, n, a->msg_page);
    struct pageflow_part part;
    int cur = pg.page;
    a->msg_pages = np;
    int y = c.y;
    while (pageflow_page_next(m, n, &pg, &part)) {
        int k = order[part.block];
        if (!text[k]) {
            row_frame(a, k, &rows[k], c, y);
            y += rows[k].h + gap;
        } else {
            y += wg_paragraph_part(ui, (struct ui_rect){c.x, y, c.w, 0}, font[k], WG_BODY_MM,
                                   k == NOTICE ? t->ok_text : t->text, t->bg, text[k],
                                   part.first_line, part.lines) +
                 gap;
        }
    }
    if (np > 1) {
        int d = app_pager(a, (struct ui_rect){c.x, c.y + c.h - ph, c.w, ph}, cur, np);
        if (d)
            a->msg_page = cur + d;
    }
}

static void title(const struct app *a, char *buf, size_t size)
{
    msgpage_title(a, "title_setting_speech", buf, size);
}

static void enter(struct app *a)
{
    a->notice[0] = '\0';
}

const struct screen scr_setting_speech = {.name = "setting_speech",
                                          .title_key = "title_setting_speech",
                                          .enter = enter,
                                          .frame = frame,
                                          .title = title};
