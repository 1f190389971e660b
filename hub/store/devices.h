/*
 * devices.h: the devices store. A device is a home tablet bound to one resident or a
 * public kiosk bound to no one; it authenticates with a token whose SHA-256 only is
 * stored. A device belongs to the municipality it was registered in, and a home tablet
 * is bound only to a resident of that town. Every function runs inside the caller's transaction on
 * the caller's handle; the caller audits.
 */
#ifndef HUB_STORE_DEVICES_H
#define HUB_STORE_DEVICES_H

#include "db.h"
#include "scope.h"

#include <stdint.h>

/* Registers a device of the scope's town, of kind "home" (resident > 0) or "public" (resident 0),
 * with label (NULL stores "") and token_hash (hex); *id gets its id. DB_ERR_CONSTRAINT for a home
 * device without a resident, no such resident in the town, or a token hash already used. */
__attribute__((warn_unused_result)) enum db_status
devices_add(struct db *db, const struct scope *sc, const char *kind, int64_t resident,
            const char *label, const char *token_hash, int64_t now, int64_t *id);

#endif
