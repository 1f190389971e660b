/*
 * hreq.h: what a request handler sees (internal to the daemon: server.c and the handler
 * files). A handler reads the request through these helpers and leaves exactly one answer
 * in r->status/r->resp; server.c sends it. Errors always use hreq_error(), which writes
 * the API's {"error":{"code","message"}} body.
 */
#ifndef HUB_HREQ_H
#define HUB_HREQ_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "auth.h"

struct hub;
struct hroute;

struct hreq {
    struct hub *hub;
    void *conn; /* struct MHD_Connection *, kept opaque for handlers */
    const char *method;
    const char *path;
    const char *body;
    size_t body_len;
    long long path_id;         /* the {id} of the route's pattern, else 0 */
    struct auth_principal who; /* empty until hreq_authorized() on a HROUTE_DEVICE_IN_JOB route */
    const struct hroute *route;
    char request_id[33];
    int status;
    char *resp;               /* owned JSON text; NULL with status 304 (Not Modified) */
    char etag[40];            /* sent as ETag when set (a quoted hash) */
    long retry_after;         /* seconds, sent as Retry-After when > 0 (429) */
    const char *content_type; /* static text; NULL: application/json */
    int *later;               /* server.c's: set by hreq_defer() */
    int fast;                 /* on an HTTP thread (handlers.h, HROUTE_FAST): must not block */
};

/*
 * Answering later: a handler whose answer comes from another thread (a writer job's
 * completion, writer_submit_kind) calls hreq_defer(r) BEFORE handing r to that thread and
 * returns without an answer; that thread puts the answer in r and calls hreq_finish(r),
 * exactly once, after which r is gone. The handler must not touch r after handing it on
 * (hreq_finish may already have run). Meanwhile no handler thread waits for it.
 */
void hreq_defer(struct hreq *r);
void hreq_finish(struct hreq *r);

/* For a route whose device tokens are checked in its writer job (handlers.h,
 * HROUTE_DEVICE_IN_JOB): as is what that check found for the request's token (r->who filled when
 * AUTH_OK). Answers 401, 403 (the route's roles) or 503 in r exactly as the lookup before
 * the handler does, refusals counted against the client's address (429 past its
 * allowance); 1 when the request may go on. */
int hreq_authorized(struct hreq *r, enum auth_status as);

/* The same for a request of such a route that ends before its job (a body that does not
 * parse): looks the token up now (a round trip) and answers as above; 1 to go on. */
int hreq_authorize_now(struct hreq *r);

/* A request header or query argument, or NULL. Borrowed for the request's lifetime. */
const char *hreq_header(struct hreq *r, const char *name);
const char *hreq_query(struct hreq *r, const char *name);

void hreq_error(struct hreq *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The client's address as text (IPv4 or IPv6; "?" when unknown) into out. */
void hreq_client_address(struct hreq *r, char *out, size_t cap);
/* Takes ownership of obj. */
void hreq_json(struct hreq *r, int status, cJSON *obj);
/* Takes ownership of the JSON text. */
void hreq_raw(struct hreq *r, int status, char *json);

#endif
