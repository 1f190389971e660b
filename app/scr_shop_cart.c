/*
 * scr_shop_cart: the last steps before an order: the confirmation that lists the items,
 * the total, the shop and the delivery day (the earliest slot unless another was chosen)
 * with one 注文する button, and, from it, the cart review (each line with − +, the total
 * in yen) and the delivery slot (four two-hour windows, dates as 令和 with the Western year
 * and the day of the week). Opened from the confirm screen, the cart and the slot go back
 * to it.
 */
#include "appstate.h"
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

static void cart_frame(struct app *a, struct ui_rect c)
{
    struct app_shop *s = a->shop;
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a), idx[SHOP_MAX_ITEMS];
    int n = cart_lines(s, idx);
    char words[256], line[320], page[64], head[400];
    total_words(a, words, sizeof words);
    if (n == 0) {
        int y = c.y +
                wg_paragraph(ui, (struct ui_rect){c.x, c.y, c.w, 0}, UI_FONT_BOLD, WG_BODY_MM,
                             t->text, t->bg, words, WG_LEFT) +
                gap;
        wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text,
                     t->bg, app_s(a, "shop_cart_none"), WG_LEFT);
        return;
    }
    /* the total (and the page) first; its height with the longest page words */
    i18n_format(page, sizeof page, app_s(a, "page_of"), "9", "9", NULL, NULL);
    snprintf(head, sizeof head, "%s ・ %s", words, page);
    int y = c.y + wg_text_height(ui, UI_FONT_BOLD, WG_BODY_MM, head, c.w) + gap;
    /* bottom row: ◀ [届ける 日を 選ぶ] ▶ in thirds; the page is said in the title line */
    bool back = from_confirm(a);
    struct wg_button go = {back ? "shop_back_confirm" : "shop_to_slot",
                           app_s(a, back ? "shop_back_confirm" : "shop_to_slot"),
                           ICON_NONE,
                           WG_PRIMARY,
                           false,
                           0};
    struct wg_button prev = {
        "page_prev", app_s(a, "shop_page_prev"), ICON_PREV, WG_SECONDARY, false, 0};
    struct wg_button next = {
        "page_next", app_s(a, "shop_page_next"), ICON_NEXT, WG_SECONDARY, false, 0};
    int bw = (c.w - 2 * gap) / 3;
    int bh = wg_button_height(ui, &go, bw);
    int h2 = s->cart_page > 0 ? wg_button_height(ui, &prev, bw) : 0; /* only when drawn */
    bh = h2 > bh ? h2 : bh;
    h2 = wg_button_height(ui, &next, bw);
    bh = h2 > bh ? h2 : bh;
    int by = c.y + c.h - bh;
    int room = by - gap - y;
    /* each line: words | − + side by side, or (large text) words above − + */
    struct wg_button mprobe = {"m", app_s(a, "shop_minus"), ICON_NONE, WG_SECONDARY, false, 0};
    struct wg_button pprobe = {"p", app_s(a, "shop_plus"), ICON_NONE, WG_SECONDARY, false, 0};
    int pw = ui_mm(ui, 36);
    int one = wg_button_height(ui, &mprobe, ui_mm(ui, 200));
    while (pw < ui_mm(ui, 60) &&
           (wg_button_height(ui, &mprobe, pw) > one || wg_button_height(ui, &pprobe, pw) > one))
        pw += ui_mm(ui, 4);
    int tw = c.w - 2 * pw - 2 * gap;
    int need_side = one, need_full = 0;
    for (int k = 0; k < n; k++) {
        cart_row_text(a, idx[k], line, sizeof line);
        int th = wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, line, tw);
        need_side = th > need_side ? th : need_side;
        th = wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, line, c.w);
        need_full = th > need_full ? th : need_full;
    }
    int stacked_need = need_full + gap + one;
    /* two lines a page when they fit and make at most two pages (six choices), else one */
    int per = n <= 4 && 2 * need_side + gap <= room ? 2 : 1;
    bool stacked = per == 1 && need_side > room / 2 && stacked_need <= room;
    int need = stacked ? stacked_need : need_side;
    int pages = shop_pages(n, per);
    if (s->cart_page >= pages)
        s->cart_page = pages - 1;
    int first = shop_page_first(n, per, s->cart_page);
    if (pages > 1) {
        char p1[16], p2[16];
        snprintf(p1, sizeof p1, "%d", s->cart_page + 1);
        snprintf(p2, sizeof p2, "%d", pages);
        i18n_format(page, sizeof page, app_s(a, "page_of"), p1, p2, NULL, NULL);
        snprintf(head, sizeof head, "%s ・ %s", words, page);
    } else {
        snprintf(head, sizeof head, "%s", words);
    }
    wg_paragraph(ui, (struct ui_rect){c.x, c.y, c.w, 0}, UI_FONT_BOLD, WG_BODY_MM, t->text, t->bg,
                 head, WG_LEFT);
    for (int k = 0; k < per && first + k < n; k++) {
        int i = idx[first + k];
        char id_m[UI_ID_MAX], id_p[UI_ID_MAX];
        cart_row_text(a, i, line, sizeof line);
        snprintf(id_m, sizeof id_m, "shop_minus_%d", i);
        snprintf(id_p, sizeof id_p, "shop_plus_%d", i);
        struct wg_button minus = {id_m, app_s(a, "shop_minus"), ICON_NONE, WG_SECONDARY, false, 0};
        struct wg_button plus = {id_p, app_s(a, "shop_plus"), ICON_NONE, WG_SECONDARY, false, 0};
        struct ui_rect rm, rp;
        if (stacked) {
            int hw = (c.w - gap) / 2;
            wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text,
                         t->bg, line, WG_LEFT);
            rm = (struct ui_rect){c.x, y + need_full + gap, hw, one};
            rp = (struct ui_rect){c.x + hw + gap, y + need_full + gap, hw, one};
        } else {
            wg_paragraph(ui, (struct ui_rect){c.x, y, tw, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text,
                         t->bg, line, WG_LEFT);
            rm = (struct ui_rect){c.x + tw + gap, y, pw, need_side};
            rp = (struct ui_rect){c.x + tw + pw + 2 * gap, y, pw, need_side};
        }
        if (wg_button(ui, &minus, rm) && shop_cart_add(&s->cart, &s->cat, i, -1))
            app_mark_dirty(a);
        if (shop_cart_can_add(&s->cart, &s->cat, i) && wg_button(ui, &plus, rp) &&
            shop_cart_add(&s->cart, &s->cat, i, +1))
            app_mark_dirty(a);
        y += need + gap;
    }
    if (s->cart_page > 0 && wg_button(ui, &prev, (struct ui_rect){c.x, by, bw, bh})) {
        s->cart_page--;
        app_mark_dirty(a);
    }
    if (wg_button(ui, &go, (struct ui_rect){c.x + bw + gap, by, bw, bh})) {
        if (back) {
            app_nav_back(a);
        } else {
            shop_slots(a->wall_s, s->slots);
            s->slot = -1;
            app_nav_push(a, &scr_shop_slot);
        }
    }
    if (s->cart_page + 1 < pages &&
        wg_button(ui, &next, (struct ui_rect){c.x + 2 * (bw + gap), by, bw, bh})) {
        s->cart_page++;
        app_mark_dirty(a);
    }
}

static void cart_sample(struct app *a, int variant)
{
    shopapp_sample(a);
    if (variant == 1)
        shop_cart_clear(&a->shop->cart);
}

/* Two days side by side, each with its date in words above its two windows. */
static void slot_frame(struct app *a, struct ui_rect c)
{
    struct app_shop *s = a->shop;
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a);
    int cw = (c.w - gap) / 2;
    for (int d = 0; d < SHOP_SLOTS / 2; d++) {
        const struct shop_slot *day = &s->slots[2 * d];
        int x = c.x + d * (cw + gap), y = c.y;
        char date[96];
        shopapp_day_words(a, day->year, day->month, day->day, date, sizeof date);
        y += wg_paragraph(ui, (struct ui_rect){x, y, cw, 0}, UI_FONT_BOLD, WG_BODY_MM, t->text,
                          t->bg, date, WG_LEFT) +
             gap;
        for (int k = 0; k < 2; k++) {
            const struct shop_slot *sl = &s->slots[2 * d + k];
            char h1[16], h2[16], words[80], id[UI_ID_MAX];
            wareki_time(h1, sizeof h1, sl->start_h, 0);
            wareki_time(h2, sizeof h2, sl->end_h, 0);
            i18n_format(words, sizeof words, app_s(a, "shop_slot_time"), h1, h2, NULL, NULL);
            snprintf(id, sizeof id, "shop_slot_%d", 2 * d + k);
            struct wg_button b = {
                id, words, ICON_NONE, 2 * d + k == s->slot ? WG_SELECTED : WG_SECONDARY, false, 0};
            int h = wg_button_height(ui, &b, cw);
            if (wg_button(ui, &b, (struct ui_rect){x, y, cw, h})) {
                s->slot = 2 * d + k;
                if (from_confirm(a))
                    app_nav_back(a);
                else
                    app_nav_push(a, &scr_shop_confirm);
            }
            y += h + gap;
        }
    }
}

static void slot_enter(struct app *a)
{
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
    /* the words above one row of buttons: [日を かえる] [かごを なおす] [注文する] */
    struct wg_button go = {"shop_order", app_s(a, "shop_order"), ICON_CHECK, WG_PRIMARY, false, 0};
    struct wg_button day = {
        "shop_change_slot", app_s(a, "shop_change_slot"), ICON_NONE, WG_SECONDARY, false, 0};
    struct wg_button cart = {
        "shop_edit_cart", app_s(a, "shop_edit_cart"), ICON_NONE, WG_SECONDARY, false, 0};
    int bw = (c.w - 2 * gap) / 3;
    int bh = wg_button_height(ui, &go, bw), h2 = wg_button_height(ui, &day, bw);
    bh = h2 > bh ? h2 : bh;
    h2 = wg_button_height(ui, &cart, bw);
    bh = h2 > bh ? h2 : bh;
    int by = c.y + c.h - bh;
    /* every item is shown: when the words do not fit above the buttons (large text, a long
     * order) they are paged with ◀ ▶ above the buttons, a paragraph never split */
    const char *para[CONFIRM_PARAS];
    int n = confirm_paras(a, para), ph[CONFIRM_PARAS], need = 0;
    for (int i = 0; i < n; i++)
        need += ph[i] = wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, para[i], c.w);
    int room = by - gap - c.y, pagerh = 0, pages = 1, first[CONFIRM_PARAS + 1];
    first[0] = 0;
    if (need > room) {
        pagerh = app_pager_height(a, c.w);
        room -= pagerh + gap;
        int filled = 0;
        for (int i = 0; i < n; i++) {
            if (filled > 0 && filled + ph[i] > room) {
                first[pages++] = i;
                filled = 0;
            }
            filled += ph[i];
        }
    }
    first[pages] = n;
    s->confirm_pages = pages;
    /* past the end shows the last page, the page asked for kept (see ckpage_frame) */
    int cur = s->confirm_page < pages ? s->confirm_page : pages - 1;
    int y = c.y;
    for (int i = first[cur]; i < first[cur + 1]; i++)
        y += wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM,
                          t->text, t->bg, para[i], WG_LEFT);
    int d = pages > 1
                ? app_pager(a, (struct ui_rect){c.x, by - gap - pagerh, c.w, pagerh}, cur, pages)
                : 0;
    if (d)
        s->confirm_page = cur + d;
    if (wg_button(ui, &day, (struct ui_rect){c.x, by, bw, bh}))
        app_nav_push(a, &scr_shop_slot);
    if (wg_button(ui, &cart, (struct ui_rect){c.x + bw + gap, by, bw, bh})) {
        s->cart_page = 0;
        app_nav_push(a, &scr_shop_cart);
    }
    if (wg_button(ui, &go, (struct ui_rect){c.x + 2 * (bw + gap), by, bw, bh})) {
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
                                     .sample = cart_sample};
const struct screen scr_shop_slot = {.name = "shop_slot",
                                     .title_key = "title_shop_slot",
                                     .enter = slot_enter,
                                     .frame = slot_frame,
                                     .sample = slot_sample};
const struct screen scr_shop_confirm = {.name = "shop_confirm",
                                        .title_key = "title_shop_confirm",
                                        .enter = confirm_enter,
                                        .frame = confirm_frame,
                                        .sample = confirm_sample,
                                        .title = confirm_title};
