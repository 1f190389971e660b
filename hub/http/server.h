/*
 * server.h: the hub daemon's HTTP(S) front (libmicrohttpd, event-driven, a handler pool) and
 * its shared state. server_start() opens everything hubd needs (database, writer thread,
 * read pool, trust anchors, TLS) and starts listening; server_stop() stops accepting,
 * lets the requests in flight finish, drains the writer and closes the database.
 */
#ifndef HUB_SERVER_H
#define HUB_SERVER_H

#include <stddef.h>

/* One answer as it is queued for sending: the request's method, path, and its
 * Authorization and X-Card-Session headers (NULL when absent), the status, and the
 * client's TCP port (which connection). Status 0: the request is complete and handed to a
 * handler; its answer follows. */
struct server_answer {
    const char *method, *path;
    const char *authorization, *card_session;
    int status;
    unsigned client_port;
};

struct server_config {
    const char *listen;   /* IPv4 or IPv6 literal; default 127.0.0.1 */
    unsigned port;        /* 0 = ephemeral */
    const char *db_path;  /* required */
    const char *tls_cert; /* PEM; with tls_key enables HTTPS */
    const char *tls_key;
    const char *trust_ca;     /* PEM of CA certificates trusted for card login; NULL = none */
    const char *crl_files[8]; /* CRLs of those CAs (cardtrust.h); none = no revocation check */
    int n_crl;
    long crl_refresh_s;         /* how often the CRL files are looked at again (0 = every login) */
    const char *ocsp_url;       /* the CA's OCSP responder (cardocsp.h); NULL = none */
    const char *key_path;       /* Ed25519 hub key for audit tree heads; NULL = none signed */
    const char *secrets_key;    /* key file of the sealed secrets; NULL = beside key_path or
                                 * the SQLite file (store/secrets.h) */
    long audit_head_records;    /* a tree head after at most this many records (1000) */
    long audit_head_seconds;    /* and at least this often while records come (10) */
    long escalation_window_min; /* minutes after the deadline before city staff get the alert */
    long tick_seconds;          /* how often the escalation pass runs; 0 = never (tests) */
    long purge_every_s;         /* how often expired rows are purged (retention.h); 0 = never */
    long push_poll_ms;          /* how often the push thread looks for due webhooks (1000) */
    const char *jma_feed;       /* JMA Atom feed URL to follow; NULL = none (docs/disaster.md) */
    long jma_poll_seconds;      /* how often the feed is fetched (60) */
    const char *jma_offices[8]; /* only entries by these offices (author names); none = all */
    int n_jma_offices;
    /* Protection from clients that hold connections (docs/hub.md); 0 = the default. */
    long max_connections;        /* connections at once (1024) */
    long max_per_address;        /* connections at once from one address (64) */
    long header_deadline_s;      /* a request's headers must be in within this (10 s) */
    long body_deadline_s;        /* and its body within this, from the same start (60 s) */
    long workers;                /* handler threads (8, PostgreSQL 32; a quarter kept for urgent
                                    requests) */
    long batch_wait_us;          /* writer_set_gather(): at most this long a batch gathers
                                    (-1 = the default: PostgreSQL 1000, SQLite 0; 0 = never) */
    long login_per_minute;       /* card login challenges and logins per device a minute (20) */
    long refusals_per_minute;    /* refused authorizations per client address a minute (60) */
    long acks_per_minute;        /* POST /v1/notify/ack (no token) per client address (10) */
    long min_free_mb;            /* refuse low-priority writes below this free space (100; -1 =
                                    the default, 0 = never) */
    const char *free_space_path; /* where to measure it; NULL = the SQLite file's directory */
    /* Alert notifications (docs/notify.md): SMTP server (NULL: mail waits), From address,
     * CA file for the SMTP server, base of the acknowledgement link, minutes before the
     * next in escalation order is told (10). */
    const char *smtp_url, *smtp_from, *smtp_ca, *notify_ack_url;
    long notify_escalate_min;
    /* Called with every request handed to a handler and every answer the hub queues (tests
     * and the HTTP fuzz target; NULL in hubd), from the HTTP thread; what it points at is
     * borrowed for the call. */
    void (*observe)(void *arg, const struct server_answer *a);
    void *observe_arg;
};

struct server;

/* Starts the hub. Returns an owned server (stop with server_stop) or NULL with a sentence
 * in err. */
struct server *server_start(const struct server_config *cfg, char *err, size_t errcap);

/* The bound port (the real one when cfg->port was 0). */
unsigned server_port(const struct server *s);

/* Stops and frees; accepts NULL. */
void server_stop(struct server *s);

#endif
