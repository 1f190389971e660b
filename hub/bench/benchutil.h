/*
 * benchutil.h: what the hub's benchmark programs share: a monotonic clock, a fresh
 * database made with the real hubctl, the real hubd started on an ephemeral port, and
 * latency percentiles. Benchmarks are programs, not tests: on failure they say why on
 * stderr and exit non-zero.
 */
#ifndef HUB_BENCHUTIL_H
#define HUB_BENCHUTIL_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* Seconds on the monotonic clock. */
double benchutil_now(void);

/* Runs cmd (through the shell); copies the value of its last output line "key=value" into
 * out. Returns 0, or -1 if the command failed or printed no such line. */
int benchutil_capture(const char *cmd, const char *key, char *out, size_t cap);

/* Makes dir (a mkdtemp template, e.g. "/tmp/hubbench.XXXXXX") and an initialised hub
 * database DIR/hub.db in it (path into db). Returns 0, or -1 after saying why. */
int benchutil_make_db(const char *hubctl, char *dir, char *db, size_t cap);

/*
 * Starts hubd on db with --port 0 --tick 0 and the NULL-terminated extra arguments (may be
 * NULL). Returns its pid with *port, and *out the read end of its stdout, kept open until
 * benchutil_stop_hubd so it never writes into a closed pipe; -1 after saying why.
 */
pid_t benchutil_start_hubd(const char *hubd, const char *db, const char *const *extra,
                           unsigned *port, FILE **out);

/* SIGTERM, wait, close out. Returns 0 if hubd stopped cleanly (exit status 0). */
int benchutil_stop_hubd(pid_t pid, FILE *out);

/* Sorts the n latencies in v (ms) so benchutil_pct can read percentiles. */
void benchutil_sort(double *v, size_t n);
/* The pct-th percentile (0..100) of sorted v, n > 0. */
double benchutil_pct(const double *v, size_t n, int pct);

/* Removes dir and everything in it. */
void benchutil_remove(const char *dir);

#endif
