/*
 * speaker: the app's speak port (app/ports.h) on SDL audio. A worker thread makes the
 * samples (platform/speech, espeak-ng: tens of milliseconds a sentence) so the UI thread
 * never waits; the newest request replaces one not started yet, and a new utterance cuts
 * off the one playing (what is on screen now is what matters). The audio device is opened
 * on the first utterance; without one the kiosk is silent and says so once in its log.
 *
 * Threading: speaker_speak from the UI thread; everything else is the worker's.
 */
#ifndef SPEAKER_H
#define SPEAKER_H

#include <stddef.h>

struct speaker;

/* Starts the engine (speech_create) and the worker; NULL with the reason in err. */
struct speaker *speaker_create(const char *engine, const char *assets_dir, char *err,
                               size_t errsize);
/* Stops the worker and the sound. Accepts NULL. */
void speaker_destroy(struct speaker *s);
/* Speaks text (copied; NULL stops) in lang at volume / rate per cent. Returns at once. */
void speaker_speak(struct speaker *s, const char *text, const char *lang, int volume_pct,
                   int rate_pct);

#endif
