/*
 * scr_session: the resident's home screen after a card login on a public kiosk. The
 * services are tiles (checkups, 安否, my information; each area adds its own), 終わる ends
 * the session at once; taking the card out does the same.
 */
#include "appstate.h"

static void title(const struct app *a, char *buf, size_t size)
{
    i18n_format(buf, size, app_s(a, "session_title"), a->name, NULL, NULL, NULL);
    app_title_words_page(a, buf, a->session_page, a->session_pages, buf, size);
}

/* The session's home: service tiles (each area adds its own block; at most five, so that
 * with 終わる the screen offers six choices) in rows of three, 終わる last. */
struct tile {
    const char *id, *key;
    enum icon_id icon;
    const struct screen *to;
};

static const struct tile tiles[] = {
    /* --- privacy + checkups --- */
    {"ck_list", "tile_ck", ICON_STATUS, &scr_ck_list},
    {"priv_alerts", "tile_priv_alerts", ICON_HELP, &scr_priv_alerts},
    {"priv_menu", "tile_priv_menu", ICON_CARD, &scr_priv_menu},
    /* --- end privacy + checkups --- */
};
#define N_TILES (sizeof tiles / sizeof tiles[0])

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    int gap = app_gap(a);
    int y = c.y;
    struct wg_button b[N_TILES + 1];
    int n = (int)N_TILES + 1;
    int cols = n <= 4 ? 2 : 3; /* wide tiles keep long words whole */
    int rows = (n + cols - 1) / cols;
    int bw = (c.w - (cols - 1) * gap) / cols, bh = 0;
    for (int i = 0; i < n; i++) {
        if (i < (int)N_TILES)
            b[i] = (struct wg_button){
                tiles[i].id, app_s(a, tiles[i].key), tiles[i].icon, WG_SECONDARY, true, 0};
        else
            b[i] = (struct wg_button){
                "session_end", app_s(a, "session_end"), ICON_CROSS, WG_PRIMARY, true, 0};
        int h = wg_button_height(ui, &b[i], bw);
        bh = h > bh ? h : bh;
    }
    /* the note on how the session ends is always said: when the tiles with their icons
     * above the words leave no room for it (large text), the icons go beside the words,
     * which takes less height */
    int note_h = wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, app_s(a, "session_body"), c.w);
    int room = (c.y + c.h - y - note_h - gap - (rows - 1) * gap) / rows;
    if (bh > room) {
        bh = 0;
        for (int i = 0; i < n; i++) {
            b[i].icon_above = false;
            int h = wg_button_height(ui, &b[i], bw);
            bh = h > bh ? h : bh;
        }
    }
    /* still short (a notice band above, large text): the note and then whole rows of tiles
     * go on pages (the note on the first, where the rules want it), ◀ ▶ below and the page
     * in the title */
    int first = 0, last = rows, pages = 1, start[8] = {0};
    /* (the rows may take the gap above the status bar, as they did before there were pages) */
    if (note_h + gap + rows * bh + (rows - 1) * gap > c.h + gap) {
        int ph = app_pager_height(a, c.w), room_h = c.h - ph - gap, used = 0;
        if (note_h > room_h || bh > room_h)
            app_first_screen_short(a); /* not even one of them: no title above */
        for (int k = 0; k <= rows && pages < 8; k++) {
            int h = (k == 0 ? note_h : bh) + gap; /* block 0: the note, then the rows */
            if (used > 0 && used + h > room_h + gap) {
                start[pages++] = k;
                used = 0;
            }
            used += h;
        }
        int cur = a->session_page < pages ? a->session_page : pages - 1;
        int from = start[cur], to = cur + 1 < pages ? start[cur + 1] : rows + 1;
        if (from == 0)
            y += priv_para(a, c, y, false, app_s(a, "session_body"));
        first = from > 0 ? from - 1 : 0;
        last = to - 1;
        int d = app_pager(a, (struct ui_rect){c.x, c.y + c.h - ph, c.w, ph}, cur, pages);
        if (d)
            a->session_page = cur + d;
        c.h = room_h;
    }
    a->session_pages = pages;
    if (pages == 1) {
        y += priv_para(a, c, y, false, app_s(a, "session_body"));
        room = (c.y + c.h - y - (rows - 1) * gap) / rows;
        int want = room < ui_mm(ui, 40) ? room : ui_mm(ui, 40);
        bh = want > bh ? want : bh;
    }
    for (int i = first * cols; i < n && i < last * cols; i++) {
        struct ui_rect r = {c.x + (i % cols) * (bw + gap), y + (i / cols - first) * (bh + gap), bw,
                            bh};
        if (!wg_button(ui, &b[i], r))
            continue;
        if (i < (int)N_TILES)
            app_nav_push(a, tiles[i].to);
        else
            app_card_end(a);
    }
}

static void enter(struct app *a)
{
    a->session_page = 0;
}

static void sample(struct app *a, int variant)
{
    (void)variant;
    a->session_page = 0;
    a->session_pages = 1;
    a->card.present = true;
    a->card.in_session = true;
    snprintf(a->name, sizeof a->name, "%s", app_s(a, "sample_name"));
}

const struct screen scr_session = {.name = "session",
                                   .title_key = "title_card",
                                   .enter = enter,
                                   .frame = frame,
                                   .sample = sample,
                                   .title = title};
