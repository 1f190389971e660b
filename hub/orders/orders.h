/*
 * orders: the shopping-order core of the linkage hub (docs/orders.md).
 *
 * A resident orders items from one shopping-proxy operator's catalogue for a delivery
 * slot. This header holds what every part of the library shares: the status enum of the
 * library, the order value, the parser of the kiosk's order request and the resident's
 * view of an order.
 *
 * The library has no SQL: the hub's stores (hub/store/ordstore.h, deliveries.h,
 * famreqs.h, pseudokeys.h, webhooks.h) keep orders, deliveries, family requests and
 * pseudonym keys in the hub's database, inside the caller's transaction.
 *
 * Thread safety: no globals; every function may be called from any thread.
 */
#ifndef ORDERS_H
#define ORDERS_H

#include <stddef.h>

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
    ORDERS_DB,        /* the database failed; the caller rolls back (HTTP 500) */
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

/* When a well-formed slot (as orders_request_parse accepts) starts, in Unix seconds: its
 * date and start time are Japan time (UTC+9, no daylight saving). */
long long orders_slot_start(const char *slot);

/* The resident's own JSON of an order (kiosk order list): every field, including the
 * status in words. Returns an owned string (free with free()) or NULL. */
char *orders_resident_json(const struct orders_order *o);

#endif
