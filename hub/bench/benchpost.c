/*
 * benchpost.c: the lean HTTP/1.1 load generator (see benchpost.h).
 *
 * Each connection is a small state machine driven by level-triggered epoll: a request is
 * written with one send() (it is far smaller than a socket's buffer on loopback), then the
 * answer is read as it comes; once its head is in, its length is known from Content-Length
 * and the answer is complete when that many body bytes followed. A recv() that filled less
 * than the room offered is taken as "nothing more for now": epoll reports the socket again
 * if more arrives, which saves the extra recv() that would only say EAGAIN.
 */
#include "benchpost.h"
#include "benchutil.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ANSWER_CAP 4096 /* an answer's head and the start of its body are kept */
#define HEAD_CAP   1024 /* a request's head */
#define GRACE_S    30.0 /* how long requests in flight at the end are awaited */
#define MAX_EVENTS 64

struct conn {
    struct benchpost_client *c;
    int idx; /* the client's place, in its Idempotency-Keys */
    int fd;
    int busy; /* a request is in flight */
    long seq; /* requests sent */
    double t0;
    char head[HEAD_CAP]; /* the request's fixed head, without its last empty line */
    size_t head_len;
    char buf[ANSWER_CAP];
    size_t have;    /* bytes of the answer kept in buf */
    size_t got;     /* bytes of the answer read (kept or not) */
    size_t need;    /* the whole answer's length once its head is in, else 0 */
    size_t off;     /* where its body starts */
    int status;     /* its status code */
    int must_close; /* it said Connection: close */
};

struct run {
    const char *body, *want_body;
    size_t body_len, want_len;
    int keys, want, epfd;
    double end;
    char tag[40]; /* makes the Idempotency-Keys of this run unique */
};

static int open_conn(struct run *r, struct conn *k)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)k->c->port)};
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = k};
    int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 &&
        (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
         setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
         fcntl(fd, F_SETFL, O_NONBLOCK) != 0 || epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)) {
        close(fd);
        fd = -1;
    }
    k->fd = fd;
    return fd >= 0 ? 0 : -1;
}

/* Writes the next request and starts its clock. 0, or -1 when it could not be written whole. */
static int send_request(struct run *r, struct conn *k)
{
    char req[HEAD_CAP + 256 + 128];
    size_t len = k->head_len;
    int n;
    memcpy(req, k->head, len);
    if (r->keys)
        n = snprintf(req + len, sizeof req - len, "Idempotency-Key: %s-%d-%ld\r\n\r\n", r->tag,
                     k->idx, k->seq);
    else
        n = snprintf(req + len, sizeof req - len, "\r\n");
    len += (size_t)n;
    if (len + r->body_len > sizeof req)
        return -1;
    memcpy(req + len, r->body, r->body_len);
    len += r->body_len;
    k->seq++;
    k->have = k->got = k->need = 0;
    k->t0 = benchutil_now();
    return send(k->fd, req, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/* Reads the answer's head once it is all in buf: status, Content-Length, Connection.
 * 0 (k->need set, or not yet all in), -1 when it cannot be read. */
static int parse_head(struct conn *k)
{
    char *end = memmem(k->buf, k->have, "\r\n\r\n", 4);
    long len = -1;
    if (!end)
        return k->have < sizeof k->buf ? 0 : -1;
    *end = '\0';
    if (k->have < 12 || strncmp(k->buf, "HTTP/1.", 7) != 0 || k->buf[8] != ' ')
        return -1;
    char *after;
    k->status = (int)strtol(k->buf + 9, &after, 10);
    if (after != k->buf + 12)
        return -1;
    k->must_close = 0;
    for (char *line = strstr(k->buf, "\r\n"); line; line = strstr(line, "\r\n")) {
        line += 2;
        if (strncasecmp(line, "Content-Length:", 15) == 0)
            len = strtol(line + 15, NULL, 10);
        else if (strncasecmp(line, "Connection:", 11) == 0 && strcasestr(line, "close"))
            k->must_close = 1;
        else if (strncasecmp(line, "Transfer-Encoding:", 18) == 0)
            return -1; /* the hub sends lengths */
    }
    if (len < 0)
        return -1;
    *end = '\r';
    k->off = (size_t)(end - k->buf) + 4;
    k->need = k->off + (size_t)len;
    return 0;
}

/* 1 when the answer is all in, 0 when more is to come, -1 when the connection broke or the
 * answer cannot be read. */
static int read_answer(struct conn *k)
{
    char spill[ANSWER_CAP];
    for (;;) {
        int keep = k->have < sizeof k->buf;
        char *to = keep ? k->buf + k->have : spill;
        size_t room = keep ? sizeof k->buf - k->have : sizeof spill;
        ssize_t m = recv(k->fd, to, room, 0);
        if (m < 0 && errno == EINTR)
            continue;
        if (m < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (m <= 0)
            return -1;
        k->got += (size_t)m;
        if (keep)
            k->have += (size_t)m;
        if (!k->need && parse_head(k) != 0)
            return -1;
        if (k->need && k->got >= k->need)
            return k->got == k->need ? 1 : -1; /* more than asked for: not HTTP as we know it */
        if ((size_t)m < room)
            return 0;
    }
}

static int answer_ok(const struct run *r, const struct conn *k)
{
    return k->status == r->want && k->need - k->off >= r->want_len &&
           k->off + r->want_len <= k->have &&
           memcmp(k->buf + k->off, r->want_body, r->want_len) == 0;
}

/* The connection had an event: reads, and when the answer is in, counts it and sends the
 * next request (or ends the client). Returns 1 when the client ended. */
static int on_event(struct run *r, struct conn *k)
{
    struct benchpost_client *c = k->c;
    int rc = read_answer(k);
    if (rc == 0)
        return 0;
    double t1 = benchutil_now();
    if (rc > 0 && answer_ok(r, k) && c->n_lat < c->cap) {
        c->ok++;
        c->lat[c->n_lat++] = (t1 - k->t0) * 1000.0;
    } else {
        c->failed++;
    }
    int again = t1 < r->end && c->n_lat < c->cap;
    if (rc < 0 || k->must_close || !again) {
        close(k->fd);
        k->fd = -1;
        if (again && open_conn(r, k) != 0)
            again = 0;
    }
    if (again && send_request(r, k) != 0) {
        c->failed++; /* the request could not go out: this client stops */
        again = 0;
        close(k->fd);
        k->fd = -1;
    }
    k->busy = again;
    return !again;
}

int benchpost_run(struct benchpost_client *cl, int n, const char *path, const char *body, int keys,
                  double seconds, int want, const char *want_body)
{
    struct run r = {.body = body,
                    .want_body = want_body,
                    .body_len = strlen(body),
                    .want_len = strlen(want_body),
                    .keys = keys,
                    .want = want,
                    .epfd = epoll_create1(EPOLL_CLOEXEC)};
    struct timespec now;
    struct conn *k = calloc((size_t)(n > 0 ? n : 1), sizeof *k);
    int rc = -1, active = 0;
    clock_gettime(CLOCK_REALTIME, &now);
    snprintf(r.tag, sizeof r.tag, "b%ldx%lx%lx", (long)getpid(), (unsigned long)now.tv_sec,
             (unsigned long)now.tv_nsec);
    if (!k || r.epfd < 0) {
        perror("bench: epoll");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        k[i].c = &cl[i];
        k[i].idx = i;
        k[i].fd = -1;
        k[i].head_len = (size_t)snprintf(k[i].head, sizeof k[i].head,
                                         "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                                         "Authorization: Bearer %s\r\n"
                                         "Content-Type: application/json\r\n"
                                         "Content-Length: %zu\r\n",
                                         path, cl[i].port, cl[i].token, r.body_len);
        if (k[i].head_len >= sizeof k[i].head || open_conn(&r, &k[i]) != 0) {
            fprintf(stderr, "bench: cannot connect to 127.0.0.1:%u\n", cl[i].port);
            goto out;
        }
    }
    r.end = benchutil_now() + seconds;
    for (int i = 0; i < n; i++) {
        k[i].busy = cl[i].cap > 0 && send_request(&r, &k[i]) == 0;
        cl[i].failed += cl[i].cap > 0 && !k[i].busy;
        active += k[i].busy;
    }
    while (active > 0 && benchutil_now() < r.end + GRACE_S) {
        struct epoll_event ev[MAX_EVENTS];
        int m = epoll_wait(r.epfd, ev, MAX_EVENTS, 100);
        for (int e = 0; e < m; e++) {
            struct conn *x = ev[e].data.ptr;
            if (x->busy)
                active -= on_event(&r, x);
        }
    }
    for (int i = 0; i < n; i++)
        cl[i].failed += k[i].busy; /* never answered */
    rc = 0;
out:
    for (int i = 0; k && i < n; i++)
        if (k[i].fd >= 0)
            close(k[i].fd);
    if (r.epfd >= 0)
        close(r.epfd);
    free(k);
    return rc;
}
