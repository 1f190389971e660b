/*
 * cardenv: process control for pcscd and the virtual card, and the adapter's event queue
 * (see cardenv.h). One bench per process: the queue's lock is file-static.
 */
#include "cardenv.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <PCSC/winscard.h>

static pthread_mutex_t q_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_cv;
static int q_cv_ready;

double cardenv_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

unsigned char *cardenv_slurp(const char *path, size_t *len)
{
    unsigned char *buf = malloc(65536);
    size_t n = 0;
    FILE *f = fopen(path, "rb");
    if (!f || !buf) {
        if (f)
            fclose(f);
        free(buf);
        return NULL;
    }
    n = fread(buf, 1, 65536, f);
    fclose(f);
    *len = n;
    return buf;
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

int cardenv_init(struct cardenv *e)
{
    char conf[512], text[512];
    pthread_condattr_t ca;
    memset(e, 0, sizeof(*e));
    if (!q_cv_ready) {
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&q_cv, &ca);
        pthread_condattr_destroy(&ca);
        q_cv_ready = 1;
    }
    e->vcard = getenv("VCARD");
    e->testca = getenv("TESTCA");
    e->pcscd = getenv("PCSCD") ? getenv("PCSCD") : "pcscd";
    if (!e->vcard || !e->testca) {
        fprintf(stderr, "cardenv: set VCARD and TESTCA\n");
        return -1;
    }
    snprintf(e->dir, sizeof(e->dir), "/tmp/cardtest.XXXXXX");
    if (!mkdtemp(e->dir)) {
        perror("cardenv: mkdtemp");
        return -1;
    }
    snprintf(e->confdir, sizeof(e->confdir), "%s/conf", e->dir);
    snprintf(e->emptyconf, sizeof(e->emptyconf), "%s/empty", e->dir);
    snprintf(e->state, sizeof(e->state), "%s/card.state", e->dir);
    snprintf(e->state2, sizeof(e->state2), "%s/card2.state", e->dir);
    if (mkdir(e->confdir, 0755) != 0 || mkdir(e->emptyconf, 0755) != 0)
        return -1;
    snprintf(conf, sizeof(conf), "%s/vpcd", e->confdir);
    snprintf(text, sizeof(text),
             "FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME /dev/null:0x%X\n"
             "LIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID 0x%X\n",
             CARDENV_PORT, CARDENV_PORT);
    return write_file(conf, text);
}

static void stop_child(pid_t *pid, int sig)
{
    int status;
    double until = cardenv_now_ms() + 5000;
    if (*pid <= 0)
        return;
    kill(*pid, sig);
    while (waitpid(*pid, &status, WNOHANG) == 0) {
        if (cardenv_now_ms() > until) {
            kill(*pid, SIGKILL);
            waitpid(*pid, &status, 0);
            break;
        }
        usleep(5000);
    }
    *pid = 0;
}

void cardenv_release(struct cardenv *e)
{
    char cmd[400];
    size_t i;
    cardenv_vcard_stop(e);
    stop_child(&e->vcard2_pid, SIGTERM);
    cardenv_pcscd_stop(e);
    for (i = 0; i < e->qlen; i++)
        free(e->q[(e->qhead + i) % 64]);
    e->qlen = 0;
    if (e->dir[0] && strncmp(e->dir, "/tmp/cardtest.", 14) == 0) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "cardenv: could not remove %s\n", e->dir);
    }
    e->dir[0] = '\0';
}

static pid_t spawn(const char *const *argv)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd;
        /* a crashed test must not leave pcscd or the card behind */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        fd = open("/dev/null", O_RDONLY);
        if (fd >= 0)
            dup2(fd, 0);
        execvp(argv[0], (char *const *)argv);
        fprintf(stderr, "cardenv: exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    return pid;
}

int cardenv_pcscd_start(struct cardenv *e, int with_reader)
{
    const char *argv[] = {e->pcscd, "-f", "-c", with_reader ? e->confdir : e->emptyconf, NULL};
    if (e->pcscd_pid > 0)
        return 0;
    e->pcscd_pid = spawn(argv);
    return e->pcscd_pid > 0 ? 0 : -1;
}

void cardenv_pcscd_stop(struct cardenv *e)
{
    stop_child(&e->pcscd_pid, SIGTERM);
}

/* Starts a vcard and waits (up to 5 s) until its pid file says it takes signals. */
static pid_t start_vcard(struct cardenv *e, const char *name, const char *state, int port_no,
                         const char *const *extra)
{
    char cert[400], key[400], ca[400], port[16], pidf[400];
    const char *argv[40];
    size_t n = 0;
    pid_t pid;
    double until = cardenv_now_ms() + 5000;
    snprintf(cert, sizeof(cert), "%s/%s.pem", e->testca, name);
    snprintf(key, sizeof(key), "%s/%s.key", e->testca, name);
    snprintf(ca, sizeof(ca), "%s/ca.pem", e->testca);
    snprintf(port, sizeof(port), "%d", port_no);
    snprintf(pidf, sizeof(pidf), "%s.pid", state);
    unlink(pidf);
    argv[n++] = e->vcard;
    argv[n++] = "--cert";
    argv[n++] = cert;
    argv[n++] = "--key";
    argv[n++] = key;
    argv[n++] = "--ca-cert";
    argv[n++] = ca;
    argv[n++] = "--state";
    argv[n++] = state;
    argv[n++] = "--pid-file";
    argv[n++] = pidf;
    argv[n++] = "--port";
    argv[n++] = port;
    while (extra && *extra && n < 38)
        argv[n++] = *extra++;
    argv[n] = NULL;
    pid = spawn(argv);
    while (pid > 0 && access(pidf, F_OK) != 0) {
        int status;
        if (cardenv_now_ms() > until || waitpid(pid, &status, WNOHANG) == pid) {
            fprintf(stderr, "cardenv: vcard did not become ready\n");
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        usleep(2000);
    }
    return pid;
}

int cardenv_vcard_start(struct cardenv *e, const char *name, const char *const *extra)
{
    if (e->vcard_pid > 0)
        return 0;
    e->vcard_pid = start_vcard(e, name, e->state, CARDENV_PORT, extra);
    return e->vcard_pid > 0 ? 0 : -1;
}

int cardenv_vcard2_start(struct cardenv *e, const char *const *extra)
{
    if (e->vcard2_pid > 0)
        return 0;
    e->vcard2_pid = start_vcard(e, "resident-3", e->state2, CARDENV_PORT + 1, extra);
    return e->vcard2_pid > 0 ? 0 : -1;
}

void cardenv_vcard2_signal(struct cardenv *e, int sig)
{
    if (e->vcard2_pid > 0)
        kill(e->vcard2_pid, sig);
}

int cardenv_wait_reader(const char *reader, int present, long timeout_ms)
{
    SCARDCONTEXT ctx;
    SCARD_READERSTATE rs;
    double until = cardenv_now_ms() + (double)timeout_ms;
    int rc = -1;
    while (rc != 0 && cardenv_now_ms() < until) {
        if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx) != SCARD_S_SUCCESS) {
            usleep(50000);
            continue;
        }
        memset(&rs, 0, sizeof(rs));
        rs.szReader = reader;
        rs.dwCurrentState = SCARD_STATE_UNAWARE;
        while (rc != 0 && cardenv_now_ms() < until) {
            LONG rv = SCardGetStatusChange(ctx, 200, &rs, 1);
            if (rv == SCARD_S_SUCCESS) {
                if (((rs.dwEventState & SCARD_STATE_PRESENT) != 0) == (present != 0))
                    rc = 0;
                rs.dwCurrentState = rs.dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
            } else if (rv != SCARD_E_TIMEOUT) {
                usleep(50000); /* reader not there yet, or pcscd starting */
                break;
            }
        }
        SCardReleaseContext(ctx);
    }
    return rc;
}

void cardenv_vcard_stop(struct cardenv *e)
{
    stop_child(&e->vcard_pid, SIGTERM);
}

void cardenv_vcard_remove(struct cardenv *e)
{
    if (e->vcard_pid > 0)
        kill(e->vcard_pid, SIGUSR1);
}

void cardenv_vcard_insert(struct cardenv *e)
{
    if (e->vcard_pid > 0)
        kill(e->vcard_pid, SIGUSR2);
}

void cardenv_post(void *ctx, const struct card_event *ev)
{
    struct cardenv *e = ctx;
    struct card_event *copy = card_event_dup(ev);
    if (!copy)
        return;
    pthread_mutex_lock(&q_mu);
    if (e->qlen == 64) {
        fprintf(stderr, "cardenv: event queue full, dropping %s\n", card_event_kind_str(ev->kind));
        free(copy);
    } else {
        e->q[(e->qhead + e->qlen) % 64] = copy;
        e->qlen++;
        pthread_cond_broadcast(&q_cv);
    }
    pthread_mutex_unlock(&q_mu);
}

struct card_event *cardenv_next(struct cardenv *e, long timeout_ms)
{
    struct card_event *ev = NULL;
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&q_mu);
    while (e->qlen == 0 && pthread_cond_timedwait(&q_cv, &q_mu, &until) != ETIMEDOUT) {
    }
    if (e->qlen) {
        ev = e->q[e->qhead];
        e->qhead = (e->qhead + 1) % 64;
        e->qlen--;
    }
    pthread_mutex_unlock(&q_mu);
    return ev;
}

struct card_event *cardenv_expect(struct cardenv *e, enum card_event_kind kind, long timeout_ms)
{
    double until = cardenv_now_ms() + (double)timeout_ms;
    for (;;) {
        long left = (long)(until - cardenv_now_ms());
        struct card_event *ev;
        if (left <= 0)
            left = 0;
        ev = cardenv_next(e, left);
        if (!ev) {
            fprintf(stderr, "cardenv: no %s event within %ld ms\n", card_event_kind_str(kind),
                    timeout_ms);
            return NULL;
        }
        if (ev->kind == kind)
            return ev;
        fprintf(stderr, "cardenv: (skipping %s seq %u status %s)\n", card_event_kind_str(ev->kind),
                ev->card_seq, card_status_str(ev->status));
        free(ev);
    }
}
