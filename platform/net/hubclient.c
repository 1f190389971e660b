/*
 * hubclient: the kiosk's HTTP client for the hub, one libcurl multi handle driven by one
 * worker thread (see hubclient.h for the contract).
 *
 * Why a multi handle: curl_multi_poll can be woken from another thread with
 * curl_multi_wakeup, so hubc_submit and hubc_destroy never wait for a slow request, and
 * the multi handle's connection cache keeps the TCP/TLS connection to the hub alive
 * between requests. The queue between submit and the worker is a bounded linked list
 * under a mutex; everything else (easy handles, buffers) belongs to the worker alone.
 *
 * Safety rules enforced here rather than left to callers: TLS peer and host verification
 * are always on; plain http is refused (before any socket is opened) unless the URL's host
 * is loopback; redirects are not followed; proxies from the environment are ignored; only
 * http and https are allowed; answers are capped at HUBC_BODY_MAX.
 */
#include "hubclient.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HUBC_QUEUE_MAX   64
#define HUBC_BODY_MAX    (1024 * 1024)
#define HUBC_URL_MAX     2048
#define HUBC_HEADER_MAX  512
#define HUBC_REQBODY_MAX (64 * 1024)

struct req {
    struct req *next;
    uint32_t id, tag;
    enum hubc_method method;
    char *path, *body, *idem, *session;
    char *inm; /* If-None-Match: the ETag of the answer the caller already has */
    /* Worker-only from here. */
    CURL *easy;
    struct curl_slist *headers;
    char *resp;
    size_t resp_len, resp_cap;
    int toobig;
    char etag[HUBC_ETAG_MAX]; /* the answer's ETag header, "" when none */
    char errbuf[CURL_ERROR_SIZE];
};

struct hubc {
    char *base_url, *token, *ca_file;
    char *auth; /* "Bearer <token>" */
    long timeout_ms;
    void (*done)(void *ctx, struct hubc_result *res);
    void *ctx;

    CURLM *multi;
    struct req *active; /* worker only: requests the multi handle owns */
    pthread_t worker;
    int worker_started;

    pthread_mutex_t mu; /* guards everything below */
    struct req *q_head, *q_tail;
    unsigned q_len;
    unsigned outstanding; /* queued + in flight, capped at HUBC_QUEUE_MAX */
    uint32_t next_id;
    int stopping;
};

const char *hubc_err_str(enum hubc_err err)
{
    switch (err) {
    case HUBC_OK:
        return "ok";
    case HUBC_E_CONNECT:
        return "could not reach the hub";
    case HUBC_E_TIMEOUT:
        return "no answer within the timeout";
    case HUBC_E_TLS:
        return "TLS failed";
    case HUBC_E_TOOBIG:
        return "answer too large";
    case HUBC_E_INSECURE:
        return "plain http to a non-loopback host refused";
    case HUBC_E_INTERNAL:
        return "internal error";
    }
    return "unknown error";
}

void hubc_result_free(struct hubc_result *res)
{
    if (!res) {
        return;
    }
    free(res->body);
    free(res);
}

static void wipe_free(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

static void req_free(struct req *r)
{
    if (!r) {
        return;
    }
    free(r->path);
    free(r->body);
    free(r->idem);
    free(r->inm);
    wipe_free(r->session);
    for (struct curl_slist *l = r->headers; l; l = l->next) {
        explicit_bzero(l->data, strlen(l->data));
    }
    curl_slist_free_all(r->headers);
    free(r->resp);
    free(r);
}

/* Hands a finished request to the callback; frees the request. */
static void finish(struct hubc *c, struct req *r, enum hubc_err err, long status, const char *msg)
{
    struct hubc_result *res = calloc(1, sizeof *res);

    pthread_mutex_lock(&c->mu);
    c->outstanding--;
    pthread_mutex_unlock(&c->mu);

    if (!res) {
        /* Nothing can be reported without memory; the caller's pending state for this id
         * will be resolved by its own timeout. */
        req_free(r);
        return;
    }
    res->id = r->id;
    res->tag = r->tag;
    res->err = err;
    res->status = err == HUBC_OK ? status : 0;
    memcpy(res->etag, r->etag, sizeof res->etag);
    if (err == HUBC_OK && r->resp) {
        res->body = r->resp; /* ownership moves to the result */
        r->resp = NULL;
    } else {
        res->body = strdup("");
    }
    if (!res->body) {
        free(res);
        req_free(r);
        return;
    }
    if (err != HUBC_OK) {
        snprintf(res->errmsg, sizeof res->errmsg, "%s", msg && *msg ? msg : hubc_err_str(err));
    }
    req_free(r);
    c->done(c->ctx, res);
}

static int is_loopback_host(const char *host)
{
    unsigned char a4[4];
    unsigned char a6[16];
    char buf[64];
    size_t n = strlen(host);

    if (strcasecmp(host, "localhost") == 0) {
        return 1;
    }
    /* curl_url returns IPv6 literals in brackets. */
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < sizeof buf) {
        memcpy(buf, host + 1, n - 2);
        buf[n - 2] = '\0';
        /* A zone id ("::1%lo") is not loopback's canonical form; refuse it. */
        if (inet_pton(AF_INET6, buf, a6) == 1) {
            static const unsigned char lo6[16] = {[15] = 1};
            return memcmp(a6, lo6, 16) == 0;
        }
        return 0;
    }
    if (inet_pton(AF_INET, host, a4) == 1) {
        return a4[0] == 127;
    }
    return 0;
}

/* Checks the full URL of a request: https always passes (verification does the rest);
 * http only to a loopback host. Returns HUBC_OK, HUBC_E_INSECURE or HUBC_E_INTERNAL
 * (unparsable URL), with the reason in msg. */
static enum hubc_err check_url(const char *url, char *msg, size_t msg_len)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    enum hubc_err err = HUBC_E_INTERNAL;

    if (!u) {
        snprintf(msg, msg_len, "out of memory");
        goto out;
    }
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        snprintf(msg, msg_len, "hub URL cannot be parsed");
        goto out;
    }
    if (strcasecmp(scheme, "https") == 0) {
        err = HUBC_OK;
    } else if (strcasecmp(scheme, "http") == 0) {
        if (is_loopback_host(host)) {
            err = HUBC_OK;
        } else {
            snprintf(msg, msg_len, "plain http to %s refused: use https", host);
            err = HUBC_E_INSECURE;
        }
    } else {
        snprintf(msg, msg_len, "URL scheme %s not allowed", scheme);
        err = HUBC_E_INSECURE;
    }
out:
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return err;
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct req *r = userdata;
    size_t n = size * nmemb;

    if (n > HUBC_BODY_MAX - r->resp_len) {
        r->toobig = 1;
        return 0; /* makes curl fail the transfer with CURLE_WRITE_ERROR */
    }
    if (r->resp_len + n + 1 > r->resp_cap) {
        size_t cap = r->resp_cap ? r->resp_cap : 4096;
        char *p;
        while (cap < r->resp_len + n + 1) {
            cap *= 2;
        }
        p = realloc(r->resp, cap);
        if (!p) {
            return 0;
        }
        r->resp = p;
        r->resp_cap = cap;
    }
    memcpy(r->resp + r->resp_len, ptr, n);
    r->resp_len += n;
    r->resp[r->resp_len] = '\0';
    return n;
}

/* Keeps the answer's ETag (for the caller's next If-None-Match); one too long is dropped,
 * which only costs a full answer next time. */
static size_t on_header(char *buf, size_t size, size_t nitems, void *userdata)
{
    struct req *r = userdata;
    size_t n = size * nitems;
    if (n > 5 && strncasecmp(buf, "etag:", 5) == 0) {
        size_t i = 5, end = n;
        while (i < n && (buf[i] == ' ' || buf[i] == '\t'))
            i++;
        while (end > i && (buf[end - 1] == '\r' || buf[end - 1] == '\n' || buf[end - 1] == ' '))
            end--;
        if (end - i < sizeof r->etag) {
            memcpy(r->etag, buf + i, end - i);
            r->etag[end - i] = '\0';
        }
    }
    return n;
}

/* Header values come from callers and the outbox: refuse anything that could end a header
 * line (request smuggling) and anything unreasonably long. */
static int safe_header_value(const char *v)
{
    size_t n = strlen(v);
    if (n == 0 || n > HUBC_HEADER_MAX) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)v[i];
        if (ch < 0x20 || ch == 0x7f) {
            return 0;
        }
    }
    return 1;
}

/* Header values may be secrets (token, card session): the line is wiped after curl copied
 * it, and req_free wipes curl's copies. */
static int add_header(struct req *r, const char *name, const char *value)
{
    char line[HUBC_HEADER_MAX + 64];
    struct curl_slist *l;

    if (value) {
        snprintf(line, sizeof line, "%s: %s", name, value);
    } else {
        snprintf(line, sizeof line, "%s:", name); /* "Name:" removes curl's own header */
    }
    l = curl_slist_append(r->headers, line);
    explicit_bzero(line, sizeof line);
    if (!l) {
        return 0;
    }
    r->headers = l;
    return 1;
}

/* The hub's rule for Idempotency-Key (docs/api.md): 1-64 chars of [A-Za-z0-9_-]. */
static int valid_idem_key(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n > 64) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char ch = k[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '-')) {
            return 0;
        }
    }
    return 1;
}

/* Builds the easy handle for r and adds it to the multi handle. On failure reports the
 * request at once (with no network I/O) and returns 0. */
static int start_request(struct hubc *c, struct req *r)
{
    char url[HUBC_URL_MAX];
    char msg[256] = "";
    enum hubc_err err = HUBC_E_INTERNAL;
    CURL *e = NULL;
    int n;

    if (r->path[0] != '/' || strpbrk(r->path, " \t\r\n") != NULL) {
        snprintf(msg, sizeof msg, "request path must start with / and have no spaces");
        goto fail;
    }
    n = snprintf(url, sizeof url, "%s%s", c->base_url, r->path);
    if (n < 0 || (size_t)n >= sizeof url) {
        snprintf(msg, sizeof msg, "request URL too long");
        goto fail;
    }
    err = check_url(url, msg, sizeof msg);
    if (err != HUBC_OK) {
        goto fail;
    }
    err = HUBC_E_INTERNAL;
    if ((r->body && strlen(r->body) > HUBC_REQBODY_MAX) || (r->idem && !valid_idem_key(r->idem)) ||
        (r->session && !safe_header_value(r->session)) || (r->inm && !safe_header_value(r->inm)) ||
        (c->token && !safe_header_value(c->token))) {
        snprintf(msg, sizeof msg, "request body or header value too long or not allowed");
        goto fail;
    }
    e = curl_easy_init();
    if (!e) {
        snprintf(msg, sizeof msg, "curl_easy_init failed");
        goto fail;
    }
    if (!add_header(r, "Accept", "application/json") ||
        (c->token && !add_header(r, "Authorization", c->auth)) ||
        (r->idem && !add_header(r, "Idempotency-Key", r->idem)) ||
        (r->session && !add_header(r, "X-Card-Session", r->session)) ||
        (r->inm && !add_header(r, "If-None-Match", r->inm)) ||
        (r->body && !add_header(r, "Content-Type", "application/json")) ||
        !add_header(r, "Expect", NULL)) {
        goto oom;
    }

    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (c->ca_file) {
        /* Only the hub's CA: the system store must not vouch for a hub certificate. */
        curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_file);
        curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
    }
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)HUBC_BODY_MAX);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "kiosk-hubclient/0.1");
    switch (r->method) {
    case HUBC_GET:
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
        break;
    case HUBC_POST:
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body ? r->body : "");
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)(r->body ? strlen(r->body) : 0));
        break;
    case HUBC_DELETE:
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "DELETE");
        if (r->body) {
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(r->body));
        }
        break;
    }
    if (curl_multi_add_handle(c->multi, e) != CURLM_OK) {
        snprintf(msg, sizeof msg, "curl_multi_add_handle failed");
        goto fail;
    }
    r->easy = e;
    r->next = c->active;
    c->active = r;
    return 1;
oom:
    snprintf(msg, sizeof msg, "out of memory");
fail:
    curl_easy_cleanup(e);
    finish(c, r, err, 0, msg);
    return 0;
}

static enum hubc_err map_curl(CURLcode rc, const struct req *r)
{
    switch (rc) {
    case CURLE_OK:
        return HUBC_OK;
    case CURLE_WRITE_ERROR:
    case CURLE_FILESIZE_EXCEEDED:
        return r->toobig || rc == CURLE_FILESIZE_EXCEEDED ? HUBC_E_TOOBIG : HUBC_E_INTERNAL;
    case CURLE_OPERATION_TIMEDOUT:
        return HUBC_E_TIMEOUT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
        return HUBC_E_TLS;
    case CURLE_OUT_OF_MEMORY:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_FAILED_INIT:
        return HUBC_E_INTERNAL;
    default:
        /* Refused, unresolvable, reset, closed without an answer (GOT_NOTHING), partial
         * answer: the hub was not (fully) reachable. Callers retry these. */
        return HUBC_E_CONNECT;
    }
}

static void complete_done(struct hubc *c)
{
    CURLMsg *m;
    int left;

    while ((m = curl_multi_info_read(c->multi, &left)) != NULL) {
        struct req *r = NULL;
        CURL *e = m->easy_handle;
        long status = 0;
        enum hubc_err err;
        char msg[256];

        if (m->msg != CURLMSG_DONE) {
            continue;
        }
        CURLcode rc = m->data.result;
        curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&r);
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
        curl_multi_remove_handle(c->multi, e);
        curl_easy_cleanup(e);
        r->easy = NULL;
        for (struct req **pp = &c->active; *pp; pp = &(*pp)->next) {
            if (*pp == r) {
                *pp = r->next;
                break;
            }
        }
        r->next = NULL;
        err = map_curl(rc, r);
        if (err == HUBC_E_TOOBIG) {
            snprintf(msg, sizeof msg, "answer larger than %d bytes (%s)", HUBC_BODY_MAX,
                     curl_easy_strerror(rc));
        } else if (err != HUBC_OK) {
            snprintf(msg, sizeof msg, "%s", r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
        } else {
            msg[0] = '\0';
        }
        finish(c, r, err, status, msg);
    }
}

static void *worker_main(void *arg)
{
    struct hubc *c = arg;
    struct req *active = NULL; /* requests owned by the multi handle, for shutdown */

    for (;;) {
        struct req *batch = NULL;
        int running = 0;

        pthread_mutex_lock(&c->mu);
        if (c->stopping) {
            pthread_mutex_unlock(&c->mu);
            break;
        }
        batch = c->q_head;
        c->q_head = c->q_tail = NULL;
        c->q_len = 0;
        pthread_mutex_unlock(&c->mu);

        while (batch) {
            struct req *r = batch;
            batch = r->next;
            r->next = NULL;
            start_request(c, r);
        }
        curl_multi_perform(c->multi, &running);
        complete_done(c);
        /* Wakes on socket activity, curl's own timers, or curl_multi_wakeup. */
        curl_multi_poll(c->multi, NULL, 0, 1000, NULL);
    }

    /* Shutdown: abandon what is in flight and what is still queued, reporting each. */
    active = c->active;
    c->active = NULL;
    for (struct req *r = active; r; r = r->next) {
        curl_multi_remove_handle(c->multi, r->easy);
        curl_easy_cleanup(r->easy);
        r->easy = NULL;
    }
    pthread_mutex_lock(&c->mu);
    {
        struct req *q = c->q_head;
        c->q_head = c->q_tail = NULL;
        c->q_len = 0;
        pthread_mutex_unlock(&c->mu);
        while (q) {
            struct req *r = q;
            q = r->next;
            r->next = active;
            active = r;
        }
    }
    while (active) {
        struct req *r = active;
        active = r->next;
        finish(c, r, HUBC_E_INTERNAL, 0, "hub client shutting down; request abandoned");
    }
    return NULL;
}

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void global_init(void)
{
    global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

struct hubc *hubc_create(const struct hubc_config *cfg,
                         void (*done)(void *ctx, struct hubc_result *res), void *ctx)
{
    struct hubc *c = NULL;

    if (!cfg || !cfg->base_url || !done || strlen(cfg->base_url) >= HUBC_URL_MAX / 2) {
        return NULL;
    }
    pthread_once(&global_once, global_init);
    if (global_rc != CURLE_OK) {
        return NULL;
    }
    c = calloc(1, sizeof *c);
    if (!c) {
        return NULL;
    }
    pthread_mutex_init(&c->mu, NULL);
    c->done = done;
    c->ctx = ctx;
    c->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 10000;
    c->base_url = strdup(cfg->base_url);
    c->token = dup_or_null(cfg->token);
    c->ca_file = dup_or_null(cfg->ca_file);
    if (c->token && asprintf(&c->auth, "Bearer %s", c->token) < 0) {
        c->auth = NULL;
        goto fail;
    }
    if (!c->base_url || (cfg->token && !c->token) || (cfg->ca_file && !c->ca_file)) {
        goto fail;
    }
    /* "http://h:1/" + "/v1/x" would give "//v1/x". */
    {
        size_t n = strlen(c->base_url);
        while (n > 0 && c->base_url[n - 1] == '/') {
            c->base_url[--n] = '\0';
        }
    }
    c->multi = curl_multi_init();
    if (!c->multi) {
        goto fail;
    }
    /* One connection to the hub, reused (keep-alive); more would only add TLS handshakes. */
    curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 2L);
    curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, 4L);
    if (pthread_create(&c->worker, NULL, worker_main, c) != 0) {
        goto fail;
    }
    c->worker_started = 1;
    return c;
fail:
    hubc_destroy(c);
    return NULL;
}

void hubc_destroy(struct hubc *c)
{
    if (!c) {
        return;
    }
    if (c->worker_started) {
        pthread_mutex_lock(&c->mu);
        c->stopping = 1;
        pthread_mutex_unlock(&c->mu);
        curl_multi_wakeup(c->multi);
        pthread_join(c->worker, NULL);
    }
    /* Requests queued without a worker (creation failed half-way) are just freed. */
    while (c->q_head) {
        struct req *r = c->q_head;
        c->q_head = r->next;
        req_free(r);
    }
    curl_multi_cleanup(c->multi);
    free(c->base_url);
    wipe_free(c->token);
    wipe_free(c->auth);
    free(c->ca_file);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

static uint32_t submit(struct hubc *c, enum hubc_method method, const char *path,
                       const char *json_body, const char *idempotency_key, const char *card_session,
                       const char *if_none_match, uint32_t tag)
{
    struct req *r;
    uint32_t id = 0;

    if (!c || !path) {
        return 0;
    }
    r = calloc(1, sizeof *r);
    if (!r) {
        return 0;
    }
    r->method = method;
    r->tag = tag;
    r->path = strdup(path);
    r->body = dup_or_null(json_body);
    r->idem = dup_or_null(idempotency_key);
    r->session = dup_or_null(card_session);
    r->inm = dup_or_null(if_none_match);
    if (!r->path || (json_body && !r->body) || (idempotency_key && !r->idem) ||
        (card_session && !r->session) || (if_none_match && !r->inm)) {
        req_free(r);
        return 0;
    }
    pthread_mutex_lock(&c->mu);
    if (!c->stopping && c->outstanding < HUBC_QUEUE_MAX) {
        if (++c->next_id == 0) {
            c->next_id = 1;
        }
        id = r->id = c->next_id;
        if (c->q_tail) {
            c->q_tail->next = r;
        } else {
            c->q_head = r;
        }
        c->q_tail = r;
        c->q_len++;
        c->outstanding++;
    }
    pthread_mutex_unlock(&c->mu);
    if (!id) {
        req_free(r);
        return 0;
    }
    curl_multi_wakeup(c->multi);
    return id;
}

uint32_t hubc_submit(struct hubc *c, enum hubc_method method, const char *path,
                     const char *json_body, const char *idempotency_key, const char *card_session,
                     uint32_t tag)
{
    return submit(c, method, path, json_body, idempotency_key, card_session, NULL, tag);
}

uint32_t hubc_get_if_changed(struct hubc *c, const char *path, const char *etag, uint32_t tag)
{
    return submit(c, HUBC_GET, path, NULL, NULL, NULL, etag && *etag ? etag : NULL, tag);
}
