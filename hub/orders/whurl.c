/*
 * whurl.c: the webhook URL policy (see whurl.h).
 */
#include "whurl.h"

#include <stdio.h>
#include <string.h>

/* 1 when the authority's host (host[:port], userinfo refused) is a loopback literal. */
static int host_is_loopback(const char *auth, size_t n)
{
    char host[64];
    size_t hl = n;
    if (memchr(auth, '@', n))
        return 0; /* no user:password@ in a webhook URL */
    if (n > 0 && auth[0] == '[') {
        const char *end = memchr(auth, ']', n);
        if (!end)
            return 0;
        return (size_t)(end - auth) == 4 && memcmp(auth, "[::1]", 5) == 0;
    }
    const char *colon = memchr(auth, ':', n);
    if (colon)
        hl = (size_t)(colon - auth);
    if (hl == 0 || hl >= sizeof host)
        return 0;
    memcpy(host, auth, hl);
    host[hl] = '\0';
    if (strcmp(host, "localhost") == 0)
        return 1;
    unsigned a, b, c, d;
    char tail;
    if (sscanf(host, "%3u.%3u.%3u.%3u%c", &a, &b, &c, &d, &tail) != 4)
        return 0;
    return a == 127 && b < 256 && c < 256 && d < 256;
}

enum whurl_kind whurl_check(const char *url, size_t max_len, char *err, size_t errlen)
{
    size_t ulen = url ? strlen(url) : 0;
    if (ulen == 0 || ulen > max_len) {
        snprintf(err, errlen, "the webhook URL must be given and be at most %zu bytes", max_len);
        return WHURL_BAD;
    }
    for (size_t i = 0; i < ulen; i++) {
        if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f) {
            snprintf(err, errlen, "the webhook URL must not contain spaces or control characters");
            return WHURL_BAD;
        }
    }
    if (strncmp(url, "https://", 8) == 0 && ulen > 8)
        return WHURL_HTTPS;
    if (strncmp(url, "http://", 7) == 0) {
        const char *auth = url + 7;
        size_t n = strcspn(auth, "/?#");
        if (host_is_loopback(auth, n))
            return WHURL_LOOPBACK_HTTP;
        snprintf(err, errlen,
                 "the webhook URL must start with https:// : deliveries carry what residents "
                 "consented to share (names, addresses), so they go only over HTTPS with a "
                 "verified certificate; plain http:// is allowed only to this machine "
                 "(127.0.0.1, [::1] or localhost)");
        return WHURL_BAD;
    }
    snprintf(err, errlen, "the webhook URL must start with https://");
    return WHURL_BAD;
}
