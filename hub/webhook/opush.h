/*
 * opush: the webhook push worker. It POSTs due deliveries of the queue (hub/store/deliveries.h) to
 * the recipients' endpoints, signed the Standard Webhooks way (whsig.h), and retries with
 * exponential back-off and jitter until the recipient answers 2xx or 72 hours have passed
 * since the delivery was enqueued. A delivery that is never acknowledged by push stays
 * available for pull.
 *
 * Retry schedule (defaults): after failed attempt n (1, 2, ...) the next one is due after
 *   d = min(base · 2^(n-1), max),  jittered uniformly in [d/2, d]
 * with base 10 s and max 1 h: ≈ 10 s, 20 s, 40 s, ... 34 min, then about hourly, for 72 h.
 *
 * Threading: an opush belongs to one thread (the hub's push thread). It uses the database
 * handle it is given (SQLite or PostgreSQL) and nobody else may use that handle meanwhile;
 * give it its own. Claims and outcomes are short transactions of their own (the
 * deliveries store); none is held during HTTP. Several workers, in one or several
 * processes, never push the same delivery at once (push leases, deliveries.h).
 * The time comes from the injectable clock (hubclock.h), so tests move through 72 h without
 * sleeping; HTTP itself is real (libcurl; the caller runs curl_global_init once).
 */
#ifndef OPUSH_H
#define OPUSH_H

#include "db.h"

#include <curl/curl.h>
#include <stddef.h>

#include "hubclock.h"
#include "orders.h"

struct opush_config {
    long timeout_ms;        /* whole HTTP request (connect + answer); default 10000 */
    long long max_age_s;    /* give up this long after enqueue; default 72 h */
    long long base_delay_s; /* first retry delay; default 10 */
    long long max_delay_s;  /* cap of the delay; default 3600 */
    int batch;              /* deliveries claimed per run; default 32 */
};

/* Fills c with the defaults above. */
void opush_config_default(struct opush_config *c);

/*
 * The delay before the attempt after failed attempt `failures` (≥ 1), with rnd a uniform
 * random 32-bit value for the jitter. Pure: tested directly.
 */
long long opush_backoff_s(const struct opush_config *c, int failures, unsigned int rnd);

/* One message for opush_post: the texts are borrowed. */
struct opush_msg {
    const char *url;
    const char *secret; /* "whsec_..." */
    const char *msg_id; /* webhook-id: the same on every retry */
    const char *body;
    size_t body_len;
};

/*
 * One signed POST of m (Standard Webhooks headers, whsig.h, timestamp now) on the easy
 * handle c (reset first; no redirects, http/https only, the whole request within
 * timeout_ms). Returns the HTTP status (0 when there was none) and a short error text in
 * err when it is not 2xx. The push worker's requests and the alert notification webhooks
 * (hub/notify/) are both sent by it.
 */
long opush_post(CURL *c, const struct opush_msg *m, long long now, long timeout_ms, char *err,
                size_t errlen);

struct opush;

/* Results of one opush_run_once. */
struct opush_stats {
    int attempted; /* HTTP requests made */
    int delivered; /* answered 2xx: acknowledged */
    int failed;    /* not 2xx / no answer: retry scheduled */
    int gave_up;   /* failed and older than max_age_s: push stopped */
};

/*
 * Creates a worker on db (borrowed, must outlive the worker) with clock (borrowed; NULL =
 * real time) and cfg (copied; NULL = defaults). Returns owned worker (opush_destroy) or NULL.
 */
struct opush *opush_create(struct db *db, const struct hubclock *clock,
                           const struct opush_config *cfg);

/* Frees the worker. NULL is fine. */
void opush_destroy(struct opush *p);

/*
 * Sends every delivery due now (in batches until none is due), one HTTP request each,
 * and records the outcome. Returns ORDERS_OK or ORDERS_DB / ORDERS_NOMEM; *stats may be
 * NULL.
 */
enum orders_rc opush_run_once(struct opush *p, struct opush_stats *stats) ORDERS_MUST_USE;

/* Latency of the last successful delivery in milliseconds (real time), for the benchmark. */
double opush_last_latency_ms(const struct opush *p);

#endif
