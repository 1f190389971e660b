/*
 * test_pg_server.c: the private PostgreSQL server of the tests starts, answers over its
 * socket, keeps a committed row across a crash (pg_ctl -m immediate) and a restart, and is
 * gone with its folder at the end, also when the program that started it is killed.
 */
#include "pgserver.h"
#include "test.h"

#include <libpq-fe.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The postmaster's pid: the first line of DIR/data/postmaster.pid, or -1. */
static long postmaster_pid(const char *dir)
{
    char path[300], line[32];
    long pid = -1;
    int n = snprintf(path, sizeof path, "%s/data/postmaster.pid", dir);
    if (n < 0 || (size_t)n >= sizeof path)
        return -1; /* a cut path would name another file */
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    if (fgets(line, sizeof line, f))
        pid = strtol(line, NULL, 10);
    fclose(f);
    return pid > 0 ? pid : -1;
}

/* Alive and not a zombie waiting for init to reap it. */
static int process_alive(long pid)
{
    char path[64], buf[256];
    if (pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno != EPERM))
        return 0;
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')');
    return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Polls up to 30 s for the folder and the postmaster to be gone. */
static int gone_soon(const char *dir, long pid)
{
    for (int i = 0; i < 300; i++) {
        if (!exists(dir) && !process_alive(pid))
            return 1;
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return 0;
}

/* Runs sql on url; returns the first value of the first row (owned), or NULL. */
static char *query1(const char *url, const char *sql)
{
    char *v = NULL;
    PGconn *c = PQconnectdb(url);
    PGresult *r = NULL;
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "connect %s: %s", url, PQerrorMessage(c));
        goto out;
    }
    r = PQexec(c, sql);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
        v = strdup(PQgetvalue(r, 0, 0));
    else if (PQresultStatus(r) == PGRES_COMMAND_OK)
        v = strdup("");
    else
        fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
out:
    PQclear(r);
    PQfinish(c);
    return v;
}

static int query_is(const char *url, const char *sql, const char *want)
{
    char *v = query1(url, sql);
    int ok = v && strcmp(v, want) == 0;
    if (!ok)
        fprintf(stderr, "%s -> %s (want %s)\n", sql, v ? v : "(error)", want);
    free(v);
    return ok;
}

static void t_starts_answers_survives_crash_and_stops(void)
{
    char err[256], url[512], dir[300];
    struct pgserver *s = pgserver_start(err, sizeof err);
    if (!s)
        fprintf(stderr, "%s\n", err);
    REQUIRE(s != NULL);
    snprintf(dir, sizeof dir, "%s", pgserver_dir(s));
    CHECK(pgserver_ready(s));
    REQUIRE(pgserver_create_db(s, "hub_one", url, sizeof url) == 0);
    CHECK(strncmp(url, "postgresql:///hub_one?host=/tmp/", 32) == 0);
    CHECK(query_is(url, "SELECT current_database()", "hub_one"));
    /* What durability means for the hub: both on, as a production server. */
    CHECK(query_is(url, "SHOW synchronous_commit", "on"));
    CHECK(query_is(url, "SHOW fsync", "on"));
    CHECK(query_is(url, "SHOW listen_addresses", ""));
    CHECK(query_is(url, "CREATE TABLE t(v INTEGER)", ""));
    CHECK(query_is(url, "INSERT INTO t VALUES(42)", ""));
    /* Two databases on one server are independent. */
    char url2[512];
    REQUIRE(pgserver_create_db(s, "hub_two", url2, sizeof url2) == 0);
    CHECK(query_is(url2, "SELECT count(*) FROM pg_tables WHERE tablename = 't'", "0"));

    /* A crash and a restart keep what was committed. */
    long pid = postmaster_pid(dir);
    CHECK(process_alive(pid));
    REQUIRE(pgserver_halt(s, 1) == 0);
    CHECK(!pgserver_ready(s));
    CHECK(gone_soon("/nonexistent", pid)); /* pg_ctl returns once the pid file is gone */
    REQUIRE(pgserver_resume(s) == 0);
    CHECK(pgserver_ready(s));
    CHECK(query_is(url, "SELECT v FROM t", "42"));

    pid = postmaster_pid(dir);
    CHECK(process_alive(pid));
    pgserver_destroy(s);
    CHECK(!exists(dir));
    CHECK(gone_soon(dir, pid));
    CHECK(PQping(url) != PQPING_OK);
}

/* A program that dies without cleaning up (SIGKILL) still leaves no server and no folder. */
static void t_killed_program_leaves_nothing(void)
{
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        char err[256];
        close(fds[0]);
        struct pgserver *s = pgserver_start(err, sizeof err);
        if (s) {
            char msg[400];
            int n = snprintf(msg, sizeof msg, "%s %ld\n", pgserver_dir(s),
                             postmaster_pid(pgserver_dir(s)));
            if (write(fds[1], msg, (size_t)n) != n)
                _exit(1);
        }
        close(fds[1]);
        raise(SIGKILL);
        _exit(1);
    }
    close(fds[1]);
    char msg[400] = "";
    ssize_t n = read(fds[0], msg, sizeof msg - 1);
    close(fds[0]);
    int st;
    waitpid(child, &st, 0);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    REQUIRE(n > 0);
    msg[n] = '\0';
    char dir[300];
    long pid = -1;
    REQUIRE(sscanf(msg, "%299s %ld", dir, &pid) == 2);
    CHECK(pid > 0);
    CHECK(gone_soon(dir, pid));
}

int main(void)
{
    TEST_RUN(t_starts_answers_survives_crash_and_stops);
    TEST_RUN(t_killed_program_leaves_nothing);
    return test_summary();
}
