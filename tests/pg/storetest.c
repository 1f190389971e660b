/*
 * storetest.c: both backends for store tests (see storetest.h).
 */
#include "storetest.h"
#include "hubdb.h"
#include "pgserver.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

struct db *st_db;
const char *st_target;
enum db_dialect st_dialect;

static struct pgserver *server;
static char target[512];
static int n_made;

struct db *st_open(void)
{
    char err[256];
    struct db *db = NULL;
    if (db_open(st_target, DB_OPEN_CREATE, &db, err, sizeof err) != DB_OK)
        fprintf(stderr, "open: %s\n", err);
    return db;
}

/* A fresh migrated database for one test on dialect d: its target in `target`. */
static struct db *fresh(enum db_dialect d, char *dir, size_t dircap)
{
    char err[256];
    dir[0] = '\0';
    if (d == DB_SQLITE) {
        snprintf(dir, dircap, "/tmp/storetest.XXXXXX");
        if (!mkdtemp(dir))
            return NULL;
        snprintf(target, sizeof target, "%s/hub.db", dir);
    } else {
        char name[32];
        snprintf(name, sizeof name, "store%d", ++n_made);
        if (pgserver_create_db(server, name, target, sizeof target) != 0)
            return NULL;
    }
    st_target = target;
    st_dialect = d;
    struct db *db = st_open();
    if (db && hubdb_migrate_db(db, err, sizeof err) != HUBDB_OK) {
        fprintf(stderr, "migrate: %s\n", err);
        db_close(db);
        db = NULL;
    }
    return db;
}

static void remove_sqlite(const char *dir)
{
    static const char *const files[] = {"hub.db", "hub.db-wal", "hub.db-shm"};
    char path[128];
    if (!dir[0])
        return;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

int storetest_main(const struct storetest *tests, int n)
{
    char err[256], dir[64];
    static char names[2][64][80];
    server = pgserver_start(err, sizeof err);
    if (!server) {
        fprintf(stderr, "storetest: %s\n", err);
        return 1;
    }
    for (int b = 0; b < 2; b++) {
        enum db_dialect d = b == 0 ? DB_SQLITE : DB_POSTGRES;
        for (int i = 0; i < n && i < 64; i++) {
            snprintf(names[b][i], sizeof names[b][i], "%s/%s", b == 0 ? "sqlite" : "postgres",
                     tests[i].name);
            st_db = fresh(d, dir, sizeof dir);
            if (!st_db) {
                fprintf(stderr, "%s: cannot make the test's database\n", names[b][i]);
                test_failed_++;
            } else {
                test_run_(names[b][i], tests[i].fn);
            }
            db_close(st_db);
            st_db = NULL;
            remove_sqlite(dir);
        }
    }
    pgserver_destroy(server);
    return test_summary();
}

int64_t st_resident(const char *name, const char *cert_fp, const char *member_key)
{
    int64_t id = 0;
    struct db_stmt *st = db_stmt(st_db, "INSERT INTO residents(display_name, district,"
                                        " deadline_min, cert_fp, member_key, created_unix)"
                                        " VALUES(?, 'Kita', 600, ?, ?, 1700000000) RETURNING id");
    if (!st)
        return 0;
    enum db_status s = db_bind_text(st, 1, name, -1);
    if (s == DB_OK)
        s = db_bind_text(st, 2, cert_fp, -1);
    if (s == DB_OK)
        s = db_bind_text(st, 3, member_key, -1);
    return db_insert_id(st, s, &id) == DB_OK ? id : 0;
}

int64_t st_device(const char *kind, int64_t resident)
{
    static int n;
    char hash[32];
    int64_t id = 0;
    snprintf(hash, sizeof hash, "device-hash-%d", ++n);
    struct db_stmt *st = db_stmt(st_db, "INSERT INTO devices(kind, resident_id, token_hash,"
                                        " created_unix) VALUES(?, ?, ?, 1700000000) RETURNING id");
    if (!st)
        return 0;
    enum db_status s = db_bind_text(st, 1, kind, -1);
    if (s == DB_OK)
        s = resident ? db_bind_int64(st, 2, resident) : db_bind_null(st, 2);
    if (s == DB_OK)
        s = db_bind_text(st, 3, hash, -1);
    return db_insert_id(st, s, &id) == DB_OK ? id : 0;
}

int64_t st_int(const char *sql, int64_t arg)
{
    int64_t v = -1;
    return db_get_int64(st_db, sql, arg, &v) == DB_ROW ? v : -1;
}

int st_processes(int n, int (*fn)(int64_t arg), int64_t arg)
{
    int sum = 0, started = 0;
    for (; started < n; started++) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) {
            sum = -1;
            break;
        }
        if (pid == 0)
            _exit(fn(arg));
    }
    for (int i = 0; i < started; i++) {
        int status = 0;
        if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) == 255)
            sum = -1;
        else if (sum >= 0)
            sum += WEXITSTATUS(status);
    }
    return sum;
}
