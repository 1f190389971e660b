/*
 * feature_speech: the screens' main prompts and the notices read aloud (home tablets; off
 * by default on public kiosks, app_config.speech). What is said for a screen is its title
 * — the prompt every screen already has in words ("きょうの 元気を 教えてください",
 * "ぶじですか") — and, where a screen asks something more, its question; on the home and
 * waiting screens a notice in force comes first. A new or changed most urgent notice is
 * said at once on any screen. The repeat button in the title bar (nav_say, drawn by app.c
 * while speech is on) says the last words again. The words go to the speak port in the
 * current language; the platform makes them sound (platform/speech, SDL audio).
 */
#include <stdio.h>
#include <string.h>

#include "appstate.h"
#include "feature.h"
#include "notice.h"
#include "safety.h"

static const int volumes[] = {50, 75, 100, 150, 200};
static const int rates[] = {60, 80, 100, 125, 150};
#define STEPS 5

static int nearest(const int *steps, int v)
{
    int best = 0;
    for (int i = 1; i < STEPS; i++)
        if ((steps[i] > v ? steps[i] - v : v - steps[i]) <
            (steps[best] > v ? steps[best] - v : v - steps[best]))
            best = i;
    return best;
}

bool app_speech_on(const struct app *a)
{
    return a->cfg.speech;
}

static void say(struct app *a, const char *words)
{
    snprintf(a->said, sizeof a->said, "%s", words);
    if (app_speech_on(a) && a->ports.speak && words[0])
        a->ports.speak(a->ports.ctx, words, a->lang, a->cfg.speech_volume, a->cfg.speech_rate);
}

void app_say_again(struct app *a)
{
    if (app_speech_on(a) && a->ports.speak && a->said[0])
        a->ports.speak(a->ports.ctx, a->said, a->lang, a->cfg.speech_volume, a->cfg.speech_rate);
}

/* What the top screen says: its title (the prompt) and, for the safety question, the
 * question; on the first screens the most urgent notice first. */
static void prompt(const struct app *a, char *buf, size_t size)
{
    const struct screen *s = a->stack[a->depth - 1];
    char title[512] = "", notice[NOTICE_TEXT_MAX * 2 + 512] = "";
    const char *t = app_s(a, s->title_key);
    if (s->title) {
        s->title(a, title, sizeof title);
        t = title;
    }
    const struct notice *n = notice_nth(a, 0);
    if (n && (s == &scr_home || s == &scr_card_idle))
        notice_spoken_words(a, n, notice, sizeof notice);
    const char *more =
        s == &scr_safety && a->safety.send == SAFETY_IDLE ? app_s(a, "safety_ask") : "";
    snprintf(buf, size, "%s%s%s%s%s", notice, notice[0] ? " " : "", t, more[0] ? "。" : "", more);
}

static void screen_changed(struct app *a)
{
    char words[sizeof a->said];
    if (!app_speech_on(a))
        return;
    prompt(a, words, sizeof words);
    say(a, words);
}

void app_say_notice(struct app *a)
{
    const struct notice *n = notice_nth(a, 0);
    char words[sizeof a->said];
    if (!n || (n->id == a->notices.said_id && n->updated_at == a->notices.said_updated))
        return;
    a->notices.said_id = n->id;
    a->notices.said_updated = n->updated_at;
    if (!app_speech_on(a))
        return;
    notice_spoken_words(a, n, words, sizeof words);
    say(a, words);
}

void app_set_speech(struct app *a, bool on, int volume_pct, int rate_pct)
{
    a->cfg.speech = on;
    a->cfg.speech_volume = volumes[nearest(volumes, volume_pct)];
    a->cfg.speech_rate = rates[nearest(rates, rate_pct)];
    a->dirty = true;
}

int app_speech_step(const struct app *a, bool rate, int delta)
{
    const int *steps = rate ? rates : volumes;
    int i = nearest(steps, rate ? a->cfg.speech_rate : a->cfg.speech_volume) + delta;
    return steps[i < 0 ? 0 : i >= STEPS ? STEPS - 1 : i];
}

int app_speech_level(const struct app *a, bool rate)
{
    return nearest(rate ? rates : volumes, rate ? a->cfg.speech_rate : a->cfg.speech_volume);
}

static bool create(struct app *a)
{
    app_set_speech(a, a->cfg.speech, a->cfg.speech_volume ? a->cfg.speech_volume : 100,
                   a->cfg.speech_rate ? a->cfg.speech_rate : 100);
    return true;
}

/* Catalogue: the entries that show the repeat button and the speech setting have speech on
 * (a public kiosk's and an offscreen kiosk's default is off). */
static void sample(struct app *a, const char *name)
{
    a->cfg.speech = strstr(name, "speech") != NULL;
}

static const struct screen *const screens[] = {&scr_setting_speech, NULL};

static const struct feature_sample samples[] = {
    {"home_speech", &scr_home, 0},
    {"setting_speech", &scr_setting_speech, 0},
    {"safety_ask_speech", &scr_safety, 0},
    {"settings_speech", &scr_settings, 0},
    {NULL, NULL, 0},
};

const struct app_feature feature_speech = {
    .name = "speech",
    .create = create,
    .screen_changed = screen_changed,
    .sample = sample,
    .screens = screens,
    .samples = samples,
};
