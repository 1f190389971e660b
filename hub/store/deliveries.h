/*
 * deliveries.h: the store-and-forward delivery queue (table ord_deliveries; the item value,
 * its JSON and the recipient names are the orders library's, oqueue.h). A delivery is one
 * event (an order for an operator, a family request for a family member) with its body,
 * for one recipient ("operator:3", "family:7"); it stays until the recipient acknowledges
 * it, by pull or by push, whichever comes first.
 *
 * Pull (deliveries_pull, deliveries_ack) and enqueue run inside the caller's transaction
 * (a pull releases data: the hub audits it in the same transaction). The push side
 * (deliveries_push_due, _push_done, _push_failed, _next_push) is the push worker's, each
 * call in a short transaction of its own, never one held during HTTP.
 *
 * Several hubd processes on one PostgreSQL: a pull and a push claim take their rows with
 * FOR UPDATE SKIP LOCKED, so two processes never hand out or push the same delivery at
 * once; each hand-out is a lease (lease_until for pull, next_push_unix for push) and a
 * process that dies holding one leaves a lease that runs out, after which the delivery is
 * offered again (at least once: recipients deduplicate on msg_id). On SQLite the write
 * transaction serialises the same steps.
 *
 * A delivery belongs to a town (municipality_id: the town of the resident its order or
 * family request is about). The recipient's side (enqueue, pull, ack, rebody, the pending
 * listings) takes the scope of a town (scope.h) and neither sees nor changes another
 * town's delivery, whatever id is sent: an operator serving several towns pulls each
 * town's under its contract. The push side is the hub's own worker for every town: it
 * takes no scope (it sends each delivery only to its own recipient's endpoint).
 */
#ifndef HUB_STORE_DELIVERIES_H
#define HUB_STORE_DELIVERIES_H

#include "db.h"
#include "oqueue.h"
#include "orders.h"
#include "scope.h"

/*
 * Enqueues body (body_len bytes, at most OQUEUE_MAX_BODY) as event for recipient, due for
 * push at once if the recipient has a webhook endpoint. event is "order.created" (subject:
 * an order) or "family.request" (subject: a family request), and the subject must be about
 * a resident of the scope's town: another town's order or request, whatever id is sent, is
 * ORDERS_NOT_FOUND and nothing is queued. Sets *id and msg_id_out (each may be NULL;
 * msg_id_out has WHSIG_MSG_ID_MAX + 1 bytes). ORDERS_OK, ORDERS_INVALID (also another
 * event), ORDERS_NOT_FOUND, ORDERS_CRYPTO or ORDERS_DB.
 */
enum orders_rc deliveries_enqueue(struct db *db, const struct scope *sc, const char *recipient,
                                  const char *event, long long subject_id, const char *body,
                                  size_t body_len, long long now, long long *id,
                                  char *msg_id_out) ORDERS_MUST_USE;

/*
 * Hands out up to max (1..OQUEUE_MAX_PULL) unacknowledged deliveries of recipient whose
 * lease has run out, oldest first, and leases them until now + lease_s. *items is owned
 * (oqueue_items_free), *n may be 0.
 */
enum orders_rc deliveries_pull(struct db *db, const struct scope *sc, const char *recipient,
                               long long now, long long lease_s, int max,
                               struct oqueue_item **items, size_t *n) ORDERS_MUST_USE;

/* Acknowledges delivery id of recipient (twice is fine); another recipient's or an unknown
 * id is ORDERS_NOT_FOUND. */
enum orders_rc deliveries_ack(struct db *db, const struct scope *sc, const char *recipient,
                              long long id, long long now) ORDERS_MUST_USE;

/* Replaces the body of recipient's unacknowledged deliveries about subject_id (consent
 * revoked). *changed (may be NULL): how many. */
enum orders_rc deliveries_rebody(struct db *db, const struct scope *sc, const char *recipient,
                                 long long subject_id, const char *body, size_t body_len,
                                 int *changed) ORDERS_MUST_USE;

/* A pending "order.created" delivery: the order and when it was enqueued. */
struct deliveries_subject {
    long long subject_id;
    long long created_unix;
};
#define DELIVERIES_PAGE 64

/* Up to DELIVERIES_PAGE pending "order.created" deliveries of recipient about orders of
 * resident_id with an order id above after_id, by order id. */
enum orders_rc deliveries_pending_orders(struct db *db, const struct scope *sc,
                                         const char *recipient, long long resident_id,
                                         long long after_id,
                                         struct deliveries_subject out[DELIVERIES_PAGE],
                                         size_t *n) ORDERS_MUST_USE;

/* Unacknowledged deliveries of the town to recipient (NULL: to everyone) into *n. */
enum orders_rc deliveries_count_pending(struct db *db, const struct scope *sc,
                                        const char *recipient, long long *n) ORDERS_MUST_USE;

/*
 * Push worker: claims up to max deliveries due for push (next push time <= now, not
 * acknowledged, recipient with an endpoint) by moving their next push time to
 * now + claim_s (the push lease), and fills url and secret. A due delivery whose endpoint
 * was removed stops being pushed (it stays for pull). Runs in its own transaction when
 * the handle has none open. *items owned (oqueue_items_free).
 */
enum orders_rc deliveries_push_due(struct db *db, long long now, long long claim_s, int max,
                                   struct oqueue_item **items, size_t *n) ORDERS_MUST_USE;

/* Marks delivery id acknowledged by the recipient's 2xx answer. */
enum orders_rc deliveries_push_done(struct db *db, long long id, long long now) ORDERS_MUST_USE;

/* Records a failed attempt: next_unix > 0 schedules the next one, 0 gives up on push (the
 * delivery stays available for pull). error: short text for the hub's operators. */
enum orders_rc deliveries_push_failed(struct db *db, long long id, long long next_unix,
                                      const char *error) ORDERS_MUST_USE;

/* Earliest due push time in *when (0 if none). */
enum orders_rc deliveries_next_push(struct db *db, long long *when) ORDERS_MUST_USE;

#endif
