/*
 * outbox: the home kiosk's durable queue of things to deliver to the hub (journey 8,
 * "Offline"). An item is committed to a SQLite file (WAL, synchronous=FULL) before
 * outbox_add returns, so a check-in the resident was told is 送信待ち survives a killed
 * process or a power cut. Each item carries an Idempotency-Key made at creation from 128
 * random bits (getrandom), so resending it after a crash cannot create it twice at the hub.
 *
 * States: pending → sent (the hub accepted it) or pending → failed (the hub refused it for
 * good; its message is kept). Only pending items are ever sent.
 *
 * The outbox holds no PIN and no card data; bodies are what the kiosk posts (e.g. a
 * check-in answer). An outbox is safe to use from several threads (one mutex inside).
 */
#ifndef OUTBOX_H
#define OUTBOX_H

#include <stddef.h>
#include <stdint.h>

/* Hard caps on what goes in (the hub caps bodies at 64 KiB too). */
#define OUTBOX_KIND_MAX    31
#define OUTBOX_PATH_MAX    255
#define OUTBOX_BODY_MAX    (64 * 1024)
#define OUTBOX_MESSAGE_MAX 255
#define OUTBOX_PENDING_MAX 1000
#define OUTBOX_KEY_HEX_LEN 32 /* 128 bits as lower-case hex */

enum outbox_err {
    OUTBOX_OK = 0,
    OUTBOX_E_INVALID,  /* bad argument (empty, too long, characters not allowed) */
    OUTBOX_E_FULL,     /* OUTBOX_PENDING_MAX items already pending */
    OUTBOX_E_NOTFOUND, /* no item with that id */
    OUTBOX_E_STATE,    /* the item is not pending (already sent or failed) */
    OUTBOX_E_DB,       /* SQLite failed (I/O, disk full, corrupt file); see errmsg */
    OUTBOX_E_RANDOM,   /* getrandom failed */
    OUTBOX_E_NOMEM,
};
const char *outbox_err_str(enum outbox_err err);

enum outbox_state { OUTBOX_PENDING = 0, OUTBOX_SENT = 1, OUTBOX_FAILED = 2 };
const char *outbox_state_str(enum outbox_state st);

/* One item as read back. Filled by outbox_get / outbox_list; release with
 * outbox_item_release (frees body and message). */
struct outbox_item {
    int64_t id;
    char kind[OUTBOX_KIND_MAX + 1];
    char method[8]; /* "POST" or "DELETE" */
    char path[OUTBOX_PATH_MAX + 1];
    char *body; /* owned, NUL-terminated JSON ("" when none) */
    char idem_key[OUTBOX_KEY_HEX_LEN + 1];
    enum outbox_state state;
    int64_t created_unix;
    int64_t updated_unix;
    int attempts;     /* delivery attempts recorded with outbox_note_attempt */
    long http_status; /* last HTTP status recorded (0 when none) */
    char *message;    /* owned: the hub's error (failed) or the last error ("" none) */
};
void outbox_item_release(struct outbox_item *it);

struct outbox;

/* Opens or creates the outbox file at `path` (its directory must exist) and migrates its
 * schema. On failure returns NULL and writes the reason (SQLite's words) into errmsg. */
struct outbox *outbox_open(const char *path, char *errmsg, size_t errmsg_len);
/* Closes the file. Accepts NULL. */
void outbox_close(struct outbox *ob);

/* The last SQLite error text of this outbox, for logs (borrowed until the next call on
 * `ob` from the same thread). */
const char *outbox_errmsg(struct outbox *ob);

/* Adds a pending item and COMMITS it durably before returning. `kind` 1-31 chars of
 * [a-z0-9_]; `method` "POST" or "DELETE"; `path` 1-255 printable ASCII chars starting with
 * '/'; `body` may be NULL (→ ""), at most OUTBOX_BODY_MAX bytes. On OUTBOX_OK *out (if not
 * NULL) is filled with the stored item (release it) — including its new idempotency key. */
enum outbox_err outbox_add(struct outbox *ob, const char *kind, const char *method,
                           const char *path, const char *body, struct outbox_item *out)
    __attribute__((warn_unused_result));

/* Reads one item. On OUTBOX_OK *out must be released. */
enum outbox_err outbox_get(struct outbox *ob, int64_t id, struct outbox_item *out)
    __attribute__((warn_unused_result));

/* The newest item of `kind` that is pending or sent (failed ones are skipped): what the
 * kiosk last did of that kind, e.g. today's check-in after a restart. OUTBOX_E_NOTFOUND
 * when there is none. On OUTBOX_OK *out must be released. */
enum outbox_err outbox_latest(struct outbox *ob, const char *kind, struct outbox_item *out)
    __attribute__((warn_unused_result));

/* Pending → sent, recording the HTTP status. OUTBOX_E_STATE if not pending. */
enum outbox_err outbox_mark_sent(struct outbox *ob, int64_t id, long http_status)
    __attribute__((warn_unused_result));

/* Pending → failed for good, keeping the hub's message (truncated to OUTBOX_MESSAGE_MAX). */
enum outbox_err outbox_mark_failed(struct outbox *ob, int64_t id, long http_status,
                                   const char *message) __attribute__((warn_unused_result));

/* Records one more attempt that left the item pending (its status and error words). */
enum outbox_err outbox_note_attempt(struct outbox *ob, int64_t id, long http_status,
                                    const char *message) __attribute__((warn_unused_result));

/* Lists the items in `state`, oldest first, at most `max` of them. On OUTBOX_OK *items is an
 * owned array of *n items: release each with outbox_item_release, then free(*items). */
enum outbox_err outbox_list(struct outbox *ob, enum outbox_state state, size_t max,
                            struct outbox_item **items, size_t *n)
    __attribute__((warn_unused_result));

/* Number of items in `state` (−1 on a database error). */
long outbox_count(struct outbox *ob, enum outbox_state state);

/* Deletes sent items last updated before `before_unix` (failed ones are kept for the
 * resident to see). Returns the number deleted, −1 on error. */
long outbox_prune_sent(struct outbox *ob, int64_t before_unix);

#endif
