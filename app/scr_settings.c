/*
 * scr_settings: the settings menu, four choices (five on the home tablet: 声), each opening one
 * setting's screen (so every setting is two taps from home and its change is confirmed in words
 * there). Two columns of tiles; three when two do not fit; when three do not fit either (large
 * text under a notice band) the tiles go on pages with ◀ ▶, every tile kept.
 */
#include <string.h>

#include "appstate.h"

#define TILES 5

/* Row heights of n tiles in cols columns of width bw into rh; returns the rows' total height
 * with the gaps between them. */
static int rows_height(struct ui *ui, const struct wg_button *b, int n, int cols, int bw, int gap,
                       int *rh)
{
    int total = 0;
    memset(rh, 0, sizeof(int) * TILES);
    for (int i = 0; i < n; i++) {
        int h = wg_button_height(ui, &b[i], bw);
        rh[i / cols] = h > rh[i / cols] ? h : rh[i / cols];
    }
    for (int r = 0; r * cols < n; r++)
        total += rh[r] + gap;
    return total - gap;
}

/* a row of the pages: one or two tiles from `first`, its height */
struct tile_row {
    int first, n, h;
};

static void open_tile(struct app *a, const struct screen *to)
{
    a->notice[0] = '\0';
    app_nav_push(a, to);
}

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    int gap = app_gap(a);
    struct wg_button b[TILES] = {
        {"set_text", app_s(a, "set_text"), ICON_TEXTSIZE, WG_SECONDARY, false, 0},
        {"set_theme", app_s(a, "set_theme"), ICON_CONTRAST, WG_SECONDARY, false, 0},
        {"set_lang", app_s(a, "set_lang"), ICON_LANGUAGE, WG_SECONDARY, false, 0},
        {"set_sound", app_s(a, "set_sound"), ICON_SOUND, WG_SECONDARY, false, 0},
        {"set_speech", app_s(a, "set_speech"), ICON_SOUND, WG_SECONDARY, false, 0},
    };
    const struct screen *to[TILES] = {&scr_setting_text, &scr_setting_theme, &scr_setting_lang,
                                      &scr_setting_sound, &scr_setting_speech};
    /* 声 (reading aloud) on the home tablet, where the screens are read aloud */
    int n = a->cfg.profile == APP_PROFILE_HOME ? TILES : TILES - 1;
    int cols = 2, bw = 0, rh[TILES];
    for (;; cols++) {
        bw = (c.w - (cols - 1) * gap) / cols;
        if (rows_height(ui, b, n, cols, bw, gap, rh) <= c.h || cols == 3)
            break;
    }
    if (rows_height(ui, b, n, cols, bw, gap, rh) <= c.h) {
        a->settings_pages = 1;
        for (int i = 0; i < n; i++) {
            int y = c.y;
            for (int r = 0; r < i / cols; r++)
                y += rh[r] + gap;
            if (wg_button(ui, &b[i],
                          (struct ui_rect){c.x + (i % cols) * (bw + gap), y, bw, rh[i / cols]}))
                open_tile(a, to[i]);
        }
        return;
    }
    /* pages of whole rows of two wide tiles above the pager (the page in the title); a tile
     * that does not fit a page at half width beside the next one (its icon above the words)
     * takes a row of its own across the width */
    int ph = app_pager_height(a, c.w), room = c.h - ph - gap;
    struct tile_row rows[TILES];
    int nr = 0;
    bw = (c.w - gap) / 2;
    for (int i = 0; i < n;) {
        int h = wg_button_height(ui, &b[i], bw);
        int h2 = i + 1 < n ? wg_button_height(ui, &b[i + 1], bw) : 0;
        h = h2 > h ? h2 : h;
        if (i + 1 < n && h <= room) {
            rows[nr++] = (struct tile_row){i, 2, h};
            i += 2;
        } else { /* alone across the width; the next tile pairs with the one after it */
            rows[nr++] = (struct tile_row){i, 1, wg_button_height(ui, &b[i], c.w)};
            i++;
        }
    }
    /* each page: as many rows as fit, at least one */
    int page_of[TILES], pages = 1, used = 0;
    for (int r = 0; r < nr; r++) {
        if (used > 0 && used + gap + rows[r].h > room) {
            pages++;
            used = 0;
        }
        used += (used ? gap : 0) + rows[r].h;
        page_of[r] = pages - 1;
    }
    a->settings_pages = pages;
    int cur = a->settings_page < pages ? a->settings_page : pages - 1, y = c.y;
    for (int r = 0; r < nr; r++) {
        if (page_of[r] != cur)
            continue;
        int w = rows[r].n == 2 ? bw : c.w;
        for (int k = 0; k < rows[r].n; k++) {
            int i = rows[r].first + k;
            if (wg_button(ui, &b[i], (struct ui_rect){c.x + k * (bw + gap), y, w, rows[r].h}))
                open_tile(a, to[i]);
        }
        y += rows[r].h + gap;
    }
    int d = app_pager(a, (struct ui_rect){c.x, c.y + c.h - ph, c.w, ph}, cur, pages);
    if (d)
        a->settings_page = cur + d;
}

static void title(const struct app *a, char *buf, size_t size)
{
    app_title_page(a, "title_settings", a->settings_page, a->settings_pages, buf, size);
}

static void enter(struct app *a)
{
    a->settings_page = 0;
    a->settings_pages = 1;
}

static void sample(struct app *a, int variant)
{
    (void)variant;
    enter(a);
}

const struct screen scr_settings = {.name = "settings",
                                    .title_key = "title_settings",
                                    .enter = enter,
                                    .frame = frame,
                                    .sample = sample,
                                    .title = title};
