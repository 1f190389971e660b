/*
 * hubctl_safety.h: hubctl's staff view of a safety confirmation (安否確認):
 * `safety-show --check N [--watch SECONDS]` prints the check's counts (asked, answered
 * safe, need help, no answer) and the three lists, read from the database as
 * GET /v1/safety-checks/{id} reads them; with --watch again every SECONDS until Ctrl-C.
 */
#ifndef HUBCTL_SAFETY_H
#define HUBCTL_SAFETY_H

#include <stdio.h>

struct db;
struct scope;

/* Runs cmd when it is one of these commands (its exit status), else -1. */
int hubctl_safety(struct db *db, const struct scope *town, const char *cmd, int argc, char **argv);
/* The usage lines of these commands. */
void hubctl_safety_usage(FILE *f);

#endif
