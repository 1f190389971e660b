/*
 * horders.h: the parts of the shopping and family-request endpoints (http/orders.c)
 * that other handler files need.
 */
#ifndef HUB_HORDERS_H
#define HUB_HORDERS_H

struct db;
struct scope;

/*
 * Inside the writer job that revoked "address -> operator:<operator_id>" for resident:
 * rebuilds the operator's view of every pending delivery of that resident's orders without
 * name and address (ordstore_rebody_without_address), so nothing still waiting carries
 * them. 0 or -1.
 */
int horders_rebody_without_address(struct db *db, const struct scope *sc, long long resident,
                                   long long operator_id);

#endif
