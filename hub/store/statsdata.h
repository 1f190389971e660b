/*
 * statsdata.h: what the town's statistical tables count (docs/stats.md), read for one town
 * as of one moment ("cutoff": the tables of a Japan day are computed from what the hub
 * held when that day began). Residents who refused statistical use (statsoptout.h) before
 * the cutoff are left out of every read here. Every function runs inside the caller's read
 * snapshot on the caller's handle; nothing here names a resident to anyone: the caller
 * aggregates and suppresses before anything leaves the hub.
 *
 * sc: the municipality whose residents are counted (NULL: DB_ERR, nothing read).
 */
#ifndef HUB_STORE_STATSDATA_H
#define HUB_STORE_STATSDATA_H

#include "checkup.h"
#include "db.h"
#include "scope.h"

#include <stdint.h>

/* The districts of the town's residents (all of them: the list of districts is about no
 * one), in no particular order; the text is borrowed until row returns. */
__attribute__((warn_unused_result)) enum db_status
statsdata_districts(struct db *db, const struct scope *sc,
                    int (*row)(void *ctx, const char *district), void *ctx);

/* One row of statsdata_checkups: a checkup of a resident and one of its results (result
 * NULL for a checkup without results). Texts and result are borrowed until row returns. */
struct statsdata_checkup {
    int64_t resident;
    int64_t checkup;
    const char *date;         /* YYYY-MM-DD */
    const char *checkup_sex;  /* as the checkup said: male | female | other | unknown | "" */
    const char *birth_date;   /* the resident's, YYYY-MM-DD or "" */
    const char *resident_sex; /* the resident's, male | female | "" */
    const char *district;
    const struct checkup_result *result;
};

/* Every checkup dated in [from, to) (YYYY-MM-DD) that was the valid version at cutoff
 * (imported before it, and not replaced by a correction imported before it), ordered by
 * resident, date, checkup id; one row per result. */
__attribute__((warn_unused_result)) enum db_status
statsdata_checkups(struct db *db, const struct scope *sc, const char *from, const char *to,
                   int64_t cutoff, int (*row)(void *ctx, const struct statsdata_checkup *c),
                   void *ctx);

/* What a month's watch-over and shopping tables count: residents with at least one such
 * event in the period. */
enum statsdata_event {
    STATSDATA_CHECKIN = 0, /* answered a check-in */
    STATSDATA_MISSED,      /* a missed check-in alert was raised */
    STATSDATA_HELP,        /* pressed help */
    STATSDATA_UNWELL,      /* answered 元気がない (its alert) */
    STATSDATA_ORDER,       /* placed an order */
    STATSDATA_EVENTS
};

/* The monthly tables' months: a fiscal year. */
#define STATSDATA_MONTHS 12

/* Per district and month, the number of residents with at least one event ev in the month:
 * month m is [bounds[m], bounds[m + 1]) (Unix seconds, non-decreasing; the caller keeps
 * bounds[12] <= cutoff, so a month past the cutoff is empty). row gets each (district,
 * month) that has any. One read of the period, whatever its months. */
__attribute__((warn_unused_result)) enum db_status
statsdata_event_months(struct db *db, const struct scope *sc, enum statsdata_event ev,
                       const int64_t bounds[STATSDATA_MONTHS + 1], int64_t cutoff,
                       int (*row)(void *ctx, const char *district, int month, int64_t residents),
                       void *ctx);

#endif
