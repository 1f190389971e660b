/*
 * secretbox.h: the secrets the hub keeps in its database (pseudonym keys, webhook signing
 * secrets) sealed under a key kept outside it, in a secrets key file readable by the hub's
 * user only (0600, like the signing key; docs/hub.md "Files and secrets").
 *
 * Sealing is AES-256-GCM (OpenSSL EVP) with a random 96-bit nonce per value. The associated
 * data is the value's place, its table, column and row ("ord_webhooks.secret:operator:3"),
 * so a sealed value copied onto another row does not open there. A sealed value is text:
 *
 *     s1:<key id>:<base64 of nonce (12) | ciphertext | tag (16)>
 *
 * The key id is the first 16 hex digits of SHA-256 over a label and the key, so a wrong key
 * file names other ids than the stored values and is told apart from a damaged value.
 *
 * The key file is text: lines starting with '#' are comments, every other line is one key
 * as 64 hex digits, at most SECRETBOX_KEYS_MAX. The first key seals; every key opens. That
 * is what rotation needs: a new key is put first (the old ones stay until every value was
 * sealed again), then the old ones are dropped. The file is always replaced whole (a
 * temporary file, fsync, rename), so a crash leaves the old file or the new one.
 *
 * A box remembers its file: before each use it looks whether the file was replaced since
 * it was read (another process rotated: a stat, no read) and then reads it again, so every
 * process seals under the newest key and stops opening with a dropped one. Thread-safe. The stores
 * use the process's box (secretbox_install), set once at start-up by hubd and hubctl
 * (store/secrets.h checks it against the database first).
 */
#ifndef HUB_SECRETBOX_H
#define HUB_SECRETBOX_H

#include <stddef.h>

struct secretbox;

#define SECRETBOX_KEYS_MAX  8
#define SECRETBOX_ID_LEN    16  /* hex digits of a key id */
#define SECRETBOX_PLAIN_MAX 256 /* the longest value sealed (a webhook secret is < 100) */
/* Room for a sealed value of SECRETBOX_PLAIN_MAX bytes, with its NUL. */
#define SECRETBOX_SEALED_MAX                                                                       \
    (3 + SECRETBOX_ID_LEN + 1 + 4 * ((12 + SECRETBOX_PLAIN_MAX + 16 + 2) / 3) + 1)
#define SECRETBOX_AD_MAX 160 /* the longest associated data (a value's place) */

enum secretbox_rc {
    SECRETBOX_OK = 0,
    SECRETBOX_BAD,    /* not a sealed value, or it does not open here (altered, moved) */
    SECRETBOX_NO_KEY, /* sealed under a key the key file does not hold */
    SECRETBOX_ERR,    /* out of memory, randomness, file or crypto failure */
};

/* Creates a key file at path with one fresh random key, mode 0600 whatever the umask.
 * Fails if the file exists. 0, or -1 with a sentence in err. */
int secretbox_create(const char *path, char *err, size_t errcap);

/* Reads the key file at path (narrowing a wider mode, filemode.h). Returns an owned box
 * (free with secretbox_free), or NULL with a sentence in err (never a key's bytes). */
struct secretbox *secretbox_load(const char *path, char *err, size_t errcap);
/* Wipes the keys and frees. Accepts NULL. */
void secretbox_free(struct secretbox *b);

/* Seals len bytes of plain (len <= SECRETBOX_PLAIN_MAX) for the place ad under the first
 * key into out (cap >= SECRETBOX_SEALED_MAX), NUL-terminated. */
enum secretbox_rc secretbox_seal(struct secretbox *b, const char *ad, const void *plain, size_t len,
                                 char *out, size_t cap);

/* Opens sealed for the place ad into out (room for cap bytes); *len gets the length. The
 * output is wiped on failure. */
enum secretbox_rc secretbox_open(struct secretbox *b, const char *ad, const char *sealed,
                                 unsigned char *out, size_t cap, size_t *len);

/* 1 when value has the form of a sealed value ("s1:" + key id + ":"), else 0. */
int secretbox_is_sealed(const char *value);

/* The key id of a sealed value into id (SECRETBOX_ID_LEN + 1). 0, or -1 when it is not one. */
int secretbox_value_key(const char *sealed, char id[SECRETBOX_ID_LEN + 1]);

/* 1 when the key file holds the key id, else 0. */
int secretbox_has_key(struct secretbox *b, const char *id);

/* The id of the sealing key (the file's first) into id. */
void secretbox_sealing_key(struct secretbox *b, char id[SECRETBOX_ID_LEN + 1]);

/* Rotation, first step: replaces the key file with a new random key first and the keys it
 * held after it, and reads it again. 0, or -1 with err (the file then is as it was). */
int secretbox_add_key(struct secretbox *b, char *err, size_t errcap);

/* Rotation, last step: replaces the key file with its sealing key alone. 0, or -1 with
 * err. Call only once nothing is sealed under the others. */
int secretbox_drop_old_keys(struct secretbox *b, char *err, size_t errcap);

/* The path of the box's key file (borrowed). */
const char *secretbox_path(const struct secretbox *b);

/* The process's box, used by the stores: set once at start-up, before any thread uses a
 * store (the box is owned by the caller and outlives every use). NULL until set. */
void secretbox_install(struct secretbox *b);
struct secretbox *secretbox_installed(void);

#endif
