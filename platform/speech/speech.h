/*
 * speech: text to speech behind one small interface, so the kiosk does not care which
 * engine speaks. Today's engine is espeak-ng (Debian libespeak-ng1 + espeak-ng-data), whose
 * Japanese voice reads kana only (a kanji is spelled out as "Chinese letter"): for it the
 * Japanese text is first turned into a reading (yomi.h). An engine that reads kanji itself
 * (Open JTalk with an HTS voice, where a city installs one) would take the text as it is:
 * it is one more entry in the table in speech.c with the same three functions.
 *
 * The interface only makes sound samples (16-bit mono PCM in a buffer); playing them is
 * the caller's (platform/sdl/speaker.c, SDL audio), so a test can measure what was made.
 *
 * Threading: one speech object is used by one thread at a time (espeak-ng itself has one
 * global state: create one speech object per process).
 */
#ifndef SPEECH_H
#define SPEECH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SPEECH_TEXT_MAX 4096          /* bytes of UTF-8 a call speaks at most */
#define SPEECH_PCM_MAX  (22050 * 120) /* samples: two minutes at most */

struct speech_pcm {
    int16_t *samples; /* owned: free with speech_pcm_release */
    size_t n;
    int rate; /* samples per second */
};
void speech_pcm_release(struct speech_pcm *p);

struct speech;

/* Creates the engine `engine` ("espeak-ng"); data_dir is the engine's data (NULL: its
 * default) and assets_dir the kiosk's assets (the reading dictionary speech/yomi-ja.txt).
 * NULL with the reason in err when the engine or its voice cannot start. */
struct speech *speech_create(const char *engine, const char *assets_dir, char *err, size_t errsize);
void speech_destroy(struct speech *s);
/* The engines this build knows, NULL-terminated (for the configuration's error words). */
const char *const *speech_engines(void);

/* Speaks text (UTF-8, lang "ja" or "en") into *out at volume_pct / rate_pct of the
 * engine's normal (both 25..300). False with the reason in err. */
bool speech_synth(struct speech *s, const char *text, const char *lang, int volume_pct,
                  int rate_pct, struct speech_pcm *out, char *err, size_t errsize);

/* The text the engine is given for text in lang (the reading, for espeak-ng's Japanese). */
bool speech_engine_text(struct speech *s, const char *text, const char *lang, char *buf,
                        size_t size);

/* Level of pcm: root mean square of the samples, 0..32767, and its length in seconds. */
double speech_pcm_rms(const struct speech_pcm *p);
double speech_pcm_seconds(const struct speech_pcm *p);

#endif
