/*
 * net_testutil: shared helpers of the net tests (see the header).
 */
#include "net_testutil.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int tu_mkdtemp(char *out, size_t out_len)
{
    const char *base = getenv("TMPDIR");
    int n = snprintf(out, out_len, "%s/nettest.XXXXXX", base && *base ? base : "/tmp");
    return n > 0 && (size_t)n < out_len && mkdtemp(out) != NULL;
}

void tu_rmdir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[4096];

    if (!d) {
        return;
    }
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) < (int)sizeof p) {
            unlink(p);
        }
    }
    closedir(d);
    rmdir(dir);
}

int tu_make_cert(const char *dir, const char *name, const char *san)
{
    char crt[1024], key[1024], ext[512];
    pid_t pid;
    int status = 0;

    snprintf(crt, sizeof crt, "%s/%s.crt", dir, name);
    snprintf(key, sizeof key, "%s/%s.key", dir, name);
    snprintf(ext, sizeof ext, "subjectAltName=%s", san);
    pid = fork();
    if (pid < 0) {
        return 0;
    }
    if (pid == 0) {
        /* Quiet: openssl prints progress on stderr. */
        if (!freopen("/dev/null", "w", stderr)) {
            _exit(126);
        }
        execlp("openssl", "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
               "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", crt, "-days", "2",
               "-subj", "/CN=kiosk-net-test", "-addext", ext, "-addext",
               "basicConstraints=critical,CA:TRUE", (char *)NULL);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) != pid) {
        return 0;
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int64_t tu_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void tu_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

#define BOX_MAX 1024

struct tu_box {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    void *items[BOX_MAX];
    size_t head, n;
};

struct tu_box *tu_box_create(void)
{
    struct tu_box *b = calloc(1, sizeof *b);
    pthread_condattr_t ca;

    if (!b) {
        return NULL;
    }
    pthread_mutex_init(&b->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&b->cv, &ca);
    pthread_condattr_destroy(&ca);
    return b;
}

void tu_box_destroy(struct tu_box *b, void (*free_item)(void *))
{
    if (!b) {
        return;
    }
    while (b->n) {
        free_item(b->items[b->head]);
        b->head = (b->head + 1) % BOX_MAX;
        b->n--;
    }
    pthread_cond_destroy(&b->cv);
    pthread_mutex_destroy(&b->mu);
    free(b);
}

void tu_box_put(struct tu_box *b, void *item)
{
    pthread_mutex_lock(&b->mu);
    if (b->n < BOX_MAX) {
        b->items[(b->head + b->n) % BOX_MAX] = item;
        b->n++;
    } else {
        fprintf(stderr, "tu_box: full, item dropped\n");
    }
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->mu);
}

void *tu_box_get(struct tu_box *b, int timeout_ms)
{
    struct timespec ts;
    void *item = NULL;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&b->mu);
    while (b->n == 0) {
        if (pthread_cond_timedwait(&b->cv, &b->mu, &ts) != 0) {
            break;
        }
    }
    if (b->n) {
        item = b->items[b->head];
        b->head = (b->head + 1) % BOX_MAX;
        b->n--;
    }
    pthread_mutex_unlock(&b->mu);
    return item;
}

size_t tu_box_count(struct tu_box *b)
{
    size_t n;
    pthread_mutex_lock(&b->mu);
    n = b->n;
    pthread_mutex_unlock(&b->mu);
    return n;
}
