/*
 * pusher.c: the webhook push thread (see pusher.h).
 */
#include <stddef.h>

#include "pusher.h"
#include "hubclock.h"
#include "db.h"
#include "opush.h"
#include "notifier.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct pusher {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stopping;
    int kicked;
    long poll_ms;
    struct db *db;
    struct opush *push;
    struct notifier *notify; /* alert notifications (hub/notify/), same thread and handle */
    struct hubclock clock;
};

static void *pusher_main(void *arg)
{
    struct pusher *p = arg;
    pthread_mutex_lock(&p->mu);
    while (!p->stopping) {
        p->kicked = 0;
        pthread_mutex_unlock(&p->mu);
        struct opush_stats stats;
        /* A failed pass (the database restarted, say) opens the connection again before
         * the next one; db_reconnect is a no-op on SQLite. */
        if (opush_run_once(p->push, &stats) != ORDERS_OK && db_reconnect(p->db) != DB_OK)
            fprintf(stderr, "hub: webhook push pass failed (database); retrying\n");
        if (notifier_run_once(p->notify, NULL) != 0 && db_reconnect(p->db) != DB_OK)
            fprintf(stderr, "hub: notification pass failed (database); retrying\n");
        pthread_mutex_lock(&p->mu);
        if (p->stopping || p->kicked)
            continue;
        struct timespec until = hubclock_deadline_ms(p->poll_ms);
        pthread_cond_timedwait(&p->cv, &p->mu, &until);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

struct pusher *pusher_start(const char *db_path, long poll_ms, const struct notifier_config *ncfg,
                            char *err, size_t errcap)
{
    struct pusher *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->poll_ms = poll_ms > 0 ? poll_ms : 1000;
    /* p->clock stays {NULL}: the hub's own clock (hubclock_now, the clock file in tests) */
    /* Its own handle (SQLite file or PostgreSQL), never shared with the writer. */
    if (db_open(db_path, 0, &p->db, err, errcap) != DB_OK)
        goto fail;
    p->push = opush_create(p->db, &p->clock, NULL);
    if (!p->push) {
        snprintf(err, errcap, "cannot create the webhook push worker");
        goto fail;
    }
    p->notify = notifier_create(p->db, ncfg);
    if (!p->notify) {
        snprintf(err, errcap, "cannot create the notification worker");
        goto fail;
    }
    if (pthread_create(&p->thread, NULL, pusher_main, p) != 0) {
        snprintf(err, errcap, "cannot start the webhook push thread");
        goto fail;
    }
    return p;
fail:
    notifier_destroy(p->notify);
    opush_destroy(p->push);
    db_close(p->db);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
    return NULL;
}

void pusher_kick(struct pusher *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->kicked = 1;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

void pusher_stop(struct pusher *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stopping = 1;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    notifier_stop_soon(p->notify); /* the message being sent is finished and recorded */
    pthread_join(p->thread, NULL);
    notifier_destroy(p->notify);
    opush_destroy(p->push);
    db_close(p->db);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
}
