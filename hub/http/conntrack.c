/*
 * conntrack.c: absolute header and body deadlines per connection (see conntrack.h).
 *
 * The socket may be shut from the sweep thread only while MHD has not closed it: MHD
 * calls the connection-closed notification (conntrack_close) before it closes the socket,
 * and both that and the sweep hold the same mutex, so an entry in the list always names an
 * open socket of its own connection.
 */
#include "conntrack.h"
#include "ticker.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#define SWEEP_MS 250

enum phase {
    PHASE_HEADERS, /* waiting for the request line and headers */
    PHASE_BODY,    /* headers in, body being read */
    PHASE_HANDLED, /* request complete: being handled or answered */
    PHASE_SHUT,    /* its socket was shut by the sweep */
};

struct conntrack_conn {
    int fd;
    enum phase phase;
    struct timespec start; /* CLOCK_MONOTONIC start of the current request */
    struct conntrack_conn *prev, *next;
};

struct conntrack {
    pthread_mutex_t mu;
    struct ticker *sweeper; /* every SWEEP_MS */
    long header_s, body_s;
    long shut;
    struct conntrack_conn *head;
};

static double since(const struct timespec *start, const struct timespec *now)
{
    return (double)(now->tv_sec - start->tv_sec) + (double)(now->tv_nsec - start->tv_nsec) / 1e9;
}

static void sweep(struct conntrack *ct)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    for (struct conntrack_conn *e = ct->head; e; e = e->next) {
        double age = since(&e->start, &now);
        int late = (e->phase == PHASE_HEADERS && age > (double)ct->header_s) ||
                   (e->phase == PHASE_BODY && age > (double)ct->body_s);
        if (!late)
            continue;
        /* Both directions: MHD's next read sees the end of the stream and closes. */
        shutdown(e->fd, SHUT_RDWR);
        e->phase = PHASE_SHUT;
        ct->shut++;
    }
}

static void sweep_tick(struct ticker *t, void *arg)
{
    struct conntrack *ct = arg;
    (void)t;
    pthread_mutex_lock(&ct->mu);
    sweep(ct);
    pthread_mutex_unlock(&ct->mu);
}

struct conntrack *conntrack_start(long header_s, long body_s)
{
    char err[64];
    struct conntrack *ct = calloc(1, sizeof *ct);
    if (!ct)
        return NULL;
    pthread_mutex_init(&ct->mu, NULL);
    ct->header_s = header_s;
    ct->body_s = body_s;
    ct->sweeper = ticker_start("the deadline thread", SWEEP_MS, TICKER_WAIT_FIRST, sweep_tick, ct,
                               err, sizeof err);
    if (!ct->sweeper) {
        pthread_mutex_destroy(&ct->mu);
        free(ct);
        return NULL;
    }
    return ct;
}

void conntrack_stop(struct conntrack *ct)
{
    if (!ct)
        return;
    ticker_stop(ct->sweeper);
    while (ct->head) {
        struct conntrack_conn *e = ct->head;
        ct->head = e->next;
        free(e);
    }
    pthread_mutex_destroy(&ct->mu);
    free(ct);
}

struct conntrack_conn *conntrack_open(struct conntrack *ct, int fd)
{
    struct conntrack_conn *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->fd = fd;
    e->phase = PHASE_HEADERS;
    clock_gettime(CLOCK_MONOTONIC, &e->start);
    pthread_mutex_lock(&ct->mu);
    e->next = ct->head;
    if (ct->head)
        ct->head->prev = e;
    ct->head = e;
    pthread_mutex_unlock(&ct->mu);
    return e;
}

void conntrack_close(struct conntrack *ct, struct conntrack_conn *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&ct->mu);
    if (e->prev)
        e->prev->next = e->next;
    else
        ct->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    pthread_mutex_unlock(&ct->mu);
    free(e);
}

/* Moves e to phase (never out of PHASE_SHUT); restart: the request starts now. */
static void set_phase(struct conntrack *ct, struct conntrack_conn *e, enum phase p, int restart)
{
    if (!e)
        return;
    pthread_mutex_lock(&ct->mu);
    if (e->phase != PHASE_SHUT) {
        e->phase = p;
        if (restart)
            clock_gettime(CLOCK_MONOTONIC, &e->start);
    }
    pthread_mutex_unlock(&ct->mu);
}

void conntrack_headers_done(struct conntrack *ct, struct conntrack_conn *e)
{
    set_phase(ct, e, PHASE_BODY, 0);
}

void conntrack_request_done(struct conntrack *ct, struct conntrack_conn *e)
{
    set_phase(ct, e, PHASE_HANDLED, 0);
}

void conntrack_next_request(struct conntrack *ct, struct conntrack_conn *e)
{
    set_phase(ct, e, PHASE_HEADERS, 1);
}

long conntrack_shut_count(struct conntrack *ct)
{
    pthread_mutex_lock(&ct->mu);
    long n = ct->shut;
    pthread_mutex_unlock(&ct->mu);
    return n;
}
