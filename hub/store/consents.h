/*
 * consents.h: the consents store. A consent is a resident's yes to one recipient (a family
 * member, city staff, a shopping operator, a source organisation) receiving one kind of
 * data for one purpose; it is in force from its grant until it is revoked. Granting what
 * is already in force changes nothing (the paper form, the enrolment form and the card
 * session all grant through consents_grant). Every function runs inside the caller's
 * transaction on the caller's handle and writes no audit record: the caller audits.
 */
#ifndef HUB_STORE_CONSENTS_H
#define HUB_STORE_CONSENTS_H

#include "db.h"

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
 * one in force), *created 1 when it was granted now. DB_OK or the database's error.
 */
__attribute__((warn_unused_result)) enum db_status consents_grant(struct db *db,
                                                                  const struct consents_key *k,
                                                                  int64_t now, const char *via,
                                                                  int64_t *id, int *created);

/* Revokes every consent in force matching k at now; *revoked gets how many. */
__attribute__((warn_unused_result)) enum db_status
consents_revoke(struct db *db, const struct consents_key *k, int64_t now, int64_t *revoked);

#endif
