/*
 * ckpage: see ckpage.h. Rows are at most four a page when the pager shows (its two
 * buttons make six choices), six when everything fits on one page.
 */
#include "ckpage.h"

#include <string.h>

#include "appstate.h"
#include "pageflow.h"

#define ROWS_WITH_PAGER 4
#define ROWS_ALONE      6
#define PAGES_MAX       CKPAGE_BLOCKS

static void add(struct ckpage *pg, struct ckpage_block b)
{
    if (pg->n < CKPAGE_BLOCKS)
        pg->b[pg->n++] = b;
}

void ckpage_begin(struct ckpage *pg)
{
    pg->n = 0;
    pg->store_len = 0;
    pg->more = false;
}

/* Where to end a piece of at most max bytes of s: after the last 。 or line break, else
 * after the last space, else before the last whole character. */
static size_t piece_len(const char *s, size_t max)
{
    size_t space = 0;
    for (size_t i = max; i > max / 2; i--) {
        if (i >= 3 && memcmp(s + i - 3, "。", 3) == 0)
            return i;
        if (s[i - 1] == '\n')
            return i;
        if (!space && s[i - 1] == ' ')
            space = i;
    }
    if (space)
        return space;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

void ckpage_para(struct ckpage *pg, const char *text, enum ui_font font, enum icon_id icon,
                 bool warn)
{
    if (!text || !text[0])
        return;
    size_t len = strlen(text);
    while (len > CKPAGE_PARA_BYTES && pg->store_len + CKPAGE_PARA_BYTES + 1 <= CKPAGE_STORE) {
        size_t n = piece_len(text, CKPAGE_PARA_BYTES);
        char *piece = pg->store + pg->store_len;
        memcpy(piece, text, n);
        piece[n] = '\0';
        pg->store_len += n + 1;
        add(pg, (struct ckpage_block){
                    .kind = CKP_PARA, .text = piece, .font = font, .icon = icon, .warn = warn});
        icon = ICON_NONE; /* beside the first piece only */
        text += n;
        len -= n;
    }
    add(pg, (struct ckpage_block){
                .kind = CKP_PARA, .text = text, .font = font, .icon = icon, .warn = warn});
}

void ckpage_keep(struct ckpage *pg)
{
    if (pg->n > 0)
        pg->b[pg->n - 1].keep = true;
}

void ckpage_indent(struct ckpage *pg)
{
    if (pg->n > 0)
        pg->b[pg->n - 1].indent = true;
}

void ckpage_flow(struct ckpage *pg)
{
    if (pg->n > 0)
        pg->b[pg->n - 1].flow = true;
}

void ckpage_row(struct ckpage *pg, const char *text, enum icon_id icon, int tag)
{
    add(pg, (struct ckpage_block){.kind = CKP_ROW, .text = text, .icon = icon, .tag = tag});
}

void ckpage_box(struct ckpage *pg, int h, int tag)
{
    add(pg, (struct ckpage_block){.kind = CKP_BOX, .h = h, .tag = tag});
}

void ckpage_box_side(struct ckpage *pg, int tag)
{
    add(pg, (struct ckpage_block){.kind = CKP_BOX, .side = true, .tag = tag});
}

/* The stacked pager's buttons: 前へ / 次へ (short words: the column is narrow). */
static struct wg_button side_button(struct app *a, bool next)
{
    struct wg_button b = {next ? "page_next" : "page_prev",
                          app_s(a, next ? "shop_page_next" : "shop_page_prev"),
                          next ? ICON_NEXT : ICON_PREV,
                          WG_SECONDARY,
                          false,
                          0};
    return b;
}

/* The stacked pager's width: the narrowest twentieth of the width from a fifth to a half that
 * keeps both words on one line beside their arrows; 0 when two do not fit above each other. */
static int side_width(struct app *a, struct ui_rect c)
{
    int gap = app_gap(a);
    for (int k = 4; k <= 10; k++) {
        int h = 0, one = 0, w = c.w * k / 20;
        for (int i = 0; i < 2; i++) {
            struct wg_button b = side_button(a, i == 1);
            int hk = wg_button_height(a->ui, &b, w), ok = wg_button_height(a->ui, &b, c.w);
            h = hk > h ? hk : h;
            one = ok > one ? ok : one;
        }
        if (h <= one && 2 * h + gap <= c.h)
            return w;
    }
    return 0;
}

struct ui_rect ckpage_side_rect(struct app *a, struct ui_rect c)
{
    int sw = side_width(a, c);
    return (struct ui_rect){c.x, c.y, sw ? c.w - sw - app_gap(a) : 0, c.h};
}

static int indent(struct app *a, const struct ckpage_block *b)
{
    return b->icon != ICON_NONE || b->indent ? ui_mm(a->ui, 9) : 0;
}

static struct wg_button row_button(const struct ckpage_block *b, const char *id)
{
    struct wg_button w = {id,           b->text, b->icon == ICON_NONE ? ICON_NEXT : b->icon,
                          WG_SECONDARY, false,   0};
    return w;
}

/* A row in words: the words as body text beside its icon, a short 見る button to their
 * right (when a row as a button is taller than what a page keeps above the pager). */
static struct wg_button view_button(struct app *a, const char *id)
{
    struct wg_button w = {id, app_s(a, "ck_row_view"), ICON_NEXT, WG_SECONDARY, false, 0};
    return w;
}

/* The width of the 見る button: the narrowest of a fifth, a quarter, a third of the width
 * that keeps its word on one line beside the arrow. */
static int view_width(struct app *a, int w)
{
    struct wg_button b = view_button(a, "view");
    int one = wg_button_height(a->ui, &b, w);
    for (int d = 5; d > 3; d--)
        if (wg_button_height(a->ui, &b, w / d) <= one)
            return w / d;
    return w / 3;
}

/* What a measured piece of the page is: a block, or part of a row in words (lines [first,
 * first + lines) of its words; `lead`: the lines before those beside its button, which
 * continue over pages like a paragraph). */
struct piece {
    int block, first, lines;
    bool words, lead;
};

#define PIECES (2 * CKPAGE_BLOCKS)

struct measured {
    int n;
    struct pageflow_block m[PIECES];
    struct piece p[PIECES];
    int view_w, text_w_less; /* the 見る button's width; what a row's words give up to it */
};

static void put(struct measured *ms, struct pageflow_block m, struct piece p)
{
    if (ms->n < PIECES) {
        ms->m[ms->n] = m;
        ms->p[ms->n++] = p;
    }
}

/* Measures the blocks at width w; rows as buttons, or (words) as words beside 見る, a row
 * taller than `room` flowing: its first lines as a paragraph, the last beside the button. */
static void measure(struct app *a, const struct ckpage *pg, int w, bool words, int room,
                    struct measured *ms)
{
    struct ui *ui = a->ui;
    int gap = app_gap(a);
    int lh = ui_line_height(ui, UI_FONT_REGULAR, ui_text_px(ui, WG_BODY_MM));
    ms->n = 0;
    ms->view_w = view_width(a, w);
    ms->text_w_less = ms->view_w + gap;
    struct wg_button vb = view_button(a, "view");
    int bh = wg_button_height(ui, &vb, ms->view_w);
    for (int i = 0; i < pg->n; i++) {
        const struct ckpage_block *b = &pg->b[i];
        struct pageflow_block m = {.gap = gap};
        struct piece p = {i, 0, 0, false, false};
        if (b->kind == CKP_PARA) {
            int plh = ui_line_height(ui, b->font, ui_text_px(ui, WG_BODY_MM));
            m.lines = wg_text_lines(ui, b->font, WG_BODY_MM, b->text, w - indent(a, b));
            m.line_h = plh;
            /* a heading sits right above what it heads (the first line kept with it) */
            m.gap = b->keep || b->tight ? 0 : gap;
            m.h = m.lines * plh + m.gap;
            m.keep = b->keep;
            m.flow = b->flow;
        } else if (b->kind == CKP_ROW && !words) {
            struct wg_button bt = row_button(b, "row");
            m.h = wg_button_height(ui, &bt, w) + gap;
            m.targets = 1;
        } else if (b->kind == CKP_ROW) {
            int tw = w - indent(a, b) - ms->text_w_less;
            int lines = wg_text_lines(ui, UI_FONT_REGULAR, WG_BODY_MM, b->text, tw);
            int tail = (bh + lh - 1) / lh; /* the lines beside the button */
            while (tail > 1 && tail * lh > room)
                tail--;
            if (lines * lh > room && lines > tail) {
                struct pageflow_block lead = {
                    .h = (lines - tail) * lh, .lines = lines - tail, .line_h = lh, .flow = true};
                put(ms, lead, (struct piece){i, 0, lines - tail, true, true});
                p.first = lines - tail;
                lines = tail;
            }
            p.lines = lines;
            p.words = true;
            m.h = (lines * lh > bh ? lines * lh : bh) + gap;
            m.targets = 1;
        } else {
            /* a side box fills a page of its own (the pager beside it, not below) */
            m.h = (b->side ? room : b->h) + gap;
        }
        put(ms, m, p);
    }
}

/* The pager: app_pager_words (two half-width buttons); where the resident is ("2 / 13") is
 * in the screen's title (ckpage_title). */
static int pager_height(struct app *a, int w, const char *prev, const char *next)
{
    return app_pager_words_height(a, w, prev, next);
}

/* The words of a pager button: what it pages to, or 前へ / 次へ when those words do not fit
 * one line beside the arrow at half the width (large text: the arrow would go above them
 * and the pager take twice the height, which a page below a notice band cannot spare). */
static const char *pager_word(struct app *a, int w, const char *words, bool next)
{
    const char *plain = app_s(a, next ? "shop_page_next" : "shop_page_prev");
    return pager_height(a, w, words, words) > pager_height(a, w, plain, plain) ? plain : words;
}

void ckpage_title(const struct app *a, const char *key, int page, int pages, char *buf, size_t size)
{
    app_title_page(a, key, page, pages, buf, size);
}

int ckpage_room(struct app *a, struct ui_rect c, const char *const *words, int n)
{
    int ph = 0;
    for (int i = 0; i < n; i++) {
        const char *w = pager_word(a, c.w, words[i], true);
        int h = pager_height(a, c.w, w, w);
        ph = h > ph ? h : ph;
    }
    return c.h - ph - app_gap(a);
}

/* The pager's height for the longest words any page may give its buttons. */
static int pager_for(struct app *a, int w, const struct ckpage *pg, const struct ckpage_ops *ops)
{
    const char *seen[2] = {NULL, NULL};
    int ph = 0;
    for (int i = 0; i < pg->n; i++)
        for (int k = 0; k < 2; k++) {
            const char *w1 = pager_word(a, w, ops->words(a, pg, i, k == 1), k == 1);
            if (w1 == seen[k])
                continue;
            seen[k] = w1;
            int h = pager_height(a, w, w1, w1);
            ph = h > ph ? h : ph;
        }
    return ph;
}

/* Draws piece i of ms, lines [first, first + count) of it, at y; returns the height used. */
static int draw_piece(struct app *a, struct ui_rect c, const struct ckpage *pg,
                      const struct measured *ms, int i, int first, int count, int y, int bottom,
                      const struct ckpage_ops *ops, int *k, int *tapped)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    const struct piece *p = &ms->p[i];
    const struct ckpage_block *b = &pg->b[p->block];
    int gap = app_gap(a), in = indent(a, b), is = ui_mm(ui, 7);
    char id[UI_ID_MAX];
    if (b->kind == CKP_PARA || p->lead) {
        int tw = c.w - in - (p->lead ? ms->text_w_less : 0);
        enum ui_font f = p->lead ? UI_FONT_REGULAR : b->font;
        if (b->icon != ICON_NONE && p->first + first == 0)
            icon_draw(ui, b->icon, (struct ui_rect){c.x, y, is, is}, t->text, t->bg);
        return wg_paragraph_part(ui, (struct ui_rect){c.x + in, y, tw, 0}, f, WG_BODY_MM,
                                 b->warn ? t->warn_text : t->text, t->bg, b->text, p->first + first,
                                 count) +
               ms->m[i].gap;
    }
    int h = ms->m[i].h - gap;
    if (b->kind == CKP_ROW) {
        snprintf(id, sizeof id, "%s_%d", ops->row_prefix, (*k)++);
        if (!p->words) {
            struct wg_button bt = row_button(b, id);
            if (wg_row(ui, &bt, (struct ui_rect){c.x, y, c.w, h}))
                *tapped = b->tag;
        } else {
            if (b->icon != ICON_NONE && p->first == 0)
                icon_draw(ui, b->icon, (struct ui_rect){c.x, y, is, is}, t->text, t->bg);
            wg_paragraph_part(ui, (struct ui_rect){c.x + in, y, c.w - in - ms->text_w_less, 0},
                              UI_FONT_REGULAR, WG_BODY_MM, t->text, t->bg, b->text, p->first,
                              p->lines);
            struct wg_button vb = view_button(a, id);
            if (wg_button(ui, &vb, (struct ui_rect){c.x + c.w - ms->view_w, y, ms->view_w, h}))
                *tapped = b->tag;
        }
        return h + gap;
    }
    if (y + h > bottom)
        h = bottom - y;
    if (ops->draw_box)
        ops->draw_box(a, b, (struct ui_rect){c.x, y, c.w, h});
    return h + gap;
}

int ckpage_frame(struct app *a, struct ui_rect c, const struct ckpage *pg, int *page, int *pages,
                 const struct ckpage_ops *ops)
{
    static struct measured ms; /* UI thread only */
    static struct pageflow_cut starts[PAGES_MAX];
    int gap = app_gap(a), tapped = -1;
    measure(a, pg, c.w, false, c.h, &ms);
    /* one page without a pager, or pages with one (its height with its longest words) */
    int np = pageflow_plan(ms.m, ms.n, c.h, c.h, ROWS_ALONE, starts, PAGES_MAX);
    int ph = 0;
    if (np > 1 || pg->more) {
        ph = pager_for(a, c.w, pg, ops);
        int room = c.h - ph - gap;
        /* a row taller than a page's room (large text below a notice band): every row in
         * words beside a short 見る button, a long one flowing over pages */
        bool words = false;
        for (int i = 0; i < ms.n; i++)
            words |= pg->b[ms.p[i].block].kind == CKP_ROW && ms.m[i].h - gap > room;
        if (words)
            measure(a, pg, c.w, true, room, &ms);
        np = pageflow_plan(ms.m, ms.n, room, room, ROWS_WITH_PAGER, starts, PAGES_MAX);
    }
    /* a page past the end shows the last; the page asked for is kept, because a frame may
     * be laid out again at once with other room (the title grew a line) */
    int cur = *page >= np ? np - 1 : *page < 0 ? 0 : *page;
    *pages = np;
    struct pageflow_cut from = starts[cur];
    struct pageflow_cut to = cur + 1 < np ? starts[cur + 1] : (struct pageflow_cut){ms.n, 0};
    int y = c.y, k = 0, bottom = c.y + c.h - (ph ? ph + gap : 0);
    const struct ckpage_block *first_b = from.block < ms.n ? &pg->b[ms.p[from.block].block] : NULL;
    struct ui_rect side = ckpage_side_rect(a, c);
    if (ph && first_b && first_b->kind == CKP_BOX && first_b->side && side.w > 0) {
        /* the box's page: ◀ above ▶ beside it, each half the height */
        int bh = (c.h - gap) / 2, sx = side.x + side.w + gap, sw = c.x + c.w - sx;
        if (ops->draw_box)
            ops->draw_box(a, first_b, side);
        struct wg_button pb = side_button(a, false), nb = side_button(a, true);
        int d = 0;
        if (cur > 0 && wg_button(a->ui, &pb, (struct ui_rect){sx, c.y, sw, bh}))
            d = -1;
        if (cur + 1 < np + (pg->more ? 1 : 0) &&
            wg_button(a->ui, &nb, (struct ui_rect){sx, c.y + c.h - bh, sw, bh}))
            d = 1;
        if (d) {
            *page = cur + d;
            app_mark_dirty(a);
        }
        return tapped;
    }
    for (int i = from.block; i <= to.block && i < ms.n; i++) {
        int first, count;
        if (pageflow_part(ms.m, ms.n, from, to, i, &first, &count))
            y += draw_piece(a, c, pg, &ms, i, first, count, y, bottom, ops, &k, &tapped);
    }
    if (ph) {
        int shown = np + (pg->more ? 1 : 0); /* past the last: what is still to fetch */
        const char *prev =
            cur > 0 ? pager_word(a, c.w,
                                 ops->words(a, pg, ms.p[starts[cur - 1].block].block, false), false)
                    : "";
        const char *next =
            cur + 1 < shown
                ? pager_word(a, c.w,
                             ops->words(a, pg,
                                        cur + 1 < np ? ms.p[starts[cur + 1].block].block : pg->n,
                                        true),
                             true)
                : "";
        int d = app_pager_words(a, (struct ui_rect){c.x, c.y + c.h - ph, c.w, ph}, cur, shown, prev,
                                next);
        if (d)
            *page = cur + d;
    }
    return tapped;
}
