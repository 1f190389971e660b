/*
 * residents.h: the residents store. A resident is enrolled by the city office with a
 * display name, a district, a daily check-in deadline and, optionally, the SHA-256 of
 * their card certificate, their insurance member key (checkup matching) and an address
 * (shopping deliveries). A resident belongs to one municipality: every function takes the
 * scope of a town (scope.h) and neither sees nor changes a resident of another town (as if
 * there were none). Every function runs inside the caller's transaction (or read snapshot)
 * on the caller's handle and writes no audit record: the caller audits.
 */
#ifndef HUB_STORE_RESIDENTS_H
#define HUB_STORE_RESIDENTS_H

#include "db.h"
#include "scope.h"

#include <stddef.h>
#include <stdint.h>

/* A resident to enrol; the strings are borrowed for the call. */
struct residents_new {
    const char *display_name;
    const char *district;
    int64_t deadline_min;   /* minutes after midnight, Japan time */
    const char *cert_fp;    /* hex SHA-256 of the card certificate, or NULL */
    const char *member_key; /* insurer:symbol:number:branch, or NULL */
    const char *address;    /* NULL stores "" */
};

/* Enrols r at now; *id gets the new id. DB_ERR_CONSTRAINT when the certificate or the
 * member key is already enrolled. */
__attribute__((warn_unused_result)) enum db_status residents_add(struct db *db,
                                                                 const struct scope *sc,
                                                                 const struct residents_new *r,
                                                                 int64_t now, int64_t *id);

/* Sets the certificate fingerprint of resident id; *changed gets 1, or 0 when there is no
 * such resident. DB_ERR_CONSTRAINT when the certificate belongs to someone else. */
__attribute__((warn_unused_result)) enum db_status
residents_set_cert(struct db *db, const struct scope *sc, int64_t id, const char *cert_fp,
                   int *changed);

/* Whether 元気がない alerts the family (on 1/0); *changed 0 when there is no such resident. */
__attribute__((warn_unused_result)) enum db_status
residents_set_unwell_alert(struct db *db, const struct scope *sc, int64_t id, int on, int *changed);

/* The resident's display name into out (cap bytes, cut to fit): DB_ROW, DB_DONE when there
 * is no such resident, or an error. */
__attribute__((warn_unused_result)) enum db_status
residents_name(struct db *db, const struct scope *sc, int64_t id, char *out, size_t cap);

/* The resident's district (orders are delivered by operators serving it) and delivery
 * address, the same way as residents_name. */
__attribute__((warn_unused_result)) enum db_status
residents_district(struct db *db, const struct scope *sc, int64_t id, char *out, size_t cap);
__attribute__((warn_unused_result)) enum db_status
residents_address(struct db *db, const struct scope *sc, int64_t id, char *out, size_t cap);

/* Whether resident id belongs to the scope's town: *yes 1 or 0 (also 0 when there is no
 * such resident). DB_OK or the database's error. */
__attribute__((warn_unused_result)) enum db_status
residents_in_town(struct db *db, const struct scope *sc, int64_t id, int *yes);

/* The town resident id belongs to, whatever the caller's: DB_ROW with *town, or DB_DONE.
 * Only for saying "this card belongs to another town" and for hubctl's administrator; a
 * face never reads a resident's data with it. */
__attribute__((warn_unused_result)) enum db_status residents_town(struct db *db, int64_t id,
                                                                  int64_t *town);

/* The scope of the town resident id belongs to, or NULL (no such resident, or an error), for
 * the hub's own workers that act for every town and hold a resident id from a row they
 * claimed (notifications, pushes, the missed check-in pass) and for a notification's ack
 * code, which is its own credential. A face never scopes a caller with it. */
const struct scope *residents_scope(struct db *db, int64_t id);

/* The resident's birth date (YYYY-MM-DD) and sex ("male" | "female"), or "" for unknown:
 * the age band and sex of the statistical tables (docs/stats.md). *changed 0 when there is
 * no such resident. */
__attribute__((warn_unused_result)) enum db_status
residents_set_person(struct db *db, const struct scope *sc, int64_t id, const char *birth_date,
                     const char *sex, int *changed);

#endif
