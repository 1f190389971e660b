/*
 * pusher.h: the hub's webhook push thread. It owns a second SQLite connection and the
 * orders library's push worker (opush.h): every due delivery of the store-and-forward queue
 * is POSTed, signed the Standard Webhooks way, to its recipient's endpoint and retried with
 * back-off for 72 h. Time comes from the hub clock (hubclock.h), so tests move through the
 * retry schedule by setting the clock file; the thread looks for due deliveries every
 * poll_ms of real time, and at once after pusher_kick().
 */
#ifndef HUB_PUSHER_H
#define HUB_PUSHER_H

#include <stddef.h>

struct pusher;

/* Starts the thread on the database at path. Returns owned (pusher_stop) or NULL. */
struct notifier_config;
/* ncfg: the alert notifications' settings (notifier.h), run by the same thread after each
 * webhook pass. */
struct pusher *pusher_start(const char *db_path, long poll_ms, const struct notifier_config *ncfg,
                            char *err, size_t errcap);

/* Wakes the thread (after a commit that enqueued a delivery). Accepts NULL. */
void pusher_kick(struct pusher *p);

/* Stops and joins the thread, closes its connection. Accepts NULL. */
void pusher_stop(struct pusher *p);

#endif
