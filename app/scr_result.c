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
    int gap = app_gap(a);
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
    /* the words, then the button at the bottom where the thumb is; when both do not fit
     * above each other (large text with a notice band above), the button goes to the
     * right of the words, at the bottom, and the words take the rest of the width */
    int bw = c.w * 2 / 3, bh = btn.id ? wg_button_height(ui, &btn, bw) : 0, tw = c.w;
    int words = wg_text_height(ui, UI_FONT_BOLD, WG_TITLE_MM, head, tw) + gap +
                wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, body, tw) + gap;
    if (btn.id && words + bh > c.h) {
        /* a third of the width, without the icon: the words say it, and the label
         * breaks between its phrases rather than inside one */
        btn.icon = ICON_NONE;
        bw = c.w / 3;
        bh = wg_button_height(ui, &btn, bw);
        tw = c.w - bw - gap;
    }
    int y = c.y +
            wg_paragraph(ui, (struct ui_rect){c.x, c.y, tw, 0}, UI_FONT_BOLD, WG_TITLE_MM,
                         head_color, t->bg, head, WG_LEFT) +
            gap;
    wg_paragraph(ui, (struct ui_rect){c.x, y, tw, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text, t->bg,
                 body, WG_LEFT);
    if (btn.id) {
        int bx = tw < c.w ? c.x + c.w - bw : c.x + (c.w - bw) / 2;
        int by = c.y + c.h - bh;
        if (wg_button(ui, &btn, (struct ui_rect){bx, by, bw, bh})) {
            if (a->ci.state == SEND_FAILED || a->ci.state == SEND_KEPT)
                app_send_checkin(a, a->ci.answer, true);
            else
                app_nav_home(a);
        }
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

const struct screen scr_result = {
    .name = "result",
    .title_key = "title_result",
    .frame = frame,
    .sample = sample,
};
