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

/* A clock handed to code that takes its time as a parameter (the webhook retry schedule,
 * the orders library's tests): now(ctx) in Unix seconds. */
struct hubclock {
    long long (*now)(void *ctx);
    void *ctx;
};
/* c's time in Unix seconds; hubclock_now() when c or its now is NULL. */
long long hubclock_at(const struct hubclock *c);

/* The real time in milliseconds since the epoch (latency measurements; never the file). */
long long hubclock_real_ms(void);

/* The system time ms milliseconds from now, as pthread_cond_timedwait() wants it (the
 * real clock, never the file). */
struct timespec hubclock_deadline_ms(long ms);

/* Formats t as RFC 3339 UTC ("2026-11-23T00:12:00Z") into out (room for 21 bytes). */
void hubclock_rfc3339(time_t t, char out[21]);

/* Parses RFC 3339 / xs:dateTime with "Z" or "+hh:mm" ("2026-07-16T04:29:00+09:00", a
 * fraction of a second is ignored) into Unix seconds. 0, or -1 when malformed (also years
 * outside 2000-2200). */
int hubclock_parse_rfc3339(const char *s, long long *out);

#endif
