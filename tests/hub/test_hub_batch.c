/*
 * test_hub_batch.c: check-ins stored together in one writer batch each get their own answer.
 * The writer runs the check-ins queued at one moment with one call (one statement for all
 * the check-ins, one for all their audit records on PostgreSQL). Here 24 home devices of
 * residents in three towns post at once through one real hubd with 32 handler threads, with
 * 元気 and 元気がない mixed and some with an Idempotency-Key: every 201 must name its own
 * resident and answer, its id must be a row of exactly that resident, device and answer,
 * a 元気がない must have raised its alert on its own check-in, each request must have one
 * audit record about its own resident in its own town's log, a replay must give the first
 * id, one key sent eight times at once must store one check-in, and the audit chains must
 * verify. The device tokens of check-ins without a key are checked in the batch (one
 * statement for all of them): posted at once with good ones, a wrong token gets 401 and a
 * public kiosk's 403 for that request alone while the others get 201, nothing of the
 * refused ones is stored, and a token revoked in the database is refused at its next use. The hub's
 * own count must show batches of more than one job (else nothing here was grouped and the test
 * proves nothing).
 */
#include "hubtest.h"
#include "test.h"

#include <cJSON.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define TOWNS      3
#define PER_TOWN   8
#define DEVICES    (TOWNS * PER_TOWN)
#define POSTS      15
#define IDEM_EVERY 3 /* every third post carries an Idempotency-Key */

static struct hubtest T;
static const char *const CODES[TOWNS] = {"142018", "142034", "131016"};

struct sent {
    long status;
    long long id, resident;
    char answer[16], request_id[64], key[32];
};

struct device {
    pthread_t th;
    int town; /* 0..TOWNS-1 */
    long long resident, device;
    char token[128];
    struct sent sent[POSTS];
};
static struct device dev[DEVICES];

struct body {
    char *p;
    size_t n;
};

static size_t on_body(char *p, size_t sz, size_t n, void *u)
{
    struct body *b = u;
    size_t len = sz * n;
    char *q = realloc(b->p, b->n + len + 1);
    if (!q)
        return 0;
    memcpy(q + b->n, p, len);
    b->n += len;
    q[b->n] = '\0';
    b->p = q;
    return len;
}

/* Keeps the X-Request-Id the hub answered with. */
static size_t on_header(char *p, size_t sz, size_t n, void *u)
{
    size_t len = sz * n;
    static const char name[] = "X-Request-Id:";
    if (len > sizeof name && strncasecmp(p, name, sizeof name - 1) == 0) {
        const char *v = p + sizeof name - 1;
        size_t vl = len - (sizeof name - 1);
        while (vl > 0 && (*v == ' ')) {
            v++;
            vl--;
        }
        while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == '\n'))
            vl--;
        snprintf(u, 64, "%.*s", (int)vl, v);
    }
    return len;
}

/* One POST /v1/checkins; fills s from the answer. */
static void post(CURL *h, const char *token, const char *answer, const char *key, struct sent *s)
{
    char url[96], auth[192], idem[96], body[64];
    struct body b = {0};
    snprintf(url, sizeof url, "http://127.0.0.1:%u/v1/checkins", T.port);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    snprintf(body, sizeof body, "{\"answer\":\"%s\"}", answer);
    struct curl_slist *hdr = curl_slist_append(NULL, auth);
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    if (key[0]) {
        snprintf(idem, sizeof idem, "Idempotency-Key: %s", key);
        hdr = curl_slist_append(hdr, idem);
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, s->request_id);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    snprintf(s->answer, sizeof s->answer, "%s", answer);
    snprintf(s->key, sizeof s->key, "%s", key);
    s->request_id[0] = '\0';
    s->status = 0;
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &s->status);
    cJSON *j = b.p ? cJSON_Parse(b.p) : NULL;
    const cJSON *c = cJSON_GetObjectItem(j, "checkin");
    const cJSON *ans = cJSON_GetObjectItem(c, "answer");
    const cJSON *id = cJSON_GetObjectItem(c, "id"), *res = cJSON_GetObjectItem(c, "resident_id");
    s->id = cJSON_IsNumber(id) ? (long long)id->valuedouble : 0;
    s->resident = cJSON_IsNumber(res) ? (long long)res->valuedouble : 0;
    if (s->status == 201 && (!cJSON_IsString(ans) || strcmp(ans->valuestring, answer) != 0))
        s->resident = -1; /* the answer names another answer: counted as a mismatch */
    cJSON_Delete(j);
    free(b.p);
    curl_slist_free_all(hdr);
}

static void *run_device(void *arg)
{
    struct device *d = arg;
    CURL *h = curl_easy_init();
    for (int i = 0; i < POSTS && h; i++) {
        char key[32] = "";
        const char *answer = (i + (int)d->resident) % 4 == 0 ? "genkinai" : "genki";
        if (i % IDEM_EVERY == 0)
            snprintf(key, sizeof key, "batch-%lld-%d", d->resident, i);
        post(h, d->token, answer, key, &d->sent[i]);
    }
    curl_easy_cleanup(h);
    return NULL;
}

/* One integer from SQL written with printf's format. */
__attribute__((format(printf, 1, 2))) static long long sqlf(const char *fmt, ...)
{
    char sql[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    return ht_sql_int(&T, sql);
}

static void t_each_answer_is_its_own(void)
{
    for (int i = 0; i < DEVICES; i++)
        REQUIRE(pthread_create(&dev[i].th, NULL, run_device, &dev[i]) == 0);
    for (int i = 0; i < DEVICES; i++)
        pthread_join(dev[i].th, NULL);
    long ok = 0, own = 0, rows = 0, alerts = 0, unwell = 0, audited = 0;
    for (int i = 0; i < DEVICES; i++) {
        struct device *d = &dev[i];
        for (int k = 0; k < POSTS; k++) {
            struct sent *s = &d->sent[k];
            if (s->status != 201)
                continue;
            ok++;
            own += s->resident == d->resident;
            rows += sqlf("SELECT COUNT(*) FROM checkins WHERE id = %lld AND resident_id = %lld"
                         " AND device_id = %lld AND answer = '%s'",
                         s->id, d->resident, d->device, s->answer) == 1;
            if (strcmp(s->answer, "genkinai") == 0) {
                unwell++;
                alerts += sqlf("SELECT COUNT(*) FROM alerts WHERE kind = 'unwell'"
                               " AND day = 'checkin:%lld' AND resident_id = %lld",
                               s->id, d->resident) == 1;
            }
            audited += sqlf("SELECT COUNT(*) FROM audit a JOIN audit_logs l ON l.id = a.log_id"
                            " JOIN municipalities m ON m.id = l.municipality_id"
                            " WHERE a.action = 'checkin.create' AND a.request_id = '%s'"
                            " AND a.subject_resident_id = %lld AND a.actor = 'device:%lld'"
                            " AND m.code = '%s'",
                            s->request_id, d->resident, d->device, CODES[d->town]) == 1;
        }
    }
    CHECK_INT_EQ(ok, DEVICES * POSTS);
    CHECK_INT_EQ(own, ok);
    CHECK_INT_EQ(rows, ok);
    CHECK_INT_EQ(alerts, unwell);
    CHECK_INT_EQ(audited, ok);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM checkins"), ok);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'checkin.create'"), ok);
}

/* A replay of a key answered inside a batch gives the id stored for it. */
static void t_replays_give_the_first_answer(void)
{
    CURL *h = curl_easy_init();
    long same = 0, keyed = 0;
    REQUIRE(h);
    for (int i = 0; i < DEVICES; i++)
        for (int k = 0; k < POSTS; k += IDEM_EVERY) {
            struct sent *s = &dev[i].sent[k], again;
            post(h, dev[i].token, s->answer, s->key, &again);
            keyed++;
            same += again.status == 201 && again.id == s->id && again.resident == s->resident;
        }
    curl_easy_cleanup(h);
    CHECK_INT_EQ(same, keyed);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM checkins"), DEVICES * POSTS);
}

/* One key sent eight times at once (a tablet retrying over several connections): the
 * claims may share a batch, and still one check-in is stored; every 201 names it, the
 * others are 409 (in flight). */
#define SAME 8
static struct sent same_sent[SAME];

static void *post_same(void *arg)
{
    CURL *h = curl_easy_init();
    if (h)
        post(h, dev[0].token, "genki", "batch-same-key", arg);
    curl_easy_cleanup(h);
    return NULL;
}

static void t_one_key_at_once_stores_one(void)
{
    pthread_t th[SAME];
    long long before = ht_sql_int(&T, "SELECT COUNT(*) FROM checkins");
    for (int i = 0; i < SAME; i++)
        REQUIRE(pthread_create(&th[i], NULL, post_same, &same_sent[i]) == 0);
    for (int i = 0; i < SAME; i++)
        pthread_join(th[i], NULL);
    long long id = 0;
    int created = 0, busy = 0, same = 0;
    for (int i = 0; i < SAME; i++) {
        if (same_sent[i].status == 201) {
            created++;
            id = id ? id : same_sent[i].id;
            same += same_sent[i].id == id;
        }
        busy += same_sent[i].status == 409;
    }
    CHECK(created >= 1);
    CHECK_INT_EQ(same, created);
    CHECK_INT_EQ(created + busy, SAME);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM checkins"), before + 1);
}

/* Check-ins whose tokens are checked in their batch: posted at once from every good device
 * (no key), three wrong tokens and a public kiosk, with ROUNDS each. */
#define ROUNDS 4
#define WRONG  3
struct mixed {
    pthread_t th;
    const char *token;
    struct sent sent[ROUNDS];
};
static char kiosk[128];
static char wrong[WRONG][80];

static void *post_rounds(void *arg)
{
    struct mixed *m = arg;
    CURL *h = curl_easy_init();
    for (int i = 0; i < ROUNDS && h; i++)
        post(h, m->token, "genki", "", &m->sent[i]);
    curl_easy_cleanup(h);
    return NULL;
}

static void t_wrong_token_refused_alone(void)
{
    static struct mixed m[DEVICES + WRONG + 1];
    const int n = DEVICES + WRONG + 1;
    long long before = ht_sql_int(&T, "SELECT COUNT(*) FROM checkins");
    long long audited = ht_sql_int(&T, "SELECT COUNT(*) FROM audit");
    for (int i = 0; i < DEVICES; i++)
        m[i].token = dev[i].token;
    for (int w = 0; w < WRONG; w++) {
        /* A device token's shape, one letter off a real one, and one of no device. */
        snprintf(wrong[w], sizeof wrong[w], "%s", dev[w].token);
        wrong[w][strlen(wrong[w]) - 1] ^= 1;
        m[DEVICES + w].token = wrong[w];
    }
    m[n - 1].token = kiosk;
    for (int i = 0; i < n; i++)
        REQUIRE(pthread_create(&m[i].th, NULL, post_rounds, &m[i]) == 0);
    for (int i = 0; i < n; i++)
        pthread_join(m[i].th, NULL);
    long good = 0, own = 0, unauthorized = 0, forbidden = 0;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < ROUNDS; k++) {
            const struct sent *s = &m[i].sent[k];
            if (i < DEVICES) {
                good += s->status == 201;
                own += s->status == 201 && s->resident == dev[i].resident &&
                       sqlf("SELECT COUNT(*) FROM checkins WHERE id = %lld AND device_id = %lld",
                            s->id, dev[i].device) == 1;
            } else if (i < n - 1) {
                unauthorized += s->status == 401;
            } else {
                forbidden += s->status == 403;
            }
        }
    CHECK_INT_EQ(good, DEVICES * ROUNDS);
    CHECK_INT_EQ(own, good);
    CHECK_INT_EQ(unauthorized, WRONG * ROUNDS);
    CHECK_INT_EQ(forbidden, ROUNDS);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM checkins"), before + good);
    /* One record per stored check-in, none for a refusal (their counts are written later,
     * by the minute: docs/hub.md "Limits"). */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit"), audited + good);

    /* A wrong token with a body that does not parse is still a 401, the good token's a 400. */
    char *resp = NULL;
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/checkins", wrong[0], NULL, NULL, "{", 1, &resp), 401);
    free(resp);
    resp = NULL;
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/checkins", dev[1].token, NULL, NULL, "{", 1, &resp), 400);
    free(resp);

    /* Revoked (its hash replaced in the database): refused at once, no cached grace. */
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE devices SET token_hash = 'revoked' WHERE id = %lld",
             dev[2].device);
    CHECK_INT_EQ(ht_sql_exec(&T, sql), 0);
    struct sent after;
    CURL *h = curl_easy_init();
    REQUIRE(h);
    post(h, dev[2].token, "genki", "", &after);
    CHECK_INT_EQ(after.status, 401);
    post(h, dev[3].token, "genki", "", &after);
    CHECK_INT_EQ(after.status, 201);
    curl_easy_cleanup(h);
}

/* The hub grouped jobs (more jobs than batches), and every town's chain verifies. */
static void t_grouped_and_chains_verify(void)
{
    char path[192], line[256];
    long long jobs = 0, batches = 0;
    CHECK_INT_EQ(ht_stop(&T), 0);
    snprintf(path, sizeof path, "%s/hubd.err", T.dir);
    FILE *f = fopen(path, "r");
    REQUIRE(f);
    while (fgets(line, sizeof line, f))
        sscanf(line, "hub: the writer committed %lld jobs in %lld batches", &jobs, &batches);
    fclose(f);
    printf("writer: %lld jobs in %lld batches\n", jobs, batches);
    CHECK(jobs >= DEVICES * (POSTS + ROUNDS));
    CHECK(batches > 0 && jobs > batches);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "audit-verify"), 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE seq IS NULL"), 0);
}

int main(void)
{
    char args[256], extra[256];
    int ok = ht_init(&T, time(NULL)) == 0;
    for (int t = 1; t < TOWNS && ok; t++) {
        snprintf(args, sizeof args,
                 "municipality-add --code %s --name Town%d --hours '9:00〜17:00' --contact x",
                 CODES[t], t);
        ok = ht_ctl(&T, NULL, NULL, 0, args) == 0;
    }
    if (ok) {
        snprintf(args, sizeof args,
                 "municipality-set --municipality 1 --code %s --name Town0"
                 " --hours '9:00〜17:00' --contact x",
                 CODES[0]);
        ok = ht_ctl(&T, NULL, NULL, 0, args) == 0;
    }
    for (int i = 0; i < DEVICES && ok; i++) {
        char v[64] = "";
        struct device *d = &dev[i];
        d->town = i % TOWNS;
        snprintf(args, sizeof args,
                 "resident-add --municipality %s --name R%d --district Kita --deadline 10:00",
                 CODES[d->town], i);
        ok = ht_ctl(&T, "resident_id", v, sizeof v, args) == 0;
        d->resident = atoll(v);
        snprintf(args, sizeof args, "device-add --municipality %s --kind home --resident %lld",
                 CODES[d->town], d->resident);
        ok = ok && ht_ctl(&T, "token", d->token, sizeof d->token, args) == 0;
        d->device = ht_sql_int(&T, "SELECT MAX(id) FROM devices");
    }
    ok = ok && ht_ctl(&T, "token", kiosk, sizeof kiosk,
                      "device-add --municipality 142018 --kind public") == 0;
    snprintf(extra, sizeof extra, "--workers 32 2>%s/hubd.err", T.dir);
    if (!ok || ht_start(&T, extra) != 0) {
        fprintf(stderr, "cannot enrol or start the test hub\n");
        ht_cleanup(&T);
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    TEST_RUN(t_each_answer_is_its_own);
    TEST_RUN(t_replays_give_the_first_answer);
    TEST_RUN(t_one_key_at_once_stores_one);
    TEST_RUN(t_wrong_token_refused_alone);
    TEST_RUN(t_grouped_and_chains_verify);
    curl_global_cleanup();
    ht_cleanup(&T);
    return test_summary();
}
