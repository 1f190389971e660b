/*
 * hubctl_purge.h: `hubctl purge`, the retention purge hubd runs every --purge-every
 * seconds (store/retention.h), run once now at the hub clock: expired login challenges,
 * card sessions past their limit and old Idempotency-Keys of every town, in bounded steps
 * of one transaction each (hubd may run meanwhile).
 */
#ifndef HUB_CLI_PURGE_H
#define HUB_CLI_PURGE_H

#include <stdio.h>

struct db;

/* Runs command cmd with its options argv[0..argc) on db. Returns the exit status, or -1
 * when cmd is not one of these commands. */
int hubctl_purge(struct db *db, const char *cmd, int argc, char **argv);

/* The usage lines of these commands. */
void hubctl_purge_usage(FILE *f);

#endif
