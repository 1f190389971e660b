/*
 * card: the kiosk's My Number card adapter (JPKI user authentication) over PC/SC-Lite.
 *
 * All PC/SC work runs on one worker thread owned by the adapter (its own SCARDCONTEXT, see
 * shared/CARD.md §3), so the UI thread never blocks. The worker watches the readers and
 * the cards, and reports everything through the `post` callback given to card_create().
 * `post` runs ON THE WORKER THREAD; the event is borrowed for the duration of the call and
 * is a plain value (no pointers inside), so the kiosk copies it (`*copy = *ev`, or
 * card_event_dup) into an SDL user event with SDL_PushEvent and returns at once. `post`
 * must not call back into the adapter.
 *
 * What the worker does by itself:
 *   - no reader / pcscd not running at start: CARD_EV_NO_READER, then keeps looking
 *     (readers are re-listed at least every 0.5 s; pcscd restarts are survived by
 *     releasing the context and re-establishing it with back-off);
 *   - a reader appears: CARD_EV_READER_READY;
 *   - a card is placed: CARD_EV_CARD_INSERTED at once (show "reading…", progress after
 *     1 s), then it selects the JPKI AP, reads the user-auth certificate and the PIN tries
 *     left WITHOUT using a try, and posts CARD_EV_CARD_PRESENT (My Number or not, tries
 *     left, certificate DER). The card is identified by the SELECT answer, never by ATR.
 *   - the card leaves: CARD_EV_CARD_REMOVED (also when pcscd goes away with a card in).
 *   - a card that already lies in a reader when the adapter first sees that reader and
 *     does not answer the JPKI SELECT (the SAM slot of a dual reader, or a card left
 *     behind) is ignored: no events at all for it. A My Number card lying there at start
 *     gets CARD_EV_CARD_INSERTED + CARD_EV_CARD_PRESENT once read; a card placed while
 *     the adapter watches always gets its events, My Number or not.
 * Every event carries `card_seq`, a number that changes for every new card placement;
 * card_login() takes it so a PIN typed for one card is never sent to another card.
 *
 * Operations queued by the UI (thread-safe, never block): card_login() and card_read().
 * Each ends in one CARD_EV_LOGIN_RESULT / CARD_EV_READ_RESULT event. Each card session
 * ends with SCardDisconnect(SCARD_RESET_CARD), which clears the card's verified state.
 * An operation takes at most CARD_OP_TIMEOUT_MS (10 s), checked between APDUs.
 *
 * PIN hygiene: card_login() copies the PIN into a fixed buffer inside the adapter and the
 * worker wipes it with explicit_bzero right after the VERIFY APDU (or when the operation is
 * dropped). The caller wipes its own copy. The adapter never logs a PIN; its APDU trace
 * (environment CARD_TRACE=1, to stderr) masks VERIFY data. Never retries a PIN by itself.
 *
 * The adapter never selects the card's text AP (券面事項入力補助AP) nor the signing
 * certificate/key: only the JPKI user-authentication certificate, PIN and key.
 */
#ifndef CARD_H
#define CARD_H

#include <stddef.h>
#include <stdint.h>

#define CARD_CERT_MAX        4096  /* largest user-auth certificate accepted (DER bytes) */
#define CARD_SIG_MAX         512   /* largest signature (RSA-4096); JPKI gives 256 */
#define CARD_CHALLENGE_MAX   256   /* largest challenge card_login accepts */
#define CARD_READER_NAME_MAX 128   /* reader names are truncated to this (incl. NUL) */
#define CARD_OP_TIMEOUT_MS   10000 /* an operation (read or login) gives up after this */
#define CARD_TRIES_UNKNOWN   (-1)  /* tries_left when the card did not tell */

/* One status enum for the adapter; card_status_str() gives English words for logs (never
 * shown to residents: the UI maps each status to its own plain message). */
enum card_status {
    CARD_OK = 0,       /* done */
    CARD_NOT_MYNUMBER, /* the card did not accept the JPKI SELECT (other card) */
    CARD_WRONG_PIN,    /* VERIFY refused the PIN; tries_left says how many remain (≥ 1) */
    CARD_BLOCKED,      /* PIN blocked (0 tries): the resident must go to the city office */
    CARD_TRIES_LOW,    /* login refused before VERIFY: tries_left < min_tries */
    CARD_REMOVED,      /* the card left (or was swapped) during or before the operation */
    CARD_TIMEOUT,      /* the operation took longer than CARD_OP_TIMEOUT_MS */
    CARD_NO_CARD,      /* no card is present (or card_seq names a card that is gone) */
    CARD_NO_SERVICE,   /* pcscd is not reachable */
    CARD_BAD_INPUT,    /* bad argument: PIN not 4 digits, challenge empty or too long */
    CARD_BUSY,         /* another operation is already queued or running */
    CARD_CARD_ERROR,   /* the card answered something unexpected (status word logged) */
    CARD_INTERNAL,     /* out of memory, thread or PC/SC failure (logged) */
};
const char *card_status_str(enum card_status st);

enum card_event_kind {
    CARD_EV_NO_READER = 1, /* no usable reader (no_service: because pcscd is unreachable) */
    CARD_EV_READER_READY,  /* at least one reader, waiting for a card */
    CARD_EV_CARD_INSERTED, /* a card was placed; reading has started */
    CARD_EV_CARD_PRESENT,  /* reading finished: status, is_mynumber, tries_left, cert */
    CARD_EV_CARD_REMOVED,  /* the card of card_seq left the reader */
    CARD_EV_READ_RESULT,   /* answer to card_read(): same fields as CARD_EV_CARD_PRESENT */
    CARD_EV_LOGIN_RESULT,  /* answer to card_login(): status, tries_left, sig */
};
const char *card_event_kind_str(enum card_event_kind kind);

/* A plain value: copy it as a whole. Fields not listed for a kind are zero. */
struct card_event {
    enum card_event_kind kind;
    enum card_status status; /* CARD_PRESENT, READ_RESULT, LOGIN_RESULT: the outcome */
    uint32_t card_seq;       /* every kind except NO_READER/READER_READY: which placement */
    int no_service;          /* NO_READER: 1 when pcscd is not reachable */
    int is_mynumber;         /* CARD_PRESENT/READ_RESULT: 1 when the JPKI SELECT succeeded */
    int tries_left;          /* PRESENT/READ/LOGIN: 0..3, or CARD_TRIES_UNKNOWN */
    uint32_t elapsed_ms;     /* PRESENT/READ/LOGIN: time the card work took */
    char reader[CARD_READER_NAME_MAX]; /* the reader concerned ("" for NO_READER) */
    size_t cert_len;                   /* PRESENT/READ with status CARD_OK: DER length */
    unsigned char cert[CARD_CERT_MAX]; /* the user-auth certificate (DER) */
    size_t sig_len;                    /* LOGIN_RESULT with CARD_OK: signature length */
    unsigned char sig[CARD_SIG_MAX];   /* RSASSA-PKCS1-v1_5 SHA-256 over the challenge */
};

/* Returns an owned heap copy of *ev (free with free()), or NULL when out of memory. */
struct card_event *card_event_dup(const struct card_event *ev);

/* Called on the worker thread; `ev` is borrowed for the call only. */
typedef void (*card_post_fn)(void *ctx, const struct card_event *ev);

struct card;

/* Creates the adapter and starts its worker. `post` must not be NULL; it may be called
 * until card_destroy() returns. Returns NULL on failure (logged). Call from the UI
 * thread. pcscd need not be running. */
struct card *card_create(card_post_fn post, void *ctx);

/* Stops the worker (a running operation is abandoned at the next APDU boundary; a queued
 * one is dropped and its PIN wiped; no further events) and frees the adapter. Returns
 * within about one second, or when the APDU in flight ends. Accepts NULL. Call from the
 * thread that created it. */
void card_destroy(struct card *c);

/* Queues a login on the card of `card_seq` (from its CARD_EV_CARD_PRESENT):
 *   SELECT JPKI AP → SELECT PIN EF → tries left (no try used; refused with CARD_TRIES_LOW
 *   when fewer than `min_tries`, with CARD_BLOCKED at 0) → VERIFY `pin` (then the PIN
 *   copy is wiped) → SELECT key EF → SIGN the SHA-256 DigestInfo of `challenge` →
 *   SCardDisconnect(SCARD_RESET_CARD).
 * `pin` is `pin_len` == 4 ASCII digits (not NUL-terminated needed); `challenge` is
 * 1..CARD_CHALLENGE_MAX bytes; both are copied. `min_tries` is the kiosk's guard: 2 on a
 * public kiosk (refuse when only 1 try is left), 1 at home.
 * Returns CARD_OK when queued (exactly one CARD_EV_LOGIN_RESULT follows, with CARD_OK and
 * the signature, or CARD_WRONG_PIN / CARD_BLOCKED / CARD_TRIES_LOW with tries_left, or
 * CARD_REMOVED / CARD_TIMEOUT / CARD_NOT_MYNUMBER / CARD_NO_CARD / CARD_CARD_ERROR / ...),
 * else CARD_BAD_INPUT or CARD_BUSY and no event. Thread-safe, never blocks. */
enum card_status card_login(struct card *c, uint32_t card_seq, const char *pin, size_t pin_len,
                            const unsigned char *challenge, size_t challenge_len, int min_tries)
    __attribute__((warn_unused_result));

/* Queues a fresh read of the card of `card_seq` (certificate + tries left, no try used);
 * one CARD_EV_READ_RESULT follows. Returns CARD_OK when queued, else CARD_BUSY.
 * Thread-safe, never blocks. */
enum card_status card_read(struct card *c, uint32_t card_seq) __attribute__((warn_unused_result));

#endif
