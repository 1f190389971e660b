/*
 * hubctl_disaster.h: hubctl's commands for disaster notices and the JMA feed's settings
 * (notice-add, notice-end, notices, jma-area-add, jma-areas, jma-apply, device-set). They
 * call the same stores as hubd's faces, on the database interface, and audit every change
 * with actor "hubctl".
 */
#ifndef HUB_CLI_DISASTER_H
#define HUB_CLI_DISASTER_H

#include <stdio.h>

struct db;
struct scope;

/* Runs command cmd with its options argv[0..argc) on db, in municipality town (NULL for
 * jma-apply, which applies a telegram for every town following its areas). Returns the
 * exit status, or -1 when cmd is not one of these commands. */
int hubctl_disaster(struct db *db, const struct scope *town, const char *cmd, int argc,
                    char **argv);

/* The usage lines of these commands. */
void hubctl_disaster_usage(FILE *f);

#endif
