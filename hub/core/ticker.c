/*
 * ticker.c: see ticker.h. The thread sleeps on a condition variable with a deadline, so
 * ticker_stop() and ticker_kick() wake it at once; a wake-up before the deadline with
 * neither (a spurious one) sleeps again until the deadline.
 */
#include "ticker.h"
#include "hubclock.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct ticker {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    long period_ms;
    long next_ms;         /* the wait after the run under way, set by ticker_next_in; -1 none */
    long gap_ms;          /* ticker_set_gap */
    struct timespec last; /* start of the last run (hubclock_deadline_ms(0) then) */
    enum ticker_first first;
    ticker_fn fn;
    void *arg;
    int stopping, kicked;
    int waiting; /* sleeping until the period or a kick (not in the gap): a kick wakes it */
};

/* Under mu: sleeps until the period (or the wait ticker_next_in asked for) is over, a kick
 * or the stop; then, kicked or not, until the gap since the last run's start is over. */
static void sleep_period(struct ticker *t)
{
    long ms = t->next_ms >= 0 ? t->next_ms : t->period_ms;
    t->next_ms = -1;
    struct timespec until = hubclock_deadline_ms(ms);
    t->waiting = 1;
    while (!t->stopping && !t->kicked)
        if (pthread_cond_timedwait(&t->cv, &t->mu, &until) == ETIMEDOUT)
            break;
    t->waiting = 0;
    if (t->gap_ms <= 0)
        return;
    struct timespec gap = t->last;
    gap.tv_sec += t->gap_ms / 1000;
    gap.tv_nsec += (t->gap_ms % 1000) * 1000000L;
    if (gap.tv_nsec >= 1000000000L) {
        gap.tv_sec++;
        gap.tv_nsec -= 1000000000L;
    }
    while (!t->stopping)
        if (pthread_cond_timedwait(&t->cv, &t->mu, &gap) == ETIMEDOUT)
            break;
}

static void *ticker_main(void *arg)
{
    struct ticker *t = arg;
    pthread_mutex_lock(&t->mu);
    if (t->first == TICKER_WAIT_FIRST)
        sleep_period(t);
    while (!t->stopping) {
        t->kicked = 0; /* a kick from here on asks for the next run */
        t->last = hubclock_deadline_ms(0);
        pthread_mutex_unlock(&t->mu);
        t->fn(t, t->arg);
        pthread_mutex_lock(&t->mu);
        sleep_period(t);
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

struct ticker *ticker_start(const char *what, long period_ms, enum ticker_first first, ticker_fn fn,
                            void *arg, char *err, size_t errcap)
{
    struct ticker *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    t->period_ms = period_ms > 0 ? period_ms : 1;
    t->next_ms = -1;
    t->first = first;
    t->fn = fn;
    t->arg = arg;
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->cv, NULL);
    if (pthread_create(&t->thread, NULL, ticker_main, t) != 0) {
        snprintf(err, errcap, "cannot start %s", what);
        pthread_mutex_destroy(&t->mu);
        pthread_cond_destroy(&t->cv);
        free(t);
        return NULL;
    }
    return t;
}

void ticker_next_in(struct ticker *t, long ms)
{
    pthread_mutex_lock(&t->mu);
    t->next_ms = ms > 0 ? ms : 0;
    pthread_mutex_unlock(&t->mu);
}

void ticker_set_gap(struct ticker *t, long gap_ms)
{
    pthread_mutex_lock(&t->mu);
    t->gap_ms = gap_ms > 0 ? gap_ms : 0;
    pthread_mutex_unlock(&t->mu);
}

void ticker_kick(struct ticker *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->mu);
    t->kicked = 1;
    /* Only a thread waiting for a kick: one running, or sleeping out its gap, finds kicked
     * when it looks (the writer kicks the audit sequencer after every batch, hundreds of
     * times a second, and each used to wake it in its gap to sleep again). */
    if (t->waiting)
        pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
}

int ticker_stopping(struct ticker *t)
{
    pthread_mutex_lock(&t->mu);
    int s = t->stopping;
    pthread_mutex_unlock(&t->mu);
    return s;
}

void ticker_stop(struct ticker *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->mu);
    t->stopping = 1;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->thread, NULL);
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->cv);
    free(t);
}
