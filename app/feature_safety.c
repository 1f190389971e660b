/*
 * feature_safety: the home tablet's part of the town's safety confirmation (safety.h). It
 * asks the hub for open checks every 30 s; an open check this tablet has not answered
 * brings the question (scr_safety) over whatever is on screen, so it is the first thing
 * the resident sees. The answer goes through the outbox; its delivery reports, also those
 * of an answer kept by an earlier run, come back as SAFETY_SENT.
 */
#include <string.h>

#include "appstate.h"
#include "feature.h"
#include "safety.h"

static bool polls(const struct app *a)
{
    return a->cfg.profile == APP_PROFILE_HOME && a->ports.fetch_safety;
}

static void ask(struct app *a)
{
    struct safety_state *s = &a->safety;
    s->next_poll_ms = a->now_ms + SAFETY_POLL_MS;
    if (s->loading || !polls(a))
        return;
    s->list_req = a->ports.fetch_safety(a->ports.ctx);
    s->loading = s->list_req != 0;
}

/* An open check nobody here has answered: ask it first (unless it is being asked). */
static void show_open(struct app *a)
{
    struct safety_state *s = &a->safety;
    const struct safety_check *c = safety_open(a);
    if (!c || a->stack[a->depth - 1] == &scr_safety)
        return;
    s->check_id = c->id;
    snprintf(s->title, sizeof s->title, "%s", c->title_ja);
    s->answer = SAFETY_NONE;
    s->send = SAFETY_IDLE;
    s->send_req = 0;
    app_nav_push(a, &scr_safety);
}

static void sent(struct app *a, const struct app_event *ev)
{
    struct safety_state *s = &a->safety;
    const struct safety_sent *k = ev->disaster;
    if (ev->waiting_known && ev->waiting != a->waiting)
        a->waiting = ev->waiting;
    if (k && (s->send == SAFETY_IDLE || s->check_id == k->check_id)) {
        /* an earlier run's answer, still in the outbox or delivered: said, not asked again */
        s->check_id = k->check_id;
        s->answer = k->answer;
        s->answered_at = k->at;
        s->send_req = ev->req;
        s->send = ev->net == APP_NET_OK ? SAFETY_DONE : SAFETY_KEPT;
        safety_remember(a, k->check_id);
    } else if (ev->req == s->send_req && s->send != SAFETY_DONE) {
        if (ev->net == APP_NET_OK) {
            s->send = SAFETY_DONE;
            app_tone(a, APP_TONE_SUCCESS);
        } else if (ev->kept) {
            if (s->send != SAFETY_KEPT)
                app_tone(a, APP_TONE_FAILURE);
            s->send = SAFETY_KEPT;
        } else {
            s->send = SAFETY_FAILED;
            s->status = ev->net == APP_NET_REFUSED ? ev->status : 0;
            app_tone(a, APP_TONE_FAILURE);
        }
    }
    a->dirty = true;
}

static bool handle(struct app *a, const struct app_event *ev)
{
    struct safety_state *s = &a->safety;
    switch (ev->kind) {
    case APP_EV_SAFETY_LIST:
        if (ev->req != s->list_req)
            return true;
        s->loading = false;
        if (ev->net == APP_NET_OK && ev->disaster) {
            s->list = *(const struct safety_list *)ev->disaster;
            s->known = true;
            show_open(a);
        }
        a->dirty = true;
        return true;
    case APP_EV_SAFETY_SENT:
        sent(a, ev);
        app_screen_event(a, ev);
        return true;
    default:
        return false;
    }
}

static void tick(struct app *a)
{
    if (polls(a) && a->now_ms >= a->safety.next_poll_ms)
        ask(a);
}

static uint64_t next_deadline(const struct app *a)
{
    return polls(a) && !a->safety.loading ? a->safety.next_poll_ms : UINT64_MAX;
}

static bool busy(const struct app *a)
{
    return a->safety.loading || a->safety.send == SAFETY_SENDING;
}

static void wipe(struct app *a, enum feature_wipe why)
{
    if (why == FEATURE_WIPE_SAMPLE)
        memset(&a->safety, 0, sizeof a->safety);
}

static const struct screen *const screens[] = {&scr_safety, NULL};

static const struct feature_sample samples[] = {
    {"safety_ask", &scr_safety, 0},       {"safety_sent_safe", &scr_safety, 1},
    {"safety_sent_help", &scr_safety, 2}, {"safety_kept", &scr_safety, 3},
    {"safety_sending", &scr_safety, 4},   {NULL, NULL, 0},
};

const struct app_feature feature_safety = {
    .name = "safety",
    .handle = handle,
    .tick = tick,
    .next_deadline = next_deadline,
    .busy = busy,
    .wipe = wipe,
    .screens = screens,
    .samples = samples,
};
