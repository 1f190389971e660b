/*
 * speaker: one worker, one pending request (see speaker.h).
 */
#include "speaker.h"

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "speech.h"

struct speaker {
    struct speech *speech;
    SDL_Thread *worker;
    SDL_mutex *mu;
    SDL_cond *cv;
    bool stop, pending, stop_sound;
    char text[SPEECH_TEXT_MAX + 1];
    char lang[8];
    int volume, rate;
    SDL_AudioDeviceID dev; /* worker only */
    bool tried;
    unsigned dumped; /* worker only: utterances written to KIOSK_SPEECH_DUMP */
};

/* KIOSK_SPEECH_DUMP=DIR: every utterance handed to the audio device is also written to
 * DIR/speech-N.wav (16-bit mono PCM), so a test can check what the real kiosk said (its
 * length and level, e.g. with sox) without a sound card. Unset: nothing is written. */
static void put_le(FILE *f, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        fputc((int)((v >> (8 * i)) & 0xff), f);
}

static void dump(struct speaker *s, const struct speech_pcm *pcm)
{
    const char *dir = getenv("KIOSK_SPEECH_DUMP");
    if (!dir || !*dir || pcm->n > UINT32_MAX / 2 - 64)
        return;
    char path[1024];
    snprintf(path, sizeof path, "%s/speech-%03u.wav", dir, ++s->dumped);
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "kiosk: speech dump: cannot write %s\n", path);
        return;
    }
    uint32_t data = (uint32_t)(pcm->n * 2);
    fputs("RIFF", f);
    put_le(f, 36 + data, 4);
    fputs("WAVEfmt ", f);
    put_le(f, 16, 4);
    put_le(f, 1, 2); /* PCM */
    put_le(f, 1, 2); /* mono */
    put_le(f, (uint32_t)pcm->rate, 4);
    put_le(f, (uint32_t)pcm->rate * 2, 4);
    put_le(f, 2, 2);
    put_le(f, 16, 2);
    fputs("data", f);
    put_le(f, data, 4);
    for (size_t i = 0; i < pcm->n; i++)
        put_le(f, (uint32_t)(uint16_t)pcm->samples[i], 2);
    if (fclose(f) != 0)
        fprintf(stderr, "kiosk: speech dump: cannot write %s\n", path);
}

static bool open_dev(struct speaker *s, int rate)
{
    if (s->tried)
        return s->dev != 0;
    s->tried = true;
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        SDL_Log("kiosk: no audio, speech is silent: %s", SDL_GetError());
        return false;
    }
    SDL_AudioSpec want, have;
    SDL_zero(want);
    want.freq = rate;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 1024;
    s->dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (!s->dev) {
        SDL_Log("kiosk: no audio device, speech is silent: %s", SDL_GetError());
        return false;
    }
    SDL_PauseAudioDevice(s->dev, 0);
    return true;
}

static int run(void *arg)
{
    struct speaker *s = arg;
    char text[SPEECH_TEXT_MAX + 1], lang[8], err[256];
    SDL_LockMutex(s->mu);
    for (;;) {
        while (!s->stop && !s->pending && !s->stop_sound)
            SDL_CondWait(s->cv, s->mu);
        if (s->stop)
            break;
        bool speak = s->pending;
        int volume = s->volume, rate = s->rate;
        memcpy(text, s->text, sizeof text);
        memcpy(lang, s->lang, sizeof lang);
        s->pending = false;
        s->stop_sound = false;
        SDL_UnlockMutex(s->mu);
        struct speech_pcm pcm = {0};
        if (s->dev)
            SDL_ClearQueuedAudio(s->dev); /* what was playing is no longer on screen */
        if (speak && speech_synth(s->speech, text, lang, volume, rate, &pcm, err, sizeof err)) {
            dump(s, &pcm);
            if (open_dev(s, pcm.rate)) {
                SDL_ClearQueuedAudio(s->dev);
                SDL_QueueAudio(s->dev, pcm.samples, (Uint32)(pcm.n * sizeof pcm.samples[0]));
            }
        } else if (speak) {
            fprintf(stderr, "kiosk: speech: %s\n", err);
        }
        speech_pcm_release(&pcm);
        SDL_LockMutex(s->mu);
    }
    SDL_UnlockMutex(s->mu);
    return 0;
}

struct speaker *speaker_create(const char *engine, const char *assets_dir, char *err,
                               size_t errsize)
{
    struct speaker *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errsize, "out of memory");
        return NULL;
    }
    s->speech = speech_create(engine, assets_dir, err, errsize);
    s->mu = SDL_CreateMutex();
    s->cv = SDL_CreateCond();
    if (s->speech && s->mu && s->cv)
        s->worker = SDL_CreateThread(run, "speech", s);
    if (!s->worker) {
        if (s->speech)
            snprintf(err, errsize, "cannot start the speech worker: %s", SDL_GetError());
        speaker_destroy(s);
        return NULL;
    }
    return s;
}

void speaker_destroy(struct speaker *s)
{
    if (!s)
        return;
    if (s->worker) {
        SDL_LockMutex(s->mu);
        s->stop = true;
        SDL_CondSignal(s->cv);
        SDL_UnlockMutex(s->mu);
        SDL_WaitThread(s->worker, NULL);
    }
    if (s->dev)
        SDL_CloseAudioDevice(s->dev);
    speech_destroy(s->speech);
    if (s->cv)
        SDL_DestroyCond(s->cv);
    if (s->mu)
        SDL_DestroyMutex(s->mu);
    free(s);
}

void speaker_speak(struct speaker *s, const char *text, const char *lang, int volume_pct,
                   int rate_pct)
{
    if (!s)
        return;
    SDL_LockMutex(s->mu);
    if (text) {
        snprintf(s->text, sizeof s->text, "%s", text);
        snprintf(s->lang, sizeof s->lang, "%s", lang ? lang : "ja");
        s->volume = volume_pct;
        s->rate = rate_pct;
        s->pending = true;
    } else {
        s->pending = false;
        s->stop_sound = true;
    }
    SDL_CondSignal(s->cv);
    SDL_UnlockMutex(s->mu);
}
