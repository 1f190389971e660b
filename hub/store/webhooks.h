/*
 * webhooks.h: the webhook endpoints of recipients (table ord_webhooks): where the push
 * worker POSTs a recipient's deliveries and the secret it signs them with (stored sealed
 * for its recipient, secrets.h; opened by the deliveries store for a push). Set by city
 * staff through hubctl,
 * never by a request body. Inside the caller's transaction.
 */
#ifndef HUB_STORE_WEBHOOKS_H
#define HUB_STORE_WEBHOOKS_H

#include "db.h"
#include "orders.h"

/* 1 when url and secret make a usable endpoint (the rules of webhooks_set, also for the
 * alert notification webhooks of notifyrcpt.h); else 0 with a sentence in err. */
int webhooks_endpoint_ok(const char *url, const char *secret, char *err, size_t errlen);

/* Sets (or replaces) the endpoint of recipient: url "https://", or "http://" to a loopback
 * host only (whurl.h; at most 511 bytes, no spaces or control characters), secret
 * "whsec_...". Deliveries enqueued from
 * now on are pushed. ORDERS_OK, ORDERS_INVALID (err says what) or ORDERS_DB. */
enum orders_rc webhooks_set(struct db *db, const char *recipient, const char *url,
                            const char *secret, char *err, size_t errlen) ORDERS_MUST_USE;

/* Removes the endpoint; pending pushes stop (the deliveries stay for pull). */
enum orders_rc webhooks_delete(struct db *db, const char *recipient) ORDERS_MUST_USE;

#endif
