/*
 * orders: the shopping-order core of the linkage hub (docs/orders.md).
 *
 * A resident orders items from one shopping-proxy operator's catalogue for a delivery
 * slot. This header holds what every part of the library shares: the status enum of the
 * library, the order value, its storage (SQLite tables, as SQL text the hub applies), the
 * parser of the kiosk's order request and the status update of an order.
 *
 * The library never opens a database and never starts a transaction the caller could need
 * to share: every storing function takes the caller's `sqlite3 *` and runs its statements
 * inside whatever transaction the caller has open. The hub opens BEGIN IMMEDIATE, calls
 * the order functions, writes its audit record, and commits: the order, the idempotency
 * answer, the delivery and the audit record become durable together or not at all.
 *
 * Thread safety: no globals; a function may be called from any thread as long as the
 * `sqlite3 *` it is given is not used by another thread at the same time.
 */
#ifndef ORDERS_H
#define ORDERS_H

#include <stddef.h>
#include <sqlite3.h>

#include "ostatus.h"

/* Status results must be looked at (STYLE.md 5). */
#ifndef ORDERS_MUST_USE
#define ORDERS_MUST_USE __attribute__((warn_unused_result))
#endif

/* Hard caps on outside input. */
#define ORDERS_MAX_BODY      (64u * 1024u) /* a request body (docs/api.md: 64 KiB) */
#define ORDERS_MAX_ITEMS     50            /* lines in one order */
#define ORDERS_MAX_QTY       99            /* of one item */
#define ORDERS_ITEM_ID_MAX   33            /* [a-z0-9_-]{1,32} + NUL */
#define ORDERS_NAME_MAX      129           /* item name, UTF-8 bytes + NUL */
#define ORDERS_DISTRICT_MAX  65            /* district, UTF-8 bytes + NUL */
#define ORDERS_SLOT_MAX      23            /* "2026-11-24T15:00/17:00" + NUL */
#define ORDERS_PAYMENT_MAX   24            /* payment method code + NUL */
#define ORDERS_RECIPIENT_MAX 48            /* "operator:123" / "family:7" + NUL */
#define ORDERS_MAX_PRICE_YEN 1000000L      /* one item's unit price */
#define ORDERS_MAX_TOTAL_YEN 10000000L     /* one order */

/* Status of every orders_* call and of the other modules that have no enum of their own. */
enum orders_rc {
    ORDERS_OK = 0,
    ORDERS_INVALID,   /* bad input; the err text says what (HTTP 400/422) */
    ORDERS_NOT_FOUND, /* no such order/delivery for this caller (HTTP 404) */
    ORDERS_CONFLICT,  /* not allowed in the current state (HTTP 409) */
    ORDERS_DB,        /* SQLite failed; the caller rolls back (HTTP 500) */
    ORDERS_NOMEM,     /* out of memory (HTTP 500) */
    ORDERS_IO,        /* a file could not be read (catalogue, picture) */
    ORDERS_CRYPTO,    /* the OpenSSL random generator or HMAC failed */
};

/* snake_case name of a status ("ok", "invalid", ...), usable as an API error code. */
const char *orders_rc_str(enum orders_rc rc);

/* One line of an order. The name and unit price are copied from the catalogue when the
 * order is created, so later catalogue changes do not change a placed order. */
struct orders_item {
    char id[ORDERS_ITEM_ID_MAX];
    char name[ORDERS_NAME_MAX];
    int qty;
    long unit_price_yen;
};

/* An order as stored. A plain value: no pointers, copy freely. */
struct orders_order {
    long long id; /* 0 until stored */
    long long resident_id;
    long long operator_id;
    char district[ORDERS_DISTRICT_MAX];
    char slot[ORDERS_SLOT_MAX];       /* "YYYY-MM-DDTHH:MM/HH:MM" (local time of the city) */
    char payment[ORDERS_PAYMENT_MAX]; /* "cash_on_delivery" or "invoice" */
    int n_items;
    struct orders_item items[ORDERS_MAX_ITEMS];
    long total_yen;
    enum ostatus status;
    long long eta_unix;      /* out_for_delivery: announced time; 0 otherwise */
    char cancel_reason[257]; /* cancelled: the operator's reason */
    long long created_unix;
    long long updated_unix;
};

/*
 * The SQL that creates every table of the library (orders, order items, idempotency keys,
 * pseudonym keys, deliveries, webhook endpoints, family requests). Idempotent
 * (CREATE ... IF NOT EXISTS). Static string, do not free.
 */
const char *orders_schema_sql(void);
/* The same text: the hub's versioned migrations (hub/core/hubdb.c) apply it as one step;
 * a later change to these tables is a new migration there, never an edit here. */
extern const char orders_schema_ddl[];

/* Runs orders_schema_sql() on db. Returns ORDERS_OK or ORDERS_DB. */
enum orders_rc orders_schema_apply(sqlite3 *db) ORDERS_MUST_USE;

/* Opens a database file the way the library expects it (WAL, synchronous=FULL, foreign
 * keys on, busy timeout 5 s) and applies the schema: for tests, tools and the benchmark;
 * the hub creates the tables through its migrations instead. Returns an owned handle
 * (close with sqlite3_close) or NULL. */
sqlite3 *orders_db_open(const char *path);

struct catalog;

/*
 * Parses the kiosk's order request
 *   {"items":[{"id":"cabbage","qty":2},...], "slot":"2026-11-24T15:00/17:00",
 *    "payment_method":"cash_on_delivery"}
 * against the operator's catalogue (names and prices come from there) and fills *out
 * (operator_id, resident_id and district are the caller's, from the authenticated device
 * and the resident's record). Returns ORDERS_OK or ORDERS_INVALID with a plain-English
 * message in err (no personal data in it).
 */
enum orders_rc orders_request_parse(const char *json, size_t len, const struct catalog *cat,
                                    struct orders_order *out, char *err,
                                    size_t errlen) ORDERS_MUST_USE;

/* Stores a new order (status "created") and its items; sets o->id, created/updated times.
 * Runs inside the caller's transaction. Returns ORDERS_OK, ORDERS_INVALID or ORDERS_DB. */
enum orders_rc orders_insert(sqlite3 *db, struct orders_order *o, long long now) ORDERS_MUST_USE;

struct oview_person;

/*
 * Places a parsed order: the hub's work inside its create transaction, in one call.
 * Stores o (orders_insert), builds the operator's minimal view with the operator's
 * pseudonym of the resident (name and address only if address_consent, then person must
 * be given), and enqueues it as event "order.created" for recipient "operator:<id>"
 * (pull, and push if the operator has a webhook). The caller has BEGIN IMMEDIATE open and
 * writes its audit record of the release in the same transaction; operator_body (may be
 * NULL) receives the released body, owned (free()), for that record.
 * Returns ORDERS_OK, ORDERS_INVALID, ORDERS_DB, ORDERS_NOMEM or ORDERS_CRYPTO.
 */
enum orders_rc orders_place(sqlite3 *db, struct orders_order *o, int address_consent,
                            const struct oview_person *person, long long now,
                            char **operator_body) ORDERS_MUST_USE;

/* Reads order id into *out. ORDERS_NOT_FOUND if there is none. */
enum orders_rc orders_get(sqlite3 *db, long long id, struct orders_order *out) ORDERS_MUST_USE;

/*
 * Applies an operator's status update to order id, which must belong to operator_id
 * (otherwise ORDERS_NOT_FOUND, so an operator learns nothing about other operators' orders).
 * The transition is checked with ostatus_check: a repeat of the current status is a no-op
 * (*changed = 0), a move the state machine forbids is ORDERS_CONFLICT with the reason in err.
 * Runs inside the caller's transaction (the hub also enqueues the status for the kiosk).
 */
enum orders_rc orders_set_status(sqlite3 *db, long long id, long long operator_id,
                                 const struct ostatus_update *u, long long now, int *changed,
                                 char *err, size_t errlen) ORDERS_MUST_USE;

/* The resident's own JSON of an order (kiosk order list): every field, including the
 * status in words. Returns an owned string (free with free()) or NULL. */
char *orders_resident_json(const struct orders_order *o);

/*
 * The resident's order list for the kiosk, newest first, limit 1..100:
 *   {"orders":[<orders_resident_json of each>]}
 * *out is owned (free()). ORDERS_OK, ORDERS_INVALID (limit) or ORDERS_DB/ORDERS_NOMEM.
 */
enum orders_rc orders_list_resident_json(sqlite3 *db, long long resident_id, int limit,
                                         char **out) ORDERS_MUST_USE;

#endif
