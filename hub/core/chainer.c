/*
 * chainer.c: the audit sequencer's thread (see chainer.h), a ticker (ticker.h) like hubd's
 * other periodic threads: a pass at start, on a kick (at most one per CHAINER_EVERY_MS, the
 * ticker's gap) and once a tick; a pass asks for the next one sooner (more left, another
 * process chaining) or later (the connection is lost: the back-off) through
 * ticker_next_in().
 */
#include "chainer.h"
#include "audit.h"
#include "hubdb.h"
#include "ticker.h"

#include <stdio.h>
#include <stdlib.h>

#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS   2000

struct chainer {
    struct db *db;     /* owned (hubdb_open_db) */
    struct ticker *tk; /* owned */
    /* the ticker thread's own */
    int lost;
    long backoff_ms;
};

/* One pass; a lost connection is connected again first. */
static void pass(struct ticker *tk, void *arg)
{
    struct chainer *c = arg;
    if (c->lost) {
        if (db_reconnect(c->db) != DB_OK) {
            c->backoff_ms = c->backoff_ms ? c->backoff_ms * 2 : BACKOFF_FIRST_MS;
            if (c->backoff_ms > BACKOFF_MAX_MS)
                c->backoff_ms = BACKOFF_MAX_MS;
            ticker_next_in(tk, c->backoff_ms);
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
        ticker_next_in(tk, c->backoff_ms);
        return;
    }
    if (rc != DB_OK && rc != DB_ERR_BUSY)
        fprintf(stderr, "hub: audit chaining failed: %s\n", db_errmsg(c->db));
    /* Busy: another process chains now and may have missed this one's newest records. */
    if (rc != DB_OK || n == AUDIT_CHAIN_MAX)
        ticker_next_in(tk, CHAINER_SOON_MS);
}

struct chainer *chainer_start(struct db *db)
{
    char err[128];
    struct chainer *c = calloc(1, sizeof *c);
    if (!c) {
        hubdb_db_close(db);
        return NULL;
    }
    c->db = db;
    c->tk = ticker_start("the audit sequencer thread", CHAINER_TICK_MS, TICKER_RUN_FIRST, pass, c,
                         err, sizeof err);
    if (!c->tk) {
        fprintf(stderr, "hub: %s\n", err);
        hubdb_db_close(db);
        free(c);
        return NULL;
    }
    ticker_set_gap(c->tk, CHAINER_EVERY_MS);
    return c;
}

void chainer_kick(struct chainer *c)
{
    if (c)
        ticker_kick(c->tk);
}

void chainer_stop(struct chainer *c)
{
    if (!c)
        return;
    ticker_stop(c->tk);
    hubdb_db_close(c->db);
    free(c);
}
