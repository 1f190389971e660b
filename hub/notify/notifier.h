/*
 * notifier.h: alert notifications from the hub's store-and-forward queue (docs/notify.md).
 *
 * A pass (notifier_run_once) has two halves, each in short transactions of its own on the
 * notifier's handle:
 *   1. plan: for every alert event of the last two days that nobody acknowledged, walk the
 *      resident's escalation order (notifyrcpt_chain: family by rank, then staff) and add
 *      the notifications whose step has come: step k at first alert + k · escalate_after
 *      (staff all at one step, and only once the city-level alert exists). A family member
 *      is in the order only while the gate lets them receive the resident's safety data
 *      (linked + consent), a staff member under the legal basis; a recipient whose mode for
 *      the kind is "off" is left out. Mode "day" in the recipient's quiet hours makes the
 *      notification due when they end. Acknowledged events cancel their pending ones.
 *   2. send: claim due notifications with a lease, ask the gate again, send each outside any
 *      transaction (mail: notifysend.h; webhook: opush_post, Standard Webhooks), and record
 *      the outcome with its audit record (notify.mail / notify.webhook, outcome ok or
 *      failed: …) in one transaction: sent, retried with back-off (opush_backoff_s), or
 *      given up after max_age_s.
 * Exactly once: rows are unique per alert, recipient and channel and marked sent in the
 * database; a process killed before marking one leaves a lease that runs out, after which it
 * is sent again (the mail keeps its Message-ID, the webhook its webhook-id).
 *
 * Threading: a notifier belongs to one thread and uses the handle it was given (SQLite or
 * PostgreSQL) alone. Time comes from the hub clock (hubclock_now), so tests move through
 * escalation, quiet hours and back-off by setting the clock file.
 */
#ifndef HUB_NOTIFY_NOTIFIER_H
#define HUB_NOTIFY_NOTIFIER_H

#include "db.h"

#include <stddef.h>
#include <stdint.h>

struct notifier_config {
    const char *smtp_url;  /* NULL: mail notifications wait (listed as undelivered) */
    const char *smtp_from; /* From: and envelope sender */
    const char *smtp_ca;   /* PEM of CAs trusted for the SMTP server; NULL: the system's */
    const char *ack_url;   /* base of the acknowledgement link in mails; NULL: code only */
    long escalate_after_s; /* time before the next in order is told (default 600) */
    long timeout_ms;       /* one SMTP or webhook exchange (default 10000) */
    long long max_age_s;   /* give up retrying this long after planning (default 24 h) */
};

struct notifier_stats {
    int planned, cancelled, attempted, sent, failed, gave_up;
};

struct notifier;

/* A notifier on db (borrowed) with cfg (copied, texts borrowed). NULL when out of memory. */
struct notifier *notifier_create(struct db *db, const struct notifier_config *cfg);
void notifier_destroy(struct notifier *n);

/* One pass: plan, then send everything due. 0, or -1 on a database error (*stats may be
 * NULL). */
int notifier_run_once(struct notifier *n, struct notifier_stats *stats);

/* Asks a pass that is sending to stop before its next message (any thread may call it; the
 * notifier is good for nothing but notifier_destroy after it). The messages it claimed and
 * did not send are given back, due at once for the next process; so a stopping hub leaves
 * within one exchange (timeout_ms), well inside the service manager's stop timeout, and is
 * never killed between a server's acceptance and the mark "sent" (which would send that
 * message again). */
void notifier_stop_soon(struct notifier *n);

/* Sends a test notification to recipient id on every channel it has, now, outside the
 * queue, and audits it (notify.test). 0 when every channel accepted it; -1 with words. */
int notifier_test(struct notifier *n, int64_t recipient, char *err, size_t errcap);

#endif
