/*
 * tones: sine tones with a short fade, queued with SDL_QueueAudio (no callback thread of
 * our own). A failed open is remembered, so a kiosk without audio tries once only.
 */
#include "tones.h"

#include <SDL.h>
#include <math.h>
#include <stdlib.h>

#define RATE 22050

struct tones {
    SDL_AudioDeviceID dev;
    bool tried;
};

struct tones *tones_create(void)
{
    return calloc(1, sizeof(struct tones));
}

void tones_destroy(struct tones *t)
{
    if (!t)
        return;
    if (t->dev)
        SDL_CloseAudioDevice(t->dev);
    free(t);
}

static bool open_dev(struct tones *t)
{
    if (t->tried)
        return t->dev != 0;
    t->tried = true;
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        SDL_Log("kiosk: no audio, tones are silent: %s", SDL_GetError());
        return false;
    }
    SDL_AudioSpec want, have;
    SDL_zero(want);
    want.freq = RATE;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 512;
    t->dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (!t->dev) {
        SDL_Log("kiosk: no audio device, tones are silent: %s", SDL_GetError());
        return false;
    }
    SDL_PauseAudioDevice(t->dev, 0);
    return true;
}

static void tone(struct tones *t, double hz, int ms)
{
    int16_t buf[RATE / 2];
    int n = RATE * ms / 1000;
    if (n > (int)(sizeof buf / sizeof buf[0]))
        n = sizeof buf / sizeof buf[0];
    int fade = RATE / 200; /* 5 ms, no clicks */
    for (int i = 0; i < n; i++) {
        double env = i < fade ? (double)i / fade : i > n - fade ? (double)(n - i) / fade : 1.0;
        buf[i] = (int16_t)(sin(2 * M_PI * hz * i / RATE) * 8000 * env);
    }
    SDL_QueueAudio(t->dev, buf, (Uint32)(n * (int)sizeof buf[0]));
}

void tones_play(struct tones *t, enum app_tone kind)
{
    if (!t || !open_dev(t))
        return;
    switch (kind) {
    case APP_TONE_TAP:
        tone(t, 880, 40);
        break;
    case APP_TONE_SUCCESS:
        tone(t, 660, 120);
        tone(t, 990, 160);
        break;
    case APP_TONE_FAILURE:
        tone(t, 330, 300);
        break;
    }
}
