/*
 * writer.c: one thread, one connection, group commit (see writer.h).
 *
 * The queue is a singly linked list of jobs that live on their submitters' stacks. Wake-ups
 * are counted out, because on PostgreSQL (dozens of request threads waiting, small batches
 * every millisecond) they were most of hubd's CPU time (docs/benchmarks.md):
 * - each submitter sleeps on its own job's semaphore, posted once when its batch is over,
 *   so a batch wakes its own jobs' threads and no other (a broadcast on one condition
 *   variable woke every waiting thread after every batch, each to take the mutex and go
 *   back to sleep);
 * - a submitter signals the writer only when the writer sleeps waiting for work (idle); while
 *   it runs a batch or gathers one, the new job is found without a wake-up.
 */
#include "writer.h"
#include "audit.h"
#include "chainer.h"
#include "hubclock.h"
#include "hubdb.h"
#include "sdnotify.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BATCH_MAX 512
/* PostgreSQL: an idle writer runs a sequencer pass this often, so records committed by a
 * process that stopped before chaining them wait at most this long; sooner after a pass
 * that found another process chaining or left records. */
#define CHAIN_TICK_MS  1000
#define CHAIN_SOON_MS  20
#define CHAIN_EVERY_MS 10

struct job {
    writer_fn fn;
    const struct writer_kind *kind; /* NULL: runs alone */
    void *arg;
    int ran; /* run_batch(): already run (with its kind's group) */
    enum writer_status status;
    sem_t done; /* posted once, when status is final; the job may be gone right after */
    /* writer_submit_kind: called with the status instead of a post; the job is the
     * writer's then (malloc) and freed after. */
    void (*then)(void *arg, enum writer_status st);
    struct job *next;
};

struct writer {
    struct db *db; /* owned (hubdb_open_db) */
    EVP_PKEY *key;
    long cp_every, cp_seconds;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work; /* signalled when a job is queued to an idle writer, or stop is set */
    struct job *head, *tail;
    int queued; /* jobs in the list (under mu) */
    int idle;   /* the writer sleeps on work until a job comes (under mu) */
    int stop;
    long gather_us; /* writer_set_gather (under mu) */
    unsigned long long batches, jobs;
    long since_cp;           /* jobs committed since the last checkpoint (writer thread only) */
    time_t last_cp;          /* system time of the last tree head (writer thread only) */
    time_t last_cp_hub;      /* the hub clock's time of it (hubclock.h; writer thread only) */
    struct chainer *chainer; /* PostgreSQL: the sequencer's own thread, or NULL (under mu) */
    int chain_soon;          /* PostgreSQL: records may wait for a pass (writer thread only) */
    long long chain_last;    /* monotonic ms of the last pass (writer thread only) */
    /* PostgreSQL, writer thread only: a tree head put off while the chain was busy (see
     * put_off_head): when it was first put off and when to try again (0 = none). */
    long long cp_busy_since, cp_retry_ms;
    int last_head;     /* the head signed at shutdown: never put off (writer thread only) */
    long wd_ms;        /* systemd watchdog feeding interval, 0 = none (sdnotify.h) */
    long long wd_last; /* monotonic ms of the last feed (writer thread only) */
    /* Writer thread only: the connection is lost; when to try again and the next wait. */
    int lost;
    long long retry_at_ms;
    long backoff_ms;
};

#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS   2000

const char *writer_status_str(enum writer_status s)
{
    switch (s) {
    case WRITER_OK:
        return "ok";
    case WRITER_JOB_FAILED:
        return "job failed";
    case WRITER_COMMIT_FAILED:
        return "commit failed";
    case WRITER_STOPPED:
        return "writer stopped";
    case WRITER_UNAVAILABLE:
        return "database unavailable";
    }
    return "unknown";
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Notes a failure st of the writer's own handle: DB_ERR_LOST (or a handle that knows its
 * connection is gone) marks it lost, to be connected again before the next batch. */
static void note_failure(struct writer *w, enum db_status st)
{
    if (w->lost || (st != DB_ERR_LOST && db_connected(w->db)))
        return;
    w->lost = 1;
    w->backoff_ms = 0;
    w->retry_at_ms = now_ms();
    fprintf(stderr, "hub: lost the database connection (%s); answering 503 until it is back\n",
            db_errmsg(w->db));
}

/* 1 when the handle is usable: not lost, or connected again now. Tries at most once per
 * back-off step, so a database that stays away costs no more than that. */
static int usable(struct writer *w)
{
    if (!w->lost)
        return 1;
    long long now = now_ms();
    if (now < w->retry_at_ms)
        return 0;
    if (db_reconnect(w->db) == DB_OK) {
        w->lost = 0;
        fprintf(stderr, "hub: database connection is back\n");
        return 1;
    }
    w->backoff_ms = w->backoff_ms ? w->backoff_ms * 2 : BACKOFF_FIRST_MS;
    if (w->backoff_ms > BACKOFF_MAX_MS)
        w->backoff_ms = BACKOFF_MAX_MS;
    w->retry_at_ms = now + w->backoff_ms;
    return 0;
}

/* With a chainer: kicks it (under mu, so writer_destroy never stops it under a kick) and
 * returns 1; 0 when the writer chains itself. */
static int kick_chainer(struct writer *w)
{
    pthread_mutex_lock(&w->mu);
    struct chainer *c = w->chainer;
    chainer_kick(c);
    pthread_mutex_unlock(&w->mu);
    return c != NULL;
}

/* PostgreSQL: one sequencer pass (audit.h), after a commit, at start and on the tick.
 * Another process chaining at that moment (BUSY) is normal; it may have missed this
 * process's newest records, so the next pass comes soon. */
static void chain(struct writer *w)
{
    if (db_dialect(w->db) != DB_POSTGRES || w->lost || kick_chainer(w))
        return;
    w->chain_last = now_ms();
    long n = 0;
    enum db_status rc = audit_chain_db(w->db, AUDIT_CHAIN_MAX, &n);
    if (rc != DB_OK && rc != DB_ERR_BUSY)
        fprintf(stderr, "hub: audit chaining failed: %s\n", db_errmsg(w->db));
    note_failure(w, rc);
    w->chain_soon = rc != DB_OK || n == AUDIT_CHAIN_MAX;
}

/* After a batch: a pass at most every CHAIN_EVERY_MS, so under load one pass chains the
 * records of many batches (and of other processes) at once. */
static void chain_after_batch(struct writer *w)
{
    if (db_dialect(w->db) != DB_POSTGRES || kick_chainer(w))
        return;
    if (now_ms() - w->chain_last < CHAIN_EVERY_MS)
        w->chain_soon = 1;
    else
        chain(w);
}

/* Signs a tree head of the audit log over every chained record not yet covered (none
 * when nothing is new: one short transaction that writes nothing). */
/* The chain was busy when a head was due: another pass holds it (this process's chainer,
 * kicked just before, or another process) and the records it has not committed yet would
 * be left out of the head, with the next head a whole period away; an audit-verify in
 * between found records under no head. Puts the head off by CHAIN_SOON_MS instead (each try
 * is one statement that skips a locked chain), for at most a period, then signs what is
 * chained as before. 1 when put off. */
static int put_off_head(struct writer *w)
{
    long long now = now_ms();
    if (!w->cp_busy_since)
        w->cp_busy_since = now;
    if (w->last_head || now - w->cp_busy_since >= w->cp_seconds * 1000L)
        return 0;
    w->cp_retry_ms = now + CHAIN_SOON_MS;
    return 1;
}

static void checkpoint(struct writer *w)
{
    if (!usable(w))
        return;
    long long chained = 0;
    /* A head covers the chained records: chain what is stored first (also at shutdown
     * when nothing is left to sign: a pass put off by CHAIN_EVERY_MS). */
    if (db_dialect(w->db) == DB_POSTGRES && audit_chain_all_db(w->db, &chained) == DB_ERR_BUSY &&
        w->key && put_off_head(w))
        return;
    w->cp_busy_since = 0;
    w->cp_retry_ms = 0;
    if (!w->key)
        return;
    enum db_status st = db_begin(w->db);
    if (st != DB_OK)
        goto fail;
    st = audit_checkpoint_db(w->db, w->key, hubclock_now());
    /* Busy (another process signs a log) or one log that cannot be signed: the heads of
     * the other logs are kept all the same; one town's tampered log stops no other's. */
    if (st == DB_OK || st == DB_ERR_BUSY || st == DB_ERR_CONSTRAINT) {
        enum db_status c = db_commit(w->db);
        if (c != DB_OK)
            st = c;
    } else {
        db_rollback(w->db);
    }
    if (st != DB_OK)
        goto fail;
    w->since_cp = 0;
    w->last_cp = time(NULL);
    w->last_cp_hub = hubclock_now();
    return;
fail:
    w->last_cp = time(NULL); /* tried: the next try is a period away */
    if (st == DB_ERR_BUSY)
        return; /* another process is signing (PostgreSQL): it covers these records */
    if (st == DB_ERR_CONSTRAINT)
        fprintf(stderr, "hub: audit: a log got no tree head: it has fewer records than its "
                        "newest signed head or a record is missing (hubctl audit-verify says "
                        "which)\n");
    else
        fprintf(stderr, "hub: audit tree head failed: %s\n", db_errmsg(w->db));
    note_failure(w, st);
}

/* Due when N records came since the last head, or T seconds passed (records written by
 * hubctl or other processes count too: signing finds them). T is counted on the system
 * clock and, after a batch, on the hub's clock too, which audit-verify's bound is measured
 * on (a test's clock file may jump hours in a second). */
static int head_due(struct writer *w)
{
    if (w->cp_retry_ms)
        return now_ms() >= w->cp_retry_ms; /* put off while the chain was busy */
    return w->key && (w->since_cp >= w->cp_every || time(NULL) - w->last_cp >= w->cp_seconds ||
                      (w->since_cp > 0 && hubclock_now() - w->last_cp_hub >= w->cp_seconds));
}

/* The batch's transaction (run_batch): nothing kept in it yet (fresh), or it could not be
 * begun again after its first work was undone (broken: nothing more runs in it). The first
 * work of a transaction needs no savepoint: undoing it is rolling the transaction back and
 * beginning again, and a batch of one kind (the common one: check-ins) saves a SAVEPOINT
 * and a RELEASE, two statements the server runs (docs/benchmarks.md). */
struct txn {
    int fresh, broken;
};

/* Undoes what ran since the savepoint name (or, fresh, since BEGIN). */
static void undo(struct writer *w, struct txn *t, const char *name)
{
    if (!t->fresh) {
        db_rollback_to(w->db, name); /* also releases it */
        return;
    }
    db_rollback(w->db);
    if (db_begin(w->db) != DB_OK)
        t->broken = 1;
}

/* Runs job j alone in its own savepoint (none when t is fresh); 1 when it is kept. */
static int run_one(struct writer *w, struct job *j, struct txn *t)
{
    enum db_status st = t->fresh ? DB_OK : db_savepoint(w->db, "job");
    if (t->broken || st != DB_OK) {
        j->status = WRITER_COMMIT_FAILED;
    } else if (j->fn(w->db, j->arg) != 0) {
        j->status = WRITER_JOB_FAILED;
        undo(w, t, "job");
    } else if (!t->fresh && db_release(w->db, "job") != DB_OK) {
        j->status = WRITER_COMMIT_FAILED;
    } else {
        j->status = WRITER_OK;
        t->fresh = 0;
    }
    j->ran = 1;
    return j->status == WRITER_OK;
}

/* Runs j and the later jobs of its kind in the batch with one many() call (see
 * writer_kind); when that fails, or j is the only one, each alone. Jobs of a batch are
 * concurrent requests, so running them in another order than queued is one of the orders
 * they could have come in. How many were kept. */
static long run_group(struct writer *w, struct job *j, struct txn *t)
{
    void *args[BATCH_MAX];
    struct job *jobs[BATCH_MAX];
    int n = 0;
    for (struct job *k = j; k && j->kind && j->kind->many; k = k->next)
        if (!k->ran && k->kind == j->kind) {
            args[n] = k->arg;
            jobs[n++] = k;
        }
    long kept = 0;
    if (n >= 2 && (t->fresh || db_savepoint(w->db, "grp") == DB_OK)) {
        if (j->kind->many(w->db, args, n) == 0 && (t->fresh || db_release(w->db, "grp") == DB_OK)) {
            for (int i = 0; i < n; i++) {
                jobs[i]->status = WRITER_OK;
                jobs[i]->ran = 1;
            }
            t->fresh = 0;
            return n;
        }
        undo(w, t, "grp");
    }
    if (n < 2)
        return run_one(w, j, t);
    for (int i = 0; i < n; i++)
        kept += run_one(w, jobs[i], t);
    return kept;
}

/* Runs one batch; called without the lock. 1 when it committed. */
static int run_batch(struct writer *w, struct job *batch)
{
    enum db_status st = usable(w) ? db_begin(w->db) : DB_ERR_LOST;
    int ok = st == DB_OK;
    if (!ok && !w->lost)
        fprintf(stderr, "hub: cannot begin a write transaction: %s\n", db_errmsg(w->db));
    long n_ok = 0;
    struct txn t = {.fresh = 1};
    for (struct job *j = batch; j; j = j->next) {
        if (!ok)
            j->status = WRITER_COMMIT_FAILED;
        else if (!j->ran)
            n_ok += j->kind ? run_group(w, j, &t) : run_one(w, j, &t);
    }
    if (ok && t.broken) {
        /* Its first work was undone and BEGIN failed: nothing of the batch ran since. */
        fprintf(stderr, "hub: cannot begin a write transaction: %s\n", db_errmsg(w->db));
        ok = 0;
        st = db_connected(w->db) ? DB_ERR : DB_ERR_LOST;
    }
    if (ok && (st = db_commit(w->db)) != DB_OK) {
        fprintf(stderr, "hub: commit failed: %s\n", db_errmsg(w->db));
        ok = 0;
        for (struct job *j = batch; j; j = j->next)
            if (j->status == WRITER_OK)
                j->status = WRITER_COMMIT_FAILED;
    }
    if (!ok) {
        db_rollback(w->db);
        note_failure(w, st);
    }
    /* Without the database nothing of the batch exists, whatever each job said (a job
     * that failed may have failed for the lost connection): all of it is retried. */
    for (struct job *j = batch; j && w->lost; j = j->next)
        j->status = WRITER_UNAVAILABLE;
    if (ok) {
        w->since_cp += n_ok;
        w->jobs += (unsigned long long)n_ok;
        w->batches++;
    }
    return ok;
}

/* An idle writer proves it can still take the write lock and commit (an empty
 * transaction: no page written, no fsync). */
static int probe(struct writer *w)
{
    if (!usable(w))
        return 0;
    enum db_status st = db_begin(w->db);
    if (st == DB_OK)
        st = db_commit(w->db);
    if (st != DB_OK)
        note_failure(w, st);
    return st == DB_OK;
}

/* Feeds systemd's watchdog, at most twice per interval (a busy writer commits far more
 * often than that). */
static void feed_watchdog(struct writer *w)
{
    long long now = now_ms();
    if (w->wd_ms <= 0 || now - w->wd_last < w->wd_ms / 2)
        return;
    w->wd_last = now;
    sdnotify_send("WATCHDOG=1");
}

/* Waits for work, at most one watchdog interval when systemd watches us and at most one
 * chaining tick on PostgreSQL. 1 on timeout. */
static int wait_work(struct writer *w)
{
    long ms = w->wd_ms;
    if (w->key && (ms <= 0 || ms > w->cp_seconds * 1000))
        ms = w->cp_seconds * 1000; /* heads over what others wrote while this hub is idle */
    if (db_dialect(w->db) == DB_POSTGRES) {
        long tick = w->chain_soon || w->cp_retry_ms ? CHAIN_SOON_MS : CHAIN_TICK_MS;
        ms = ms > 0 && ms < tick ? ms : tick;
    }
    int timed_out = 0;
    w->idle = 1;
    if (ms <= 0) {
        pthread_cond_wait(&w->work, &w->mu);
    } else {
        struct timespec until = hubclock_deadline_ms(ms);
        timed_out = pthread_cond_timedwait(&w->work, &w->mu, &until) == ETIMEDOUT;
    }
    w->idle = 0;
    return timed_out;
}

/* Under mu, with jobs queued: waits while more keep coming (writer_set_gather). The writer
 * is not idle meanwhile, so submitters do not wake it: each step is one timed sleep. */
static void gather(struct writer *w)
{
    long max = w->gather_us, step = max / 10 > 50 ? max / 10 : 50, waited = 0;
    while (max > 0 && waited < max && w->queued < BATCH_MAX && !w->stop) {
        int before = w->queued;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += step * 1000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!w->stop && pthread_cond_timedwait(&w->work, &w->mu, &until) != ETIMEDOUT) {
        }
        waited += step;
        if (w->queued == before)
            break; /* nothing came during a step: the batch is what it is */
    }
}

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    chain(w);      /* what processes stopped before chaining left behind */
    checkpoint(w); /* records written while no hub was signing */
    pthread_mutex_lock(&w->mu);
    for (;;) {
        /* The watchdog is fed only from here, after a commit that worked: a writer that
         * hangs or cannot commit (disk full, lock held) stops feeding it and systemd
         * restarts the hub. */
        while (!w->head && !w->stop) {
            if (wait_work(w) && !w->head && !w->stop) {
                pthread_mutex_unlock(&w->mu);
                chain(w);
                if (head_due(w))
                    checkpoint(w);
                if (probe(w))
                    feed_watchdog(w);
                pthread_mutex_lock(&w->mu);
            }
        }
        if (!w->head && w->stop)
            break;
        gather(w);
        /* Take up to BATCH_MAX jobs; the rest wait for the next round. */
        struct job *batch = w->head, *last = w->head;
        int n = 1;
        while (last->next && n < BATCH_MAX) {
            last = last->next;
            n++;
        }
        w->head = last->next;
        if (!w->head)
            w->tail = NULL;
        last->next = NULL;
        w->queued -= n;
        pthread_mutex_unlock(&w->mu);

        if (run_batch(w, batch))
            feed_watchdog(w);

        /* Each job's own thread, and only it; next is read first: once posted, the job
         * (on its submitter's stack) may be gone. */
        for (struct job *j = batch, *next; j; j = next) {
            next = j->next;
            if (j->then) {
                j->then(j->arg, j->status);
                free(j);
            } else {
                sem_post(&j->done);
            }
        }
        chain_after_batch(w); /* after the answers: they never wait for the chain */
        pthread_mutex_lock(&w->mu);
        if (head_due(w)) {
            pthread_mutex_unlock(&w->mu);
            checkpoint(w);
            pthread_mutex_lock(&w->mu);
        }
    }
    pthread_mutex_unlock(&w->mu);
    w->retry_at_ms = 0; /* a lost connection gets one more try now, not after the back-off */
    w->last_head = 1;
    checkpoint(w);
    return NULL;
}

struct writer *writer_create(struct db *db, EVP_PKEY *key, long checkpoint_every,
                             long checkpoint_seconds)
{
    struct writer *w = calloc(1, sizeof *w);
    if (!w) {
        hubdb_db_close(db);
        return NULL;
    }
    w->db = db;
    w->key = key;
    w->cp_every = checkpoint_every > 0 ? checkpoint_every : 1000;
    w->cp_seconds = checkpoint_seconds > 0 ? checkpoint_seconds : 10;
    w->last_cp = time(NULL);
    w->last_cp_hub = hubclock_now();
    w->wd_ms = sdnotify_watchdog_interval_ms();
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->work, NULL);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->work);
        hubdb_db_close(db);
        free(w);
        return NULL;
    }
    pthread_setname_np(w->thread, "hub-writer"); /* for top -H and perf: its cost is its own */
    return w;
}

enum writer_status writer_run(struct writer *w, writer_fn fn, void *arg)
{
    struct writer_kind alone = {.one = fn};
    return writer_run_kind(w, &alone, arg);
}

/* Queues j; 1 when the writer will run it, 0 when it is stopping (j untouched). */
static int enqueue(struct writer *w, struct job *j)
{
    pthread_mutex_lock(&w->mu);
    int queued = !w->stop, wake = queued && w->idle;
    if (queued) {
        if (w->tail)
            w->tail->next = j;
        else
            w->head = j;
        w->tail = j;
        w->queued++;
        w->idle = 0; /* one signal wakes it: the submitters after this one need not */
    }
    if (wake)
        pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->mu);
    return queued;
}

enum writer_status writer_run_kind(struct writer *w, const struct writer_kind *k, void *arg)
{
    /* A kind without many() runs alone (writer_run's is on the caller's stack). */
    struct job j = {.fn = k->one, .kind = k->many ? k : NULL, .arg = arg, .status = WRITER_STOPPED};
    if (sem_init(&j.done, 0, 0) != 0)
        return WRITER_STOPPED;
    int queued = enqueue(w, &j);
    while (queued && sem_wait(&j.done) != 0) {
        /* EINTR: a signal handler ran; the job is still the writer's */
    }
    sem_destroy(&j.done);
    return j.status;
}

void writer_submit_kind(struct writer *w, const struct writer_kind *k, void *arg,
                        void (*then)(void *arg, enum writer_status st))
{
    struct job *j = calloc(1, sizeof *j);
    if (j) {
        j->fn = k->one;
        j->kind = k->many ? k : NULL;
        j->arg = arg;
        j->then = then;
    }
    if (!j || !enqueue(w, j)) {
        free(j);
        then(arg, WRITER_STOPPED);
    }
}

void writer_set_gather(struct writer *w, long max_us)
{
    pthread_mutex_lock(&w->mu);
    w->gather_us = max_us > 0 ? max_us : 0;
    pthread_mutex_unlock(&w->mu);
}

void writer_stats(struct writer *w, unsigned long long *batches, unsigned long long *jobs)
{
    pthread_mutex_lock(&w->mu);
    *batches = w->batches;
    *jobs = w->jobs;
    pthread_mutex_unlock(&w->mu);
}

int writer_chain_with(struct writer *w, struct db *db)
{
    struct chainer *c = chainer_start(db);
    if (!c)
        return -1;
    pthread_mutex_lock(&w->mu);
    w->chainer = c;
    pthread_mutex_unlock(&w->mu);
    return 0;
}

void writer_destroy(struct writer *w)
{
    if (!w)
        return;
    /* The chainer first: the writer's last checkpoint then chains what is left itself. */
    pthread_mutex_lock(&w->mu);
    struct chainer *c = w->chainer;
    w->chainer = NULL;
    pthread_mutex_unlock(&w->mu);
    chainer_stop(c);
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    hubdb_db_close(w->db);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->work);
    free(w);
}
