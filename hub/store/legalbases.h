/*
 * legalbases.h: the legal bases store. A legal basis names a law or programme under which
 * one kind of recipient receives one kind of data for one purpose without the resident's
 * consent (`watch_over_city`: staff receive safety alerts). Runs inside the caller's
 * transaction (or read snapshot); the caller audits.
 */
#ifndef HUB_STORE_LEGALBASES_H
#define HUB_STORE_LEGALBASES_H

#include "db.h"

#include <stddef.h>

/* A legal basis; the texts are borrowed (for the call, or until the callback returns). */
struct legalbases_row {
    const char *name;
    const char *recipient_kind;
    const char *data_kind;
    const char *purpose;
    const char *description;
};

/* Adds b. DB_ERR_CONSTRAINT when the name is taken. */
__attribute__((warn_unused_result)) enum db_status legalbases_add(struct db *db,
                                                                  const struct legalbases_row *b);

/* Calls row(ctx, ...) for every legal basis by name; a non-zero return stops the walk with
 * DB_ERR. DB_OK or the database's error. */
__attribute__((warn_unused_result)) enum db_status
legalbases_list(struct db *db, int (*row)(void *ctx, const struct legalbases_row *b), void *ctx);

/* The legal basis letting recipient_kind receive data_kind for purpose (the first by name
 * when several do): DB_ROW with its name copied into name (cap bytes, cut to fit), DB_DONE
 * when there is none. */
__attribute__((warn_unused_result)) enum db_status
legalbases_find(struct db *db, const char *recipient_kind, const char *data_kind,
                const char *purpose, char *name, size_t cap);

#endif
