/*
 * storetest.h: runs store tests on both backends with the same assertions. Each test
 * function gets a fresh, migrated database of its own: first a new SQLite file in a temp
 * folder, then a new database on a private PostgreSQL server (pgserver.h), and is
 * reported as "sqlite/t_name" and "postgres/t_name". A test reads its database and its
 * target (for opening more handles, e.g. in forked processes) from the globals below.
 */
#ifndef STORETEST_H
#define STORETEST_H

#include "db.h"

#include <stdint.h>

struct storetest {
    const char *name;
    void (*fn)(void);
};
#define STORETEST(fn)                                                                              \
    {                                                                                              \
#fn, fn                                                                                    \
    }

extern struct db *st_db;      /* the running test's handle (owned by the runner) */
extern const char *st_target; /* its target: a file path or a postgresql:// URL */
extern enum db_dialect st_dialect;

/* Runs every test on both backends; returns the process exit status (test_summary()). */
int storetest_main(const struct storetest *tests, int n);

/* Opens another handle on the running test's database (owned: db_close), or NULL. */
struct db *st_open(void);

/* Enrols a resident (cert_fp and member_key may be NULL) and returns its id (0 on failure). */
int64_t st_resident(const char *name, const char *cert_fp, const char *member_key);
/* Registers a device (kind "home" with resident, or "public" with 0); its id or 0. */
int64_t st_device(const char *kind, int64_t resident);
/* Runs fn(arg) in n processes at once (each opens its own handles with st_open) and waits
 * for all: the sum of their exit statuses, or -1 when one could not be started, died or
 * exited with 255 (its failure). */
int st_processes(int n, int (*fn)(int64_t arg), int64_t arg);

/* The one integer sql (a literal, one int64 parameter or none) answers, or -1. */
int64_t st_int(const char *sql, int64_t arg);

#endif
