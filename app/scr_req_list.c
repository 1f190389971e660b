/*
 * scr_req_list / scr_req_inbox: family requests as lists, paged with ◀ ▶.
 *  - req_list (home tablet): what the resident asked whom, and the answer in words
 *    (「わかりました」と 返事が ありました 10:05 / まだ 返事は ありません);
 *  - req_inbox (family profile): the requests of the linked resident, prominent, the
 *    unanswered ones with one big わかりました button each. It opens by itself when a new
 *    request arrives.
 */
#include <string.h>

#include "appstate.h"
#include "pageflow.h"

static void req_row(const struct app *a, const struct shop_request *r, bool inbox, char *buf,
                    size_t size)
{
    char date[64], tm[16], ans[200], atm[16];
    app_fmt_date(a, r->at_unix, date, sizeof date);
    app_fmt_time(a, r->at_unix, tm, sizeof tm);
    if (r->answered) {
        app_fmt_time(a, r->answered_unix, atm, sizeof atm);
        i18n_format(ans, sizeof ans,
                    app_s(a, !inbox && r->answered_unix ? "req_answered_at" : "req_answered"), atm,
                    NULL, NULL, NULL);
    } else {
        i18n_format(ans, sizeof ans, app_s(a, inbox ? "req_inbox_open" : "req_not_answered"), NULL,
                    NULL, NULL, NULL);
    }
    i18n_format(buf, size, app_s(a, inbox ? "req_inbox_row" : "req_row"), date, tm,
                inbox ? a->name : r->family_name, shopapp_phrase(a, r->code));
    size_t len = strlen(buf);
    if (len + 1 < size)
        i18n_format(buf + len, size - len, " ・ {1}", ans, NULL, NULL, NULL);
}

/* The home tablet's list when not even one request fits above the pager and 更新する:
 * the requests' words flow over pages (pageflow: a request continues on the next page
 * between two of its lines), ◀ n/m ▶ below, and 更新する in the pager's left third on the
 * first page, where ◀ is absent (the newest requests are there). */
static void list_compact(struct app *a, struct ui_rect c, const struct wg_button *refresh)
{
    static struct pageflow_block m[SHOP_MAX_REQS];
    static struct pageflow_cut starts[SHOP_MAX_REQS * 8];
    struct app_shop *s = a->shop;
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a), n = s->reqs.n, bw = (c.w - 2 * gap) / 3;
    struct wg_button rb = *refresh;
    rb.icon = ICON_NONE; /* a third: its icon would go above the words and double its height */
    char text[600];
    int lh = ui_line_height(ui, UI_FONT_REGULAR, ui_text_px(ui, WG_BODY_MM));
    for (int i = 0; i < n; i++) {
        req_row(a, &s->reqs.r[i], false, text, sizeof text);
        int lines = wg_text_lines(ui, UI_FONT_REGULAR, WG_BODY_MM, text, c.w);
        m[i] = (struct pageflow_block){
            .h = lines * lh + gap, .lines = lines, .line_h = lh, .gap = gap};
    }
    int ph = shopapp_pager_height(a, c.w), bh = wg_button_height(ui, &rb, bw);
    int row = ph > bh ? ph : bh, room = c.h - row - gap;
    int np = pageflow_plan(m, n, room, room, 0, starts, SHOP_MAX_REQS * 8);
    struct pageflow_page pg = pageflow_page(starts, np, n, s->reqs_page);
    struct pageflow_part part;
    int cur = pg.page;
    int y = c.y;
    while (pageflow_page_next(m, n, &pg, &part)) {
        req_row(a, &s->reqs.r[part.block], false, text, sizeof text);
        y += wg_paragraph_part(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM,
                               t->text, t->bg, text, part.first_line, part.lines) +
             gap;
    }
    int by = c.y + c.h - row;
    if (np > 1) {
        s->reqs_page = cur;
        shopapp_pager(a, (struct ui_rect){c.x, by, c.w, row}, &s->reqs_page, np);
    }
    if (cur == 0 && wg_button(ui, &rb, (struct ui_rect){c.x, by, bw, row}))
        shopapp_load_requests(a);
}

static void list_frame(struct app *a, struct ui_rect c)
{
    struct app_shop *s = a->shop;
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a), used;
    char text[600];
    int y = c.y;
    if (shopapp_load_note(a, &s->reqs_load, c, &used))
        shopapp_load_requests(a);
    y += used;
    struct wg_button refresh = {
        "refresh", app_s(a, "family_refresh"), ICON_REFRESH, WG_SECONDARY, false, 0};
    int bh = wg_button_height(ui, &refresh, c.w / 2);
    int ph = shopapp_pager_height(a, c.w);
    int list_h = c.y + c.h - y - ph - bh - 2 * gap;
    if (s->reqs.n == 0 && s->reqs_load.loaded) {
        const char *none = app_s(a, "req_list_empty");
        if (wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, none, c.w) + gap + bh > c.y + c.h - y) {
            /* no room for the words above 更新する: beside it, or paged (msgpage.h) */
            struct msgpage m = {0};
            msgpage_para(&m, none, UI_FONT_REGULAR, WG_BODY_MM, t->text);
            msgpage_button(&m, refresh);
            if (msgpage_frame(a, (struct ui_rect){c.x, y, c.w, c.y + c.h - y}, &m) == 0)
                shopapp_load_requests(a);
            return;
        }
        wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text,
                     t->bg, none, WG_LEFT);
    }
    /* a request taller than the room above the pager and 更新する (large text under a notice
     * band): the requests' words are paged line by line, 更新する in the pager's row */
    int tallest = 0;
    for (int i = 0; i < s->reqs.n; i++) {
        req_row(a, &s->reqs.r[i], false, text, sizeof text);
        int rh = wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, text, c.w) + gap;
        tallest = rh > tallest ? rh : tallest;
    }
    if (tallest > list_h) {
        list_compact(a, (struct ui_rect){c.x, y, c.w, c.y + c.h - y}, &refresh);
        return;
    }
    int starts[SHOP_MAX_REQS + 1], pages = 0, h = 0;
    starts[0] = 0;
    for (int i = 0; i < s->reqs.n; i++) {
        req_row(a, &s->reqs.r[i], false, text, sizeof text);
        int rh = wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, text, c.w) + gap;
        if (i == starts[pages] || h + rh <= list_h) {
            h += rh;
            continue;
        }
        starts[++pages] = i;
        h = rh;
    }
    pages = s->reqs.n ? pages + 1 : 1;
    if (s->reqs_page >= pages)
        s->reqs_page = pages - 1;
    int end = s->reqs_page + 1 < pages ? starts[s->reqs_page + 1] : s->reqs.n;
    for (int i = s->reqs.n ? starts[s->reqs_page] : 0; i < end; i++) {
        req_row(a, &s->reqs.r[i], false, text, sizeof text);
        y += wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM,
                          t->text, t->bg, text, WG_LEFT) +
             gap;
    }
    if (pages > 1)
        shopapp_pager(a, (struct ui_rect){c.x, c.y + c.h - bh - gap - ph, c.w, ph}, &s->reqs_page,
                      pages);
    if (wg_button(ui, &refresh, (struct ui_rect){c.x, c.y + c.h - bh, c.w / 2, bh}))
        shopapp_load_requests(a);
}

static void list_enter(struct app *a)
{
    shopapp_load_requests(a);
}

static void list_sample(struct app *a, int variant)
{
    shopapp_sample(a);
    if (variant == 1)
        a->shop->reqs.n = 0;
}

/* --- the family member's inbox: each request with わかりました, at most two a page --- */

#define INBOX_PER_PAGE 2

/* わかりました below a request's words: half the width, the whole where its icon would go
 * above its words at half (English at 150 %) and double its height. */
static int below_w(struct app *a, int w)
{
    struct wg_button ok = {"o", app_s(a, "req_understood"), ICON_CHECK, WG_SECONDARY, false, 0};
    int half = (w - app_gap(a)) / 2;
    return wg_button_height(a->ui, &ok, half) > wg_button_height(a->ui, &ok, w) ? w : half;
}

/* The inbox's blocks as pageflow sees them: each request's words beside its わかりました (a
 * third of the width) where every request fits a page so and the button keeps its words
 * whole; else (large text: "Under/stood" broke at a third) the words across the width,
 * continuing on the next page between two of their lines, and わかりました below them at
 * half the width, on the page of the words' end. Returns the number of blocks. */
static int inbox_blocks(struct app *a, int w, int room, bool *beside, struct pageflow_block *m,
                        int *owner)
{
    struct app_shop *s = a->shop;
    struct ui *ui = a->ui;
    int gap = app_gap(a), bw = w / 3, tw = w - bw - gap, n = 0;
    struct wg_button ok = {"o", app_s(a, "req_understood"), ICON_CHECK, WG_SECONDARY, false, 0};
    int oh_third = wg_button_height(ui, &ok, bw),
        oh_below = wg_button_height(ui, &ok, below_w(a, w));
    int lh = ui_line_height(ui, UI_FONT_BOLD, ui_text_px(ui, WG_BODY_MM));
    char text[600];
    *beside = oh_third <= wg_button_height(ui, &ok, w);
    for (int i = 0; i < s->inbox.n && *beside; i++) {
        const struct shop_request *r = &s->inbox.r[i];
        req_row(a, r, true, text, sizeof text);
        int th = wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, text, r->answered ? w : tw);
        *beside = (th > oh_third || r->answered ? th : oh_third) <= room;
    }
    for (int i = 0; i < s->inbox.n; i++) {
        const struct shop_request *r = &s->inbox.r[i];
        req_row(a, r, true, text, sizeof text);
        owner[n] = i;
        if (*beside) {
            int th = wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, text, r->answered ? w : tw);
            int h = th > oh_third || r->answered ? th : oh_third;
            m[n++] = (struct pageflow_block){.h = h + gap, .targets = 1, .gap = gap};
            continue;
        }
        int lines = wg_text_lines(ui, UI_FONT_BOLD, WG_BODY_MM, text, w);
        m[n++] = (struct pageflow_block){.h = lines * lh + gap,
                                         .lines = lines,
                                         .line_h = lh,
                                         .gap = gap,
                                         .with_next = !r->answered};
        if (!r->answered) {
            owner[n] = i;
            m[n++] = (struct pageflow_block){.h = oh_below + gap, .targets = 1, .gap = gap};
        }
    }
    return n;
}

static void inbox_frame(struct app *a, struct ui_rect c)
{
    static struct pageflow_block m[2 * SHOP_MAX_REQS]; /* UI thread only */
    static int owner[2 * SHOP_MAX_REQS];
    static struct pageflow_cut starts[2 * SHOP_MAX_REQS * 8];
    struct app_shop *s = a->shop;
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a), used;
    char text[600], id[UI_ID_MAX];
    int y = c.y;
    if (shopapp_load_note(a, &s->inbox_load, c, &used))
        shopapp_load_inbox(a);
    y += used;
    if (s->answer.state == SHOP_SEND_FAILED) {
        char n[16], msg[320];
        snprintf(n, sizeof n, "%ld", s->answer.http_status);
        i18n_format(msg, sizeof msg,
                    s->answer.http_status ? app_s(a, "req_answer_refused")
                                          : app_s_fail(a, "req_answer_failed"),
                    n, NULL, NULL, NULL);
        y += wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_BOLD, WG_BODY_MM,
                          t->warn_text, t->bg, msg, WG_LEFT) +
             gap;
    }
    if (s->inbox.n == 0) {
        wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text,
                     t->bg, app_s(a, "req_inbox_empty"), WG_LEFT);
    }
    /* no 更新 button here: the inbox is asked every 30 s and whenever it opens */
    int ph = shopapp_pager_height(a, c.w);
    int room = c.y + c.h - y - ph - gap;
    bool beside;
    int n = inbox_blocks(a, c.w, room, &beside, m, owner);
    int pages = pageflow_plan(m, n, room, room, INBOX_PER_PAGE, starts, 2 * SHOP_MAX_REQS * 8);
    struct pageflow_page pg = pageflow_page(starts, pages, n, s->inbox_page);
    struct pageflow_part part;
    s->inbox_page = pg.page;
    int first = pg.from.block < n ? owner[pg.from.block] : 0;
    int bw = beside ? c.w / 3 : below_w(a, c.w);
    while (pageflow_page_next(m, n, &pg, &part)) {
        int k = part.block, h = m[k].h - gap;
        const struct shop_request *r = &s->inbox.r[owner[k]];
        struct wg_button ok = {id, app_s(a, "req_understood"), ICON_CHECK, WG_SECONDARY, false, 0};
        snprintf(id, sizeof id, "req_ok_%d", owner[k] - first);
        req_row(a, r, true, text, sizeof text);
        if (beside) {
            int tw = r->answered ? c.w : c.w - bw - gap;
            wg_paragraph(ui, (struct ui_rect){c.x, y, tw, 0}, UI_FONT_BOLD, WG_BODY_MM, t->text,
                         t->bg, text, WG_LEFT);
            struct ui_rect br = {c.x + c.w - bw, y, bw, wg_button_height(ui, &ok, bw)};
            if (!r->answered && wg_button(ui, &ok, br))
                shopapp_answer(a, r->id);
        } else if (m[k].targets == 0) {
            h = wg_paragraph_part(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_BOLD, WG_BODY_MM,
                                  t->text, t->bg, text, part.first_line, part.lines);
        } else if (wg_button(ui, &ok, (struct ui_rect){c.x, y, bw, h})) {
            shopapp_answer(a, r->id);
        }
        y += h + gap;
    }
    if (pages > 1)
        shopapp_pager(a, (struct ui_rect){c.x, c.y + c.h - ph, c.w, ph}, &s->inbox_page, pages);
}

static void inbox_title(const struct app *a, char *buf, size_t size)
{
    int open = 0;
    char n[16];
    for (int i = 0; i < a->shop->inbox.n; i++)
        open += !a->shop->inbox.r[i].answered;
    snprintf(n, sizeof n, "%d", open);
    i18n_format(buf, size, app_s(a, open ? "title_req_inbox_n" : "title_req_inbox"), n, NULL, NULL,
                NULL);
}

static void inbox_sample(struct app *a, int variant)
{
    shopapp_sample(a);
    snprintf(a->name, sizeof a->name, "%s", app_s(a, "sample_name"));
    if (variant == 1)
        a->shop->inbox.n = 0;
}

const struct screen scr_req_list = {.name = "req_list",
                                    .title_key = "title_req_list",
                                    .enter = list_enter,
                                    .frame = list_frame,
                                    .sample = list_sample};
static void inbox_enter(struct app *a)
{
    if (a->cfg.profile == APP_PROFILE_FAMILY)
        shopapp_load_inbox(a);
}

const struct screen scr_req_inbox = {.name = "req_inbox",
                                     .title_key = "title_req_inbox",
                                     .enter = inbox_enter,
                                     .frame = inbox_frame,
                                     .sample = inbox_sample,
                                     .title = inbox_title};
