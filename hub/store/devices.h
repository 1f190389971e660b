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

#include <stddef.h>
#include <stdint.h>

/* Registers a device of the scope's town, of kind "home" (resident > 0) or "public" (resident 0),
 * with label (NULL stores "") and token_hash (hex); *id gets its id. DB_ERR_CONSTRAINT for a home
 * device without a resident, no such resident in the town, or a token hash already used. */
__attribute__((warn_unused_result)) enum db_status
devices_add(struct db *db, const struct scope *sc, const char *kind, int64_t resident,
            const char *label, const char *token_hash, int64_t now, int64_t *id);

/* The device holding a token, as a bearer lookup reads it (texts copied). */
struct devices_holder {
    int64_t id;       /* 0: no device holds the token */
    char kind[8];     /* "home" | "public" */
    int64_t resident; /* the resident a home device is bound to, else 0 */
    int64_t town;     /* the municipality it was registered in */
};

/* The device whose token has this SHA-256 (hex): DB_ROW with *out, DB_DONE when none (out
 * zeroed). A token names its own town, so this takes no scope: the caller makes the scope
 * from out->town (auth.c). */
__attribute__((warn_unused_result)) enum db_status
devices_by_token(struct db *db, const char *token_hash, struct devices_holder *out);

/* The same for n token hashes at once (one statement on PostgreSQL, one lookup each on
 * SQLite): out[i] for hashes[i], id 0 when no device holds it. DB_OK or the database's
 * failure (then nothing in out is to be trusted). */
__attribute__((warn_unused_result)) enum db_status
devices_by_tokens(struct db *db, const char *const *hashes, size_t n, struct devices_holder *out);

#endif
