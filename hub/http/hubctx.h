/*
 * hubctx.h: the daemon's shared state, handed to every handler through struct hreq.
 * Everything in it is thread-safe or read-only after start-up.
 */
#ifndef HUB_HUBCTX_H
#define HUB_HUBCTX_H

struct hub {
    struct hubdb_pool *pool; /* read connections */
    struct writer *writer;   /* every write */
    struct cardtrust *trust; /* CAs and CRLs for card login; NULL = card login refused */
    struct cardocsp *ocsp;   /* the CA's OCSP responder (cardocsp.h); NULL = none */
    long escalation_window_min;
    struct pusher *pusher; /* webhook push thread (pusher.h); NULL = none */
    /* Limits (server.c, ratelimit.h): card login challenges and logins per device, refused
     * authorizations per client address, acknowledgement codes (no token) per client
     * address. */
    struct ratelimit *login_limit;
    struct ratelimit *fail_limit;
    struct ratelimit *ack_limit;
    struct refusalsum *refusals; /* refused authorizations counted until written */
    const char *free_space_path; /* checked before low-priority writes; NULL = none */
    long long min_free_bytes;
};

#endif
