/*
 * consents.h: the consents store. A consent is a resident's yes to one recipient (a family
 * member, city staff, a shopping operator, a source organisation) receiving one kind of
 * data for one purpose; it is in force from its grant until it is revoked. Granting what
 * is already in force changes nothing (the paper form, the enrolment form and the card
 * session all grant through consents_grant). A consent belongs to its resident's town: every
 * function takes the scope of a town (scope.h) and neither sees nor changes a consent of
 * another town's resident (as if there were none). Every function runs inside the caller's
 * transaction on the caller's handle and writes no audit record: the caller audits.
 */
#ifndef HUB_STORE_CONSENTS_H
#define HUB_STORE_CONSENTS_H

#include "db.h"
#include "scope.h"

#include <stdint.h>

struct consents_key {
    int64_t resident;
    const char *recipient_kind; /* "family" | "staff" | "operator" | "source" */
    int64_t recipient_id;
    const char *data_kind;
    const char *purpose;
};

/*
 * Grants k at now, recorded as given via `via` ("card session", "paper form (hubctl)",
 * ...), unless the same consent is in force. *id gets the consent's id (the new one or the
 * one in force), *created 1 when it was granted now. DB_ERR_CONSTRAINT when the resident is
 * not of the scope's town; DB_OK or the database's error.
 */
__attribute__((warn_unused_result)) enum db_status
consents_grant(struct db *db, const struct scope *sc, const struct consents_key *k, int64_t now,
               const char *via, int64_t *id, int *created);

/* Revokes every consent in force matching k at now; *revoked gets how many (0 for a
 * resident of another town). */
__attribute__((warn_unused_result)) enum db_status consents_revoke(struct db *db,
                                                                   const struct scope *sc,
                                                                   const struct consents_key *k,
                                                                   int64_t now, int64_t *revoked);

/*
 * The newest consent in force for k, as the gate asks before a release: DB_ROW with its *id,
 * DB_DONE when there is none (also for a resident of another town). A data kind
 * "checkups:<source>" is also covered by a consent for all checkups ("checkups").
 */
__attribute__((warn_unused_result)) enum db_status
consents_in_force(struct db *db, const struct scope *sc, const struct consents_key *k, int64_t *id);

/* One consent as read; the texts are borrowed until the callback returns. */
struct consents_row {
    int64_t id;
    int64_t resident;
    const char *recipient_kind;
    int64_t recipient_id;
    const char *data_kind;
    const char *purpose;
    int64_t granted_at;
    const char *granted_via;
    int64_t revoked_at; /* 0 while in force */
};

/* Calls row(ctx, ...) for the consents of resident (0: of every resident of the town), by
 * id; in_force_only: only those not revoked. A non-zero return from row stops the walk with
 * DB_ERR. */
__attribute__((warn_unused_result)) enum db_status
consents_list(struct db *db, const struct scope *sc, int64_t resident, int in_force_only,
              int (*row)(void *ctx, const struct consents_row *c), void *ctx);

/*
 * One choice the resident has or may make: a recipient and a kind of data, with the
 * consent in force (consent_id 0 when none) and the last revocation (0 when never).
 */
struct consents_choice {
    const char *recipient_kind;
    int64_t recipient_id;
    const char *data_kind;
    const char *purpose;
    int64_t consent_id, granted_at, revoked_at;
};

/*
 * Calls row(ctx, ...) for every choice of resident, at most 200: each linked family
 * member x safety, each source organisation that sent the resident's checkups x those
 * checkups, each operator serving the resident's district x the address, and every
 * consent ever recorded (a revoked one stays, so it can be granted again), in that order.
 * Nothing for a resident of another town.
 */
__attribute__((warn_unused_result)) enum db_status
consents_choices(struct db *db, const struct scope *sc, int64_t resident,
                 int (*row)(void *ctx, const struct consents_choice *c), void *ctx);

#endif
