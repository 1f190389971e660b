/*
 * hubport: the app's ports (app/ports.h) bound to the hub client (platform/net). Requests
 * are queued on the hub client's worker; its answers are parsed there (cJSON, bodies capped
 * by the client) into an app_event, which is handed to the caller's sink (struct
 * hubport_sink: the kiosk posts it to the UI thread as an SDL event). The receiver owns
 * the event: free with hubport_event_free after app_handle. Nothing here knows SDL.
 *
 * With an outbox path (home tablet), check-ins go through the sender (platform/net/
 * sender.h): committed to the outbox on disk before the tap's result is shown, delivered
 * with retries, and still delivered after a restart or a power cut. Its reports become
 * CHECKIN_DONE events (kept = true while undelivered) with the number still waiting.
 */
#ifndef HUBPORT_H
#define HUBPORT_H

#include <stddef.h>
#include <stdint.h>

#include "hubclient.h"
#include "ports.h"

struct hubport;

/* Where answers go. post and post_raw are called on the hub client's worker (and post also
 * on the calling thread); each takes ownership of what it is given, and frees it when it
 * cannot deliver it. tone plays the app's tone port (UI thread). post_raw and tone may be
 * NULL (raw answers are then dropped, no tones). */
struct hubport_sink {
    void *ctx;
    void (*post)(void *ctx, struct app_event *ev);
    void (*post_raw)(void *ctx, struct hubc_result *res);
    void (*tone)(void *ctx, enum app_tone t);
    /* the app's speak port (UI thread); may be NULL (silent) */
    void (*speak)(void *ctx, const char *text, const char *lang, int volume_pct, int rate_pct);
};

/* token/ca_file/outbox_path may be empty (no outbox: check-ins are sent directly and a
 * failure is final). The sink is copied. Returns NULL with the reason in err. */
struct hubport *hubport_create(const char *hub_url, const char *token, const char *ca_file,
                               const char *outbox_path, const struct hubport_sink *sink, char *err,
                               size_t errsize);
/* Stops the worker (pending answers still arrive as events; drain them). Accepts NULL. */
void hubport_destroy(struct hubport *hp);
struct app_ports hubport_ports(struct hubport *hp);
void hubport_event_free(void *data1);

/* Requests whose answers come back raw (the card login steps in cardport.c): tags from
 * HUBPORT_TAG_RAW up go to the sink's post_raw as the struct hubc_result (owned by the
 * receiver: hubc_result_free). */
#define HUBPORT_TAG_RAW 0x100u
/* Queues a request with the device token (and a card session when not NULL). Returns the
 * request id, 0 when it could not be queued. */
/* The app's ports share one context (the hubport); the card login ports are forwarded to
 * these functions (cardport.c) with their own context. */
void hubport_set_card(struct hubport *hp, void *ctx,
                      uint32_t (*login)(void *ctx, uint32_t card_seq, const char *pin,
                                        size_t pin_len, int min_tries),
                      void (*logout)(void *ctx));
uint32_t hubport_submit_raw(struct hubport *hp, enum hubc_method m, const char *path,
                            const char *body, const char *card_session, uint32_t tag);

/* --- privacy + checkups --- */
/* Where the card session's token comes from (the card port); NULL/none without a card. */
void hubport_set_session_source(struct hubport *hp, const char *(*session_of)(void *ctx),
                                void *ctx);
/* The open card session's token (borrowed, valid until the session ends), or NULL. */
const char *hubport_card_session(struct hubport *hp);
/* --- end privacy + checkups --- */

/* Parses a hub answer into ev (exposed for tests): kind and req must be set; fills net,
 * status and the payload. */
void hubport_parse(struct app_event *ev, int hubc_err, long status, const char *body);
/* How a request ended, into ev (net, status, net_tls); true when the hub answered 2xx, so
 * that the body is the answer to parse. For each area's parser. */
bool hubport_outcome(struct app_event *ev, int hubc_err, long status);

/* --- shopping and family requests: for shopport.c --- */
struct sender;
struct hubc *hubport_client(struct hubport *hp);
/* NULL without an outbox */
struct sender *hubport_sender(struct hubport *hp);
/* Posts ev (calloc'ed; owned by the receiver from here) to the UI thread. */
void hubport_post_event(struct hubport *hp, struct app_event *ev);

/* POSTs body to path through the outbox when there is one (committed on disk before this
 * returns, delivered once, reported as outbox kind `kind`; an APP_EV_PENDING with the new
 * count is posted), else directly with the idempotency key, answered as event kind ek.
 * Returns the outbox item's / request's id, 0 when it could not be kept or queued. */
uint32_t hubport_send_kept(struct hubport *hp, const char *kind, const char *path, const char *body,
                           const char *key, enum app_event_kind ek);

/* Items waiting in the outbox the resident sent (送信待ち): `pending` less the sign of life
 * waiting there, which the resident did not send. Any thread. */
unsigned hubport_waiting(struct hubport *hp, unsigned pending);

#endif
