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

/* The explanation's paragraphs, then the state with its button: the blocks of the screen. */
#define N_PARAS  3
#define N_BLOCKS (N_PARAS + 1)
static const char *const para_keys[N_PARAS] = {"stats_body", "stats_body_nobody",
                                               "stats_body_refuse"};

/* The state and its button from y (the button at the foot of c); returns the height. */
static int state_block(struct app *a, struct ui_rect c, int y, bool draw, struct wg_button *b)
{
    struct statsopt_state *s = &a->so;
    char msg[PRIV_SENTENCE];
    statsopt_state_words(a, s->refused, s->since_unix, msg, sizeof msg);
    int h = wg_text_height(a->ui, UI_FONT_BOLD, WG_BODY_MM, msg, c.w) + app_gap(a);
    /* the whole width: its words beside the icon, so it is as low as it can be */
    int bw = c.w, bh = wg_button_height(a->ui, b, bw);
    if (!draw)
        return h + bh;
    priv_para(a, c, y, true, msg);
    int by = c.y + c.h - bh > y + h ? c.y + c.h - bh : y + h;
    if (wg_button(a->ui, b, (struct ui_rect){c.x + (c.w - bw) / 2, by, bw, bh})) {
        s->ask = s->refused ? STATSOPT_ASK_ALLOW : STATSOPT_ASK_REFUSE;
        app_mark_dirty(a);
    }
    return h + bh;
}

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
    int y = c.y, gap = app_gap(a);
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
    struct wg_button b = {"stats_change",
                          app_s(a, s->refused ? "stats_allow" : "stats_refuse"),
                          s->refused ? ICON_CHECK : ICON_CROSS,
                          WG_PRIMARY,
                          false,
                          0};
    int heights[N_BLOCKS], starts[N_BLOCKS], total = 0;
    for (int i = 0; i < N_PARAS; i++)
        heights[i] =
            wg_text_height(ui, UI_FONT_REGULAR, WG_BODY_MM, app_s(a, para_keys[i]), c.w) + gap;
    heights[N_PARAS] = state_block(a, c, y, false, &b);
    for (int i = 0; i < N_BLOCKS; i++)
        total += heights[i];
    /* large text: the blocks over pages with 前へ / 次へ, the explanation first */
    int ph = total <= c.h ? 0 : priv_pager_seq_height(a, c.w);
    struct ui_rect in = {c.x, c.y, c.w, ph ? c.h - ph - gap : c.h};
    int pages = ph ? priv_paginate(heights, N_BLOCKS, in.h, starts, N_BLOCKS) : 1;
    if (!ph)
        starts[0] = 0;
    if (s->page >= pages)
        s->page = pages - 1;
    int end = s->page + 1 < pages ? starts[s->page + 1] : N_BLOCKS;
    for (int i = starts[s->page]; i < end; i++) {
        if (i < N_PARAS)
            y += priv_para(a, in, y, false, app_s(a, para_keys[i]));
        else
            y += state_block(a, in, y, true, &b);
    }
    if (ph) {
        int d = priv_pager_seq(a, (struct ui_rect){c.x, c.y + c.h - ph, c.w, ph}, s->page, pages);
        if (d) {
            s->page += d;
            app_mark_dirty(a);
        }
    }
    if (s->ask != STATSOPT_ASK_NONE)
        confirm(a);
}

static void enter(struct app *a)
{
    a->so.ask = STATSOPT_ASK_NONE;
    a->so.page = 0;
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

const struct screen scr_stats_optout = {.name = "stats_optout",
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
