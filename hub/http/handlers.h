/*
 * handlers.h: the faces' route tables. Each face (hub/http/<resource>.c) has one static
 * function per endpoint of docs/api.md and its own table of routes, declared here and
 * listed in server.c's faces[]; each handler follows the same steps: parse with caps -> (server.c
 * has authenticated the bearer and checked the role) -> authorize the subject through gate.h -> act
 * and audit in one writer job -> answer.
 */
#ifndef HUB_HANDLERS_H
#define HUB_HANDLERS_H

#include "hreq.h"

/* One route: method, literal path with at most one "{id}" segment, the roles allowed
 * (bitmask of enum auth_role; 0 = anyone), the handler. Each face ends its table with a
 * row of NULLs. */
struct hroute {
    const char *method;
    const char *pattern;
    int roles;
    void (*fn)(struct hreq *r);
};
extern const struct hroute checkins_routes[], card_routes[], privacy_routes[], checkups_routes[],
    orders_routes[], notices_routes[], safety_routes[], auditlog_routes[], notify_routes[],
    stats_routes[], refusallog_routes[];

#endif
