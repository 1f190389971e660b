/*
 * pusher.c: the webhook push thread (see pusher.h).
 */
#include <stddef.h>

#include "pusher.h"
#include "hubclock.h"
#include "db.h"
#include "opush.h"
#include "notifier.h"
#include "ticker.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct pusher {
    struct ticker *ticker;
    struct db *db;
    struct opush *push;
    struct notifier *notify; /* alert notifications (hub/notify/), same thread and handle */
    struct hubclock clock;
};

/* One pass of the webhook pushes and one of the notifications. */
static void pusher_tick(struct ticker *t, void *arg)
{
    struct pusher *p = arg;
    struct opush_stats stats;
    (void)t;
    /* A failed pass (the database restarted, say) opens the connection again before
     * the next one; db_reconnect is a no-op on SQLite. */
    if (opush_run_once(p->push, &stats) != ORDERS_OK && db_reconnect(p->db) != DB_OK)
        fprintf(stderr, "hub: webhook push pass failed (database); retrying\n");
    if (notifier_run_once(p->notify, NULL) != 0 && db_reconnect(p->db) != DB_OK)
        fprintf(stderr, "hub: notification pass failed (database); retrying\n");
}

struct pusher *pusher_start(const char *db_path, long poll_ms, const struct notifier_config *ncfg,
                            char *err, size_t errcap)
{
    struct pusher *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
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
    p->ticker = ticker_start("the webhook push thread", poll_ms > 0 ? poll_ms : 1000,
                             TICKER_RUN_FIRST, pusher_tick, p, err, errcap);
    if (!p->ticker)
        goto fail;
    return p;
fail:
    notifier_destroy(p->notify);
    opush_destroy(p->push);
    db_close(p->db);
    free(p);
    return NULL;
}

void pusher_kick(struct pusher *p)
{
    if (p)
        ticker_kick(p->ticker);
}

void pusher_stop(struct pusher *p)
{
    if (!p)
        return;
    notifier_stop_soon(p->notify); /* the message being sent is finished and recorded */
    ticker_stop(p->ticker);
    notifier_destroy(p->notify);
    opush_destroy(p->push);
    db_close(p->db);
    free(p);
}
