/*
 * townleave.h: removing a municipality that leaves the hub (`hubctl municipality-remove`,
 * after its export). Every row of the town goes: its residents and all their records, its
 * devices, sessions, family members (with their links, also those recorded in other
 * towns), staff, source organisations, operators (their contracts with other towns end),
 * notices, JMA areas and safety checks, the Idempotency-Keys of its principals, and the
 * town itself. Other towns' rows stay, also those that name one of the town's principals
 * (a consent given to its operator, an order placed with it): they are the other towns'
 * residents' records.
 *
 * The audit log is not touched: it is append-only and one chain for the hub, so the other
 * towns' records keep verifying; the leaving town's records stay in it (they hold ids, no
 * names) until the retention the law asks has passed, and its export carries them.
 */
#ifndef HUB_STORE_TOWNLEAVE_H
#define HUB_STORE_TOWNLEAVE_H

#include "db.h"
#include "scope.h"

#include <stdint.h>

/* Deletes everything of the scope's town inside the caller's transaction; *rows gets how
 * many rows went. DB_OK, or the failure (the caller rolls back: nothing is half removed). */
__attribute__((warn_unused_result)) enum db_status
townleave_remove(struct db *db, const struct scope *sc, int64_t *rows);

#endif
