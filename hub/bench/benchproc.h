/*
 * benchproc.h: what the processes under test cost, whatever else the machine runs.
 *
 * On a machine shared with other work, check-ins per second measure the machine as much as
 * the hub. The CPU time and the context switches that the hub's own processes spend per
 * check-in do not depend on who else wants the cores, so builds can be compared by them.
 * Figures come from /proc (Linux): a process's utime + stime (all its threads, also those
 * that ended) and the voluntary + involuntary context switches of each of its threads.
 */
#ifndef HUB_BENCHPROC_H
#define HUB_BENCHPROC_H

#include <sys/types.h>

#define BENCHPROC_NAMES 8

/* What a group of processes had spent by one moment. */
struct benchproc_sample {
    double cpu_ms; /* user + system CPU time, ms */
    long long csw; /* context switches, voluntary and involuntary, of every thread */
    int processes; /* how many were found */
    /* The same by thread name (comm: "MHD-worker", "hub-writer", ...), live threads only;
     * names past BENCHPROC_NAMES are counted as "other". */
    int n_names;
    char name[BENCHPROC_NAMES][16];
    double name_cpu_ms[BENCHPROC_NAMES];
    long long name_csw[BENCHPROC_NAMES];
};

/* Adds what process pid (and each of its threads) has spent so far to *s; with children
 * set, also what its children that have ended and were waited for spent (a PostgreSQL
 * postmaster's backends that exited). 0, or -1 when the process is gone. */
int benchproc_add(pid_t pid, int children, struct benchproc_sample *s);

/* Adds every process whose parent is ppid to *s. Returns how many were found. */
int benchproc_add_children(pid_t ppid, struct benchproc_sample *s);

/* This process (the benchmark's own client threads included, also the ones that ended),
 * from getrusage. */
void benchproc_self(struct benchproc_sample *s);

/* The parent of pid, or -1. */
pid_t benchproc_parent(pid_t pid);

/* The machine: CPU time of every core busy so far (ms, from /proc/stat) and context
 * switches since boot; the 1-minute load average. -1 where unknown. */
void benchproc_machine(double *busy_ms, long long *csw, double *load1);

#endif
