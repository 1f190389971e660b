/*
 * scr_safety: "ぶじですか" — the town's safety confirmation on the home tablet, shown over
 * whatever was on screen. Two big answers (ぶじです / 助けが いる); after a tap the screen
 * says what was sent and when, "need help" that the town has been told (once the hub has
 * it; until then that it is kept and will be sent, and to phone 119 if it is urgent).
 */
#include "appstate.h"
#include "safety.h"

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    struct safety_state *s = &a->safety;
    int gap = app_gap(a), y = c.y;
    char words[768];

    if (s->send == SAFETY_IDLE) {
        a->msg_page = 0; /* the question is never paged (its two answers come first) */
        a->msg_pages = 1;
        if (s->title[0])
            y += wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_BOLD, WG_BODY_MM,
                              t->text, t->bg, s->title, WG_LEFT) +
                 gap;
        y += wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM,
                          t->text, t->bg, app_s(a, "safety_ask"), WG_LEFT) +
             gap;
        struct wg_button b[2] = {
            {"safety_safe", app_s(a, "safety_safe"), ICON_SMILE, WG_PRIMARY, true, 0},
            {"safety_help", app_s(a, "safety_help"), ICON_HELP, WG_DANGER, true, 0},
        };
        int bw = (c.w - gap) / 2, bh = 0;
        for (int i = 0; i < 2; i++) {
            int h = wg_button_height(ui, &b[i], bw);
            bh = h > bh ? h : bh;
        }
        int room = c.y + c.h - y;
        if (bh > room) { /* large text: the icons beside the words */
            bh = 0;
            for (int i = 0; i < 2; i++) {
                b[i].icon_above = false;
                int h = wg_button_height(ui, &b[i], bw);
                bh = h > bh ? h : bh;
            }
        }
        /* the answers get the room that is left, up to 60 mm: the bigger the easier */
        if (room > bh)
            bh = room < ui_mm(ui, 60) ? room : ui_mm(ui, 60);
        for (int i = 0; i < 2; i++)
            if (wg_button(ui, &b[i], (struct ui_rect){c.x + i * (bw + gap), y, bw, bh}))
                safety_answer(a, i == 0 ? SAFETY_SAFE : SAFETY_NEED_HELP);
        return;
    }
    safety_result_words(a, words, sizeof words);
    struct ui_color fg = s->send == SAFETY_DONE      ? t->ok_text
                         : s->send == SAFETY_SENDING ? t->text
                                                     : t->warn_text;
    /* the buttons at the bottom; with large text and a notice band they go beside the
     * words, or the words are paged (msgpage.h) */
    bool retry = s->send == SAFETY_KEPT || s->send == SAFETY_FAILED;
    struct msgpage m = {.narrow = true};
    msgpage_para(&m, words, UI_FONT_BOLD, WG_BODY_MM, fg);
    if (s->send != SAFETY_SENDING)
        msgpage_button(&m, (struct wg_button){"safety_ok", app_s(a, "result_ok"), ICON_HOME,
                                              WG_PRIMARY, false, 0});
    if (retry)
        msgpage_button(&m, (struct wg_button){"retry", app_s(a, "result_retry"), ICON_REFRESH,
                                              WG_SECONDARY, false, 0});
    int tapped = msgpage_frame(a, c, &m);
    if (tapped == 0)
        app_nav_home(a);
    if (tapped == 1) {
        if (s->send == SAFETY_KEPT && a->ports.retry_pending) {
            a->ports.retry_pending(a->ports.ctx); /* the kept answer, never a second one */
        } else {
            s->send = SAFETY_IDLE;
            safety_answer(a, s->answer);
        }
    }
}

static void sample(struct app *a, int variant)
{
    safety_sample(a, variant);
}

static void title(const struct app *a, char *buf, size_t size)
{
    msgpage_title(a, "title_safety", buf, size);
}

const struct screen scr_safety = {.name = "safety",
                                  .title_key = "title_safety",
                                  .frame = frame,
                                  .sample = sample,
                                  .title = title};
