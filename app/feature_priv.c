/*
 * feature_priv: the resident's own data and checkups (priv.h) as a feature of the kiosk:
 * its screens, the answers it takes, and when its personal data leaves memory (every wipe:
 * the end of a card session, inactivity, a catalogue sample).
 */
#include "appstate.h"
#include "feature.h"

static void wipe(struct app *a, enum feature_wipe why)
{
    (void)why;
    priv_wipe(a);
}

bool feature_priv_owns(int kind)
{
    switch (kind) {
    case APP_EV_PRIV_LOG:
    case APP_EV_PRIV_CONSENTS:
    case APP_EV_PRIV_CONSENT_SET:
    case APP_EV_PRIV_ALERTS:
    case APP_EV_PRIV_FAM_ALERTS:
    case APP_EV_PRIV_ACK:
    case APP_EV_CK_LIST:
    case APP_EV_CK_ONE:
    case APP_EV_CK_TREND:
        return true;
    default:
        return false;
    }
}

static bool handle(struct app *a, const struct app_event *ev)
{
    if (!feature_priv_owns(ev->kind))
        return false;
    priv_handle(a, ev);
    return true;
}

static const struct screen *const screens[] = {
    &scr_priv_menu,
    &scr_priv_log,
    &scr_priv_consent,
    &scr_priv_consent_done,
    &scr_priv_alerts,
    &scr_priv_fam_alerts,
    &scr_ck_list,
    &scr_ck_one,
    &scr_ck_item,
    &scr_priv_own,
    NULL,
};

/* Through /v1/session/...; the family's alerts (scr_priv_fam_alerts) use the family token
 * and need no card (docs/ui.md, "Card session step-up"). */
static const struct screen *const card_screens[] = {
    &scr_priv_menu,
    &scr_priv_log,
    &scr_priv_consent,
    &scr_priv_consent_done,
    &scr_priv_alerts,
    &scr_ck_list,
    &scr_ck_one,
    &scr_ck_item,
    NULL,
};

static const struct feature_sample samples[] = {
    {"priv_menu", &scr_priv_menu, 0},
    {"priv_own", &scr_priv_own, 0},
    {"priv_log", &scr_priv_log, 0},
    {"priv_log_page2", &scr_priv_log, 1},
    {"priv_log_refused", &scr_priv_log, 2},
    {"priv_consent", &scr_priv_consent, 0},
    {"priv_consent_confirm", &scr_priv_consent, 1},
    {"priv_consent_done", &scr_priv_consent_done, 0},
    {"priv_consent_failed", &scr_priv_consent_done, 1},
    {"priv_alerts", &scr_priv_alerts, 0},
    {"priv_alerts_none", &scr_priv_alerts, 1},
    {"priv_fam_alerts", &scr_priv_fam_alerts, 0},
    {"ck_list", &scr_ck_list, 0},
    {"ck_list_none", &scr_ck_list, 1},
    {"ck_one", &scr_ck_one, 0},
    {"ck_one_page2", &scr_ck_one, 1},
    {"ck_one_last", &scr_ck_one, 99}, /* a page past the end shows the last */
    {"ck_item", &scr_ck_item, 0},
    {"ck_item_trend", &scr_ck_item, 1},
    {"ck_item_code", &scr_ck_item, 2},
    {"ck_item_range", &scr_ck_item, 3},
    {"ck_item_range_trend", &scr_ck_item, 4},
    {NULL, NULL, 0},
};

const struct app_feature feature_priv = {
    .name = "priv",
    .wipe = wipe,
    .handle = handle,
    .busy = priv_busy,
    .family_refresh = priv_load_fam_alerts,
    .screens = screens,
    .card_screens = card_screens,
    .samples = samples,
};
