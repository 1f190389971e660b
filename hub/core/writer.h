/*
 * writer.h: the hub's single writer thread and its group commit.
 *
 * Request threads never write to SQLite themselves. They hand a job (a function run
 * against the writer's connection) to writer_run() and block. The writer thread takes
 * every job queued so far, runs them in ONE transaction (each inside its own SAVEPOINT,
 * so one failing job does not undo the others), commits once with synchronous=FULL, and
 * wakes each of their threads (and no other thread). One fsync thus acknowledges a whole batch:
 * that is how the hub reaches thousands of durable check-ins per second on one disk.
 *
 * A job must only touch the database through the handle it is given, must not block,
 * and writes its answer into its own argument. After the batch commits the writer may
 * also sign a tree head of the audit transparency log (auditlog.h). On PostgreSQL it also runs the
 * audit chain's sequencer (audit_chain_db()) after each batch's answers, at start and about once a
 * second when idle, so records this or any other process stored are chained; or, given a
 * handle of its own (writer_chain_with()), the sequencer runs on its own thread and the
 * writer only kicks it.
 *
 * Losing the database (PostgreSQL restarted, failed over, network cut: DB_ERR_LOST) fails
 * the whole batch with WRITER_UNAVAILABLE, including a COMMIT whose answer was lost (it is
 * never taken as done, so nothing is acknowledged that may not have committed; a client
 * retrying with its Idempotency-Key gets the first answer if it had). The writer then
 * connects again before the next batch, with a back-off from 100 ms doubling to 2 s while
 * it fails; meanwhile every job is answered WRITER_UNAVAILABLE at once without running.
 */
#ifndef HUB_WRITER_H
#define HUB_WRITER_H

#include "db.h"

#include <openssl/evp.h>

enum writer_status {
    WRITER_OK = 0,
    WRITER_JOB_FAILED,    /* the job returned non-zero; its changes were rolled back */
    WRITER_COMMIT_FAILED, /* the batch could not be committed; nothing of it was kept */
    WRITER_STOPPED,       /* the writer is shutting down; the job did not run */
    WRITER_UNAVAILABLE,   /* the database cannot be reached (connection lost, reconnecting):
                           * nothing of the batch was kept; answer 503, the client retries */
};
const char *writer_status_str(enum writer_status s);

/* A job: returns 0 to keep its changes, non-zero to roll them back. */
typedef int (*writer_fn)(struct db *db, void *arg);

struct writer;

/*
 * A kind of job whose jobs may run together. When a batch holds several jobs of one kind,
 * the writer runs them with ONE call many(db, args, n) (args in the order they were
 * queued) inside one savepoint: one statement per kind of change for all of them instead
 * of one per job, which on PostgreSQL is one round trip instead of n. many() is all or
 * nothing: a non-zero return rolls all of their changes back and the writer then runs each
 * job alone through one(), with its own savepoint, so a job that fails fails alone, as it
 * would without grouping. many() must therefore leave each arg as one() expects to find it
 * when it fails. A kind is static data; jobs are grouped by its address.
 */
struct writer_kind {
    writer_fn one;
    int (*many)(struct db *db, void *const *args, int n);
};

/*
 * Starts the writer thread on db, a handle of hubdb_open_db() (ownership passes to the
 * writer, which closes it with hubdb_db_close).
 * key (borrowed, may be NULL) signs a tree head of the audit log over every record not yet
 * covered: after checkpoint_every records, and every checkpoint_seconds seconds (also
 * when idle, for records hubctl or other processes wrote), at start and at shutdown.
 * Returns NULL on failure (db is then closed).
 */
struct writer *writer_create(struct db *db, EVP_PKEY *key, long checkpoint_every,
                             long checkpoint_seconds);

/* Runs fn(db, arg) in the next batch and returns once the batch is durable (or failed).
 * Thread-safe. */
enum writer_status writer_run(struct writer *w, writer_fn fn, void *arg);

/* PostgreSQL: runs the audit sequencer on db (a second handle of hubdb_open_db() on the same
 * database; owned from here, also on failure) on a thread of its own (chainer.h) instead of
 * on the writer's thread between batches; the writer kicks it after every batch. 0, or -1
 * when it could not start (the writer then chains as before). Call once, after
 * writer_create. */
int writer_chain_with(struct writer *w, struct db *db);

/* writer_run() for a job of kind k: run with the other jobs of k in its batch. */
enum writer_status writer_run_kind(struct writer *w, const struct writer_kind *k, void *arg);

/*
 * writer_run_kind() without waiting: queues arg's job and returns at once; then(arg, status)
 * is called exactly once, on the writer's thread after the job's batch committed or failed
 * (with the same statuses writer_run_kind returns), or at once on the calling thread with
 * WRITER_STOPPED when the writer is stopping or memory ran out. arg must stay valid until
 * then is called. then runs between the writer's batches: it must be short and must not
 * wait for the writer (no writer_run from it). This frees the request thread while its
 * job waits for its batch (the request is answered from then).
 */
void writer_submit_kind(struct writer *w, const struct writer_kind *k, void *arg,
                        void (*then)(void *arg, enum writer_status st));

/*
 * Lets a batch gather: when the writer finds jobs queued it waits while more keep coming,
 * in steps of a tenth of max_us (at least 50 µs), as long as the last step brought at least
 * one, and at most max_us in all; then it takes them all as one batch. A hub whose
 * requests come one at a time pays one step; one under load turns small batches into
 * larger ones (on PostgreSQL the work and round trips of a batch hardly depend on its
 * size). 0 (the default): a batch takes what is queued at once. Call after writer_create.
 */
void writer_set_gather(struct writer *w, long max_us);

/* Statistics for the log and the benchmark: batches committed, jobs committed. */
void writer_stats(struct writer *w, unsigned long long *batches, unsigned long long *jobs);

/* Finishes every queued job, signs a final tree head, stops the thread and closes the
 * database. Accepts NULL. */
void writer_destroy(struct writer *w);

#endif
