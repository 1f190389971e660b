/*
 * actors.h: the parties that call the hub or receive its data, as the audit log names
 * them ("family:2", "staff:1", "source:3", "operator:4", "device:5"): enrolling family
 * members, staff and source organisations (a name and a token whose SHA-256 only is
 * stored), their display names, and whether one may be a consent's recipient. Every
 * function runs inside the caller's transaction (or read snapshot) on the caller's handle;
 * the caller audits.
 */
#ifndef HUB_STORE_ACTORS_H
#define HUB_STORE_ACTORS_H

#include "db.h"
#include "scope.h"

#include <stddef.h>
#include <stdint.h>

/* The kinds actors_add() enrols. */
enum actors_kind { ACTORS_FAMILY, ACTORS_STAFF, ACTORS_SOURCE };

/* Enrols a family member, staff member or source organisation of the scope's town; *id
 * gets the new id. */
__attribute__((warn_unused_result)) enum db_status
actors_add(struct db *db, const struct scope *sc, enum actors_kind kind, const char *display_name,
           const char *token_hash, int64_t now, int64_t *id);

/*
 * The display name of the actor kind:id into out (cap bytes, cut to fit) for kind "family",
 * "staff", "operator" or "source"; for "device" a description ("home device (居間)", "public
 * kiosk"). DB_ROW, DB_DONE when there is no such actor (or kind is none of these), or an
 * error.
 */
__attribute__((warn_unused_result)) enum db_status actors_name(struct db *db, const char *kind,
                                                               int64_t id, char *out, size_t cap);

/*
 * Whether kind:id may be named as the recipient of a consent of resident: a family member
 * linked to the resident, or a staff member, operator or source organisation the hub knows.
 * *known gets 1 or 0 (0 for any other kind). DB_OK or the database's error.
 */
__attribute__((warn_unused_result)) enum db_status
actors_is_recipient(struct db *db, int64_t resident, const char *kind, int64_t id, int *known);

/*
 * The actor of kind "family", "staff", "source" or "operator" whose token has this SHA-256
 * (hex): DB_ROW with its *id and *town, DB_DONE when none holds it (or kind is none of
 * these). A token names its own town, so this takes no scope: the caller makes the scope
 * from *town (auth.c).
 */
__attribute__((warn_unused_result)) enum db_status actors_by_token(struct db *db, const char *kind,
                                                                   const char *token_hash,
                                                                   int64_t *id, int64_t *town);

#endif
