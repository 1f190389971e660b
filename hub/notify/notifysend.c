/*
 * notifysend.c: one mail through libcurl's SMTP (see notifysend.h).
 */
#include "notifysend.h"

#include <stdio.h>
#include <string.h>

struct cursor {
    const char *p;
    size_t left;
};

static size_t feed(char *buf, size_t size, size_t nitems, void *ud)
{
    struct cursor *c = ud;
    size_t n = size * nitems < c->left ? size * nitems : c->left;
    memcpy(buf, c->p, n);
    c->p += n;
    c->left -= n;
    return n;
}

int notifysend_mail(CURL *c, const struct notifysend_smtp *cfg, const char *to, const char *msg,
                    size_t len, char *err, size_t errcap)
{
    char from[300], rcpt[300];
    struct cursor cur = {msg, len};
    snprintf(from, sizeof from, "<%s>", cfg->from);
    snprintf(rcpt, sizeof rcpt, "<%s>", to);
    struct curl_slist *rcpts = curl_slist_append(NULL, rcpt);
    if (!rcpts) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, cfg->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    if (cfg->cainfo)
        curl_easy_setopt(c, CURLOPT_CAINFO, cfg->cainfo);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, feed);
    curl_easy_setopt(c, CURLOPT_READDATA, &cur);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, cfg->timeout_ms > 0 ? cfg->timeout_ms : 10000L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, cfg->timeout_ms > 0 ? cfg->timeout_ms : 10000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    CURLcode r = curl_easy_perform(c);
    curl_slist_free_all(rcpts);
    if (r != CURLE_OK) {
        long code = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        snprintf(err, errcap, "smtp: %s (reply %ld)", curl_easy_strerror(r), code);
        return -1;
    }
    return 0;
}
