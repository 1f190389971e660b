/*
 * audit.h: the append-only, hash-chained audit log.
 *
 * Every record answers: when, who (actor), did what (action, outcome), about whom
 * (subject resident), which kinds of data, for what purpose, on which consent or legal
 * basis, from where to where, in which request. Each record stores the hash of its
 * predecessor and its own hash over all its fields (audit_hash()), so editing or removing
 * any record breaks the chain at that record. Signed checkpoints (hash of the newest
 * record at a time, signed with the hub key) make removing the newest records visible too.
 *
 * audit_append() must run inside the caller's write transaction, so a release and its
 * record commit together or not at all (PRODUCT.md "Rules for data").
 */
#ifndef HUB_AUDIT_H
#define HUB_AUDIT_H

#include <stddef.h>
#include <time.h>
#include <sqlite3.h>
#include "db.h"
#include <openssl/evp.h>

/* Borrowed strings; NULL is stored as "". subject 0 = no resident. */
struct audit_rec {
    time_t at;
    const char *actor;       /* "device:3", "family:2", "staff:1", "resident:5", "hubctl" */
    const char *action;      /* "checkin.create", "checkins.read", "auth.card_login", ... */
    const char *outcome;     /* "ok" or "refused: <reason>" (never a PIN) */
    long long subject;       /* resident id */
    const char *data_kinds;  /* "safety", "checkups", ... comma separated */
    const char *purpose;     /* "watch_over", "authentication", "administration", ... */
    const char *basis;       /* "consent:12", "legal:watch_over_city", "self", "none" */
    const char *source;      /* where the data came from */
    const char *destination; /* where it went */
    const char *request_id;
};

/* Appends r. Returns SQLITE_OK or the SQLite error (the caller rolls back). *id_out, if
 * not NULL, gets the new record's id. */
int audit_append(sqlite3 *db, const struct audit_rec *r, long long *id_out);

/* Writes a checkpoint over the newest record, signed with key. Inside a transaction.
 * Returns SQLITE_OK (also when the log is empty: nothing to sign) or an error. */
int audit_checkpoint(sqlite3 *db, EVP_PKEY *key, time_t now);

enum audit_verify_status {
    AUDIT_VERIFY_OK = 0,
    AUDIT_VERIFY_BROKEN,         /* a record does not match; *bad_id names it */
    AUDIT_VERIFY_TRUNCATED,      /* a signed checkpoint covers records that are gone */
    AUDIT_VERIFY_BAD_CHECKPOINT, /* a checkpoint's signature or key is wrong */
    AUDIT_VERIFY_ERROR,          /* the database could not be read */
};
const char *audit_verify_status_str(enum audit_verify_status s);

/*
 * Walks the whole chain and every checkpoint. key (may be NULL: checkpoints are then
 * not checked) is the hub key whose public half must have signed them. On failure
 * *bad_id is the first bad record (or the checkpoint's record) and msg says what is
 * wrong in a sentence. *n_records gets the number of records checked.
 */
/* The same through the database interface, on either backend: on PostgreSQL it locks the
 * chain head row until the caller's transaction ends (concurrent appenders in other
 * processes wait, then continue the chain from the committed head). Returns DB_OK or the
 * failure (the caller rolls back). */
enum db_status audit_append_db(struct db *db, const struct audit_rec *r, long long *id_out);

/* Checks the whole chain (and with key every signed checkpoint) on either backend. */
enum audit_verify_status audit_verify_db(struct db *db, EVP_PKEY *key, long long *bad_id,
                                         long long *n_records, char *msg, size_t msgcap);
enum audit_verify_status audit_verify(sqlite3 *db, EVP_PKEY *key, long long *bad_id,
                                      long long *n_records, char *msg, size_t msgcap);

#endif
