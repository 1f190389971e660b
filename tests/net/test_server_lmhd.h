/*
 * test_server_lmhd: a real HTTP(S) server (libmicrohttpd, thread per connection) that the
 * net tests run inside the test program on 127.0.0.1, so hubclient and sender are tested
 * over real sockets, real HTTP and real TLS. It is a stand-in for the hub's behaviour that
 * matters to the client, not a fake of libcurl:
 *   - it answers in a mode the test chooses (201, 422, 503, slow, close without answer,
 *     an oversized answer, or "execute, then answer late");
 *   - for POSTs with an Idempotency-Key it behaves like the hub (docs/api.md): the first
 *     request with a key is executed, later ones get the stored answer; it counts both, so a
 *     test can prove "executed exactly once".
 * Counters are read with the accessor functions (thread-safe).
 */
#ifndef TEST_SERVER_LMHD_H
#define TEST_SERVER_LMHD_H

#include <stdint.h>

enum tsrv_mode {
    TSRV_OK,          /* POST → 201 {"n":executions} (idempotent), GET → 200 */
    TSRV_REJECT,      /* 422 {"error":{"code":"bad_answer","message":"answer must be ..."}} */
    TSRV_UNAVAILABLE, /* 503 {"error":{"code":"unavailable","message":"try later"}} */
    TSRV_SLOW,        /* waits delay_ms, then answers as TSRV_OK (executes late) */
    TSRV_CLOSE,       /* closes the connection without any answer */
    TSRV_BIG,         /* 200 with a body of big_bytes bytes */
    TSRV_EXEC_SLOW,   /* executes at once (records the key), answers after delay_ms */
};

struct tsrv;

/* Starts on 127.0.0.1:`port` (0 → ephemeral). With cert_file/key_file (PEM) it speaks
 * TLS. Returns NULL on failure (message on stderr). */
struct tsrv *tsrv_start(uint16_t port, const char *cert_file, const char *key_file);
/* Stops and frees; slow handlers are cut short. Accepts NULL. */
void tsrv_stop(struct tsrv *s);
uint16_t tsrv_port(const struct tsrv *s);

void tsrv_set_mode(struct tsrv *s, enum tsrv_mode mode, int delay_ms);
void tsrv_set_big_bytes(struct tsrv *s, unsigned long bytes);

unsigned tsrv_requests(struct tsrv *s);    /* requests that reached the handler */
unsigned tsrv_connections(struct tsrv *s); /* TCP connections accepted */
unsigned tsrv_executions(struct tsrv *s);  /* POSTs executed (first time for their key) */
/* For one key: how often it was executed (0 or 1 when idempotency works) and how many
 * requests carried it. */
unsigned tsrv_key_executions(struct tsrv *s, const char *key);
unsigned tsrv_key_requests(struct tsrv *s, const char *key);
/* The n-th (0-based) executed POST's request body and key, copied into out (false if none). */
int tsrv_executed(struct tsrv *s, unsigned n, char *body, unsigned body_len, char *key,
                  unsigned key_len);
/* The last request's Authorization header ("" if none). */
void tsrv_last_auth(struct tsrv *s, char *out, unsigned out_len);

#endif
