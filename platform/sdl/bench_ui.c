/*
 * bench_ui: the kiosk's UI figures (a benchmark program, not a test).
 *   1. process start → first frame presented, median of 10 runs, and RSS after it
 *      (runs `kiosk --first-frame-exit`, which prints the time since KIOSK_T0_NS);
 *   2. render time per screen, software renderer at 1280×800, median and p95, and the
 *      text cache hit rate over a scripted session (`kiosk --bench-render N`);
 *   3. frames and wake-ups per second while idle (`kiosk --bench-idle S`, needs a display:
 *      run under xvfb-run).
 *
 *   bench_ui PATH/TO/kiosk [runs=10] [frames=200] [idle_s=10] [-- extra kiosk args]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static unsigned long long mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

/* Runs argv, returns its stdout (up to cap bytes) in out. */
static int run(char *const argv[], char *out, size_t cap)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    char t0[32];
    snprintf(t0, sizeof t0, "%llu", mono_ns());
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        setenv("KIOSK_T0_NS", t0, 1);
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    size_t len = 0;
    ssize_t n;
    while (len + 1 < cap && (n = read(fd[0], out + len, cap - 1 - len)) > 0)
        len += (size_t)n;
    out[len] = '\0';
    close(fd[0]);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static long arg_long(const char *s, long dflt)
{
    char *end;
    if (!s)
        return dflt;
    errno = 0;
    long v = strtol(s, &end, 10);
    return errno || *end || v <= 0 ? dflt : v;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_ui PATH/TO/kiosk [runs] [frames] [idle_s]\n");
        return 2;
    }
    char *kiosk = argv[1];
    long runs = arg_long(argc > 2 ? argv[2] : NULL, 10);
    long frames = arg_long(argc > 3 ? argv[3] : NULL, 200);
    long idle_s = arg_long(argc > 4 ? argv[4] : NULL, 10);
    static char out[65536];
    double ff[100], rss[100];
    int nff = 0;
    if (runs > 100)
        runs = 100;

    /* 1. first frame: public profile needs no hub; a window when a display exists */
    for (long i = 0; i < runs; i++) {
        char *av[] = {kiosk, "--set", "profile=public", "--first-frame-exit", NULL};
        if (run(av, out, sizeof out) != 0) {
            fprintf(stderr, "bench_ui: kiosk failed: %s\n", out);
            return 1;
        }
        char *p = strstr(out, "first_frame_ms=");
        char *q = strstr(out, "rss_kb=");
        if (p && q) {
            ff[nff] = strtod(p + 15, NULL);
            rss[nff] = strtod(q + 7, NULL) / 1024.0;
            nff++;
        }
    }
    if (nff) {
        qsort(ff, (size_t)nff, sizeof ff[0], cmp_d);
        qsort(rss, (size_t)nff, sizeof rss[0], cmp_d);
        printf("start -> first frame presented (%s): median %.1f ms over %d runs (min %.1f, max "
               "%.1f); RSS after first frame: median %.1f MB\n",
               getenv("DISPLAY") ? "window" : "no DISPLAY", ff[nff / 2], nff, ff[0], ff[nff - 1],
               rss[nff / 2]);
    }

    /* 2. render time and text cache */
    char nbuf[32];
    snprintf(nbuf, sizeof nbuf, "%ld", frames);
    char *av2[] = {kiosk, "--bench-render", nbuf, NULL};
    if (run(av2, out, sizeof out) != 0) {
        fprintf(stderr, "bench_ui: kiosk --bench-render failed\n");
        return 1;
    }
    fputs(out, stdout);

    /* 3. idle */
    if (getenv("DISPLAY")) {
        char sbuf[32];
        snprintf(sbuf, sizeof sbuf, "%ld", idle_s);
        char *av3[] = {kiosk, "--set", "profile=public", "--bench-idle", sbuf, NULL};
        if (run(av3, out, sizeof out) != 0) {
            fprintf(stderr, "bench_ui: kiosk --bench-idle failed\n");
            return 1;
        }
        fputs(out, stdout);
    } else {
        printf("idle: skipped (no DISPLAY; run under xvfb-run -a)\n");
    }
    return 0;
}
