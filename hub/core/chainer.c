/*
 * chainer.c: the audit sequencer's thread (see chainer.h). One mutex and one condition
 * variable: a kick sets a flag and signals; the thread waits for a kick or the tick, then
 * keeps CHAINER_EVERY_MS since its last pass before running the next.
 */
#include "chainer.h"
#include "audit.h"
#include "hubclock.h"
#include "hubdb.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS   2000

struct chainer {
    struct db *db; /* owned (hubdb_open_db) */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int kicked, stop;
    /* the thread's own */
    int soon;
    long long last_ms;
    int lost;
    long backoff_ms;
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One pass; a lost connection is connected again first. */
static void pass(struct chainer *c)
{
    if (c->lost) {
        if (db_reconnect(c->db) != DB_OK) {
            c->backoff_ms = c->backoff_ms ? c->backoff_ms * 2 : BACKOFF_FIRST_MS;
            if (c->backoff_ms > BACKOFF_MAX_MS)
                c->backoff_ms = BACKOFF_MAX_MS;
            return;
        }
        c->lost = 0;
        c->backoff_ms = 0;
    }
    long n = 0;
    enum db_status rc = audit_chain_db(c->db, AUDIT_CHAIN_MAX, &n);
    if (rc == DB_ERR_LOST || !db_connected(c->db)) {
        c->lost = 1;
        c->backoff_ms = BACKOFF_FIRST_MS;
    } else if (rc != DB_OK && rc != DB_ERR_BUSY) {
        fprintf(stderr, "hub: audit chaining failed: %s\n", db_errmsg(c->db));
    }
    /* Busy: another process chains now and may have missed this one's newest records. */
    c->soon = rc != DB_OK || n == AUDIT_CHAIN_MAX;
}

/* Waits up to ms for stop, or also for a kick when kick is 1. Lock held. */
static void wait_ms(struct chainer *c, long ms, int kick)
{
    if (ms <= 0)
        return;
    struct timespec until = hubclock_deadline_ms(ms);
    while (!c->stop && !(kick && c->kicked) &&
           pthread_cond_timedwait(&c->cv, &c->mu, &until) != ETIMEDOUT) {
    }
}

static void *chainer_main(void *arg)
{
    struct chainer *c = arg;
    pthread_mutex_lock(&c->mu);
    while (!c->stop) {
        c->kicked = 0; /* a kick from here on asks for the next pass */
        pthread_mutex_unlock(&c->mu);
        c->last_ms = now_ms();
        pass(c);
        pthread_mutex_lock(&c->mu);
        wait_ms(c, c->lost ? c->backoff_ms : c->soon ? CHAINER_SOON_MS : CHAINER_TICK_MS, 1);
        /* The shortest interval between passes, kicks or not. */
        wait_ms(c, CHAINER_EVERY_MS - (long)(now_ms() - c->last_ms), 0);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

struct chainer *chainer_start(struct db *db)
{
    struct chainer *c = calloc(1, sizeof *c);
    if (!c) {
        hubdb_db_close(db);
        return NULL;
    }
    c->db = db;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    if (pthread_create(&c->thread, NULL, chainer_main, c) != 0) {
        pthread_mutex_destroy(&c->mu);
        pthread_cond_destroy(&c->cv);
        hubdb_db_close(db);
        free(c);
        return NULL;
    }
    return c;
}

void chainer_kick(struct chainer *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    c->kicked = 1;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

void chainer_stop(struct chainer *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    c->stop = 1;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    hubdb_db_close(c->db);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    free(c);
}
