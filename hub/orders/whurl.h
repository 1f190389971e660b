/*
 * whurl: which webhook URLs the hub may push to. A delivery body holds what the resident
 * consented to give the operator (possibly a name and address), so it travels only over
 * HTTPS with the certificate verified. Plain http:// is allowed to this machine only (a
 * loopback address: 127.0.0.0/8, [::1], "localhost"), for tests and a receiver on the
 * same host. Pure string checks, no DNS: a host name other than "localhost" is never
 * taken as loopback, whatever it resolves to.
 */
#ifndef WHURL_H
#define WHURL_H

#include <stddef.h>

enum whurl_kind {
    WHURL_BAD = 0,      /* refused: err says why */
    WHURL_HTTPS,        /* https:// anywhere */
    WHURL_LOOPBACK_HTTP /* http:// to a loopback host */
};

/* Checks url (NUL-terminated, at most max_len bytes; no spaces or control characters).
 * On WHURL_BAD a sentence for city staff goes into err (errlen bytes). */
enum whurl_kind whurl_check(const char *url, size_t max_len, char *err, size_t errlen);

#endif
