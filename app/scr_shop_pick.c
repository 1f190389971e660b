/*
 * scr_shop_pick: the first steps of shopping: which shop (only when more than one
 * operator delivers here) and which category. Both are lists of big buttons, paged with
 * ◀ ▶ so that no screen has more than six choices. The category screen also leads to the
 * cart once something is in it.
 */
#include "appstate.h"

/* buttons per page: with ◀ ▶ and かご the screen stays at six choices */
#define OPS_PER_PAGE  4
#define CATS_PER_PAGE 3

/* A column of n big buttons; returns the index tapped or -1. */
static int column(struct app *a, struct ui_rect c, int y, const char *prefix,
                  const char *const *labels, int n, int *used)
{
    struct ui *ui = a->ui;
    int gap = app_gap(a), hit = -1;
    char id[UI_ID_MAX];
    *used = 0;
    for (int i = 0; i < n; i++) {
        snprintf(id, sizeof id, "%s_%d", prefix, i);
        struct wg_button b = {id, labels[i], ICON_NEXT, WG_SECONDARY, false, 0};
        int h = wg_button_height(ui, &b, c.w);
        if (wg_button(ui, &b, (struct ui_rect){c.x, y, c.w, h}))
            hit = i;
        y += h + gap;
        *used += h + gap;
    }
    return hit;
}

static void ops_frame(struct app *a, struct ui_rect c)
{
    struct app_shop *s = a->shop;
    int used, y = c.y;
    if (shopapp_load_note(a, &s->ops_load, c, &used))
        shopapp_load_operators(a);
    y += used;
    if (s->ops_load.loaded && s->nops == 0) {
        const struct theme *t = ui_theme(a->ui);
        wg_paragraph(a->ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text,
                     t->bg, app_s(a, "shop_no_operators"), WG_LEFT);
        return;
    }
    int pages = shop_pages(s->nops, OPS_PER_PAGE);
    if (s->ops_page >= pages)
        s->ops_page = 0;
    int first = shop_page_first(s->nops, OPS_PER_PAGE, s->ops_page);
    const char *labels[OPS_PER_PAGE];
    int n = 0;
    for (int i = first; i < s->nops && n < OPS_PER_PAGE; i++)
        labels[n++] = s->ops[i].name;
    int hit = column(a, c, y, "shop_op", labels, n, &used);
    if (hit >= 0) {
        s->op = first + hit;
        shopapp_load_catalogue(a);
        app_nav_push(a, &scr_shop_categories);
    }
    if (pages > 1) {
        int ph = shopapp_pager_height(a, c.w);
        shopapp_pager(a, (struct ui_rect){c.x, c.y + c.h - ph, c.w, ph}, &s->ops_page, pages);
    }
}

static void ops_enter(struct app *a)
{
    if (!a->shop->ops_load.loaded)
        shopapp_load_operators(a);
}

static void ops_sample(struct app *a, int variant)
{
    shopapp_sample(a);
    if (variant == 1) { /* the hub could not be reached */
        a->shop->ops_load = (struct shop_load){0};
        a->shop->ops_load.failed = true;
        a->shop->nops = 0;
        a->net = NET_DOWN;
    }
}

static void cats_title(const struct app *a, char *buf, size_t size)
{
    const struct app_shop *s = a->shop;
    if (s->cat_load.loaded && s->cat.operator_name[0])
        i18n_format(buf, size, app_s(a, "title_shop_categories_of"), s->cat.operator_name, NULL,
                    NULL, NULL);
    else
        i18n_format(buf, size, app_s(a, "title_shop_categories"), NULL, NULL, NULL, NULL);
    if (!s->cat_tight)
        app_title_words_page(a, buf, s->cat_page, s->cat_pages, buf, size);
}

/* The tallest category button at width w (every page is planned alike). */
static int cats_height(struct app *a, int w)
{
    const struct app_shop *s = a->shop;
    int most = 0;
    for (int i = 0; i < s->cat.ncat; i++) {
        struct wg_button b = {"c", s->cat.cats[i].name, ICON_NEXT, WG_SECONDARY, false, 0};
        int h = wg_button_height(a->ui, &b, w);
        most = h > most ? h : most;
    }
    return most;
}

static void cats_frame(struct app *a, struct ui_rect c)
{
    struct app_shop *s = a->shop;
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a), used, y = c.y;
    if (shopapp_load_note(a, &s->cat_load, c, &used))
        shopapp_load_catalogue(a);
    y += used;
    if (!s->cat_load.loaded)
        return;
    if (s->again_elsewhere && shopapp_last_order(a)) {
        /* large text: the くらし menu had no room for 同じものを もう一度 */
        struct wg_button ag = {
            "shop_again", app_s(a, "tile_shop_again"), ICON_REFRESH, WG_SECONDARY, false, 0};
        int h = wg_button_height(ui, &ag, c.w);
        if (wg_button(ui, &ag, (struct ui_rect){c.x, y, c.w, h}))
            shopapp_order_again(a);
        y += h + gap;
    }
    /* the cart in words, then the categories, then ◀ [かご] ▶ (the page is in the title) */
    char total[64], cnt[16], line[160];
    int count = shop_cart_count(&s->cart, &s->cat);
    shopapp_yen(a, shop_cart_total(&s->cart, &s->cat), total, sizeof total);
    snprintf(cnt, sizeof cnt, "%d", count);
    i18n_format(line, sizeof line, app_s(a, count ? "shop_cart_line" : "shop_cart_empty"), cnt,
                total, NULL, NULL);
    int lh = wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, line, c.w) + gap;
    struct wg_button cart = {
        "shop_cart", app_s(a, "shop_to_cart"), ICON_NONE, WG_PRIMARY, false, 0};
    struct wg_button prev = {
        "page_prev", app_s(a, "shop_page_prev"), ICON_PREV, WG_SECONDARY, false, 0};
    struct wg_button next = {
        "page_next", app_s(a, "shop_page_next"), ICON_NEXT, WG_SECONDARY, false, 0};
    /* ◀ and ▶ a little wider than the middle (their words are longer than かご's) */
    int bw = (c.w - 2 * gap) * 37 / 100, mw = c.w - 2 * gap - 2 * bw;
    int bh = wg_button_height(ui, &cart, mw);
    int h2 = s->cat_page > 0 ? wg_button_height(ui, &prev, bw) : 0; /* only when drawn */
    bh = h2 > bh ? h2 : bh;
    h2 = wg_button_height(ui, &next, bw);
    bh = h2 > bh ? h2 : bh;
    /* as many categories a page as fit (at most 3; 2 beside 同じものを もう一度: six choices) */
    int rowh = cats_height(a, c.w) + gap;
    int most = y > c.y + used ? CATS_PER_PAGE - 1 : CATS_PER_PAGE;
    int room = c.y + c.h - y - lh - bh - gap;
    /* not even one category between the cart's words and that row (a notice band at large
     * text): the words go into the bottom row, ◀ [かごを 見る ・ the words] ▶ (the button's
     * label at 24 pt), and the title leaves out the page (a second line of it was the room of
     * a category) */
    bool tight = room < rowh, compact = false;
    char label[260];
    snprintf(label, sizeof label, "%s ・ %s", app_s(a, "shop_to_cart"), line);
    struct wg_button mid = {"shop_cart", label, ICON_NONE, WG_PRIMARY, false, 0};
    int aw = 0, tw = 0;
    if (tight) {
        compact = true;
        bh = shopapp_bar_height(a, c.w, count > 0 ? &mid : NULL, compact);
        aw = shopapp_arrow_width(a, compact, c.w / 3);
        tw = c.w - 2 * (aw + gap);
        if (count == 0) { /* the words alone between ◀ ▶ */
            h2 = wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, line, tw);
            bh = h2 > bh ? h2 : bh;
        }
        room = c.y + c.h - y - bh - gap;
    }
    s->cat_tight = tight;
    int per = room / rowh;
    per = per < 1 ? 1 : per > most ? most : per;
    int pages = shop_pages(s->cat.ncat, per);
    s->cat_pages = pages;
    if (s->cat_page >= pages)
        s->cat_page = pages - 1;
    int first = shop_page_first(s->cat.ncat, per, s->cat_page);
    const char *labels[CATS_PER_PAGE];
    int n = 0;
    for (int i = first; i < s->cat.ncat && n < per; i++)
        labels[n++] = s->cat.cats[i].name;
    int by = c.y + c.h - bh;
    if (!tight) {
        wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_BOLD, WG_BODY_MM, t->text, t->bg,
                     line, WG_LEFT);
        y += lh;
    }
    int hit = column(a, c, y, "shop_cat", labels, n, &used);
    if (hit >= 0) {
        s->cat_idx = first + hit;
        s->item_page = 0;
        app_nav_push(a, &scr_shop_items);
    }
    bool to_cart = false;
    if (tight) {
        if (count == 0)
            wg_paragraph(ui, (struct ui_rect){c.x + aw + gap, by, tw, 0}, UI_FONT_BOLD, WG_BODY_MM,
                         t->text, t->bg, line, WG_LEFT);
        int d = shopapp_bar(a, (struct ui_rect){c.x, by, c.w, bh}, count > 0 ? &mid : NULL, compact,
                            s->cat_page, pages, &to_cart);
        if (d)
            s->cat_page += d;
    } else {
        if (s->cat_page > 0 && wg_button(ui, &prev, (struct ui_rect){c.x, by, bw, bh})) {
            s->cat_page--;
            app_mark_dirty(a);
        }
        to_cart = count > 0 && wg_button(ui, &cart, (struct ui_rect){c.x + bw + gap, by, mw, bh});
        if (s->cat_page + 1 < pages &&
            wg_button(ui, &next, (struct ui_rect){c.x + bw + mw + 2 * gap, by, bw, bh})) {
            s->cat_page++;
            app_mark_dirty(a);
        }
    }
    if (to_cart) {
        s->cart_page = 0;
        app_nav_push(a, &scr_shop_cart);
    }
}

static void cats_enter(struct app *a)
{
    shopapp_load_catalogue(a);
}

static void cats_sample(struct app *a, int variant)
{
    shopapp_sample(a);
    if (variant == 1)
        shop_cart_clear(&a->shop->cart);
}

const struct screen scr_shop_operators = {.name = "shop_operators",
                                          .title_key = "title_shop_operators",
                                          .enter = ops_enter,
                                          .frame = ops_frame,
                                          .sample = ops_sample};

const struct screen scr_shop_categories = {.name = "shop_categories",
                                           .title_key = "title_shop_categories",
                                           .enter = cats_enter,
                                           .frame = cats_frame,
                                           .sample = cats_sample,
                                           .title = cats_title};
