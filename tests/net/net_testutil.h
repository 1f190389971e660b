/*
 * net_testutil: helpers shared by the net tests: a temporary directory, self-signed
 * certificates made with the openssl CLI, a monotonic clock, and a thread-safe mailbox
 * that collects what worker threads report (hubc results, sender reports) so a test can
 * wait for the next one with a timeout.
 */
#ifndef NET_TESTUTIL_H
#define NET_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Creates a fresh directory under $TMPDIR (or /tmp); path written into out. 0 on failure. */
int tu_mkdtemp(char *out, size_t out_len);
/* Removes the directory and the files directly inside it. */
void tu_rmdir(const char *dir);

/* Makes a self-signed P-256 certificate (its own CA) for `san` (e.g.
 * "IP:127.0.0.1,DNS:localhost") as dir/<name>.crt and dir/<name>.key. 0 on failure. */
int tu_make_cert(const char *dir, const char *name, const char *san);

int64_t tu_now_ms(void);
void tu_sleep_ms(int ms);

/* A mailbox of opaque pointers. */
struct tu_box;
struct tu_box *tu_box_create(void);
/* Frees the box; remaining items are freed with free_item. */
void tu_box_destroy(struct tu_box *b, void (*free_item)(void *));
void tu_box_put(struct tu_box *b, void *item);
/* Waits up to timeout_ms for an item; NULL on timeout. */
void *tu_box_get(struct tu_box *b, int timeout_ms);
size_t tu_box_count(struct tu_box *b);

#endif
