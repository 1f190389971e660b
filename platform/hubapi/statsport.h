/*
 * statsport: the resident's refusal of statistical use for the app (app/statsopt.h): GET
 * and POST /v1/session/stats-optout with the card session's token, and the parsing of the
 * hub's answer ({"refused","since_unix","effective_unix"[,"changed"]}) into the event.
 *
 * Threading: the port runs on the UI thread, the parser on the hub client's worker.
 */
#ifndef STATSPORT_H
#define STATSPORT_H

#include "ports.h"

/* Fills the port of this file (ctx is the hubport). */
void statsport_bind(struct app_ports *p);

/* Parses the answer of an APP_EV_STATS_OPTOUT request into ev (net, status, optout).
 * A 2xx without a boolean "refused" is APP_NET_BAD_ANSWER. Exposed for tests and fuzzing. */
void statsport_parse(struct app_event *ev, int hubc_err, long status, const char *body);

#endif
