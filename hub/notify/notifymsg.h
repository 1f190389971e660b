/*
 * notifymsg.h: the words of an alert notification and the two forms they travel in: an
 * RFC 5322 mail (UTF-8 text body in base64, RFC 2047 encoded Subject, Date and Message-ID)
 * and the JSON body of a messaging webhook. Plain short Japanese (or English): what
 * happened, when, what to do, and the code (and link) that acknowledges it. Only what the
 * caller puts in struct notifymsg is said: the caller decides, by the recipient's consent,
 * what that is (docs/notify.md). Pure: no database, no network.
 */
#ifndef HUB_NOTIFY_NOTIFYMSG_H
#define HUB_NOTIFY_NOTIFYMSG_H

#include <stddef.h>
#include <stdint.h>

struct notifymsg {
    int64_t id;                 /* the notification: Message-ID and webhook-id come from it */
    const char *kind;           /* "missed" | "help" | "unwell" | "safety_help" | ... */
    int64_t raised;             /* Unix seconds */
    const char *resident_name;  /* as the recipient may know it */
    const char *district;       /* NULL: not said (family) */
    const char *recipient_name; /* the greeting */
    const char *lang;           /* "ja" | "en" */
    const char *ack_code;
    const char *ack_url; /* base of the acknowledgement link (…?code=…), NULL: no link */
};

/* The subject line (UTF-8) into out. */
void notifymsg_subject(const struct notifymsg *m, char *out, size_t cap);

/* The text (UTF-8, LF line ends) into out. */
void notifymsg_text(const struct notifymsg *m, char *out, size_t cap);

/*
 * The whole mail from `from` to `to` (both checked addresses) sent at now, CRLF line ends.
 * Returns an owned string (free) with its length in *len, or NULL when out of memory.
 */
char *notifymsg_mail(const struct notifymsg *m, const char *from, const char *to, int64_t now,
                     size_t *len);

/* The webhook body (JSON, owned; free) with its length in *len, or NULL. */
char *notifymsg_webhook(const struct notifymsg *m, size_t *len);

/* The webhook-id of notification id ("ntf_<id>") into out (cap ≥ 32). */
void notifymsg_msg_id(int64_t id, char *out, size_t cap);

#endif
