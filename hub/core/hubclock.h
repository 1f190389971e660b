/*
 * hubclock.h: the hub's one source of "now". Normally the system clock; with
 * hubclock_use_file() (hubd/hubctl --clock-file FILE, meant for tests and demos) the time
 * is read from FILE at every call, a decimal count of Unix seconds, so a test can move
 * time forward by rewriting the file instead of sleeping. Deadlines, expiries, session
 * timeouts and escalation all ask this clock and nothing else.
 */
#ifndef HUB_CLOCK_H
#define HUB_CLOCK_H

#include <time.h>

/* Makes hubclock_now() read its time from path (borrowed; must outlive the process's use).
 * Call once at start-up, before any thread asks for the time. NULL = system clock. */
void hubclock_use_file(const char *path);

/* The current time in Unix seconds. A clock file that cannot be read or parsed gives the
 * system time and a warning on stderr, so a broken test setup is visible. */
time_t hubclock_now(void);

/* Formats t as RFC 3339 UTC ("2026-11-23T00:12:00Z") into out (room for 21 bytes). */
void hubclock_rfc3339(time_t t, char out[21]);

#endif
