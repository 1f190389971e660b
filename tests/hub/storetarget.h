/*
 * storetarget.h: the database a store-level test runs on (tests that call the stores
 * directly, not through hubd): the test's argument when given (tests/pg runs them through
 * pgrun with a postgresql:// URL of an empty database), else a new SQLite file in a
 * temporary folder. A folder is made for PostgreSQL too when the test needs files (the
 * secrets key file). Everything made is removed by storetarget_cleanup().
 */
#ifndef TESTS_HUB_STORETARGET_H
#define TESTS_HUB_STORETARGET_H

struct db;
struct secretbox;

struct storetarget {
    char target[512]; /* a SQLite file path or a postgresql:// URL */
    char dir[64];     /* the temporary folder ("" when none was made) */
    char file[32];    /* the SQLite file's name in dir */
    struct secretbox *box;
};

/* From argv[1] when argc > 1, else a new file named file in a new folder. 0, or -1 after
 * saying why on stderr. */
int storetarget_init(struct storetarget *t, int argc, char **argv, const char *file);

/* A new handle on the target (owned: db_close), or NULL after saying why. */
struct db *storetarget_open(const struct storetarget *t);

/* A new handle with the hub's schema migrated, or NULL after saying why. */
struct db *storetarget_open_hub(const struct storetarget *t);

/* Starts the secrets key file dir/secrets.key on db (secrets.h) and installs its box, as
 * hubd does after the migrations. 0, or -1 after saying why. */
int storetarget_secrets(struct storetarget *t, struct db *db);

/* Uninstalls and frees the box, removes the files and the folder made. */
void storetarget_cleanup(struct storetarget *t);

#endif
