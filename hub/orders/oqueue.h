/*
 * oqueue: the delivery items of the store-and-forward queue and what the pull API answers.
 *
 * A delivery is one event (an order for an operator, a status for a kiosk, a family request
 * for a family member) with its body, for one recipient ("operator:3", "family:7",
 * "resident:12"). It stays in the queue until the recipient acknowledges it, whichever
 * way comes first: pull with a lease (a delivery not acknowledged within its lease is
 * offered again; at least once, recipients dedupe on msg_id) or push to the recipient's
 * webhook endpoint (opush.h), signed, until a 2xx answer or 72 h. The queue itself is the
 * hub's deliveries store (hub/store/deliveries.h).
 */
#ifndef OQUEUE_H
#define OQUEUE_H

#include <stddef.h>

#include "orders.h"
#include "whsig.h"

#define OQUEUE_EVENT_MAX     48  /* "order.created" + NUL; [a-z_.]{1,47} */
#define OQUEUE_URL_MAX       512 /* webhook URL + NUL */
#define OQUEUE_MAX_BODY      (64u * 1024u)
#define OQUEUE_MAX_PULL      100 /* deliveries per pull */
#define OQUEUE_LEASE_DEFAULT 60  /* seconds */

/* One delivery handed out by a pull or claimed for a push. */
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
 * The answer of the pull API for pulled items:
 *   {"deliveries":[{"id":N,"msg_id":"msg_...","event":"order.created","offered":N,
 *                   "body":<the stored body, embedded as JSON>}, ...]}
 * The recipient acknowledges each id once it has processed it; it dedupes on
 * msg_id. Returns an owned string (free()) or NULL.
 */
char *oqueue_items_json(const struct oqueue_item *items, size_t n);

/* Frees an array of items handed out by the deliveries store (secrets wiped). NULL is fine. */
void oqueue_items_free(struct oqueue_item *items, size_t n);

/* 1 if r is "<kind>:<decimal id>" with kind [a-z]{1,16} and fits ORDERS_RECIPIENT_MAX. */
int oqueue_recipient_valid(const char *r);

#endif
