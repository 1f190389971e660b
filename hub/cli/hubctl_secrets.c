/*
 * hubctl_secrets.c: the secrets key file at hubctl's start and secrets-rotate (see
 * hubctl_secrets.h).
 *
 * Rotation, each step leaving everything readable if the process dies there:
 *   1. a new key is put first in the key file, the old ones kept (file replaced whole);
 *   2. one transaction seals every stored secret again under the new key, with its audit
 *      record (a crash rolls it back: the values stay under the old key, which is kept);
 *   3. a second transaction seals what a running hubd sealed under the old key between
 *      its last look at the file and step 1 (it reads the file before every sealing);
 *   4. the old keys are dropped from the file.
 * Running it again after a crash simply rotates once more.
 */
#include "hubctl_secrets.h"
#include "hubctl_towns.h"
#include "secrets.h"

#include <stdio.h>
#include <string.h>

int hubctl_secrets_start(struct db *db, const char *path, const char *key_path, const char *dbpath,
                         struct secretbox **box)
{
    char def[1024], err[768];
    if (!path && secrets_default_path(key_path, dbpath, def, sizeof def) == 0)
        path = def;
    if (secrets_start(db, path, box, err, sizeof err) != 0) {
        fprintf(stderr, "hubctl: %s\n", err);
        return -1;
    }
    return 0;
}

/* Seals every stored secret not under the sealing key, in one transaction with an audit
 * record when audit != 0. *n how many. 0, or -1 said on stderr. */
static int reseal(struct db *db, int audit, long long *n)
{
    char err[512];
    enum db_status s = db_begin(db);
    if (s == DB_OK && (s = secrets_reseal(db, 1, n, err, sizeof err)) != DB_OK)
        fprintf(stderr, "hubctl: %s\n", err);
    else if (s == DB_OK && audit && hubctl_audit(db, "secrets.rotate", "ok", 0, NULL) != 0)
        s = DB_ERR;
    if (s == DB_OK)
        s = db_commit(db);
    if (s != DB_OK) {
        fprintf(stderr,
                "hubctl: the secrets were not sealed again (%s); they stay under the "
                "keys they had, all still in the key file\n",
                db_errmsg(db));
        db_rollback(db);
        return -1;
    }
    return 0;
}

static int rotate(struct db *db)
{
    struct secretbox *b = secretbox_installed();
    char err[512], old_id[SECRETBOX_ID_LEN + 1], new_id[SECRETBOX_ID_LEN + 1];
    long long n = 0, late = 0;
    if (!b) {
        fprintf(stderr, "hubctl: secrets-rotate needs the secrets key file: give --secrets-key "
                        "FILE\n");
        return 1;
    }
    secretbox_sealing_key(b, old_id);
    if (secretbox_add_key(b, err, sizeof err) != 0) {
        fprintf(stderr, "hubctl: %s\n", err);
        return 1;
    }
    secretbox_sealing_key(b, new_id);
    if (reseal(db, 1, &n) != 0 || reseal(db, 0, &late) != 0)
        return 1;
    if (secretbox_drop_old_keys(b, err, sizeof err) != 0) {
        fprintf(stderr,
                "hubctl: every secret is sealed under the new key, but the old keys "
                "could not be dropped from the file: %s\n",
                err);
        return 1;
    }
    printf("secrets_key=%s\nold_key=%s\nnew_key=%s\nresealed=%lld\n", secretbox_path(b), old_id,
           new_id, n + late);
    return 0;
}

int hubctl_secrets(struct db *db, const char *cmd, int argc, char **argv)
{
    (void)argv;
    if (strcmp(cmd, "secrets-rotate") != 0)
        return -1;
    if (argc != 0) {
        fprintf(stderr, "hubctl: secrets-rotate takes no options (the key file is hubctl's "
                        "--secrets-key)\n");
        return 2;
    }
    return rotate(db);
}

void hubctl_secrets_usage(FILE *f)
{
    fprintf(f, "  secrets-rotate               seal every stored secret (pseudonym keys, webhook\n"
               "                               secrets) under a new key of the secrets key file,\n"
               "                               then drop the old key (docs/operations.md)\n");
}
