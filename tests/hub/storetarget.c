/*
 * storetarget.c: see storetarget.h.
 */
#include "storetarget.h"
#include "db.h"
#include "hubdb.h"
#include "secretbox.h"
#include "secrets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int make_dir(struct storetarget *t)
{
    if (t->dir[0])
        return 0;
    snprintf(t->dir, sizeof t->dir, "/tmp/hubstore.XXXXXX");
    if (mkdtemp(t->dir))
        return 0;
    perror("mkdtemp");
    t->dir[0] = '\0';
    return -1;
}

int storetarget_init(struct storetarget *t, int argc, char **argv, const char *file)
{
    memset(t, 0, sizeof *t);
    snprintf(t->file, sizeof t->file, "%s", file);
    if (argc > 1) {
        snprintf(t->target, sizeof t->target, "%s", argv[1]);
        return 0;
    }
    if (make_dir(t) != 0)
        return -1;
    snprintf(t->target, sizeof t->target, "%s/%s", t->dir, t->file);
    return 0;
}

struct db *storetarget_open(const struct storetarget *t)
{
    char err[256];
    struct db *db = NULL;
    if (db_open(t->target, DB_OPEN_CREATE, &db, err, sizeof err) != DB_OK)
        fprintf(stderr, "open: %s\n", err);
    return db;
}

struct db *storetarget_open_hub(const struct storetarget *t)
{
    char err[256];
    struct db *db = storetarget_open(t);
    if (db && hubdb_migrate_db(db, err, sizeof err) != HUBDB_OK) {
        fprintf(stderr, "migrate: %s\n", err);
        db_close(db);
        db = NULL;
    }
    return db;
}

int storetarget_secrets(struct storetarget *t, struct db *db)
{
    char keyfile[160], err[256];
    if (make_dir(t) != 0)
        return -1;
    snprintf(keyfile, sizeof keyfile, "%s/secrets.key", t->dir);
    if (secrets_start(db, keyfile, &t->box, err, sizeof err) != 0) {
        fprintf(stderr, "cannot prepare the secrets key file: %s\n", err);
        return -1;
    }
    return 0;
}

void storetarget_cleanup(struct storetarget *t)
{
    if (t->box) {
        if (secretbox_installed() == t->box)
            secretbox_install(NULL);
        secretbox_free(t->box);
        t->box = NULL;
    }
    if (!t->dir[0])
        return;
    const char *const tails[] = {"", "-wal", "-shm"};
    char path[160];
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        snprintf(path, sizeof path, "%s/%s%s", t->dir, t->file, tails[i]);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/secrets.key", t->dir);
    unlink(path);
    rmdir(t->dir);
    t->dir[0] = '\0';
}
