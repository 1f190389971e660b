/*
 * scr_status: 安否 (safety status) in words: today's check-in, whether the family has seen
 * it, and open help requests. What the kiosk cannot know (the hub's v1 API does not tell
 * when the family read a check-in) is said as such, never guessed. With large text the
 * words are paged, never dropped.
 */
#include <string.h>

#include "appstate.h"
#include "wareki.h"

/* An item of 安否: its label (kept with the first line of its words), its words indented. */
static void item(struct msgpage *m, const struct theme *t, const char *label, const char *text)
{
    msgpage_para(m, label, UI_FONT_BOLD, WG_BODY_MM, t->text);
    m->para[m->npara - 1].keep = true;
    msgpage_para(m, text, UI_FONT_REGULAR, WG_BODY_MM, t->text);
    m->para[m->npara - 1].indent = true;
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
    /* With large text the three may not fit: then they are paged (◀ ▶; msgpage.h, a long
     * item continues on the next page), who acknowledged a help call before what the
     * tablet cannot know, and nothing is left out. */
    const struct theme *t = ui_theme(a->ui);
    const char *label[3] = {app_s(a, "status_today_label"), app_s(a, "status_family_label"),
                            app_s(a, "status_help_label")};
    const char *text[3] = {today, app_s(a, "status_family_unknown"), help};
    struct msgpage m = {0};
    for (int i = 0; i < 3; i++)
        item(&m, t, label[i], text[i]);
    if (msgpage_words_height(a, &m, c.w) - app_gap(a) > c.h) {
        static const int order[3] = {0, 2, 1};
        m.npara = 0;
        for (int k = 0; k < 3; k++)
            item(&m, t, label[order[k]], text[order[k]]);
    }
    msgpage_frame(a, c, &m);
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
    a->msg_page = variant >= 3 ? variant - 2 : 0; /* its second, third page */
    if (variant >= 3)
        watch_sample_press(a, a->wall_s - 600);
}

static void title(const struct app *a, char *buf, size_t size)
{
    msgpage_title(a, "title_status", buf, size);
}

const struct screen scr_status = {.name = "status",
                                  .title_key = "title_status",
                                  .frame = frame,
                                  .sample = sample,
                                  .title = title};
