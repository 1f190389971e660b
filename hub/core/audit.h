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
 * audit_append_db() must run inside the caller's write transaction, so a release and its
 * record commit together or not at all (PRODUCT.md "Rules for data").
 *
 * A record's place in the chain is its `seq` (1, 2, ...; the hash covers it). On SQLite a
 * record is chained as it is appended (seq = id). On PostgreSQL, where several processes
 * commit at once, a record is stored unchained (seq NULL) with its transaction, and
 * audit_chain_db() chains stored records after commit, one sequencer at a time, in one
 * short transaction: commits never wait for each other on the chain, and the chain
 * cannot fork (one head row, locked by the sequencer) or be reordered (a chained record's
 * chain fields are never written again). Verification and checkpoints cover the chained
 * records; audit_unchained_db() says how many wait.
 *
 * There is one chain per audit log: the hub log and one log per town (auditlog.h says
 * which record goes where). A record's seq counts within its log; on PostgreSQL each log
 * has its own head row and so its own sequencer.
 */
#ifndef HUB_AUDIT_H
#define HUB_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "db.h"
#include "merkle.h"
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
    /* Which log (auditlog_route()): 0 = the subject's town, else the actor's; > 0 = this
     * town when there is no subject (the town a caller acted in); < 0 = the hub log. */
    long long town;
};

enum audit_verify_status {
    AUDIT_VERIFY_OK = 0,
    AUDIT_VERIFY_BROKEN,         /* a record does not match; *bad_id names it */
    AUDIT_VERIFY_TRUNCATED,      /* a signed checkpoint covers records that are gone */
    AUDIT_VERIFY_BAD_CHECKPOINT, /* a checkpoint's signature or key is wrong */
    AUDIT_VERIFY_ERROR,          /* the database could not be read */
    AUDIT_VERIFY_BAD_HEAD,       /* a signed tree head is forged, missing (a gap) or unchained */
    AUDIT_VERIFY_ALTERED,        /* the records no longer give a signed head's root */
    AUDIT_VERIFY_UNCOVERED,      /* records older than the bound that no signed head covers */
};
const char *audit_verify_status_str(enum audit_verify_status s);

/* Appends r inside the caller's write transaction, on either backend. SQLite: chained at
 * once. PostgreSQL: stored unchained, no lock taken; call audit_chain_db() after the
 * commit. *id_out, if not NULL, gets the record's row id (on SQLite also its seq). Returns
 * DB_OK or the failure (the caller rolls back). */
enum db_status audit_append_db(struct db *db, const struct audit_rec *r, long long *id_out);

/* Appends the n records of r[] as audit_append_db() appends each, in that order. On
 * PostgreSQL ONE statement stores them all (unchained, each routed to its log as one
 * append would be): a writer batch's records cost one round trip, and the sequencer
 * (audit_chain_db()) chains them like any others. On SQLite they are chained one by one.
 * DB_OK or the failure (the caller rolls back). */
#define AUDIT_APPEND_MANY_MAX 512
enum db_status audit_append_many_db(struct db *db, const struct audit_rec *r, size_t n);

/* A chained record's hash (following prev) and its transparency-log leaf, at place seq of
 * its log, from its fields alone: what an export's reader recomputes. r->town is not
 * covered: a record's log shows in its place in that log's chain and heads. */
void audit_record_hash(const struct audit_rec *r, long long seq, const char *prev, char out[65]);
void audit_leaf_hash(const struct audit_rec *r, long long seq, merkle_hash out);

/* Most records one audit_chain_db() pass chains. */
#define AUDIT_CHAIN_MAX 5000

/*
 * The sequencer (PostgreSQL; on SQLite DB_OK with *chained = 0 at once). Outside any
 * transaction: in one transaction of its own, takes the chain head row if no other
 * process holds it, chains up to max (1..AUDIT_CHAIN_MAX) committed unchained records in
 * row-id order after the head, and commits. *chained gets how many. DB_ERR_BUSY (nothing
 * done) when another process is chaining right now: it will chain what is committed, and
 * whatever it misses is picked up by the next pass of any process. Run it after a commit
 * that appended records, at start and periodically, so nothing stays unchained.
 */
enum db_status audit_chain_db(struct db *db, int max, long *chained);
/* What one pass of audit_chain_pass_db() reads from and what it saw. */
struct audit_chain_pass {
    /* in: chain only records with a row id above this (0: every record). A record whose
     * id is at or below it and that commits later waits for a pass from lower down. */
    long long after;
    /* out: the highest record id stored when the pass looked (committed, chained or not) */
    long long top;
    /* out: the lowest id of the records the pass saw unchained and left so (a log another
     * process was chaining, or one with more than max), 0 for none */
    long long low;
};
/* audit_chain_db() over the records with an id above p->after only, so a sequencer that
 * knows where the unchained records begin reads no index entry below it (the chaining
 * UPDATE leaves a dead entry in audit_unchained for every record until vacuum); sets
 * p->top and p->low. */
enum db_status audit_chain_pass_db(struct db *db, int max, struct audit_chain_pass *p,
                                   long *chained);
/* Passes of audit_chain_db() until no committed record is left unchained (or another
 * process is chaining: DB_ERR_BUSY). *chained gets the total. */
enum db_status audit_chain_all_db(struct db *db, long long *chained);
/* How many stored records await chaining (0 on SQLite). */
enum db_status audit_unchained_db(struct db *db, int64_t *n);

/* The leaves of the records with seq from+1..to (the transparency log's leaves from..to-1,
 * auditlog.h) into out[0..to-from). DB_ERR_CONSTRAINT when one of them is missing. */
enum db_status audit_leaves_db(struct db *db, long long log, long long from, long long to,
                               merkle_hash *out);

/* Signs a tree head of the transparency log (auditlog_sign(); the signed checkpoints of
 * earlier versions are still verified but no longer written) over the chained records of
 * every log, inside the caller's transaction. DB_OK also when nothing new is chained;
 * DB_ERR_BUSY on PostgreSQL when another process is signing a log, DB_ERR_CONSTRAINT when a
 * log cannot be signed (records missing under its newest head): the other logs' heads are
 * written all the same, so the caller commits on these two as on DB_OK. */
enum db_status audit_checkpoint_db(struct db *db, EVP_PKEY *key, time_t now);
/* The same for one log, signed with that log's key made from the hub key (auditkey.h). */
enum db_status audit_sign_log_db(struct db *db, long long log, EVP_PKEY *hub, time_t now);

/* Checks the chain of every log (and with key, the hub key, every signed head and
 * checkpoint) on either backend. On failure *bad_id is the first bad record (its place in
 * its log) and msg says what is wrong in a sentence. *n_records counts chained records;
 * when some await chaining the verdict is still AUDIT_VERIFY_OK and msg says how many
 * (else msg is empty). */
enum audit_verify_status audit_verify_db(struct db *db, EVP_PKEY *key, long long *bad_id,
                                         long long *n_records, char *msg, size_t msgcap);
/* hubctl audit-verify's default bound: a running hub signs within seconds (hubd
 * --audit-head-seconds, 10), so a record this old that no head covers means heads were
 * removed or the hub could not sign. */
#define AUDIT_BOUND_DEFAULT 300

/*
 * audit_verify_db() and, with key, the transparency log's signed tree heads (auditlog.h):
 * every head is signed by key, they run 1, 2, 3, ... without a gap, each names the one
 * before it, each head's root is the root of the records it covers, no head covers more
 * records than there are, at least one head exists when records do, and every record
 * older than now - bound seconds is covered by a head. msg says which case was found.
 */
enum audit_verify_status audit_verify_log_db(struct db *db, EVP_PKEY *key, time_t now, long bound,
                                             long long *bad_id, long long *n_records, char *msg,
                                             size_t msgcap);
/* The same over one log (audit_verify_log_db() checks every log, the hub log and each
 * town's, and stops at the first that fails, naming it). key is the hub key: each log's
 * heads must be signed by that log's key (auditkey.h). */
enum audit_verify_status audit_verify_one_db(struct db *db, long long log, EVP_PKEY *key,
                                             time_t now, long bound, long long *bad_id,
                                             long long *n_records, char *msg, size_t msgcap);

#endif
