/*
 * purger.c: hubd's retention thread (see purger.h).
 */
#include "purger.h"
#include "hubclock.h"
#include "retention.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct purger {
    struct writer *writer;
    long every_s;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stopping;
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

static int stopping(struct purger *p)
{
    pthread_mutex_lock(&p->mu);
    int s = p->stopping;
    pthread_mutex_unlock(&p->mu);
    return s;
}

/* One pass: steps until nothing is left past its period, or a step fails, or hubd stops. */
static void pass(struct purger *p)
{
    struct purge_job j = {.more = 1};
    struct timespec pause = {.tv_nsec = RETENTION_STEP_PAUSE_MS * 1000000L};
    enum writer_status ws = WRITER_OK;
    int first = 1;
    while (j.more && ws == WRITER_OK && !stopping(p)) {
        if (!first)
            nanosleep(&pause, NULL);
        first = 0;
        ws = writer_run(p->writer, purge_job, &j);
    }
    if (ws != WRITER_OK)
        fprintf(stderr, "hub: retention purge failed: %s (tried again next time)\n",
                writer_status_str(ws));
    if (j.n.challenges || j.n.sessions || j.n.idempotency)
        fprintf(stderr,
                "hub: retention purge deleted %lld challenge(s), %lld session(s), %lld "
                "idempotency key(s)\n",
                (long long)j.n.challenges, (long long)j.n.sessions, (long long)j.n.idempotency);
}

static void *purger_main(void *arg)
{
    struct purger *p = arg;
    pthread_mutex_lock(&p->mu);
    while (!p->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += p->every_s;
        pthread_cond_timedwait(&p->cv, &p->mu, &until);
        if (p->stopping)
            break;
        pthread_mutex_unlock(&p->mu);
        pass(p);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

struct purger *purger_start(struct writer *w, long every_s, char *err, size_t errcap)
{
    struct purger *p = calloc(1, sizeof *p);
    if (!p || every_s <= 0) {
        snprintf(err, errcap, "%s", p ? "the purge interval must be positive" : "out of memory");
        free(p);
        return NULL;
    }
    p->writer = w;
    p->every_s = every_s;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&p->thread, NULL, purger_main, p) != 0) {
        snprintf(err, errcap, "cannot start the retention thread");
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv);
        free(p);
        return NULL;
    }
    return p;
}

void purger_stop(struct purger *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stopping = 1;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
}
