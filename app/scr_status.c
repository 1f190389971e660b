/*
 * scr_status: 安否 (safety status) in words: today's check-in, whether the family has seen
 * it, and open help requests. What the kiosk cannot know (the hub's v1 API does not tell
 * when the family read a check-in) is said as such, never guessed.
 */
#include <string.h>

#include "appstate.h"
#include "wareki.h"

static int item(struct app *a, struct ui_rect c, int y, const char *label, const char *text)
{
    const struct theme *t = ui_theme(a->ui);
    int h = wg_paragraph(a->ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_BOLD, WG_BODY_MM, t->text,
                         t->bg, label, WG_LEFT);
    h += wg_paragraph(a->ui,
                      (struct ui_rect){c.x + ui_mm(a->ui, 6), y + h, c.w - ui_mm(a->ui, 6), 0},
                      UI_FONT_REGULAR, WG_BODY_MM, t->text, t->bg, text, WG_LEFT);
    return h + app_gap(a);
}

static int item_height(struct app *a, struct ui_rect c, const char *label, const char *text)
{
    return wg_text_height(a->ui, UI_FONT_BOLD, WG_BODY_MM, label, c.w) +
           wg_text_height(a->ui, UI_FONT_REGULAR, WG_BODY_MM, text, c.w - ui_mm(a->ui, 6)) +
           app_gap(a);
}

static void frame(struct app *a, struct ui_rect c)
{
    char today[256], help[768], tm[16];
    struct wareki_tm x, y;
    wareki_jst(a->last_at, &x);
    wareki_jst(a->wall_s, &y);
    if (a->have_last && x.year == y.year && x.month == y.month && x.day == y.day) {
        app_fmt_time(a, a->last_at, tm, sizeof tm);
        i18n_format(today, sizeof today, app_s(a, "status_today_sent"), tm,
                    app_answer_words(a, a->last_answer), NULL, NULL);
    } else {
        i18n_format(today, sizeof today, app_s(a, "status_today_none"), NULL, NULL, NULL, NULL);
    }
    /* today's newest press (also one made before a restart), each level's state */
    int64_t midnight = a->wall_s - ((a->wall_s + 9 * 3600) % 86400);
    const struct app_help_press *p = watch_press_since(a, midnight);
    if (a->help.state != SEND_SENDING && p) {
        char lines[512];
        app_fmt_time(a, p->at_unix, tm, sizeof tm);
        i18n_format(help, sizeof help, app_s(a, "status_help_called"), tm, NULL, NULL, NULL);
        watch_press_words(a, p, lines, sizeof lines);
        snprintf(help + strlen(help), sizeof help - strlen(help), "\n%s", lines);
    } else if (a->help.state == SEND_DONE) {
        app_fmt_time(a, a->help.at, tm, sizeof tm);
        i18n_format(help, sizeof help, app_s(a, "status_help_open"), tm, NULL, NULL, NULL);
    } else if (a->help.state == SEND_SENDING) {
        i18n_format(help, sizeof help, app_s(a, "status_help_sending"), NULL, NULL, NULL, NULL);
    } else {
        i18n_format(help, sizeof help, app_s(a, "status_help_none"), NULL, NULL, NULL, NULL);
    }
    /* who acknowledged a help call matters more than what the tablet cannot know: with
     * large text the "family saw it?" note gives way when all three do not fit */
    int need =
        item_height(a, c, app_s(a, "status_today_label"), today) +
        item_height(a, c, app_s(a, "status_family_label"), app_s(a, "status_family_unknown")) +
        item_height(a, c, app_s(a, "status_help_label"), help);
    int yy = c.y;
    yy += item(a, c, yy, app_s(a, "status_today_label"), today);
    if (need <= c.h || !p)
        yy += item(a, c, yy, app_s(a, "status_family_label"), app_s(a, "status_family_unknown"));
    item(a, c, yy, app_s(a, "status_help_label"), help);
}

static void sample(struct app *a, int variant)
{
    a->have_last = variant == 0;
    a->last_answer = APP_ANSWER_ITSUMO;
    a->last_at = a->wall_s - 3600;
    a->help.state = variant == 0 ? SEND_DONE : SEND_NONE;
    a->help.at = a->wall_s - 60;
    if (variant == 2) /* after a restart: the hub's press, acknowledged by the family */
        watch_sample_press(a, a->wall_s - 600);
}

const struct screen scr_status = {
    .name = "status", .title_key = "title_status", .frame = frame, .sample = sample};
