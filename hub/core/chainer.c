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
#include <time.h>

#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS   2000

/* Where a pass starts reading (audit_chain_pass_db()). The chaining UPDATE leaves a dead
 * entry in audit_unchained for every record until vacuum, and a pass that read the index
 * from its start walked all of them twice (the logs, then each log's records): 60 index
 * pages a pass after 55,000 records, more every second. A pass starts instead after the
 * newest record id seen HINT_LAG_MS to 2 x HINT_LAG_MS ago, never past a record it saw and
 * left unchained: what was stored before that and is still unchained committed more than
 * HINT_LAG_MS after its id was drawn (a writer batch draws its records' ids with its COMMIT
 * already sent), and waits for the next pass from the start, one every FULL_PASS_MS. The
 * dead entries above that id are still read, and their rows (they are too new to be marked
 * dead in the index): the shorter the lag, the fewer. */
#define HINT_LAG_MS  250
#define FULL_PASS_MS 5000

struct chainer {
    struct db *db;     /* owned (hubdb_open_db) */
    struct ticker *tk; /* owned */
    /* the ticker thread's own */
    int lost;
    long backoff_ms;
    long long after;            /* where the next pass starts */
    long long top_old, top_new; /* the newest id seen at the last two turns of the lag */
    long long turned_ms, full_ms;
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One pass, from the start when one is due. */
static enum db_status chain(struct chainer *c, long *n)
{
    long long now = now_ms();
    struct audit_chain_pass p = {.after = c->after};
    if (c->full_ms == 0 || now - c->full_ms >= FULL_PASS_MS) {
        p.after = 0;
        c->full_ms = now;
    }
    enum db_status rc = audit_chain_pass_db(c->db, AUDIT_CHAIN_MAX, &p, n);
    if (rc != DB_OK && rc != DB_ERR_BUSY) {
        c->full_ms = 0; /* a failed pass chained nothing for sure: the next starts over */
        return rc;
    }
    if (now - c->turned_ms >= HINT_LAG_MS) {
        c->top_old = c->top_new;
        c->top_new = p.top;
        c->turned_ms = now;
    }
    c->after = c->top_old;
    if (p.low > 0 && p.low - 1 < c->after)
        c->after = p.low - 1;
    return rc;
}

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
    enum db_status rc = chain(c, &n);
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
