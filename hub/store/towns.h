/*
 * towns.h: the municipalities store. A municipality (自治体) is one town sharing the hub:
 * its 全国地方公共団体コード (towncode.h; unset only for the default town a migrated hub
 * starts with), its name, its service hours and contact as the kiosk shows them. Every
 * principal belongs to one (scope.h). Every function runs inside the caller's transaction
 * (or read snapshot) on the caller's handle and writes no audit record: the caller audits.
 *
 * Only the functions that make a scope (towns_add, towns_find) and the administrator's
 * listing work without one; everything about one town takes its scope.
 */
#ifndef HUB_STORE_TOWNS_H
#define HUB_STORE_TOWNS_H

#include "db.h"
#include "scope.h"

#include <stddef.h>
#include <stdint.h>

/* Caps of the texts (bytes); the caller refuses longer ones. */
#define TOWNS_NAME_MAX    200
#define TOWNS_HOURS_MAX   100
#define TOWNS_CONTACT_MAX 200

/* A town as written; texts borrowed for the call. In towns_set() a NULL text keeps the
 * stored one. */
struct towns_new {
    const char *code; /* six digits, checked by the caller with towncode_valid() */
    const char *name;
    const char *service_hours; /* "9:00〜17:00 (土日祝は休み)", said at the kiosk */
    const char *contact;       /* "市役所 福祉課 03-xxxx-xxxx" */
};

/* A town as read; copied into the row. code is "" for the unnamed default town. */
struct towns_row {
    int64_t id;
    char code[8];
    char name[TOWNS_NAME_MAX + 1];
    char service_hours[TOWNS_HOURS_MAX + 1];
    char contact[TOWNS_CONTACT_MAX + 1];
};

/* Adds a town at now; *id gets its id. DB_ERR_CONSTRAINT when the code is taken. */
__attribute__((warn_unused_result)) enum db_status
towns_add(struct db *db, const struct towns_new *t, int64_t now, int64_t *id);

/* Changes the scope's town (NULL fields kept); *changed 0 when it does not exist.
 * DB_ERR_CONSTRAINT when the new code is another town's. */
__attribute__((warn_unused_result)) enum db_status
towns_set(struct db *db, const struct scope *sc, const struct towns_new *t, int *changed);

/* The scope's own town: DB_ROW with *out, DB_DONE when it does not exist. */
__attribute__((warn_unused_result)) enum db_status towns_get(struct db *db, const struct scope *sc,
                                                             struct towns_row *out);

/* The town with this code (six digits) or, for a shorter number, this id: DB_ROW with
 * *id, DB_DONE when there is none. */
__attribute__((warn_unused_result)) enum db_status towns_find(struct db *db, const char *code_or_id,
                                                              int64_t *id);

/* Every town, by id, to row(ctx, t) (a non-zero return stops with DB_ERR). */
__attribute__((warn_unused_result)) enum db_status
towns_list(struct db *db, int (*row)(void *ctx, const struct towns_row *t), void *ctx);

/* How many towns there are, and the id of the only one when there is exactly one (else 0). */
__attribute__((warn_unused_result)) enum db_status towns_count(struct db *db, int64_t *n,
                                                               int64_t *only);

#endif
