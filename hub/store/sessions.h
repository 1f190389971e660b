/*
 * sessions.h: the card sessions store. A card session is opened by a card login on one
 * device for the resident the card belongs to; it is found by the SHA-256 (hex) of its
 * token, never by the token, and ends at logout or when its idle or absolute limit passes
 * (the limits are the caller's: auth.h). Sessions live in the database, so every hubd
 * process sees a session another one opened. A session belongs to the town it was opened in:
 * every function takes that town's scope, and a session of another town is not found. Every
 * function runs inside the caller's transaction on the caller's handle and writes no audit record:
 * the caller audits.
 */
#ifndef HUB_STORE_SESSIONS_H
#define HUB_STORE_SESSIONS_H

#include "db.h"
#include "scope.h"

#include <stddef.h>
#include <stdint.h>

struct sessions_row {
    int64_t id;
    int64_t device;
    int64_t resident;
    int64_t created;   /* Unix s */
    int64_t last_used; /* Unix s */
    int ended;         /* 1 after logout */
    int64_t town;      /* the municipality the session was opened in */
};

/* Opens a session in the scope's town (the device's and the resident's) (token_hash
 * borrowed) at now; *id gets its id. */
__attribute__((warn_unused_result)) enum db_status
sessions_add(struct db *db, const struct scope *sc, const char *token_hash, int64_t device,
             int64_t resident, int64_t now, int64_t *id);

/* The session with this token hash: DB_ROW with *out, DB_DONE when there is none. */
__attribute__((warn_unused_result)) enum db_status sessions_find(struct db *db,
                                                                 const struct scope *sc,
                                                                 const char *token_hash,
                                                                 struct sessions_row *out);

/* The session id with its resident's display name (copied into name, cap bytes): DB_ROW
 * with *out, or DB_DONE when there is no such session. */
__attribute__((warn_unused_result)) enum db_status sessions_read(struct db *db,
                                                                 const struct scope *sc, int64_t id,
                                                                 struct sessions_row *out,
                                                                 char *name, size_t cap);

/* Moves the session's idle deadline: it was used at now. */
__attribute__((warn_unused_result)) enum db_status
sessions_touch(struct db *db, const struct scope *sc, int64_t id, int64_t now);

/* Ends the open session with this token hash on device at now: DB_ROW with *resident when
 * one was ended, DB_DONE when none was open (unknown, ended, or another device's). */
__attribute__((warn_unused_result)) enum db_status
sessions_end(struct db *db, const struct scope *sc, const char *token_hash, int64_t device,
             int64_t now, int64_t *resident);

/* The resident of the scope's town enrolled with the card certificate whose SHA-256 is
 * cert_fp (hex): DB_ROW with *resident and the display name (copied into name, cap bytes),
 * or DB_DONE. A card enrolled in another town is DB_DONE too, with that town's id in
 * *elsewhere (else 0) so the kiosk can say so; nothing else of that resident is read. */
__attribute__((warn_unused_result)) enum db_status
sessions_card_holder(struct db *db, const struct scope *sc, const char *cert_fp, int64_t *resident,
                     char *name, size_t cap, int64_t *elsewhere);

/* Housekeeping (retention.h): deletes up to limit sessions opened before before (Unix s),
 * the oldest first, of every town (nothing is released): the caller's cut-off lies past
 * every such session's absolute limit, so only sessions that are over go. *deleted: how
 * many. */
__attribute__((warn_unused_result)) enum db_status sessions_purge(struct db *db, int64_t before,
                                                                  int64_t limit, int64_t *deleted);

#endif
