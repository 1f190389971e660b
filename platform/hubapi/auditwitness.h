/*
 * auditwitness: the kiosk as a witness of the hub's audit transparency log (docs/net.md
 * "Audit witness", docs/hub.md "Witnesses"). On a contact with the hub (any answer), at
 * most once a minute, it asks for the hub's newest signed tree head, and when that head
 * covers more records than the one it keeps, for the consistency proof between them; it
 * keeps the new head only when the check passes (witness.h). A failed check is logged in
 * words (no personal data: a head holds none) and stored beside the kept head, for staff;
 * the resident is not shown it (docs/decisions.md).
 *
 * Runs on the hub client's worker thread: the hub port hands it its answers.
 */
#ifndef AUDITWITNESS_H
#define AUDITWITNESS_H

#include "hubclient.h"

#include <stddef.h>

/* Tags of its requests (below HUBPORT_TAG_RAW, above every app event kind). */
#define AUDITWITNESS_TAG_HEAD  0xf0u
#define AUDITWITNESS_TAG_PROOF 0xf1u

struct auditwitness;

/* state_path: the kept head's file ("" = kept in memory only, lost at restart); the alert
 * goes to state_path + ".alert". client is borrowed. NULL on no memory. */
struct auditwitness *auditwitness_create(struct hubc *client, const char *state_path);
void auditwitness_destroy(struct auditwitness *w);

/* A contact with the hub happened (now: monotonic seconds): maybe starts a check. */
void auditwitness_contact(struct auditwitness *w, long long now);
/* An answer to one of its requests (res is borrowed). */
void auditwitness_answer(struct auditwitness *w, const struct hubc_result *res);

/* The last check's verdict in words ("" before the first), for a status screen. */
void auditwitness_status(struct auditwitness *w, char *out, size_t cap);

#endif
