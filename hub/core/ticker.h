/*
 * ticker.h: one of hubd's periodic threads (the housekeeping purge, the escalation pass,
 * the JMA feed, the webhook and notification pushes). The thread runs a function every
 * period of real time, at once after ticker_kick(), and stops cleanly: ticker_stop() wakes
 * a sleeping thread at once, lets a run under way finish (a long run asks
 * ticker_stopping() between its steps to end early), and joins it.
 *
 * Periods are real time (hubclock_deadline_ms(), never the clock file): the hub clock that
 * tests move is for what the runs decide, not for how often they happen.
 */
#ifndef HUB_TICKER_H
#define HUB_TICKER_H

#include <stddef.h>

struct ticker;

/* What the thread runs: fn(t, arg), with no lock of the ticker held. */
typedef void (*ticker_fn)(struct ticker *t, void *arg);

enum ticker_first {
    TICKER_WAIT_FIRST, /* the first run one period after the start */
    TICKER_RUN_FIRST,  /* the first run at once */
};

/* Starts the thread; arg is borrowed for its life. period_ms >= 1. what names the thread
 * in err ("the JMA feed thread"). Returns owned (ticker_stop) or NULL with a sentence in
 * err. */
struct ticker *ticker_start(const char *what, long period_ms, enum ticker_first first, ticker_fn fn,
                            void *arg, char *err, size_t errcap);

/* Called by fn during a run: the next run comes after ms (>= 0) instead of one period,
 * this once (a kick still brings it sooner). For a run that wants to be retried soon or
 * backed off. */
void ticker_next_in(struct ticker *t, long ms);

/* The shortest time between the starts of two runs, kicks or not (0, the default: none).
 * A kick during that time asks for the run at its end, so a burst of kicks costs one run
 * per gap. */
void ticker_set_gap(struct ticker *t, long gap_ms);

/* Asks for a run as soon as the one under way (if any) ends. Accepts NULL. */
void ticker_kick(struct ticker *t);

/* 1 once ticker_stop() was called: a run with many steps ends after its current one. */
int ticker_stopping(struct ticker *t);

/* Wakes the thread, waits for a run under way to end, joins and frees; accepts NULL. */
void ticker_stop(struct ticker *t);

#endif
