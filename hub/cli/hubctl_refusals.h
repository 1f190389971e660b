/*
 * hubctl_refusals.h: `hubctl audit-refusals [--from UNIX] [--to UNIX]`, the summaries of
 * refused authorizations (store/refusals.h) of every town, for the hub's operator and city
 * staff at the console: one tab-separated line per summary (minute, caller, address,
 * route, count, first and last time), then `summaries=N`. The minute under way is still
 * counted in hubd's memory: it is written once the minute is over.
 */
#ifndef HUB_CLI_REFUSALS_H
#define HUB_CLI_REFUSALS_H

#include <stdio.h>

struct db;

/* Runs command cmd with its options argv[0..argc) on db. Returns the exit status, or -1
 * when cmd is not one of these commands. */
int hubctl_refusals(struct db *db, const char *cmd, int argc, char **argv);

/* The usage lines of these commands. */
void hubctl_refusals_usage(FILE *f);

#endif
