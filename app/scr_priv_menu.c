/*
 * scr_priv_menu: 私の情報 in a card session: three big choices, the access log (who saw
 * what), the consent settings (who may see what) and the town's statistics (whether the
 * resident is counted in them, statsopt.h). One tap from the session's home, so each is two
 * taps away.
 */
#include "appstate.h"

#define N_CHOICES 3

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    int gap = app_gap(a);
    const char *body = app_s(a, "priv_menu_body");
    struct wg_button b[N_CHOICES] = {
        {"priv_log", app_s(a, "priv_menu_log"), ICON_STATUS, WG_SECONDARY, false, 0},
        {"priv_consent", app_s(a, "priv_menu_consent"), ICON_CHECK, WG_SECONDARY, false, 0},
        {"stats_optout", app_s(a, "priv_menu_stats"), ICON_CARD, WG_SECONDARY, false, 0}};
    static const struct screen *const to[N_CHOICES] = {&scr_priv_log, &scr_priv_consent,
                                                       &scr_stats_optout};
    /* one choice a row, the whole width: long words stay whole beside their icon */
    int bh = 0;
    for (int i = 0; i < N_CHOICES; i++) {
        int h = wg_button_height(ui, &b[i], c.w);
        bh = h > bh ? h : bh;
    }
    int body_h = wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, body, c.w) + gap;
    int tapped = -1;
    if (body_h + N_CHOICES * bh + (N_CHOICES - 1) * gap > c.h) {
        /* a notice band at large text: the words and the choices over pages */
        tapped = priv_choices_paged(a, c, body, b, N_CHOICES, &a->pv.menu_page, &a->pv.menu_pages);
    } else {
        a->pv.menu_pages = 1;
        int y = c.y + priv_para(a, c, c.y, false, body);
        int room = (c.y + c.h - y - (N_CHOICES - 1) * gap) / N_CHOICES;
        int want = room < ui_mm(ui, 30) ? room : ui_mm(ui, 30);
        bh = want > bh ? want : bh; /* grow to the room left, never below what the words need */
        for (int i = 0; i < N_CHOICES; i++)
            if (wg_button(ui, &b[i], (struct ui_rect){c.x, y + i * (bh + gap), c.w, bh}))
                tapped = i;
    }
    if (tapped >= 0)
        app_nav_push(a, to[tapped]);
}

static void title(const struct app *a, char *buf, size_t size)
{
    app_title_page(a, "title_priv_menu", a->pv.menu_page, a->pv.menu_pages, buf, size);
}

static void sample(struct app *a, int variant)
{
    (void)variant;
    a->card.present = true;
    a->card.in_session = true;
}

const struct screen scr_priv_menu = {.name = "priv_menu",
                                     .title_key = "title_priv_menu",
                                     .title = title,
                                     .frame = frame,
                                     .sample = sample};
