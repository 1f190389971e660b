/*
 * notices.h: the notices store. A notice is something every screen in its area shows
 * until it ends: the town's own (避難指示, 避難所の開設, service hours, ...) entered by staff,
 * or a JMA weather warning made from the 気象警報・注意報 telegrams (notices_jma_apply).
 * Its level is fixed by its kind (docs/api.md); its area is the whole town or a list of
 * districts. Every function runs inside the caller's transaction on the caller's handle
 * and writes no audit record: the caller audits (notices_jma_apply tells it what changed).
 *
 * A notice belongs to one town: the functions about a town's notices take its scope
 * (scope.h) and neither see, show nor end another town's, whatever id is sent. Several
 * towns may follow the same JMA area: each gets its own notices from one telegram. Hub-wide
 * by design, taking no scope: the telegram log (notices_jma_seen, notices_jma_refused),
 * notices_jma_apply (one telegram, every town following its areas) and notices_audit.
 */
#ifndef HUB_STORE_NOTICES_H
#define HUB_STORE_NOTICES_H

#include "db.h"
#include "scope.h"

#include <stdint.h>

struct jma_telegram;

#define NOTICES_DISTRICTS_MAX 50

/* The level of kind (higher = more urgent), or -1 for a kind that does not exist. */
int notices_level(const char *kind);
/* 1 for the kinds staff may enter (the town's), 0 for JMA's and unknown ones. */
int notices_town_kind(const char *kind);

struct notices_new {
    const char *kind;
    const char *title_ja, *title_en, *area_ja;
    const char *area_kana; /* the place's reading from staff; NULL or "" = none */
    const char *what_ja, *todo_ja, *what_en, *todo_en;
    const char *const *districts; /* n_districts names; none = the whole town */
    int n_districts;
    int64_t starts; /* Unix seconds */
    int64_t ends;   /* 0 = until ended */
    const char *by; /* "staff:3", "hubctl" */
};

/* Adds a notice of the scope's town; *id gets its id. */
__attribute__((warn_unused_result)) enum db_status notices_add(struct db *db,
                                                               const struct scope *sc,
                                                               const struct notices_new *n,
                                                               int64_t now, int64_t *id);

/*
 * Ends town notice id at now (by: who). *found 0 when there is no such notice, *jma 1 when
 * it is a JMA notice (not ended: JMA ends its own), *changed 1 when it was in force or
 * scheduled and is now ended.
 */
__attribute__((warn_unused_result)) enum db_status notices_end(struct db *db,
                                                               const struct scope *sc, int64_t id,
                                                               int64_t now, const char *by,
                                                               int *found, int *jma, int *changed);

/* One notice as read; text is borrowed until the callback returns. */
struct notices_row {
    int64_t id;
    const char *source, *kind;
    int64_t level;
    const char *title_ja, *title_en, *area_ja, *what_ja, *todo_ja, *what_en, *todo_en;
    int whole_town;
    const char *jma_area;  /* NULL for town notices */
    const char *area_kana; /* staff's reading of the place; NULL = none */
    int64_t starts, ends;  /* ends 0 = none */
    const char *ended_by;  /* NULL while not ended */
    int64_t created, updated;
    const char *created_by;
};
typedef int (*notices_row_fn)(void *ctx, const struct notices_row *n);

/*
 * The notices in force at now for an area, highest level first (then newest update,
 * then id): district NULL = anywhere in the town, "" = whole-town notices only (a device
 * with no district), else whole-town notices and those for that district. A non-zero
 * return of row stops the walk with DB_ERR.
 */
__attribute__((warn_unused_result)) enum db_status
notices_in_force(struct db *db, const struct scope *sc, int64_t now, const char *district,
                 notices_row_fn row, void *ctx);

/* Every notice, newest first, ids below before (0 = from the newest), at most limit. */
__attribute__((warn_unused_result)) enum db_status notices_all(struct db *db,
                                                               const struct scope *sc,
                                                               int64_t before, int64_t limit,
                                                               notices_row_fn row, void *ctx);

/* One notice by id: DB_ROW after row() ran, DB_DONE when there is none. */
__attribute__((warn_unused_result)) enum db_status
notices_get(struct db *db, const struct scope *sc, int64_t id, notices_row_fn row, void *ctx);

/* Calls fn for each district of notice id (none for a whole-town notice). */
__attribute__((warn_unused_result)) enum db_status
notices_districts(struct db *db, const struct scope *sc, int64_t id,
                  int (*fn)(void *ctx, const char *district), void *ctx);

/* The district of a device (its own setting, else its resident's), into out ("" = none).
 * DB_OK, or the error. */
__attribute__((warn_unused_result)) enum db_status notices_device_district(struct db *db,
                                                                           const struct scope *sc,
                                                                           int64_t device,
                                                                           char *out, size_t cap);

/*
 * The audit record of a change to public information (a notice, a JMA area, a device's
 * district): no resident, data kind "notice", purpose "disaster_info", basis
 * "public_information". Inside the caller's transaction.
 */
__attribute__((warn_unused_result)) enum db_status
notices_audit(struct db *db, int64_t now, const char *actor, const char *action, const char *source,
              const char *destination, const char *request_id);

/* ---- JMA ---------------------------------------------------------------------------- */

/* Configures JMA area code (7 digits) named name for districts (none = whole town) of the
 * scope's town; replaces the town's earlier setting of the code (other towns following the
 * same area keep theirs). */
__attribute__((warn_unused_result)) enum db_status
notices_jma_area_set(struct db *db, const struct scope *sc, const char *code, const char *name,
                     const char *const *districts, int n_districts, int64_t now);

/* One JMA area a town follows, as listed; the texts are borrowed until fn returns. */
struct notices_jma_area {
    const char *code, *name;
    const char *districts; /* names separated by '\n'; "" = the whole town */
    int64_t last_report;   /* the newest telegram applied to the area (any town), 0 none */
};

/* Calls fn for each JMA area the scope's town follows, by code. */
__attribute__((warn_unused_result)) enum db_status
notices_jma_areas(struct db *db, const struct scope *sc,
                  int (*fn)(void *ctx, const struct notices_jma_area *a), void *ctx);

/* Sets the district of device (of the scope's town) for notices (NULL or "": none, only
 * whole-town notices); *changed 0 when there is no such device in the town. */
__attribute__((warn_unused_result)) enum db_status
notices_set_device_district(struct db *db, const struct scope *sc, int64_t device,
                            const char *district, int *changed);

/* 1 when telegram url was seen before (applied or refused), 0 when not; -1 on error. */
int notices_jma_seen(struct db *db, const char *url);

/*
 * Applies a parsed telegram (fetched from url) at now: for each of its areas and each town
 * following it, unless a newer telegram already set that area, the town's JMA notices in force
 * become exactly the kinds the telegram has in force (new ones issued, missing ones
 * ended; a 取消 ends what the office's telegrams had put in force). For every change
 * changed(ctx, action, notice id) is called ("notice.jma_issue", "notice.jma_update",
 * "notice.jma_end"); a non-zero return fails the whole apply. The telegram is recorded as
 * seen. *areas gets the number of (town, area) settings it applied.
 */
__attribute__((warn_unused_result)) enum db_status
notices_jma_apply(struct db *db, const struct jma_telegram *t, const char *url, int64_t now,
                  int (*changed)(void *ctx, const char *action, int64_t id), void *ctx, int *areas);

/* Records a refused telegram (office and time as far as they were read), so it is not
 * fetched again. */
__attribute__((warn_unused_result)) enum db_status
notices_jma_refused(struct db *db, const char *url, const char *office, int64_t report_unix,
                    const char *reason, int64_t now);

#endif
