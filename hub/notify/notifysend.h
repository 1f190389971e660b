/*
 * notifysend.h: handing one mail to an SMTP server through libcurl (no SMTP of our own):
 * STARTTLS required (CURLOPT_USE_SSL = CURLUSESSL_ALL; a server that does not offer it is
 * a failure, never a plain-text fallback), the server's certificate verified against the
 * system's CAs or cainfo, MAIL FROM / RCPT TO from checked addresses. Accepted means the
 * server answered 250 to the message's end.
 */
#ifndef HUB_NOTIFY_NOTIFYSEND_H
#define HUB_NOTIFY_NOTIFYSEND_H

#include <curl/curl.h>
#include <stddef.h>

struct notifysend_smtp {
    const char *url;    /* smtp://host:port (STARTTLS) or smtps://host:port */
    const char *from;   /* the envelope and From: address */
    const char *cainfo; /* PEM of CAs to trust for the server, NULL: the system's */
    long timeout_ms;    /* the whole exchange */
};

/* Sends msg (len bytes, CRLF lines) to `to` on the easy handle c (reset first). Returns 0
 * when the server accepted it, else -1 with libcurl's words in err (never the address). */
int notifysend_mail(CURL *c, const struct notifysend_smtp *cfg, const char *to, const char *msg,
                    size_t len, char *err, size_t errcap);

#endif
