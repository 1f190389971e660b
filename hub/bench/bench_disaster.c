/*
 * bench_disaster.c: disaster notices and safety confirmation on a real hubd on loopback.
 *
 *   bench_disaster HUBD HUBCTL [residents=200] [clients=16] [rounds=10]
 *
 * Feed to screen: the benchmark serves a JMA Atom feed itself (libmicrohttpd on
 * 127.0.0.1) and starts hubd with --jma-feed and --jma-poll 1. Each round it publishes a
 * new 気象警報・注意報（Ｈ２７） telegram (alternately issuing and releasing a 大雨警報 for
 * the town's area) and polls GET /v1/notices as a device would, every 10 ms, until the
 * change shows; it prints the p50 / max of that time (the hub's poll interval, the fetch,
 * parsing and the commit; the kiosk adds its own poll interval on top).
 * Answer throughput: staff start a safety check for `residents` residents; `clients`
 * threads answer for all of them (each answer with its Idempotency-Key, half of them sent
 * twice as an outbox retry would); it prints durable answers/s and the latency, then
 * checks that the staff view counts every resident exactly once.
 */
#include "benchutil.h"

#include <curl/curl.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RESIDENTS 2000
#define MAX_CLIENTS   64
#define MAX_ROUNDS    59 /* one report minute each, within the hour */

/* ---- the feed ------------------------------------------------------------------------- */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int published; /* telegrams in the feed */
static unsigned feed_port;

/* Telegram i: JMA's published layout, report time 09:00 JST + i minutes; even rounds issue
 * a 大雨警報 for area 1310200, odd rounds release it. */
static char *telegram(int i)
{
    char *x = malloc(4096);
    if (!x)
        return NULL;
    int issue = i % 2 == 0;
    snprintf(
        x, 4096,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<Report xmlns=\"http://xml.kishou.go.jp/jmaxml1/\">\n<Control>\n"
        "<Title>気象警報・注意報（Ｈ２７）</Title>\n<DateTime>2026-12-06T00:%02d:00Z</DateTime>\n"
        "<Status>通常</Status>\n<EditorialOffice>気象庁本庁</EditorialOffice>\n"
        "<PublishingOffice>気象庁</PublishingOffice>\n</Control>\n"
        "<Head xmlns=\"http://xml.kishou.go.jp/jmaxml1/informationBasis1/\">\n"
        "<Title>東京都気象警報・注意報</Title>\n"
        "<ReportDateTime>2026-12-06T09:%02d:00+09:00</ReportDateTime>\n"
        "<TargetDateTime>2026-12-06T09:%02d:00+09:00</TargetDateTime>\n<EventID />\n"
        "<InfoType>発表</InfoType>\n<Serial />\n<InfoKind>気象警報・注意報</InfoKind>\n"
        "<InfoKindVersion>1.2_1</InfoKindVersion>\n<Headline>\n<Text></Text>\n</Headline>\n"
        "</Head>\n"
        "<Body xmlns=\"http://xml.kishou.go.jp/jmaxml1/body/meteorology1/\">\n"
        "<Warning type=\"気象警報・注意報（市町村等）\">\n<Item>\n<Kind>\n"
        "<Name>大雨警報</Name>\n<Code>03</Code>\n<Status>%s</Status>\n</Kind>\n"
        "<Area>\n<Name>中央区</Name>\n<Code>1310200</Code>\n</Area>\n</Item>\n"
        "</Warning>\n</Body>\n</Report>\n",
        i % 60, i % 60, i % 60, issue ? "発表" : "解除");
    return x;
}

static char *feed(void)
{
    size_t cap = 4096 + (size_t)published * 512, len = 0;
    char *x = malloc(cap);
    if (!x)
        return NULL;
    len += (size_t)snprintf(x, cap,
                            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                            "<feed xmlns=\"http://www.w3.org/2005/Atom\" lang=\"ja\">\n"
                            "<title>高頻度（随時）</title>\n");
    for (int i = 0; i < published; i++)
        len += (size_t)snprintf(x + len, cap - len,
                                "<entry><title>気象警報・注意報（Ｈ２７）</title>"
                                "<id>http://127.0.0.1:%u/data/t%d.xml</id>"
                                "<updated>2026-12-06T00:%02d:05Z</updated>"
                                "<author><name>気象庁</name></author>"
                                "<link type=\"application/xml\" "
                                "href=\"http://127.0.0.1:%u/data/t%d.xml\"/></entry>\n",
                                feed_port, i, i % 60, feed_port, i);
    snprintf(x + len, cap - len, "</feed>\n");
    return x;
}

static enum MHD_Result serve(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const char *version, const char *upload,
                             size_t *upload_size, void **ptr)
{
    (void)cls, (void)method, (void)version, (void)upload, (void)upload_size;
    if (!*ptr) {
        *ptr = c;
        return MHD_YES;
    }
    char *body = NULL, etag[32];
    int n = -1;
    pthread_mutex_lock(&mu);
    snprintf(etag, sizeof etag, "\"f%d\"", published);
    const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    unsigned status = 200;
    if (strcmp(url, "/feed.xml") == 0 && inm && strcmp(inm, etag) == 0)
        status = 304;
    else if (strcmp(url, "/feed.xml") == 0)
        body = feed();
    else if (sscanf(url, "/data/t%d.xml", &n) == 1 && n >= 0 && n < published)
        body = telegram(n);
    else
        status = 404;
    pthread_mutex_unlock(&mu);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(body ? strlen(body) : 0, body ? body : (void *)"",
                                        body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (strcmp(url, "/feed.xml") == 0)
        MHD_add_response_header(r, "ETag", etag);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- HTTP ----------------------------------------------------------------------------- */

struct buf {
    char data[8192];
    size_t len;
};

static size_t keep(char *p, size_t sz, size_t n, void *u)
{
    struct buf *b = u;
    size_t add = sz * n;
    if (b->len + add < sizeof b->data) {
        memcpy(b->data + b->len, p, add);
        b->len += add;
        b->data[b->len] = '\0';
    }
    return add;
}

/* One request on handle h; the answer's status, its body in b. */
static long req(CURL *h, unsigned port, const char *method, const char *path, const char *token,
                const char *idem, const char *body, struct buf *b)
{
    char url[160], auth[192], key[96];
    struct curl_slist *hdr = NULL;
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    hdr = curl_slist_append(hdr, auth);
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    if (idem) {
        snprintf(key, sizeof key, "Idempotency-Key: %s", idem);
        hdr = curl_slist_append(hdr, key);
    }
    b->len = 0;
    b->data[0] = '\0';
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    if (!body)
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    long code = 0;
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(hdr);
    return code;
}

/* ---- answers -------------------------------------------------------------------------- */

static char tokens[MAX_RESIDENTS][128];

struct client {
    pthread_t th;
    unsigned port;
    int first, step, n_res;
    long ok, failed;
    double lat[MAX_RESIDENTS * 2];
    long n_lat;
};

static void *answer_all(void *arg)
{
    struct client *c = arg;
    CURL *h = curl_easy_init();
    struct buf b;
    for (int i = c->first; i < c->n_res; i += c->step) {
        char key[32];
        snprintf(key, sizeof key, "bench-%d", i);
        for (int again = 0; again < 1 + (i % 2); again++) {
            double t0 = benchutil_now();
            long code =
                req(h, c->port, "POST", "/v1/safety/1/answer", tokens[i], key,
                    i % 10 == 9 ? "{\"answer\":\"need_help\"}" : "{\"answer\":\"safe\"}", &b);
            if (code == 201) {
                c->ok++;
                c->lat[c->n_lat++] = (benchutil_now() - t0) * 1000.0;
            } else {
                c->failed++;
            }
        }
    }
    curl_easy_cleanup(h);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr,
                "usage: bench_disaster HUBD HUBCTL [residents=200] [clients=16] [rounds=10]\n");
        return 2;
    }
    const char *hubd = argv[1], *hubctl = argv[2];
    long n_res = argc > 3 ? strtol(argv[3], NULL, 10) : 200;
    long nc = argc > 4 ? strtol(argv[4], NULL, 10) : 16;
    long rounds = argc > 5 ? strtol(argv[5], NULL, 10) : 10;
    if (n_res < 1 || n_res > MAX_RESIDENTS || nc < 1 || nc > MAX_CLIENTS || rounds < 1 ||
        rounds > MAX_ROUNDS) {
        fprintf(stderr, "bench: residents 1..%d, clients 1..%d, rounds 1..%d\n", MAX_RESIDENTS,
                MAX_CLIENTS, MAX_ROUNDS);
        return 2;
    }
    char dir[] = "/tmp/hubbench.XXXXXX";
    char db[256], cmd[1024], val[256], staff[128], feed_url[128];
    if (benchutil_make_db(hubctl, dir, db, sizeof db) != 0)
        return 1;
    for (long i = 0; i < n_res; i++) {
        snprintf(cmd, sizeof cmd,
                 "%s --db %s resident-add --name bench%ld --district 北町 --deadline 23:59", hubctl,
                 db, i);
        if (benchutil_capture(cmd, "resident_id", val, sizeof val) != 0)
            return 1;
        snprintf(cmd, sizeof cmd, "%s --db %s device-add --kind home --resident %s", hubctl, db,
                 val);
        if (benchutil_capture(cmd, "token", tokens[i], sizeof tokens[i]) != 0)
            return 1;
    }
    snprintf(cmd, sizeof cmd, "%s --db %s staff-add --name bench", hubctl, db);
    if (benchutil_capture(cmd, "token", staff, sizeof staff) != 0)
        return 1;
    snprintf(cmd, sizeof cmd, "%s --db %s jma-area-add --code 1310200 --name 中央区", hubctl, db);
    if (benchutil_capture(cmd, "jma_area", val, sizeof val) != 0)
        return 1;
    struct MHD_Daemon *d =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL,
                         NULL, serve, NULL, MHD_OPTION_END);
    const union MHD_DaemonInfo *di = d ? MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT) : NULL;
    if (!di) {
        fprintf(stderr, "bench: cannot serve the feed\n");
        return 1;
    }
    feed_port = di->port;
    snprintf(feed_url, sizeof feed_url, "http://127.0.0.1:%u/feed.xml", feed_port);
    const char *extra[] = {"--jma-feed", feed_url, "--jma-poll", "1", NULL};
    unsigned port = 0;
    FILE *f = NULL;
    pid_t pid = benchutil_start_hubd(hubd, db, extra, &port, &f);
    if (pid < 0)
        return 1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *h = curl_easy_init();
    struct buf b;
    double lat[MAX_ROUNDS];
    int bad = 0;
    for (long r = 0; r < rounds && !bad; r++) {
        pthread_mutex_lock(&mu);
        published++;
        pthread_mutex_unlock(&mu);
        double t0 = benchutil_now(), t1 = 0;
        int want_warning = r % 2 == 0;
        while (benchutil_now() - t0 < 30) {
            if (req(h, port, "GET", "/v1/notices", tokens[0], NULL, NULL, &b) == 200 &&
                (strstr(b.data, "大雨警報") != NULL) == want_warning) {
                t1 = benchutil_now();
                break;
            }
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        if (t1 == 0)
            bad = 1;
        lat[r] = (t1 - t0) * 1000.0;
    }
    if (bad) {
        fprintf(stderr, "bench: a telegram did not reach the device list within 30 s\n");
    } else {
        benchutil_sort(lat, (size_t)rounds);
        printf("feed_to_list rounds=%ld poll_s=1 p50_ms=%.0f max_ms=%.0f\n", rounds,
               benchutil_pct(lat, (size_t)rounds, 50), benchutil_pct(lat, (size_t)rounds, 100));
    }
    long code = req(h, port, "POST", "/v1/safety-checks", staff, NULL,
                    "{\"title_ja\":\"bench\",\"whole_town\":true,\"answer_within_min\":60}", &b);
    if (code != 201) {
        fprintf(stderr, "bench: cannot start the safety check (HTTP %ld)\n", code);
        bad = 1;
    }
    static struct client cl[MAX_CLIENTS];
    double t0 = benchutil_now();
    for (long i = 0; i < nc && !bad; i++) {
        cl[i] =
            (struct client){.port = port, .first = (int)i, .step = (int)nc, .n_res = (int)n_res};
        pthread_create(&cl[i].th, NULL, answer_all, &cl[i]);
    }
    long ok = 0, failed = 0, n = 0;
    static double all[MAX_RESIDENTS * 2];
    for (long i = 0; i < nc && !bad; i++) {
        pthread_join(cl[i].th, NULL);
        ok += cl[i].ok;
        failed += cl[i].failed;
        memcpy(all + n, cl[i].lat, sizeof(double) * (size_t)cl[i].n_lat);
        n += cl[i].n_lat;
    }
    double elapsed = benchutil_now() - t0;
    if (!bad && n > 0) {
        benchutil_sort(all, (size_t)n);
        printf("answers residents=%ld clients=%ld requests_ok=%ld failed=%ld seconds=%.2f\n", n_res,
               nc, ok, failed, elapsed);
        printf("answers_per_s=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n", (double)ok / elapsed,
               benchutil_pct(all, (size_t)n, 50), benchutil_pct(all, (size_t)n, 99),
               benchutil_pct(all, (size_t)n, 100));
        code = req(h, port, "GET", "/v1/safety-checks", staff, NULL, NULL, &b);
        char want[128];
        snprintf(want, sizeof want, "\"asked\":%ld,\"safe\":%ld,\"need_help\":%ld,\"no_answer\":0",
                 n_res, n_res - n_res / 10, n_res / 10);
        int exact = code == 200 && strstr(b.data, want) != NULL;
        printf("staff_counts_exact=%s\n", exact ? "yes" : "no");
        bad = !exact || failed > 0;
    }
    curl_easy_cleanup(h);
    int stopped = benchutil_stop_hubd(pid, f);
    MHD_stop_daemon(d);
    benchutil_remove(dir);
    curl_global_cleanup();
    return !bad && stopped == 0 ? 0 : 1;
}
