/*
 * scr_settings: the settings menu, four choices (five on the home tablet: 声), each opening one
 * setting's screen (so every setting is two taps from home and its change is confirmed in words
 * there).
 */
#include <string.h>

#include "appstate.h"

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    int gap = app_gap(a);
    struct wg_button b[5] = {
        {"set_text", app_s(a, "set_text"), ICON_TEXTSIZE, WG_SECONDARY, false, 0},
        {"set_theme", app_s(a, "set_theme"), ICON_CONTRAST, WG_SECONDARY, false, 0},
        {"set_lang", app_s(a, "set_lang"), ICON_LANGUAGE, WG_SECONDARY, false, 0},
        {"set_sound", app_s(a, "set_sound"), ICON_SOUND, WG_SECONDARY, false, 0},
        {"set_speech", app_s(a, "set_speech"), ICON_SOUND, WG_SECONDARY, false, 0},
    };
    const struct screen *to[5] = {&scr_setting_text, &scr_setting_theme, &scr_setting_lang,
                                  &scr_setting_sound, &scr_setting_speech};
    /* 声 (reading aloud) on the home tablet, where the screens are read aloud */
    int n = a->cfg.profile == APP_PROFILE_HOME ? 5 : 4;
    /* two columns; three when the rows of two do not fit (large text, a notice above) */
    int cols = 2, bw = 0, rh[3] = {0, 0, 0};
    for (;; cols++) {
        int total = 0;
        bw = (c.w - (cols - 1) * gap) / cols;
        memset(rh, 0, sizeof rh);
        for (int i = 0; i < n; i++) {
            int h = wg_button_height(ui, &b[i], bw);
            rh[i / cols] = h > rh[i / cols] ? h : rh[i / cols];
        }
        for (int r = 0; r * cols < n; r++)
            total += rh[r] + gap;
        if (total - gap <= c.h || cols == 3)
            break;
    }
    for (int i = 0; i < n; i++) {
        int y = c.y;
        for (int r = 0; r < i / cols; r++)
            y += rh[r] + gap;
        struct ui_rect r = {c.x + (i % cols) * (bw + gap), y, bw, rh[i / cols]};
        if (wg_button(ui, &b[i], r)) {
            a->notice[0] = '\0';
            app_nav_push(a, to[i]);
        }
    }
}

const struct screen scr_settings = {
    .name = "settings", .title_key = "title_settings", .frame = frame};
