/*
 * hubclient: the kiosk's client for the linkage hub (docs/api.md), over libcurl.
 *
 * All network I/O runs on one worker thread owned by the client, so the UI thread never
 * blocks: hubc_submit() only queues. When a request finishes (answered, failed, or timed
 * out) the `done` callback runs ON THE WORKER THREAD with a result whose ownership passes
 * to the callback (free it with hubc_result_free). The kiosk's callback typically wraps the
 * result in an SDL user event with SDL_PushEvent (thread-safe) and returns at once.
 *
 * TLS: https URLs are verified against `ca_file` (or the system store when NULL); there is
 * no way to turn verification off. Plain http is refused unless the host is a loopback
 * address (127.0.0.0/8, ::1, localhost).
 */
#ifndef HUBCLIENT_H
#define HUBCLIENT_H

#include <stdint.h>

enum hubc_err {
    HUBC_OK = 0,     /* the hub answered (any HTTP status; see result.status) */
    HUBC_E_CONNECT,  /* could not reach the hub (refused, DNS, no route) */
    HUBC_E_TIMEOUT,  /* no complete answer within the timeout */
    HUBC_E_TLS,      /* TLS failed (certificate not trusted, handshake) */
    HUBC_E_TOOBIG,   /* answer larger than the cap */
    HUBC_E_INSECURE, /* plain http to a non-loopback host refused */
    HUBC_E_INTERNAL, /* out of memory, queue full, shutting down */
};
/* A short English description of the error, for logs (never shown to residents). */
const char *hubc_err_str(enum hubc_err err);

enum hubc_method { HUBC_GET, HUBC_POST, HUBC_DELETE };

#define HUBC_ETAG_MAX 128

struct hubc_result {
    uint32_t id;  /* what hubc_submit returned */
    uint32_t tag; /* the caller's tag from hubc_submit */
    enum hubc_err err;
    long status;              /* HTTP status when err == HUBC_OK, else 0 */
    char *body;               /* owned, NUL-terminated answer body ("" when none) */
    char errmsg[256];         /* libcurl's words when err != HUBC_OK */
    char etag[HUBC_ETAG_MAX]; /* the answer's ETag header ("" when none or too long) */
};
void hubc_result_free(struct hubc_result *res);

struct hubc_config {
    const char *base_url; /* "http://127.0.0.1:8080" or "https://hub.example:8443" */
    const char *token;    /* device or family token, sent as Authorization: Bearer */
    const char *ca_file;  /* PEM file with the CA(s) that sign the hub's certificate */
    long timeout_ms;      /* whole-request timeout; 0 → 10000 */
};

struct hubc;

/* Creates the client and starts its worker. Strings in cfg are copied. `done` must not be
 * NULL; it may be called until hubc_destroy returns. Returns NULL on failure. */
struct hubc *hubc_create(const struct hubc_config *cfg,
                         void (*done)(void *ctx, struct hubc_result *res), void *ctx);

/* Stops the worker (in-flight requests are abandoned and reported with HUBC_E_INTERNAL)
 * and frees the client. Accepts NULL. Call from the thread that created it. */
void hubc_destroy(struct hubc *c);

/* Queues a request. `path` like "/v1/checkins"; `json_body`, `idempotency_key` and
 * `card_session` may be NULL; all strings are copied. Returns a non-zero request id, or 0
 * when the queue is full or the client is stopping. Thread-safe, never blocks. */
uint32_t hubc_submit(struct hubc *c, enum hubc_method method, const char *path,
                     const char *json_body, const char *idempotency_key, const char *card_session,
                     uint32_t tag);

/* A GET that sends If-None-Match: etag (when not NULL or ""): an unchanged resource is
 * answered 304 with no body. Otherwise as hubc_submit. */
uint32_t hubc_get_if_changed(struct hubc *c, const char *path, const char *etag, uint32_t tag);

#endif
