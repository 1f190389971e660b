/*
 * bench_shop.c: checkup import rate, durable order creation rate and webhook delivery
 * latency of a real hubd on loopback.
 *
 *   bench_shop HUBD HUBCTL CATALOGUE [seconds=3] [clients=8]
 *
 * Makes a fresh database (one resident with insurance identifiers and a home device per
 * client, one source organisation, one operator with the catalogue and a webhook to a
 * receiver this program runs on 127.0.0.1), starts hubd, then:
 *   1. import: `clients` threads POST distinct eCheckup Bundles to /v1/checkups for
 *      `seconds`; every 201 was committed (synchronous=FULL) before the answer;
 *   2. orders: the same threads POST orders (each with a new Idempotency-Key) for
 *      `seconds`; every 201 is a durable order + delivery + audit record;
 *   3. webhook latency: 200 orders one at a time (20 ms apart); for each, the time from
 *      sending the POST to the signed webhook arriving at the receiver (end to end: create,
 *      commit, push thread, HTTP), and from the 201 to the arrival.
 * It prints the rates and p50/p99 latencies, and checks that every order was pushed.
 */
#include "benchutil.h"
#include "bundle_builder.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_CLIENTS 32
#define MAX_SAMPLES 200000
#define MAX_ORDERS  400000
#define N_LATENCY   200

static const char ORDER[] =
    "{\"items\":[{\"id\":\"cabbage\",\"qty\":2},{\"id\":\"milk\",\"qty\":1}],"
    "\"slot\":\"2099-11-24T15:00/17:00\","
    "\"payment_method\":\"cash_on_delivery\"}";

/* Arrival time of each order's webhook, by order id (receiver side). */
static double *arrived;
static long n_arrived;
static pthread_mutex_t arr_mu = PTHREAD_MUTEX_INITIALIZER;

struct rctx {
    char *body;
    size_t len;
};

static enum MHD_Result on_hook(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *data,
                               size_t *size, void **con_cls)
{
    struct rctx *x = *con_cls;
    if (!x) {
        *con_cls = calloc(1, sizeof *x);
        return *con_cls ? MHD_YES : MHD_NO;
    }
    if (*size) {
        char *b = realloc(x->body, x->len + *size + 1);
        if (!b)
            return MHD_NO;
        memcpy(b + x->len, data, *size);
        x->body = b;
        x->len += *size;
        x->body[x->len] = '\0';
        *size = 0;
        return MHD_YES;
    }
    double t = benchutil_now();
    const char *p = x->body ? strstr(x->body, "\"order_id\":") : NULL;
    long id = p ? strtol(p + 11, NULL, 10) : 0;
    pthread_mutex_lock(&arr_mu);
    if (id > 0 && id < MAX_ORDERS && arrived[id] == 0) {
        arrived[id] = t;
        n_arrived++;
    }
    pthread_mutex_unlock(&arr_mu);
    struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret = MHD_queue_response(c, 204, r);
    MHD_destroy_response(r);
    return ret;
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode t)
{
    struct rctx *x = *con_cls;
    if (x) {
        free(x->body);
        free(x);
    }
    *con_cls = NULL;
}

struct client {
    pthread_t th;
    int idx;
    char token[128], src[128];
    unsigned port;
    double seconds;
    int mode; /* 0 import, 1 orders */
    long ok, failed;
    double *lat;
    long n_lat;
};

struct answer {
    char buf[2048];
    size_t n;
};

static size_t keep(char *p, size_t sz, size_t n, void *u)
{
    struct answer *a = u;
    size_t add = sz * n;
    size_t room = sizeof a->buf - 1 - a->n;
    size_t c = add < room ? add : room;
    memcpy(a->buf + a->n, p, c);
    a->n += c;
    a->buf[a->n] = '\0';
    return add;
}

static void *run_client(void *arg)
{
    struct client *c = arg;
    char url[128], auth[192], idem[96];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", c->port,
             c->mode ? "/v1/operators/1/orders" : "/v1/checkups");
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->mode ? c->token : c->src);
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    double end = benchutil_now() + c->seconds;
    long k = 0;
    while (benchutil_now() < end && c->n_lat < MAX_SAMPLES) {
        struct curl_slist *hdr = curl_slist_append(NULL, auth);
        hdr = curl_slist_append(hdr, "Content-Type: application/json");
        hdr = curl_slist_append(hdr, "Expect:");
        char *body = NULL;
        if (c->mode) {
            snprintf(idem, sizeof idem, "Idempotency-Key: b%d-%ld", c->idx, k);
            hdr = curl_slist_append(hdr, idem);
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, ORDER);
        } else {
            struct bb_spec s;
            bb_spec_default(&s, c->idx, 2000 + (int)(k / 2000) % 100, 0);
            /* A distinct checkup every time: the height moves by 0.1 cm. */
            bb_spec_set(&s, "9N001000000000001", 140.0 + (double)(k % 2000) * 0.05, "cm");
            body = bb_build_json(&s);
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        }
        k++;
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
        struct answer a = {.n = 0};
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
        double t0 = benchutil_now();
        long code = 0;
        CURLcode rc = curl_easy_perform(h);
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        double t1 = benchutil_now();
        if (rc == CURLE_OK && code == 201) {
            c->ok++;
            c->lat[c->n_lat++] = (t1 - t0) * 1000.0;
        } else {
            if (c->failed++ < 3)
                fprintf(stderr, "bench: %ld %s\n", code, a.buf);
        }
        curl_slist_free_all(hdr);
        free(body);
    }
    curl_easy_cleanup(h);
    return NULL;
}

static void report(const char *what, struct client *cl, long nc, double elapsed)
{
    long ok = 0, failed = 0, n = 0;
    for (long i = 0; i < nc; i++) {
        ok += cl[i].ok;
        failed += cl[i].failed;
    }
    double *all = malloc(sizeof(double) * (size_t)(ok ? ok : 1));
    for (long i = 0; i < nc; i++) {
        memcpy(all + n, cl[i].lat, sizeof(double) * (size_t)cl[i].n_lat);
        n += cl[i].n_lat;
    }
    benchutil_sort(all, (size_t)n);
    printf("%s: ok=%ld failed=%ld per_s=%.0f", what, ok, failed, (double)ok / elapsed);
    if (n > 0)
        printf(" p50_ms=%.2f p99_ms=%.2f", benchutil_pct(all, (size_t)n, 50),
               benchutil_pct(all, (size_t)n, 99));
    printf("\n");
    free(all);
}

static void run_phase(struct client *cl, long nc, int mode, double seconds, const char *what)
{
    double t0 = benchutil_now();
    for (long i = 0; i < nc; i++) {
        cl[i].mode = mode;
        cl[i].ok = cl[i].failed = cl[i].n_lat = 0;
        cl[i].seconds = seconds;
        pthread_create(&cl[i].th, NULL, run_client, &cl[i]);
    }
    for (long i = 0; i < nc; i++)
        pthread_join(cl[i].th, NULL);
    report(what, cl, nc, benchutil_now() - t0);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_shop HUBD HUBCTL CATALOGUE [seconds=3] [clients=8]\n");
        return 2;
    }
    const char *hubd = argv[1], *hubctl = argv[2], *catalogue = argv[3];
    double seconds = argc > 4 ? strtod(argv[4], NULL) : 3.0;
    long nc = argc > 5 ? strtol(argv[5], NULL, 10) : 8;
    if (seconds <= 0 || seconds > 60 || nc < 1 || nc > MAX_CLIENTS) {
        fprintf(stderr, "bench: seconds must be 0..60 and clients 1..%d\n", MAX_CLIENTS);
        return 2;
    }
    arrived = calloc(MAX_ORDERS, sizeof *arrived);
    static double sent[N_LATENCY], answered[N_LATENCY];
    static long ids[N_LATENCY];
    struct MHD_Daemon *mhd = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL, on_hook,
        NULL, MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL, MHD_OPTION_END);
    if (!arrived || !mhd) {
        fprintf(stderr, "bench: cannot start the receiver\n");
        return 1;
    }
    unsigned rport = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_BIND_PORT)->port;
    char dir[] = "/tmp/hubbench.XXXXXX";
    char db[256], cmd[1024], val[256];
    static struct client cl[MAX_CLIENTS];
    if (benchutil_make_db(hubctl, dir, db, sizeof db) != 0)
        return 1;
    snprintf(cmd, sizeof cmd, "%s --db %s source-add --name bench", hubctl, db);
    if (benchutil_capture(cmd, "token", cl[0].src, sizeof cl[0].src) != 0)
        return 1;
    for (long i = 0; i < nc; i++) {
        if (i > 0)
            memcpy(cl[i].src, cl[0].src, sizeof cl[i].src);
        snprintf(cmd, sizeof cmd,
                 "%s --db %s resident-add --name b%ld --district bench --deadline 10:00"
                 " --insurer 00012345 --symbol あいう --insured %ld --branch 00 --address x",
                 hubctl, db, i, 1870 + i);
        if (benchutil_capture(cmd, "resident_id", val, sizeof val) != 0)
            return 1;
        snprintf(cmd, sizeof cmd, "%s --db %s device-add --kind home --resident %s", hubctl, db,
                 val);
        if (benchutil_capture(cmd, "token", cl[i].token, sizeof cl[i].token) != 0)
            return 1;
        cl[i].idx = (int)i;
        cl[i].lat = malloc(sizeof(double) * MAX_SAMPLES);
        if (!cl[i].lat)
            return 1;
    }
    snprintf(cmd, sizeof cmd,
             "%s --db %s operator-add --name bench --district bench --webhook "
             "http://127.0.0.1:%u/hook >/dev/null && %s --db %s catalogue-import --operator 1 "
             "--file %s >/dev/null",
             hubctl, db, rport, hubctl, db, catalogue);
    if (system(cmd) != 0)
        return 1;
    static const char *const push_poll[] = {"--push-poll-ms", "100", NULL};
    unsigned port = 0;
    FILE *f = NULL;
    pid_t pid = benchutil_start_hubd(hubd, db, push_poll, &port, &f);
    if (pid < 0)
        return 1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    for (long i = 0; i < nc; i++)
        cl[i].port = port;
    printf("clients=%ld seconds=%.1f\n", nc, seconds);
    run_phase(cl, nc, 0, seconds, "import_bundles");
    run_phase(cl, nc, 1, seconds, "orders_created");
    /* Let the push thread drain the burst before measuring latency at light load. */
    long total = 0;
    for (long i = 0; i < nc; i++)
        total += cl[i].ok;
    double drain0 = benchutil_now();
    while (benchutil_now() - drain0 < 60) {
        pthread_mutex_lock(&arr_mu);
        long got = n_arrived;
        pthread_mutex_unlock(&arr_mu);
        if (got >= total)
            break;
        usleep(20 * 1000);
    }
    printf("burst_pushed=%ld of %ld in %.2f s after the burst\n", n_arrived, total,
           benchutil_now() - drain0);
    CURL *h = curl_easy_init();
    char url[128], auth[192], idem[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/v1/operators/1/orders", port);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", cl[0].token);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, ORDER);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep);
    for (int i = 0; i < N_LATENCY; i++) {
        struct curl_slist *hdr = curl_slist_append(NULL, auth);
        hdr = curl_slist_append(hdr, "Content-Type: application/json");
        snprintf(idem, sizeof idem, "Idempotency-Key: lat-%d", i);
        hdr = curl_slist_append(hdr, idem);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
        struct answer a = {.n = 0};
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
        sent[i] = benchutil_now();
        long code = 0;
        if (curl_easy_perform(h) == CURLE_OK)
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        answered[i] = benchutil_now();
        cJSON *aj = code == 201 ? cJSON_Parse(a.buf) : NULL;
        const cJSON *oid = cJSON_GetObjectItem(cJSON_GetObjectItem(aj, "order"), "id");
        ids[i] = cJSON_IsNumber(oid) ? (long)oid->valuedouble : 0;
        cJSON_Delete(aj);
        if (!ids[i] && i < 3)
            fprintf(stderr, "bench: latency order %d: %ld %s\n", i, code, a.buf);
        curl_slist_free_all(hdr);
        usleep(20 * 1000);
    }
    curl_easy_cleanup(h);
    usleep(500 * 1000);
    double e2e[N_LATENCY], after[N_LATENCY];
    int n = 0;
    pthread_mutex_lock(&arr_mu);
    for (int i = 0; i < N_LATENCY; i++) {
        if (ids[i] <= 0 || ids[i] >= MAX_ORDERS || arrived[ids[i]] == 0)
            continue;
        e2e[n] = (arrived[ids[i]] - sent[i]) * 1000.0;
        after[n] = (arrived[ids[i]] - answered[i]) * 1000.0;
        n++;
    }
    pthread_mutex_unlock(&arr_mu);
    benchutil_sort(e2e, (size_t)n);
    benchutil_sort(after, (size_t)n);
    if (n > 0) {
        printf("webhook_end_to_end (POST sent -> webhook at receiver): n=%d p50_ms=%.2f "
               "p99_ms=%.2f\n",
               n, benchutil_pct(e2e, (size_t)n, 50), benchutil_pct(e2e, (size_t)n, 99));
        printf("webhook_after_201 (201 received -> webhook at receiver): p50_ms=%.2f "
               "p99_ms=%.2f\n",
               benchutil_pct(after, (size_t)n, 50), benchutil_pct(after, (size_t)n, 99));
    }
    int stopped = benchutil_stop_hubd(pid, f);
    MHD_stop_daemon(mhd);
    benchutil_remove(dir);
    curl_global_cleanup();
    return n == N_LATENCY && stopped == 0 ? 0 : 1;
}
