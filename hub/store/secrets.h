/*
 * secrets.h: the secrets the database keeps sealed (core/secretbox.h) and their key file:
 * the pseudonym keys (ord_pseudo_keys.key, per town and recipient), the operators' webhook
 * secrets (ord_webhooks.secret) and the alert notification webhooks' secrets
 * (notify_recipients.webhook_secret). Each value is sealed for its place, "<table>.<column>:
 * <row>", so a value copied onto another row does not open there.
 *
 * secrets_start() is what hubd and hubctl run after the migrations: it checks the key file
 * against the database (a missing or wrong file is refused in words when sealed values
 * exist; never silently replaced), creates the file on a database that has none, seals the
 * values an older hub kept in the clear, and installs the box for the stores.
 * secrets_reseal() is rotation's middle step. Nothing here prints a secret.
 */
#ifndef HUB_STORE_SECRETS_H
#define HUB_STORE_SECRETS_H

#include "db.h"
#include "secretbox.h"

#include <stddef.h>

/* The default key file: beside the signing key when one is named (key_path), else beside a
 * SQLite database file; "secrets.key" in that folder. 0, or -1 when there is no default (a
 * PostgreSQL target without a signing key). */
int secrets_default_path(const char *key_path, const char *db_target, char *out, size_t cap);

/*
 * Checks the key file at path (may be NULL: no key file known) against db, creating it when
 * it is missing and nothing is sealed yet, and seals every value still in the clear in one
 * transaction (said on stderr with the count). On success *box is the loaded box (owned by
 * the caller, installed with secretbox_install) or NULL when path is NULL and the database
 * holds no secret. 0, or -1 with a sentence in err.
 */
int secrets_start(struct db *db, const char *path, struct secretbox **box, char *err,
                  size_t errcap);

/* Seals every stored secret not sealed under the sealing key of the installed box again
 * (all != 0: rotation), or only those still in the clear (all == 0), inside the caller's
 * transaction; *n gets how many. DB_OK, or an error with err naming the place that failed. */
enum db_status secrets_reseal(struct db *db, int all, long long *n, char *err, size_t errcap);

/* For the stores. Seals plain for place "<column>:<row>" under the installed box into out
 * (SECRETBOX_SEALED_MAX). DB_OK, or DB_ERR said on stderr (no key file, crypto). */
enum db_status secrets_seal(const char *column, const char *row, const void *plain, size_t len,
                            char *out);

/* Opens value of place "<column>:<row>" into out (cap bytes); *len its length. DB_OK, or
 * DB_ERR said on stderr naming the place and why (in the clear, moved or altered, unknown
 * key); out is then wiped. */
enum db_status secrets_open(const char *column, const char *row, const char *value,
                            unsigned char *out, size_t cap, size_t *len);

#endif
