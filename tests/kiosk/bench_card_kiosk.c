/*
 * bench_card_kiosk: how fast the public kiosk's card login feels, on real parts: a private
 * pcscd with the vpcd reader and the project's virtual card (no artificial delay), a real
 * hub on loopback trusting the test CA with the card's resident enrolled, and the real
 * kiosk binary (offscreen) driven by a script. The kiosk runs with KIOSK_SCREEN_LOG=1 and
 * prints "screen NAME at MONO_MS" when a frame showing another screen has been presented
 * and "tap ID at MONO_MS" when a scripted tap is released; this program places and lifts
 * the card and reads those lines (same CLOCK_MONOTONIC). Figures, median of N runs:
 *   (a) card placed → PIN pad shown          (and placed → "reading" shown)
 *   (b) PIN accepted (決定 released) → the resident's home screen shown
 * Not a test: prints figures. Runs inside tests/card/netns-run.sh:
 *   VCARD=... TESTCA=... tests/card/netns-run.sh bench_card_kiosk KIOSK HUBD HUBCTL [N]
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cardenv.h"
#include "kiosktest.h"

#define READER     "Virtual PCD 00 00"
#define BATCH      7 /* logins per kiosk run: the script holds at most 64 steps */
#define MAX_RUNS   101
#define LINE_MAX_B 512

static struct kiosktest kt;

/* The kiosk's stderr, line by line with a timeout. */
struct lines {
    int fd;
    char buf[8192];
    size_t len;
};

/* Next line into out; 0, or -1 on timeout / end. */
static int next_line(struct lines *l, char *out, size_t size, double timeout_ms)
{
    double until = cardenv_now_ms() + timeout_ms;
    for (;;) {
        char *nl = memchr(l->buf, '\n', l->len);
        if (nl) {
            size_t n = (size_t)(nl - l->buf);
            size_t c = n < size - 1 ? n : size - 1;
            memcpy(out, l->buf, c);
            out[c] = '\0';
            memmove(l->buf, nl + 1, l->len - n - 1);
            l->len -= n + 1;
            return 0;
        }
        if (l->len == sizeof l->buf)
            l->len = 0; /* a line too long to be ours */
        double left = until - cardenv_now_ms();
        if (left <= 0)
            return -1;
        struct pollfd p = {.fd = l->fd, .events = POLLIN};
        if (poll(&p, 1, (int)left + 1) <= 0)
            continue;
        ssize_t n = read(l->fd, l->buf + l->len, sizeof l->buf - l->len);
        if (n <= 0)
            return -1;
        l->len += (size_t)n;
    }
}

/* Waits for "<what> <name> at MS"; returns MS, or -1 on timeout. */
static double wait_for(struct lines *l, const char *what, const char *name, double timeout_ms)
{
    char line[LINE_MAX_B], want[128];
    snprintf(want, sizeof want, "%s %s at ", what, name);
    double until = cardenv_now_ms() + timeout_ms;
    while (cardenv_now_ms() < until) {
        if (next_line(l, line, sizeof line, until - cardenv_now_ms()) != 0)
            return -1;
        if (strncmp(line, want, strlen(want)) == 0)
            return strtod(line + strlen(want), NULL);
        if (strstr(line, "failed") || strstr(line, "refused"))
            fprintf(stderr, "kiosk: %s\n", line);
    }
    return -1;
}

/* Reads lines until "screen <last>"; records the time of each "WHAT NAME" in keys (first
 * seen; -1 when not seen: a screen may be replaced before a frame showed it). Returns 0,
 * or -1 on timeout. */
static int collect(struct lines *l, const char *last, const char *const *keys, double *t, int n,
                   double timeout_ms)
{
    char line[LINE_MAX_B], end[128];
    snprintf(end, sizeof end, "screen %s at ", last);
    for (int i = 0; i < n; i++)
        t[i] = -1;
    double until = cardenv_now_ms() + timeout_ms;
    while (cardenv_now_ms() < until) {
        if (next_line(l, line, sizeof line, until - cardenv_now_ms()) != 0)
            return -1;
        const char *at = strstr(line, " at ");
        for (int i = 0; at && i < n; i++)
            if (t[i] < 0 && strlen(keys[i]) == (size_t)(at - line) &&
                strncmp(line, keys[i], (size_t)(at - line)) == 0)
                t[i] = strtod(at + 4, NULL);
        if (strncmp(line, end, strlen(end)) == 0)
            return 0;
        if (strstr(line, "failed") || strstr(line, "refused"))
            fprintf(stderr, "kiosk: %s\n", line);
    }
    return -1;
}

static int cmp_d(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static void report(const char *what, double *v, int n)
{
    if (n == 0) {
        printf("%-50s no samples\n", what);
        return;
    }
    qsort(v, (size_t)n, sizeof v[0], cmp_d);
    double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    printf("%-50s median %7.1f ms   min %7.1f   max %7.1f   (n=%d)\n", what, med, v[0], v[n - 1],
           n);
}

static double placed_reading[MAX_RUNS], placed_pin[MAX_RUNS], pin_home[MAX_RUNS],
    signing_home[MAX_RUNS], lifted_idle[MAX_RUNS];
static int nruns;

/* One kiosk process doing `count` logins. Returns 0, or -1 when something failed. */
static int batch(int count)
{
    char script[4096], set_url[128], set_tok[160];
    size_t len = (size_t)snprintf(script, sizeof script, "wait:card_idle;");
    for (int i = 0; i < count; i++)
        len += (size_t)snprintf(script + len, sizeof script - len,
                                "wait:card_pin;tap:pin_1;tap:pin_2;tap:pin_3;tap:pin_4;"
                                "tap:pin_ok;wait:session;wait:card_idle;");
    snprintf(set_url, sizeof set_url, "hub_url=%s", kt.url);
    snprintf(set_tok, sizeof set_tok, "token=%s", kt.token);
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 2);
        close(fd[0]);
        close(fd[1]);
        setenv("KIOSK_SCREEN_LOG", "1", 1);
        execl(kt.kiosk, kt.kiosk, "--offscreen", "--set", "profile=public", "--set", set_url,
              "--set", set_tok, "--script-timeout", "20000", "--script", script, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    struct lines l = {.fd = fd[0]};
    int rc = -1;
    if (wait_for(&l, "screen", "card_idle", 10000) < 0)
        goto out;
    usleep(1500 * 1000); /* the adapter finds the reader */
    for (int i = 0; i < count; i++) {
        /* a random moment within pcscd's 0.4 s presence poll, as a resident would */
        usleep((useconds_t)(rand() % 400) * 1000);
        double placed = cardenv_now_ms();
        cardenv_vcard_insert(&kt.env);
        static const char *const keys[] = {"screen card_reading", "screen card_pin", "tap pin_ok",
                                           "screen card_signing", "screen session"};
        double t[5];
        int got = collect(&l, "session", keys, t, 5, 10000);
        /* reading can be done before a frame showed "reading": then the PIN pad is first */
        double reading = t[0] >= 0 ? t[0] : t[1], pin = t[1], ok = t[2], signing = t[3],
               home = t[4];
        if (got != 0 || pin < 0 || ok < 0 || signing < 0 || home < 0) {
            fprintf(stderr, "bench: run %d did not reach the resident's screen\n", nruns + 1);
            goto out;
        }
        double lifted = cardenv_now_ms();
        cardenv_vcard_remove(&kt.env);
        double idle = wait_for(&l, "screen", "card_idle", 5000);
        if (idle < 0)
            goto out;
        placed_reading[nruns] = reading - placed;
        placed_pin[nruns] = pin - placed;
        pin_home[nruns] = home - ok;
        signing_home[nruns] = home - signing;
        lifted_idle[nruns] = idle - lifted;
        nruns++;
        cardenv_wait_reader(READER, 0, 2000); /* pcscd saw the reader empty */
    }
    rc = 0;
out:
    if (rc != 0)
        kill(pid, SIGTERM);
    close(fd[0]);
    int st;
    waitpid(pid, &st, 0);
    return rc;
}

int main(int argc, char **argv)
{
    long n = argc > 4 ? strtol(argv[4], NULL, 10) : 21;
    if (n < 1 || n > MAX_RUNS) {
        fprintf(stderr, "bench_card_kiosk: N must be 1 to %d\n", MAX_RUNS);
        return 2;
    }
    srand(42);
    static const char *const removed[] = {"--removed", NULL};
    int rc = kiosktest_begin(&kt, "bench_card_kiosk", argc, argv, removed, NULL);
    if (rc != 0)
        goto out;
    rc = 1;
    for (long done = 0; done < n;) {
        int c = n - done > BATCH ? BATCH : (int)(n - done);
        if (batch(c) != 0)
            goto out;
        done += c;
    }
    printf("public kiosk card login, real pcscd + vpcd + virtual card (no delay) + hub on "
           "loopback, kiosk offscreen\n");
    report("card placed -> reading shown", placed_reading, nruns);
    report("card placed -> PIN pad shown (a)", placed_pin, nruns);
    report("PIN accepted (OK released) -> resident screen (b)", pin_home, nruns);
    report("  of which signing shown -> resident screen", signing_home, nruns);
    report("card lifted -> waiting screen", lifted_idle, nruns);
    rc = 0;
out:
    return kiosktest_end(&kt, rc);
}
