/*
 * pgserver.c: a private PostgreSQL server for tests (see pgserver.h).
 *
 * Every server command (initdb, pg_ctl) runs through run_as(): fork, drop to the server's
 * user when we are root, chdir into the folder (initdb refuses a working directory it
 * cannot read), exec with an argument vector (no shell, so no quoting), output appended to
 * DIR/commands.log.
 */
#include "pgserver.h"

#include <libpq-fe.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PGSERVER_BINDIR
#define PGSERVER_BINDIR "/usr/lib/postgresql/15/bin"
#endif

#define PATH_CAP 256

struct pgserver {
    char dir[64];        /* the folder: data/, the socket, logs */
    char data[PATH_CAP]; /* DIR/data */
    char log[PATH_CAP];  /* DIR/server.log */
    char opts[PATH_CAP * 2];
    uid_t uid; /* the server's user (ours when not root) */
    gid_t gid;
    int drop;     /* 1 when commands must switch to uid/gid */
    int alive_fd; /* write end of the pipe the guardian watches */
    int done_fd;  /* read end: EOF once the guardian has cleaned up */
};

const char *pgserver_dir(const struct pgserver *s)
{
    return s->dir;
}

static const char *bindir(void)
{
    const char *b = getenv("PGSERVER_BINDIR");
    return b && *b ? b : PGSERVER_BINDIR;
}

/* In a child: closes every descriptor above stderr but keep1 and keep2. */
static void close_others(int keep1, int keep2)
{
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536)
        max = 65536;
    for (int fd = 3; fd < max; fd++)
        if (fd != keep1 && fd != keep2)
            close(fd);
}

/* Runs bindir/prog with argv (argv[0] ignored) as the server's user; returns its exit
 * status, or -1. */
static int run_as(const struct pgserver *s, const char *prog, char *const argv[])
{
    char path[PATH_CAP], cmdlog[PATH_CAP];
    snprintf(path, sizeof path, "%s/%s", bindir(), prog);
    snprintf(cmdlog, sizeof cmdlog, "%s/commands.log", s->dir);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(cmdlog, O_WRONLY | O_CREAT | O_APPEND, 0600);
        int nul = open("/dev/null", O_RDONLY);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        if (nul >= 0)
            dup2(nul, 0);
        /* The postmaster outlives this command: it must not hold the program's pipes. */
        close_others(-1, -1);
        if (s->drop && (setgroups(0, NULL) != 0 || setgid(s->gid) != 0 || setuid(s->uid) != 0))
            _exit(126);
        if (chdir(s->dir) != 0)
            _exit(126);
        execv(path, argv);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void print_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512];
    if (!f)
        return;
    fprintf(stderr, "---- %s\n", path);
    while (fgets(line, sizeof line, f))
        fputs(line, stderr);
    fclose(f);
}

static void print_logs(const struct pgserver *s)
{
    char cmdlog[PATH_CAP];
    snprintf(cmdlog, sizeof cmdlog, "%s/commands.log", s->dir);
    print_file(cmdlog);
    print_file(s->log);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    remove(path);
    return 0;
}

static void stop_immediate(const struct pgserver *s)
{
    char *argv[] = {"pg_ctl", "stop",          "-s", "-w", "-t", "60", "-m", "immediate",
                    "-D",     (char *)s->data, NULL};
    struct stat sb;
    if (stat(s->data, &sb) == 0)
        run_as(s, "pg_ctl", argv);
}

/*
 * The guardian: a grandchild of the program (its parent exits at once, so it belongs to
 * init and survives a kill of the program's process tree). It blocks until every write
 * end of the alive pipe is closed, i.e. until the program called pgserver_destroy() or
 * died in any way, then stops the server and removes the folder. Closing its end of the
 * done pipe (by exiting) tells pgserver_destroy() that the cleanup is over.
 */
static int spawn_guardian(struct pgserver *s)
{
    int alive[2], done[2];
    if (pipe2(alive, O_CLOEXEC) != 0)
        return -1;
    if (pipe2(done, O_CLOEXEC) != 0) {
        close(alive[0]);
        close(alive[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(alive[0]);
        close(alive[1]);
        close(done[0]);
        close(done[1]);
        return -1;
    }
    if (pid == 0) {
        close(alive[1]);
        close(done[0]);
        if (fork() != 0)
            _exit(0);
        /* A Ctrl-C or SIGTERM meant for the program must not stop the cleanup. */
        signal(SIGINT, SIG_IGN);
        signal(SIGTERM, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
        setsid();
        close_others(alive[0], done[1]);
        for (;;) {
            char c;
            ssize_t n = read(alive[0], &c, 1);
            if (n == 0 || (n < 0 && errno != EINTR))
                break;
        }
        stop_immediate(s);
        nftw(s->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        _exit(0);
    }
    close(alive[0]);
    close(done[1]);
    int st;
    waitpid(pid, &st, 0); /* the intermediate child exits at once */
    s->alive_fd = alive[1];
    s->done_fd = done[0];
    return 0;
}

/* Decides who runs the server: ourselves, or (as root) an unprivileged user. */
static int pick_user(struct pgserver *s, char *err, size_t errcap)
{
    s->uid = geteuid();
    s->gid = getegid();
    if (s->uid != 0)
        return 0;
    const char *names[] = {getenv("PGSERVER_USER"), "postgres", "nobody"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct passwd *pw = names[i] && *names[i] ? getpwnam(names[i]) : NULL;
        if (pw && pw->pw_uid != 0) {
            s->uid = pw->pw_uid;
            s->gid = pw->pw_gid;
            s->drop = 1;
            return 0;
        }
    }
    snprintf(err, errcap,
             "running as root and no unprivileged user (postgres, nobody) to run "
             "the PostgreSQL server as; set PGSERVER_USER");
    return -1;
}

int pgserver_resume(struct pgserver *s)
{
    char *argv[] = {"pg_ctl", "start", "-s",   "-w", "-t",    "60", "-D",
                    s->data,  "-l",    s->log, "-o", s->opts, NULL};
    if (run_as(s, "pg_ctl", argv) != 0) {
        fprintf(stderr, "pgserver: pg_ctl start failed in %s\n", s->dir);
        print_logs(s);
        return -1;
    }
    return 0;
}

int pgserver_halt(struct pgserver *s, int immediate)
{
    char *argv[] = {"pg_ctl", "stop",  "-s", "-w",
                    "-t",     "60",    "-m", immediate ? "immediate" : "fast",
                    "-D",     s->data, NULL};
    return run_as(s, "pg_ctl", argv) == 0 ? 0 : -1;
}

struct pgserver *pgserver_start(char *err, size_t errcap)
{
    struct pgserver *s = calloc(1, sizeof *s);
    struct pgserver *ret = NULL;
    if (!s) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    s->alive_fd = s->done_fd = -1;
    snprintf(s->dir, sizeof s->dir, "/tmp/pgserver.XXXXXX");
    if (pick_user(s, err, errcap) != 0)
        goto out;
    if (!mkdtemp(s->dir)) {
        snprintf(err, errcap, "cannot make a temporary folder: %s", strerror(errno));
        s->dir[0] = '\0';
        goto out;
    }
    if (s->drop && chown(s->dir, s->uid, s->gid) != 0) {
        snprintf(err, errcap, "cannot give %s to the server's user: %s", s->dir, strerror(errno));
        goto out;
    }
    snprintf(s->data, sizeof s->data, "%s/data", s->dir);
    snprintf(s->log, sizeof s->log, "%s/server.log", s->dir);
    /* Only the Unix socket in our folder; a larger max_connections for the multi-process
     * tests (4 hubd with their pools); everything durable stays at its default (fsync=on,
     * synchronous_commit=on). */
    snprintf(s->opts, sizeof s->opts, "-k %s -c listen_addresses= -c max_connections=200", s->dir);
    if (spawn_guardian(s) != 0) {
        snprintf(err, errcap, "cannot start the cleanup guardian: %s", strerror(errno));
        goto out;
    }
    /* --no-sync: the cluster is thrown away with the test; the server itself still fsyncs
     * every commit (the durability tests rely on that). */
    char *initdb[] = {"initdb",   "-D", s->data, "-A",          "trust",     "-U",
                      "postgres", "-E", "UTF8",  "--no-locale", "--no-sync", NULL};
    if (run_as(s, "initdb", initdb) != 0) {
        snprintf(err, errcap, "initdb failed (%s/initdb missing? set PGSERVER_BINDIR)", bindir());
        print_logs(s);
        goto out;
    }
    if (pgserver_resume(s) != 0) {
        snprintf(err, errcap, "the PostgreSQL server did not start");
        goto out;
    }
    ret = s;
    s = NULL;
out:
    pgserver_destroy(s);
    return ret;
}

int pgserver_ready(const struct pgserver *s)
{
    char conninfo[PATH_CAP + 64];
    snprintf(conninfo, sizeof conninfo, "host=%s dbname=postgres user=postgres", s->dir);
    return PQping(conninfo) == PQPING_OK;
}

static int name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 48)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
              name[i] == '_'))
            return 0;
    return 1;
}

int pgserver_create_db(struct pgserver *s, const char *name, char *url, size_t cap)
{
    char conninfo[PATH_CAP + 64], sql[96];
    int rc = -1;
    PGresult *r = NULL;
    if (!name_ok(name)) {
        fprintf(stderr, "pgserver: bad database name\n");
        return -1;
    }
    snprintf(conninfo, sizeof conninfo, "host=%s dbname=postgres user=postgres", s->dir);
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "pgserver: cannot connect: %s", PQerrorMessage(c));
        goto out;
    }
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        fprintf(stderr, "pgserver: %s: %s", sql, PQerrorMessage(c));
        goto out;
    }
    int n = snprintf(url, cap, "postgresql:///%s?host=%s&user=postgres", name, s->dir);
    rc = n > 0 && (size_t)n < cap ? 0 : -1;
out:
    PQclear(r);
    PQfinish(c);
    return rc;
}

void pgserver_destroy(struct pgserver *s)
{
    if (!s)
        return;
    if (s->alive_fd >= 0) {
        char c;
        close(s->alive_fd);
        /* The guardian stops the server and removes the folder; wait for it. */
        while (read(s->done_fd, &c, 1) < 0 && errno == EINTR)
            ;
        close(s->done_fd);
    } else if (s->dir[0]) {
        rmdir(s->dir); /* failed before anything was put into it */
    }
    free(s);
}
