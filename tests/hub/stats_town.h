/*
 * stats_town.h: a synthetic town for the statistics tests and benchmark, written through
 * the hub's own stores (residents, devices, checkups by the CSV importer, check-ins, the
 * escalation pass, help and 元気がない alerts, orders), deterministic for a seed. Districts
 * of very different sizes (the smallest has a few dozen residents), ages 20-99, several
 * fiscal years of checkups, one fiscal year of check-ins, alerts and orders.
 */
#ifndef STATS_TOWN_H
#define STATS_TOWN_H

#include <stdint.h>

struct db;

struct stats_town {
    int residents;
    int first_fy, last_fy; /* checkups in these fiscal years; watch and orders in last_fy */
    uint64_t seed;
    int watch_percent;    /* residents with a home tablet (check-ins), e.g. 30 */
    int64_t municipality; /* the hub's municipality id to build in (0: 1) */
};

/* Builds the town into db (migrated, empty). Prints progress to stderr. 0, or -1 with the
 * reason printed. */
int stats_town_build(struct db *db, const struct stats_town *cfg);

#endif
