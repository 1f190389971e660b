/*
 * idem.h: Idempotency-Key support for POSTs that create something (docs/api.md).
 * A key is scoped to the caller ("device:3" + key). The stored answer (status + body) is
 * written by the same writer job that creates the thing, so it is durable exactly when the
 * thing is. While a request with a key runs, the key is claimed in memory; a second
 * request with the same key meanwhile gets 409.
 */
#ifndef HUB_IDEM_H
#define HUB_IDEM_H

#include <time.h>
#include "db.h"

struct idem;

/* Returns an owned in-flight set (free with idem_destroy), or NULL. */
struct idem *idem_create(void);
void idem_destroy(struct idem *s);

/* Claims principal+key. Returns 1 if claimed, 0 if already in flight, -1 on error. */
int idem_claim(struct idem *s, const char *principal, const char *key);
void idem_release(struct idem *s, const char *principal, const char *key);

enum idem_lookup {
    IDEM_NEW = 0,  /* key not used yet */
    IDEM_REPLAY,   /* same key, same body: *status and *response hold the first answer */
    IDEM_MISMATCH, /* same key, another body */
    IDEM_ERROR,
};

/* Looks the key up. On IDEM_REPLAY *response is owned (free()). */
enum idem_lookup idem_lookup(struct db *db, const char *principal, const char *key,
                             const char *body_hash, int *status, char **response);

/* Stores the answer; inside the writer job that created the thing. Returns SQLITE_OK. */
int idem_store(struct db *db, const char *principal, const char *key, const char *body_hash,
               int status, const char *response, time_t now);

#endif
