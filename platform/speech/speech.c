/*
 * speech: the engine table and the espeak-ng engine (see speech.h). espeak-ng runs in its
 * synchronous mode: espeak_Synth returns when the whole text is made, handing the samples
 * to a callback that appends them to the caller's buffer.
 */
#include "speech.h"

#include <espeak-ng/speak_lib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yomi.h"

struct engine {
    const char *name;
    bool (*start)(struct speech *s, char *err, size_t errsize);
    void (*stop)(struct speech *s);
    bool (*synth)(struct speech *s, const char *text, const char *lang, int volume_pct,
                  int rate_pct, struct speech_pcm *out, char *err, size_t errsize);
    bool reads_kanji; /* false: Japanese goes through yomi first */
};

struct speech {
    const struct engine *e;
    struct yomi *yomi;
    int rate; /* the engine's sample rate */
};

void speech_pcm_release(struct speech_pcm *p)
{
    free(p->samples);
    memset(p, 0, sizeof *p);
}

double speech_pcm_rms(const struct speech_pcm *p)
{
    double sum = 0;
    for (size_t i = 0; i < p->n; i++)
        sum += (double)p->samples[i] * p->samples[i];
    return p->n ? sqrt(sum / (double)p->n) : 0;
}

double speech_pcm_seconds(const struct speech_pcm *p)
{
    return p->rate ? (double)p->n / p->rate : 0;
}

/* --- espeak-ng --- */

struct collect {
    struct speech_pcm *out;
    size_t cap;
    bool full;
};

static int on_samples(short *wav, int n, espeak_EVENT *events)
{
    struct collect *c = events ? events->user_data : NULL;
    if (!c || !wav || n <= 0)
        return 0;
    struct speech_pcm *o = c->out;
    if (o->n + (size_t)n > SPEECH_PCM_MAX) {
        c->full = true;
        return 1; /* stop: longer than anything the kiosk says */
    }
    if (o->n + (size_t)n > c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 65536;
        while (cap < o->n + (size_t)n)
            cap *= 2;
        int16_t *s = realloc(o->samples, cap * sizeof *s);
        if (!s) {
            c->full = true;
            return 1;
        }
        o->samples = s;
        c->cap = cap;
    }
    memcpy(o->samples + o->n, wav, (size_t)n * sizeof *wav);
    o->n += (size_t)n;
    return 0;
}

static bool es_start(struct speech *s, char *err, size_t errsize)
{
    int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, 0);
    if (rate <= 0) {
        snprintf(err, errsize, "espeak-ng did not start (is espeak-ng-data installed?)");
        return false;
    }
    s->rate = rate;
    espeak_SetSynthCallback(on_samples);
    if (espeak_SetVoiceByName("ja") != EE_OK) {
        snprintf(err, errsize, "espeak-ng has no Japanese voice (espeak-ng-data: lang/jpx/ja)");
        return false;
    }
    return true;
}

static void es_stop(struct speech *s)
{
    (void)s;
    espeak_Terminate();
}

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static bool es_synth(struct speech *s, const char *text, const char *lang, int volume_pct,
                     int rate_pct, struct speech_pcm *out, char *err, size_t errsize)
{
    struct collect c = {out, 0, false};
    memset(out, 0, sizeof *out);
    out->rate = s->rate;
    if (espeak_SetVoiceByName(strcmp(lang, "en") == 0 ? "en" : "ja") != EE_OK) {
        snprintf(err, errsize, "espeak-ng has no voice for %s", lang);
        return false;
    }
    /* espeak-ng's words a minute and amplitude (100 = its normal) */
    espeak_SetParameter(espeakRATE, clamp(espeakRATE_NORMAL * rate_pct / 100, 80, 450), 0);
    espeak_SetParameter(espeakVOLUME, clamp(volume_pct, 0, 200), 0);
    espeak_ERROR rc =
        espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, &c);
    if (rc != EE_OK || (c.full && out->n == 0)) {
        snprintf(err, errsize, "espeak-ng could not speak the text (error %d)", (int)rc);
        speech_pcm_release(out);
        return false;
    }
    return true;
}

static const struct engine engines[] = {
    {"espeak-ng", es_start, es_stop, es_synth, false},
};

static const char *const engine_names[] = {"espeak-ng", NULL};

const char *const *speech_engines(void)
{
    return engine_names;
}

struct speech *speech_create(const char *engine, const char *assets_dir, char *err, size_t errsize)
{
    struct speech *s = calloc(1, sizeof *s);
    char path[1024];
    if (!s) {
        snprintf(err, errsize, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < sizeof engines / sizeof engines[0]; i++)
        if (!strcmp(engines[i].name, engine ? engine : "espeak-ng"))
            s->e = &engines[i];
    if (!s->e) {
        snprintf(err, errsize, "unknown speech engine \"%s\" (this kiosk has espeak-ng)", engine);
        free(s);
        return NULL;
    }
    if (!s->e->reads_kanji) {
        snprintf(path, sizeof path, "%s/speech/yomi-ja.txt", assets_dir);
        s->yomi = yomi_load(path, err, errsize);
        if (!s->yomi) {
            free(s);
            return NULL;
        }
    }
    if (!s->e->start(s, err, errsize)) {
        yomi_destroy(s->yomi);
        free(s);
        return NULL;
    }
    return s;
}

void speech_destroy(struct speech *s)
{
    if (!s)
        return;
    s->e->stop(s);
    yomi_destroy(s->yomi);
    free(s);
}

bool speech_engine_text(struct speech *s, const char *text, const char *lang, char *buf,
                        size_t size)
{
    if (s->yomi && strcmp(lang, "en") != 0) {
        yomi_read(s->yomi, text, buf, size);
        return true;
    }
    snprintf(buf, size, "%s", text);
    return true;
}

bool speech_synth(struct speech *s, const char *text, const char *lang, int volume_pct,
                  int rate_pct, struct speech_pcm *out, char *err, size_t errsize)
{
    static char said[SPEECH_TEXT_MAX * 2]; /* one thread at a time (speech.h) */
    if (strlen(text) > SPEECH_TEXT_MAX) {
        snprintf(err, errsize, "text longer than %d bytes", SPEECH_TEXT_MAX);
        return false;
    }
    speech_engine_text(s, text, lang, said, sizeof said);
    return s->e->synth(s, said, lang, clamp(volume_pct, 25, 300), clamp(rate_pct, 25, 300), out,
                       err, errsize);
}
