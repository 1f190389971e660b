/*
 * refusalsum.c: refused authorizations counted in memory (see refusalsum.h). An open
 * addressing table of twice the keys, found by an FNV-1a hash of the key; taking entries
 * out rebuilds it (a take happens about once a minute).
 */
#include "refusalsum.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS (2 * REFUSALSUM_KEYS)

struct refusalsum {
    pthread_mutex_t mu;
    size_t n;                        /* keys in use */
    struct refusals_row rows[SLOTS]; /* count 0 = free */
};

struct refusalsum *refusalsum_create(void)
{
    struct refusalsum *s = calloc(1, sizeof *s);
    if (s)
        pthread_mutex_init(&s->mu, NULL);
    return s;
}

void refusalsum_free(struct refusalsum *s)
{
    if (!s)
        return;
    pthread_mutex_destroy(&s->mu);
    free(s);
}

static uint64_t fnv(uint64_t h, const char *t)
{
    for (; *t; t++)
        h = (h ^ (unsigned char)*t) * 1099511628211ULL;
    return h ^ 0xff; /* a separator, so "ab"+"c" differs from "a"+"bc" */
}

static size_t slot_of(const struct refusals_row *k)
{
    uint64_t h = 14695981039346656037ULL ^ (uint64_t)k->minute;
    h = fnv(fnv(fnv(h, k->caller), k->address), k->route);
    return (size_t)(h % SLOTS);
}

static int same_key(const struct refusals_row *a, const struct refusals_row *b)
{
    return a->minute == b->minute && strcmp(a->caller, b->caller) == 0 &&
           strcmp(a->address, b->address) == 0 && strcmp(a->route, b->route) == 0;
}

/* The slot holding k's key, or the free one where it goes; NULL when the table is full. */
static struct refusals_row *find(struct refusalsum *s, const struct refusals_row *k)
{
    size_t i = slot_of(k);
    for (size_t probe = 0; probe < SLOTS; probe++, i = (i + 1) % SLOTS) {
        struct refusals_row *e = &s->rows[i];
        if (e->count == 0 || same_key(e, k))
            return e;
    }
    return NULL;
}

/* Adds row (a key with its count and times) under the lock. */
static void add_locked(struct refusalsum *s, const struct refusals_row *row)
{
    struct refusals_row k = *row;
    struct refusals_row *e = find(s, &k);
    if (e && e->count == 0 && s->n >= REFUSALSUM_KEYS - 1 && strcmp(k.caller, "other") != 0) {
        /* full: the last key of the table is kept for the minute's "other" */
        snprintf(k.caller, sizeof k.caller, "other");
        snprintf(k.address, sizeof k.address, "other");
        snprintf(k.route, sizeof k.route, "other");
        k.town = 0;
        e = find(s, &k);
    }
    /* The "other" keys of a few minutes may use the table's spare half. */
    if (!e || (e->count == 0 && s->n >= SLOTS - 1))
        return;
    if (e->count == 0) {
        *e = k;
        e->count = 0;
        s->n++;
    }
    e->count += k.count;
    e->first = e->count == k.count || k.first < e->first ? k.first : e->first;
    e->last = k.last > e->last ? k.last : e->last;
}

void refusalsum_note(struct refusalsum *s, const char *caller, const char *address,
                     const char *route, int64_t town, int64_t now)
{
    struct refusals_row k = {
        .minute = now - now % 60, .town = town, .count = 1, .first = now, .last = now};
    snprintf(k.caller, sizeof k.caller, "%s", caller);
    snprintf(k.address, sizeof k.address, "%s", address);
    snprintf(k.route, sizeof k.route, "%s", route);
    pthread_mutex_lock(&s->mu);
    add_locked(s, &k);
    pthread_mutex_unlock(&s->mu);
}

void refusalsum_put_back(struct refusalsum *s, const struct refusals_row *row)
{
    pthread_mutex_lock(&s->mu);
    add_locked(s, row);
    pthread_mutex_unlock(&s->mu);
}

size_t refusalsum_take(struct refusalsum *s, int64_t before, struct refusals_row *out, size_t cap)
{
    size_t taken = 0, kept = 0;
    struct refusals_row *keep = malloc(sizeof s->rows);
    pthread_mutex_lock(&s->mu);
    if (!keep) {
        pthread_mutex_unlock(&s->mu);
        return 0; /* out of memory: try again at the next flush */
    }
    for (size_t i = 0; i < SLOTS; i++) {
        struct refusals_row *e = &s->rows[i];
        if (e->count == 0)
            continue;
        if (e->minute < before && taken < cap)
            out[taken++] = *e;
        else
            keep[kept++] = *e;
        e->count = 0;
    }
    /* the kept keys go back in (their slots may move now that others left) */
    s->n = 0;
    for (size_t i = 0; i < kept; i++) {
        struct refusals_row *e = find(s, &keep[i]);
        *e = keep[i];
        s->n++;
    }
    pthread_mutex_unlock(&s->mu);
    free(keep);
    return taken;
}
