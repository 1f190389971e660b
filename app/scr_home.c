/*
 * scr_home: the home tablet's first screen. Three large check-in answers, the day's
 * check-in state in words, and three tiles: 助けて, くらし (安否, 買い物, 私の情報), 設定 (six
 * choices, the most the screen rules allow). A tap sends the check-in and opens the result screen.
 */
#include "appstate.h"
#include "wareki.h"

static bool same_day(int64_t a, int64_t b)
{
    struct wareki_tm x, y;
    wareki_jst(a, &x);
    wareki_jst(b, &y);
    return x.year == y.year && x.month == y.month && x.day == y.day;
}

/* The status line is the title: today's check-in, in words. */
static void title(const struct app *a, char *buf, size_t size)
{
    char tm[16];
    if (a->last_kept && same_day(a->last_kept_at, a->wall_s) &&
        (!a->have_last || a->last_kept_at > a->last_at)) {
        /* an earlier run kept it in the outbox and has not delivered it yet */
        app_fmt_time(a, a->last_kept_at, tm, sizeof tm);
        i18n_format(buf, size, app_s(a, "home_status_kept"), tm,
                    app_answer_words(a, a->last_kept_answer), NULL, NULL);
    } else if (a->have_last && same_day(a->last_at, a->wall_s)) {
        app_fmt_time(a, a->last_at, tm, sizeof tm);
        i18n_format(buf, size, app_s(a, "home_status_sent"), tm,
                    app_answer_words(a, a->last_answer), NULL, NULL);
    } else {
        i18n_format(buf, size, app_s(a, "home_status_none"), NULL, NULL, NULL, NULL);
    }
}

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    int gap = app_gap(a);

    static const struct {
        const char *id, *key;
        enum icon_id icon;
    } answers[3] = {{"checkin_genki", "answer_genki", ICON_SMILE},
                    {"checkin_itsumo", "answer_itsumo", ICON_NEUTRAL},
                    {"checkin_genkinai", "answer_genkinai", ICON_SAD}};
    struct wg_button ab[3],
        tiles[3] = {{"help", app_s(a, "tile_help"), ICON_HELP, WG_DANGER, false, 0},
                    {"menu", app_s(a, "tile_menu"), ICON_NEXT, WG_SECONDARY, false, 0},
                    {"settings", app_s(a, "tile_settings"), ICON_SETTINGS, WG_SECONDARY, false, 0}};
    int bw = (c.w - 2 * gap) / 3;
    int ah = 0, th = 0;
    for (int i = 0; i < 3; i++) {
        ab[i] = (struct wg_button){
            answers[i].id, app_s(a, answers[i].key), answers[i].icon, WG_SECONDARY, true, 0};
        int h = wg_button_height(ui, &ab[i], bw);
        ah = h > ah ? h : ah;
        h = wg_button_height(ui, &tiles[i], bw);
        th = h > th ? h : th;
    }
    if (ah + th + gap > c.h) {
        /* short of room (a notice above, large text): the icons beside the words */
        ah = 0;
        for (int i = 0; i < 3; i++) {
            ab[i].icon_above = false;
            int h = wg_button_height(ui, &ab[i], bw);
            ah = h > ah ? h : ah;
        }
    }
    /* the answers get the room that is left, up to 45 mm: the bigger the easier */
    int spare = c.h - ah - th - gap;
    if (spare > 0) {
        int grow = spare < ui_mm(ui, 45) - ah ? spare : ui_mm(ui, 45) - ah;
        ah += grow > 0 ? grow : 0;
    }
    int y = c.y;
    for (int i = 0; i < 3; i++)
        if (wg_button(ui, &ab[i], (struct ui_rect){c.x + i * (bw + gap), y, bw, ah})) {
            app_send_checkin(a, (enum app_answer)i, false);
            app_nav_push(a, &scr_result);
        }
    y += ah + gap;
    if (wg_button(ui, &tiles[0], (struct ui_rect){c.x, y, bw, th}))
        app_nav_push(a, &scr_help_confirm);
    if (wg_button(ui, &tiles[1], (struct ui_rect){c.x + bw + gap, y, bw, th}))
        app_nav_push(a, &scr_menu);
    if (wg_button(ui, &tiles[2], (struct ui_rect){c.x + 2 * (bw + gap), y, bw, th}))
        app_nav_push(a, &scr_settings);
}

static void enter(struct app *a)
{
    /* learn who this tablet is for, and whether the hub answers at all */
    if (!a->me_known && !a->me_pending && a->ports.fetch_me) {
        a->me_req = a->ports.fetch_me(a->ports.ctx);
        a->me_pending = a->me_req != 0;
    }
}

static void sample(struct app *a, int variant)
{
    a->have_last = variant == 1;
    a->last_answer = APP_ANSWER_GENKI;
    a->last_at = a->wall_s - 600;
}

const struct screen scr_home = {.name = "home",
                                .title_key = "title_home",
                                .enter = enter,
                                .frame = frame,
                                .sample = sample,
                                .title = title};
