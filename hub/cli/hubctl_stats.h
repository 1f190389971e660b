/*
 * hubctl_stats.h: hubctl's statistics commands (stats, stats-optout, resident-person),
 * on the same stores and table code as hubd's statistics face; every request and change is
 * audited with actor "hubctl".
 */
#ifndef HUB_CLI_STATS_H
#define HUB_CLI_STATS_H

#include <stdio.h>

struct db;
struct scope;

/* Runs command cmd with its options argv[0..argc) on db in municipality town. Returns the
 * exit status, or -1 when cmd is not one of these commands. */
int hubctl_stats(struct db *db, const struct scope *town, const char *cmd, int argc, char **argv);

/* The usage lines of these commands. */
void hubctl_stats_usage(FILE *f);

#endif
