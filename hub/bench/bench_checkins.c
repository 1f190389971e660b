/*
 * bench_checkins.c: check-in throughput and latency of a real hubd on loopback.
 *
 *   bench_checkins HUBD HUBCTL [seconds=5] [clients=16]
 *
 * Creates a fresh database in a temp directory with one resident and one home device per
 * client (hubctl), starts hubd on an ephemeral port, runs `clients` threads that each
 * POST /v1/checkins over one keep-alive connection (libcurl) for `seconds`, and prints
 * durable check-ins per second with the p50 / p99 / max latency. Every 201 counted was
 * committed with synchronous=FULL before the hub answered. Stops hubd with SIGTERM and
 * checks that the database holds every acknowledged check-in.
 */
#include "benchutil.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CLIENTS 64
#define MAX_SAMPLES 400000

struct client {
    pthread_t th;
    char token[128];
    unsigned port;
    double seconds;
    long ok, failed;
    double *lat; /* ms */
    long n_lat;
};

static size_t sink(char *p, size_t sz, size_t n, void *u)
{
    return sz * n;
}

static void *run_client(void *arg)
{
    struct client *c = arg;
    char url[128], auth[192];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/v1/checkins", c->port);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->token);
    CURL *h = curl_easy_init();
    struct curl_slist *hdr = curl_slist_append(NULL, auth);
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, "{\"answer\":\"genki\"}");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    double end = benchutil_now() + c->seconds;
    while (benchutil_now() < end && c->n_lat < MAX_SAMPLES) {
        double t0 = benchutil_now();
        long code = 0;
        CURLcode rc = curl_easy_perform(h);
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        double t1 = benchutil_now();
        if (rc == CURLE_OK && code == 201) {
            c->ok++;
            c->lat[c->n_lat++] = (t1 - t0) * 1000.0;
        } else {
            c->failed++;
        }
    }
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_checkins HUBD HUBCTL [seconds=5] [clients=16]\n");
        return 2;
    }
    const char *hubd = argv[1], *hubctl = argv[2];
    double seconds = argc > 3 ? strtod(argv[3], NULL) : 5.0;
    long nc = argc > 4 ? strtol(argv[4], NULL, 10) : 16;
    if (seconds <= 0 || seconds > 120 || nc < 1 || nc > MAX_CLIENTS) {
        fprintf(stderr, "bench: seconds must be 0..120 and clients 1..%d\n", MAX_CLIENTS);
        return 2;
    }
    char dir[] = "/tmp/hubbench.XXXXXX";
    char db[256], cmd[1024], val[256], line[256];
    if (benchutil_make_db(hubctl, dir, db, sizeof db) != 0)
        return 1;
    static struct client cl[MAX_CLIENTS];
    for (long i = 0; i < nc; i++) {
        snprintf(cmd, sizeof cmd,
                 "%s --db %s resident-add --name bench%ld --district bench --deadline 10:00",
                 hubctl, db, i);
        if (benchutil_capture(cmd, "resident_id", val, sizeof val) != 0)
            return 1;
        snprintf(cmd, sizeof cmd, "%s --db %s device-add --kind home --resident %s", hubctl, db,
                 val);
        if (benchutil_capture(cmd, "token", cl[i].token, sizeof cl[i].token) != 0)
            return 1;
    }
    unsigned port = 0;
    FILE *f = NULL;
    pid_t pid = benchutil_start_hubd(hubd, db, NULL, &port, &f);
    if (pid < 0)
        return 1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    double t0 = benchutil_now();
    for (long i = 0; i < nc; i++) {
        cl[i].port = port;
        cl[i].seconds = seconds;
        cl[i].lat = malloc(sizeof(double) * MAX_SAMPLES);
        if (!cl[i].lat)
            return 1;
        pthread_create(&cl[i].th, NULL, run_client, &cl[i]);
    }
    long ok = 0, failed = 0, n = 0;
    for (long i = 0; i < nc; i++) {
        pthread_join(cl[i].th, NULL);
        ok += cl[i].ok;
        failed += cl[i].failed;
    }
    double elapsed = benchutil_now() - t0;
    double *all = malloc(sizeof(double) * (size_t)(ok ? ok : 1));
    for (long i = 0; i < nc; i++) {
        memcpy(all + n, cl[i].lat, sizeof(double) * (size_t)cl[i].n_lat);
        n += cl[i].n_lat;
        free(cl[i].lat);
    }
    benchutil_sort(all, (size_t)n);
    int stopped = benchutil_stop_hubd(pid, f);
    printf("clients=%ld seconds=%.1f\n", nc, elapsed);
    printf("checkins_ok=%ld failed=%ld\n", ok, failed);
    printf("checkins_per_s=%.0f\n", (double)ok / elapsed);
    if (n > 0)
        printf("p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n", benchutil_pct(all, (size_t)n, 50),
               benchutil_pct(all, (size_t)n, 99), benchutil_pct(all, (size_t)n, 100));
    snprintf(cmd, sizeof cmd, "%s --db %s checkins --limit 1 | tail -1 | cut -f1", hubctl, db);
    FILE *p = popen(cmd, "r");
    if (p && fgets(line, sizeof line, p))
        printf("stored_last_id=%s", line);
    if (p)
        pclose(p);
    free(all);
    benchutil_remove(dir);
    curl_global_cleanup();
    return failed == 0 && stopped == 0 ? 0 : 1;
}
