/*
 * statsoptout.h: a resident's refusal of statistical use. A resident who refused is
 * counted in no statistical table computed after the refusal (statsdata.h leaves them out
 * from the next day's computation on); withdrawing the refusal counts them again the same
 * way. Every function runs inside the caller's transaction; the caller audits.
 */
#ifndef HUB_STORE_STATSOPTOUT_H
#define HUB_STORE_STATSOPTOUT_H

#include "db.h"
#include "scope.h"

#include <stdint.h>

/* Records (refuse 1) or withdraws (refuse 0) resident's refusal at now; via says how
 * ("card_session", "hubctl"). *changed gets 1 when the state changed. DB_ERR_CONSTRAINT when
 * sc has no such resident. */
__attribute__((warn_unused_result)) enum db_status
statsoptout_set(struct db *db, const struct scope *sc, int64_t resident, int refuse, int64_t now,
                const char *via, int *changed);

/* Whether resident (of sc) refused: *refused 1 with *since the time, or 0 (also for no such
 * resident of sc). */
__attribute__((warn_unused_result)) enum db_status statsoptout_get(struct db *db,
                                                                   const struct scope *sc,
                                                                   int64_t resident, int *refused,
                                                                   int64_t *since);

#endif
