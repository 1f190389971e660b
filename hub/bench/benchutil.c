/*
 * benchutil.c: helpers of the hub's benchmark programs (see benchutil.h).
 */
#include "benchutil.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_HUBD_ARGS 16

double benchutil_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int benchutil_capture(const char *cmd, const char *key, char *out, size_t cap)
{
    FILE *p = popen(cmd, "r");
    char line[512];
    int found = -1;
    size_t kl = strlen(key);
    if (!p)
        return -1;
    while (fgets(line, sizeof line, p)) {
        if (strncmp(line, key, kl) == 0 && line[kl] == '=') {
            line[strcspn(line, "\n")] = '\0';
            snprintf(out, cap, "%s", line + kl + 1);
            found = 0;
        }
    }
    return pclose(p) == 0 ? found : -1;
}

int benchutil_make_db(const char *hubctl, char *dir, char *db, size_t cap)
{
    char cmd[1024];
    if (!mkdtemp(dir)) {
        perror("bench: mkdtemp");
        return -1;
    }
    snprintf(db, cap, "%s/hub.db", dir);
    snprintf(cmd, sizeof cmd, "%s --db %s init >/dev/null", hubctl, db);
    if (system(cmd) != 0) {
        fprintf(stderr, "bench: hubctl init failed\n");
        return -1;
    }
    return 0;
}

pid_t benchutil_start_hubd(const char *hubd, const char *db, const char *const *extra,
                           unsigned *port, FILE **out)
{
    const char *argv[MAX_HUBD_ARGS + 8] = {hubd, "--db", db, "--port", "0", "--tick", "0"};
    int argc = 7, fds[2];
    for (int i = 0; extra && extra[i] && i < MAX_HUBD_ARGS; i++)
        argv[argc++] = extra[i];
    argv[argc] = NULL;
    *out = NULL;
    if (pipe(fds) != 0) {
        perror("bench: pipe");
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execv(hubd, (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    FILE *f = pid > 0 ? fdopen(fds[0], "r") : NULL;
    char line[256];
    if (!f || !fgets(line, sizeof line, f) ||
        sscanf(line, "listening on 127.0.0.1:%u", port) != 1) {
        fprintf(stderr, "bench: hubd did not start\n");
        if (pid > 0)
            benchutil_stop_hubd(pid, f);
        else
            close(fds[0]);
        return -1;
    }
    *out = f;
    return pid;
}

int benchutil_stop_hubd(pid_t pid, FILE *out)
{
    int status = 0;
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    if (out)
        fclose(out);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void benchutil_sort(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
}

double benchutil_pct(const double *v, size_t n, int pct)
{
    size_t i = n * (size_t)pct / 100;
    return v[i < n ? i : n - 1];
}

void benchutil_remove(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench: could not remove %s\n", dir);
}
