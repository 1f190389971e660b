/*
 * scr_stats_optout: 町の 統計 in a card session. It says in plain words what the town's
 * statistics are, that no one can be identified in them, and that the resident may refuse;
 * then the state the hub has ("いま: …") and one button that changes it (ことわる / また
 * 使って よい), asked once more in a dialog before it is sent (POST
 * /v1/session/stats-optout with the card session). The result screen says what changed and
 * from which day's statistics it counts.
 *
 * When the words and the button do not fit one screen (large text), they are paged with
 * 前へ / 次へ, the explanation first, the state with its button last: nothing is dropped.
 */
#include "appstate.h"
#include "msgpage.h"
#include "statsopt.h"

static void sample_state(struct app *a, bool refused)
{
    a->card.present = true;
    a->card.in_session = true;
    a->so.ld.loaded = true;
    a->so.refused = refused;
    /* the catalogue's wall clock is 2026-11-23 09:12 JST */
    a->so.since_unix = refused ? 1795305600 : 0; /* 2026-11-22 09:00 JST */
    a->so.effective_unix = 1795446000;           /* 2026-11-24 00:00 JST */
}

/* The explanation's paragraphs, then the state with its button. */
#define N_PARAS 3
static const char *const para_keys[N_PARAS] = {"stats_body", "stats_body_nobody",
                                               "stats_body_refuse"};

static void confirm(struct app *a)
{
    struct statsopt_state *s = &a->so;
    bool refuse = s->ask == STATSOPT_ASK_REFUSE;
    int r = wg_confirm(a->ui, app_s(a, refuse ? "stats_confirm_refuse" : "stats_confirm_allow"),
                       app_s(a, "priv_confirm_yes"), app_s(a, "priv_confirm_no"), WG_PRIMARY);
    if (r == 1) {
        s->ask = STATSOPT_ASK_NONE;
        statsopt_set(a, refuse);
        app_nav_push(a, &scr_stats_optout_done);
    } else if (r == 0) {
        s->ask = STATSOPT_ASK_NONE;
        app_mark_dirty(a);
    }
}

static void frame(struct app *a, struct ui_rect c)
{
    struct statsopt_state *s = &a->so;
    struct ui *ui = a->ui;
    char msg[PRIV_SENTENCE];
    int y = c.y;
    const char *m = priv_load_words(a, &s->ld, msg, sizeof msg);
    if (m) {
        /* what the load is doing first; the explanation below as far as it fits */
        y += priv_para(a, c, y, s->ld.failed, m);
        for (int i = 0; i < N_PARAS; i++) {
            const char *p = app_s(a, para_keys[i]);
            if (y + wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, p, c.w) > c.y + c.h)
                break;
            y += priv_para(a, c, y, false, p);
        }
        return;
    }
    /* the explanation, the state and its button laid out by the room the screen gets
     * (msgpage): at large text below a notice band the words are paged with 前へ / 次へ, the
     * explanation first, and the button comes on the last page after the state */
    const struct theme *t = ui_theme(ui);
    struct msgpage mp = {.narrow = false};
    for (int i = 0; i < N_PARAS; i++)
        msgpage_para(&mp, app_s(a, para_keys[i]), UI_FONT_REGULAR, WG_BODY_MM, t->text);
    statsopt_state_words(a, s->refused, s->since_unix, msg, sizeof msg);
    msgpage_para(&mp, msg, UI_FONT_BOLD, WG_BODY_MM, t->text);
    msgpage_button(&mp, (struct wg_button){
                            "stats_change", app_s(a, s->refused ? "stats_allow" : "stats_refuse"),
                            s->refused ? ICON_CHECK : ICON_CROSS, WG_PRIMARY, false, 0});
    if (msgpage_frame(a, c, &mp) == 0) {
        s->ask = s->refused ? STATSOPT_ASK_ALLOW : STATSOPT_ASK_REFUSE;
        app_mark_dirty(a);
    }
    if (s->ask != STATSOPT_ASK_NONE)
        confirm(a);
}

static void enter(struct app *a)
{
    a->so.ask = STATSOPT_ASK_NONE;
    statsopt_load(a);
}

static void sample(struct app *a, int variant)
{
    sample_state(a, variant == 1 || variant == 3);
    if (variant == 2)
        a->so.ask = STATSOPT_ASK_REFUSE;
    if (variant == 3)
        a->so.ask = STATSOPT_ASK_ALLOW;
    if (variant == 4) {
        a->so.ld.loaded = false;
        a->so.ld.failed = true;
        a->net = NET_DOWN;
    }
}

static void title(const struct app *a, char *buf, size_t size)
{
    msgpage_title(a, "title_stats", buf, size);
}

const struct screen scr_stats_optout = {.name = "stats_optout",
                                        .title = title,
                                        .title_key = "title_stats",
                                        .enter = enter,
                                        .frame = frame,
                                        .sample = sample};

/* --- the result of a change --- */

static void done_frame(struct app *a, struct ui_rect c)
{
    char msg[PRIV_SENTENCE];
    statsopt_done_words(a, a->so.refused, a->so.effective_unix, msg, sizeof msg);
    if (priv_result_frame(a, c, &a->so.set_ld, msg)) {
        app_nav_back(a);
        statsopt_load(a); /* the state as the hub now has it */
    }
}

static void done_sample(struct app *a, int variant)
{
    sample_state(a, variant == 0);
    a->so.set_ld.loaded = variant != 2;
    a->so.set_ld.failed = variant == 2;
    if (variant == 2)
        a->net = NET_DOWN;
}

const struct screen scr_stats_optout_done = {.name = "stats_optout_done",
                                             .title_key = "title_stats",
                                             .frame = done_frame,
                                             .sample = done_sample};
