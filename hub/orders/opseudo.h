/*
 * opseudo: per-recipient pseudonyms of residents.
 *
 * pseudonym = "p_" + base32(first 20 bytes of HMAC-SHA-256(key, "resident:" + decimal id))
 * (RFC 4648 alphabet, lower case, no padding: 32 characters after "p_"). Each recipient
 * (operator) has its own random 32-byte key, so the same resident gets a stable pseudonym
 * at one operator and unrelated pseudonyms at two operators: two operators comparing their
 * data cannot link a person. 160 bits of the MAC are kept: collisions are out of reach, and
 * the string stays short enough for an operator's screen.
 *
 * Keys are kept by the hub's pseudokeys store (hub/store/pseudokeys.h, raw bytes in
 * ord_pseudo_keys) and created on first use. A key never leaves the hub; losing it changes every
 * pseudonym of that operator.
 */
#ifndef OPSEUDO_H
#define OPSEUDO_H

#include <stddef.h>

#include "orders.h"

#define OPSEUDO_KEY_LEN 32
#define OPSEUDO_LEN     34 /* "p_" + 32 base32 characters */

/* Fills key with OPSEUDO_KEY_LEN random bytes (OpenSSL RAND_bytes). ORDERS_OK/ORDERS_CRYPTO. */
enum orders_rc opseudo_key_generate(unsigned char key[OPSEUDO_KEY_LEN]) ORDERS_MUST_USE;

/* Derives the pseudonym of resident_id under key into out (OPSEUDO_LEN + 1 bytes).
 * Returns ORDERS_OK or ORDERS_CRYPTO. */
enum orders_rc opseudo_derive(const unsigned char key[OPSEUDO_KEY_LEN], long long resident_id,
                              char out[OPSEUDO_LEN + 1]) ORDERS_MUST_USE;

#endif
