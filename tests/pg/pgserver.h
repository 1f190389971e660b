/*
 * pgserver.h: a private PostgreSQL server for one test or benchmark program.
 *
 * pgserver_start() runs the Debian PostgreSQL 15 binaries (PGSERVER_BINDIR, default
 * /usr/lib/postgresql/15/bin): initdb into a fresh temporary folder, then pg_ctl start with
 * the server listening only on a Unix socket in that folder (no TCP port, so two programs
 * never collide). Each test then makes its own database with pgserver_create_db() and gets
 * a postgresql:// URL for it.
 *
 * Root: initdb and postgres refuse to run as root. When the program runs as root the
 * server's commands run as the user named by PGSERVER_USER, else `postgres`, else `nobody`
 * (the folder is given to that user); the program itself connects as root through the
 * socket, which root may always open. Authentication is `trust`: the socket is in a 0700
 * folder of the test.
 *
 * Cleanup happens even when the program dies: pgserver_start() leaves a small guardian
 * process (re-parented away from the program, so a harness that kills the program's process
 * tree does not kill it) that waits for the program's end of a pipe to close, then stops
 * the server (-m immediate) and removes the folder. pgserver_destroy() just closes the pipe
 * and waits for the guardian to report that it is done.
 *
 * Not thread-safe: call these from the test's main thread.
 */
#ifndef PGSERVER_H
#define PGSERVER_H

#include <stddef.h>

struct pgserver;

/*
 * Makes the folder, runs initdb and starts the server. Returns an owned server (free with
 * pgserver_destroy), or NULL with a sentence in err (the server's log is printed to stderr
 * when it was the server that failed).
 */
struct pgserver *pgserver_start(char *err, size_t errcap);

/* The folder holding the data directory, the socket and the log (borrowed). */
const char *pgserver_dir(const struct pgserver *s);

/*
 * Creates database name ([a-z0-9_], at most 48 characters) and writes its URL
 * (postgresql:///NAME?host=DIR&user=postgres) into url. Returns 0, or -1 with a message on
 * stderr.
 */
int pgserver_create_db(struct pgserver *s, const char *name, char *url, size_t cap);

/*
 * Stops the server without removing anything: immediate != 0 is a crash (pg_ctl -m
 * immediate: no checkpoint, the next start replays the WAL), 0 a fast shutdown. Returns 0
 * once it is down.
 */
int pgserver_halt(struct pgserver *s, int immediate);

/* Starts the halted server again on the same folder and socket. Returns 0 once it
 * accepts connections. */
int pgserver_resume(struct pgserver *s);

/* 1 if the server answers on its socket now, else 0. */
int pgserver_ready(const struct pgserver *s);

/* Stops the server, removes the folder, frees s. Accepts NULL. */
void pgserver_destroy(struct pgserver *s);

#endif
