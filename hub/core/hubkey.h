/*
 * hubkey.h: the hub's Ed25519 signing key, kept in a PEM file readable only by the hub's
 * operator. It signs audit checkpoints (audit.h) so that removing the newest audit
 * records is detected even though each record only proves its predecessors.
 */
#ifndef HUB_KEY_H
#define HUB_KEY_H

#include <stddef.h>
#include <openssl/evp.h>

/* Creates a new key at path (mode 0600). Fails if the file exists. Returns 0 or -1 with a
 * sentence in err. */
int hubkey_generate(const char *path, char *err, size_t errcap);

/* Loads the key at path. Returns an owned key (free with EVP_PKEY_free) or NULL with a
 * sentence in err. */
EVP_PKEY *hubkey_load(const char *path, char *err, size_t errcap);

/* The raw 32-byte public key as 64 hex digits + NUL. Returns 0 or -1. */
int hubkey_public_hex(EVP_PKEY *key, char out[65]);

/* Signs msg; writes the 64-byte signature as 128 hex digits + NUL. Returns 0 or -1. */
int hubkey_sign_hex(EVP_PKEY *key, const unsigned char *msg, size_t len, char out[129]);

/* Verifies a hex signature made by hubkey_sign_hex with the public half of key. 1 = good. */
int hubkey_verify_hex(EVP_PKEY *key, const unsigned char *msg, size_t len, const char *sig_hex);

#endif
