/*
 * sender: the home kiosk's reliable delivery of things it creates at the hub (check-ins,
 * help requests, orders). It ties the durable outbox (platform/store/outbox.h) to the hub
 * client (hubclient.h) and knows nothing about SDL.
 *
 * Life of an item:
 *   sender_enqueue()  → the item is committed to the outbox on disk (SQLite, WAL,
 *                       synchronous=FULL) with a fresh Idempotency-Key, THEN the call returns.
 *                       Only after it returned SENDER_OK may the screen say 送信待ち / "kept".
 *   worker            → POSTs it with its Idempotency-Key;
 *     2xx             → marked sent, reported SENDER_SENT;
 *     no answer, timeout, TLS failure, 5xx, 408/409/425/429
 *                     → stays pending, reported SENDER_RETRYING, tried again with exponential
 *                       back-off (backoff_min_ms doubling up to backoff_max_ms) or at once after
 *                       sender_retry_now();
 *     other 4xx       → marked failed permanently with the hub's message, reported
 *                       SENDER_FAILED (resending the same thing cannot succeed).
 *   start-up          → items left pending by a previous run (crash, power cut) are sent again
 *                       with their ORIGINAL Idempotency-Key, so the hub executes each once.
 *
 * Items are sent one at a time, oldest due first, so check-ins reach the hub in order.
 *
 * Home profile only: the outbox keeps what the resident sent on disk, which a public kiosk
 * must never do (it uses hubclient.h directly and keeps nothing).
 *
 * Threads: sender_create starts one scheduler thread; the hub client has its own worker.
 * The report callback runs on the hub client's worker (never on the caller's), one call
 * at a time; it must return quickly (e.g. wrap the report in an SDL user event with
 * SDL_PushEvent, which is thread-safe). Every other function may be called from any thread.
 *
 * Typical wiring in the kiosk (home profile):
 *   struct sender_config sc = { .outbox_path = "/var/lib/kiosk/outbox.db",
 *                               .hub = { .base_url = url, .token = tok, .ca_file = ca } };
 *   struct sender *s = sender_create(&sc, on_report, NULL, err, sizeof err);
 *   ...tap on 元気です:
 *   int64_t id; unsigned waiting;
 *   if (sender_enqueue(s, "checkin", "/v1/checkins", "{\"answer\":\"genki\"}", &id, &waiting)
 *       == SENDER_OK) → screen: "送信しています…", status bar: 送信待ち <waiting>件
 *   else → screen: "保存できませんでした" (nothing was kept; say so, offer to try again)
 *   ...on_report (worker thread): SDL_PushEvent(user event with data1 = report);
 *   ...UI thread: SENDER_SENT → "9:12 に送りました"; SENDER_RETRYING → "まだ送れていません。
 *      つながったら自動で送ります" + 送信待ち N件 + もう一度 button → sender_retry_now(s);
 *      SENDER_FAILED → the hub's reason in plain words; then sender_report_free(report).
 */
#ifndef SENDER_H
#define SENDER_H

#include <stddef.h>
#include <stdint.h>

#include "hubclient.h"
#include "outbox.h"

enum sender_err {
    SENDER_OK = 0,
    SENDER_E_INVALID, /* bad argument: kind/path/body empty, too long or not allowed */
    SENDER_E_FULL,    /* the outbox holds its maximum of pending items */
    SENDER_E_STORE,   /* the outbox could not be written (disk full, I/O error) */
    SENDER_E_STOPPED, /* sender_destroy has begun */
};
/* A short English description, for logs (never shown to residents). */
const char *sender_err_str(enum sender_err err);

enum sender_outcome {
    SENDER_SENT,     /* the hub accepted it (2xx); it is marked sent in the outbox */
    SENDER_RETRYING, /* not delivered yet; still pending, will be retried automatically */
    SENDER_FAILED,   /* the hub refused it for good (4xx); marked failed, not retried */
};
const char *sender_outcome_str(enum sender_outcome outcome);

/* One delivery attempt's result. Owned by the callback: free with sender_report_free
 * (from any thread). */
struct sender_report {
    int64_t item_id; /* what sender_enqueue returned */
    char kind[32];   /* the item's kind, e.g. "checkin" */
    enum sender_outcome outcome;
    enum hubc_err net_err; /* HUBC_OK when the hub answered */
    long http_status;      /* the hub's HTTP status, 0 when it did not answer */
    char *body;            /* owned: the hub's answer body ("" when none) */
    char message[256];     /* SENDER_FAILED: the hub's error.message; SENDER_RETRYING:
                              libcurl's words or the hub's message; SENDER_SENT: "" */
    int attempts;          /* attempts made for this item so far, this one included */
    long retry_in_ms;      /* SENDER_RETRYING: when the next automatic attempt is due */
    unsigned pending;      /* items still waiting after this report (送信待ち N件) */
    int64_t created_unix;  /* when the item was enqueued (for "9:12 に…" wording) */
};
void sender_report_free(struct sender_report *r);

struct sender_config {
    const char *outbox_path; /* SQLite file of the outbox; created when missing */
    struct hubc_config hub;  /* passed to hubc_create (strings are copied) */
    long backoff_min_ms;     /* first retry delay; 0 → 1000 */
    long backoff_max_ms;     /* cap of the exponential back-off; 0 → 60000 */
};

struct sender;

/* Opens (or creates) the outbox, starts the hub client and the scheduler, and schedules
 * every item left pending by a previous run for immediate delivery. `report` must not be
 * NULL; it may be called until sender_destroy returns. On failure returns NULL and writes
 * the reason in words into errmsg (when errmsg_len > 0). */
struct sender *sender_create(const struct sender_config *cfg,
                             void (*report)(void *ctx, struct sender_report *r), void *ctx,
                             char *errmsg, size_t errmsg_len);

/* Stops both threads promptly (a request in flight is abandoned; its item stays pending on
 * disk and is sent on the next start) and frees the sender. Accepts NULL. Must not be
 * called from the report callback. */
void sender_destroy(struct sender *s);

/* Durably adds an item and schedules its delivery. `kind` 1-31 chars of [a-z0-9_]
 * ("checkin", "help", "order"); `path` the hub path, 1-255 chars starting with '/';
 * `body` the JSON body (at most 64 KiB, the hub's cap), copied. The request is a POST with
 * a fresh Idempotency-Key. When SENDER_OK is returned the item is committed on disk;
 * *item_id (if not NULL) gets its id and *pending (if not NULL) the number of items now
 * waiting, this one included. Never blocks on the network (it does wait for the fsync). */
enum sender_err sender_enqueue(struct sender *s, const char *kind, const char *path,
                               const char *body, int64_t *item_id, unsigned *pending)
    __attribute__((warn_unused_result));

/* Makes every pending item due now (the resident pressed もう一度, or the network came
 * back). Does not reset the back-off level: if the attempt fails, the next delay keeps
 * growing. Never blocks. */
void sender_retry_now(struct sender *s);

/* The newest pending or sent item of `kind` in the outbox (outbox_latest): SENDER_OK with
 * *out filled (release it with outbox_item_release), SENDER_E_INVALID when there is none
 * or it cannot be read. */
enum sender_err sender_latest(struct sender *s, const char *kind, struct outbox_item *out)
    __attribute__((warn_unused_result));

/* Number of items not yet delivered (pending in the outbox), for 送信待ち N件. */
unsigned sender_pending(struct sender *s);

#endif
