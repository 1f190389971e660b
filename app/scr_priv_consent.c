/*
 * scr_priv_consent: 同意の設定. Per recipient and kind of data, in words ("長女 花子さんに
 * 安否の記録を 見せる"), with はい / いいえ; a change is asked once more in a dialog before it
 * is sent (POST /v1/session/consents with the card session), and the result screen says in
 * words what changed. Two rows a page, so a page never offers more than six choices.
 */
#include <stdlib.h>
#include <string.h>

#include "appstate.h"
#include "pageflow.h"

#define ROWS_PER_PAGE 2

static void question(struct app *a, const struct priv_row *w, char *buf, size_t size)
{
    char who[160];
    if (strcmp(w->recipient_kind, "source") == 0) {
        /* a source does not "see": its checkups are linked to the resident's */
        i18n_format(buf, size, app_s(a, "priv_consent_q_src"), w->recipient_name, NULL, NULL, NULL);
        return;
    }
    priv_recipient_words(a, w->recipient_kind, w->recipient_name, w->relation, who, sizeof who);
    i18n_format(buf, size, app_s(a, "priv_consent_q"), who, priv_data_words(a, w->data_kind), NULL,
                NULL);
    /* a revoked consent stays on the list, said as such, and can be granted again */
    if (w->revoked && !w->on) {
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, " %s", app_s(a, "priv_consent_revoked"));
    }
}

/* A change asked once more before it is sent. */
static void ask(struct app *a)
{
    struct priv_state *p = &a->pv;
    char q[PRIV_SENTENCE];
    if (p->ask_row > 0 && p->ask_row <= p->rows_n) {
        char who[160];
        const struct priv_row *w = &p->rows[p->ask_row - 1];
        priv_recipient_words(a, w->recipient_kind, w->recipient_name, w->relation, who, sizeof who);
        bool src = strcmp(w->recipient_kind, "source") == 0;
        i18n_format(q, sizeof q,
                    app_s(a, src ? (p->ask_on ? "priv_confirm_on_src" : "priv_confirm_off_src")
                                 : (p->ask_on ? "priv_confirm_on" : "priv_confirm_off")),
                    src ? w->recipient_name : who, priv_data_words(a, w->data_kind), NULL, NULL);
        int r = wg_confirm(a->ui, q, app_s(a, "priv_confirm_yes"), app_s(a, "priv_confirm_no"),
                           WG_PRIMARY);
        if (r == 1) {
            int row = p->ask_row - 1;
            p->ask_row = 0;
            priv_set_consent(a, row, p->ask_on);
            app_nav_push(a, &scr_priv_consent_done);
        } else if (r == 0) {
            p->ask_row = 0;
            app_mark_dirty(a);
        }
    }
}

/* A consent's answers, はい / いいえ side by side in cells of width w from (x, y), the
 * current one marked by colour and a check (as wg_toggle); 1 / 0 when one was tapped. */
static int answers(struct app *a, int i, int x, int y, int w, int h)
{
    char idy[UI_ID_MAX], idn[UI_ID_MAX];
    bool on = a->pv.rows[i].on;
    snprintf(idy, sizeof idy, "consent_%d_yes", i);
    snprintf(idn, sizeof idn, "consent_%d_no", i);
    struct wg_button b[2] = {{idy, app_s(a, "priv_yes"), on ? ICON_CHECK : ICON_NONE,
                              on ? WG_SELECTED : WG_SECONDARY, false, 0},
                             {idn, app_s(a, "priv_no"), on ? ICON_NONE : ICON_CHECK,
                              on ? WG_SECONDARY : WG_SELECTED, false, 0}};
    int out = -1;
    for (int k = 0; k < 2; k++)
        if (wg_button(a->ui, &b[k], (struct ui_rect){x + k * (w + app_gap(a)), y, w, h}))
            out = 1 - k;
    return out;
}

static int answers_height(struct app *a, int w)
{
    struct wg_button y = {"y", app_s(a, "priv_yes"), ICON_CHECK, WG_SECONDARY, false, 0};
    struct wg_button n = {"n", app_s(a, "priv_no"), ICON_CHECK, WG_SECONDARY, false, 0};
    int hy = wg_button_height(a->ui, &y, w), hn = wg_button_height(a->ui, &n, w);
    return hy > hn ? hy : hn;
}

#define COMPACT_BLOCKS (1 + 2 * PRIV_ROWS_MAX)
#define COMPACT_PAGES  (COMPACT_BLOCKS * 4)

/* Does every question with its answers below it fit a page of height room at width w? */
static bool questions_fit(struct app *a, int w, int room, int ah)
{
    char q[PRIV_SENTENCE];
    int gap = app_gap(a);
    for (int i = 0; i < a->pv.rows_n; i++) {
        question(a, &a->pv.rows[i], q, sizeof q);
        if (wg_text_height(a->ui, UI_FONT_REGULAR, WG_BODY_MM, q, w) + gap + ah > room)
            return false;
    }
    return true;
}

/* When not even one question with はい / いいえ fits above the pager (large text under a
 * notice band), the screen is made of pages by the room (pageflow): the note first, then
 * each question with its answers below it (はい / いいえ, halves), at most two a page, so six
 * choices with ◀ ▶; a long question continues on the next page and ends on its answers'
 * page. ◀ 前へ | 次へ ▶ go below, in halves, where every question with its answers fits
 * above them; else into a column at the right, ◀ at its top and ▶ at its foot, as narrow as
 * keeps their words beside the arrows, the page beside it taking the whole height and the
 * page's number between them where it fits. */
static void compact(struct app *a, struct ui_rect c)
{
    static struct pageflow_block m[COMPACT_BLOCKS]; /* UI thread only */
    static struct pageflow_cut starts[COMPACT_PAGES];
    struct priv_state *p = &a->pv;
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    char q[PRIV_SENTENCE];
    int gap = app_gap(a);
    const char *prev = app_s(a, "shop_page_prev"), *next = app_s(a, "shop_page_next");
    struct wg_button pb = {"page_prev", prev, ICON_PREV, WG_SECONDARY, false, 0};
    struct wg_button nb = {"page_next", next, ICON_NEXT, WG_SECONDARY, false, 0};
    /* below: the pager in halves under pages of the whole width */
    int ph = app_pager_words_height(a, c.w, prev, next), w = c.w, room = c.h - ph - gap;
    int half = (w - gap) / 2, ah = answers_height(a, half), cw = 0, bh = 0;
    bool column = !questions_fit(a, w, room, ah);
    if (column) {
        cw = wg_button_narrowest(ui, &pb, c.w / 2);
        int ncw = wg_button_narrowest(ui, &nb, c.w / 2);
        cw = (ncw > cw ? ncw : cw) + gap; /* (a gap more: the words do not touch the edges) */
        bh = wg_button_height(ui, &pb, cw);
        int nbh = wg_button_height(ui, &nb, cw);
        bh = nbh > bh ? nbh : bh;
        w = c.w - cw - gap;
        room = c.h;
        half = (w - gap) / 2;
        ah = answers_height(a, half);
    }
    int lh = ui_line_height(ui, UI_FONT_REGULAR, ui_text_px(ui, WG_BODY_MM));
    const char *note = app_s(a, "priv_consent_body");
    int lines = wg_text_lines(ui, UI_FONT_REGULAR, WG_BODY_MM, note, w), n = 0;
    m[n++] = (struct pageflow_block){
        .h = lines * lh + gap, .lines = lines, .line_h = lh, .gap = gap, .flow = true};
    for (int i = 0; i < p->rows_n && n + 2 <= COMPACT_BLOCKS; i++) {
        question(a, &p->rows[i], q, sizeof q);
        lines = wg_text_lines(ui, UI_FONT_REGULAR, WG_BODY_MM, q, w);
        m[n++] = (struct pageflow_block){
            .h = lines * lh + gap, .lines = lines, .line_h = lh, .gap = gap, .with_next = true};
        m[n++] = (struct pageflow_block){.h = ah + gap, .targets = 2, .gap = gap};
    }
    int np = pageflow_plan(m, n, room, room, 2 * ROWS_PER_PAGE, starts, COMPACT_PAGES);
    struct pageflow_page pg = pageflow_page(starts, np, n, p->rows_page);
    struct pageflow_part part;
    p->rows_page = pg.page;
    int y = c.y;
    while (pageflow_page_next(m, n, &pg, &part)) {
        int k = part.block, i = (k - 1) / 2;
        if (k > 0 && (k - 1) % 2 == 1) {
            int v = answers(a, i, c.x, y, half, ah);
            if (v >= 0 && (v == 1) != p->rows[i].on && !p->set_ld.loading) {
                p->ask_row = i + 1;
                p->ask_on = v == 1;
                app_mark_dirty(a);
            }
            y += ah + gap;
            continue;
        }
        if (k > 0)
            question(a, &p->rows[i], q, sizeof q);
        y += wg_paragraph_part(ui, (struct ui_rect){c.x, y, w, 0}, UI_FONT_REGULAR, WG_BODY_MM,
                               t->text, t->bg, k > 0 ? q : note, part.first_line, part.lines) +
             gap;
    }
    int d = 0;
    if (!column) {
        if (np > 1)
            d = app_pager_words(a, (struct ui_rect){c.x, c.y + c.h - ph, c.w, ph}, pg.page, np,
                                prev, next);
    } else {
        int x = c.x + c.w - cw;
        if (pg.page > 0 && wg_button(ui, &pb, (struct ui_rect){x, c.y, cw, bh}))
            d = -1;
        if (pg.page + 1 < np && wg_button(ui, &nb, (struct ui_rect){x, c.y + c.h - bh, cw, bh}))
            d = 1;
        char text[64], p1[16], p2[16];
        snprintf(p1, sizeof p1, "%d", pg.page + 1);
        snprintf(p2, sizeof p2, "%d", np);
        i18n_format(text, sizeof text, app_s(a, "page_of"), p1, p2, NULL, NULL);
        int th = wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, text, cw);
        if (np > 1 && 2 * (bh + gap) + th <= c.h)
            wg_paragraph(ui, (struct ui_rect){x, c.y + (c.h - th) / 2, cw, 0}, UI_FONT_BOLD,
                         WG_BODY_MM, t->text, t->bg, text, WG_CENTER);
    }
    if (d) {
        p->rows_page = pg.page + d;
        app_mark_dirty(a);
    }
}

static void frame(struct app *a, struct ui_rect c)
{
    struct priv_state *p = &a->pv;
    struct ui *ui = a->ui;
    char msg[PRIV_SENTENCE], q[PRIV_SENTENCE];
    int gap = app_gap(a);
    int y = c.y;
    const char *m = priv_load_words(a, &p->cons_ld, msg, sizeof msg);
    if (m && p->rows_n == 0) {
        priv_para(a, c, y, true, m);
        return;
    }
    if (p->rows_n == 0) {
        priv_para(a, c, y, false, app_s(a, "priv_consent_empty"));
        return;
    }
    int ph = priv_pager_seq_height(a, c.w);
    int heights[PRIV_ROWS_MAX], starts[PRIV_ROWS_MAX];
    for (int i = 0; i < p->rows_n; i++) {
        question(a, &p->rows[i], q, sizeof q);
        heights[i] = wg_toggle_height(ui, c.w, q, app_s(a, "priv_yes"), app_s(a, "priv_no")) + gap;
    }
    /* the note goes first when one row still fits beside it (large text: it does not) */
    int note_h =
        wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, app_s(a, "priv_consent_body"), c.w) + gap;
    int max_row = 0;
    for (int i = 0; i < p->rows_n; i++)
        max_row = heights[i] > max_row ? heights[i] : max_row;
    if (max_row > c.h - ph - gap || note_h - gap > c.h - ph - gap) {
        compact(a, c);
        ask(a);
        return;
    }
    bool note = note_h + max_row <= c.h - ph - gap;
    int pages = priv_paginate_max(heights, p->rows_n, c.h - ph - gap - (note ? note_h : 0),
                                  ROWS_PER_PAGE, starts, PRIV_ROWS_MAX);
    /* the note is never dropped: when no row fits beside it (large text) it has the first
     * page to itself */
    int first = note ? 0 : 1;
    if (p->rows_page >= pages + first)
        p->rows_page = pages + first - 1;
    int page = p->rows_page - first;
    if (note || page < 0)
        y += priv_para(a, c, y, false, app_s(a, "priv_consent_body"));
    int end = page < 0 ? 0 : page + 1 < pages ? starts[page + 1] : p->rows_n;
    for (int i = page < 0 ? 0 : starts[page]; i < end; i++) {
        char id[32];
        snprintf(id, sizeof id, "consent_%d", i);
        question(a, &p->rows[i], q, sizeof q);
        int h = heights[i] - gap;
        int v = wg_toggle(ui, id, (struct ui_rect){c.x, y, c.w, h}, q, p->rows[i].on,
                          app_s(a, "priv_yes"), app_s(a, "priv_no"));
        if (v >= 0 && (v == 1) != p->rows[i].on && !p->set_ld.loading) {
            p->ask_row = i + 1;
            p->ask_on = v == 1;
            app_mark_dirty(a);
        }
        y += h + gap;
    }
    if (pages + first > 1) {
        int d = priv_pager_seq(a, (struct ui_rect){c.x, c.y + c.h - ph, c.w, ph}, p->rows_page,
                               pages + first);
        if (d) {
            p->rows_page += d;
            app_mark_dirty(a);
        }
    }
    ask(a);
}

static void enter(struct app *a)
{
    a->pv.ask_row = 0;
    priv_load_consents(a);
}

void priv_sample_consents(struct app *a)
{
    struct priv_answer *x = calloc(1, sizeof *x);
    if (!x)
        return;
    x->what = PRIV_REQ_CONSENTS;
    x->u.consents.nr = 2;
    struct priv_recipient *r = x->u.consents.r;
    snprintf(r[0].kind, sizeof r[0].kind, "family");
    r[0].id = 1;
    snprintf(r[0].name, sizeof r[0].name, "%s", app_s(a, "sample_family"));
    snprintf(r[0].relation, sizeof r[0].relation, "%s", app_s(a, "sample_relation"));
    snprintf(r[1].kind, sizeof r[1].kind, "family");
    r[1].id = 2;
    snprintf(r[1].name, sizeof r[1].name, "%s", app_s(a, "sample_family2"));
    x->n = 2;
    struct priv_consent *c = x->u.consents.c;
    snprintf(c[0].recipient_kind, sizeof c[0].recipient_kind, "family");
    c[0].recipient_id = 1;
    snprintf(c[0].data_kind, sizeof c[0].data_kind, "safety");
    snprintf(c[0].purpose, sizeof c[0].purpose, "watch_over");
    snprintf(c[1].recipient_kind, sizeof c[1].recipient_kind, "source");
    c[1].recipient_id = 1;
    snprintf(c[1].recipient_name, sizeof c[1].recipient_name, "%s", app_s(a, "sample_source"));
    snprintf(c[1].data_kind, sizeof c[1].data_kind, "checkups:1");
    snprintf(c[1].purpose, sizeof c[1].purpose, "linkage");
    a->pv.rows_n = priv_rows_from(x, a->pv.rows, PRIV_ROWS_MAX);
    a->pv.cons_ld.loaded = true;
    free(x);
}

static void sample(struct app *a, int variant)
{
    a->card.present = true;
    a->card.in_session = true;
    priv_sample_consents(a);
    if (variant == 1) {
        a->pv.ask_row = 1;
        a->pv.ask_on = false;
    }
}

const struct screen scr_priv_consent = {.name = "priv_consent",
                                        .title_key = "title_priv_consent",
                                        .enter = enter,
                                        .frame = frame,
                                        .sample = sample};

/* --- the result of a change --- */

static void done_frame(struct app *a, struct ui_rect c)
{
    if (priv_result_frame(a, c, &a->pv.set_ld, a->pv.set_words)) {
        app_nav_back(a);
        priv_load_consents(a); /* the list as the hub now has it */
    }
}

static void done_sample(struct app *a, int variant)
{
    a->card.present = true;
    a->card.in_session = true;
    priv_sample_consents(a);
    if (variant == 1) {
        a->pv.set_ld.failed = true;
        a->pv.set_ld.status = 0;
        a->net = NET_DOWN;
        return;
    }
    a->pv.set_ld.loaded = true;
    char who[160];
    priv_recipient_words(a, "family", a->pv.rows[0].recipient_name, a->pv.rows[0].relation, who,
                         sizeof who);
    i18n_format(a->pv.set_words, sizeof a->pv.set_words, app_s(a, "priv_set_off"), who,
                priv_data_words(a, "safety"), NULL, NULL);
}

const struct screen scr_priv_consent_done = {.name = "priv_consent_done",
                                             .title_key = "title_priv_consent",
                                             .frame = done_frame,
                                             .sample = done_sample};
