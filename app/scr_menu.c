/*
 * scr_menu: くらし, the home tablet's second level. Home keeps six choices (three answers,
 * 助けて, くらし, 設定); everything else a resident does at home starts here, so each
 * function stays within three taps of home at every text size: 買い物を する (the
 * categories at once when one shop delivers here), 同じものを もう一度 (the last order again:
 * this screen, then the confirm screen's 注文する: three taps from home), 安否,
 * 買い物・たのむ (orders, family requests) and 私の情報 (the resident's own data, behind the
 * card). The shops and the last order are asked for when the screen opens.
 */
#include <string.h>

#include "appstate.h"

#define TILES 5

/* What a tap on tile i does. */
static void tapped(struct app *a, int i)
{
    switch (i) {
    case 0:
        shopapp_start(a);
        break;
    case 1:
        shopapp_order_again(a);
        break;
    case 2:
        app_nav_push(a, &scr_status);
        break;
    case 3:
        app_nav_push(a, &scr_shop_menu);
        break;
    default:
        app_nav_push(a, &scr_priv_own);
        break;
    }
}

/* The tiles on pages of whole rows (see frame); a pair whose words do not fit a page at half
 * width (the long band at 150 %) goes on two rows across the width. */
static void paged(struct app *a, struct ui_rect c, struct wg_button *b, bool again)
{
    static const int pairs[3][2] = {{0, 2}, {1, 3}, {4, -1}};
    int gap = app_gap(a), ph = app_pager_height(a, c.w), room = c.h - ph - gap;
    int row[TILES][2], rh[TILES], nrows = 0, start[TILES + 1] = {0}, pages = 1;
    for (int k = 0; k < 3; k++) {
        int half = (c.w - gap) / 2, h = 0;
        for (int j = 0; j < 2 && pairs[k][j] >= 0; j++) {
            b[pairs[k][j]].icon = ICON_NONE; /* the words need the room */
            int t = wg_button_height(a->ui, &b[pairs[k][j]], pairs[k][1] < 0 ? c.w : half);
            h = t > h ? t : h;
        }
        if (pairs[k][1] < 0 || h <= room) {
            row[nrows][0] = pairs[k][0];
            row[nrows][1] = pairs[k][1];
            rh[nrows++] = h;
            continue;
        }
        for (int j = 0; j < 2; j++) {
            row[nrows][0] = pairs[k][j];
            row[nrows][1] = -1;
            rh[nrows++] = wg_button_height(a->ui, &b[pairs[k][j]], c.w);
        }
    }
    for (int k = 0, used = 0; k < nrows; k++) {
        if (used > 0 && used + rh[k] > room) {
            start[pages++] = k;
            used = 0;
        }
        used += rh[k] + gap;
    }
    int cur = a->menu_page < pages ? a->menu_page : pages - 1;
    int end = cur + 1 < pages ? start[cur + 1] : nrows;
    int d = app_pager(a, (struct ui_rect){c.x, c.y + c.h - ph, c.w, ph}, cur, pages);
    if (d)
        a->menu_page = cur + d;
    a->menu_pages = pages;
    a->shop->again_elsewhere = false;
    for (int k = start[cur], y = c.y; k < end; y += rh[k] + gap, k++) {
        int per = row[k][1] < 0 ? 1 : 2, w = (c.w - (per - 1) * gap) / per;
        for (int j = 0; j < per; j++) {
            int i = row[k][j];
            if (i == 1 && !again)
                continue;
            if (wg_button(a->ui, &b[i], (struct ui_rect){c.x + j * (w + gap), y, w, rh[k]}))
                tapped(a, i);
        }
    }
}

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    int gap = app_gap(a);
    const struct shop_order *last = shopapp_last_order(a);
    struct wg_button b[TILES] = {
        {"shop_buy", app_s(a, "tile_shop_buy"), ICON_NEXT, WG_SECONDARY, true, 0},
        {"shop_again", app_s(a, "tile_shop_again"), ICON_REFRESH, WG_PRIMARY, true, 0},
        {"status", app_s(a, "tile_status"), ICON_STATUS, WG_SECONDARY, true, 0},
        {"shop_menu", app_s(a, "tile_shop"), ICON_NEXT, WG_SECONDARY, true, 0},
        {"priv_own", app_s(a, "tile_my_data"), ICON_CARD, WG_SECONDARY, true, 0}};
    /* the two shopping tiles first (the second only when there is an order to repeat), then
     * the rest: the first of these arrangements that fits, icons above the words, then
     * beside them, then none. Then the short words paired (買い物を する with 安否, 同じものを
     * もう一度 with 買い物・たのむ) and 私の情報 across the whole width: at 150 % in English
     * "The same again" and "My information (card)" need more lines at half width than
     * the others, and only this way do all five fit (PRODUCT.md: every function ≤ 3
     * taps). When even that does not fit (a notice band at 150 %): 同じものを もう一度 leads
     * the categories of 買い物を する instead (one tap more) — paging くらし would instead
     * put 買い物・たのむ or 私の情報 on a second page and what is behind it at 4 taps; only
     * when not even four tiles fit (a band with all its words, 150 % in English) does it
     * page (paged()). */
    static const int layouts[3][3] = {{2, 3, 0}, {2, 2, 1}, {2, 2, 0}};
    const int *rows = layouts[2];
    int rh[3] = {0, 0, 0}, rw[3] = {0, 0, 0}, nrows = 3;
    bool hide_again = false;
    int vis[TILES] = {0, 1, 2, 3, 4}; /* the tiles in order of drawing */
    for (int l = 0; l < 8; l++) {
        int used = 0, k = 0, n = 0;
        bool paired = l == 6; /* short words paired, the lone tile across the width */
        hide_again = l == 7;
        rows = layouts[hide_again ? 2 : paired ? 1 : l % 2];
        if (paired) {
            static const int order[TILES] = {0, 2, 1, 3, 4};
            memcpy(vis, order, sizeof vis);
        } else if (hide_again) { /* 0, 2, 3, 4 */
            for (int i = 1; i < TILES - 1; i++)
                vis[i] = i + 1;
        }
        for (int i = 0; i < TILES; i++) {
            b[i].icon_above = l < 2;
            if (l >= 4)
                b[i].icon = ICON_NONE; /* the words need the room */
        }
        while (k < 3 && rows[k]) {
            /* a lone tile keeps the half width, but where the words are paired */
            int per = rows[k] == 3 ? 3 : rows[k] == 1 && paired ? 1 : 2;
            rw[k] = (c.w - (per - 1) * gap) / per;
            rh[k] = 0;
            for (int i = n; i < n + rows[k]; i++) {
                int h = wg_button_height(ui, &b[vis[i]], rw[k]);
                rh[k] = h > rh[k] ? h : rh[k];
            }
            used += rh[k] + (k ? gap : 0);
            n += rows[k++];
        }
        nrows = k;
        if (used <= c.h)
            break;
    }
    a->shop->again_elsewhere = hide_again && last;
    int total = (nrows - 1) * gap;
    for (int k = 0; k < nrows; k++)
        total += rh[k];
    /* not even that fits (a notice band that says all its words at 150 %): all five on
     * pages, the words without icons in rows of the short ones paired (買い物を する with
     * 安否, 同じものを もう一度 with 買い物・たのむ) and 私の情報 across the width, ◀ ▶ below
     * and the page in the title, as the other screens page */
    if (total > c.h) {
        paged(a, c, b, last != NULL);
        return;
    }
    a->menu_pages = 1;
    /* big targets: the rows share the room left, up to 45 mm each */
    int spare = (c.h - total) / nrows;
    for (int k = 0; k < nrows; k++) {
        int grow = spare < ui_mm(ui, 45) - rh[k] ? spare : ui_mm(ui, 45) - rh[k];
        rh[k] += grow > 0 ? grow : 0;
    }
    int y = c.y, v = 0;
    for (int k = 0; k < nrows; k++) {
        for (int j = 0; j < rows[k]; j++, v++) {
            struct ui_rect r = {c.x + j * (rw[k] + gap), y, rw[k], rh[k]};
            int i = vis[v];
            if (i == 1 && !last)
                continue;
            if (wg_button(ui, &b[i], r))
                tapped(a, i);
        }
        y += rh[k] + gap;
    }
}

static void title(const struct app *a, char *buf, size_t size)
{
    app_title_page(a, "title_menu", a->menu_page, a->menu_pages, buf, size);
}

static void enter(struct app *a)
{
    a->menu_page = 0;
    if (!a->shop->ops_load.loaded)
        shopapp_load_operators(a);
    shopapp_load_orders(a); /* the last order may have changed since */
}

static void sample(struct app *a, int variant)
{
    (void)variant;
    a->menu_page = 0;
    a->menu_pages = 1;
    shopapp_sample(a);
}

const struct screen scr_menu = {.name = "menu",
                                .title_key = "title_menu",
                                .enter = enter,
                                .frame = frame,
                                .sample = sample,
                                .title = title};
