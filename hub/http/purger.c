/*
 * purger.c: hubd's housekeeping thread (see purger.h).
 */
#include "purger.h"
#include "audit.h"
#include "hubclock.h"
#include "retention.h"
#include "ticker.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Summaries written per writer job (the rest wait for the next second). */
#define FLUSH_MAX 512

struct purger {
    struct writer *writer;
    struct refusalsum *sums;
    long every_s;
    struct timespec last; /* the last purge's end (monotonic) */
    struct ticker *ticker;
    struct refusals_row rows[FLUSH_MAX]; /* summaries being written */
};

struct purge_job {
    struct retention_counts n;
    int more;
};

static int purge_job(struct db *db, void *arg)
{
    struct purge_job *j = arg;
    return retention_step(db, (int64_t)hubclock_now(), RETENTION_STEP_ROWS, &j->n, &j->more) ==
                   DB_OK
               ? 0
               : -1;
}

/* One purge: steps until nothing is left past its period, or a step fails, or hubd stops. */
static void purge(struct purger *p, struct ticker *t)
{
    struct purge_job j = {.more = 1};
    struct timespec pause = {.tv_nsec = RETENTION_STEP_PAUSE_MS * 1000000L};
    enum writer_status ws = WRITER_OK;
    int first = 1;
    while (j.more && ws == WRITER_OK && !ticker_stopping(t)) {
        if (!first)
            nanosleep(&pause, NULL);
        first = 0;
        ws = writer_run(p->writer, purge_job, &j);
    }
    if (ws != WRITER_OK)
        fprintf(stderr, "hub: retention purge failed: %s (tried again next time)\n",
                writer_status_str(ws));
    if (j.n.challenges || j.n.sessions || j.n.idempotency || j.n.refusals)
        fprintf(stderr,
                "hub: retention purge deleted %lld challenge(s), %lld session(s), %lld "
                "idempotency key(s), %lld refusal summaries\n",
                (long long)j.n.challenges, (long long)j.n.sessions, (long long)j.n.idempotency,
                (long long)j.n.refusals);
}

struct flush_job {
    struct refusals_row *rows;
    size_t n;
};

/* Each summary as a row and as an audit record (tamper-evident: a row deleted or edited
 * later still has its record in the log). */
static int flush_job(struct db *db, void *arg)
{
    const struct flush_job *j = arg;
    for (size_t i = 0; i < j->n; i++) {
        const struct refusals_row *row = &j->rows[i];
        int64_t id = 0;
        char outcome[96], rid[40], minute[21];
        if (refusals_add(db, row, &id) != DB_OK)
            return -1;
        hubclock_rfc3339((time_t)row->minute, minute);
        snprintf(outcome, sizeof outcome, "refused: %lld in the minute from %s",
                 (long long)row->count, minute);
        snprintf(rid, sizeof rid, "refusals:%lld", (long long)id);
        /* written now (a record is never dated before those already in the log) */
        struct audit_rec rec = {.at = hubclock_now(),
                                .actor = row->caller,
                                .action = "auth.refused",
                                .outcome = outcome,
                                .data_kinds = "",
                                .purpose = "security",
                                .basis = "none",
                                .source = row->address,
                                .destination = row->route,
                                .request_id = rid};
        if (audit_append_db(db, &rec, NULL) != DB_OK)
            return -1;
    }
    return 0;
}

/* Writes the summaries of minutes before before (INT64_MAX: all); a failed write puts
 * them back to be tried again. */
static void flush(struct purger *p, int64_t before)
{
    struct refusals_row *rows = p->rows;
    struct flush_job j = {rows, 0};
    do {
        j.n = refusalsum_take(p->sums, before, rows, FLUSH_MAX);
        enum writer_status ws = j.n ? writer_run(p->writer, flush_job, &j) : WRITER_OK;
        if (ws != WRITER_OK) {
            fprintf(stderr, "hub: %zu refusal summaries not written: %s (tried again)\n", j.n,
                    writer_status_str(ws));
            for (size_t i = 0; i < j.n; i++)
                refusalsum_put_back(p->sums, &rows[i]);
            break;
        }
    } while (j.n == FLUSH_MAX);
}

/* Each second: the summaries of the minutes that are over; every every_s: a purge. */
static void purger_tick(struct ticker *t, void *arg)
{
    struct purger *p = arg;
    struct timespec now;
    int64_t clock = (int64_t)hubclock_now();
    flush(p, clock - clock % 60);
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (p->every_s > 0 && now.tv_sec - p->last.tv_sec >= p->every_s) {
        purge(p, t);
        clock_gettime(CLOCK_MONOTONIC, &p->last);
    }
}

struct purger *purger_start(struct writer *w, struct refusalsum *sums, long every_s, char *err,
                            size_t errcap)
{
    struct purger *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    p->writer = w;
    p->sums = sums;
    p->every_s = every_s;
    clock_gettime(CLOCK_MONOTONIC, &p->last);
    p->ticker = ticker_start("the housekeeping thread", 1000, TICKER_WAIT_FIRST, purger_tick, p,
                             err, errcap);
    if (!p->ticker) {
        free(p);
        return NULL;
    }
    return p;
}

void purger_stop(struct purger *p)
{
    if (!p)
        return;
    ticker_stop(p->ticker);
    flush(p, INT64_MAX);
    free(p);
}
