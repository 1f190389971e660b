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
 * row of NULLs. With HROUTE_DEVICE_IN_JOB among the roles, a device token ("Bearer dev_...",
 * no Idempotency-Key, a body of the right media type) is not looked up before the handler:
 * r->who is left empty and the handler checks the token inside its writer job
 * (auth_devices_many(), with the others of its batch), then answers what the lookup before
 * it would have answered through hreq_authorized(); every other request is authorized
 * first as usual. */
#define HROUTE_DEVICE_IN_JOB 0x10000
/* With HROUTE_FAST too, a request whose token is checked in the job is first handed to the
 * handler on the HTTP thread that read it, with r->fast set, instead of queueing it for a
 * handler thread (one hop and one wake-up less; the busiest request, a check-in, then
 * never waits for a handler thread). There the handler must not block: it either takes the
 * request to answer later (hreq_defer, writer_submit_kind) or returns leaving r as it was,
 * and is then called again on a handler thread as usual. */
#define HROUTE_FAST 0x20000
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
