/*
 * ordstore.h: the orders store (tables ord_orders, ord_order_items): placing an order with
 * its delivery to the operator, reading it, the operator's status updates and the
 * resident's list. The order value, the request parser, the status rules and the views
 * are the orders library's (hub/orders: orders.h, ostatus.h, oview.h).
 *
 * Every function runs inside the caller's transaction on the caller's handle (SQLite or
 * PostgreSQL): the hub opens it, calls these, writes its audit record and commits, so the
 * order, its delivery, the idempotency answer and the audit record become durable
 * together or not at all. Results are the library's enum orders_rc (ORDERS_DB: the
 * database failed, roll back).
 *
 * An order belongs to its resident's town: every function takes the scope of a town
 * (scope.h) and another town's order is ORDERS_NOT_FOUND (or not listed), whatever id is
 * sent; an order is placed only for a resident of the scope's town.
 */
#ifndef HUB_STORE_ORDSTORE_H
#define HUB_STORE_ORDSTORE_H

#include "db.h"
#include "orders.h"
#include "oview.h"
#include "scope.h"

/* Stores a new order (status "created") and its items; sets o->id, created/updated times.
 * ORDERS_OK, ORDERS_INVALID (no items, no district), ORDERS_NOT_FOUND (the resident is not
 * of the scope's town) or ORDERS_DB. */
enum orders_rc ordstore_insert(struct db *db, const struct scope *sc, struct orders_order *o,
                               long long now) ORDERS_MUST_USE;

/*
 * Places a parsed order: stores o (ordstore_insert), builds the operator's minimal view
 * with the operator's pseudonym of the resident (name and address only if address_consent,
 * then person must be given) and enqueues it as event "order.created" for recipient
 * "operator:<id>" (pull, and push if the operator has a webhook). operator_body (may be
 * NULL) receives the released body, owned (free()), for the caller's audit record.
 * ORDERS_OK, ORDERS_INVALID, ORDERS_DB, ORDERS_NOMEM or ORDERS_CRYPTO.
 */
enum orders_rc ordstore_place(struct db *db, const struct scope *sc, struct orders_order *o,
                              int address_consent, const struct oview_person *person, long long now,
                              char **operator_body) ORDERS_MUST_USE;

/* Reads order id into *out. ORDERS_NOT_FOUND if there is none in the scope's town. */
enum orders_rc ordstore_get(struct db *db, const struct scope *sc, long long id,
                            struct orders_order *out) ORDERS_MUST_USE;

/*
 * Applies an operator's status update to order id, which must belong to operator_id
 * (otherwise ORDERS_NOT_FOUND, so an operator learns nothing about other operators'
 * orders). The move is checked with ostatus_check: repeating the current status is a
 * no-op (*changed = 0), a move the state machine forbids is ORDERS_CONFLICT with the
 * reason in err, and so is losing a race with another update of the same order.
 */
enum orders_rc ordstore_set_status(struct db *db, const struct scope *sc, long long id,
                                   long long operator_id, const struct ostatus_update *u,
                                   long long now, int *changed, char *err,
                                   size_t errlen) ORDERS_MUST_USE;

/* The resident's order list for the kiosk, newest first, limit 1..100:
 * {"orders":[<orders_resident_json of each>]}. *out owned (free()). */
enum orders_rc ordstore_list_resident_json(struct db *db, const struct scope *sc,
                                           long long resident_id, int limit,
                                           char **out) ORDERS_MUST_USE;

/*
 * Consent "address -> operator" revoked: rebuilds the bodies of the operator's pending
 * (unacknowledged) "order.created" deliveries of this resident without name and address,
 * in the revocation's transaction. *changed (may be NULL): deliveries rewritten.
 */
enum orders_rc ordstore_rebody_without_address(struct db *db, const struct scope *sc,
                                               long long resident_id, long long operator_id,
                                               int *changed) ORDERS_MUST_USE;

#endif
