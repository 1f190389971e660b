/*
 * noticeport: the hub's notices and safety confirmation for the app (app/notice.h,
 * app/safety.h, app/famsafety.h): GET /v1/notices and, on a family tablet,
 * GET /v1/family/safety with If-None-Match (the ETag of the last list the kiosk parsed is
 * kept here), GET /v1/safety, and the answers to a safety check through the
 * outbox (POST /v1/safety/{id}/answer, outbox kind "safety"). The parsers turn the hub's
 * JSON (bodies capped by the hub client) into the app's structs, skipping entries that
 * make no sense and cutting long texts at a UTF-8 character.
 *
 * Threading: the ports run on the UI thread, the parsers on the hub client's worker.
 */
#ifndef NOTICEPORT_H
#define NOTICEPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "ports.h"

struct hubport;
struct outbox_item;

/* Fills the ports of this file (ctx is the hubport). */
void noticeport_bind(struct app_ports *p);

/* Parses an answer of an APP_EV_NOTICES / SAFETY_* request into ev (net, status, and
 * ev->disaster: struct notice_list / safety_list / safety_sent / famsafety_list,
 * calloc'ed). */
void noticeport_parse(struct app_event *ev, int hubc_err, long status, const char *body);

/* The ETag of a notices or family safety answer (kind) that parsed (kept for the next
 * If-None-Match). */
void noticeport_keep_etag(int kind, const char *etag);

/* The outbox item of an answer (kind "safety") as the app's safety_sent: check id from the
 * path, answer and time from the body. False when it is not one. */
bool noticeport_safety_item(const char *path, const char *body, int64_t created,
                            struct app_event *ev);

#endif
