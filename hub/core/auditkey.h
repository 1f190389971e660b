/*
 * auditkey.h: the signing key of each audit log (docs/hub.md "One log per town"). The hub
 * log (TREEHEAD_DEFAULT_LOG) is signed with the hub key itself, as before towns had logs;
 * every other log (one per town) with its own Ed25519 key, derived from the hub key and
 * the log's id by HKDF-SHA256. A town's key is thus as safe as the hub key file it comes
 * from (0600, outside the database), needs no file or row of its own, cannot be lost
 * apart from the hub key, and reveals neither the hub key nor any other town's key: a
 * town's export carries its public key only, and checking it needs nothing else.
 */
#ifndef HUB_AUDITKEY_H
#define HUB_AUDITKEY_H

#include <openssl/evp.h>

/* The private key that signs log's heads: an owned key (EVP_PKEY_free), or NULL when the
 * hub key has no raw private half or OpenSSL fails. */
EVP_PKEY *auditkey_for_log(EVP_PKEY *hub, long long log);

/* Its public half as 64 hex digits + NUL. 0, or -1. */
int auditkey_public_hex(EVP_PKEY *hub, long long log, char out[65]);

#endif
