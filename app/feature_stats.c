/*
 * feature_stats: the town's statistics as a feature of the kiosk: the resident's refusal of
 * statistical use in a card session (statsopt.h). Its state is the resident's own and goes
 * with every wipe.
 */
#include "appstate.h"
#include "feature.h"
#include "statsopt.h"

static void wipe(struct app *a, enum feature_wipe why)
{
    (void)why;
    statsopt_wipe(a);
}

bool feature_stats_owns(int kind)
{
    return kind == APP_EV_STATS_OPTOUT;
}

static bool handle(struct app *a, const struct app_event *ev)
{
    if (!feature_stats_owns(ev->kind))
        return false;
    statsopt_handle(a, ev);
    return true;
}

static const struct screen *const screens[] = {
    &scr_stats_optout,
    &scr_stats_optout_done,
    NULL,
};

/* Both show and change the resident's own choice: through /v1/session/... */
static const struct screen *const card_screens[] = {
    &scr_stats_optout,
    &scr_stats_optout_done,
    NULL,
};

static const struct feature_sample samples[] = {
    {"stats_optout", &scr_stats_optout, 0},
    {"stats_optout_refused", &scr_stats_optout, 1},
    {"stats_optout_confirm", &scr_stats_optout, 2},
    {"stats_optout_confirm_allow", &scr_stats_optout, 3},
    {"stats_optout_failed", &scr_stats_optout, 4},
    {"stats_optout_done", &scr_stats_optout_done, 0},
    {"stats_optout_done_allowed", &scr_stats_optout_done, 1},
    {"stats_optout_done_failed", &scr_stats_optout_done, 2},
    {NULL, NULL, 0},
};

const struct app_feature feature_stats = {
    .name = "stats",
    .wipe = wipe,
    .handle = handle,
    .busy = statsopt_busy,
    .screens = screens,
    .card_screens = card_screens,
    .samples = samples,
};
