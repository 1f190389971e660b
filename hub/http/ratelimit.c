/*
 * ratelimit.c: token buckets in a fixed open-addressing table (see ratelimit.h). Keys are
 * hashed with FNV-1a; a key probes PROBE slots; the probe's fullest (or emptiest-used)
 * bucket is reused for a new key.
 */
#include "ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEY_MAX 64
#define PROBE   8

struct bucket {
    char key[KEY_MAX]; /* "" = free */
    double tokens;
    double at; /* monotonic seconds when tokens was computed */
};

struct ratelimit {
    pthread_mutex_t mu;
    double rate; /* tokens per second */
    double burst;
    struct bucket b[RATELIMIT_SLOTS];
};

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

struct ratelimit *ratelimit_create(double per_minute, double burst)
{
    struct ratelimit *rl = calloc(1, sizeof *rl);
    if (!rl)
        return NULL;
    pthread_mutex_init(&rl->mu, NULL);
    rl->rate = per_minute / 60.0;
    rl->burst = burst >= 1 ? burst : 1;
    return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->mu);
    free(rl);
}

/* The bucket of key, refilled to now (with rl->mu held). */
static struct bucket *find(struct ratelimit *rl, const char *key, double now)
{
    char k[KEY_MAX];
    snprintf(k, sizeof k, "%s", key);
    uint32_t h = fnv1a(k);
    struct bucket *spare = NULL;
    double spare_tokens = -1;
    for (int i = 0; i < PROBE; i++) {
        struct bucket *b = &rl->b[(h + (uint32_t)i) % RATELIMIT_SLOTS];
        if (strcmp(b->key, k) == 0) {
            b->tokens = fmin(rl->burst, b->tokens + (now - b->at) * rl->rate);
            b->at = now;
            return b;
        }
        double t = b->key[0] ? fmin(rl->burst, b->tokens + (now - b->at) * rl->rate) : 1e300;
        if (t > spare_tokens) {
            spare = b;
            spare_tokens = t;
        }
    }
    /* A new key: a free slot, else the fullest bucket of the probe (the least to forget). */
    memcpy(spare->key, k, sizeof k);
    spare->tokens = rl->burst;
    spare->at = now;
    return spare;
}

static int take(struct ratelimit *rl, const char *key, long *retry_s, int consume)
{
    pthread_mutex_lock(&rl->mu);
    struct bucket *b = find(rl, key, mono_s());
    int ok = b->tokens >= 1.0;
    if (ok && consume)
        b->tokens -= 1.0;
    if (!ok)
        *retry_s = rl->rate > 0 ? (long)ceil((1.0 - b->tokens) / rl->rate) : 3600;
    if (!ok && *retry_s < 1)
        *retry_s = 1;
    pthread_mutex_unlock(&rl->mu);
    return ok;
}

int ratelimit_take(struct ratelimit *rl, const char *key, long *retry_s)
{
    return take(rl, key, retry_s, 1);
}

int ratelimit_peek(struct ratelimit *rl, const char *key, long *retry_s)
{
    return take(rl, key, retry_s, 0);
}
