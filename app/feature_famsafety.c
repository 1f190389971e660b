/*
 * feature_famsafety: the family tablet's view of the town's safety confirmations
 * (famsafety.h). It asks the hub whenever the family list is reloaded (its timer,
 * family_refresh_s, and 更新する), so an answer shows on the family screen without a tap;
 * a 304 keeps the list it has. When the hub cannot be reached or refuses, the last list
 * stays (the family screen says since when the list is from).
 */
#include <string.h>

#include "appstate.h"
#include "famsafety.h"
#include "feature.h"

bool feature_famsafety_owns(int kind)
{
    return kind == APP_EV_FAM_SAFETY;
}

static void refresh(struct app *a)
{
    struct famsafety *f = &a->famsafety;
    if (f->loading || a->cfg.profile != APP_PROFILE_FAMILY || !a->ports.fetch_family_safety)
        return;
    f->req = a->ports.fetch_family_safety(a->ports.ctx);
    f->loading = f->req != 0;
}

static bool handle(struct app *a, const struct app_event *ev)
{
    struct famsafety *f = &a->famsafety;
    if (ev->kind != APP_EV_FAM_SAFETY)
        return false;
    if (ev->req != f->req)
        return true; /* an answer from before a wipe */
    f->loading = false;
    const struct famsafety_list *l = ev->disaster;
    if (ev->net == APP_NET_OK && l && !l->unchanged) {
        f->list = *l;
        f->known = true;
    }
    a->dirty = true;
    return true;
}

static bool busy(const struct app *a)
{
    return a->famsafety.loading;
}

static void wipe(struct app *a, enum feature_wipe why)
{
    if (why == FEATURE_WIPE_SAMPLE)
        memset(&a->famsafety, 0, sizeof a->famsafety);
}

/* Catalogue: the family screen with a check announced at its top. */
static void sample(struct app *a, const char *name)
{
    static const char *const names[] = {"family_safety_none", "family_safety_safe",
                                        "family_safety_help"};
    for (int i = 0; i < 3; i++)
        if (strcmp(name, names[i]) == 0)
            famsafety_sample(a, i);
}

static const struct screen *const screens[] = {&scr_fam_safety, NULL};

static const struct feature_sample samples[] = {
    {"family_safety_none", &scr_family, 0},
    {"family_safety_safe", &scr_family, 0},
    {"family_safety_help", &scr_family, 0},
    {"fam_safety_none", &scr_fam_safety, 0},
    {"fam_safety_safe", &scr_fam_safety, 1},
    {"fam_safety_help", &scr_fam_safety, 2},
    {NULL, NULL, 0},
};

const struct app_feature feature_famsafety = {
    .name = "famsafety",
    .handle = handle,
    .busy = busy,
    .wipe = wipe,
    .family_refresh = refresh,
    .sample = sample,
    .screens = screens,
    .samples = samples,
};
