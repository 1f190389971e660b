/*
 * fake_ports: records what the app asks of the outside world, for unit tests (a test
 * double of platform/sdl/hubport.c; the real one is exercised by the scripted and
 * end-to-end tests). Requests get ids 1, 2, 3, ...; tests answer them with app_handle.
 */
#ifndef FAKE_PORTS_H
#define FAKE_PORTS_H

#include <stdio.h>
#include <string.h>

#include "ports.h"

struct fake_ports {
    uint32_t next;
    int checkins, mes, lists, helps, tones;
    uint32_t last_checkin, last_me, last_list, last_help;
    enum app_answer answer;
    long resident;
    char key[80], help_key[80];
    int logins, min_tries, retries;
    uint32_t last_login, card_seq;
    char pin[8];
};

static inline uint32_t fp_checkin(void *ctx, enum app_answer a, const char *key)
{
    struct fake_ports *f = ctx;
    f->checkins++;
    f->answer = a;
    snprintf(f->key, sizeof f->key, "%s", key);
    return f->last_checkin = ++f->next;
}

static inline uint32_t fp_me(void *ctx)
{
    struct fake_ports *f = ctx;
    f->mes++;
    return f->last_me = ++f->next;
}

static inline uint32_t fp_list(void *ctx, long resident, int limit)
{
    struct fake_ports *f = ctx;
    (void)limit;
    f->lists++;
    f->resident = resident;
    return f->last_list = ++f->next;
}

static inline uint32_t fp_help(void *ctx, const char *key)
{
    struct fake_ports *f = ctx;
    f->helps++;
    snprintf(f->help_key, sizeof f->help_key, "%s", key);
    return f->last_help = ++f->next;
}

/* Keeps the PIN it was given so tests can check what the app sent (a real port hands it
 * to the card adapter, which wipes it after VERIFY). */
static inline uint32_t fp_card_login(void *ctx, uint32_t seq, const char *pin, size_t len,
                                     int min_tries)
{
    struct fake_ports *f = ctx;
    f->logins++;
    f->card_seq = seq;
    f->min_tries = min_tries;
    snprintf(f->pin, sizeof f->pin, "%.*s", (int)len, pin);
    return f->last_login = ++f->next;
}

static inline void fp_retry(void *ctx)
{
    struct fake_ports *f = ctx;
    f->retries++;
}

static inline void fp_tone(void *ctx, enum app_tone t)
{
    struct fake_ports *f = ctx;
    (void)t;
    f->tones++;
}

static inline struct app_ports fake_ports_bind(struct fake_ports *f)
{
    memset(f, 0, sizeof *f);
    struct app_ports p = {.ctx = f,
                          .send_checkin = fp_checkin,
                          .fetch_me = fp_me,
                          .fetch_checkins = fp_list,
                          .send_help = fp_help,
                          .tone = fp_tone,
                          .card_login = fp_card_login,
                          .retry_pending = fp_retry};
    return p;
}

#endif
