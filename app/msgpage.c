/*
 * msgpage: see msgpage.h. The three layouts are tried in order; the first that fits is
 * drawn, so a screen without a band at ordinary text sizes looks as it always did.
 */
#include "msgpage.h"

#include "appstate.h"
#include "pageflow.h"

#define PAGES_MAX 32

void msgpage_para(struct msgpage *m, const char *text, enum ui_font font, double mm,
                  struct ui_color fg)
{
    if (text && text[0] && m->npara < MSGPAGE_PARAS)
        m->para[m->npara++] = (struct msgpage_para){text, font, mm, fg, false, false};
}

void msgpage_button(struct msgpage *m, struct wg_button b)
{
    if (m->nbtn < MSGPAGE_BUTTONS)
        m->btn[m->nbtn++] = b;
}

static int indent(struct app *a, const struct msgpage_para *p)
{
    return p->indent ? ui_mm(a->ui, 6) : 0;
}

/* The space after a paragraph: none after a label, which sits right above its words. */
static int after(struct app *a, const struct msgpage_para *p)
{
    return p->keep ? 0 : app_gap(a);
}

int msgpage_words_height(struct app *a, const struct msgpage *m, int w)
{
    int h = 0;
    for (int i = 0; i < m->npara; i++) {
        const struct msgpage_para *p = &m->para[i];
        h += wg_text_height(a->ui, p->font, p->mm, p->text, w - indent(a, p)) + after(a, p);
    }
    return h;
}

/* The buttons side by side in cells of width w from x (the tallest sets the row). */
static int row_height(struct app *a, const struct wg_button *b, int n, int w)
{
    int h = 0;
    for (int i = 0; i < n; i++) {
        int bh = wg_button_height(a->ui, &b[i], w);
        h = bh > h ? bh : h;
    }
    return h;
}

static int row(struct app *a, const struct wg_button *b, int n, int x, int y, int w, int h)
{
    int tapped = -1;
    for (int i = 0; i < n; i++)
        if (wg_button(a->ui, &b[i], (struct ui_rect){x + i * (w + app_gap(a)), y, w, h}))
            tapped = i;
    return tapped;
}

static void words(struct app *a, struct ui_rect c, const struct msgpage *m)
{
    const struct theme *t = ui_theme(a->ui);
    int y = c.y;
    for (int i = 0; i < m->npara; i++) {
        const struct msgpage_para *p = &m->para[i];
        int in = indent(a, p);
        y += wg_paragraph(a->ui, (struct ui_rect){c.x + in, y, c.w - in, 0}, p->font, p->mm, p->fg,
                          t->bg, p->text, WG_LEFT) +
             after(a, p);
    }
}

/* The last page's row: ◀ 前へ in a cell of width pw, then the buttons in cells of bw. */
struct last_row {
    int pw, bw, h;
};

/* The cells that make the row lowest: equal cells (halves for one button), or ◀ 前へ only
 * as wide as keeps it at its lowest and the buttons the rest: a long label (統計に 入らない
 * in English at 150 %) then stays on one line, where two lines made the row taller than the
 * room under a band. */
static struct last_row last_row(struct app *a, int w, const struct wg_button *btn, int n)
{
    int gap = app_gap(a), eq = (w - n * gap) / (n + 1);
    /* the narrowest ◀ 前へ as low as in its equal cell */
    struct wg_button pb = {
        "page_prev", app_s(a, "shop_page_prev"), ICON_PREV, WG_SECONDARY, false, 0};
    int hi = wg_button_narrowest(a->ui, &pb, eq);
    /* (a gap's width more than the narrowest, so its words do not touch its edges) */
    int tries[2] = {eq, hi + gap < eq ? hi + gap : eq};
    struct last_row best = {0, 0, 0};
    for (int k = 0; k < 2; k++) {
        int pw = tries[k], bw = (w - pw - n * gap) / n;
        int prev = app_pager_height(a, 2 * pw + gap), bh = row_height(a, btn, n, bw);
        int h = prev > bh ? prev : bh;
        if (k == 0 || h < best.h)
            best = (struct last_row){pw, bw, h};
    }
    return best;
}

/* 3: the words paged, the buttons on the last page in 次へ's place. */
static int paged(struct app *a, struct ui_rect c, const struct msgpage *m)
{
    struct pageflow_block b[MSGPAGE_PARAS + 1];
    struct pageflow_cut starts[PAGES_MAX];
    struct wg_button btn[MSGPAGE_BUTTONS];
    const struct theme *t = ui_theme(a->ui);
    int gap = app_gap(a), tapped = -1, n = m->npara;
    for (int i = 0; i < m->nbtn; i++) {
        btn[i] = m->btn[i];
        btn[i].icon = ICON_NONE; /* beside ◀ 前へ: its words on one line where they can */
    }
    int ph = app_pager_height(a, c.w);
    struct last_row lr = {c.w, 0, ph};
    if (m->nbtn > 0)
        lr = last_row(a, c.w, btn, m->nbtn);
    int last_h = lr.h;
    for (int i = 0; i < n; i++) {
        const struct msgpage_para *p = &m->para[i];
        int line = ui_line_height(a->ui, p->font, ui_text_px(a->ui, p->mm));
        int lines = wg_text_lines(a->ui, p->font, p->mm, p->text, c.w - indent(a, p));
        b[i] = (struct pageflow_block){.h = lines * line + after(a, p),
                                       .lines = lines,
                                       .line_h = line,
                                       .gap = after(a, p),
                                       .keep = p->keep,
                                       .split = true};
    }
    /* the last page's row may be taller than the pager (a primary button): what it takes
     * beyond the pager is a block of its own after the words, so the last page holds less
     * (or only the buttons) */
    int nb = n;
    if (last_h > ph)
        b[nb++] = (struct pageflow_block){.h = last_h - ph};
    int room = c.h - ph - gap;
    int np = pageflow_plan(b, nb, room, room, 0, starts, PAGES_MAX);
    /* past the end shows the last page; the page asked for is kept, because the frame may
     * be laid out again at once with other room (the title grew a line) */
    struct pageflow_page pg = pageflow_page(starts, np, nb, a->msg_page);
    struct pageflow_part part;
    int cur = pg.page;
    a->msg_pages = np;
    int y = c.y;
    while (pageflow_page_next(b, n, &pg, &part)) {
        const struct msgpage_para *p = &m->para[part.block];
        int in = indent(a, p);
        y += wg_paragraph_part(a->ui, (struct ui_rect){c.x + in, y, c.w - in, 0}, p->font, p->mm,
                               p->fg, t->bg, p->text, part.first_line, part.lines) +
             after(a, p);
    }
    bool last = cur + 1 >= np;
    int rh = last ? last_h : ph, py = c.y + c.h - rh;
    /* on the last page ◀ 前へ and the buttons: what the words were leading to */
    int d = app_pager(a, (struct ui_rect){c.x, py, last && m->nbtn ? 2 * lr.pw + gap : c.w, rh},
                      cur, np);
    if (d)
        a->msg_page = cur + d;
    if (last)
        tapped = row(a, btn, m->nbtn, c.x + lr.pw + gap, py, lr.bw, rh);
    return tapped;
}

int msgpage_frame(struct app *a, struct ui_rect c, const struct msgpage *m)
{
    int gap = app_gap(a);
    a->msg_pages = 1;
    /* 1: the words above the buttons */
    int n = m->nbtn;
    int bw = n == 1 ? (m->narrow ? c.w * 2 / 3 : c.w) : n ? (c.w - (n - 1) * gap) / n : 0;
    int bh = row_height(a, m->btn, n, bw);
    int need = msgpage_words_height(a, m, c.w) + (n ? bh : -gap);
    if (need <= c.h) {
        words(a, c, m);
        return row(a, m->btn, n, c.x + (c.w - (n * bw + (n - 1) * gap)) / 2, c.y + c.h - bh, bw,
                   bh);
    }
    /* 2: the buttons to the right of the words, at the bottom */
    if (n > 0) {
        struct wg_button btn[MSGPAGE_BUTTONS];
        int cw = c.w / 3, col = -gap, tw = c.w - cw - gap;
        for (int i = 0; i < n; i++) {
            btn[i] = m->btn[i];
            btn[i].icon = ICON_NONE;
            col += wg_button_height(a->ui, &btn[i], cw) + gap;
        }
        if (msgpage_words_height(a, m, tw) - gap <= c.h && col <= c.h) {
            int tapped = -1, y = c.y + c.h - col;
            words(a, (struct ui_rect){c.x, c.y, tw, c.h}, m);
            for (int i = 0; i < n; i++) {
                int h = wg_button_height(a->ui, &btn[i], cw);
                if (wg_button(a->ui, &btn[i], (struct ui_rect){c.x + c.w - cw, y, cw, h}))
                    tapped = i;
                y += h + gap;
            }
            return tapped;
        }
    }
    return paged(a, c, m);
}

void msgpage_title(const struct app *a, const char *key, char *buf, size_t size)
{
    app_title_page(a, key, a->msg_page, a->msg_pages, buf, size);
}
