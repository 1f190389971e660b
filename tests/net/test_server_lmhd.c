/*
 * test_server_lmhd: the net tests' real HTTP(S) server on 127.0.0.1 (see the header).
 */
#include "test_server_lmhd.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TSRV_KEYS_MAX 256
#define TSRV_BODY_MAX (64 * 1024)

struct key_rec {
    char key[65];
    unsigned executions, requests;
    char body[256]; /* the answer given the first time */
    char req[256];  /* the request body executed */
};

struct tsrv {
    struct MHD_Daemon *d;
    uint16_t port;
    char *cert, *key;
    pthread_mutex_t mu;
    int stopping;
    enum tsrv_mode mode;
    int delay_ms;
    unsigned long big_bytes;
    unsigned requests, connections, executions;
    struct key_rec keys[TSRV_KEYS_MAX];
    unsigned nkeys;
    unsigned exec_order[TSRV_KEYS_MAX]; /* index into keys, in execution order */
    unsigned nexec;
    char last_auth[600];
};

struct conn_ctx {
    char *body;
    size_t len;
    int too_big;
};

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!f) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && n < 1000000 &&
        fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
            buf[n] = '\0';
        } else {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Sleeps up to ms, returning early when the server stops. */
static void wait_or_stop(struct tsrv *s, int ms)
{
    for (int waited = 0; waited < ms; waited += 10) {
        int stop;
        pthread_mutex_lock(&s->mu);
        stop = s->stopping;
        pthread_mutex_unlock(&s->mu);
        if (stop) {
            return;
        }
        sleep_ms(10);
    }
}

static enum MHD_Result send_text(struct MHD_Connection *con, unsigned status, const char *txt)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(txt), (void *)txt, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret;

    if (!r) {
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "application/json");
    ret = MHD_queue_response(con, status, r);
    MHD_destroy_response(r);
    return ret;
}

static struct key_rec *find_key(struct tsrv *s, const char *key)
{
    for (unsigned i = 0; i < s->nkeys; i++) {
        if (strcmp(s->keys[i].key, key) == 0) {
            return &s->keys[i];
        }
    }
    return NULL;
}

/* Executes a POST like the hub: once per key. Caller holds the mutex. Writes the answer. */
static void execute(struct tsrv *s, const char *key, const char *body, char *ans, size_t n)
{
    struct key_rec *k = key ? find_key(s, key) : NULL;

    if (k) {
        k->requests++;
        snprintf(ans, n, "%s", k->body);
        return;
    }
    s->executions++;
    snprintf(ans, n, "{\"checkin\":{\"id\":%u}}", s->executions);
    if (key && s->nkeys < TSRV_KEYS_MAX) {
        k = &s->keys[s->nkeys];
        snprintf(k->key, sizeof k->key, "%s", key);
        k->executions = 1;
        k->requests = 1;
        snprintf(k->body, sizeof k->body, "%s", ans);
        snprintf(k->req, sizeof k->req, "%s", body ? body : "");
        s->exec_order[s->nexec++] = s->nkeys;
        s->nkeys++;
    }
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *con, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
    struct tsrv *s = cls;
    struct conn_ctx *cc = *con_cls;
    const char *key, *auth;
    enum tsrv_mode mode;
    int delay, is_post;
    char ans[300];

    if (!cc) {
        cc = calloc(1, sizeof *cc);
        if (!cc) {
            return MHD_NO;
        }
        *con_cls = cc;
        return MHD_YES;
    }
    if (*upload_size) {
        if (cc->len + *upload_size > TSRV_BODY_MAX) {
            cc->too_big = 1;
        } else {
            char *p = realloc(cc->body, cc->len + *upload_size + 1);
            if (!p) {
                return MHD_NO;
            }
            cc->body = p;
            memcpy(cc->body + cc->len, upload, *upload_size);
            cc->len += *upload_size;
            cc->body[cc->len] = '\0';
        }
        *upload_size = 0;
        return MHD_YES;
    }
    key = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Idempotency-Key");
    auth = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Authorization");
    is_post = strcmp(method, "POST") == 0;

    pthread_mutex_lock(&s->mu);
    s->requests++;
    snprintf(s->last_auth, sizeof s->last_auth, "%s", auth ? auth : "");
    mode = s->mode;
    delay = s->delay_ms;
    if (mode == TSRV_EXEC_SLOW && is_post) {
        execute(s, key, cc->body, ans, sizeof ans);
    }
    pthread_mutex_unlock(&s->mu);

    if (cc->too_big) {
        return send_text(con, 413, "{\"error\":{\"code\":\"too_big\",\"message\":\"too big\"}}");
    }
    switch (mode) {
    case TSRV_REJECT:
        return send_text(con, 422,
                         "{\"error\":{\"code\":\"bad_answer\",\"message\":\"answer must be "
                         "genki, itsumo or genkinai\"}}");
    case TSRV_UNAVAILABLE:
        return send_text(con, 503,
                         "{\"error\":{\"code\":\"unavailable\",\"message\":\"try later\"}}");
    case TSRV_CLOSE:
        return MHD_NO;
    case TSRV_BIG: {
        unsigned long n;
        char *big;
        struct MHD_Response *r;
        enum MHD_Result ret;
        pthread_mutex_lock(&s->mu);
        n = s->big_bytes;
        pthread_mutex_unlock(&s->mu);
        big = malloc(n);
        if (!big) {
            return MHD_NO;
        }
        memset(big, 'x', n);
        r = MHD_create_response_from_buffer(n, big, MHD_RESPMEM_MUST_FREE);
        if (!r) {
            free(big);
            return MHD_NO;
        }
        ret = MHD_queue_response(con, 200, r);
        MHD_destroy_response(r);
        return ret;
    }
    case TSRV_SLOW:
        wait_or_stop(s, delay);
        break;
    case TSRV_EXEC_SLOW:
        wait_or_stop(s, delay);
        if (is_post) {
            return send_text(con, 201, ans);
        }
        break;
    case TSRV_OK:
        break;
    }
    if (!is_post) {
        (void)url;
        return send_text(con, 200, "{\"status\":\"ok\",\"schema_version\":1}");
    }
    pthread_mutex_lock(&s->mu);
    execute(s, key, cc->body, ans, sizeof ans);
    pthread_mutex_unlock(&s->mu);
    return send_text(con, 201, ans);
}

static void completed(void *cls, struct MHD_Connection *con, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    struct conn_ctx *cc = *con_cls;
    if (cc) {
        free(cc->body);
        free(cc);
        *con_cls = NULL;
    }
}

static void notify_conn(void *cls, struct MHD_Connection *con, void **socket_context,
                        enum MHD_ConnectionNotificationCode toe)
{
    struct tsrv *s = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        pthread_mutex_lock(&s->mu);
        s->connections++;
        pthread_mutex_unlock(&s->mu);
    }
}

struct tsrv *tsrv_start(uint16_t port, const char *cert_file, const char *key_file)
{
    struct tsrv *s = calloc(1, sizeof *s);
    struct sockaddr_in sa;
    const union MHD_DaemonInfo *info;
    unsigned flags =
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;

    if (!s) {
        return NULL;
    }
    pthread_mutex_init(&s->mu, NULL);
    s->mode = TSRV_OK;
    s->big_bytes = 2 * 1024 * 1024;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (cert_file) {
        s->cert = read_file(cert_file);
        s->key = read_file(key_file);
        if (!s->cert || !s->key) {
            fprintf(stderr, "tsrv: cannot read %s / %s\n", cert_file, key_file);
            goto fail;
        }
        flags |= MHD_USE_TLS;
        s->d = MHD_start_daemon(flags, port, NULL, NULL, handler, s, MHD_OPTION_SOCK_ADDR, &sa,
                                MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, MHD_OPTION_NOTIFY_COMPLETED,
                                completed, s, MHD_OPTION_NOTIFY_CONNECTION, notify_conn, s,
                                MHD_OPTION_CONNECTION_TIMEOUT, 20u, MHD_OPTION_HTTPS_MEM_KEY,
                                s->key, MHD_OPTION_HTTPS_MEM_CERT, s->cert, MHD_OPTION_END);
    } else {
        s->d = MHD_start_daemon(flags, port, NULL, NULL, handler, s, MHD_OPTION_SOCK_ADDR, &sa,
                                MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, MHD_OPTION_NOTIFY_COMPLETED,
                                completed, s, MHD_OPTION_NOTIFY_CONNECTION, notify_conn, s,
                                MHD_OPTION_CONNECTION_TIMEOUT, 20u, MHD_OPTION_END);
    }
    if (!s->d) {
        fprintf(stderr, "tsrv: MHD_start_daemon failed on port %u\n", (unsigned)port);
        goto fail;
    }
    info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    if (!info || info->port == 0) {
        goto fail;
    }
    s->port = info->port;
    return s;
fail:
    tsrv_stop(s);
    return NULL;
}

void tsrv_stop(struct tsrv *s)
{
    if (!s) {
        return;
    }
    pthread_mutex_lock(&s->mu);
    s->stopping = 1;
    pthread_mutex_unlock(&s->mu);
    if (s->d) {
        MHD_stop_daemon(s->d);
    }
    free(s->cert);
    free(s->key);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

uint16_t tsrv_port(const struct tsrv *s)
{
    return s->port;
}

void tsrv_set_mode(struct tsrv *s, enum tsrv_mode mode, int delay_ms)
{
    pthread_mutex_lock(&s->mu);
    s->mode = mode;
    s->delay_ms = delay_ms;
    pthread_mutex_unlock(&s->mu);
}

void tsrv_set_big_bytes(struct tsrv *s, unsigned long bytes)
{
    pthread_mutex_lock(&s->mu);
    s->big_bytes = bytes;
    pthread_mutex_unlock(&s->mu);
}

static unsigned read_counter(struct tsrv *s, const unsigned *field)
{
    unsigned v;
    pthread_mutex_lock(&s->mu);
    v = *field;
    pthread_mutex_unlock(&s->mu);
    return v;
}

unsigned tsrv_requests(struct tsrv *s)
{
    return read_counter(s, &s->requests);
}

unsigned tsrv_connections(struct tsrv *s)
{
    return read_counter(s, &s->connections);
}

unsigned tsrv_executions(struct tsrv *s)
{
    return read_counter(s, &s->executions);
}

unsigned tsrv_key_executions(struct tsrv *s, const char *key)
{
    struct key_rec *k;
    unsigned v;
    pthread_mutex_lock(&s->mu);
    k = find_key(s, key);
    v = k ? k->executions : 0;
    pthread_mutex_unlock(&s->mu);
    return v;
}

unsigned tsrv_key_requests(struct tsrv *s, const char *key)
{
    struct key_rec *k;
    unsigned v;
    pthread_mutex_lock(&s->mu);
    k = find_key(s, key);
    v = k ? k->requests : 0;
    pthread_mutex_unlock(&s->mu);
    return v;
}

int tsrv_executed(struct tsrv *s, unsigned n, char *body, unsigned body_len, char *key,
                  unsigned key_len)
{
    int ok = 0;
    pthread_mutex_lock(&s->mu);
    if (n < s->nexec) {
        struct key_rec *k = &s->keys[s->exec_order[n]];
        snprintf(body, body_len, "%s", k->req);
        snprintf(key, key_len, "%s", k->key);
        ok = 1;
    }
    pthread_mutex_unlock(&s->mu);
    return ok;
}

void tsrv_last_auth(struct tsrv *s, char *out, unsigned out_len)
{
    pthread_mutex_lock(&s->mu);
    snprintf(out, out_len, "%s", s->last_auth);
    pthread_mutex_unlock(&s->mu);
}
