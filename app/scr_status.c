/*
 * scr_status: 安否 (safety status) in words: today's check-in, whether the family has seen
 * it, and open help requests. What the kiosk cannot know (the hub's v1 API does not tell
 * when the family read a check-in) is said as such, never guessed. With large text the
 * words are paged, never dropped.
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
    /* With large text the three may not fit: then they are paged (◀ ▶), who acknowledged
     * a help call before what the tablet cannot know, and nothing is left out. */
    const char *label[3] = {app_s(a, "status_today_label"), app_s(a, "status_family_label"),
                            app_s(a, "status_help_label")};
    const char *text[3] = {today, app_s(a, "status_family_unknown"), help};
    int h[3], need = 0;
    for (int i = 0; i < 3; i++)
        need += h[i] = item_height(a, c, label[i], text[i]);
    if (need <= c.h) {
        a->status_pages = 1;
        int yy = c.y;
        for (int i = 0; i < 3; i++)
            yy += item(a, c, yy, label[i], text[i]);
        return;
    }
    int ph = app_pager_height(a, c.w);
    int room = c.h - ph - app_gap(a);
    static const int order[3] = {0, 2, 1};
    int page_of[3], pages = 1, used = 0;
    for (int k = 0; k < 3; k++) {
        int i = order[k];
        if (used > 0 && used + h[i] > room) {
            pages++;
            used = 0;
        }
        used += h[i]; /* an item taller than the page is drawn whole on its own page */
        page_of[i] = pages - 1;
    }
    a->status_pages = pages;
    /* past the end shows the last page, the page asked for kept (see ckpage_frame) */
    int cur = a->status_page < pages ? a->status_page : pages - 1;
    int yy = c.y;
    for (int k = 0; k < 3; k++)
        if (page_of[order[k]] == cur)
            yy += item(a, c, yy, label[order[k]], text[order[k]]);
    int d = app_pager(a, (struct ui_rect){c.x, c.y + c.h - ph, c.w, ph}, cur, pages);
    if (d)
        a->status_page = cur + d;
}

static void title(const struct app *a, char *buf, size_t size)
{
    app_title_page(a, "title_status", a->status_page, a->status_pages, buf, size);
}

static void enter(struct app *a)
{
    a->status_page = 0;
    a->status_pages = 1;
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
    a->status_page = variant >= 3 ? variant - 2 : 0; /* its second, third page */
    if (variant >= 3)
        watch_sample_press(a, a->wall_s - 600);
}

const struct screen scr_status = {.name = "status",
                                  .title_key = "title_status",
                                  .enter = enter,
                                  .frame = frame,
                                  .sample = sample,
                                  .title = title};
