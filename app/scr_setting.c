/*
 * scr_setting: the four one-setting screens (text size, colours, language, sound). They
 * share one layout (a question, the choices, and a line saying what was changed), so they
 * share this file: four small screen tables over one frame function.
 */
#include "appstate.h"

#include <string.h>

enum which { W_TEXT, W_THEME, W_LANG, W_SOUND };

static void say(struct app *a, const char *key, const char *arg)
{
    i18n_format(a->notice, sizeof a->notice, app_s(a, key), arg, NULL, NULL, NULL);
}

static void choices(struct app *a, struct ui_rect c, enum which w)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a);
    int y = c.y;
    static const char *qkeys[] = {"q_text", "q_theme", "q_lang", "q_sound"};

    if (w == W_THEME || w == W_SOUND) {
        bool v = w == W_THEME ? a->cfg.theme == THEME_HIGH_CONTRAST : a->cfg.sound;
        const char *q = app_s(a, qkeys[w]);
        int h = wg_toggle_height(ui, c.w, q, app_s(a, "yes"), app_s(a, "no"));
        int r = wg_toggle(ui, w == W_THEME ? "theme" : "sound", (struct ui_rect){c.x, y, c.w, h}, q,
                          v, app_s(a, "yes"), app_s(a, "no"));
        if (r >= 0 && w == W_THEME) {
            app_set_theme(a, r ? THEME_HIGH_CONTRAST : THEME_NORMAL);
            say(a, r ? "done_theme_high" : "done_theme_normal", NULL);
        } else if (r >= 0) {
            app_set_sound(a, r == 1);
            say(a, r ? "done_sound_on" : "done_sound_off", NULL);
        }
        y += h + gap;
    } else {
        y += wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM,
                          t->text, t->bg, app_s(a, qkeys[w]), WG_LEFT) +
             gap;
        int n = w == W_TEXT ? 3 : 2;
        static const int scales[3] = {100, 125, 150};
        static const char *ids_text[3] = {"text_100", "text_125", "text_150"};
        static const char *ids_lang[2] = {"lang_ja", "lang_en"};
        char labels[3][32];
        struct wg_button b[3];
        int bw = (c.w - (n - 1) * gap) / n, bh = 0;
        for (int i = 0; i < n; i++) {
            bool sel;
            if (w == W_TEXT) {
                snprintf(labels[i], sizeof labels[i], "%d %%", scales[i]);
                sel = a->cfg.text_scale == scales[i];
                b[i] = (struct wg_button){ids_text[i],
                                          labels[i],
                                          sel ? ICON_CHECK : ICON_NONE,
                                          sel ? WG_SELECTED : WG_SECONDARY,
                                          false,
                                          0};
            } else {
                /* each language names itself, so either can be found by its reader */
                snprintf(labels[i], sizeof labels[i], "%s", i == 0 ? "日本語" : "English");
                sel = strcmp(a->lang, i == 0 ? "ja" : "en") == 0;
                b[i] = (struct wg_button){ids_lang[i],
                                          labels[i],
                                          sel ? ICON_CHECK : ICON_NONE,
                                          sel ? WG_SELECTED : WG_SECONDARY,
                                          false,
                                          0};
            }
            int h = wg_button_height(ui, &b[i], bw);
            bh = h > bh ? h : bh;
        }
        for (int i = 0; i < n; i++) {
            if (!wg_button(ui, &b[i], (struct ui_rect){c.x + i * (bw + gap), y, bw, bh}))
                continue;
            if (w == W_TEXT) {
                app_set_text_scale(a, scales[i]);
                say(a, "done_text", labels[i]);
            } else {
                app_set_lang(a, i == 0 ? "ja" : "en");
                say(a, "done_lang", NULL);
            }
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

static void f_text(struct app *a, struct ui_rect c)
{
    choices(a, c, W_TEXT);
}
static void f_theme(struct app *a, struct ui_rect c)
{
    choices(a, c, W_THEME);
}
static void f_lang(struct app *a, struct ui_rect c)
{
    choices(a, c, W_LANG);
}
static void f_sound(struct app *a, struct ui_rect c)
{
    choices(a, c, W_SOUND);
}

static void sample(struct app *a, int variant)
{
    (void)variant;
    say(a, "done_sample", NULL);
}

const struct screen scr_setting_text = {.name = "setting_text",
                                        .title_key = "set_text",
                                        .enter = enter,
                                        .frame = f_text,
                                        .sample = sample};
const struct screen scr_setting_theme = {.name = "setting_theme",
                                         .title_key = "set_theme",
                                         .enter = enter,
                                         .frame = f_theme,
                                         .sample = sample};
const struct screen scr_setting_lang = {.name = "setting_lang",
                                        .title_key = "set_lang",
                                        .enter = enter,
                                        .frame = f_lang,
                                        .sample = sample};
const struct screen scr_setting_sound = {.name = "setting_sound",
                                         .title_key = "set_sound",
                                         .enter = enter,
                                         .frame = f_sound,
                                         .sample = sample};
