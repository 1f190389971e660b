/*
 * hubctl_secrets.h: hubctl's secrets key file: found and checked against the database at
 * every start (store/secrets.h), and secrets-rotate, which seals every stored secret under a
 * new key (docs/hub.md "Files and secrets", docs/operations.md).
 */
#ifndef HUB_CLI_SECRETS_H
#define HUB_CLI_SECRETS_H

#include <stddef.h>
#include <stdio.h>

struct db;
struct secretbox;

/* After the migrations: the key file (path: --secrets-key, or NULL for the default beside
 * key_path or the SQLite file dbpath) checked against db, values in the clear sealed, the
 * box installed. *box is owned by the caller (secretbox_free after secretbox_install(NULL)).
 * 0, or -1 with a sentence on stderr. */
int hubctl_secrets_start(struct db *db, const char *path, const char *key_path, const char *dbpath,
                         struct secretbox **box);

/* Runs cmd (secrets-rotate) with its options argv[0..argc) on db. The exit status, or -1
 * when cmd is not one of these commands. */
int hubctl_secrets(struct db *db, const char *cmd, int argc, char **argv);

/* The usage lines of these commands. */
void hubctl_secrets_usage(FILE *f);

#endif
