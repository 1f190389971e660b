/*
 * auditlog.h: the audit trail as a transparency log (RFC 9162 in the manner of
 * Certificate Transparency; docs/hub.md "Audit log"). The records of a log, in their
 * chain order (seq 1, 2, ...), are the leaves 0, 1, ... of a Merkle tree (merkle.h); the
 * hub signs a tree head (treehead.h) over the tree at least every N records or T seconds,
 * each head naming the one before it. Anyone holding an earlier head asks for a
 * consistency proof to the newest and checks that the newer tree extends the older one
 * (a witness); hubctl audit-verify recomputes every head's root from the records.
 *
 * Logs have ids: TREEHEAD_DEFAULT_LOG is the hub log (records that belong to no town, and
 * every record written before towns had logs); every town has one log of its own
 * (audit_logs.municipality_id), signed with its own key (auditkey.h). A record's `seq`
 * counts within its log. auditlog_route() is the rule that sends a record to a log.
 *
 * Stored: audit_logs (one row per log; on PostgreSQL its row lock makes one process the
 * signer), audit_heads (every signed head), audit_tree_nodes (the hashes of the perfect
 * subtrees of AUDITLOG_TILE leaves and more, written as heads are signed, so a proof or
 * a root reads O(log n) nodes and at most a tile of records, never the whole log).
 */
#ifndef HUB_AUDITLOG_H
#define HUB_AUDITLOG_H

#include "db.h"
#include "merkle.h"
#include "treehead.h"

#include <time.h>
#include <openssl/evp.h>

/* Subtrees of this many leaves (2^8) and more are stored; smaller ones are hashed from
 * the records when needed. */
#define AUDITLOG_TILE_LEVEL 8
#define AUDITLOG_TILE       (1LL << AUDITLOG_TILE_LEVEL)

/* The most logs one hub has (the hub log and one per town ever added). */
#define AUDITLOG_MAX 4096

/* A record's log: the log of its subject resident's town when it has one (a record about a
 * resident belongs to the resident's town, whoever of whichever town acted); else of town
 * (> 0: the town the actor acted in, as the caller says); else of the town of the actor
 * named by "device:N", "family:N", "staff:N", "source:N", "operator:N" or "resident:N";
 * else the hub log. town < 0 sends the record to the hub log whatever else it names
 * (adding and removing towns). */
enum db_status auditlog_route(struct db *db, long long town, long long subject, const char *actor,
                              long long *log);

/* The same rule as an SQL expression (for an INSERT that routes its record itself, with no
 * round trip of its own) over three parameters that auditlog_route_bind() binds. */
#define AUDITLOG_ROUTE_SQL AUDITLOG_ROUTE_OF("?", "?", "?")
/* The same over three SQL expressions (columns of a batch's rows, auditlog_route_values()). */
#define AUDITLOG_ROUTE_OF(subject, town, fallback)                                                 \
    "COALESCE((SELECT l.id FROM residents r JOIN audit_logs l"                                     \
    " ON l.municipality_id = r.municipality_id WHERE r.id = " subject "),"                         \
    " (SELECT l.id FROM audit_logs l WHERE l.municipality_id = " town "), " fallback ")"
/* Binds AUDITLOG_ROUTE_SQL's parameters from idx on: the subject, the town and the log to
 * fall back on (the actor's town's, read here only for a record that names no town). */
enum db_status auditlog_route_bind(struct db *db, struct db_stmt *st, int idx, long long town,
                                   long long subject, const char *actor);
/* The three values auditlog_route_bind() binds, into v[0..2] (0 in v[0] and v[1] stands
 * for NULL). */
enum db_status auditlog_route_values(struct db *db, long long town, long long subject,
                                     const char *actor, long long v[3]);

/* The log of town into *log: DB_ROW, or DB_DONE when the town has none (no such town). */
enum db_status auditlog_of_town(struct db *db, long long town, long long *log);

/* Every log, by id: ids[i] and towns[i] (the municipality id, 0 for the hub log and for
 * the logs of towns that left). *n gets how many (at most cap). */
enum db_status auditlog_list(struct db *db, long long *ids, long long *towns, size_t cap,
                             size_t *n);

/* How many records the log's tree can cover now (chained records). */
enum db_status auditlog_size(struct db *db, long long log, long long *n);

/* The newest signed head of log into *h; *found 0 (and DB_OK) when there is none. */
enum db_status auditlog_newest(struct db *db, long long log, struct treehead *h, int *found);

/*
 * Signs a head over every record the log has now, inside the caller's transaction
 * (PostgreSQL: takes the log's row lock; DB_ERR_BUSY at once when another process is
 * signing). Nothing is signed when no record came since the newest head (*made 0). The
 * head made goes to *out when out is not NULL. DB_ERR_CONSTRAINT when the log holds fewer
 * records than its newest head covers, or a record is missing: the hub signs no history
 * it cannot account for.
 */
enum db_status auditlog_sign(struct db *db, long long log, EVP_PKEY *key, time_t now,
                             struct treehead *out, int *made);

/* RFC 9162 consistency proof between tree sizes from <= to, where `to` is at most the
 * newest head's size. DB_ERR_CONSTRAINT when the sizes are out of range. */
enum db_status auditlog_consistency(struct db *db, long long log, long long from, long long to,
                                    merkle_hash proof[MERKLE_PROOF_MAX], size_t *len);

/* The root of the log's first n leaves (n at most the newest head's size). */
enum db_status auditlog_root(struct db *db, long long log, long long n, merkle_hash out);

/*
 * The check of the signed heads against the records, fed as audit_verify walks them.
 * begin: reads the heads of log in order. leaf: the record with seq (leaf seq - 1) and time
 * at, in
 * order 1, 2, ... end: after the last record (n records), now and the bound for records
 * no head covers. leaf and end return AUDIT_VERIFY_OK (0) or the failure (audit.h's enum,
 * as an int) with a sentence in msg and the first bad record in *bad. A bound below 0
 * leaves out the check of uncovered records (not the check that heads exist).
 */
struct auditlog_check;
enum db_status auditlog_check_begin(struct db *db, long long log, EVP_PKEY *key,
                                    struct auditlog_check **out);
/* The same over heads that are not in a database (an export file): next(ctx, h) gives the
 * heads in order, 1 for a head, 0 after the last, -1 for one that could not be read;
 * pub_hex is the key that must have signed them, newest_size the biggest tree size among
 * them. NULL when out of memory. */
struct auditlog_check *auditlog_check_new(const char *pub_hex, long long newest_size,
                                          int (*next)(void *ctx, struct treehead *h), void *ctx);
int auditlog_check_leaf(struct auditlog_check *c, long long seq, long long at,
                        const merkle_hash leaf, long long *bad, char *msg, size_t cap);
int auditlog_check_end(struct auditlog_check *c, long long n, time_t now, long bound,
                       long long *bad, char *msg, size_t cap);
void auditlog_check_free(struct auditlog_check *c);

#endif
