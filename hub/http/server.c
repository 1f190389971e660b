/*
 * server.c: libmicrohttpd glue, body caps, routing and the start/stop of the daemon.
 *
 * Threading: MHD is event-driven (epoll) with a small pool of HTTP threads that only read
 * requests and send answers; a slow client costs a socket and a little memory, not a
 * thread. A complete request is suspended and handed to the handler pool (workq.h), where
 * help calls, check-ins and health go first and bulk work can never take every thread; the
 * job resumes the connection with the answer. Handlers only read the database through the
 * pooled read connections; writes go to the writer thread (writer.h).
 *
 * Denial of service by one client: at most max_per_address connections per address
 * (MHD_OPTION_PER_IP_CONNECTION_LIMIT), and deadlines from the start of each request for
 * its headers and its body that trickling bytes cannot extend (conntrack.h; MHD's own
 * timeout is reset by every byte).
 *
 * Body cap: a declared Content-Length over 64 KiB (2 MiB for POST /v1/checkups, a whole
 * checkup file) is answered 413 before the body is read; a body without a declared length
 * is counted and refused at the same cap.
 */
#include "server.h"
#include "cardocsp.h"
#include "cardtrust.h"
#include "conntrack.h"
#include "ratelimit.h"
#include "workq.h"
#include "handlers.h"
#include "db_sqlite.h"
#include "hubctx.h"
#include "hubdb.h"
#include "hubkey.h"
#include "hubreq.h"
#include "hubtoken.h"
#include "writer.h"
#include "escalate.h"
#include "idempotency.h"
#include "safety.h"
#include "secrets.h"
#include "hubclock.h"
#include "pusher.h"
#include "purger.h"
#include "refusalsum.h"
#include "notifier.h"
#include "jmapoll.h"
#include "ticker.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <strings.h>
#include <sys/statvfs.h>
#include <time.h>

#define BODY_MAX   (64 * 1024)
#define IMPORT_MAX (2 * 1024 * 1024) /* POST /v1/checkups only: one Bundle or CSV file */
/* A body over its cap is still read, and thrown away, up to this many bytes before the 413
 * goes out. Answering before it is read and closing leaves unread bytes in the socket, and
 * the kernel then sends a reset that can reach the client before the answer does: the
 * client saw a broken connection instead of the words saying what was too large (curl
 * without Expect: 100-continue, on a loaded machine). A client that sends Expect:
 * 100-continue, or declares more than this, is answered at once. */
#define DISCARD_MAX  (8 * 1024 * 1024)
#define TLS_FILE_MAX (256 * 1024)
#define HTTP_THREADS 2 /* event loops; they never block, so the cores are enough */
/* Each connection's memory in libmicrohttpd (its read buffer, the request's headers, the
 * answer's head; bodies are handed over in pieces). libmicrohttpd 0.9.75 zeroes all of it
 * for every request on a kept-alive connection: its default of 32 KiB made that memset a
 * twentieth of the HTTP threads' time per check-in. 16 KiB still takes request heads of
 * about 15 KiB (a 16 KiB one gets 431; the hub's are a few hundred bytes). */
#define CONN_MEMORY (16 * 1024)

struct server {
    struct hub hub;
    struct ticker *ticker; /* the escalation pass, every tick_seconds */
    long tick_seconds;
    /* requests between their first byte and their answer being sent (for shutdown) */
    pthread_mutex_t flight_mu;
    int in_flight;
    int later;              /* requests answered later (hreq_defer), not yet finished */
    pthread_cond_t all_out; /* signalled when later drops to 0 */
    int draining;           /* set at shutdown: new requests get 503 */
    struct MHD_Daemon *mhd;
    struct conntrack *conns; /* header and body deadlines */
    struct workq *work;      /* the handler pool */
    struct jmapoll *jma;     /* the JMA feed thread, when --jma-feed is given */
    struct purger *purger;   /* refusal summaries and the retention purge */
    EVP_PKEY *key;
    struct secretbox *secrets; /* installed for the stores (secretbox_install) */
    char *tls_cert_pem, *tls_key_pem;
    unsigned port;
    char free_space_dir[1024]; /* the SQLite file's directory, or --free-space-path */
    void (*observe)(void *arg, const struct server_answer *a); /* NULL = none */
    void *observe_arg;
};

enum ctx_state {
    CTX_READING, /* headers and body being read (HTTP thread) */
    CTX_QUEUED,  /* complete, connection suspended, a handler pool job owns req */
    CTX_DONE,    /* req holds the answer; the HTTP thread sends it */
};

/* Per-request state kept by MHD between calls of the access handler. */
struct conn_ctx {
    char *body;
    size_t len, cap;
    size_t max;     /* body cap of this request (body_cap) */
    size_t dropped; /* bytes read and thrown away after the body went over max */
    int too_big;
    int answered; /* an answer was queued (413, 503 when draining, or the handler's) */
    enum ctx_state state;
    struct MHD_Connection *conn;
    const char *method, *url;     /* MHD's, valid until on_completed */
    struct conntrack_conn *track; /* this connection's deadlines; NULL = none */
    struct hreq req;              /* from CTX_QUEUED on */
};

/* Every face's route rows, in this order (the first row whose path and method match
 * answers). */
static const struct hroute *const faces[] = {checkins_routes, card_routes,      privacy_routes,
                                             checkups_routes, orders_routes,    notices_routes,
                                             safety_routes,   auditlog_routes,  notify_routes,
                                             stats_routes,    refusallog_routes};

/* POST /v1/checkups: the one request whose body may be a whole file, CSV or FHIR. */
static int is_import(const char *method, const char *url)
{
    return strcmp(method, "POST") == 0 && strcmp(url, "/v1/checkups") == 0;
}

/* The body cap of a request: 2 MiB for a checkup import, 64 KiB for everything else. */
static size_t body_cap(const char *method, const char *url)
{
    return is_import(method, url) ? IMPORT_MAX : BODY_MAX;
}

/* A body comes as JSON, or for a checkup import also as FHIR JSON or CSV (docs/api.md). */
static int media_type_ok(struct hreq *r)
{
    static const char *const json[] = {"application/json", NULL};
    static const char *const import[] = {"application/json", "application/fhir+json", "text/csv",
                                         NULL};
    return hubreq_media_type_ok(hreq_header(r, "Content-Type"),
                                is_import(r->method, r->path) ? import : json);
}

const char *hreq_header(struct hreq *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *hreq_query(struct hreq *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

void hreq_raw(struct hreq *r, int status, char *json)
{
    free(r->resp);
    r->status = status;
    r->resp = json;
}

void hreq_json(struct hreq *r, int status, cJSON *obj)
{
    char *text = obj ? cJSON_PrintUnformatted(obj) : NULL;
    cJSON_Delete(obj);
    if (!text) {
        hreq_error(r, 500, "internal", "The hub ran out of memory; try again.");
        return;
    }
    hreq_raw(r, status, text);
}

void hreq_error(struct hreq *r, int status, const char *code, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cJSON *root = cJSON_CreateObject();
    cJSON *e = cJSON_AddObjectToObject(root, "error");
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", msg);
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    free(r->resp);
    r->status = status;
    r->resp = text; /* NULL only when out of memory: send() then answers a bare 500 */
}

/* Matches path against pattern; *id gets the {id} segment. 1 = match. */
static int match(const char *pattern, const char *path, long long *id)
{
    const char *brace = strstr(pattern, "{id}");
    if (!brace)
        return strcmp(pattern, path) == 0;
    size_t pre = (size_t)(brace - pattern);
    if (strncmp(pattern, path, pre) != 0)
        return 0;
    const char *seg = path + pre;
    const char *slash = strchr(seg, '/');
    size_t seglen = slash ? (size_t)(slash - seg) : strlen(seg);
    const char *rest_pat = brace + 4;
    const char *rest_path = seg + seglen;
    if (strcmp(rest_pat, rest_path) != 0)
        return 0;
    long long v = hubreq_parse_id(seg, seglen);
    *id = v; /* -1 when not a number: the handler answers 404 */
    return 1;
}

/* Tells cfg->observe (tests) of a request handed to a handler (status 0) or an answer. */
static void observe(struct server *s, struct hreq *r, int status)
{
    if (!s->observe)
        return;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    unsigned port = 0;
    if (sa && sa->sa_family == AF_INET)
        port = ntohs(((const struct sockaddr_in *)(const void *)sa)->sin_port);
    else if (sa && sa->sa_family == AF_INET6)
        port = ntohs(((const struct sockaddr_in6 *)(const void *)sa)->sin6_port);
    struct server_answer a = {.method = r->method,
                              .path = r->path,
                              .authorization = hreq_header(r, "Authorization"),
                              .card_session = hreq_header(r, "X-Card-Session"),
                              .status = status,
                              .client_port = port};
    s->observe(s->observe_arg, &a);
}

static int send_answer(struct server *s, struct MHD_Connection *c, struct hreq *r)
{
    static const char oom[] = "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
    struct MHD_Response *resp;
    int status = r->status ? r->status : 500;
    /* A 503 "unavailable" is a moment's outage (database reconnecting, shutting down,
     * busy): nothing was kept, the client retries the same request shortly. */
    int retry = status == 503 && r->resp && strstr(r->resp, "\"code\":\"unavailable\"");
    if (status == 304) {
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    } else if (r->resp) {
        resp = MHD_create_response_from_buffer(strlen(r->resp), r->resp, MHD_RESPMEM_MUST_FREE);
        if (resp)
            r->resp = NULL; /* MHD owns it now */
    } else {
        status = 500;
        resp = MHD_create_response_from_buffer(sizeof oom - 1, (void *)oom, MHD_RESPMEM_PERSISTENT);
    }
    if (!resp)
        return MHD_NO;
    /* JSON unless a handler answers other text (statistics as CSV or an SVG chart) */
    MHD_add_response_header(resp, "Content-Type",
                            r->content_type && status < 300 ? r->content_type : "application/json");
    /* A list polled with If-None-Match (GET /v1/notices) may be kept, but only to ask
     * again whether it changed. */
    MHD_add_response_header(resp, "Cache-Control", r->etag[0] ? "no-cache" : "no-store");
    if (r->etag[0])
        MHD_add_response_header(resp, "ETag", r->etag);
    MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    if (r->retry_after > 0) {
        char secs[24];
        snprintf(secs, sizeof secs, "%ld", r->retry_after);
        MHD_add_response_header(resp, "Retry-After", secs);
    } else if (retry) {
        MHD_add_response_header(resp, "Retry-After", "1");
    }
    int ret = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    if (ret == MHD_YES)
        observe(s, r, status);
    return ret;
}

/* The client's address as text ("?" when unknown). */
void hreq_client_address(struct hreq *r, char *out, size_t cap)
{
    const union MHD_ConnectionInfo *ci =
        r->conn ? MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS) : NULL;
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    snprintf(out, cap, "?");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)cap);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)cap);
}

/* A refused authorization (401/403, already in r): counted per client address; past the
 * address's allowance the answer becomes 429, so guessing tokens is slowed to a crawl
 * while a client with a valid token is never held up by its neighbours' failures. */
static void refused(struct hreq *r)
{
    char addr[INET6_ADDRSTRLEN + 8], key[80];
    long retry = 0;
    hreq_client_address(r, addr, sizeof addr);
    snprintf(key, sizeof key, "fail:%s", addr);
    if (r->hub->fail_limit && !ratelimit_take(r->hub->fail_limit, key, &retry)) {
        hreq_error(r, 429, "too_many_failures",
                   "Too many requests from your address were refused (a missing, wrong or "
                   "revoked token, or an account not allowed to do this); wait %ld seconds "
                   "and check the token you were given.",
                   retry);
        r->retry_after = retry;
    }
}

/* The answer to what the token lookup found (as, r->who filled when AUTH_OK) for route:
 * 1 to go on; 0 when r holds the answer. */
static int verdict(struct hreq *r, const struct hroute *route, enum auth_status as)
{
    if (as == AUTH_MISSING) {
        hreq_error(r, 401, "unauthorized",
                   "This endpoint needs a token: send the header \"Authorization: Bearer "
                   "<token>\" with the token you were given at registration.");
        refused(r);
        return 0;
    }
    if (as == AUTH_UNKNOWN) {
        hreq_error(r, 401, "unauthorized",
                   "The token is not known to this hub (mistyped, or revoked); ask the "
                   "city office for a new one.");
        refused(r);
        return 0;
    }
    if (as != AUTH_OK) {
        hreq_error(r, 503, "unavailable",
                   "The hub cannot check tokens right now; try again in a minute.");
        return 0;
    }
    if (!(route->roles & (int)r->who.role)) {
        hreq_error(r, 403, "forbidden", "Your kind of account may not use %s %s.", r->method,
                   route->pattern);
        refused(r);
        return 0;
    }
    return 1;
}

/* Checks the bearer token and the route's roles. 1 to go on; 0 when r holds the answer. */
static int authorize(struct hreq *r, const struct hroute *route)
{
    struct db *db = hubdb_pool_get(r->hub->pool);
    enum auth_status as =
        db ? auth_bearer(db, hreq_header(r, "Authorization"), &r->who) : AUTH_ERROR;
    hubdb_pool_put(r->hub->pool, db);
    return verdict(r, route, as);
}

int hreq_authorized(struct hreq *r, enum auth_status as)
{
    return verdict(r, r->route, as);
}

int hreq_authorize_now(struct hreq *r)
{
    return r->who.role != AUTH_NONE || authorize(r, r->route);
}

/* 1 when route checks r's token in its writer job (handlers.h, HROUTE_DEVICE_IN_JOB): a device
 * token, no Idempotency-Key (its claim needs the caller first) and a body of the right
 * media type (a 415 comes after the 401 of a bad token, as on every route). */
static int token_in_job(struct hreq *r, const struct hroute *route)
{
    const char *auth = hreq_header(r, "Authorization");
    if (!(route->roles & HROUTE_DEVICE_IN_JOB) || !auth || strncasecmp(auth, "Bearer ", 7) != 0)
        return 0;
    const char *tok = auth + 7;
    while (*tok == ' ')
        tok++;
    return strncmp(tok, "dev_", 4) == 0 && strlen(tok) <= HUBTOKEN_MAX &&
           !hreq_header(r, "Idempotency-Key") && (r->body_len == 0 || media_type_ok(r));
}

static int is_login(const struct hroute *route)
{
    return strcmp(route->method, "POST") == 0 &&
           (strcmp(route->pattern, "/v1/auth/challenge") == 0 ||
            strcmp(route->pattern, "/v1/auth/card-login") == 0);
}

/* Card login challenges and logins per device: a kiosk needs one of each per resident's
 * login, so a device asking far more often is broken or hostile (each challenge is a row). */
static int login_allowed(struct hreq *r)
{
    char key[96];
    long retry = 0;
    snprintf(key, sizeof key, "%s:%s", r->path, r->who.actor);
    if (!r->hub->login_limit || ratelimit_take(r->hub->login_limit, key, &retry))
        return 1;
    hreq_error(r, 429, "too_many_requests",
               "This device has asked to log in too often in the last minute; wait %ld seconds "
               "and try again.",
               retry);
    r->retry_after = retry;
    return 0;
}

/* Writes that can wait when the disk is nearly full: new orders, checkup imports, family
 * requests and signs of life. Help calls, check-ins, safety answers, consents, logins and
 * acknowledgements are never refused for space. */
static int is_low_priority(const char *method, const char *pattern)
{
    static const char *const low[] = {"/v1/operators/{id}/orders", "/v1/checkups",
                                      "/v1/family-requests", "/v1/activity", NULL};
    if (strcmp(method, "POST") != 0)
        return 0;
    for (const char *const *p = low; *p; p++)
        if (strcmp(*p, pattern) == 0)
            return 1;
    return 0;
}

/* 1 when the database's file system has more than the configured free space (or no check
 * is configured); else 0 with 507 in r. */
static int disk_has_room(struct hreq *r)
{
    struct statvfs fs;
    if (!r->hub->free_space_path || r->hub->min_free_bytes <= 0 ||
        statvfs(r->hub->free_space_path, &fs) != 0)
        return 1;
    long long avail = (long long)fs.f_bavail * (long long)fs.f_frsize;
    if (avail >= r->hub->min_free_bytes)
        return 1;
    hreq_error(r, 507, "insufficient_storage",
               "The hub is running out of disk space, so it takes no new work of this kind for "
               "now (help calls and check-ins still work); try again later. The city office "
               "has been told in the hub's log.");
    /* One line a minute at most: the refusals themselves may come by the thousand. */
    static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    static time_t logged;
    time_t now = time(NULL);
    pthread_mutex_lock(&mu);
    if (now - logged >= 60) {
        logged = now;
        fprintf(stderr,
                "hub: low disk space: %lld MB free on %s, below --min-free-mb %lld; refusing "
                "new orders, imports, family requests and activity until there is room\n",
                avail / (1024 * 1024), r->hub->free_space_path,
                r->hub->min_free_bytes / (1024 * 1024));
    }
    pthread_mutex_unlock(&mu);
    return 0;
}

/* The route of r's method and path (r->path_id set), or NULL; *path_known is 1 when the
 * path has routes (for other methods). */
static const struct hroute *route_of(struct hreq *r, int *path_known)
{
    for (size_t f = 0; f < sizeof faces / sizeof faces[0]; f++) {
        for (const struct hroute *row = faces[f]; row->method; row++) {
            long long id = 0;
            if (!match(row->pattern, r->path, &id))
                continue;
            *path_known = 1;
            if (strcmp(row->method, r->method) == 0) {
                r->path_id = id;
                return row;
            }
        }
    }
    return NULL;
}

/* Routes and handles r; the route it matched, or NULL. */
static const struct hroute *dispatch(struct hreq *r)
{
    int path_known = 0;
    const struct hroute *route = route_of(r, &path_known);
    if (!route) {
        if (path_known)
            hreq_error(r, 405, "method_not_allowed",
                       "This path does not take %s; see docs/api.md for its methods.", r->method);
        else
            hreq_error(r, 404, "not_found", "There is no endpoint at %s; see docs/api.md.",
                       r->path);
        return NULL;
    }
    if (r->path_id < 0) {
        hreq_error(r, 404, "not_found", "The id in the path must be a positive whole number.");
        return route;
    }
    r->route = route;
    if (route->roles && !token_in_job(r, route) && !authorize(r, route))
        return route;
    if (is_login(route) && !login_allowed(r))
        return route;
    if (is_low_priority(r->method, route->pattern) && !disk_has_room(r))
        return route;
    if (r->body_len > 0 && !media_type_ok(r)) {
        hreq_error(r, 415, "unsupported_media_type",
                   "Send the body with the header \"Content-Type: application/json\" (\"; "
                   "charset=utf-8\" may follow)%s.",
                   is_import(r->method, r->path)
                       ? ", or \"Content-Type: text/csv\" for a CSV file of checkups"
                       : "");
        return route;
    }
    route->fn(r);
    return route;
}

/* Counts a refused authorization (401, 403, or 429 too_many_failures) for its summary
 * (refusalsum.h): the caller by its principal when the token was known, else by "none" or
 * a prefix of the token's hash, never by the token. */
static void note_refusal(struct hreq *r, const struct hroute *route)
{
    int limited = r->status == 429 && r->resp && strstr(r->resp, "\"too_many_failures\"");
    if (!route || !r->hub->refusals || (r->status != 401 && r->status != 403 && !limited))
        return;
    char caller[REFUSALS_CALLER_MAX + 1], addr[INET6_ADDRSTRLEN + 8], what[REFUSALS_ROUTE_MAX + 1];
    const char *auth = hreq_header(r, "Authorization");
    if (r->who.role != AUTH_NONE) {
        snprintf(caller, sizeof caller, "%s", r->who.actor);
    } else if (auth && strncmp(auth, "Bearer ", 7) == 0 && auth[7]) {
        char hash[HUBTOKEN_HASH_HEX];
        hubtoken_hash(auth + 7, strlen(auth + 7), hash);
        snprintf(caller, sizeof caller, "sha256:%.8s", hash);
    } else {
        snprintf(caller, sizeof caller, "none");
    }
    hreq_client_address(r, addr, sizeof addr);
    snprintf(what, sizeof what, "%s %s", route->method, route->pattern);
    refusalsum_note(r->hub->refusals, caller, addr, what,
                    r->who.role != AUTH_NONE && r->who.town ? scope_town(r->who.town) : 0,
                    (int64_t)hubclock_now());
}

/* Help calls, check-ins and health go ahead of everything else (workq.h): they are what a
 * resident in trouble and the people watching over them need when the hub is loaded. */
static enum workq_prio request_prio(const char *method, const char *url)
{
    if (strcmp(url, "/v1/health") == 0 || strcmp(url, "/v1/help") == 0)
        return WORKQ_URGENT;
    if (strcmp(method, "POST") == 0 && strcmp(url, "/v1/checkins") == 0)
        return WORKQ_URGENT;
    return WORKQ_BULK;
}

/* Queues an answer made in an HTTP thread (never reaching a handler) and frees it. */
static enum MHD_Result answer_now(struct server *s, struct MHD_Connection *c, struct conn_ctx *ctx,
                                  int status, const char *code, const char *msg)
{
    struct hreq r = {.hub = &s->hub, .conn = c, .method = ctx->method, .path = ctx->url};
    snprintf(r.request_id, sizeof r.request_id, "-");
    hreq_error(&r, status, code, "%s", msg);
    ctx->answered = 1; /* the body, if any, is discarded */
    conntrack_request_done(s->conns, ctx->track);
    enum MHD_Result ret = send_answer(s, c, &r) == MHD_YES ? MHD_YES : MHD_NO;
    free(r.resp);
    return ret;
}

/* The answer in ctx->req is final: counts a refusal, then wakes the connection, whose next
 * call of on_request sends the answer. ctx may be gone once this returns. */
static void finish(struct conn_ctx *ctx, const struct hroute *route)
{
    note_refusal(&ctx->req, route);
    ctx->state = CTX_DONE;
    MHD_resume_connection(ctx->conn);
}

static struct server *server_of(struct hub *h)
{
    return (struct server *)(void *)((char *)h - offsetof(struct server, hub));
}

void hreq_defer(struct hreq *r)
{
    struct server *s = server_of(r->hub);
    *r->later = 1;
    pthread_mutex_lock(&s->flight_mu);
    s->later++;
    pthread_mutex_unlock(&s->flight_mu);
}

void hreq_finish(struct hreq *r)
{
    struct server *s = server_of(r->hub);
    struct conn_ctx *ctx = (struct conn_ctx *)(void *)((char *)r - offsetof(struct conn_ctx, req));
    finish(ctx, r->route);
    pthread_mutex_lock(&s->flight_mu);
    if (--s->later == 0)
        pthread_cond_broadcast(&s->all_out);
    pthread_mutex_unlock(&s->flight_mu);
}

/* A request id: 16 random bytes in hex. They are drawn REQUEST_IDS_AT_ONCE ids at a time
 * per thread: each call of the random generator costs about as much as the HTTP thread's
 * own work on a check-in (locks, a fork check, the generator's set-up), and an id is no
 * secret (it is sent in X-Request-Id and written in the audit record), only unique. */
#define REQUEST_IDS_AT_ONCE 32
static void new_request_id(struct hreq *r)
{
    static _Thread_local unsigned char ids[REQUEST_IDS_AT_ONCE][16];
    static _Thread_local int left;
    if (left == 0 && hubtoken_random(&ids[0][0], sizeof ids) == 0)
        left = REQUEST_IDS_AT_ONCE;
    if (left > 0) {
        hubtoken_hex(ids[--left], sizeof ids[0], r->request_id);
    } else {
        unsigned char zero[16] = {0}; /* the generator failed: an id of zeros, as before */
        hubtoken_hex(zero, sizeof zero, r->request_id);
    }
}

/* A handler pool job: handles the complete request and finishes it, unless its handler
 * answers later (hreq_defer: then ctx may be gone already, and is not touched here). */
static void handle_job(void *arg)
{
    struct conn_ctx *ctx = arg;
    struct hreq *r = &ctx->req;
    int later = 0;
    new_request_id(r);
    r->later = &later;
    const struct hroute *route = dispatch(r);
    if (!later)
        finish(ctx, route);
}

/* On the HTTP thread, ctx's connection suspended: hands the request to its route's handler
 * here when the route allows it (handlers.h, HROUTE_FAST) and nothing before the handler
 * reads the database (its token is checked in its writer job). 1 when the handler took it
 * (it answers later); 0: it goes to a handler thread as usual. */
static int handled_fast(struct conn_ctx *ctx)
{
    struct hreq *r = &ctx->req;
    int path_known = 0, later = 0;
    const struct hroute *route = route_of(r, &path_known);
    if (!route || !(route->roles & HROUTE_FAST) || r->path_id < 0 || is_login(route) ||
        is_low_priority(r->method, route->pattern) || !token_in_job(r, route))
        return 0;
    r->route = route;
    new_request_id(r);
    r->later = &later;
    r->fast = 1;
    route->fn(r);
    if (!later)
        r->fast = 0; /* r is still ours: it goes to a handler thread */
    return later;
}

/* Whether the client waits for 100 Continue before it sends the body (RFC 9110 10.1.1):
 * then a refusal sent at once means the body is never sent at all. */
static int expects_continue(struct MHD_Connection *c)
{
    const char *e = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Expect");
    return e && strcasecmp(e, "100-continue") == 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct server *s = cls;
    struct conn_ctx *ctx = *con_cls;
    if (!ctx) {
        ctx = calloc(1, sizeof *ctx);
        if (!ctx)
            return MHD_NO;
        *con_cls = ctx;
        ctx->conn = c;
        ctx->method = method;
        ctx->url = url;
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        ctx->track = ci ? ci->socket_context : NULL;
        conntrack_headers_done(s->conns, ctx->track);
        pthread_mutex_lock(&s->flight_mu);
        s->in_flight++;
        int draining = s->draining;
        pthread_mutex_unlock(&s->flight_mu);
        /* Shutting down: refuse new requests on kept-alive connections at once, so the
         * requests already in progress are the only ones we wait for. */
        if (draining)
            return answer_now(s, c, ctx, 503, "unavailable",
                              "The hub is shutting down; try again in a minute.");
        ctx->max = body_cap(method, url);
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        int discard = 0; /* over the cap, but read and thrown away before the answer */
        if (cl) {
            errno = 0;
            char *end = NULL;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || end == cl || n > ctx->max)
                ctx->too_big = 1;
            discard =
                ctx->too_big && !errno && end != cl && n <= DISCARD_MAX && !expects_continue(c);
        }
        if (!ctx->too_big || discard)
            return MHD_YES;
        /* Answer at once: the body is never read. */
        char msg[128];
        snprintf(msg, sizeof msg, "The request body is larger than %zu bytes; send less.",
                 ctx->max);
        return answer_now(s, c, ctx, 413, "body_too_large", msg);
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (ctx->answered)
            return MHD_YES;
        if (!ctx->too_big && ctx->len + n > ctx->max) {
            ctx->too_big = 1;
            free(ctx->body);
            ctx->body = NULL;
            ctx->dropped = ctx->len;
        }
        if (ctx->too_big) {
            ctx->dropped += n;
            return ctx->dropped <= DISCARD_MAX ? MHD_YES : MHD_NO; /* NO closes it */
        }
        if (ctx->len + n + 1 > ctx->cap) {
            size_t cap = ctx->cap ? ctx->cap : 1024;
            while (cap < ctx->len + n + 1)
                cap *= 2;
            char *b = realloc(ctx->body, cap);
            if (!b)
                return MHD_NO;
            ctx->body = b;
            ctx->cap = cap;
        }
        memcpy(ctx->body + ctx->len, upload_data, n);
        ctx->len += n;
        ctx->body[ctx->len] = '\0';
        return MHD_YES;
    }
    if (ctx->answered)
        return MHD_YES;
    if (ctx->state == CTX_DONE) {
        enum MHD_Result ret = send_answer(s, c, &ctx->req) == MHD_YES ? MHD_YES : MHD_NO;
        ctx->answered = 1;
        return ret;
    }
    if (ctx->state == CTX_QUEUED)
        return MHD_YES; /* not expected: a suspended connection is not processed */
    if (ctx->too_big) {
        char msg[128];
        snprintf(msg, sizeof msg, "The request body is larger than %zu bytes; send less.",
                 ctx->max);
        return answer_now(s, c, ctx, 413, "body_too_large", msg);
    }
    conntrack_request_done(s->conns, ctx->track);
    ctx->req = (struct hreq){.hub = &s->hub,
                             .conn = c,
                             .method = method,
                             .path = url,
                             .body = ctx->body ? ctx->body : "",
                             .body_len = ctx->len};
    /* Suspend before queueing: the job may finish (and resume) before this returns. */
    ctx->state = CTX_QUEUED;
    observe(s, &ctx->req, 0);
    MHD_suspend_connection(c);
    if (handled_fast(ctx))
        return MHD_YES; /* its writer job's completion resumes the connection */
    if (workq_submit(s->work, request_prio(method, url), handle_job, ctx) != 0) {
        MHD_resume_connection(c);
        ctx->req.request_id[0] = '-';
        hreq_error(&ctx->req, 503, "unavailable",
                   "The hub is too busy right now; try again in a few seconds.");
        ctx->state = CTX_DONE;
    }
    return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct server *s = cls;
    struct conn_ctx *ctx = *con_cls;
    if (ctx) {
        conntrack_next_request(s->conns, ctx->track);
        free(ctx->req.resp);
        free(ctx->body);
        free(ctx);
        pthread_mutex_lock(&s->flight_mu);
        s->in_flight--;
        pthread_mutex_unlock(&s->flight_mu);
    }
    *con_cls = NULL;
}

/* Tracks every connection's deadlines from its accept to its close (conntrack.h). */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct server *s = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = ci ? conntrack_open(s->conns, ci->connect_fd) : NULL;
    } else {
        conntrack_close(s->conns, *socket_context);
        *socket_context = NULL;
    }
}

/* MHD's messages, at most LOG_BURST a minute: a flood of refused connections must not
 * flood the log too. What was left out is counted in the next line written. */
#define LOG_BURST 20
__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    static time_t window;
    static long written, dropped;
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    size_t n = strlen(line);
    if (n && line[n - 1] == '\n')
        line[n - 1] = '\0';
    time_t now = time(NULL);
    pthread_mutex_lock(&mu);
    if (now - window >= 60) {
        window = now;
        written = 0;
    }
    if (written < LOG_BURST) {
        written++;
        if (dropped)
            fprintf(stderr, "hub: http: (%ld similar messages left out in the last minute)\n",
                    dropped);
        dropped = 0;
        fprintf(stderr, "hub: http: %s\n", line);
    } else {
        dropped++;
    }
    pthread_mutex_unlock(&mu);
}

static char *read_file(const char *path, char *err, size_t errcap)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    if (!f) {
        snprintf(err, errcap, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    buf = malloc(TLS_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, TLS_FILE_MAX, f) : 0;
    if (!buf || ferror(f) || n == 0 || !feof(f)) {
        snprintf(err, errcap, "cannot read %s (empty, unreadable or over 256 KiB)", path);
        free(buf);
        buf = NULL;
    } else {
        buf[n] = '\0';
    }
    fclose(f);
    return buf;
}

static int is_loopback(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
    }
    const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)ss;
    return IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr);
}

struct tick_job {
    long window_min;
    int first; /* the safety checks are looked at once per tick */
    int raised, more;
};

static int tick_job(struct db *db, void *arg)
{
    struct tick_job *t = arg;
    int safety = 0;
    time_t now = hubclock_now();
    if (escalate_step(db, now, t->window_min, "hub", ESCALATE_TICK_STEP, &t->raised, &t->more) !=
            0 ||
        (t->first && safety_escalate(db, now, "hub", &safety) != DB_OK))
        return -1;
    t->raised += safety;
    return 0;
}

/* The missed check-in pass, every tick_seconds (real time) until server_stop: one bounded
 * step per writer job until nothing is due, with a pause between steps, so check-ins are
 * committed between the steps (escalate.h). */
static void escalation_tick(struct ticker *tk, void *arg)
{
    struct server *s = arg;
    struct tick_job t = {.window_min = s->hub.escalation_window_min, .first = 1, .more = 1};
    int raised = 0;
    enum writer_status ws = WRITER_OK;
    struct timespec pause = {.tv_nsec = ESCALATE_TICK_PAUSE_MS * 1000000L};
    (void)tk;
    while (t.more && ws == WRITER_OK) {
        if (!t.first)
            nanosleep(&pause, NULL);
        ws = writer_run(s->hub.writer, tick_job, &t);
        raised += ws == WRITER_OK ? t.raised : 0;
        t.first = 0;
    }
    if (ws != WRITER_OK)
        fprintf(stderr, "hub: escalation pass failed: %s\n", writer_status_str(ws));
    else if (raised > 0)
        fprintf(stderr, "hub: escalation pass raised %d alert(s)\n", raised);
}

unsigned server_port(const struct server *s)
{
    return s->port;
}

/* Idempotency claims held by requests that died with a previous process are released, so
 * a retry is answered at once rather than 409 until the lease runs out. */
static int release_dead_claims(struct db *db, char *err, size_t errcap)
{
    int64_t n = 0;
    enum db_status st = db_begin(db);
    if (st == DB_OK && (st = idempotency_release_dead(db, &n)) == DB_OK)
        st = db_commit(db);
    else if (st == DB_OK)
        db_rollback(db);
    if (st != DB_OK) {
        snprintf(err, errcap, "cannot release the idempotency claims of a previous run: %s",
                 db_errmsg(db));
        return -1;
    }
    if (n > 0)
        fprintf(stderr, "hub: released %lld idempotency claim(s) left by a process that died\n",
                (long long)n);
    return 0;
}

struct server *server_start(const struct server_config *cfg, char *err, size_t errcap)
{
    struct server *s = calloc(1, sizeof *s);
    struct db *wdb = NULL;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    const char *listen_addr = cfg->listen ? cfg->listen : "127.0.0.1";
    int tls = cfg->tls_cert || cfg->tls_key;
    if (!s) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&s->flight_mu, NULL);
    pthread_cond_init(&s->all_out, NULL);
    s->tick_seconds = cfg->tick_seconds;
    s->observe = cfg->observe;
    s->observe_arg = cfg->observe_arg;
    s->hub.escalation_window_min =
        cfg->escalation_window_min > 0 ? cfg->escalation_window_min : 120;
    if (inet_pton(AF_INET, listen_addr, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
        ss.ss_family = AF_INET;
        ((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)cfg->port);
    } else if (inet_pton(AF_INET6, listen_addr, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
        ss.ss_family = AF_INET6;
        ((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)cfg->port);
    } else {
        snprintf(err, errcap, "--listen %s is not an IPv4 or IPv6 address", listen_addr);
        goto fail;
    }
    if (tls && !(cfg->tls_cert && cfg->tls_key)) {
        snprintf(err, errcap, "HTTPS needs both --tls-cert and --tls-key");
        goto fail;
    }
    if (!tls && !is_loopback(&ss)) {
        snprintf(err, errcap,
                 "refusing to serve plain HTTP on %s: it is not a loopback address; give "
                 "--tls-cert and --tls-key, or listen on 127.0.0.1",
                 listen_addr);
        goto fail;
    }
    if (tls) {
        s->tls_cert_pem = read_file(cfg->tls_cert, err, errcap);
        if (!s->tls_cert_pem)
            goto fail;
        s->tls_key_pem = read_file(cfg->tls_key, err, errcap);
        if (!s->tls_key_pem)
            goto fail;
    }
    if (cfg->n_crl > 0 && !cfg->trust_ca) {
        snprintf(err, errcap, "--crl needs --trust-ca (the CA whose certificates it revokes)");
        goto fail;
    }
    if (cfg->trust_ca) {
        s->hub.trust = cardtrust_create(cfg->trust_ca, cfg->crl_files, cfg->n_crl,
                                        cfg->crl_refresh_s, err, errcap);
        if (!s->hub.trust)
            goto fail;
    }
    if (cfg->ocsp_url &&
        !(s->hub.ocsp = cardocsp_create(cfg->ocsp_url, cfg->trust_ca, err, errcap)))
        goto fail;
    if (cfg->trust_ca && cfg->n_crl == 0 && !cfg->ocsp_url)
        fprintf(stderr, "hub: warning: no --crl or --ocsp given: a revoked card certificate is "
                        "not refused (give the issuing CA's CRL files or OCSP responder)\n");
    if (cfg->key_path) {
        s->key = hubkey_load(cfg->key_path, err, errcap);
        if (!s->key)
            goto fail;
    }
    if (hubdb_open_db(cfg->db_path, 1, &wdb, err, errcap) != HUBDB_OK)
        goto fail;
    if (hubdb_migrate_db(wdb, err, errcap) != HUBDB_OK)
        goto fail;
    if (release_dead_claims(wdb, err, errcap) != 0)
        goto fail;
    char secrets_path[1024];
    if (cfg->secrets_key)
        snprintf(secrets_path, sizeof secrets_path, "%s", cfg->secrets_key);
    else if (secrets_default_path(cfg->key_path, cfg->db_path, secrets_path, sizeof secrets_path) !=
             0)
        secrets_path[0] = '\0';
    if (secrets_start(wdb, secrets_path[0] ? secrets_path : NULL, &s->secrets, err, errcap) != 0)
        goto fail;
    s->hub.pool = hubdb_pool_create(cfg->db_path);
    if (!s->hub.pool) {
        snprintf(err, errcap, "out of memory");
        goto fail;
    }
    s->hub.writer = writer_create(wdb, s->key, cfg->audit_head_records, cfg->audit_head_seconds);
    wdb = NULL; /* the writer owns it, also on failure */
    if (!s->hub.writer) {
        snprintf(err, errcap, "cannot start the writer thread");
        goto fail;
    }
    /* PostgreSQL: the audit sequencer on a connection of its own, off the writer's thread. */
    struct db *cdb = NULL;
    if (db_target_is_postgres(cfg->db_path) &&
        hubdb_open_db(cfg->db_path, 0, &cdb, err, errcap) != HUBDB_OK)
        goto fail;
    if (cdb && writer_chain_with(s->hub.writer, cdb) != 0) {
        snprintf(err, errcap, "cannot start the audit sequencer's thread");
        goto fail;
    }
    /* Bursts: 10 logins, 30 refusals, or half a minute's allowance when that is more. */
    double login_rate = cfg->login_per_minute > 0 ? (double)cfg->login_per_minute : 20;
    double fail_rate = cfg->refusals_per_minute > 0 ? (double)cfg->refusals_per_minute : 60;
    s->hub.login_limit = ratelimit_create(login_rate, login_rate / 2 > 10 ? login_rate / 2 : 10);
    s->hub.fail_limit = ratelimit_create(fail_rate, fail_rate / 2 > 30 ? fail_rate / 2 : 30);
    /* A family member types one code per alert; a burst of 10 leaves room for typos. */
    double ack_rate = cfg->acks_per_minute > 0 ? (double)cfg->acks_per_minute : 10;
    s->hub.ack_limit = ratelimit_create(ack_rate, ack_rate > 10 ? ack_rate : 10);
    if (!s->hub.login_limit || !s->hub.fail_limit || !s->hub.ack_limit) {
        snprintf(err, errcap, "out of memory");
        goto fail;
    }
    /* Free space is checked where the data lives: the SQLite file's directory, or the path
     * given (a PostgreSQL server's data directory, when it is on this machine). */
    if (cfg->free_space_path) {
        snprintf(s->free_space_dir, sizeof s->free_space_dir, "%s", cfg->free_space_path);
    } else if (strncmp(cfg->db_path, "postgres", 8) != 0) {
        const char *slash = strrchr(cfg->db_path, '/');
        if (!slash)
            snprintf(s->free_space_dir, sizeof s->free_space_dir, ".");
        else
            snprintf(s->free_space_dir, sizeof s->free_space_dir, "%.*s",
                     (int)(slash == cfg->db_path ? 1 : slash - cfg->db_path), cfg->db_path);
    }
    s->hub.free_space_path = s->free_space_dir[0] ? s->free_space_dir : NULL;
    s->hub.min_free_bytes = (cfg->min_free_mb >= 0 ? cfg->min_free_mb : 100) * 1024LL * 1024LL;
    s->conns = conntrack_start(cfg->header_deadline_s > 0 ? cfg->header_deadline_s : 10,
                               cfg->body_deadline_s > 0 ? cfg->body_deadline_s : 60);
    /* PostgreSQL: a batch costs about the same whatever its size, so more requests may wait
     * for the writer at once (docs/benchmarks.md). */
    int pg = db_target_is_postgres(cfg->db_path);
    int workers = cfg->workers > 0 ? cfg->workers : pg ? 32 : 8;
    writer_set_gather(s->hub.writer, cfg->batch_wait_us >= 0 ? cfg->batch_wait_us : pg ? 1000 : 0);
    s->work = workq_start(workers, workers / 4 > 1 ? workers / 4 : 1, 4096);
    if (!s->conns || !s->work) {
        snprintf(err, errcap, "cannot start the connection and handler threads");
        goto fail;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG | (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0) |
                     (tls ? MHD_USE_TLS : 0);
    unsigned conn_limit = cfg->max_connections > 0 ? (unsigned)cfg->max_connections : 1024;
    unsigned per_addr = cfg->max_per_address > 0 ? (unsigned)cfg->max_per_address : 64;
    /* MHD's idle timeout stays as a backstop for answers a client never reads. */
    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_mhd_log, s},
        {MHD_OPTION_SOCK_ADDR, 0, &ss},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, s},
        {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, s},
        {MHD_OPTION_THREAD_POOL_SIZE, HTTP_THREADS, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, (intptr_t)conn_limit, NULL},
        {MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)per_addr, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, 60, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY, NULL},
        {tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, s->tls_cert_pem},
        {tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, s->tls_key_pem},
        {MHD_OPTION_END, 0, NULL},
    };
    s->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_ARRAY, opts,
                              MHD_OPTION_END);
    if (!s->mhd) {
        snprintf(err, errcap, "cannot listen on %s port %u (in use, or TLS files invalid)",
                 listen_addr, cfg->port);
        goto fail;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : cfg->port;
    /* The push thread opens its own handle on the same target (SQLite file or PostgreSQL). */
    struct notifier_config ncfg = {.smtp_url = cfg->smtp_url,
                                   .smtp_from = cfg->smtp_from,
                                   .smtp_ca = cfg->smtp_ca,
                                   .ack_url = cfg->notify_ack_url,
                                   .escalate_after_s = cfg->notify_escalate_min * 60};
    if (!(s->hub.pusher = pusher_start(cfg->db_path, cfg->push_poll_ms, &ncfg, err, errcap)))
        goto fail;
    if (cfg->jma_feed) {
        struct jmapoll_config jc = {.feed_url = cfg->jma_feed,
                                    .poll_seconds = cfg->jma_poll_seconds,
                                    .n_offices = cfg->n_jma_offices};
        for (int i = 0; i < cfg->n_jma_offices && i < JMAPOLL_OFFICES_MAX; i++)
            jc.offices[i] = cfg->jma_offices[i];
        s->jma = jmapoll_start(&jc, s->hub.writer, err, errcap);
        if (!s->jma)
            goto fail;
    }
    if (!(s->hub.refusals = refusalsum_create())) {
        snprintf(err, errcap, "out of memory");
        goto fail;
    }
    if (!(s->purger =
              purger_start(s->hub.writer, s->hub.refusals, cfg->purge_every_s, err, errcap)))
        goto fail;
    if (s->tick_seconds > 0 &&
        !(s->ticker = ticker_start("the escalation thread", s->tick_seconds * 1000,
                                   TICKER_WAIT_FIRST, escalation_tick, s, err, errcap)))
        goto fail;
    return s;
fail:
    hubdb_db_close(wdb);
    server_stop(s);
    return NULL;
}

void server_stop(struct server *s)
{
    if (!s)
        return;
    ticker_stop(s->ticker);
    if (s->mhd) {
        /* Stop accepting first; MHD_stop_daemon then joins the connection threads, so
         * every request in flight finishes (and its write commits) before the writer
         * stops. */
        if (MHD_quiesce_daemon(s->mhd) == MHD_INVALID_SOCKET)
            fprintf(stderr, "hub: could not stop accepting connections before shutdown\n");
        pthread_mutex_lock(&s->flight_mu);
        s->draining = 1;
        pthread_mutex_unlock(&s->flight_mu);
        /* Let requests in progress send their answers (up to 10 s); idle keep-alive
         * connections are simply closed. */
        for (int i = 0; i < 1000; i++) {
            pthread_mutex_lock(&s->flight_mu);
            int n = s->in_flight;
            pthread_mutex_unlock(&s->flight_mu);
            if (n == 0)
                break;
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        /* Every queued request is handled and its connection resumed: MHD may not stop
         * with a connection suspended. Requests answered later wait for their writer
         * batch, which the writer runs (or fails) whatever the database does. */
        workq_stop(s->work);
        s->work = NULL;
        pthread_mutex_lock(&s->flight_mu);
        while (s->later > 0)
            pthread_cond_wait(&s->all_out, &s->flight_mu);
        pthread_mutex_unlock(&s->flight_mu);
        MHD_stop_daemon(s->mhd);
    }
    workq_stop(s->work);
    conntrack_stop(s->conns);
    ratelimit_free(s->hub.login_limit);
    ratelimit_free(s->hub.fail_limit);
    ratelimit_free(s->hub.ack_limit);
    pusher_stop(s->hub.pusher);
    jmapoll_stop(s->jma);
    purger_stop(s->purger); /* writes the refusal summaries still counted */
    refusalsum_free(s->hub.refusals);
    if (s->hub.writer) {
        unsigned long long batches = 0, jobs = 0;
        writer_stats(s->hub.writer, &batches, &jobs);
        fprintf(stderr, "hub: the writer committed %llu jobs in %llu batches\n", jobs, batches);
    }
    writer_destroy(s->hub.writer);
    hubdb_pool_destroy(s->hub.pool);
    cardtrust_destroy(s->hub.trust);
    cardocsp_destroy(s->hub.ocsp);
    EVP_PKEY_free(s->key);
    if (s->secrets && secretbox_installed() == s->secrets)
        secretbox_install(NULL);
    secretbox_free(s->secrets);
    free(s->tls_cert_pem);
    free(s->tls_key_pem);
    pthread_mutex_destroy(&s->flight_mu);
    pthread_cond_destroy(&s->all_out);
    free(s);
}
