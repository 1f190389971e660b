/*
 * scr_settings: the settings menu, four choices, each opening one setting's screen
 * (so every setting is two taps from home and its change is confirmed in words there).
 */
#include "appstate.h"

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    int gap = app_gap(a);
    struct wg_button b[4] = {
        {"set_text", app_s(a, "set_text"), ICON_TEXTSIZE, WG_SECONDARY, false, 0},
        {"set_theme", app_s(a, "set_theme"), ICON_CONTRAST, WG_SECONDARY, false, 0},
        {"set_lang", app_s(a, "set_lang"), ICON_LANGUAGE, WG_SECONDARY, false, 0},
        {"set_sound", app_s(a, "set_sound"), ICON_SOUND, WG_SECONDARY, false, 0},
    };
    const struct screen *to[4] = {&scr_setting_text, &scr_setting_theme, &scr_setting_lang,
                                  &scr_setting_sound};
    int bw = (c.w - gap) / 2, rh[2] = {0, 0};
    for (int i = 0; i < 4; i++) {
        int h = wg_button_height(ui, &b[i], bw);
        rh[i / 2] = h > rh[i / 2] ? h : rh[i / 2];
    }
    for (int i = 0; i < 4; i++) {
        int y = c.y + (i / 2) * (rh[0] + gap);
        struct ui_rect r = {c.x + (i % 2) * (bw + gap), y, bw, rh[i / 2]};
        if (wg_button(ui, &b[i], r)) {
            a->notice[0] = '\0';
            app_nav_push(a, to[i]);
        }
    }
}

const struct screen scr_settings = {
    .name = "settings", .title_key = "title_settings", .frame = frame};
