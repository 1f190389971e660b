/*
 * shop: the shopping and family-request state of the kiosk, without a platform:
 * operators, one operator's catalogue, the cart (quantities with caps, the total in yen),
 * delivery slots, the order body sent to the hub, the resident's orders with their status
 * in words, and family requests. The platform parses the hub's JSON into these structs
 * (platform/sdl/shopport.c); the screens (scr_shop_*.c, scr_req_*.c) read and change them.
 *
 * Everything here is plain data with hard caps, so a hub answer can never make it grow.
 * Threading: UI thread only.
 */
#ifndef SHOP_H
#define SHOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHOP_MAX_OPS     6
#define SHOP_MAX_CATS    32
#define SHOP_MAX_ITEMS   200
#define SHOP_ID_MAX      33  /* 1–32 of [a-z0-9_-] and the NUL */
#define SHOP_NAME_MAX    129 /* 1–128 bytes */
#define SHOP_UNIT_MAX    33
#define SHOP_PIC_MAX     129
#define SHOP_QTY_MAX     20       /* per item: more is almost surely a slip of the finger */
#define SHOP_LINES_MAX   50       /* the hub's cap on lines of one order */
#define SHOP_TOTAL_MAX   200000L  /* yen: a kiosk order above this is refused on the screen */
#define SHOP_PRICE_MAX   1000000L /* the catalogue format's cap */
#define SHOP_MAX_ORDERS  30
#define SHOP_ORDER_LINES 8 /* lines kept per order for the list (the list shows a summary) */
#define SHOP_WORDS_MAX   160
#define SHOP_MAX_REQS    30
#define SHOP_MAX_FAMILY  6
#define SHOP_SLOTS       4

struct shop_operator {
    long id;
    char name[SHOP_NAME_MAX];
    bool has_catalogue;
};

struct shop_category {
    char id[SHOP_ID_MAX];
    char name[SHOP_NAME_MAX];
};

struct shop_item {
    char id[SHOP_ID_MAX];
    int cat; /* index into categories */
    char name[SHOP_NAME_MAX];
    char unit[SHOP_UNIT_MAX];
    long price_yen;
    char picture[SHOP_PIC_MAX]; /* the catalogue's relative path ("" = none) */
};

/* One operator's catalogue as the kiosk shows it. */
struct shop_catalogue {
    long operator_id;
    char operator_name[SHOP_NAME_MAX];
    int ncat;
    struct shop_category cats[SHOP_MAX_CATS];
    int nitems;
    struct shop_item items[SHOP_MAX_ITEMS];
};

/* Status of an order as the resident sees it. SHOP_ST_WAITING: kept on this tablet, not
 * delivered to the hub yet (送信待ち); SHOP_ST_REFUSED: the hub refused it for good. */
enum shop_status {
    SHOP_ST_WAITING,
    SHOP_ST_CREATED,
    SHOP_ST_ACCEPTED,
    SHOP_ST_OUT_FOR_DELIVERY,
    SHOP_ST_DELIVERED,
    SHOP_ST_CANCELLED,
    SHOP_ST_REFUSED,
};
const char *shop_status_str(enum shop_status s);
/* The hub's status word ("created", "accepted", ...); -1 when unknown. */
int shop_status_parse(const char *s);

/* One line of an order as the hub lists it (what "the same again" orders). */
struct shop_order_line {
    char id[SHOP_ID_MAX];
    int qty;
};

struct shop_order {
    long id; /* the hub's id; 0 while waiting */
    long operator_id;
    enum shop_status status;
    long total_yen;
    int64_t eta_unix; /* out for delivery: expected time (0 = unknown) */
    int64_t created_unix;
    char slot[40]; /* "2026-11-24T15:00/17:00" */
    char cancel_reason[SHOP_NAME_MAX];
    char first_item[SHOP_NAME_MAX]; /* for the list: "キャベツ ほか 2 点" */
    int nlines;
    long http_status; /* refused: the hub's status */
    int nkept;        /* lines kept below (the first SHOP_ORDER_LINES of nlines) */
    struct shop_order_line line[SHOP_ORDER_LINES];
};

struct shop_orders {
    int n;
    struct shop_order o[SHOP_MAX_ORDERS];
};

/* Family requests: fixed phrases only. */
enum shop_req_code { SHOP_REQ_CALL_ME, SHOP_REQ_COME_OVER, SHOP_REQ_SHOPPING_HELP };
#define SHOP_REQ_CODES 3
/* "call_me", "come_over", "shopping_help" */
const char *shop_req_code_wire(enum shop_req_code c);
/* -1 when unknown */
int shop_req_code_parse(const char *s);
/* The hub's answer word: "understood" → 1; null/absent → 0; anything else → -1. */
int shop_req_answer_parse(const char *s);

struct shop_request {
    long id;
    long family_id;
    char family_name[SHOP_NAME_MAX];
    long resident_id;
    enum shop_req_code code;
    int64_t at_unix;
    bool answered;
    int64_t answered_unix;
    bool waiting;     /* resident side: kept on the tablet, not delivered yet */
    long delivery_id; /* family side: the hub's delivery to acknowledge (0 = none) */
};

struct shop_requests {
    int n;
    struct shop_request r[SHOP_MAX_REQS];
};

struct shop_family {
    long id;
    char name[SHOP_NAME_MAX];
};

/* --- the cart --- */
struct shop_cart {
    int qty[SHOP_MAX_ITEMS]; /* by item index of the catalogue */
};
/* Changes the quantity of item i by delta within 0..SHOP_QTY_MAX, keeping the total at or
 * under SHOP_TOTAL_MAX and the number of lines at or under SHOP_LINES_MAX. Returns true
 * when the quantity changed. */
bool shop_cart_add(struct shop_cart *c, const struct shop_catalogue *cat, int i, int delta);
long shop_cart_total(const struct shop_cart *c, const struct shop_catalogue *cat);
int shop_cart_lines(const struct shop_cart *c, const struct shop_catalogue *cat);
int shop_cart_count(const struct shop_cart *c, const struct shop_catalogue *cat);
void shop_cart_clear(struct shop_cart *c);
/* Whether + may be pressed for item i (below the caps). */
bool shop_cart_can_add(const struct shop_cart *c, const struct shop_catalogue *cat, int i);

/* The order request body for the hub:
 * {"items":[{"id":"cabbage","qty":2}],"slot":"…","payment_method":"cash_on_delivery"}.
 * Returns the length, or -1 when the cart is empty or buf is too small. */
int shop_order_body(const struct shop_cart *c, const struct shop_catalogue *cat, const char *slot,
                    char *buf, size_t size);

/* Fills the cart with the lines of order o that the catalogue still has (at today's
 * prices, within the caps). Returns the number of lines taken. */
int shop_cart_from_order(struct shop_cart *c, const struct shop_catalogue *cat,
                         const struct shop_order *o);

/* Day of the week of a Gregorian date, 0 = Sunday. */
int shop_weekday(int year, int month, int day);

/* --- delivery slots: the next SHOP_SLOTS two-hour windows (10–12, 15–17) starting
 * tomorrow, computed in JST from the wall clock. */
struct shop_slot {
    char wire[40]; /* "2026-11-24T15:00/17:00" */
    int year, month, day, start_h, end_h;
};
void shop_slots(int64_t now_unix, struct shop_slot out[SHOP_SLOTS]);
/* Parses "YYYY-MM-DDTHH:MM/HH:MM" back; false when malformed. */
bool shop_slot_parse(const char *wire, struct shop_slot *out);

/* --- paging: how many pages n items make at per_page a page, and the first index of page
 * p (clamped). per_page ≥ 1. */
int shop_pages(int n, int per_page);
int shop_page_first(int n, int per_page, int page);

/* Items of category cat_idx, in catalogue order: fills idx (up to cap) and returns the
 * count. */
int shop_items_of(const struct shop_catalogue *cat, int cat_idx, int *idx, int cap);

/* Validates an id of the catalogue format (1–32 of [a-z0-9_-]). */
bool shop_id_ok(const char *s);

#endif
