/*
 * workq.c: two-priority handler pool (see workq.h). One mutex and condition variable;
 * jobs are few and each runs for milliseconds, so a simple FIFO per priority is enough.
 */
#include "workq.h"

#include <pthread.h>
#include <stdlib.h>

struct job {
    void (*fn)(void *);
    void *arg;
    struct job *next;
};

struct fifo {
    struct job *head, *tail;
};

struct workq {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t *threads;
    int n_threads, started;
    int bulk_max;     /* bulk jobs running at once at most */
    int bulk_running; /* bulk jobs running now */
    int queued, queue_max;
    int stopping;
    struct fifo fifo[2];
};

static void push(struct fifo *f, struct job *j)
{
    j->next = NULL;
    if (f->tail)
        f->tail->next = j;
    else
        f->head = j;
    f->tail = j;
}

static struct job *pop(struct fifo *f)
{
    struct job *j = f->head;
    if (j) {
        f->head = j->next;
        if (!f->head)
            f->tail = NULL;
    }
    return j;
}

/* The next job this thread may run (with q->mu held), or NULL; *bulk says its kind. */
static struct job *next_job(struct workq *q, int *bulk)
{
    struct job *j = pop(&q->fifo[WORKQ_URGENT]);
    *bulk = 0;
    if (!j && q->bulk_running < q->bulk_max) {
        j = pop(&q->fifo[WORKQ_BULK]);
        *bulk = j != NULL;
    }
    return j;
}

static void *worker_main(void *arg)
{
    struct workq *q = arg;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        int bulk = 0;
        struct job *j = next_job(q, &bulk);
        if (!j) {
            if (q->stopping && q->queued == 0)
                break;
            pthread_cond_wait(&q->cv, &q->mu);
            continue;
        }
        q->queued--;
        q->bulk_running += bulk;
        pthread_mutex_unlock(&q->mu);
        j->fn(j->arg);
        free(j);
        pthread_mutex_lock(&q->mu);
        q->bulk_running -= bulk;
        if (bulk) /* a bulk slot is free again: wake a thread that may take it */
            pthread_cond_broadcast(&q->cv);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

struct workq *workq_start(int threads, int reserved, int queue_max)
{
    struct workq *q = calloc(1, sizeof *q);
    if (!q || threads < 2 || reserved < 0 || reserved >= threads)
        goto fail;
    q->threads = calloc((size_t)threads, sizeof *q->threads);
    if (!q->threads)
        goto fail;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    q->n_threads = threads;
    q->bulk_max = threads - reserved;
    q->queue_max = queue_max;
    for (; q->started < threads; q->started++) {
        if (pthread_create(&q->threads[q->started], NULL, worker_main, q) != 0)
            break;
        pthread_setname_np(q->threads[q->started], "hub-handler");
    }
    if (q->started < threads) {
        workq_stop(q);
        return NULL;
    }
    return q;
fail:
    if (q)
        free(q->threads);
    free(q);
    return NULL;
}

void workq_stop(struct workq *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->mu);
    q->stopping = 1;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
    for (int i = 0; i < q->started; i++)
        pthread_join(q->threads[i], NULL);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
    free(q->threads);
    free(q);
}

int workq_submit(struct workq *q, enum workq_prio prio, void (*fn)(void *), void *arg)
{
    struct job *j = malloc(sizeof *j);
    int rc = -1;
    if (!j)
        return -1;
    j->fn = fn;
    j->arg = arg;
    pthread_mutex_lock(&q->mu);
    /* Urgent jobs are never refused for a full queue: only bulk work is shed. */
    if (!q->stopping && (prio == WORKQ_URGENT || q->queued < q->queue_max)) {
        push(&q->fifo[prio == WORKQ_URGENT ? WORKQ_URGENT : WORKQ_BULK], j);
        q->queued++;
        j = NULL;
        rc = 0;
        /* One thread: every thread may take any job it finds, and one that finds only bulk
         * work while the bulk slots are taken sleeps again; the thread that frees a slot
         * wakes them all then (worker_main). A broadcast here woke every idle thread (32
         * on PostgreSQL) for each request, to find one job. */
        pthread_cond_signal(&q->cv);
    }
    pthread_mutex_unlock(&q->mu);
    free(j);
    return rc;
}
