/*
 * scr_req_send / scr_req_sent: the resident asks a family member for something with a
 * fixed phrase (電話してください / 来てください / 買い物を頼みたい). First the phrase, then —
 * only when more than one family member may receive requests — whom to ask; then the
 * result in words: 送りました only after the hub's 201, kept on the tablet (送信待ち) when
 * the network is down, or the refusal with what to do.
 */
#include "appstate.h"

static void send_to(struct app *a, int fi)
{
    shopapp_send_request(a, fi);
    app_nav_replace(a, &scr_req_sent);
}

/* The question, then one button a choice; when they do not fit (large text under a notice
 * band) they are paged with ◀ ▶ (priv_choices_paged: the question continues over pages,
 * whole buttons, at most four a page), the page in the title. Returns the choice tapped or
 * -1. */
static int choose(struct app *a, struct ui_rect c, const char *ask, const struct wg_button *b,
                  int n)
{
    return priv_choices_paged(a, c, ask, b, n, &a->msg_page, &a->msg_pages);
}

static void frame(struct app *a, struct ui_rect c)
{
    struct app_shop *s = a->shop;
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int used, y = c.y;
    if (shopapp_load_note(a, &s->reqs_load, c, &used))
        shopapp_load_requests(a);
    y += used;
    if (!s->reqs_load.loaded)
        return;
    if (s->nfamily == 0) {
        wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text,
                     t->bg, app_s(a, "req_no_family"), WG_LEFT);
        return;
    }
    c.h -= y - c.y;
    c.y = y;
    static char ids[SHOP_MAX_FAMILY][UI_ID_MAX]; /* UI thread only */
    struct wg_button b[SHOP_MAX_FAMILY];
    if (s->req_code < 0) {
        /* step 1: the phrase */
        for (int i = 0; i < SHOP_REQ_CODES; i++) {
            snprintf(ids[i], sizeof ids[i], "req_code_%d", i);
            b[i] =
                (struct wg_button){ids[i], shopapp_phrase(a, i), ICON_NEXT, WG_SECONDARY, false, 0};
        }
        int i = choose(a, c, app_s(a, "req_ask_phrase"), b, SHOP_REQ_CODES);
        if (i >= 0) {
            s->req_code = i;
            a->msg_page = 0; /* whom: from its first page */
            if (s->nfamily == 1)
                send_to(a, 0);
            app_mark_dirty(a);
        }
        return;
    }
    /* step 2: whom (more than one family member) */
    char ask[256];
    i18n_format(ask, sizeof ask, app_s(a, "req_ask_whom"), shopapp_phrase(a, s->req_code), NULL,
                NULL, NULL);
    int n = s->nfamily > 4 ? 4 : s->nfamily;
    for (int i = 0; i < n; i++) {
        snprintf(ids[i], sizeof ids[i], "req_to_%d", i);
        b[i] = (struct wg_button){ids[i], s->family[i].name, ICON_NEXT, WG_SECONDARY, false, 0};
    }
    int i = choose(a, c, ask, b, n);
    if (i >= 0)
        send_to(a, i);
}

static void title(const struct app *a, char *buf, size_t size)
{
    msgpage_title(a, "title_req_send", buf, size);
}

static void enter(struct app *a)
{
    a->shop->req_code = -1;
    shopapp_load_requests(a); /* also says who may receive requests */
}

static void sample(struct app *a, int variant)
{
    shopapp_sample(a);
    a->shop->req_code = variant == 1 ? 0 : -1;
    if (variant == 2)
        a->shop->nfamily = 0;
}

static void sent_frame(struct app *a, struct ui_rect c)
{
    struct app_shop *s = a->shop;
    const struct theme *t = ui_theme(a->ui);
    char head[256], body[512], n[16];
    bool bad = false;
    body[0] = '\0';
    switch (s->rsend.state) {
    case SHOP_SEND_NONE:
    case SHOP_SEND_SENDING:
        i18n_format(head, sizeof head, app_s(a, "shop_sending"), NULL, NULL, NULL, NULL);
        break;
    case SHOP_SEND_DONE:
        i18n_format(head, sizeof head, app_s(a, "req_sent"), s->rsend.family_name,
                    shopapp_phrase(a, s->rsend.code), NULL, NULL);
        i18n_format(body, sizeof body, app_s(a, "req_sent_body"), NULL, NULL, NULL, NULL);
        break;
    case SHOP_SEND_KEPT:
        bad = true;
        snprintf(n, sizeof n, "%d", a->waiting > 0 ? a->waiting : 1);
        i18n_format(head, sizeof head, app_s(a, "req_kept"), NULL, NULL, NULL, NULL);
        i18n_format(body, sizeof body, app_s_fail(a, "shop_kept_body"), n, NULL, NULL, NULL);
        break;
    case SHOP_SEND_FAILED:
        bad = true;
        i18n_format(head, sizeof head, app_s(a, "req_failed"), NULL, NULL, NULL, NULL);
        snprintf(n, sizeof n, "%ld", s->rsend.http_status);
        i18n_format(body, sizeof body,
                    s->rsend.fail != APP_NET_REFUSED
                        ? app_s_fail(a, "req_failed_body")
                        : app_s(a, s->rsend.http_status == 403 ? "req_refused_consent"
                                                               : "shop_refused_body"),
                    n, NULL, NULL, NULL);
        break;
    }
    /* the list at the bottom; with large text and a notice band it goes beside the words,
     * or the words are paged (msgpage.h) */
    struct msgpage m = {0};
    msgpage_para(&m, head, UI_FONT_BOLD, WG_TITLE_MM, bad ? t->warn_text : t->text);
    msgpage_para(&m, body, UI_FONT_REGULAR, WG_BODY_MM, t->text);
    if (s->rsend.state != SHOP_SEND_SENDING && s->rsend.state != SHOP_SEND_NONE)
        msgpage_button(&m, (struct wg_button){"req_list", app_s(a, "req_list"), ICON_CHECK,
                                              WG_PRIMARY, false, 0});
    if (msgpage_frame(a, c, &m) == 0) {
        s->reqs_page = 0;
        app_nav_replace(a, &scr_req_list);
    }
}

static void sent_sample(struct app *a, int variant)
{
    shopapp_sample(a);
    struct app_shop *s = a->shop;
    s->rsend.state = variant == 0   ? SHOP_SEND_DONE
                     : variant == 1 ? SHOP_SEND_KEPT
                                    : SHOP_SEND_FAILED;
    s->rsend.code = SHOP_REQ_CALL_ME;
    s->rsend.family_id = s->family[0].id;
    snprintf(s->rsend.family_name, sizeof s->rsend.family_name, "%s", s->family[0].name);
    s->rsend.fail = APP_NET_REFUSED;
    s->rsend.http_status = 403;
    if (variant == 1) {
        a->waiting = 1;
        a->net = NET_DOWN;
    }
}

const struct screen scr_req_send = {.name = "req_send",
                                    .title_key = "title_req_send",
                                    .enter = enter,
                                    .frame = frame,
                                    .sample = sample,
                                    .title = title};

static void sent_title(const struct app *a, char *buf, size_t size)
{
    msgpage_title(a, "title_req_sent", buf, size);
}

const struct screen scr_req_sent = {.name = "req_sent",
                                    .title_key = "title_req_sent",
                                    .frame = sent_frame,
                                    .sample = sent_sample,
                                    .title = sent_title};
