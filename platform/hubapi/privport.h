/*
 * privport: the priv_request port (app/priv.h) over the hub client, and the parsing of the
 * hub's answers for the resident's own data and the family's alerts (docs/api.md)
 * into struct priv_answer. Session endpoints go out with the card session's token
 * (X-Card-Session) from the card port; nothing personal is logged.
 */
#ifndef PRIVPORT_H
#define PRIVPORT_H

#include <stdint.h>

#include "ports.h"
#include "priv.h"

struct hubport;

/* The port function (ctx = the struct hubport of hubport_ports). Returns the request id, 0
 * when it could not be queued (no session for a session endpoint, or the queue refused). */
uint32_t privport_request(void *ctx, const struct priv_request *r);

/* Parses the 2xx body of a `kind` answer (APP_EV_PRIV_* / APP_EV_CK_*). Returns an owned
 * answer (free()) or NULL when the body makes no sense. Exposed for tests and fuzzing. */
struct priv_answer *privport_parse(enum app_event_kind kind, const char *body);

/* Builds the request's method, path and body (exposed for tests). Returns false for a
 * request that cannot be made (bad id, identity not 5 characters). */
bool privport_build(const struct priv_request *r, int *is_post, char *path, size_t path_size,
                    char *body, size_t body_size, bool *session);

#endif
