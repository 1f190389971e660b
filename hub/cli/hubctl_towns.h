/*
 * hubctl_towns.h: hubctl's commands for a town that leaves the hub: municipality-export
 * (its data and audit records in one signed file, docs/hub.md "Export of a town"),
 * export-verify (checks such a file with nothing but the file, and optionally the hub's
 * published public key) and municipality-remove (deletes the town, audited).
 */
#ifndef HUB_CLI_TOWNS_H
#define HUB_CLI_TOWNS_H

#include <stdio.h>

struct db;
struct scope;

/* Runs cmd (municipality-export or municipality-remove) for town with its options
 * argv[0..argc) on db. The exit status, or -1 when cmd is not one of these. */
int hubctl_towns(struct db *db, const struct scope *town, const char *cmd, int argc, char **argv);

/* export-verify: needs no database. The exit status (0 verified, 1 not, 2 usage). */
int hubctl_export_verify(int argc, char **argv);

/* hubctl.c's one audit record of an administrative change, actor "hubctl", inside the
 * caller's transaction, in the log of the subject's town, else of the command's town
 * (hubctl_audit_town()). 0, or -1. */
int hubctl_audit(struct db *db, const char *action, const char *outcome, long long subject,
                 const char *kinds);
/* The same in the hub log (adding and removing towns). */
int hubctl_audit_hub(struct db *db, const char *action, const char *outcome, const char *kinds);
/* The command's town (municipality id), 0 for a command of no town. */
long long hubctl_audit_town(void);

/* The usage lines of these commands. */
void hubctl_towns_usage(FILE *f);

#endif
