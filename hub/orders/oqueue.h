/*
 * oqueue: the store-and-forward delivery queue of the linkage hub (table ord_deliveries).
 *
 * A delivery is one event (an order for an operator, a status for a kiosk, a family request
 * for a family member) with its body, for one recipient ("operator:3", "family:7",
 * "resident:12"). It stays in the queue until the recipient acknowledges it, whichever way
 * comes first:
 *   - pull: the recipient lists pending deliveries (oqueue_pull). Each one handed out is
 *     leased for lease_s seconds; if not acknowledged (oqueue_ack) within the lease it is
 *     offered again by the next pull. Delivery is at least once: recipients dedupe on
 *     msg_id (or id).
 *   - push: if the recipient has a webhook endpoint (oqueue_endpoint_set) when the delivery
 *     is enqueued, the push worker (opush.h) POSTs it, signed, until a 2xx answer or 72 h.
 *
 * The body is stored as built at enqueue time (the hub builds it through its release gate
 * and writes the audit record in the same transaction). If the resident's consent is
 * revoked while a delivery is pending, the hub replaces the body of pending deliveries with
 * oqueue_rebody (the new view without the address) in the revocation's transaction.
 *
 * Transactions: enqueue, pull, ack and rebody run inside the caller's transaction (a pull
 * releases data: the hub audits it in the same transaction; wrap oqueue_pull in BEGIN
 * IMMEDIATE so two pulls cannot lease the same delivery). The push-side calls are for the
 * push worker and commit on their own.
 */
#ifndef OQUEUE_H
#define OQUEUE_H

#include <stddef.h>
#include <sqlite3.h>

#include "orders.h"
#include "whsig.h"

#define OQUEUE_EVENT_MAX     48  /* "order.created" + NUL; [a-z_.]{1,47} */
#define OQUEUE_URL_MAX       512 /* webhook URL + NUL */
#define OQUEUE_MAX_BODY      (64u * 1024u)
#define OQUEUE_MAX_PULL      100 /* deliveries per pull */
#define OQUEUE_LEASE_DEFAULT 60  /* seconds */

/* One delivery handed out by oqueue_pull or oqueue_push_due. */
struct oqueue_item {
    long long id;
    char recipient[ORDERS_RECIPIENT_MAX];
    char msg_id[WHSIG_MSG_ID_MAX + 1]; /* the webhook-id; same on every retry */
    char event[OQUEUE_EVENT_MAX];
    long long subject_id; /* order id or request id */
    char *body;           /* owned by the item array */
    size_t body_len;
    long long created_unix;
    int offered;       /* pull: how many times handed out, this time included */
    int push_attempts; /* push: attempts made before this one */
    /* push only: the endpoint at the time of the claim ("" for pull) */
    char url[OQUEUE_URL_MAX];
    char secret[WHSIG_SECRET_MAX];
};

/*
 * The answer of the pull API for items from oqueue_pull:
 *   {"deliveries":[{"id":N,"msg_id":"msg_...","event":"order.created","offered":N,
 *                   "body":<the stored body, embedded as JSON>}, ...]}
 * The recipient acknowledges each id (oqueue_ack) once it has processed it; it dedupes on
 * msg_id. Returns an owned string (free()) or NULL.
 */
char *oqueue_items_json(const struct oqueue_item *items, size_t n);

/* Frees an array returned by oqueue_pull / oqueue_push_due (secrets wiped). NULL is fine. */
void oqueue_items_free(struct oqueue_item *items, size_t n);

/* 1 if r is "<kind>:<decimal id>" with kind [a-z]{1,16} and fits ORDERS_RECIPIENT_MAX. */
int oqueue_recipient_valid(const char *r);

/*
 * Enqueues body (body_len bytes, ≤ OQUEUE_MAX_BODY) as event for recipient. If the
 * recipient has a webhook endpoint, the delivery is due for push at once. Sets *id and
 * msg_id_out (may be NULL; else WHSIG_MSG_ID_MAX + 1 bytes). ORDERS_OK, ORDERS_INVALID,
 * ORDERS_CRYPTO or ORDERS_DB.
 */
enum orders_rc oqueue_enqueue(sqlite3 *db, const char *recipient, const char *event,
                              long long subject_id, const char *body, size_t body_len,
                              long long now, long long *id, char *msg_id_out) ORDERS_MUST_USE;

/*
 * Hands out up to max (1..OQUEUE_MAX_PULL) unacknowledged deliveries of recipient whose
 * lease has expired, oldest first, and leases them until now + lease_s. *items is owned
 * (free with oqueue_items_free), *n may be 0.
 */
enum orders_rc oqueue_pull(sqlite3 *db, const char *recipient, long long now, long long lease_s,
                           int max, struct oqueue_item **items, size_t *n) ORDERS_MUST_USE;

/* Acknowledges delivery id of recipient. Acknowledging twice is fine (ORDERS_OK);
 * another recipient's or an unknown id is ORDERS_NOT_FOUND. */
enum orders_rc oqueue_ack(sqlite3 *db, const char *recipient, long long id,
                          long long now) ORDERS_MUST_USE;

/* Replaces the body of recipient's unacknowledged deliveries about subject_id (consent
 * revoked). *changed: how many. ORDERS_OK/ORDERS_INVALID/ORDERS_DB. */
enum orders_rc oqueue_rebody(sqlite3 *db, const char *recipient, long long subject_id,
                             const char *body, size_t body_len, int *changed) ORDERS_MUST_USE;

/* Number of unacknowledged deliveries of recipient (NULL: all), or -1. */
long oqueue_pending(sqlite3 *db, const char *recipient);

/* Sets (or replaces) the webhook endpoint of a recipient: url "http://" or "https://"
 * (≤ 511 bytes, no spaces), secret "whsec_...". Deliveries enqueued from now on are pushed.
 * ORDERS_OK, ORDERS_INVALID (err says what) or ORDERS_DB. */
enum orders_rc oqueue_endpoint_set(sqlite3 *db, const char *recipient, const char *url,
                                   const char *secret, char *err, size_t errlen) ORDERS_MUST_USE;

/* Removes the endpoint; pending pushes stop (the deliveries stay for pull). */
enum orders_rc oqueue_endpoint_delete(sqlite3 *db, const char *recipient) ORDERS_MUST_USE;

/* --- push worker side (opush.c); each call commits on its own --- */

/*
 * Claims up to max deliveries due for push (next push time ≤ now, not acknowledged) by
 * moving their next push time to now + claim_s, so a second worker does not send them
 * too; fills url and secret. *items owned (oqueue_items_free).
 */
enum orders_rc oqueue_push_due(sqlite3 *db, long long now, long long claim_s, int max,
                               struct oqueue_item **items, size_t *n) ORDERS_MUST_USE;

/* Marks delivery id acknowledged by the recipient's 2xx answer. */
enum orders_rc oqueue_push_done(sqlite3 *db, long long id, long long now) ORDERS_MUST_USE;

/* Records a failed attempt: next_unix > 0 schedules the next one, 0 gives up on push (the
 * delivery stays available for pull). error: short text for operators of the hub (no body
 * content). */
enum orders_rc oqueue_push_failed(sqlite3 *db, long long id, long long next_unix,
                                  const char *error) ORDERS_MUST_USE;

/* Earliest due push time in *when (0 if none). */
enum orders_rc oqueue_next_push(sqlite3 *db, long long *when) ORDERS_MUST_USE;

#endif
