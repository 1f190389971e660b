/*
 * scr_help: the 助けて journey. help_confirm asks once (a confirm dialog, so a stray tap
 * on the home screen does not raise an alarm); help_sent says who is being alerted and
 * whether the hub took the request; when it did not, it says what to do instead.
 */
#include <string.h>

#include "appstate.h"

static void confirm_frame(struct app *a, struct ui_rect c)
{
    const struct theme *t = ui_theme(a->ui);
    wg_paragraph(a->ui, (struct ui_rect){c.x, c.y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text,
                 t->bg, app_s(a, "help_explain"), WG_LEFT);
    int r = wg_confirm(a->ui, app_s(a, "help_question"), app_s(a, "help_yes"), app_s(a, "help_no"),
                       WG_DANGER);
    if (r == 1) {
        app_send_help(a, false);
        app_nav_replace(a, &scr_help_sent);
    } else if (r == 0) {
        app_nav_back(a);
    }
}

const struct screen scr_help_confirm = {
    .name = "help_confirm", .title_key = "title_help", .frame = confirm_frame};

static void sent_frame(struct app *a, struct ui_rect c)
{
    const struct theme *t = ui_theme(a->ui);
    char head[256], body[512], tm[16];
    const char *who = a->help.who[0] ? a->help.who : app_s(a, "help_who_default");
    struct ui_color hc = t->text;
    bool retry = false;

    switch (a->help.state) {
    case SEND_NONE:
    case SEND_SENDING:
        i18n_format(head, sizeof head, app_s(a, "help_sending"), who, NULL, NULL, NULL);
        i18n_format(body, sizeof body, app_s(a, "help_sending_body"), NULL, NULL, NULL, NULL);
        break;
    case SEND_DONE: {
        app_fmt_time(a, a->help.at, tm, sizeof tm);
        i18n_format(head, sizeof head, app_s(a, "help_sent"), tm, who, NULL, NULL);
        i18n_format(body, sizeof body, app_s(a, "help_sent_body"), NULL, NULL, NULL, NULL);
        hc = t->ok_text;
        /* who has acknowledged this press, level by level, as the hub tells it */
        const struct app_help_press *p = watch_press_since(a, a->help.at - 120);
        if (p) {
            char lines[512];
            size_t n = watch_press_family_acked(p) ? 0 : strlen(body);
            watch_press_words(a, p, lines, sizeof lines);
            /* someone came: the waiting words give way to who it was */
            if (n + 1 < sizeof body)
                snprintf(body + n, sizeof body - n, "%s%.*s", n ? "\n" : "",
                         (int)(sizeof body - n - 2), lines);
        }
        break;
    }
    case SEND_FAILED:
    case SEND_KEPT: /* help is never kept: it is sent directly */
        i18n_format(head, sizeof head, app_s(a, "help_failed"), NULL, NULL, NULL, NULL);
        i18n_format(body, sizeof body, app_s_fail(a, "help_failed_body"), NULL, NULL, NULL, NULL);
        hc = t->warn_text;
        retry = true;
        break;
    }
    /* the retry at the bottom; with large text and a notice band it goes beside the words,
     * or the words are paged (msgpage.h) */
    struct msgpage m = {.narrow = true};
    msgpage_para(&m, head, UI_FONT_BOLD, WG_TITLE_MM, hc);
    msgpage_para(&m, body, UI_FONT_REGULAR, WG_BODY_MM, t->text);
    if (retry)
        msgpage_button(&m, (struct wg_button){"help_retry", app_s(a, "help_retry"), ICON_REFRESH,
                                              WG_DANGER, false, 0});
    if (msgpage_frame(a, c, &m) == 0)
        app_send_help(a, true);
}

static void sent_sample(struct app *a, int variant)
{
    a->help.state = variant == 0                   ? SEND_SENDING
                    : variant == 1 || variant == 3 ? SEND_DONE
                                                   : SEND_FAILED;
    a->help.at = a->wall_s - (variant == 3 ? 180 : 0);
    if (variant == 3)
        watch_sample_press(a, a->help.at);
    a->help.who[0] = '\0';
    a->help.fail = APP_NET_UNREACHABLE;
    a->net = variant == 2 ? NET_DOWN : NET_OK;
}

static void sent_title(const struct app *a, char *buf, size_t size)
{
    msgpage_title(a, "title_help", buf, size);
}

const struct screen scr_help_sent = {.name = "help_sent",
                                     .title_key = "title_help",
                                     .frame = sent_frame,
                                     .sample = sent_sample,
                                     .title = sent_title};
