/*
 * bench_notify.c: alert notifications by mail on a real hubd on loopback.
 *
 *   bench_notify HUBD HUBCTL SINK [residents=200]
 *
 * Enrols `residents` residents, each with a home device and a family member with a mail
 * address, starts the notification sink (tests/hub/notify/notifysink.py: a real SMTP server
 * with STARTTLS, Debian's python3-aiosmtpd) with a fresh test certificate and hubd with
 * --smtp-url. Latency: half of the residents press help one after the other, each after the
 * previous mail arrived; it prints p50 / p99 / max of the time from sending POST /v1/help
 * to the SMTP server having accepted the mail (the sink stamps each message with its
 * receive time). Throughput: the other half press help back to back; it prints mails/s
 * from the first press to the last mail accepted. Each help press is one notification here
 * (one recipient with one channel).
 */
#include "benchutil.h"

#include <curl/curl.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RESIDENTS 2000

static char box[512];
static char tokens[MAX_RESIDENTS][80];

static double wall(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int mails(void)
{
    DIR *d = opendir(box);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += strncmp(e->d_name, "mail-", 5) == 0 && !strstr(e->d_name, ".tmp");
    if (d)
        closedir(d);
    return n;
}

/* The receive time stamped on mail n (1-based), or 0. */
static double received(int n)
{
    char path[600], line[128];
    snprintf(path, sizeof path, "%s/mail-%d.eml", box, n);
    FILE *f = fopen(path, "r");
    double t = 0;
    if (f && fgets(line, sizeof line, f))
        sscanf(line, "X-Received-At: %lf", &t);
    if (f)
        fclose(f);
    return t;
}

static size_t discard(char *p, size_t s, size_t n, void *u)
{
    (void)p;
    (void)u;
    return s * n;
}

static int help(CURL *c, unsigned port, const char *token, int i)
{
    char url[128], auth[160], key[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/v1/help", port);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    snprintf(key, sizeof key, "Idempotency-Key: bench-%d", i);
    struct curl_slist *h = curl_slist_append(NULL, auth);
    h = curl_slist_append(h, key);
    h = curl_slist_append(h, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "{}");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    long status = 0;
    CURLcode r = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    return r == CURLE_OK && status == 201 ? 0 : -1;
}

/* Waits (at most 30 s) until n mails arrived. 0, or -1. */
static int wait_mails(int n)
{
    double until = benchutil_now() + 30;
    while (mails() < n) {
        if (benchutil_now() > until)
            return -1;
        usleep(500);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_notify HUBD HUBCTL SINK [residents=200]\n");
        return 2;
    }
    const char *hubd = argv[1], *hubctl = argv[2], *sinkpy = argv[3];
    int n = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 200;
    if (n < 4 || n > MAX_RESIDENTS)
        n = 200;
    char dir[] = "/tmp/hubbench.XXXXXX", db[300], cmd[2048], out[128];
    int rc = 1;
    pid_t sink = -1, hub = -1;
    FILE *hubout = NULL;
    if (benchutil_make_db(hubctl, dir, db, sizeof db) != 0)
        return 1;
    snprintf(box, sizeof box, "%s/box", dir);
    for (int i = 0; i < n; i++) {
        snprintf(cmd, sizeof cmd,
                 "%s --db %s resident-add --name 'R %d' --district d --deadline 10:00 >/dev/null"
                 " && %s --db %s family-add --name 'F %d' --resident %d >/dev/null"
                 " && %s --db %s notify-set --family %d --mail f%d@example.jp >/dev/null",
                 hubctl, db, i, hubctl, db, i, i + 1, hubctl, db, i + 1, i);
        if (system(cmd) != 0)
            goto out;
        snprintf(cmd, sizeof cmd, "%s --db %s device-add --kind home --resident %d", hubctl, db,
                 i + 1);
        if (benchutil_capture(cmd, "token", tokens[i], sizeof tokens[i]) != 0)
            goto out;
    }
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256"
             " -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1"
             " -keyout %s/smtp.key -out %s/smtp.pem >/dev/null 2>&1",
             box, dir, dir);
    if (system(cmd) != 0)
        goto out;
    int fds[2];
    if (pipe(fds) != 0)
        goto out;
    sink = fork();
    if (sink == 0) {
        char cert[600], key[600];
        snprintf(cert, sizeof cert, "%s/smtp.pem", dir);
        snprintf(key, sizeof key, "%s/smtp.key", dir);
        dup2(fds[1], 1);
        close(fds[0]);
        execl("/usr/bin/python3", "python3", sinkpy, box, cert, key, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    FILE *sf = fdopen(fds[0], "r");
    unsigned smtp = 0, http = 0;
    if (!sf || !fgets(out, sizeof out, sf) || sscanf(out, "smtp=%u http=%u", &smtp, &http) != 2) {
        fprintf(stderr, "bench_notify: the sink did not start\n");
        goto out;
    }
    char url[64], ca[600];
    snprintf(url, sizeof url, "smtp://127.0.0.1:%u", smtp);
    snprintf(ca, sizeof ca, "%s/smtp.pem", dir);
    const char *extra[] = {"--smtp-url", url, "--smtp-from", "hub@town.example",
                           "--smtp-ca",  ca,  NULL};
    unsigned port = 0;
    hub = benchutil_start_hubd(hubd, db, extra, &port, &hubout);
    if (hub < 0)
        goto out;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *c = curl_easy_init();
    int half = n / 2;
    double *lat = calloc((size_t)half, sizeof *lat);
    for (int i = 0; lat && i < half; i++) {
        double t0 = wall();
        if (help(c, port, tokens[i], i) != 0 || wait_mails(i + 1) != 0) {
            fprintf(stderr, "bench_notify: press %d got no mail\n", i);
            goto done;
        }
        lat[i] = (received(i + 1) - t0) * 1e3;
    }
    double start = wall();
    for (int i = half; i < n; i++)
        if (help(c, port, tokens[i], i) != 0) {
            fprintf(stderr, "bench_notify: press %d refused\n", i);
            goto done;
        }
    double pressed = wall();
    if (wait_mails(n) != 0) {
        fprintf(stderr, "bench_notify: %d of %d mails arrived\n", mails(), n);
        goto done;
    }
    double last = 0;
    for (int i = half + 1; i <= n; i++)
        if (received(i) > last)
            last = received(i);
    benchutil_sort(lat, (size_t)half);
    printf("help press to mail accepted by the SMTP server (STARTTLS, one at a time, n=%d):"
           " p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
           half, benchutil_pct(lat, (size_t)half, 50), benchutil_pct(lat, (size_t)half, 99),
           benchutil_pct(lat, (size_t)half, 100));
    printf("burst of %d help presses (sent in %.2f s): %d mails in %.2f s = %.1f mails/s\n",
           n - half, pressed - start, n - half, last - start, (n - half) / (last - start));
    rc = 0;
done:
    free(lat);
    curl_easy_cleanup(c);
    curl_global_cleanup();
out:
    if (hub > 0)
        benchutil_stop_hubd(hub, hubout);
    if (sink > 0) {
        kill(sink, SIGTERM);
        waitpid(sink, NULL, 0);
    }
    benchutil_remove(dir);
    return rc;
}
