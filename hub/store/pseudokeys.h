/*
 * pseudokeys.h: the pseudonym keys store (table ord_pseudo_keys): each recipient
 * ("operator:3") has its own random 32-byte key in each town (scope.h), created on first
 * use, so an operator serving two towns gets unrelated pseudonyms in each; the pseudonym
 * itself is derived by the orders library (opseudo.h). A key never leaves the hub and is
 * stored sealed (secrets.h) for its town and recipient. Inside the caller's transaction.
 */
#ifndef HUB_STORE_PSEUDOKEYS_H
#define HUB_STORE_PSEUDOKEYS_H

#include "db.h"
#include "opseudo.h"
#include "scope.h"

/* Loads the key of recipient in the scope's town, generating and storing one on first use.
 * When two processes create the first key at once, both end with the one stored first.
 * ORDERS_OK, ORDERS_DB (also: no scope, a stored key that does not open: said on stderr)
 * or ORDERS_CRYPTO (key wiped on failure). */
enum orders_rc pseudokeys_load(struct db *db, const struct scope *sc, const char *recipient,
                               unsigned char key[OPSEUDO_KEY_LEN]) ORDERS_MUST_USE;

/* pseudokeys_load + opseudo_derive of resident_id into out; the key is wiped afterwards. */
enum orders_rc pseudokeys_pseudonym(struct db *db, const struct scope *sc, const char *recipient,
                                    long long resident_id,
                                    char out[OPSEUDO_LEN + 1]) ORDERS_MUST_USE;

#endif
