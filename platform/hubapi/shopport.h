/*
 * shopport: the shopping and family-request ports over the hub client, and the
 * parsers of the hub's answers into app/shop.h structs (cJSON, every list capped).
 *
 *  - operators and catalogues: GET /v1/operators, GET /v1/operators/{id}/catalogue; the
 *    catalogue's pictures (base64 in the answer) go to the picture sink (the kiosk's shoppics.h);
 *    on a home tablet (a cache folder is set) the last catalogue answer of each operator
 *    is kept on disk and used when the hub cannot be reached (a catalogue is not personal);
 *  - orders: POST /v1/operators/{id}/orders through the sender's durable outbox when there
 *    is one (kind "order": committed before the screen says anything, delivered once with
 *    its Idempotency-Key even after a restart), else directly with the app's key;
 *    GET /v1/orders;
 *  - family requests: POST /v1/family-requests (outbox kind "famreq"), GET
 *    /v1/family-requests; the family member's pull GET /v1/family/requests (leased; a
 *    delivery is acknowledged when it is answered), POST .../{id}/answer.
 *
 * Nothing personal is logged. Threading: port calls on the UI thread; parsing on the hub
 * client's worker.
 */
#ifndef SHOPPORT_H
#define SHOPPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "ports.h"

struct hubport;

/* The catalogue format's cap on one picture's bytes. */
#define SHOPPORT_PICTURE_MAX (512 * 1024)

/* Where decoded catalogue pictures go: called on the hub client's worker; the bytes are
 * borrowed for the call (the sink copies what it keeps). NULL = dropped. Set before the
 * first request. */
void shopport_set_picture_sink(void (*put)(long operator_id, const char *path,
                                           const unsigned char *bytes, size_t n));

/* Fills the shopping ports of p (ctx is the hubport). cache_dir: where a home tablet keeps
 * catalogues (NULL or "" = nowhere: a public kiosk keeps nothing on disk). */
void shopport_bind(struct app_ports *p, const char *cache_dir);

/* Parses the hub's answer for an event of a SHOP_* / REQ_* kind into ev (net, status,
 * shop_data allocated: free with shopport_event_free). Exposed for tests. */
void shopport_parse(struct app_event *ev, int hubc_err, long status, const char *body);
/* Frees ev->shop_data (and sets it NULL). */
void shopport_event_free(struct app_event *ev);

/* The outbox kinds this file uses, and the event kind their reports become (-1 none). */
int shopport_report_kind(const char *outbox_kind);

/* The hub client tag of the family member's pull (answers become REQ_LIST with is_inbox). */
#define HUBPORT_TAG_INBOX 0x80u

/* For an operators or catalogue answer (worker thread; kind SHOP_OPERATORS or
 * SHOP_CATALOGUE, else NULL at once): keeps a good one on disk (home tablet), or, when the
 * hub could not be reached, returns the kept answer to parse instead (owned: free), else
 * NULL. Neither is personal data. */
char *shopport_cache(int kind, uint32_t req, int hubc_err, long status, const char *body);

#endif
