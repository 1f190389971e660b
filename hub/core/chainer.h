/*
 * chainer.h: the audit chain's sequencer on a thread and a database connection of its own
 * (PostgreSQL), a ticker (ticker.h) like hubd's other periodic threads. Records are stored
 * unchained with the transactions that make them (audit.h); a pass of audit_chain_db() gives them
 * their place in their log's chain. Run on the writer's own thread, each pass (five round trips)
 * held up the next batch of requests; here the writer only kicks the chainer after a batch that
 * committed, and the chainer runs a pass at most every CHAINER_EVERY_MS, so one pass chains the
 * records of many batches (and of the other processes) while the writer goes on committing.
 *
 * Nothing acknowledged waits for it: a record is durable when its transaction commits, and
 * chaining only orders what is committed. A chainer that loses its connection connects
 * again with a back-off (100 ms doubling to 2 s); whatever it misses meanwhile is chained
 * by its next pass or any other process's. It also runs a pass at start and about once a
 * second when nothing kicks it, for records of processes that stopped before chaining.
 */
#ifndef HUB_CORE_CHAINER_H
#define HUB_CORE_CHAINER_H

#include "db.h"

/* The shortest time between two passes. Any process's pass chains every process's records,
 * so with 4 processes this is about one pass per 6 ms in all under load (at 10 ms each, the
 * passes were a quarter of the statements the server ran, docs/benchmarks.md). */
#define CHAINER_EVERY_MS 25
#define CHAINER_TICK_MS  1000 /* a pass this often when not kicked */
/* The next pass after one that found more left or another process chaining. */
#define CHAINER_SOON_MS 25

struct chainer;

/* Starts the thread on db (a handle of hubdb_open_db(); owned from here, closed by
 * chainer_stop, also when this fails). NULL on failure. */
struct chainer *chainer_start(struct db *db);

/* Records were committed: a pass soon. Thread-safe, never blocks on the database. */
void chainer_kick(struct chainer *c);

/* Stops the thread (after the pass it is running) and closes its handle. The caller chains
 * what is left (audit_chain_all_db()) if it must. Accepts NULL. */
void chainer_stop(struct chainer *c);

#endif
