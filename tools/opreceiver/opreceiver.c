/*
 * opreceiver: a small webhook receiver that plays a shopping-proxy operator. It listens on
 * 127.0.0.1 (the port given, or an ephemeral one it prints), verifies each delivery's
 * Standard Webhooks signature with the operator's secret, and prints what the operator
 * received: the message id and the body, nothing else the hub did not send. It answers
 * 2xx to a delivery it accepted, so the hub stops retrying; a message id seen before is
 * answered 2xx again without a second effect (receivers must dedupe: delivery is at least
 * once). --fail-first N answers 503 to the first N valid deliveries, for demos and tests of
 * the retry path.
 *
 *   opreceiver --secret whsec_... [--port N] [--fail-first N] [--tolerance S] [--log FILE]
 *
 * The secret may also come from the environment (OPRECEIVER_SECRET) so it does not show in
 * the process list. Output lines (stdout, and appended to --log FILE):
 *   listening 127.0.0.1:PORT
 *   delivery id=MSG_ID body=BODY
 *   duplicate id=MSG_ID
 *   failing id=MSG_ID (N more)
 *   rejected: REASON
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <microhttpd.h>

#include "whsig.h"

#define BODY_CAP (64u * 1024u)
#define SEEN_CAP 4096

struct receiver {
    const char *secret;
    long long tolerance_s;
    long fail_left;
    FILE *log;
    pthread_mutex_t lock;
    char seen[SEEN_CAP][WHSIG_MSG_ID_MAX + 1]; /* ring of processed message ids */
    size_t n_seen, next_seen;
};

struct upload {
    char *buf;
    size_t len;
    int too_big;
};

static void say(struct receiver *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct receiver *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
    if (r->log) {
        va_start(ap, fmt);
        vfprintf(r->log, fmt, ap);
        va_end(ap);
        fputc('\n', r->log);
        fflush(r->log);
    }
}

static int seen_before(struct receiver *r, const char *id)
{
    for (size_t i = 0; i < r->n_seen; i++) {
        if (strcmp(r->seen[i], id) == 0) {
            return 1;
        }
    }
    return 0;
}

static void remember(struct receiver *r, const char *id)
{
    snprintf(r->seen[r->next_seen], sizeof(r->seen[0]), "%s", id);
    r->next_seen = (r->next_seen + 1) % SEEN_CAP;
    if (r->n_seen < SEEN_CAP) {
        r->n_seen++;
    }
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, const char *text)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    if (!resp) {
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", "application/json");
    enum MHD_Result ret = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* Prints the body on one line; control characters (there are none in compact JSON) are
 * shown as '?' so a hostile body cannot rewrite the terminal. */
static void printable(const char *in, size_t len, char *out)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)in[i];
        out[i] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
    }
    out[len] = '\0';
}

static enum MHD_Result handle(struct receiver *r, struct MHD_Connection *c, struct upload *u)
{
    const char *id = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "webhook-id");
    const char *ts = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "webhook-timestamp");
    const char *sig = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "webhook-signature");
    enum whsig_result v = whsig_verify(r->secret, id, ts, sig, u->buf ? u->buf : "", u->len,
                                       (long long)time(NULL), r->tolerance_s);
    enum MHD_Result ret;
    pthread_mutex_lock(&r->lock);
    if (v != WHSIG_OK) {
        say(r, "rejected: signature %s", whsig_result_str(v));
        ret = reply(c, MHD_HTTP_UNAUTHORIZED, "{\"error\":\"signature\"}");
    } else if (r->fail_left > 0) {
        r->fail_left--;
        say(r, "failing id=%s (%ld more)", id, r->fail_left);
        ret = reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, "{\"error\":\"failing on purpose\"}");
    } else if (seen_before(r, id)) {
        say(r, "duplicate id=%s", id);
        ret = reply(c, MHD_HTTP_OK, "{\"ok\":true,\"duplicate\":true}");
    } else {
        char *shown = malloc(u->len + 1);
        if (shown) {
            printable(u->buf ? u->buf : "", u->len, shown);
            say(r, "delivery id=%s body=%s", id, shown);
            free(shown);
            remember(r, id);
            ret = reply(c, MHD_HTTP_OK, "{\"ok\":true}");
        } else {
            ret = reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "{\"error\":\"memory\"}");
        }
    }
    pthread_mutex_unlock(&r->lock);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *data_size, void **con_cls)
{
    struct receiver *r = cls;
    struct upload *u = *con_cls;
    if (!u) {
        u = calloc(1, sizeof(*u));
        if (!u) {
            return MHD_NO;
        }
        *con_cls = u;
        return MHD_YES;
    }
    if (strcmp(method, "POST") != 0) {
        return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "{\"error\":\"POST only\"}");
    }
    if (*data_size) {
        if (u->too_big || u->len + *data_size > BODY_CAP) {
            u->too_big = 1;
        } else {
            char *nb = realloc(u->buf, u->len + *data_size);
            if (!nb) {
                return MHD_NO;
            }
            u->buf = nb;
            memcpy(u->buf + u->len, data, *data_size);
            u->len += *data_size;
        }
        *data_size = 0;
        return MHD_YES;
    }
    if (u->too_big) {
        say(r, "rejected: body larger than %u bytes", BODY_CAP);
        return reply(c, MHD_HTTP_CONTENT_TOO_LARGE, "{\"error\":\"too large\"}");
    }
    return handle(r, c, u);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    struct upload *u = *con_cls;
    if (u) {
        free(u->buf);
        free(u);
        *con_cls = NULL;
    }
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s ? s : "", &end, 10);
    if (!s || !*s || *end || errno || v < lo || v > hi) {
        return 0;
    }
    *out = v;
    return 1;
}

static void usage(void)
{
    fprintf(stderr, "usage: opreceiver --secret whsec_... [--port N] [--fail-first N] "
                    "[--tolerance SECONDS] [--log FILE]\n"
                    "       (or the secret in OPRECEIVER_SECRET)\n");
}

int main(int argc, char **argv)
{
    int rc = 2;
    static struct receiver r;
    struct MHD_Daemon *d = NULL;
    long port = 0, fail = 0, tol = WHSIG_TOLERANCE_S;
    const char *log_path = NULL;
    sigset_t set;
    r.secret = getenv("OPRECEIVER_SECRET");
    pthread_mutex_init(&r.lock, NULL);
    /* Every option takes a value: step over pairs. */
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--secret") == 0 && v) {
            r.secret = v;
        } else if (strcmp(a, "--port") == 0 && parse_long(v, 0, 65535, &port)) {
        } else if (strcmp(a, "--fail-first") == 0 && parse_long(v, 0, 1000000, &fail)) {
        } else if (strcmp(a, "--tolerance") == 0 && parse_long(v, 1, 10000000000L, &tol)) {
        } else if (strcmp(a, "--log") == 0 && v) {
            log_path = v;
        } else {
            usage();
            goto out;
        }
    }
    unsigned char key[WHSIG_KEY_MAX];
    size_t keylen = 0;
    if (whsig_secret_decode(r.secret, key, &keylen) != WHSIG_OK) {
        fprintf(stderr, "opreceiver: the secret must be whsec_ followed by base64 of 24 to 64 "
                        "bytes\n");
        usage();
        goto out;
    }
    r.fail_left = fail;
    r.tolerance_s = tol;
    if (log_path && !(r.log = fopen(log_path, "a"))) {
        fprintf(stderr, "opreceiver: cannot open %s: %s\n", log_path, strerror(errno));
        goto out;
    }
    /* Block the stop signals before MHD starts its thread, then wait for them here. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
                         on_request, &r, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                         MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
                         (unsigned int)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)64,
                         MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "opreceiver: cannot listen on 127.0.0.1:%ld\n", port);
        rc = 1;
        goto out;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    say(&r, "listening 127.0.0.1:%u", info ? (unsigned)info->port : (unsigned)port);
    int sig = 0;
    sigwait(&set, &sig);
    rc = 0;
out:
    if (d) {
        MHD_stop_daemon(d);
    }
    if (r.log) {
        fclose(r.log);
    }
    pthread_mutex_destroy(&r.lock);
    return rc;
}
