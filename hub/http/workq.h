/*
 * workq.h: the pool of threads that run hubd's request handlers, with two priorities.
 *
 * The HTTP threads only read requests and write answers (event-driven, never blocking on
 * the database); a complete request becomes a job here. Urgent jobs (help calls,
 * check-ins, health) always go first, and ordinary (bulk) jobs may occupy at most
 * threads - reserved threads at once, so however much bulk work is queued, reserved
 * threads stay free for the urgent kind.
 *
 * Thread safety: workq_submit may be called from any thread.
 */
#ifndef HUB_WORKQ_H
#define HUB_WORKQ_H

struct workq;

enum workq_prio {
    WORKQ_URGENT = 0,
    WORKQ_BULK = 1,
};

/* Starts threads workers (>= 2), of which reserved (< threads) never run bulk jobs; at
 * most queue_max jobs wait. NULL when out of memory or no thread could start. */
struct workq *workq_start(int threads, int reserved, int queue_max);
/* Runs every job still queued, then stops the threads and frees; accepts NULL. */
void workq_stop(struct workq *q);

/* Queues fn(arg). 0, or -1 when the queue is full or stopping (fn is not called). */
int workq_submit(struct workq *q, enum workq_prio prio, void (*fn)(void *), void *arg);

#endif
