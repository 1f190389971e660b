/*
 * scr_result: what happened to the check-in, in words and time. "送りました" appears only
 * after the hub confirmed it (201); otherwise the screen says plainly that it was not sent
 * and offers もう一度送る, which re-sends with the same idempotency key. On a home tablet
 * with an outbox, an undelivered check-in is kept on the device (送信待ち) and delivered
 * automatically later; the screen says exactly that.
 */
#include "appstate.h"

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    char head[256], body[512], tm[16], date[64], code[16];
    struct ui_color head_color = t->text;
    struct wg_button btn = {NULL, NULL, ICON_NONE, WG_PRIMARY, false, 0};

    switch (a->ci.state) {
    case SEND_NONE:
    case SEND_SENDING:
        i18n_format(head, sizeof head, app_s(a, "result_sending"), NULL, NULL, NULL, NULL);
        i18n_format(body, sizeof body, app_s(a, "result_sending_body"),
                    app_answer_words(a, a->ci.answer), NULL, NULL, NULL);
        break;
    case SEND_DONE:
        app_fmt_time(a, a->ci.at, tm, sizeof tm);
        app_fmt_date(a, a->ci.at, date, sizeof date);
        i18n_format(head, sizeof head, app_s(a, "result_sent"), tm, NULL, NULL, NULL);
        i18n_format(body, sizeof body, app_s(a, "result_sent_body"),
                    app_answer_words(a, a->ci.answer), date, tm, NULL);
        head_color = t->ok_text;
        btn =
            (struct wg_button){"result_ok", app_s(a, "result_ok"), ICON_HOME, WG_PRIMARY, false, 0};
        break;
    case SEND_KEPT:
        snprintf(code, sizeof code, "%d", a->waiting);
        i18n_format(head, sizeof head, app_s(a, "result_kept"), NULL, NULL, NULL, NULL);
        i18n_format(body, sizeof body, app_s_fail(a, "result_kept_body"), code, NULL, NULL, NULL);
        head_color = t->warn_text;
        btn = (struct wg_button){"retry", app_s(a, "result_retry"), ICON_REFRESH, WG_PRIMARY, false,
                                 0};
        break;
    case SEND_FAILED:
        i18n_format(head, sizeof head, app_s(a, "result_failed"), NULL, NULL, NULL, NULL);
        if (a->ci.fail == APP_NET_UNREACHABLE) {
            /* no network: press again later; an unsafe connection: pressing again cannot
             * help, phone the city */
            i18n_format(body, sizeof body, app_s_fail(a, "result_failed_unreachable"), NULL, NULL,
                        NULL, NULL);
        } else {
            snprintf(code, sizeof code, "%ld", a->ci.status);
            i18n_format(body, sizeof body, app_s(a, "result_failed_refused"), code, NULL, NULL,
                        NULL);
        }
        head_color = t->warn_text;
        btn = (struct wg_button){"retry", app_s(a, "result_retry"), ICON_REFRESH, WG_PRIMARY, false,
                                 0};
        break;
    }
    /* the words, then the button at the bottom where the thumb is; with large text and a
     * notice band above the button goes beside the words, or the words are paged
     * (msgpage.h) */
    struct msgpage m = {.narrow = true};
    msgpage_para(&m, head, UI_FONT_BOLD, WG_TITLE_MM, head_color);
    msgpage_para(&m, body, UI_FONT_REGULAR, WG_BODY_MM, t->text);
    if (btn.id)
        msgpage_button(&m, btn);
    if (msgpage_frame(a, c, &m) == 0) {
        if (a->ci.state == SEND_FAILED || a->ci.state == SEND_KEPT)
            app_send_checkin(a, a->ci.answer, true);
        else
            app_nav_home(a);
    }
}

static void sample(struct app *a, int variant)
{
    a->ci.answer = APP_ANSWER_GENKI;
    static const enum send_state st[4] = {SEND_SENDING, SEND_DONE, SEND_FAILED, SEND_KEPT};
    a->ci.state = st[variant & 3];
    a->waiting = variant == 3 ? 1 : 0;
    a->net = variant >= 2 ? NET_DOWN : NET_OK;
    a->ci.at = a->wall_s;
    a->ci.fail = APP_NET_UNREACHABLE;
}

static void title(const struct app *a, char *buf, size_t size)
{
    msgpage_title(a, "title_result", buf, size);
}

const struct screen scr_result = {.name = "result",
                                  .title_key = "title_result",
                                  .frame = frame,
                                  .sample = sample,
                                  .title = title};
