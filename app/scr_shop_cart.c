/*
 * scr_shop_cart: the last steps before an order: the confirmation that lists the items,
 * the total, the shop and the delivery day (the earliest slot unless another was chosen)
 * with one 注文する button, and, from it, the cart review (each line with − +, the total
 * in yen) and the delivery slot (four two-hour windows, dates as 令和 with the Western year
 * and the day of the week). Opened from the confirm screen, the cart and the slot go back
 * to it.
 */
#include "appstate.h"
#include "pageflow.h"
#include "wareki.h"

/* True when the screen under the current one is the confirm screen. */
static bool from_confirm(const struct app *a)
{
    return a->depth >= 2 && a->stack[a->depth - 2] == &scr_shop_confirm;
}

static int cart_lines(const struct app_shop *s, int *idx)
{
    int n = 0;
    for (int i = 0; i < s->cat.nitems; i++)
        if (s->cart.qty[i] > 0)
            idx[n++] = i;
    return n;
}

static void total_words(const struct app *a, char *buf, size_t size)
{
    const struct app_shop *s = a->shop;
    char total[64], cnt[16];
    shopapp_yen(a, shop_cart_total(&s->cart, &s->cat), total, sizeof total);
    snprintf(cnt, sizeof cnt, "%d", shop_cart_count(&s->cart, &s->cat));
    i18n_format(buf, size, app_s(a, "shop_total"), total, cnt, NULL, NULL);
}

static void cart_row_text(const struct app *a, int i, char *line, size_t size)
{
    const struct app_shop *s = a->shop;
    const struct shop_item *it = &s->cat.items[i];
    char price[64], sum[64], qty[16];
    shopapp_yen(a, it->price_yen, price, sizeof price);
    shopapp_yen(a, it->price_yen * s->cart.qty[i], sum, sizeof sum);
    snprintf(qty, sizeof qty, "%d", s->cart.qty[i]);
    i18n_format(line, size, app_s(a, "shop_cart_row"), it->name, qty, price, sum);
}

/* How the cart's lines are laid out (cart_frame): words | − + side by side, the same with − +
 * at the 24 pt of 100 % text (more room for the words), or words above − +. */
enum cart_row { CART_SIDE, CART_SIDE_COMPACT, CART_STACKED };

struct cart_geo {
    enum cart_row row;
    int pw, bh; /* − + width and height */
    int tw;     /* the words' width */
    int h;      /* a line's height */
};

/* − and + width: from 36 mm up (2 mm at a time) to where their words fit on one line, at
 * most 60 mm. */
static int pm_width(struct app *a, double mm)
{
    struct ui *ui = a->ui;
    struct wg_button m = {"m", app_s(a, "shop_minus"), ICON_NONE, WG_SECONDARY, false, mm};
    struct wg_button p = {"p", app_s(a, "shop_plus"), ICON_NONE, WG_SECONDARY, false, mm};
    int one = wg_button_height(ui, &m, ui_mm(ui, 200)), w = ui_mm(ui, 36);
    while (w < ui_mm(ui, 60) &&
           (wg_button_height(ui, &m, w) > one || wg_button_height(ui, &p, w) > one))
        w += ui_mm(ui, 2);
    return w;
}

static void cart_geo(struct app *a, enum cart_row row, int w, const int *idx, int n,
                     struct cart_geo *g)
{
    struct ui *ui = a->ui;
    int gap = app_gap(a);
    char line[320];
    double mm = row == CART_SIDE_COMPACT ? WG_LABEL_MM : 0;
    struct wg_button m = {"m", app_s(a, "shop_minus"), ICON_NONE, WG_SECONDARY, false, mm};
    g->row = row;
    g->pw = row == CART_STACKED ? (w - gap) / 2 : pm_width(a, mm);
    g->bh = wg_button_height(ui, &m, g->pw);
    g->tw = row == CART_STACKED ? w : w - 2 * g->pw - 2 * gap;
    g->h = 0;
    for (int k = 0; k < n; k++) {
        cart_row_text(a, idx[k], line, sizeof line);
        int th = wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, line, g->tw);
        int h = row == CART_STACKED ? th + gap + g->bh : th > g->bh ? th : g->bh;
        g->h = h > g->h ? h : g->h;
    }
}

/* One line of the cart at y: its words, − and + (+ only below the caps). */
static void cart_line(struct app *a, int i, int x, int y, const struct cart_geo *g)
{
    struct app_shop *s = a->shop;
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a);
    char line[320], id_m[UI_ID_MAX], id_p[UI_ID_MAX];
    double mm = g->row == CART_SIDE_COMPACT ? WG_LABEL_MM : 0;
    cart_row_text(a, i, line, sizeof line);
    snprintf(id_m, sizeof id_m, "shop_minus_%d", i);
    snprintf(id_p, sizeof id_p, "shop_plus_%d", i);
    struct wg_button minus = {id_m, app_s(a, "shop_minus"), ICON_NONE, WG_SECONDARY, false, mm};
    struct wg_button plus = {id_p, app_s(a, "shop_plus"), ICON_NONE, WG_SECONDARY, false, mm};
    int th = wg_paragraph(ui, (struct ui_rect){x, y, g->tw, 0}, UI_FONT_REGULAR, WG_BODY_MM,
                          t->text, t->bg, line, WG_LEFT);
    struct ui_rect rm, rp;
    if (g->row == CART_STACKED) {
        rm = (struct ui_rect){x, y + th + gap, g->pw, g->bh};
        rp = (struct ui_rect){x + g->pw + gap, y + th + gap, g->pw, g->bh};
    } else {
        rm = (struct ui_rect){x + g->tw + gap, y, g->pw, g->h};
        rp = (struct ui_rect){x + g->tw + g->pw + 2 * gap, y, g->pw, g->h};
    }
    if (wg_button(ui, &minus, rm) && shop_cart_add(&s->cart, &s->cat, i, -1))
        app_mark_dirty(a);
    if (shop_cart_can_add(&s->cart, &s->cat, i) && wg_button(ui, &plus, rp) &&
        shop_cart_add(&s->cart, &s->cat, i, +1))
        app_mark_dirty(a);
}

/* The total first, then the lines, pages by the room above ◀ [届ける 日を 選ぶ] ▶ (the page
 * in the title): two lines a page where they fit and make at most two pages (six choices),
 * else one; where not even the total and one line fit (a notice band at large text), the
 * total has the first page of its own. */
static void cart_frame(struct app *a, struct ui_rect c)
{
    struct app_shop *s = a->shop;
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a), idx[SHOP_MAX_ITEMS];
    int n = cart_lines(s, idx);
    char words[256];
    total_words(a, words, sizeof words);
    if (n == 0) {
        s->cart_pages = 1;
        int y = c.y +
                wg_paragraph(ui, (struct ui_rect){c.x, c.y, c.w, 0}, UI_FONT_BOLD, WG_BODY_MM,
                             t->text, t->bg, words, WG_LEFT) +
                gap;
        wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text,
                     t->bg, app_s(a, "shop_cart_none"), WG_LEFT);
        return;
    }
    bool back = from_confirm(a);
    struct wg_button go = {back ? "shop_back_confirm" : "shop_to_slot",
                           app_s(a, back ? "shop_back_confirm" : "shop_to_slot"),
                           ICON_NONE,
                           WG_PRIMARY,
                           false,
                           0};
    int head = wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, words, c.w);
    bool compact = shopapp_bar_compact(a, c.w, &go, c.h - head - gap);
    int bh = shopapp_bar_height(a, c.w, &go, compact);
    int room = c.h - bh - gap;
    /* the lines' layout: the first whose tallest line fits below the total, else beside
     * nothing (the total then on a page of its own) */
    struct cart_geo g;
    enum cart_row rows[3] = {CART_SIDE, CART_SIDE_COMPACT, CART_STACKED};
    int pick = -1;
    for (int k = 0; k < 3 && pick < 0; k++) {
        cart_geo(a, rows[k], c.w, idx, n, &g);
        if (head + gap + g.h <= room)
            pick = k;
    }
    for (int k = 0; k < 3 && pick < 0; k++) {
        cart_geo(a, rows[k], c.w, idx, n, &g);
        if (g.h <= room)
            pick = k;
    }
    cart_geo(a, rows[pick < 0 ? 1 : pick], c.w, idx, n, &g);
    /* the pages: the total (kept with the first line where both fit), then the lines */
    struct pageflow_block b[SHOP_MAX_ITEMS + 1];
    struct pageflow_cut starts[SHOP_MAX_ITEMS + 2];
    b[0] = (struct pageflow_block){.h = head + gap, .gap = gap, .keep = true};
    for (int k = 0; k < n; k++)
        b[k + 1] = (struct pageflow_block){.h = g.h + gap, .gap = gap, .targets = 1};
    int pages = pageflow_plan(b, n + 1, room, room, 2, starts, SHOP_MAX_ITEMS + 2);
    if (pages > 2 || n > 4)
        pages = pageflow_plan(b, n + 1, room, room, 1, starts, SHOP_MAX_ITEMS + 2);
    s->cart_pages = pages;
    if (s->cart_page >= pages)
        s->cart_page = pages - 1;
    struct pageflow_cut to =
        s->cart_page + 1 < pages ? starts[s->cart_page + 1] : (struct pageflow_cut){n + 1, 0};
    int y = c.y, first, count;
    for (int k = 0; k < n + 1; k++) {
        if (!pageflow_part(b, n + 1, starts[s->cart_page], to, k, &first, &count))
            continue;
        if (k == 0)
            wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_BOLD, WG_BODY_MM, t->text,
                         t->bg, words, WG_LEFT);
        else
            cart_line(a, idx[k - 1], c.x, y, &g);
        y += b[k].h;
    }
    bool hit;
    int d = shopapp_bar(a, (struct ui_rect){c.x, c.y + c.h - bh, c.w, bh}, &go, compact,
                        s->cart_page, pages, &hit);
    if (d)
        s->cart_page += d;
    if (hit) {
        if (back) {
            app_nav_back(a);
        } else {
            shop_slots(a->wall_s, s->slots);
            s->slot = -1;
            app_nav_push(a, &scr_shop_slot);
        }
    }
}

static void cart_title(const struct app *a, char *buf, size_t size)
{
    app_title_page(a, "title_shop_cart", a->shop->cart_page, a->shop->cart_pages, buf, size);
}

static void cart_sample(struct app *a, int variant)
{
    shopapp_sample(a);
    if (variant == 1)
        shop_cart_clear(&a->shop->cart);
}

/* One delivery window of day d (0, 1): its button; true when it was chosen. */
static bool slot_button(struct app *a, int d, int k, struct ui_rect r, int *h)
{
    struct app_shop *s = a->shop;
    const struct shop_slot *sl = &s->slots[2 * d + k];
    char h1[16], h2[16], words[80], id[UI_ID_MAX];
    wareki_time(h1, sizeof h1, sl->start_h, 0);
    wareki_time(h2, sizeof h2, sl->end_h, 0);
    i18n_format(words, sizeof words, app_s(a, "shop_slot_time"), h1, h2, NULL, NULL);
    snprintf(id, sizeof id, "shop_slot_%d", 2 * d + k);
    struct wg_button b = {
        id, words, ICON_NONE, 2 * d + k == s->slot ? WG_SELECTED : WG_SECONDARY, false, 0};
    *h = wg_button_height(a->ui, &b, r.w);
    if (r.h == 0)
        return false; /* measured only */
    if (!wg_button(a->ui, &b, r))
        return false;
    s->slot = 2 * d + k;
    if (from_confirm(a))
        app_nav_back(a);
    else
        app_nav_push(a, &scr_shop_confirm);
    return true;
}

/* Two days side by side, each with its date in words above its two windows; where a notice
 * band leaves no room for that, one day a page: its date beside ◀ or ▶ (two days: only one
 * of them on each page), its two windows side by side below. */
static void slot_frame(struct app *a, struct ui_rect c)
{
    struct app_shop *s = a->shop;
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a), days = SHOP_SLOTS / 2;
    int cw = (c.w - gap) / 2, need = 0, bh;
    char date[SHOP_SLOTS / 2][96];
    for (int d = 0; d < days; d++) {
        const struct shop_slot *day = &s->slots[2 * d];
        shopapp_day_words(a, day->year, day->month, day->day, date[d], sizeof date[d]);
        int h = wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, date[d], cw) + gap;
        for (int k = 0; k < 2; k++) {
            slot_button(a, d, k, (struct ui_rect){0, 0, cw, 0}, &bh);
            h += bh + gap;
        }
        need = h - gap > need ? h - gap : need;
    }
    if (need <= c.h) {
        s->slot_pages = 1;
        for (int d = 0; d < days; d++) {
            int x = c.x + d * (cw + gap), y = c.y;
            y += wg_paragraph(ui, (struct ui_rect){x, y, cw, 0}, UI_FONT_BOLD, WG_BODY_MM, t->text,
                              t->bg, date[d], WG_LEFT) +
                 gap;
            for (int k = 0; k < 2; k++) {
                slot_button(a, d, k, (struct ui_rect){x, y, cw, 0}, &bh);
                if (slot_button(a, d, k, (struct ui_rect){x, y, cw, bh}, &bh))
                    return;
                y += bh + gap;
            }
        }
        return;
    }
    s->slot_pages = days;
    int d = s->slot_page < days ? s->slot_page : days - 1, h0, h1;
    slot_button(a, d, 0, (struct ui_rect){0, 0, cw, 0}, &h0);
    slot_button(a, d, 1, (struct ui_rect){0, 0, cw, 0}, &h1);
    int row = h0 > h1 ? h0 : h1, aw = 0, ww = 0, top = 0;
    bool compact = false;
    for (int pass = 0; pass < 2; pass++) {
        compact = pass == 1; /* the 24 pt labels only when the larger do not fit */
        aw = shopapp_arrow_width(a, compact, c.w / 3);
        ww = c.w - aw - gap;
        int rh = wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, date[d], ww);
        int ah = shopapp_arrow_height(a, compact, aw);
        top = rh > ah ? rh : ah;
        if (top + gap + row <= c.h)
            break;
    }
    wg_paragraph(ui, (struct ui_rect){d > 0 ? c.x + aw + gap : c.x, c.y, ww, 0}, UI_FONT_BOLD,
                 WG_BODY_MM, t->text, t->bg, date[d], WG_LEFT);
    int turn = shopapp_side_arrows(a, compact, (struct ui_rect){c.x, c.y, c.w, top}, aw, d, days);
    if (turn)
        s->slot_page = d + turn;
    for (int k = 0; k < 2; k++)
        if (slot_button(a, d, k, (struct ui_rect){c.x + k * (cw + gap), c.y + top + gap, cw, row},
                        &bh))
            return;
}

static void slot_title(const struct app *a, char *buf, size_t size)
{
    app_title_page(a, "title_shop_slot", a->shop->slot_page, a->shop->slot_pages, buf, size);
}

static void slot_enter(struct app *a)
{
    /* the page of the chosen day (the earliest: the first) */
    a->shop->slot_page = a->shop->slot >= 2 ? 1 : 0;
    a->shop->slot_pages = 1;
    if (!a->shop->slots[0].year)
        shop_slots(a->wall_s, a->shop->slots);
}

static void slot_sample(struct app *a, int variant)
{
    (void)variant;
    shopapp_sample(a);
    a->shop->slot = -1;
}

#define CONFIRM_PARAS (SHOP_LINES_MAX + 4)

/* The confirm screen's words, one paragraph each: the shop, every item with its quantity
 * and sum, the total, the delivery day, how to pay. Returns how many (UI thread only: the
 * paragraphs live in a static array). */
static int confirm_paras(struct app *a, const char **out)
{
    static char para[CONFIRM_PARAS][320];
    const struct app_shop *s = a->shop;
    int idx[SHOP_MAX_ITEMS], n = cart_lines(s, idx), k = 0;
    char slot[200];
    slot[0] = '\0';
    if (s->slot >= 0 && s->slot < SHOP_SLOTS) {
        /* the day in short (it is within two days): "11月25日（水） 15:00 から 17:00 まで" */
        const struct shop_slot *sl = &s->slots[s->slot];
        char m[8], d[8], wk[8], h1[16], h2[16], day[96];
        snprintf(m, sizeof m, "%d", sl->month);
        snprintf(d, sizeof d, "%d", sl->day);
        snprintf(wk, sizeof wk, "wday_%d", shop_weekday(sl->year, sl->month, sl->day));
        i18n_format(day, sizeof day, app_s(a, "shop_day_short"), m, d, app_s(a, wk), NULL);
        wareki_time(h1, sizeof h1, sl->start_h, 0);
        wareki_time(h2, sizeof h2, sl->end_h, 0);
        i18n_format(slot, sizeof slot, app_s(a, "shop_slot_words"), day, h1, h2, NULL);
    }
    i18n_format(para[k++], sizeof para[0], app_s(a, "shop_confirm_shop"), s->cat.operator_name,
                NULL, NULL, NULL);
    for (int i = 0; i < n && k < CONFIRM_PARAS - 3; i++)
        cart_row_text(a, idx[i], para[k++], sizeof para[0]);
    total_words(a, para[k++], sizeof para[0]);
    i18n_format(para[k++], sizeof para[0], app_s(a, "shop_confirm_slot"), slot, NULL, NULL, NULL);
    snprintf(para[k++], sizeof para[0], "%s", app_s(a, "shop_confirm_pay"));
    for (int i = 0; i < k; i++)
        out[i] = para[i];
    return k;
}

#define CONFIRM_PAGES 64

/* The confirm screen when its words do not fit above its row of buttons (large text, a long
 * order, a notice band): the words paged above ◀ [注文する] ▶, the shop's bottom row on its
 * other screens (◀ [注文へ] ▶ on the items), so 注文する is on every page at the same place;
 * 日を かえる and かごを なおす follow the words on the last page, after the day and the total
 * they change. Three buttons and ◀ ▶ in two rows took 300 px of the 390 a page has below
 * the long band at 150 % in English, and a page held one line (15 pages). */
static void confirm_paged(struct app *a, struct ui_rect c, const struct shopapp_words *w, int n,
                          const struct wg_button *bt)
{
    struct app_shop *s = a->shop;
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    struct pageflow_block b[CONFIRM_PARAS + 1];
    struct pageflow_cut starts[CONFIRM_PAGES];
    int gap = app_gap(a), hw = (c.w - gap) / 2, rh = 0;
    bool compact = shopapp_bar_compact(a, c.w, &bt[2], c.h);
    int barh = shopapp_bar_height(a, c.w, &bt[2], compact), room = c.h - barh - gap;
    struct wg_button two[2] = {bt[0], bt[1]};
    for (int k = 0; k < 2; k++) {
        two[k].fixed_mm = compact ? WG_LABEL_MM : 0;
        int h = wg_button_height(ui, &two[k], hw);
        rh = h > rh ? h : rh;
    }
    for (int i = 0; i < n; i++) {
        b[i] = (struct pageflow_block){0};
        b[i].line_h = ui_line_height(ui, w[i].font, ui_text_px(ui, w[i].mm));
        b[i].lines = wg_text_lines(ui, w[i].font, w[i].mm, w[i].text, c.w);
        b[i].gap = w[i].after;
        b[i].h = b[i].lines * b[i].line_h + b[i].gap;
    }
    b[n] = (struct pageflow_block){.h = rh + gap, .gap = gap, .targets = 2};
    int np = pageflow_plan(b, n + 1, room, room, 0, starts, CONFIRM_PAGES);
    /* past the end shows the last page; the page asked for is kept (the frame may be laid
     * out again at once with other room) */
    struct pageflow_page pg = pageflow_page(starts, np, n + 1, s->confirm_page);
    struct pageflow_part part;
    int cur = pg.page, y = c.y;
    while (pageflow_page_next(b, n + 1, &pg, &part)) {
        if (part.block == n) {
            /* the last page: 日を かえる and かごを なおす right above the bottom row */
            int ry = c.y + room - rh;
            if (wg_button(ui, &two[0], (struct ui_rect){c.x, ry, hw, rh}))
                app_nav_push(a, &scr_shop_slot);
            if (wg_button(ui, &two[1], (struct ui_rect){c.x + c.w - hw, ry, hw, rh})) {
                s->cart_page = 0;
                app_nav_push(a, &scr_shop_cart);
            }
            continue;
        }
        const struct shopapp_words *p = &w[part.block];
        y += wg_paragraph_part(ui, (struct ui_rect){c.x, y, c.w, 0}, p->font, p->mm, t->text, t->bg,
                               p->text, part.first_line, part.lines);
        if (part.first_line + part.lines >= b[part.block].lines)
            y += b[part.block].gap;
    }
    bool hit;
    int d = shopapp_bar(a, (struct ui_rect){c.x, c.y + c.h - barh, c.w, barh}, &bt[2], compact, cur,
                        np, &hit);
    s->confirm_pages = np;
    if (d)
        s->confirm_page = cur + d;
    if (hit) {
        shopapp_send_order(a);
        app_nav_replace(a, &scr_shop_sent);
    }
}

static void confirm_frame(struct app *a, struct ui_rect c)
{
    struct app_shop *s = a->shop;
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a), used = 0;
    if (s->again_pending) {
        /* the same again: the shop's catalogue first (today's items and prices) */
        if (shopapp_load_note(a, &s->cat_load, c, &used))
            shopapp_load_catalogue(a);
        return;
    }
    if (shop_cart_count(&s->cart, &s->cat) == 0) {
        wg_paragraph(ui, c, UI_FONT_REGULAR, WG_BODY_MM, t->text, t->bg, app_s(a, "shop_cart_none"),
                     WG_LEFT);
        return;
    }
    /* the words above one row of buttons: [日を かえる] [かごを なおす] [注文する] where they
     * fit; else confirm_paged */
    struct wg_button bt[3] = {
        {"shop_change_slot", app_s(a, "shop_change_slot"), ICON_NONE, WG_SECONDARY, false, 0},
        {"shop_edit_cart", app_s(a, "shop_edit_cart"), ICON_NONE, WG_SECONDARY, false, 0},
        {"shop_order", app_s(a, "shop_order"), ICON_CHECK, WG_PRIMARY, false, 0}};
    const char *para[CONFIRM_PARAS];
    int n = confirm_paras(a, para), need = 0;
    struct shopapp_words w[CONFIRM_PARAS];
    for (int i = 0; i < n; i++) {
        w[i] = (struct shopapp_words){para[i], UI_FONT_REGULAR, WG_BODY_MM, false, 0};
        need += wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, para[i], c.w);
    }
    int bw = (c.w - 2 * gap) / 3, bh = 0;
    for (int k = 0; k < 3; k++) {
        int h = wg_button_height(ui, &bt[k], bw);
        bh = h > bh ? h : bh;
    }
    /* every item is shown: when the words do not fit above the buttons (large text, a long
     * order, a notice band) they are paged */
    if (need > c.h - bh - gap) {
        confirm_paged(a, c, w, n, bt);
        return;
    }
    int by = c.y + c.h - bh;
    s->confirm_pages = 1;
    shopapp_words_paged(a, (struct ui_rect){c.x, c.y, c.w, by - gap - c.y}, w, n, 0,
                        &s->confirm_pages);
    if (wg_button(ui, &bt[0], (struct ui_rect){c.x, by, bw, bh}))
        app_nav_push(a, &scr_shop_slot);
    if (wg_button(ui, &bt[1], (struct ui_rect){c.x + bw + gap, by, bw, bh})) {
        s->cart_page = 0;
        app_nav_push(a, &scr_shop_cart);
    }
    if (wg_button(ui, &bt[2], (struct ui_rect){c.x + 2 * (bw + gap), by, bw, bh})) {
        shopapp_send_order(a);
        app_nav_replace(a, &scr_shop_sent);
    }
}

static void confirm_enter(struct app *a)
{
    a->shop->confirm_page = 0;
    a->shop->confirm_pages = 1;
}

static void confirm_title(const struct app *a, char *buf, size_t size)
{
    app_title_page(a, "title_shop_confirm", a->shop->confirm_page, a->shop->confirm_pages, buf,
                   size);
}

static void confirm_sample(struct app *a, int variant)
{
    shopapp_sample(a);
    a->shop->confirm_page = variant; /* past the end: the last page */
}

const struct screen scr_shop_cart = {.name = "shop_cart",
                                     .title_key = "title_shop_cart",
                                     .frame = cart_frame,
                                     .sample = cart_sample,
                                     .title = cart_title};
const struct screen scr_shop_slot = {.name = "shop_slot",
                                     .title_key = "title_shop_slot",
                                     .enter = slot_enter,
                                     .frame = slot_frame,
                                     .sample = slot_sample,
                                     .title = slot_title};
const struct screen scr_shop_confirm = {.name = "shop_confirm",
                                        .title_key = "title_shop_confirm",
                                        .enter = confirm_enter,
                                        .frame = confirm_frame,
                                        .sample = confirm_sample,
                                        .title = confirm_title};
