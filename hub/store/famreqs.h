/*
 * famreqs.h: the family requests store (table ord_famreq). A request is one of the fixed
 * phrases a resident sends to a family member (the phrases, their parsers and struct
 * famreq are the orders library's, famreq.h); the family member answers it. Delivery goes
 * through the queue (deliveries.h). A request belongs to its resident's town: every function
 * takes the scope of a town (scope.h) and another town's request is ORDERS_NOT_FOUND,
 * whatever id is sent. Inside the caller's transaction.
 */
#ifndef HUB_STORE_FAMREQS_H
#define HUB_STORE_FAMREQS_H

#include "db.h"
#include "famreq.h"
#include "scope.h"

/* Stores a request of resident_id (of the scope's town); sets *id. ORDERS_OK, ORDERS_INVALID
 * (code), ORDERS_NOT_FOUND (no such resident in the town) or ORDERS_DB. */
enum orders_rc famreqs_insert(struct db *db, const struct scope *sc, long long resident_id,
                              long long family_id, enum famreq_code code, long long now,
                              long long *id) ORDERS_MUST_USE;

/* Reads request id. ORDERS_NOT_FOUND if there is none in the scope's town. */
enum orders_rc famreqs_get(struct db *db, const struct scope *sc, long long id,
                           struct famreq *out) ORDERS_MUST_USE;

/* Records the answer of family_id to request id. Answering twice is fine (*changed = 0);
 * another family's request is ORDERS_NOT_FOUND. */
enum orders_rc famreqs_set_answer(struct db *db, const struct scope *sc, long long id,
                                  long long family_id, enum famreq_answer a, long long now,
                                  int *changed) ORDERS_MUST_USE;

/* One of the resident's requests as the kiosk lists it, with the family member's name. */
struct famreqs_row {
    struct famreq q;
    char family_name[128];
};

/* The resident's requests, newest first, at most limit (1..100) into rows; *n how many. */
enum orders_rc famreqs_list_resident(struct db *db, const struct scope *sc, long long resident_id,
                                     int limit, struct famreqs_row *rows,
                                     size_t *n) ORDERS_MUST_USE;

#endif
