/*
 * ports: everything the app asks of the outside world, and everything it hears back.
 *
 * The app never talks to the network, the card, the disk or the speaker itself: it calls
 * these functions (which must return at once; real work happens elsewhere) and later
 * receives an app_event with the outcome through app_handle(). The kiosk binds them to the
 * hub client and SDL (platform/sdl/hubport.c); tests call app_handle() with the events
 * they want, so the app runs without a window or a network.
 */
#ifndef PORTS_H
#define PORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum app_answer { APP_ANSWER_GENKI = 0, APP_ANSWER_ITSUMO = 1, APP_ANSWER_GENKINAI = 2 };
/* "genki", "itsumo", "genkinai" (the hub's words); NULL for an unknown value. */
const char *app_answer_wire(enum app_answer a);
/* Parses the hub's word; returns -1 when unknown. */
int app_answer_parse(const char *s);

enum app_tone { APP_TONE_TAP, APP_TONE_SUCCESS, APP_TONE_FAILURE };

/* How a request to the hub ended. */
enum app_net {
    APP_NET_OK,          /* answered with success */
    APP_NET_UNREACHABLE, /* no answer: connection refused, timeout, TLS, no network */
    APP_NET_REFUSED,     /* answered with an error status (401/403/4xx/5xx) */
    APP_NET_BAD_ANSWER,  /* answered 2xx but the body made no sense */
};
const char *app_net_str(enum app_net n);

/* --- privacy + checkups: app/priv.h --- */
struct priv_answer;
struct priv_request;

#define APP_MAX_CHECKINS 50
#define APP_NAME_MAX     96

struct app_checkin {
    long long id;
    enum app_answer answer;
    int64_t at_unix;
};

enum app_event_kind {
    APP_EV_CHECKIN_DONE, /* answer to send_checkin: net, status, checkin */
    APP_EV_ME,           /* answer to fetch_me: net, status, resident_id, name */
    APP_EV_CHECKINS,     /* answer to fetch_checkins: net, status, items */
    APP_EV_HELP_DONE,    /* answer to send_help: net, status, name (who is alerted) */
    APP_EV_PENDING,      /* items waiting to be sent: count */
    /* the card reader (public kiosk); mirrors platform/card/card.h's events */
    APP_EV_CARD_NO_READER, /* no reader / no PC/SC service */
    APP_EV_CARD_READY,     /* a reader is there, waiting for a card */
    APP_EV_CARD_INSERTED,  /* a card was placed: card_seq; reading started */
    APP_EV_CARD_PRESENT,   /* reading done: card_seq, card (is_mynumber, tries_left) */
    APP_EV_CARD_REMOVED,   /* the card of card_seq left the reader */
    APP_EV_CARD_LOGIN,     /* answer to card_login: card.status, card.tries_left, name */
    /* --- privacy + checkups: the answer is in `priv` (app/priv.h) --- */
    APP_EV_PRIV_LOG,
    APP_EV_PRIV_CONSENTS,
    APP_EV_PRIV_CONSENT_SET,
    APP_EV_PRIV_ALERTS,
    APP_EV_PRIV_FAM_ALERTS,
    APP_EV_PRIV_ACK,
    APP_EV_CK_LIST,
    APP_EV_CK_ONE,
    APP_EV_CK_TREND,
    /* --- end privacy + checkups --- */
    /* --- shopping and family requests; payload in shop_data --- */
    APP_EV_SHOP_OPERATORS, /* fetch_operators: struct shop_ops_payload */
    APP_EV_SHOP_CATALOGUE, /* fetch_catalogue: struct shop_catalogue */
    APP_EV_SHOP_ORDER,     /* send_order: net, status, kept; shop_data struct shop_order */
    APP_EV_SHOP_ORDERS,    /* fetch_orders: struct shop_orders */
    APP_EV_REQ_SENT,       /* send_family_request: net, status, kept */
    APP_EV_REQ_LIST,       /* fetch_requests (resident) / fetch_inbox (family): shop_requests */
    APP_EV_REQ_ANSWERED,   /* answer_request: net, status */
    /* --- the home tablet's help calls and signs of life (app/watch.h) --- */
    APP_EV_HELP_LIST, /* fetch_help: net, status, count, help[] (newest first) */
    APP_EV_ACTIVITY,  /* send_activity: net (nothing to show; the outbox keeps it) */
    /* --- notices and safety confirmation; payload in `disaster` --- */
    APP_EV_NOTICES,     /* fetch_notices: struct notice_list (unchanged on 304) */
    APP_EV_SAFETY_LIST, /* fetch_safety: struct safety_list */
    APP_EV_SAFETY_SENT, /* send_safety: net, status, kept; struct safety_sent */
    APP_EV_FAM_SAFETY,  /* fetch_family_safety: struct famsafety_list (unchanged on 304) */
    /* --- statistics: the resident's refusal (app/statsopt.h); payload in `optout` --- */
    APP_EV_STATS_OPTOUT, /* stats_optout: net, status, optout */
};

/* The resident's refusal of statistical use as the hub has it (GET / POST
 * /v1/session/stats-optout): refused since when, and from when the state counts (the next
 * day's tables). Times are Unix seconds, 0 when the hub sent none. */
struct app_optout {
    bool refused;
    bool changed; /* a POST changed the state */
    int64_t since_unix;
    int64_t effective_unix;
};

/* How a card step ended, in the app's terms. */
enum app_card_status {
    APP_CARD_OK,
    APP_CARD_NOT_MYNUMBER, /* another card */
    APP_CARD_WRONG_PIN,    /* tries_left tells how many remain */
    APP_CARD_BLOCKED,      /* no tries left: only the city office can unblock */
    APP_CARD_TRIES_LOW,    /* refused before VERIFY: too few tries left for a kiosk */
    APP_CARD_REMOVED,      /* the card left during the operation */
    APP_CARD_ERROR,        /* the card or reader failed (timeout, unexpected answer) */
    APP_CARD_HUB_FAILED,   /* the hub could not be reached or did not accept the card */
    APP_CARD_OTHER_TOWN,   /* the card belongs to a resident of another municipality */
    /* --- card --- */
    APP_CARD_TIMEOUT,  /* the card did not finish within 10 s (a slow or badly placed card) */
    APP_CARD_REVOKED,  /* the hub refused the card: its certificate is revoked (reported lost) */
    APP_CARD_NO_CHECK, /* the hub cannot check any card now (no current revocation list) */
};

#define APP_TRIES_UNKNOWN (-1)

struct app_card {
    uint32_t card_seq;
    enum app_card_status status;
    int is_mynumber;
    int tries_left; /* 0..3 or APP_TRIES_UNKNOWN */
};

#define APP_HELP_MAX      5
#define APP_HELP_TOLD_MAX 4
#define APP_RESIDENTS_MAX 4

/* One help press and, per level it alerted (family first, then city), who acknowledged. */
struct app_help_press {
    int64_t at_unix;
    int nlev;
    struct {
        char level[16]; /* family, city */
        bool acked;
        char by_kind[16];
        char by[APP_NAME_MAX];
        int64_t at_unix;
    } lev[2];
    /* who has been told of it by mail or messaging webhook (docs/notify.md), one entry per
     * person, and whether they have seen it (acknowledged) */
    int ntold;
    struct {
        char by_kind[16]; /* family, staff */
        char by[APP_NAME_MAX];
        bool sent; /* a message reached them */
        bool seen;
    } told[APP_HELP_TOLD_MAX];
};

/* The municipality the device belongs to, as the hub says it (GET /v1/me): its name, its
 * service hours (free text; a leading "H:MM〜H:MM" also tells when it is open) and contact.
 * Empty texts until the hub answered. */
struct app_town {
    char name[APP_NAME_MAX];
    char hours[128];
    char contact[208];
};

struct app_event {
    enum app_event_kind kind;
    uint32_t req; /* the id the port returned when the request was made */
    enum app_net net;
    bool net_tls;            /* APP_NET_UNREACHABLE because the connection was not safe (the hub's
                                certificate or the TLS handshake failed), not because there is no
                                network: retrying does not help, someone must fix the setup */
    long status;             /* HTTP status when answered */
    long resident_id;        /* ME: the resident this device or family member is linked to */
    char name[APP_NAME_MAX]; /* ME: display name; HELP_DONE: who is being alerted ("" = default) */
    struct app_checkin checkin; /* CHECKIN_DONE */
    bool kept;          /* CHECKIN_DONE not delivered: kept on the device, retried automatically */
    bool waiting_known; /* CHECKIN_DONE: `waiting` below is set */
    int waiting;        /* items waiting to be sent after this event */
    int count;          /* CHECKINS: items used; PENDING: items waiting */
    struct app_checkin items[APP_MAX_CHECKINS];
    struct app_card card; /* CARD_*: the card concerned */
    /* --- privacy + checkups --- */
    struct priv_answer *priv; /* PRIV_* / CK_*: the parsed answer or NULL; owned by the event
                                 (free() it with the event: hubport_event_free) */
    /* --- shopping and family requests --- */
    void *shop_data; /* SHOP_* / REQ_*: the parsed answer (see kind); owned by the event */
    bool is_inbox;   /* REQ_LIST: the family member's inbox (else the resident's list) */
    /* ME of a home device: the resident's newest check-in at the hub is in `checkin` */
    bool has_last;
    /* ME of a family member: every linked resident (resident_id/name are the first) */
    int n_residents;
    struct {
        long id;
        char name[APP_NAME_MAX];
    } residents[APP_RESIDENTS_MAX];
    struct app_help_press help[APP_HELP_MAX]; /* HELP_LIST (count of them) */
    struct app_town town;                     /* ME: the device's municipality (name "" = none) */
    void *disaster; /* NOTICES / SAFETY_* / FAM_SAFETY: the parsed answer (see kind); owned by the
                       event */
    struct app_optout optout; /* STATS_OPTOUT */
};

/* The functions return a non-zero request id, or 0 when the request could not even be
 * queued (the app then reports the failure at once, in words). send_checkin may keep the
 * check-in durably on the device (home tablet outbox): then a failed attempt is answered
 * with kept = true and the same id, and a later delivery with APP_NET_OK and that id. */
struct app_ports {
    void *ctx;
    uint32_t (*send_checkin)(void *ctx, enum app_answer a, const char *idempotency_key);
    uint32_t (*fetch_me)(void *ctx);
    uint32_t (*fetch_checkins)(void *ctx, long resident_id, int limit);
    uint32_t (*send_help)(void *ctx, const char *idempotency_key);
    void (*tone)(void *ctx, enum app_tone t); /* may be NULL */
    /* Card login on the card of card_seq: hub challenge → card signs with the PIN → hub
     * session; one APP_EV_CARD_LOGIN follows. The PIN (pin_len ASCII digits) is copied; the
     * caller wipes its own copy. min_tries: refuse before VERIFY with fewer tries left.
     * May be NULL (no card support). */
    uint32_t (*card_login)(void *ctx, uint32_t card_seq, const char *pin, size_t pin_len,
                           int min_tries);
    /* Try every kept item again now (もう一度 送る on a kept check-in). May be NULL. */
    void (*retry_pending)(void *ctx);
    /* The card session ended (終わる, idle, card removed): end it at the hub and forget
     * it. May be NULL. */
    void (*card_logout)(void *ctx);
    /* --- privacy + checkups --- */
    /* One request for the resident's own data (with the card session) or the family's
     * alerts; answered by the APP_EV_PRIV_* / APP_EV_CK_* event of r->what. May be NULL. */
    uint32_t (*priv_request)(void *ctx, const struct priv_request *r);
    /* --- shopping and family requests; each may be NULL --- */
    uint32_t (*fetch_operators)(void *ctx);
    uint32_t (*fetch_catalogue)(void *ctx, long operator_id);
    /* Orders go through the outbox where there is one (kept, then delivered once). */
    uint32_t (*send_order)(void *ctx, long operator_id, const char *body, const char *key);
    uint32_t (*fetch_orders)(void *ctx, int limit);
    uint32_t (*send_family_request)(void *ctx, long family_id, const char *code, const char *key);
    uint32_t (*fetch_requests)(void *ctx, int limit);
    /* family profile: pull new requests (and acknowledge them), answer one */
    uint32_t (*fetch_inbox)(void *ctx);
    /* answers わかりました to request_id and acknowledges its delivery (0 = none known) */
    uint32_t (*answer_request)(void *ctx, long request_id, long delivery_id);
    /* --- home tablet; each may be NULL --- */
    /* GET /v1/help: the latest help presses with who acknowledged each level */
    uint32_t (*fetch_help)(void *ctx);
    /* POST /v1/activity {"kind":"touch"}: a passive sign of life, through the outbox */
    uint32_t (*send_activity)(void *ctx);
    /* --- notices and safety confirmation; each may be NULL --- */
    /* GET /v1/notices (the port keeps the ETag and asks with If-None-Match) */
    uint32_t (*fetch_notices)(void *ctx);
    /* GET /v1/safety: the open safety checks of this home tablet's resident */
    uint32_t (*fetch_safety)(void *ctx);
    /* POST /v1/safety/{id}/answer through the outbox (kept, delivered once); answer is
     * "safe" or "need_help", at the Unix time of the tap */
    uint32_t (*send_safety)(void *ctx, long long check_id, const char *answer, int64_t at,
                            const char *key);
    /* GET /v1/family/safety (family token; the port keeps the ETag and asks with
     * If-None-Match): the checks of the last 7 days that asked a linked resident */
    uint32_t (*fetch_family_safety)(void *ctx);
    /* Speaks text (UTF-8, in lang "ja"/"en") at volume / rate in per cent of normal,
     * replacing what is being spoken; NULL text stops. Returns at once. */
    void (*speak)(void *ctx, const char *text, const char *lang, int volume_pct, int rate_pct);
    /* --- statistics; may be NULL --- */
    /* The card session's refusal of statistical use: set < 0 asks (GET), 1 refuses, 0
     * withdraws the refusal (POST); one APP_EV_STATS_OPTOUT follows. 0 without a session. */
    uint32_t (*stats_optout)(void *ctx, int set);
};

#endif
