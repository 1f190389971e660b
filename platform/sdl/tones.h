/*
 * tones: short feedback tones (tap, success, failure) through SDL audio. The device is
 * opened on the first tone; when there is none (or sound is off) every call is silent and
 * nothing fails.
 *
 * Threading: UI thread.
 */
#ifndef TONES_H
#define TONES_H

#include "ports.h"

struct tones;

struct tones *tones_create(void);
void tones_destroy(struct tones *t);
void tones_play(struct tones *t, enum app_tone kind);

#endif
