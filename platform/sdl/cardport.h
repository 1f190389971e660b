/*
 * cardport: the public kiosk's card login, binding the app's card events and its
 * card_login/card_logout ports to the PC/SC adapter (platform/card/card.h) and the hub
 * (docs/api.md, card login):
 *
 *   card placed/read/removed ─ adapter worker ─ SDL event ─▶ app (APP_EV_CARD_*)
 *   決定 → card_login port: keep the PIN → POST /v1/auth/challenge
 *        → challenge → card_login(adapter) and the PIN is wiped here (the adapter copies
 *          it and wipes its copy after VERIFY)
 *        → signature → POST /v1/auth/card-login (challenge, certificate, signature)
 *        → session + resident's name → APP_EV_CARD_LOGIN
 *   card removed / 終わる / idle → POST /v1/auth/logout, session forgotten.
 *
 * Everything here runs on the UI thread; the adapter and the hub client report through
 * SDL events (types given at creation). Nothing is logged about the PIN or the resident.
 */
#ifndef CARDPORT_H
#define CARDPORT_H

#include <stddef.h>
#include <stdint.h>

#include "ports.h"

struct app;
struct hubport;
struct hubc_result;
struct card_event;
struct cardport;

/* Starts the adapter; its events arrive as SDL events of card_event_type with data1 = an
 * owned struct card_event (free()). hp's raw answers must be routed to
 * cardport_on_hub_result. Returns NULL with the reason in err. */
struct cardport *cardport_create(struct hubport *hp, uint32_t card_event_type, char *err,
                                 size_t errsize);
/* At shutdown, before hubport_destroy: ends a session still open and waits (at most max_ms)
 * until the hub has answered the logouts sent, so a session ended in the last moment is
 * not cut off by the exit. Takes only raw hub answers (raw_event_type) from the SDL queue.
 * Accepts NULL. */
void cardport_finish(struct cardport *cp, uint32_t raw_event_type, unsigned max_ms);
/* Stops the adapter, ends a hub session, wipes everything. Accepts NULL. */
void cardport_destroy(struct cardport *cp);
/* Routes the app's card_login and card_logout ports (which hp forwards) to cp. */
void cardport_bind(struct cardport *cp, struct hubport *hp);
/* An adapter event (owned by the caller) → app events. */
void cardport_on_card_event(struct cardport *cp, const struct card_event *ev, struct app *app);
/* A raw hub answer (owned by the caller) of a card login step → app events. */
void cardport_on_hub_result(struct cardport *cp, const struct hubc_result *res, struct app *app);

#endif
