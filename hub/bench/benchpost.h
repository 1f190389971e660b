/*
 * benchpost.h: a lean HTTP/1.1 load generator for the hub's benchmarks.
 *
 * On this machine the load generator shares the cores with hubd and the database, so every
 * microsecond it spends per request is taken from the processes under test (real kiosks
 * post from elsewhere). It therefore does what a kiosk does on the wire and no more: one
 * keep-alive connection per client, one request in flight on each (no pipelining), all the
 * connections served by the calling thread alone through epoll, plain sockets, the request
 * written with one send(), and of the answer only the status line, Content-Length,
 * Connection and the body's start read.
 */
#ifndef HUB_BENCHPOST_H
#define HUB_BENCHPOST_H

/* One client: one connection to 127.0.0.1:port posting one body again and again. */
struct benchpost_client {
    /* set by the caller */
    unsigned port;
    const char *token; /* sent as "Authorization: Bearer TOKEN" (< 200 characters) */
    double *lat;       /* room for cap latencies (ms), owned by the caller */
    long cap;
    /* results: ok counts only answers with the wanted status whose body starts as wanted;
     * failed every other answer, a broken connection, or a request unanswered at the end */
    long ok, failed, n_lat;
};

/*
 * Runs the n clients for `seconds`: each POSTs `body` (JSON) to `path` and sends its next
 * request as soon as the answer is in, until the time is over or its cap latencies are
 * recorded; requests in flight at the end are awaited (at most 30 s more). With keys set
 * each request carries an Idempotency-Key of its own (unique to this run). An answer
 * counts as ok when its status is `want` and its body starts with `want_body`. Returns 0,
 * or -1 after saying why on stderr when the clients could not be set up (no connection).
 */
int benchpost_run(struct benchpost_client *cl, int n, const char *path, const char *body, int keys,
                  double seconds, int want, const char *want_body);

#endif
