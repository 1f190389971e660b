/*
 * scr_session: the resident's home screen after a card login on a public kiosk. The
 * services behind it (checkups, access log, consent) come with their own issues; today it
 * greets the resident and says how the session ends. 終わる ends it at once; taking the
 * card out does the same.
 */
#include "appstate.h"

static void title(const struct app *a, char *buf, size_t size)
{
    i18n_format(buf, size, app_s(a, "session_title"), a->name, NULL, NULL, NULL);
}

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int y = c.y;
    y += wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, UI_FONT_REGULAR, WG_BODY_MM, t->text,
                      t->bg, app_s(a, "session_body"), WG_LEFT) +
         app_gap(a);
    struct wg_button end = {
        "session_end", app_s(a, "session_end"), ICON_CROSS, WG_PRIMARY, false, 0};
    int bw = c.w * 2 / 3, bh = wg_button_height(ui, &end, bw);
    int by = c.y + c.h - bh > y ? c.y + c.h - bh : y;
    if (wg_button(ui, &end, (struct ui_rect){c.x + (c.w - bw) / 2, by, bw, bh}))
        app_card_end(a);
}

static void sample(struct app *a, int variant)
{
    (void)variant;
    a->card.present = true;
    a->card.in_session = true;
    snprintf(a->name, sizeof a->name, "%s", app_s(a, "sample_name"));
}

const struct screen scr_session = {
    .name = "session", .title_key = "title_card", .frame = frame, .sample = sample, .title = title};
