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

static void measure(struct app *a, const struct ckpage *pg, int w, struct pageflow_block *m)
{
    struct ui *ui = a->ui;
    int gap = app_gap(a);
    for (int i = 0; i < pg->n; i++) {
        const struct ckpage_block *b = &pg->b[i];
        memset(&m[i], 0, sizeof m[i]);
        m[i].gap = gap;
        if (b->kind == CKP_PARA) {
            int lh = ui_line_height(ui, b->font, ui_text_px(ui, WG_BODY_MM));
            m[i].lines = wg_text_lines(ui, b->font, WG_BODY_MM, b->text, w - indent(a, b));
            m[i].line_h = lh;
            m[i].h = m[i].lines * lh + gap;
            m[i].keep = b->keep;
            m[i].flow = b->flow;
        } else if (b->kind == CKP_ROW) {
            struct wg_button bt = row_button(b, "row");
            m[i].h = wg_button_height(ui, &bt, w) + gap;
            m[i].targets = 1;
        } else {
            m[i].h = b->h + gap;
        }
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

int ckpage_frame(struct app *a, struct ui_rect c, const struct ckpage *pg, int *page, int *pages,
                 const struct ckpage_ops *ops)
{
    static struct pageflow_block m[CKPAGE_BLOCKS]; /* UI thread only */
    static struct pageflow_cut starts[PAGES_MAX];
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a), tapped = -1;
    measure(a, pg, c.w, m);
    /* one page without a pager, or pages with one (its height with its longest words) */
    int np = pageflow_plan(m, pg->n, c.h, c.h, ROWS_ALONE, starts, PAGES_MAX);
    int ph = 0;
    if (np > 1) {
        /* tall enough for the longest words any page may give its buttons */
        const char *seen[2] = {NULL, NULL};
        for (int i = 0; i < pg->n; i++)
            for (int k = 0; k < 2; k++) {
                const char *w1 = pager_word(a, c.w, ops->words(a, pg, i, k == 1), k == 1);
                if (w1 == seen[k])
                    continue;
                seen[k] = w1;
                int h = pager_height(a, c.w, w1, w1);
                ph = h > ph ? h : ph;
            }
        np = pageflow_plan(m, pg->n, c.h - ph - gap, c.h - ph - gap, ROWS_WITH_PAGER, starts,
                           PAGES_MAX);
    }
    /* a page past the end shows the last; the page asked for is kept, because a frame may
     * be laid out again at once with other room (the title grew a line) */
    int cur = *page >= np ? np - 1 : *page < 0 ? 0 : *page;
    *pages = np;
    struct pageflow_cut from = starts[cur];
    struct pageflow_cut to = cur + 1 < np ? starts[cur + 1] : (struct pageflow_cut){pg->n, 0};
    int y = c.y, k = 0;
    for (int i = from.block; i <= to.block && i < pg->n; i++) {
        int first, count;
        if (!pageflow_part(m, pg->n, from, to, i, &first, &count))
            continue;
        const struct ckpage_block *b = &pg->b[i];
        if (b->kind == CKP_PARA) {
            int in = indent(a, b);
            if (b->icon != ICON_NONE && first == 0) {
                int is = ui_mm(ui, 7);
                icon_draw(ui, b->icon, (struct ui_rect){c.x, y, is, is}, t->text, t->bg);
            }
            y += wg_paragraph_part(ui, (struct ui_rect){c.x + in, y, c.w - in, 0}, b->font,
                                   WG_BODY_MM, b->warn ? t->warn_text : t->text, t->bg, b->text,
                                   first, count) +
                 gap;
        } else if (b->kind == CKP_ROW) {
            char id[UI_ID_MAX];
            snprintf(id, sizeof id, "%s_%d", ops->row_prefix, k++);
            struct wg_button bt = row_button(b, id);
            int h = m[i].h - gap;
            if (wg_row(ui, &bt, (struct ui_rect){c.x, y, c.w, h}))
                tapped = b->tag;
            y += h + gap;
        } else {
            int h = b->h;
            if (y + h > c.y + c.h - (ph ? ph + gap : 0))
                h = c.y + c.h - (ph ? ph + gap : 0) - y;
            ops->draw_box(a, b, (struct ui_rect){c.x, y, c.w, h});
            y += h + gap;
        }
    }
    if (np > 1) {
        const char *prev =
            cur > 0 ? pager_word(a, c.w, ops->words(a, pg, starts[cur - 1].block, false), false)
                    : "";
        const char *next =
            cur + 1 < np ? pager_word(a, c.w, ops->words(a, pg, starts[cur + 1].block, true), true)
                         : "";
        int d =
            app_pager_words(a, (struct ui_rect){c.x, c.y + c.h - ph, c.w, ph}, cur, np, prev, next);
        if (d)
            *page = cur + d;
    }
    return tapped;
}
