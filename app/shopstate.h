/*
 * shopstate: the shopping and family-request part of struct app, shared by
 * app.c and the scr_shop_* / scr_req_* screens only. Allocated with the app, wiped when a
 * session ends (nothing of it goes to disk here; the platform may cache the catalogue on a
 * home tablet, which is not personal data).
 */
#ifndef SHOPSTATE_H
#define SHOPSTATE_H

#include "ports.h"
#include "shop.h"

/* A picture the platform draws over the frame (the draw list has no images): rect in px,
 * the catalogue's picture path of operator_id. Reset every frame. */
struct shop_pic_ref {
    int x, y, w, h;
    long operator_id;
    char path[SHOP_PIC_MAX];
};
#define SHOP_PICS_MAX 8

/* one loading list: in flight, loaded, failed (unreachable or refused with a status) */
struct shop_load {
    uint32_t req;
    bool loading, loaded, failed;
    long refused; /* HTTP status of a refusal, 0 otherwise */
    int64_t at;   /* wall time of the last success */
};

/* An order the resident confirmed on this tablet in this run (kept until delivered). */
struct shop_kept {
    uint32_t req;
    enum shop_status status; /* WAITING, CREATED (delivered) or REFUSED */
    long total_yen;
    long http_status;
    int64_t at;
    char slot[40];
    char first_item[SHOP_NAME_MAX];
    int nlines;
};
#define SHOP_KEPT_MAX 8

enum shop_send {
    SHOP_SEND_NONE,
    SHOP_SEND_SENDING,
    SHOP_SEND_DONE,
    SHOP_SEND_KEPT,
    SHOP_SEND_FAILED
};

struct app_shop {
    /* operators and the chosen one's catalogue */
    struct shop_load ops_load;
    int nops;
    struct shop_operator ops[SHOP_MAX_OPS];
    int op; /* index into ops */
    int ops_page;
    struct shop_load cat_load;
    long cat_want; /* the operator whose catalogue is being loaded */
    struct shop_catalogue cat;
    int cat_idx;             /* chosen category */
    int cat_page, cat_pages; /* category list page (the title says it) */
    bool cat_tight;          /* ... but not under a notice band at large text */
    int item_page;           /* items page */
    int item_pages;          /* pages of the last frame (the title says them) */
    int cart_page, cart_pages;
    int confirm_page, confirm_pages; /* the confirm screen's words, when they need pages */
    int menu_page, menu_pages;       /* one row of くらしの 用事 a page under a notice band */
    int slot_page, slot_pages;       /* one day a page under a notice band */
    int sent_page, sent_pages;       /* the order's outcome in words, under a notice band */
    struct shop_cart cart;
    struct shop_slot slots[SHOP_SLOTS];
    int slot; /* -1: none chosen */
    /* "the same again": the order repeated; its lines fill the cart once its operator's
     * catalogue is here */
    bool again_pending;
    struct shop_order again;
    bool again_elsewhere; /* the くらし menu had no room for it: the categories show it */

    /* the order being sent */
    struct {
        enum shop_send state;
        uint32_t req;
        enum app_net fail;
        long http_status;
        long order_id;
        long total_yen;
        int64_t at;
        char slot[40];
    } send;
    struct shop_kept kept[SHOP_KEPT_MAX];
    int nkept;

    /* the resident's orders */
    struct shop_load orders_load;
    struct shop_orders orders;
    int orders_page, orders_pages;

    /* family requests, the resident's side */
    int nfamily;
    struct shop_family family[SHOP_MAX_FAMILY];
    int req_code; /* chosen phrase */
    struct {
        enum shop_send state;
        uint32_t req;
        enum app_net fail;
        long http_status;
        long family_id;
        char family_name[SHOP_NAME_MAX];
        int code;
    } rsend;
    struct shop_load reqs_load;
    struct shop_requests reqs;
    int reqs_page;

    /* family requests, the family member's side */
    struct shop_load inbox_load;
    struct shop_requests inbox;
    int inbox_page;
    uint64_t inbox_next_ms;
    struct {
        enum shop_send state;
        uint32_t req;
        long request_id;
        long http_status;
    } answer;

    int npics;
    struct shop_pic_ref pics[SHOP_PICS_MAX];
};

/* Payloads the platform attaches to events (ev->shop_data, owned by the event). */
struct shop_ops_payload {
    int n;
    struct shop_operator ops[SHOP_MAX_OPS];
};
/* REQ_LIST: the requests, and (resident side) the family members who may receive them:
 * the hub's "family" list when it sends one, else those seen in the requests. */
struct shop_reqs_payload {
    struct shop_requests reqs;
    int nfamily;
    struct shop_family family[SHOP_MAX_FAMILY];
};

struct app;
struct ui_rect;
/* Catalogue samples: two operators, the demo catalogue with pictures, a cart, orders in
 * every status, family members, requests with and without an answer. */
void shopapp_sample(struct app *a);
/* Says in words that l is loading or failed (with what to do next) at the top of c;
 * draws a もう一度 button (id "retry") on failure, which returns true. *used gets the
 * height used (0 when l is loaded and fine). */
bool shopapp_load_note(struct app *a, const struct shop_load *l, struct ui_rect c, int *used);

/* Pictures of the last frame (none while a dialog covers the screen). */
int shopapp_pictures(const struct app *a, const struct shop_pic_ref **out);
void shopapp_frame_begin(struct app *a);
void shopapp_add_picture(struct app *a, struct ui_rect r, const char *path);

#endif
