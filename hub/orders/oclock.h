/*
 * oclock: the time source of the orders library, injectable so tests and the retry
 * schedule can move through 72 hours without sleeping. A NULL clock (or a NULL now
 * function) is the system's real time.
 */
#ifndef OCLOCK_H
#define OCLOCK_H

struct oclock {
    long long (*now)(void *ctx); /* Unix seconds */
    void *ctx;
};

/* The clock's time in Unix seconds; the real time for NULL. */
long long oclock_now(const struct oclock *c);

/* The real time in milliseconds since the epoch (for latency measurements, never faked). */
long long oclock_real_ms(void);

#endif
