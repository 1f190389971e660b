/*
 * reach.h: the records through which a principal of one town reaches residents of another,
 * as the gate reads them: a family member's links (family_links, each recorded in its
 * resident's town) and an operator's contracts (operator_contracts, one per town it
 * serves). They are what decides a caller's town for a record, so they take no scope: the
 * gate (hub/core/gate.c) alone calls them, inside the caller's transaction (or read
 * snapshot), and turns their answer into the scope the stores are called with.
 */
#ifndef HUB_STORE_REACH_H
#define HUB_STORE_REACH_H

#include "db.h"

#include <stdint.h>

/* The town of the link of family member family to resident, recorded in the resident's own
 * town (a link recorded elsewhere is none): DB_ROW with *town, DB_DONE when there is no such
 * link, or an error. */
__attribute__((warn_unused_result)) enum db_status reach_link_town(struct db *db, int64_t family,
                                                                   int64_t resident, int64_t *town);

/* Whether operator has a contract with the town of resident: DB_ROW with that *town when
 * it has, DB_DONE when not (or no such resident), or an error. */
__attribute__((warn_unused_result)) enum db_status
reach_contracted(struct db *db, int64_t operator, int64_t resident, int64_t *town);

/* Calls fn(ctx, town) for each town family member family has a link recorded in, by town
 * id, once each; a non-zero return stops the walk with DB_ERR. DB_OK or the first error. */
__attribute__((warn_unused_result)) enum db_status
reach_link_towns(struct db *db, int64_t family, int (*fn)(void *ctx, int64_t town), void *ctx);

/* The same for each town operator has a contract with. */
__attribute__((warn_unused_result)) enum db_status
reach_contract_towns(struct db *db, int64_t operator, int (*fn)(void *ctx, int64_t town),
                     void *ctx);

#endif
