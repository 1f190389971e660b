/*
 * ostatus: the status of a shopping order and the state machine operators drive it with.
 *
 *   created ──► accepted ──► out_for_delivery(eta) ──► delivered
 *      │            │                 │
 *      └────────────┴─────────────────┴──► cancelled(reason)
 *
 * Skipping forward is allowed (created → out_for_delivery, accepted → delivered), because
 * an operator's system may report only some steps. Going back, leaving delivered or
 * cancelled, and delivered ← cancelled are refused. Repeating the current status is a no-op
 * so an operator's retried request does not fail; out_for_delivery with a new eta updates
 * the eta. Pure functions, no I/O.
 */
#ifndef OSTATUS_H
#define OSTATUS_H

#include <stddef.h>

/* Status results must be looked at (STYLE.md 5). */
#ifndef ORDERS_MUST_USE
#define ORDERS_MUST_USE __attribute__((warn_unused_result))
#endif

enum ostatus {
    OSTATUS_CREATED = 0,
    OSTATUS_ACCEPTED,
    OSTATUS_OUT_FOR_DELIVERY,
    OSTATUS_DELIVERED,
    OSTATUS_CANCELLED,
};

#define OSTATUS_REASON_MAX 257 /* cancel reason: 1..256 UTF-8 bytes + NUL */

/* Wire name: "created", "accepted", "out_for_delivery", "delivered", "cancelled". */
const char *ostatus_str(enum ostatus s);

/* Parses a wire name. Returns 0 and sets *s, or -1 if the name is unknown. */
int ostatus_from_str(const char *name, enum ostatus *s);

/* An operator's status report. */
struct ostatus_update {
    enum ostatus to;
    long long eta_unix;              /* out_for_delivery: announced delivery time */
    char reason[OSTATUS_REASON_MAX]; /* cancelled: why, in words */
};

/*
 * Parses an operator's status body:
 *   {"status":"accepted"}
 *   {"status":"out_for_delivery","eta_unix":1795400000}
 *   {"status":"delivered"}
 *   {"status":"cancelled","reason":"品切れのため"}
 * "created" cannot be reported. Returns 0, or -1 with a plain-English message in err.
 */
int ostatus_parse(const char *json, size_t len, struct ostatus_update *u, char *err, size_t errlen);

enum ostatus_verdict {
    OSTATUS_APPLY = 0, /* a valid move: store it */
    OSTATUS_NOOP,      /* the current status again (same eta): nothing to store */
    OSTATUS_REJECT,    /* not allowed from the current status (HTTP 409) */
};

/* Checks the move from `from` (with its current eta) to u. On OSTATUS_REJECT err says why. */
enum ostatus_verdict ostatus_check(enum ostatus from, long long from_eta,
                                   const struct ostatus_update *u, char *err,
                                   size_t errlen) ORDERS_MUST_USE;

/*
 * The status in plain Japanese for the kiosk's order list: 送信済み, 受付済み,
 * 配達予定 15:00, 配達済み, 取り消し（reason）. The eta is shown in the offset given
 * (Japan: 9 * 3600). Writes a NUL-terminated string into out and returns out.
 */
char *ostatus_words_ja(enum ostatus s, long long eta_unix, long utc_offset_s, char *out,
                       size_t cap);

#endif
