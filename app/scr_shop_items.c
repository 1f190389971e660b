/*
 * scr_shop_items: the items of one category, with their pictures, names, units and prices
 * in yen, and big − / + buttons with the quantity in the cart in words (かごに 2 こ); then
 * 注文へ すすむ, straight to the confirm screen (which lists the items).
 * Two items a page (one when the category needs more than two pages, so that − + for each
 * item, ◀ ▶ and かごを 見る stay within six choices, or when the room is short); paged with
 * ◀ ▶, never scrolled. The layout is chosen by the room the page has (enum items_layout).
 */
#include <string.h>

#include "appstate.h"

/* Items a page for a category of n items (see the file comment). */
static int per_page(int n)
{
    return n <= 4 ? 2 : 1;
}

static void title(const struct app *a, char *buf, size_t size)
{
    const struct app_shop *s = a->shop;
    char p1[16], p2[16], pages[64];
    snprintf(p1, sizeof p1, "%d", s->item_page + 1);
    snprintf(p2, sizeof p2, "%d", s->item_pages > 0 ? s->item_pages : 1);
    i18n_format(pages, sizeof pages, app_s(a, "shop_page_of"), p1, p2, NULL, NULL);
    if (s->cat_idx >= 0 && s->cat_idx < s->cat.ncat && s->item_pages > 1)
        i18n_format(buf, size, app_s(a, "title_shop_items_paged"), s->cat.cats[s->cat_idx].name,
                    pages, NULL, NULL);
    else if (s->cat_idx >= 0 && s->cat_idx < s->cat.ncat)
        snprintf(buf, size, "%s", s->cat.cats[s->cat_idx].name);
    else
        snprintf(buf, size, "%s", app_s(a, "title_shop_items"));
}

/* Width of the − and + buttons: from 36 mm up to where their words fit on one line
 * (large text, English), at most 60 mm. */
static int pm_width(struct app *a)
{
    struct ui *ui = a->ui;
    struct wg_button minus = {"m", app_s(a, "shop_minus"), ICON_NONE, WG_SECONDARY, false, 0};
    struct wg_button plus = {"p", app_s(a, "shop_plus"), ICON_NONE, WG_SECONDARY, false, 0};
    int one = wg_button_height(ui, &minus, ui_mm(ui, 200));
    int w = ui_mm(ui, 36);
    while (w < ui_mm(ui, 60) &&
           (wg_button_height(ui, &minus, w) > one || wg_button_height(ui, &plus, w) > one))
        w += ui_mm(ui, 4);
    return w;
}

static void item_words(struct app *a, int i, char *line, size_t lsize, char *words, size_t wsize)
{
    const struct app_shop *s = a->shop;
    const struct shop_item *it = &s->cat.items[i];
    char price[64], qty[16];
    shopapp_yen(a, it->price_yen, price, sizeof price);
    i18n_format(line, lsize, app_s(a, "shop_unit_price"), it->unit, price, NULL, NULL);
    snprintf(qty, sizeof qty, "%d", s->cart.qty[i]);
    /* the same words at every quantity (かごに 0 こ too), short enough for the step form's
     * one line between − and + (step_geo), so no layout says the count otherwise */
    if (!shop_cart_can_add(&s->cart, &s->cat, i))
        i18n_format(words, wsize, app_s(a, "shop_qty_max"), qty, NULL, NULL, NULL);
    else
        i18n_format(words, wsize, app_s(a, "shop_qty"), qty, NULL, NULL, NULL);
}

/* Height item i needs at width w: its words beside a 22 mm picture, or the − + buttons. */
static int row_need(struct app *a, int i, int w)
{
    struct ui *ui = a->ui;
    int gap = app_gap(a), bw = pm_width(a);
    char line[200], words[200];
    struct wg_button minus = {"m", app_s(a, "shop_minus"), ICON_NONE, WG_SECONDARY, false, 0};
    struct wg_button plus = {"p", app_s(a, "shop_plus"), ICON_NONE, WG_SECONDARY, false, 0};
    int bh = wg_button_height(ui, &minus, bw);
    int h2 = wg_button_height(ui, &plus, bw);
    bh = h2 > bh ? h2 : bh;
    int tw = w - ui_mm(ui, 22) - 2 * bw - 3 * gap;
    item_words(a, i, line, sizeof line, words, sizeof words);
    int th = wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, a->shop->cat.items[i].name, tw) +
             wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, line, tw) +
             wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, words, tw);
    int need = bh > th ? bh : th;
    return need > ui_mm(ui, 22) ? need : ui_mm(ui, 22);
}

/* One item in r. Side by side: picture | words | − +. Stacked (one item a page, large
 * text): picture | words above, − and + below, each half the width. */
static void item_row(struct app *a, int i, struct ui_rect r, bool stacked)
{
    struct app_shop *s = a->shop;
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    const struct shop_item *it = &s->cat.items[i];
    int gap = app_gap(a);
    char words[200], id_m[UI_ID_MAX], id_p[UI_ID_MAX], line[200];

    snprintf(id_m, sizeof id_m, "shop_minus_%d", i);
    snprintf(id_p, sizeof id_p, "shop_plus_%d", i);
    struct wg_button minus = {id_m, app_s(a, "shop_minus"), ICON_NONE, WG_SECONDARY, false, 0};
    struct wg_button plus = {id_p, app_s(a, "shop_plus"), ICON_NONE, WG_SECONDARY, false, 0};
    int bw = stacked ? (r.w - gap) / 2 : pm_width(a);
    int bh = wg_button_height(ui, &minus, bw);
    int h2 = wg_button_height(ui, &plus, bw);
    bh = h2 > bh ? h2 : bh;
    struct ui_rect rm, rp;
    int top_h; /* height of the picture | words part */
    if (stacked) {
        /* words beside a 22 mm picture, the buttons right below */
        char l2[200], w2[200];
        int tw2 = r.w - ui_mm(ui, 22) - gap;
        item_words(a, i, l2, sizeof l2, w2, sizeof w2);
        int th = wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, it->name, tw2) +
                 wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, l2, tw2) +
                 wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, w2, tw2);
        top_h = th > ui_mm(ui, 22) ? th : ui_mm(ui, 22);
        if (r.h - bh - gap > top_h) /* room to spare: a bigger picture, up to 40 mm */
            top_h = r.h - bh - gap < ui_mm(ui, 40) ? r.h - bh - gap : ui_mm(ui, 40);
        rm = (struct ui_rect){r.x, r.y + top_h + gap, bw, bh};
        rp = (struct ui_rect){r.x + bw + gap, r.y + top_h + gap, bw, bh};
    } else {
        int bx = r.x + r.w - 2 * bw - gap;
        top_h = r.h;
        bh = r.h;
        rm = (struct ui_rect){bx, r.y, bw, bh};
        rp = (struct ui_rect){bx + bw + gap, r.y, bw, bh};
    }
    if (s->cart.qty[i] > 0 && wg_button(ui, &minus, rm))
        if (shop_cart_add(&s->cart, &s->cat, i, -1))
            app_mark_dirty(a);
    if (shop_cart_can_add(&s->cart, &s->cat, i) && wg_button(ui, &plus, rp))
        if (shop_cart_add(&s->cart, &s->cat, i, +1))
            app_mark_dirty(a);

    /* the picture: a square as tall as its part, 22 to 40 mm, framed */
    int pic = top_h < ui_mm(ui, 40) ? top_h : ui_mm(ui, 40);
    pic = pic < ui_mm(ui, 22) ? ui_mm(ui, 22) : pic;
    if (stacked && pic > top_h)
        pic = top_h;
    struct ui_rect pr = {r.x, r.y, pic, pic};
    ui_rect(ui, pr, t->bg);
    ui_frame(ui, pr, t->text, 2);
    shopapp_add_picture(a, (struct ui_rect){pr.x + 2, pr.y + 2, pr.w - 4, pr.h - 4}, it->picture);

    /* the words beside the picture */
    int tx = r.x + pic + gap;
    int tw = (stacked ? r.x + r.w : rm.x - gap) - tx;
    int y = r.y;
    y += wg_paragraph(ui, (struct ui_rect){tx, y, tw, 0}, UI_FONT_BOLD, WG_BODY_MM, t->text, t->bg,
                      it->name, WG_LEFT);
    item_words(a, i, line, sizeof line, words, sizeof words);
    y += wg_paragraph(ui, (struct ui_rect){tx, y, tw, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text,
                      t->bg, line, WG_LEFT);
    wg_paragraph(ui, (struct ui_rect){tx, y, tw, 0}, UI_FONT_BOLD, WG_BODY_MM, t->text, t->bg,
                 words, WG_LEFT);
}

/* Width at which b's label stays on one line (from 16 mm up, at most maxw). Measured as a
 * secondary button: a primary one is taller than two lines of a small label anyway. */
static int one_line_width(struct ui *ui, const struct wg_button *b, int maxw)
{
    struct wg_button m = *b;
    m.style = WG_SECONDARY;
    int one = wg_button_height(ui, &m, ui_mm(ui, 200)), w = ui_mm(ui, 16);
    while (w < maxw && wg_button_height(ui, &m, w) > one)
        w += ui_mm(ui, 2);
    return w < maxw ? w : maxw;
}

/* The words of item i in one column of width w: name, unit and price, the cart. */
static int words_height(struct app *a, int i, int w)
{
    struct ui *ui = a->ui;
    char line[200], words[200];
    item_words(a, i, line, sizeof line, words, sizeof words);
    return wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, a->shop->cat.items[i].name, w) +
           wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, line, w) +
           wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, words, w);
}

static void draw_words(struct app *a, int i, int x, int y, int w)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    char line[200], words[200];
    item_words(a, i, line, sizeof line, words, sizeof words);
    y += wg_paragraph(ui, (struct ui_rect){x, y, w, 0}, UI_FONT_BOLD, WG_BODY_MM, t->text, t->bg,
                      a->shop->cat.items[i].name, WG_LEFT);
    y += wg_paragraph(ui, (struct ui_rect){x, y, w, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text, t->bg,
                      line, WG_LEFT);
    wg_paragraph(ui, (struct ui_rect){x, y, w, 0}, UI_FONT_BOLD, WG_BODY_MM, t->text, t->bg, words,
                 WG_LEFT);
}

/* The words of item i in two lines where they can: the name (bold) with its unit and price
 * after it on the first line when both fit w, the cart on the second; else as words_height.
 * Two items a page need this under a notice band: the three lines took a row taller than half
 * the room, and a page held one item with 130 px empty above 注文へ. */
static bool joined(struct app *a, int i, int w)
{
    struct ui *ui = a->ui;
    char line[200], words[200];
    int px = ui_text_px(ui, WG_BODY_MM);
    const char *name = a->shop->cat.items[i].name;
    item_words(a, i, line, sizeof line, words, sizeof words);
    return ui_measure(ui, UI_FONT_BOLD, px, name, strlen(name)) +
               ui_measure(ui, UI_FONT_REGULAR, px, " ", 1) +
               ui_measure(ui, UI_FONT_REGULAR, px, line, strlen(line)) <=
           w;
}

static int tight_height(struct app *a, int i, int w)
{
    struct ui *ui = a->ui;
    char line[200], words[200];
    if (!joined(a, i, w))
        return words_height(a, i, w);
    item_words(a, i, line, sizeof line, words, sizeof words);
    int px = ui_text_px(ui, WG_BODY_MM);
    int lb = ui_line_height(ui, UI_FONT_BOLD, px), lr = ui_line_height(ui, UI_FONT_REGULAR, px);
    return (lb > lr ? lb : lr) + wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, words, w);
}

/* The name (bold) with its unit and price after it on one line (joined() said it fits w);
 * returns the line's height. */
static int draw_joined(struct app *a, int i, int x, int y, int w)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    char line[200], words[200];
    item_words(a, i, line, sizeof line, words, sizeof words);
    const char *name = a->shop->cat.items[i].name;
    int px = ui_text_px(ui, WG_BODY_MM);
    int lb = ui_line_height(ui, UI_FONT_BOLD, px), lr = ui_line_height(ui, UI_FONT_REGULAR, px);
    int nw = ui_measure(ui, UI_FONT_BOLD, px, name, strlen(name)) +
             ui_measure(ui, UI_FONT_REGULAR, px, " ", 1);
    wg_paragraph(ui, (struct ui_rect){x, y, nw, 0}, UI_FONT_BOLD, WG_BODY_MM, t->text, t->bg, name,
                 WG_LEFT);
    wg_paragraph(ui, (struct ui_rect){x + nw, y, w - nw, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text,
                 t->bg, line, WG_LEFT);
    return lb > lr ? lb : lr;
}

static void draw_tight(struct app *a, int i, int x, int y, int w)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    char line[200], words[200];
    if (!joined(a, i, w)) {
        draw_words(a, i, x, y, w);
        return;
    }
    item_words(a, i, line, sizeof line, words, sizeof words);
    y += draw_joined(a, i, x, y, w);
    wg_paragraph(ui, (struct ui_rect){x, y, w, 0}, UI_FONT_BOLD, WG_BODY_MM, t->text, t->bg, words,
                 WG_LEFT);
}

/* − and + of item i (− only with something in the cart, + only below the caps). */
static void plus_minus(struct app *a, int i, struct ui_rect rm, struct ui_rect rp, bool compact)
{
    struct app_shop *s = a->shop;
    char id_m[UI_ID_MAX], id_p[UI_ID_MAX];
    double mm = compact ? WG_LABEL_MM : 0;
    snprintf(id_m, sizeof id_m, "shop_minus_%d", i);
    snprintf(id_p, sizeof id_p, "shop_plus_%d", i);
    struct wg_button minus = {id_m, app_s(a, "shop_minus"), ICON_NONE, WG_SECONDARY, false, mm};
    struct wg_button plus = {id_p, app_s(a, "shop_plus"), ICON_NONE, WG_SECONDARY, false, mm};
    if (s->cart.qty[i] > 0 && wg_button(a->ui, &minus, rm))
        if (shop_cart_add(&s->cart, &s->cat, i, -1))
            app_mark_dirty(a);
    if (shop_cart_can_add(&s->cart, &s->cat, i) && wg_button(a->ui, &plus, rp))
        if (shop_cart_add(&s->cart, &s->cat, i, +1))
            app_mark_dirty(a);
}

/* --- the step form: an item's name and price on one line, − count + below them --- */

struct step {
    int bw, bh; /* − and +: 24 pt labels on one line */
    int cell;   /* the count between them */
    int pic;    /* the picture's side, beside both lines, or 0 */
    int h;      /* an item's height */
};

/* Whether items idx[0..n) all take the step form in width w (the name with its price on one
 * line, − count + on one line below); fills *st. The count's cell is as wide as its words
 * at the most one item may have, and the words at a cap fit the cell with the + place (+ is
 * gone then): − and + never move while the resident taps them. The picture (16 to 22 mm)
 * where the words still fit beside it. */
static bool step_geo(struct app *a, const int *idx, int n, int w, struct step *st)
{
    struct ui *ui = a->ui;
    int gap = app_gap(a), px = ui_text_px(ui, WG_BODY_MM);
    struct wg_button minus = {"m",        app_s(a, "shop_minus"), ICON_NONE, WG_SECONDARY, false,
                              WG_LABEL_MM};
    struct wg_button plus = {"p",        app_s(a, "shop_plus"), ICON_NONE, WG_SECONDARY, false,
                             WG_LABEL_MM};
    int w1 = one_line_width(ui, &minus, w / 3), w2 = one_line_width(ui, &plus, w / 3);
    st->bw = w1 > w2 ? w1 : w2;
    st->bh = wg_button_height(ui, &minus, st->bw);
    int h2 = wg_button_height(ui, &plus, st->bw);
    st->bh = h2 > st->bh ? h2 : st->bh;
    char most[16], words[200];
    snprintf(most, sizeof most, "%d", SHOP_QTY_MAX);
    i18n_format(words, sizeof words, app_s(a, "shop_qty"), most, NULL, NULL, NULL);
    st->cell = ui_measure(ui, UI_FONT_BOLD, px, words, strlen(words));
    i18n_format(words, sizeof words, app_s(a, "shop_qty_max"), most, NULL, NULL, NULL);
    int cap = ui_measure(ui, UI_FONT_BOLD, px, words, strlen(words)) - gap - st->bw;
    st->cell = cap > st->cell ? cap : st->cell;
    int lb = ui_line_height(ui, UI_FONT_BOLD, px), lr = ui_line_height(ui, UI_FONT_REGULAR, px);
    int lh = lb > lr ? lb : lr;
    st->h = lh + gap + st->bh;
    int row = 2 * st->bw + 2 * gap + st->cell;
    int sides[2] = {st->h < ui_mm(ui, 22) ? st->h : ui_mm(ui, 22), 0};
    for (int p = 0; p < 2; p++) {
        int tw = w - (sides[p] > 0 ? sides[p] + gap : 0);
        bool fits = row <= tw;
        for (int k = 0; fits && k < n; k++)
            fits = joined(a, idx[k], tw);
        if (fits) {
            st->pic = sides[p];
            return true;
        }
    }
    return false;
}

/* Item i in the step form at (x, y), w wide. */
static void step_item(struct app *a, int i, const struct step *st, int x, int y, int w)
{
    struct app_shop *s = a->shop;
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a);
    if (st->pic > 0) {
        struct ui_rect pr = {x, y, st->pic, st->pic};
        ui_rect(ui, pr, t->bg);
        ui_frame(ui, pr, t->text, 2);
        shopapp_add_picture(a, (struct ui_rect){pr.x + 2, pr.y + 2, pr.w - 4, pr.h - 4},
                            s->cat.items[i].picture);
        x += st->pic + gap;
        w -= st->pic + gap;
    }
    int ry = y + draw_joined(a, i, x, y, w) + gap;
    char line[200], count[200];
    item_words(a, i, line, sizeof line, count, sizeof count);
    int cx = x + st->bw + gap;
    int cw = shop_cart_can_add(&s->cart, &s->cat, i) ? st->cell : st->cell + gap + st->bw;
    int ch = wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, count, cw);
    wg_paragraph(ui, (struct ui_rect){cx, ry + (st->bh - ch) / 2, cw, 0}, UI_FONT_BOLD, WG_BODY_MM,
                 t->text, t->bg, count, WG_CENTER);
    plus_minus(a, i, (struct ui_rect){x, ry, st->bw, st->bh},
               (struct ui_rect){cx + st->cell + gap, ry, st->bw, st->bh}, true);
}

/* How an items page is laid out, by the room it has: two items a page (side by side rows;
 * then tight rows: a smaller picture, 16 to 22 mm, and the name with its price on one line;
 * then in steps: the name with its price on one line, − count + below it, labels at 24 pt,
 * above the bottom row, else beside a column of 注文へ, ◀ and ▶), one with − + below its
 * words, one with − + beside its words (with its picture, then
 * without), and, where a notice band leaves not even that room above the bottom row (150 %
 * under a band), one item whose words stand beside a grid of − + / ◀ ▶ and 注文へ, the
 * grid's labels at the 24 pt of 100 % text. */
enum items_layout {
    ITEMS_TWO,
    ITEMS_TWO_TIGHT,
    ITEMS_TWO_STEP,
    ITEMS_TWO_STEP_COL,
    ITEMS_STACKED,
    ITEMS_SIDE,
    ITEMS_SIDE_BARE,
    ITEMS_GRID
};

static void pages_known(struct app *a, int pages)
{
    struct app_shop *s = a->shop;
    if (s->item_pages != pages) {
        /* the title says the pages: build this frame again with the right title (the screen
         * replaces itself, which app_frame applies at once, once) */
        s->item_pages = pages;
        app_nav_replace(a, &scr_shop_items);
    }
}

/* The grid layout (see enum items_layout): the whole content is one row. */
static void grid_frame(struct app *a, struct ui_rect c, const int *idx, int n, const char *label,
                       int count)
{
    struct app_shop *s = a->shop;
    struct ui *ui = a->ui;
    int gap = app_gap(a);
    struct wg_button minus = {"m",        app_s(a, "shop_minus"), ICON_NONE, WG_SECONDARY, false,
                              WG_LABEL_MM};
    struct wg_button plus = {"p",        app_s(a, "shop_plus"), ICON_NONE, WG_SECONDARY, false,
                             WG_LABEL_MM};
    struct wg_button go = {"shop_next", label, ICON_NONE, WG_PRIMARY, false, WG_LABEL_MM};
    int aw = shopapp_arrow_width(a, true, c.w / 4);
    int w1 = one_line_width(ui, &minus, c.w / 4), w2 = one_line_width(ui, &plus, c.w / 4);
    w1 = w1 > aw ? w1 : aw;
    w2 = w2 > aw ? w2 : aw;
    int w3 = one_line_width(ui, &go, c.w / 4);
    int bh = wg_button_height(ui, &minus, w1), h2 = shopapp_arrow_height(a, true, w1);
    bh = h2 > bh ? h2 : bh;
    int gx = c.x + c.w - (w1 + w2 + w3 + 2 * gap), tw = gx - gap - c.x;
    int pages = n, cur = s->item_page < pages ? s->item_page : pages - 1;
    if (cur < 0)
        cur = 0;
    s->item_page = cur;
    pages_known(a, pages);
    int i = idx[cur];
    draw_words(a, i, c.x, c.y, tw);
    plus_minus(a, i, (struct ui_rect){gx, c.y, w1, bh},
               (struct ui_rect){gx + w1 + gap, c.y, w2, bh}, true);
    /* ◀ under −, ▶ under + */
    int d = shopapp_side_arrows(a, true, (struct ui_rect){gx, c.y + bh + gap, w1 + w2 + gap, bh},
                                w1 < w2 ? w1 : w2, cur, pages);
    if (d)
        s->item_page = cur + d;
    if (count > 0 &&
        wg_button(ui, &go, (struct ui_rect){gx + w1 + w2 + 2 * gap, c.y, w3, 2 * bh + gap}))
        shopapp_to_confirm(a);
}

static void frame(struct app *a, struct ui_rect c)
{
    struct app_shop *s = a->shop;
    struct ui *ui = a->ui;
    int gap = app_gap(a);
    int idx[SHOP_MAX_ITEMS];
    int n = shop_items_of(&s->cat, s->cat_idx, idx, SHOP_MAX_ITEMS);
    int per = per_page(n);

    /* bottom row: ◀ [かごを 見る] ▶ in thirds (the page number goes into the cart's words) */
    char total[64], cnt[16], label[200];
    int count = shop_cart_count(&s->cart, &s->cat);
    shopapp_yen(a, shop_cart_total(&s->cart, &s->cat), total, sizeof total);
    snprintf(cnt, sizeof cnt, "%d", count);
    i18n_format(label, sizeof label, app_s(a, "shop_next"), cnt, total, NULL, NULL);
    struct wg_button prev = {
        "page_prev", app_s(a, "shop_page_prev"), ICON_PREV, WG_SECONDARY, false, 0};
    struct wg_button next = {
        "page_next", app_s(a, "shop_page_next"), ICON_NEXT, WG_SECONDARY, false, 0};
    struct wg_button cart = {"shop_next", label, ICON_NONE, WG_PRIMARY, false, 0};
    /* ◀ and ▶ a little wider than the middle (their words are longer than かご's) */
    int bw = (c.w - 2 * gap) * 37 / 100, mw = c.w - 2 * gap - 2 * bw;
    int bh = wg_button_height(ui, &cart, mw);
    int h2 = s->item_page > 0 ? wg_button_height(ui, &prev, bw) : 0; /* only when drawn */
    bh = h2 > bh ? h2 : bh;
    h2 = wg_button_height(ui, &next, bw);
    bh = h2 > bh ? h2 : bh;
    int by = c.y + c.h - bh;

    /* the layout by the room above the bottom row (the tallest item decides, so that every
     * page of the category is laid out alike). The items a page are settled before the
     * page is checked against the pages: checked against two a page first, the page the
     * resident turned to was taken back whenever one a page was what fitted, and the items
     * past it were on no page. */
    int room = by - gap - c.y, pw = pm_width(a), pic = ui_mm(ui, 22);
    struct wg_button mprobe = {"m", app_s(a, "shop_minus"), ICON_NONE, WG_SECONDARY, false, 0};
    int pmh = wg_button_height(ui, &mprobe, pw), half = (c.w - gap) / 2;
    int hh = wg_button_height(ui, &mprobe, half);
    int need_row = 0, need_stack = 0, need_bare = 0, need_tight = 0, small = ui_mm(ui, 16);
    for (int k = 0; k < n; k++) {
        int h = row_need(a, idx[k], c.w);
        need_row = h > need_row ? h : need_row;
        h = tight_height(a, idx[k], c.w - small - 2 * pw - 3 * gap);
        h = h > pmh ? h : pmh;
        h = h > small ? h : small;
        need_tight = h > need_tight ? h : need_tight;
        int top = words_height(a, idx[k], c.w - pic - gap);
        top = top > pic ? top : pic;
        h = top + gap + hh;
        need_stack = h > need_stack ? h : need_stack;
        h = words_height(a, idx[k], c.w - 2 * pw - 2 * gap);
        h = h > pmh ? h : pmh;
        need_bare = h > need_bare ? h : need_bare;
    }
    /* the step form above the bottom row, else beside the column 注文へ / ◀ / ▶ (24 pt) */
    struct step st = {0}, st_col = {0};
    struct wg_button go = {"shop_next", label, ICON_NONE, WG_PRIMARY, false, WG_LABEL_MM};
    int colw = one_line_width(ui, &go, c.w / 4), aw = shopapp_arrow_width(a, true, c.w / 4);
    colw = aw > colw ? aw : colw;
    int goh = wg_button_height(ui, &go, colw), ah = shopapp_arrow_height(a, true, colw);
    bool step = per == 2 && step_geo(a, idx, n, c.w, &st) && 2 * st.h + gap <= room;
    bool step_col = per == 2 && goh + 2 * (gap + ah) <= c.h &&
                    step_geo(a, idx, n, c.w - colw - gap, &st_col) && 2 * st_col.h + gap <= c.h;
    enum items_layout lay = per == 2 && 2 * need_row + gap <= room     ? ITEMS_TWO
                            : per == 2 && 2 * need_tight + gap <= room ? ITEMS_TWO_TIGHT
                            : step                                     ? ITEMS_TWO_STEP
                            : step_col                                 ? ITEMS_TWO_STEP_COL
                            : need_stack <= room                       ? ITEMS_STACKED
                            : need_row <= room                         ? ITEMS_SIDE
                            : need_bare <= room                        ? ITEMS_SIDE_BARE
                                                                       : ITEMS_GRID;
    if (lay == ITEMS_GRID) {
        grid_frame(a, c, idx, n, label, count);
        return;
    }
    if (lay == ITEMS_TWO_STEP_COL)
        st = st_col;
    if (lay > ITEMS_TWO_STEP_COL)
        per = 1;
    int pages = shop_pages(n, per);
    if (s->item_page >= pages)
        s->item_page = pages - 1;
    int first = shop_page_first(n, per, s->item_page);
    pages_known(a, pages);
    int rowh = (room - (per - 1) * gap) / per;
    if (per == 2 && rowh > ui_mm(ui, 45))
        rowh = ui_mm(ui, 45);
    if (lay == ITEMS_TWO_TIGHT)
        rowh = need_tight;
    for (int k = 0; k < per && first + k < n; k++) {
        struct ui_rect r = {c.x, c.y + k * (rowh + gap), c.w, rowh};
        if (lay == ITEMS_TWO_STEP || lay == ITEMS_TWO_STEP_COL) {
            int w = lay == ITEMS_TWO_STEP ? c.w : c.w - colw - gap;
            step_item(a, idx[first + k], &st, c.x, c.y + k * (st.h + gap), w);
        } else if (lay == ITEMS_TWO_TIGHT) {
            /* the picture as tall as the row (16 to 22 mm), the words beside it, − + */
            int i = idx[first + k], bx = r.x + r.w - 2 * pw - gap;
            int side = need_tight < pic ? need_tight : pic; /* pic: 22 mm */
            if (tight_height(a, i, bx - 2 * gap - r.x - side) > need_tight)
                side = small; /* the words keep the width they were measured at */
            struct ui_rect pr = {r.x, r.y, side, side};
            ui_rect(ui, pr, ui_theme(ui)->bg);
            ui_frame(ui, pr, ui_theme(ui)->text, 2);
            shopapp_add_picture(a, (struct ui_rect){pr.x + 2, pr.y + 2, pr.w - 4, pr.h - 4},
                                s->cat.items[i].picture);
            draw_tight(a, i, r.x + side + gap, r.y, bx - gap - (r.x + side + gap));
            plus_minus(a, i, (struct ui_rect){bx, r.y, pw, need_tight},
                       (struct ui_rect){bx + pw + gap, r.y, pw, need_tight}, false);
        } else if (lay == ITEMS_SIDE_BARE) {
            int i = idx[first + k], bx = r.x + r.w - 2 * pw - gap;
            draw_words(a, i, r.x, r.y, bx - gap - r.x);
            plus_minus(a, i, (struct ui_rect){bx, r.y, pw, need_bare},
                       (struct ui_rect){bx + pw + gap, r.y, pw, need_bare}, false);
        } else {
            if (lay == ITEMS_SIDE)
                r.h = need_row;
            item_row(a, idx[first + k], r, lay == ITEMS_STACKED);
        }
    }
    if (lay == ITEMS_TWO_STEP_COL) {
        /* 注文へ at the top of the column, ◀ above ▶ below it (each place kept) */
        int cx = c.x + c.w - colw;
        if (count > 0 && wg_button(ui, &go, (struct ui_rect){cx, c.y, colw, goh}))
            shopapp_to_confirm(a);
        int d = shopapp_stacked_arrows(a, true, (struct ui_rect){cx, c.y + goh + gap, colw, ah},
                                       s->item_page, pages);
        if (d)
            s->item_page += d;
        return;
    }
    if (s->item_page > 0 && wg_button(ui, &prev, (struct ui_rect){c.x, by, bw, bh})) {
        s->item_page--;
        app_mark_dirty(a);
    }
    if (count > 0 && wg_button(ui, &cart, (struct ui_rect){c.x + bw + gap, by, mw, bh}))
        shopapp_to_confirm(a); /* the confirm screen lists the items and changes them */
    if (s->item_page + 1 < pages &&
        wg_button(ui, &next, (struct ui_rect){c.x + bw + mw + 2 * gap, by, bw, bh})) {
        s->item_page++;
        app_mark_dirty(a);
    }
}

static void sample(struct app *a, int variant)
{
    shopapp_sample(a);
    a->shop->cat_idx = variant == 1 ? 2 : 0;
    a->shop->item_page = variant == 2 ? 1 : 0;
    if (variant == 3)
        a->shop->cart.qty[0] = SHOP_QTY_MAX; /* the cap, said in words */
}

const struct screen scr_shop_items = {.name = "shop_items",
                                      .title_key = "title_shop_items",
                                      .frame = frame,
                                      .sample = sample,
                                      .title = title};
