/*
 * conntrack.h: absolute deadlines for the connections of hubd's HTTP server.
 *
 * libmicrohttpd's own timeout is an idle timeout: every byte a client sends resets it, so
 * a client trickling one byte every few seconds could hold a connection for ever. Here
 * every connection carries the time its current request started (the accept, or the end
 * of the previous request on a kept-alive connection); a sweep thread shuts the socket of
 * any connection whose headers are not complete by header_s after that start, or whose
 * body is not complete by body_s after it. MHD then sees the closed socket and frees the
 * connection in its own thread. Once a request is complete (being handled or answered) no
 * deadline applies; MHD's idle timeout still does.
 *
 * Thread safety: every function may be called from any thread.
 */
#ifndef HUB_CONNTRACK_H
#define HUB_CONNTRACK_H

struct conntrack;
struct conntrack_conn;

/* Starts the sweep thread. header_s and body_s are seconds (>= 1). NULL when out of
 * memory or no thread could start. */
struct conntrack *conntrack_start(long header_s, long body_s);
/* Stops the sweep thread and frees every entry still tracked; accepts NULL. Call after
 * the HTTP daemon has stopped. */
void conntrack_stop(struct conntrack *ct);

/* A new connection on socket fd: returns an owned entry (or NULL when out of memory: the
 * connection then has no deadline) to pass to the functions below. */
struct conntrack_conn *conntrack_open(struct conntrack *ct, int fd);
/* The connection is closing; its socket is still open. Frees e (NULL accepted). */
void conntrack_close(struct conntrack *ct, struct conntrack_conn *e);

/* The headers of the current request are complete: the body deadline applies now. */
void conntrack_headers_done(struct conntrack *ct, struct conntrack_conn *e);
/* The whole request is in: no deadline until the next request starts. */
void conntrack_request_done(struct conntrack *ct, struct conntrack_conn *e);
/* The answer went out: the next request on this connection starts now. */
void conntrack_next_request(struct conntrack *ct, struct conntrack_conn *e);

/* Connections shut so far because a deadline passed. */
long conntrack_shut_count(struct conntrack *ct);

#endif
