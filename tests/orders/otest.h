/*
 * otest: helpers shared by the orders tests: a temporary folder per test program, a
 * manual clock (tests move time instead of sleeping), a fresh hub database, and starting the
 * real opreceiver process on an ephemeral port.
 */
#ifndef OTEST_H
#define OTEST_H

#include <stddef.h>
#include <sys/types.h>
#include <sqlite3.h>

#include "db.h"
#include "db_sqlite.h"
#include "deliveries.h"
#include "famreqs.h"
#include "ordstore.h"
#include "pseudokeys.h"
#include "webhooks.h"

#include "hubclock.h"

/* A temporary folder (mkdtemp under $TMPDIR or /tmp); removed by otest_tmp_cleanup. */
const char *otest_tmp_dir(void);
void otest_tmp_cleanup(void);

/* Writes len bytes to <tmp>/<name> and returns the full path (static buffer per call
 * site: copy it). */
const char *otest_write_file(const char *name, const void *data, size_t len);

/* A manual clock: starts at the real time, moves only when told. */
struct otest_clock {
    long long t;
    struct hubclock clock;
};
void otest_clock_init(struct otest_clock *c);

/* A fresh SQLite database file <tmp>/<name> with the hub's schema (its migrations), as an
 * owned handle (db_close); tests reach the connection for their own checks with
 * db_sqlite_handle(). NULL on failure. */
struct db *otest_db(const char *name);

/* Unacknowledged deliveries of recipient (NULL: everyone's), or -1. */
long otest_pending(struct db *db, const char *recipient);

/* A running opreceiver. */
struct otest_receiver {
    pid_t pid;
    int port;
    char log[512];
};

/*
 * Starts opreceiver with secret, fail_first and port (0: ephemeral) and waits until it
 * prints its port. Output goes to a log file under the temp folder. Returns 0 or -1.
 */
int otest_receiver_start(struct otest_receiver *r, const char *secret, int fail_first, int port);
void otest_receiver_stop(struct otest_receiver *r);

/* Counts lines of the receiver's log that start with prefix. */
int otest_receiver_count(const struct otest_receiver *r, const char *prefix);

/* A loopback TCP port nobody listens on right now (bound, then closed). */
int otest_free_port(void);

#endif
