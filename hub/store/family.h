/*
 * family.h: the family links store. A family member (enrolled with actors_add()) is linked
 * to one or more residents, each link with the relation in words (長男, ...). A link is
 * recorded in the town of its resident: that is the only way a family member of one town
 * serves a resident of another. Every function runs
 * inside the caller's transaction (or read snapshot) on the caller's handle; the caller audits.
 */
#ifndef HUB_STORE_FAMILY_H
#define HUB_STORE_FAMILY_H

#include "db.h"
#include "scope.h"

#include <stdint.h>

/* Links family member family (of any town) to resident of the scope's town, recorded in
 * that town (relation NULL stores ""). DB_ERR_CONSTRAINT when either does not exist (the
 * resident in that town) or the link does. */
__attribute__((warn_unused_result)) enum db_status family_link(struct db *db,
                                                               const struct scope *sc,
                                                               int64_t family, int64_t resident,
                                                               const char *relation);

/* One end of a link as read; the texts are borrowed until the callback returns. */
struct family_row {
    int64_t id; /* the family member's or the resident's id, as the function says */
    const char *display_name;
    const char *relation;
};

/* Calls row(ctx, ...) for each family member linked to resident (links recorded in the
 * scope's town), by id; a non-zero return
 * stops the walk with DB_ERR. DB_OK or the database's error. */
__attribute__((warn_unused_result)) enum db_status
family_of_resident(struct db *db, const struct scope *sc, int64_t resident,
                   int (*row)(void *ctx, const struct family_row *f), void *ctx);

/* The same for each resident family member family (of the scope's town) is linked to, in
 * whichever town each link is recorded (id and display name are the resident's). */
__attribute__((warn_unused_result)) enum db_status
family_residents(struct db *db, const struct scope *sc, int64_t family,
                 int (*row)(void *ctx, const struct family_row *f), void *ctx);

#endif
