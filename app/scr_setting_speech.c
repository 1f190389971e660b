/*
 * scr_setting_speech: 設定 → 声: reading aloud on or off, its volume and its speed, each
 * changed by one step a tap (小さく / 大きく, ゆっくり / 速く) with the step in words, and a
 * line saying what was changed. The new setting is heard at once: the change is said in
 * words at the new volume and speed. Six choices.
 */
#include <stdio.h>

#include "appstate.h"

static const char *level_words(const struct app *a, bool rate)
{
    static const char *vol[] = {"speech_level_0", "speech_level_1", "speech_level_2",
                                "speech_level_3", "speech_level_4"};
    static const char *spd[] = {"speech_speed_0", "speech_speed_1", "speech_speed_2",
                                "speech_speed_3", "speech_speed_4"};
    return app_s(a, (rate ? spd : vol)[app_speech_level(a, rate)]);
}

/* Says what changed, on screen and aloud (so the new volume or speed is heard). */
static void done(struct app *a, const char *key, const char *arg)
{
    i18n_format(a->notice, sizeof a->notice, app_s(a, key), arg, NULL, NULL, NULL);
    if (a->cfg.speech && a->ports.speak)
        a->ports.speak(a->ports.ctx, a->notice, a->lang, a->cfg.speech_volume, a->cfg.speech_rate);
}

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a), y = c.y;
    /* the title (声で 読む) is the question: はい / いいえ, the current one marked */
    struct wg_button yn[2] = {
        {"speech_yes", app_s(a, "yes"), a->cfg.speech ? ICON_CHECK : ICON_NONE,
         a->cfg.speech ? WG_SELECTED : WG_SECONDARY, false, 0},
        {"speech_no", app_s(a, "no"), !a->cfg.speech ? ICON_CHECK : ICON_NONE,
         !a->cfg.speech ? WG_SELECTED : WG_SECONDARY, false, 0},
    };
    int hw = (c.w - gap) / 2, yh = wg_button_height(ui, &yn[0], hw);
    int nh2 = wg_button_height(ui, &yn[1], hw);
    yh = nh2 > yh ? nh2 : yh;
    for (int i = 0; i < 2; i++)
        if (wg_button(ui, &yn[i], (struct ui_rect){c.x + i * (hw + gap), y, hw, yh})) {
            app_set_speech(a, i == 0, a->cfg.speech_volume, a->cfg.speech_rate);
            done(a, i == 0 ? "done_speech_on" : "done_speech_off", NULL);
        }
    y += yh + gap;
    /* where volume and speed are now, then a row of buttons for each */
    char vol[160], rate[160], both[330];
    i18n_format(vol, sizeof vol, app_s(a, "speech_volume"), level_words(a, false), NULL, NULL,
                NULL);
    i18n_format(rate, sizeof rate, app_s(a, "speech_rate"), level_words(a, true), NULL, NULL, NULL);
    snprintf(both, sizeof both, "%s ・ %s", vol, rate);
    y += wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text,
                      t->bg, both, WG_LEFT) +
         gap;
    static const char *ids[4] = {"speech_softer", "speech_louder", "speech_slower",
                                 "speech_faster"};
    int bw = (c.w - gap) / 2;
    for (int row = 0; row < 2; row++) {
        struct wg_button b[2] = {
            {ids[row * 2], app_s(a, ids[row * 2]), ICON_PREV, WG_SECONDARY, false, 0},
            {ids[row * 2 + 1], app_s(a, ids[row * 2 + 1]), ICON_NEXT, WG_SECONDARY, false, 0},
        };
        int bh = wg_button_height(ui, &b[0], bw), h1 = wg_button_height(ui, &b[1], bw);
        bh = h1 > bh ? h1 : bh;
        for (int i = 0; i < 2; i++) {
            if (!wg_button(ui, &b[i], (struct ui_rect){c.x + i * (bw + gap), y, bw, bh}))
                continue;
            bool is_rate = row == 1;
            int v = app_speech_step(a, is_rate, i ? 1 : -1);
            app_set_speech(a, a->cfg.speech, is_rate ? a->cfg.speech_volume : v,
                           is_rate ? v : a->cfg.speech_rate);
            done(a, is_rate ? "done_speech_rate" : "done_speech_volume", level_words(a, is_rate));
        }
        y += bh + gap;
    }
    if (a->notice[0])
        wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_BOLD, WG_BODY_MM, t->ok_text,
                     t->bg, a->notice, WG_LEFT);
}

static void enter(struct app *a)
{
    a->notice[0] = '\0';
}

const struct screen scr_setting_speech = {
    .name = "setting_speech", .title_key = "title_setting_speech", .enter = enter, .frame = frame};
