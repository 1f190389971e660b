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
#include "scope.h"

/* 1 when url and secret make a usable endpoint (the rules of webhooks_set, also for the
 * alert notification webhooks of notifyrcpt.h); else 0 with a sentence in err. */
int webhooks_endpoint_ok(const char *url, const char *secret, char *err, size_t errlen);

/* Sets (or replaces) the endpoint of recipient: url "https://", or "http://" to a loopback
 * host only (whurl.h; at most 511 bytes, no spaces or control characters), secret
 * "whsec_...". Deliveries enqueued from
 * now on are pushed. ORDERS_OK, ORDERS_INVALID (err says what) or ORDERS_DB. */
enum orders_rc webhooks_set(struct db *db, const char *recipient, const char *url,
                            const char *secret, char *err, size_t errlen) ORDERS_MUST_USE;

/*
 * Changes the webhook of operator_id, an operator of the scope's own town (registered
 * there; a town it only has a contract with cannot): the signing secret to secret (sealed
 * like webhooks_set) and the URL to url, or the stored one when url is NULL. From the
 * commit on every push, also the retry of one that failed before, is signed with the new
 * secret only: the old one stops verifying at once (docs/hub.md says why there is no
 * overlap). ORDERS_OK, ORDERS_NOT_FOUND (no such operator in the town, or url NULL and no
 * endpoint to keep; err says which), ORDERS_INVALID (err says what) or ORDERS_DB.
 */
enum orders_rc webhooks_operator_set(struct db *db, const struct scope *sc, long long operator_id,
                                     const char *url, const char *secret, char *err,
                                     size_t errlen) ORDERS_MUST_USE;

/* Removes the endpoint; pending pushes stop (the deliveries stay for pull). */
enum orders_rc webhooks_delete(struct db *db, const char *recipient) ORDERS_MUST_USE;

#endif
