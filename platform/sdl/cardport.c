/*
 * cardport: card login glue (see cardport.h). One login at a time; a step's answer that
 * does not belong to the login in progress (the card was removed meanwhile) is dropped.
 */
#include "cardport.h"

#include <SDL.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "card.h"
#include "hubclient.h"
#include "hubport.h"
#include "kb64.h"

#define TAG_CHALLENGE (HUBPORT_TAG_RAW + 1)
#define TAG_LOGIN     (HUBPORT_TAG_RAW + 2)
#define TAG_LOGOUT    (HUBPORT_TAG_RAW + 3)
#define CHALLENGE_MAX 64
#define SESSION_MAX   160

enum stage { ST_IDLE, ST_CHALLENGE, ST_SIGNING, ST_HUB };

struct cardport {
    struct card *card;
    struct hubport *hp;
    uint32_t ev_type;
    /* the card in the reader */
    uint32_t seq;
    unsigned char cert[CARD_CERT_MAX];
    size_t cert_len;
    /* the login in progress */
    enum stage stage;
    uint32_t login_id, next_id, hub_req;
    char pin[8]; /* only between 決定 and the challenge's arrival */
    size_t pin_len;
    int min_tries;
    unsigned char chal[CHALLENGE_MAX];
    size_t chal_len;
    char session[SESSION_MAX];
    /* card: the app gave up on the login in progress (Back while signing):
     * its answer is not reported, and a session it opens is ended at once */
    bool abandoned;
    unsigned logouts_pending; /* card: logouts sent, not answered yet */
};

static void post_card(void *ctx, const struct card_event *ev)
{
    struct cardport *cp = ctx;
    struct card_event *copy = card_event_dup(ev);
    if (!copy)
        return;
    SDL_Event e;
    SDL_zero(e);
    e.type = cp->ev_type;
    e.user.data1 = copy;
    if (SDL_PushEvent(&e) != 1)
        free(copy);
}

struct cardport *cardport_create(struct hubport *hp, uint32_t card_event_type, char *err,
                                 size_t errsize)
{
    struct cardport *cp = calloc(1, sizeof *cp);
    if (!cp) {
        snprintf(err, errsize, "out of memory");
        return NULL;
    }
    cp->hp = hp;
    cp->ev_type = card_event_type;
    cp->card = card_create(post_card, cp);
    if (!cp->card) {
        snprintf(err, errsize, "cannot start the card reader adapter");
        free(cp);
        return NULL;
    }
    return cp;
}

static void wipe_login(struct cardport *cp)
{
    explicit_bzero(cp->pin, sizeof cp->pin);
    cp->pin_len = 0;
    explicit_bzero(cp->chal, sizeof cp->chal);
    cp->chal_len = 0;
    cp->stage = ST_IDLE;
    cp->hub_req = 0;
    cp->abandoned = false;
}

static void logout(void *ctx)
{
    struct cardport *cp = ctx;
    if (cp->stage != ST_IDLE) {
        /* a login still running: no PIN is kept for it, and whatever it opens is ended */
        explicit_bzero(cp->pin, sizeof cp->pin);
        cp->pin_len = 0;
        cp->abandoned = true;
    }
    if (cp->session[0] && cp->hp)
        cp->logouts_pending += hubport_submit_raw(cp->hp, HUBC_POST, "/v1/auth/logout", "{}",
                                                  cp->session, TAG_LOGOUT) != 0;
    explicit_bzero(cp->session, sizeof cp->session);
}

void cardport_finish(struct cardport *cp, uint32_t raw_event_type, unsigned max_ms)
{
    if (!cp)
        return;
    logout(cp);
    Uint64 until = SDL_GetTicks64() + max_ms;
    while (cp->logouts_pending > 0 && SDL_GetTicks64() < until) {
        SDL_Event e;
        SDL_PumpEvents();
        /* only the raw hub answers: everything else stays for the caller's drain */
        if (SDL_PeepEvents(&e, 1, SDL_GETEVENT, raw_event_type, raw_event_type) == 1) {
            struct hubc_result *res = e.user.data1;
            if (res && res->tag == TAG_LOGOUT && cp->logouts_pending)
                cp->logouts_pending--;
            hubc_result_free(res);
        } else {
            SDL_Delay(5);
        }
    }
}

void cardport_destroy(struct cardport *cp)
{
    if (!cp)
        return;
    card_destroy(cp->card);
    logout(cp);
    wipe_login(cp);
    explicit_bzero(cp->cert, sizeof cp->cert);
    free(cp);
}

/* net/net_tls: why the hub could not be asked (APP_NET_OK when it was not the hub) */
static void answer_net(struct cardport *cp, struct app *app, enum app_card_status st, int tries,
                       const char *name, enum app_net net, bool net_tls)
{
    if (cp->abandoned) { /* the app left the login: nothing to say */
        wipe_login(cp);
        return;
    }
    struct app_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = APP_EV_CARD_LOGIN;
    ev.req = cp->login_id;
    ev.card.card_seq = cp->seq;
    ev.card.status = st;
    ev.card.tries_left = tries;
    ev.net = net;
    ev.net_tls = net_tls;
    if (name)
        snprintf(ev.name, sizeof ev.name, "%s", name);
    wipe_login(cp);
    app_handle(app, &ev);
}

static void answer(struct cardport *cp, struct app *app, enum app_card_status st, int tries,
                   const char *name)
{
    answer_net(cp, app, st, tries, name, APP_NET_OK, false);
}

static uint32_t login(void *ctx, uint32_t card_seq, const char *pin, size_t pin_len, int min_tries)
{
    struct cardport *cp = ctx;
    if (cp->stage != ST_IDLE || card_seq != cp->seq || !cp->cert_len || pin_len != 4) {
        fprintf(stderr, "kiosk: card login refused: %s\n",
                cp->stage != ST_IDLE  ? "another login is running"
                : card_seq != cp->seq ? "not the card in the reader"
                : !cp->cert_len       ? "the card's certificate was not read"
                                      : "the PIN is not 4 digits");
        return 0;
    }
    memcpy(cp->pin, pin, 4);
    cp->pin_len = 4;
    cp->min_tries = min_tries;
    cp->hub_req =
        hubport_submit_raw(cp->hp, HUBC_POST, "/v1/auth/challenge", "{}", NULL, TAG_CHALLENGE);
    if (!cp->hub_req) {
        wipe_login(cp);
        return 0;
    }
    cp->stage = ST_CHALLENGE;
    cp->login_id = ++cp->next_id ? cp->next_id : ++cp->next_id;
    return cp->login_id;
}

/* privacy + checkups: the session's token for the resident's own data */
static const char *session_of(void *ctx)
{
    struct cardport *cp = ctx;
    return cp->session[0] ? cp->session : NULL;
}

void cardport_bind(struct cardport *cp, struct hubport *hp)
{
    hubport_set_session_source(hp, session_of, cp); /* privacy + checkups */
    hubport_set_card(hp, cp, login, logout);
}

static enum app_card_status map_status(enum card_status st)
{
    switch (st) {
    case CARD_OK:
        return APP_CARD_OK;
    case CARD_NOT_MYNUMBER:
        return APP_CARD_NOT_MYNUMBER;
    case CARD_WRONG_PIN:
        return APP_CARD_WRONG_PIN;
    case CARD_BLOCKED:
        return APP_CARD_BLOCKED;
    case CARD_TRIES_LOW:
        return APP_CARD_TRIES_LOW;
    case CARD_TIMEOUT:
        return APP_CARD_TIMEOUT;
    case CARD_REMOVED:
    case CARD_NO_CARD:
        return APP_CARD_REMOVED;
    default:
        return APP_CARD_ERROR;
    }
}

static void to_app(struct app *app, enum app_event_kind kind, uint32_t seq, enum app_card_status st,
                   int mynumber, int tries)
{
    struct app_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    ev.card.card_seq = seq;
    ev.card.status = st;
    ev.card.is_mynumber = mynumber;
    ev.card.tries_left = tries;
    app_handle(app, &ev);
}

/* The card signed: send challenge, certificate and signature to the hub. */
static void send_login(struct cardport *cp, const struct card_event *ev, struct app *app)
{
    char chal[4 * CHALLENGE_MAX / 3 + 8], sig[4 * CARD_SIG_MAX / 3 + 8];
    char *cert = malloc(4 * CARD_CERT_MAX / 3 + 8), *body = NULL;
    size_t body_len = 4 * CARD_CERT_MAX / 3 + sizeof chal + sizeof sig + 128;
    body = malloc(body_len);
    if (!cert || !body || kb64_encode(cp->chal, cp->chal_len, chal, sizeof chal) < 0 ||
        kb64_encode(cp->cert, cp->cert_len, cert, 4 * CARD_CERT_MAX / 3 + 8) < 0 ||
        kb64_encode(ev->sig, ev->sig_len, sig, sizeof sig) < 0) {
        answer(cp, app, APP_CARD_ERROR, APP_TRIES_UNKNOWN, NULL);
        goto out;
    }
    snprintf(body, body_len, "{\"challenge\":\"%s\",\"certificate\":\"%s\",\"signature\":\"%s\"}",
             chal, cert, sig);
    cp->hub_req =
        hubport_submit_raw(cp->hp, HUBC_POST, "/v1/auth/card-login", body, NULL, TAG_LOGIN);
    if (!cp->hub_req)
        answer(cp, app, APP_CARD_HUB_FAILED, APP_TRIES_UNKNOWN, NULL);
    else
        cp->stage = ST_HUB;
out:
    free(cert);
    free(body);
}

void cardport_on_card_event(struct cardport *cp, const struct card_event *ev, struct app *app)
{
    switch (ev->kind) {
    case CARD_EV_NO_READER:
        to_app(app, APP_EV_CARD_NO_READER, 0, APP_CARD_OK, 0, APP_TRIES_UNKNOWN);
        break;
    case CARD_EV_READER_READY:
        to_app(app, APP_EV_CARD_READY, 0, APP_CARD_OK, 0, APP_TRIES_UNKNOWN);
        break;
    case CARD_EV_CARD_INSERTED:
        wipe_login(cp);
        cp->seq = ev->card_seq;
        cp->cert_len = 0;
        to_app(app, APP_EV_CARD_INSERTED, ev->card_seq, APP_CARD_OK, 0, APP_TRIES_UNKNOWN);
        break;
    case CARD_EV_CARD_PRESENT:
    case CARD_EV_READ_RESULT:
        if (ev->card_seq != cp->seq)
            break;
        if (ev->status == CARD_OK && ev->is_mynumber && ev->cert_len <= sizeof cp->cert) {
            memcpy(cp->cert, ev->cert, ev->cert_len);
            cp->cert_len = ev->cert_len;
        }
        /* a read that failed (timeout, reader error) keeps its own reason */
        to_app(app, APP_EV_CARD_PRESENT, ev->card_seq,
               ev->is_mynumber || ev->status != CARD_OK ? map_status(ev->status)
                                                        : APP_CARD_NOT_MYNUMBER,
               ev->is_mynumber, ev->tries_left);
        break;
    case CARD_EV_CARD_REMOVED:
        if (ev->card_seq != cp->seq)
            break;
        wipe_login(cp);
        explicit_bzero(cp->cert, sizeof cp->cert);
        cp->cert_len = 0;
        to_app(app, APP_EV_CARD_REMOVED, ev->card_seq, APP_CARD_OK, 0, APP_TRIES_UNKNOWN);
        logout(cp); /* the app ended the session too; this is for a session it never saw */
        break;
    case CARD_EV_LOGIN_RESULT:
        if (cp->stage != ST_SIGNING || ev->card_seq != cp->seq)
            break;
        if (cp->abandoned) { /* the app left the login: the signature goes nowhere */
            wipe_login(cp);
            break;
        }
        if (ev->status == CARD_OK) {
            send_login(cp, ev, app);
        } else {
            fprintf(stderr, "kiosk: card login: %s\n", card_status_str(ev->status));
            answer(cp, app, map_status(ev->status), ev->tries_left, NULL);
        }
        break;
    }
}

/* 1 when body is the hub's error answer with this code ({"error":{"code":...}}). */
static int login_refusal_is(const char *body, const char *code)
{
    cJSON *root = cJSON_Parse(body ? body : "");
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "error");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(e, "code");
    int is = cJSON_IsString(c) && strcmp(c->valuestring, code) == 0;
    cJSON_Delete(root);
    return is;
}

/* What a hub refusal of a card login means for the resident: its error code picks the
 * words (the hub's own message is for staff). */
static enum app_card_status refusal_status(const char *body)
{
    if (login_refusal_is(body, "certificate_revoked"))
        return APP_CARD_REVOKED;
    if (login_refusal_is(body, "revocation_unavailable"))
        return APP_CARD_NO_CHECK;
    return APP_CARD_HUB_FAILED;
}

void cardport_on_hub_result(struct cardport *cp, const struct hubc_result *res, struct app *app)
{
    cJSON *root = NULL;
    if (res->tag == TAG_LOGOUT) {
        if (cp->logouts_pending)
            cp->logouts_pending--;
        return;
    }
    if (res->id != cp->hub_req)
        return;
    if (res->err == HUBC_OK && res->status == 403 && res->tag == TAG_LOGIN &&
        login_refusal_is(res->body, "card_other_municipality")) {
        /* a resident of another town sharing the hub: said as such, not as a failure */
        fprintf(stderr, "kiosk: card login refused: card of another municipality\n");
        answer_net(cp, app, APP_CARD_OTHER_TOWN, APP_TRIES_UNKNOWN, NULL, APP_NET_REFUSED, false);
        return;
    }
    if (res->err != HUBC_OK || res->status != 201) {
        fprintf(stderr, "kiosk: card login step failed: %s, status %ld\n",
                res->err != HUBC_OK ? hubc_err_str(res->err) : "hub refused", res->status);
        /* an unsafe connection is said in its own words (placing the card again cannot fix it),
         * and so are a revoked card and a hub that cannot check cards now */
        answer_net(cp, app, res->err == HUBC_OK ? refusal_status(res->body) : APP_CARD_HUB_FAILED,
                   APP_TRIES_UNKNOWN, NULL,
                   res->err != HUBC_OK ? APP_NET_UNREACHABLE : APP_NET_REFUSED,
                   res->err == HUBC_E_TLS);
        return;
    }
    root = cJSON_Parse(res->body);
    if (cp->abandoned && res->tag == TAG_CHALLENGE) {
        wipe_login(cp); /* never start the card for a login the app left */
    } else if (res->tag == TAG_CHALLENGE && cp->stage == ST_CHALLENGE) {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(root, "challenge");
        int n = cJSON_IsString(c) ? kb64_decode(c->valuestring, cp->chal, sizeof cp->chal) : -1;
        if (n <= 0) {
            answer(cp, app, APP_CARD_HUB_FAILED, APP_TRIES_UNKNOWN, NULL);
            goto out;
        }
        cp->chal_len = (size_t)n;
        enum card_status st = card_login(cp->card, cp->seq, cp->pin, cp->pin_len, cp->chal,
                                         cp->chal_len, cp->min_tries);
        /* the adapter has its own copy now (wiped after VERIFY); ours goes at once */
        explicit_bzero(cp->pin, sizeof cp->pin);
        cp->pin_len = 0;
        cp->hub_req = 0;
        if (st != CARD_OK) {
            fprintf(stderr, "kiosk: card login not started: %s\n", card_status_str(st));
            answer(cp, app, map_status(st), APP_TRIES_UNKNOWN, NULL);
        } else
            cp->stage = ST_SIGNING;
    } else if (res->tag == TAG_LOGIN && cp->stage == ST_HUB) {
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(root, "session");
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(root, "resident");
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(r, "display_name");
        if (!cJSON_IsString(s) || strlen(s->valuestring) >= sizeof cp->session) {
            answer(cp, app, APP_CARD_HUB_FAILED, APP_TRIES_UNKNOWN, NULL);
            goto out;
        }
        memcpy(cp->session, s->valuestring, strlen(s->valuestring) + 1);
        if (cp->abandoned) { /* opened after the app left the login: end it at once */
            wipe_login(cp);
            logout(cp);
            goto out;
        }
        answer(cp, app, APP_CARD_OK, APP_TRIES_UNKNOWN, cJSON_IsString(n) ? n->valuestring : "");
    }
out:
    cJSON_Delete(root);
}
