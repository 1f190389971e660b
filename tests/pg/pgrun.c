/*
 * pgrun: runs one program against a private PostgreSQL server (pgserver.h).
 *
 *   pgrun PROGRAM [ARG...]
 *
 * Starts a server, creates the database `hub`, runs PROGRAM with every argument that is
 * exactly @PGURL@ replaced by that database's postgresql:// URL, and with the environment
 * variables HUB_TEST_PG_URL (the same URL) and HUB_TEST_PG_ADMIN (the server's `postgres`
 * database, for programs that make a database per test). Exits with PROGRAM's status
 * (128 + signal when it was killed); the server and its folder are gone by then. This is
 * how ctest runs a backend-neutral test program on PostgreSQL.
 */
#include "pgserver.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARGS_MAX 64

int main(int argc, char **argv)
{
    char err[256], url[512], admin[512];
    char *args[ARGS_MAX + 1];
    int status = 2;
    if (argc < 2 || argc > ARGS_MAX) {
        fprintf(stderr, "usage: pgrun PROGRAM [ARG...] (@PGURL@ stands for the database)\n");
        return 2;
    }
    struct pgserver *s = pgserver_start(err, sizeof err);
    if (!s) {
        fprintf(stderr, "pgrun: %s\n", err);
        return 2;
    }
    if (pgserver_create_db(s, "hub", url, sizeof url) != 0)
        goto out;
    snprintf(admin, sizeof admin, "postgresql:///postgres?host=%s&user=postgres", pgserver_dir(s));
    for (int i = 1; i < argc; i++)
        args[i - 1] = strcmp(argv[i], "@PGURL@") == 0 ? url : argv[i];
    args[argc - 1] = NULL;
    if (setenv("HUB_TEST_PG_URL", url, 1) != 0 || setenv("HUB_TEST_PG_ADMIN", admin, 1) != 0)
        goto out;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        goto out;
    if (pid == 0) {
        execvp(args[0], args);
        perror(args[0]);
        _exit(127);
    }
    /* A Ctrl-C reaches the child through the terminal; wait for it, then clean up. */
    signal(SIGINT, SIG_IGN);
    int st = 0;
    if (waitpid(pid, &st, 0) == pid)
        status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
out:
    pgserver_destroy(s);
    return status;
}
