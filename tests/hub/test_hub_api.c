/*
 * test_hub_api.c: black-box tests of the walking-skeleton API against the real
 * hubd on 127.0.0.1 with an ephemeral port and a temp database: check-ins stored and
 * audited, 401/400/413/403 with JSON errors in words, restart keeps data, Idempotency-Key,
 * health, /v1/me, and a failing audit write that must fail the request.
 */
#include "db.h"
#include "hubdb.h"
#include "hubtest.h"
#include "idempotency.h"
#include "test.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct hubtest T;
static char home1[128], public1[128], fam1[128], fam2[128];
static char res1[16], res2[16];

static int count_checkins(void)
{
    return (int)ht_sql_int(&T, "SELECT COUNT(*) FROM checkins");
}

static const char *message(const cJSON *j)
{
    const cJSON *m =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "error"), "message");
    return cJSON_IsString(m) ? m->valuestring : "";
}

static void t_health(void)
{
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/health", NULL, NULL, NULL, &j), 200);
    CHECK_STR_EQ(cJSON_GetObjectItem(j, "status")->valuestring, "ok");
    CHECK_INT_EQ(cJSON_GetObjectItem(j, "schema_version")->valueint, hubdb_schema_version());
    cJSON_Delete(j);
}

static void t_checkin_stored_and_audited(void)
{
    int before = count_checkins();
    long long audit_before = ht_audit_count(&T);
    cJSON *j = NULL;
    long st = ht_json(&T, "POST", "/v1/checkins", home1, NULL, "{\"answer\":\"itsumo\"}", &j);
    CHECK_INT_EQ(st, 201);
    cJSON *c = cJSON_GetObjectItem(j, "checkin");
    REQUIRE(c != NULL);
    CHECK_STR_EQ(cJSON_GetObjectItem(c, "answer")->valuestring, "itsumo");
    CHECK_INT_EQ(cJSON_GetObjectItem(c, "resident_id")->valueint, strtol(res1, NULL, 10));
    CHECK_INT_EQ(cJSON_GetObjectItem(c, "at_unix")->valuedouble, 1795392720);
    CHECK_STR_EQ(cJSON_GetObjectItem(c, "at")->valuestring, "2026-11-23T00:12:00Z");
    long long id = (long long)cJSON_GetObjectItem(c, "id")->valuedouble;
    cJSON_Delete(j);
    CHECK_INT_EQ(count_checkins(), before + 1);
    CHECK_INT_EQ(ht_audit_count(&T), audit_before + 1);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM checkins WHERE id = %lld AND answer = 'itsumo'",
             id);
    CHECK_INT_EQ(ht_sql_int(&T, sql), 1);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE id = (SELECT MAX(id) FROM"
                                " audit) AND action = 'checkin.create' AND data_kinds = 'safety'"
                                " AND purpose = 'watch_over' AND destination = 'hub'"
                                " AND actor LIKE 'device:%' AND subject_resident_id = 1"),
                 1);
}

static void t_missing_or_wrong_token(void)
{
    int before = count_checkins();
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/checkins", NULL, NULL, "{\"answer\":\"genki\"}", &j),
                 401);
    CHECK_STR_EQ(ht_error_code(j), "unauthorized");
    CHECK(strstr(message(j), "Authorization") != NULL);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/checkins",
                         "dev_0000000000000000000000000000000000000000000000000000000000000000",
                         NULL, "{\"answer\":\"genki\"}", &j),
                 401);
    CHECK_STR_EQ(ht_error_code(j), "unauthorized");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/residents/1/checkins", "garbage", NULL, NULL, &j), 401);
    CHECK_STR_EQ(ht_error_code(j), "unauthorized");
    cJSON_Delete(j);
    CHECK_INT_EQ(count_checkins(), before);
}

static void t_malformed_json(void)
{
    int before = count_checkins();
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/checkins", home1, NULL, "{\"answer\": ", &j), 400);
    CHECK_STR_EQ(ht_error_code(j), "bad_request");
    CHECK(strstr(message(j), "not valid JSON") != NULL);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/checkins", home1, NULL, "{\"answer\":\"maybe\"}", &j),
                 400);
    CHECK(strstr(message(j), "genki") != NULL);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/checkins", home1, NULL, "{}", &j), 400);
    CHECK(strstr(message(j), "\"answer\" is missing") != NULL);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/checkins", home1, NULL, "[1,2]", &j), 400);
    CHECK(strstr(message(j), "JSON object") != NULL);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/checkins", home1, NULL, "", &j), 400);
    CHECK(strstr(message(j), "empty") != NULL);
    cJSON_Delete(j);
    CHECK_INT_EQ(count_checkins(), before);
}

static void t_oversized_body(void)
{
    int before = count_checkins();
    size_t n = 64 * 1024 + 1;
    char *big = malloc(n);
    REQUIRE(big != NULL);
    memset(big, ' ', n);
    memcpy(big, "{\"answer\":\"genki\"", 17);
    big[n - 1] = '}';
    char *text = NULL;
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/checkins", home1, NULL, NULL, big, n, &text), 413);
    cJSON *j = cJSON_Parse(text);
    CHECK_STR_EQ(ht_error_code(j), "body_too_large");
    cJSON_Delete(j);
    free(text);
    /* Exactly at the cap is still accepted. */
    n = 64 * 1024;
    big[n - 1] = '}';
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/checkins", home1, NULL, NULL, big, n, NULL), 201);
    free(big);
    CHECK_INT_EQ(count_checkins(), before + 1);
}

static void t_family_other_resident(void)
{
    cJSON *j = NULL;
    char path[64];
    /* fam2 is linked to resident 2 only; resident 1 has check-ins. */
    snprintf(path, sizeof path, "/v1/residents/%s/checkins", res1);
    long long audit_before = ht_audit_count(&T);
    char *text = NULL;
    CHECK_INT_EQ(ht_req(&T, "GET", path, fam2, NULL, NULL, NULL, 0, &text), 403);
    CHECK(strstr(text, "checkins") == NULL);
    CHECK(strstr(text, "Hanako") == NULL);
    j = cJSON_Parse(text);
    CHECK_STR_EQ(ht_error_code(j), "not_permitted");
    char first_msg[512];
    snprintf(first_msg, sizeof first_msg, "%s", message(j));
    cJSON_Delete(j);
    free(text);
    /* A resident that does not exist gets the very same answer. */
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/residents/999/checkins", fam2, NULL, NULL, &j), 403);
    CHECK_STR_EQ(message(j), first_msg);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_audit_count(&T), audit_before); /* nothing released, nothing audited */
    /* A device may not read the family list at all. */
    CHECK_INT_EQ(ht_json(&T, "GET", path, home1, NULL, NULL, &j), 403);
    cJSON_Delete(j);
    /* Its own resident works, and the release is audited. */
    CHECK_INT_EQ(ht_json(&T, "GET", path, fam1, NULL, NULL, &j), 200);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "checkins")) > 0);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_audit_count(&T), audit_before + 1);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE id = (SELECT MAX(id) FROM"
                                " audit) AND action = 'checkins.read' AND basis LIKE 'consent:%'"),
                 1);
}

static void t_list_limit(void)
{
    cJSON *j = NULL;
    char path[64];
    snprintf(path, sizeof path, "/v1/residents/%s/checkins?limit=2", res1);
    CHECK_INT_EQ(ht_json(&T, "GET", path, fam1, NULL, NULL, &j), 200);
    cJSON *arr = cJSON_GetObjectItem(j, "checkins");
    CHECK_INT_EQ(cJSON_GetArraySize(arr), 2);
    /* newest first */
    CHECK(cJSON_GetArrayItem(arr, 0)->child->valuedouble >
          cJSON_GetArrayItem(arr, 1)->child->valuedouble);
    cJSON_Delete(j);
    snprintf(path, sizeof path, "/v1/residents/%s/checkins?limit=0", res1);
    CHECK_INT_EQ(ht_json(&T, "GET", path, fam1, NULL, NULL, &j), 400);
    CHECK(strstr(message(j), "1 to 100") != NULL);
    cJSON_Delete(j);
}

static void t_public_device_cannot_checkin(void)
{
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/checkins", public1, NULL, "{\"answer\":\"genki\"}", &j),
                 403);
    CHECK_STR_EQ(ht_error_code(j), "forbidden");
    cJSON_Delete(j);
}

static void t_me(void)
{
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/me", home1, NULL, NULL, &j), 200);
    CHECK_STR_EQ(cJSON_GetObjectItem(j, "role")->valuestring, "device");
    CHECK_STR_EQ(cJSON_GetObjectItem(j, "kind")->valuestring, "home");
    CHECK_STR_EQ(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "resident"), "display_name")->valuestring,
        "Hanako");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/me", public1, NULL, NULL, &j), 200);
    CHECK_STR_EQ(cJSON_GetObjectItem(j, "kind")->valuestring, "public");
    CHECK(cJSON_GetObjectItem(j, "resident") == NULL);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/me", fam2, NULL, NULL, &j), 200);
    CHECK_STR_EQ(cJSON_GetObjectItem(j, "role")->valuestring, "family");
    cJSON *rs = cJSON_GetObjectItem(j, "residents");
    CHECK_INT_EQ(cJSON_GetArraySize(rs), 1);
    CHECK_STR_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(rs, 0), "display_name")->valuestring,
                 "Ichiro");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/me", NULL, NULL, NULL, &j), 401);
    cJSON_Delete(j);
}

static void t_idempotency(void)
{
    int before = count_checkins();
    char *a = NULL, *b = NULL, *c = NULL;
    const char *body = "{\"answer\":\"genkinai\"}";
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/checkins", home1, NULL, "tap-2026-11-23-1", body, strlen(body), &a),
        201);
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/checkins", home1, NULL, "tap-2026-11-23-1", body, strlen(body), &b),
        201);
    CHECK_STR_EQ(a, b);
    CHECK_INT_EQ(count_checkins(), before + 1);
    const char *other = "{\"answer\":\"genki\"}";
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/checkins", home1, NULL, "tap-2026-11-23-1", other,
                        strlen(other), &c),
                 422);
    cJSON *j = cJSON_Parse(c);
    CHECK_STR_EQ(ht_error_code(j), "idempotency_key_reused");
    cJSON_Delete(j);
    CHECK_INT_EQ(count_checkins(), before + 1);
    free(a);
    free(b);
    free(c);
    /* The same key from another device is another key. */
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/checkins", home1, NULL, "bad key!", body, strlen(body), NULL), 400);
}

/* ---- Idempotency-Key still in flight -> 409 ------------------------------------------- */

struct inflight {
    pthread_t th;
    volatile long status; /* 0 until answered */
};

static void *inflight_post(void *arg)
{
    struct inflight *f = arg;
    const char *body = "{\"answer\":\"genki\"}";
    long st =
        ht_req(&T, "POST", "/v1/checkins", home1, NULL, "inflight-1", body, strlen(body), NULL);
    __atomic_store_n(&f->status, st, __ATOMIC_SEQ_CST);
    return NULL;
}

static void t_idempotency_in_flight(void)
{
    int before = count_checkins();
    /* Two requests with one key under way together (the write lock held a moment:
     * SQLite's, or on PostgreSQL a lock on the check-ins): exactly one check-in. The other
     * is answered 409 when its claim meets the first one's in flight, or the stored 201
     * when its claim is behind the first one's work in the writer's queue. */
    struct db *lock = NULL;
    char err[256];
    REQUIRE(db_open(T.db, 0, &lock, err, sizeof err) == DB_OK);
    REQUIRE(db_exec(lock, ht_on_postgres(&T) ? "BEGIN; LOCK TABLE checkins IN EXCLUSIVE MODE"
                                             : "BEGIN IMMEDIATE") == DB_OK);
    struct inflight a = {0}, b = {0};
    pthread_create(&a.th, NULL, inflight_post, &a);
    pthread_create(&b.th, NULL, inflight_post, &b);
    struct timespec hold = {0, 300 * 1000 * 1000};
    nanosleep(&hold, NULL);
    db_rollback(lock);
    db_close(lock);
    pthread_join(a.th, NULL);
    pthread_join(b.th, NULL);
    CHECK(a.status == 201 || b.status == 201);
    CHECK((a.status == 201 || a.status == 409) && (b.status == 201 || b.status == 409));
    CHECK_INT_EQ(count_checkins(), before + 1);
    /* A claim still in flight (as a hub writes it, with its lease; the same caller and body
     * as above): 409. Once its lease has run out (the hub that held it crashed), a retry
     * takes it over and is stored once. */
    const time_t now = 1795392720 + 3600;
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO idempotency_keys(principal, key, body_hash, lease_until, created_unix)"
             " SELECT principal, 'inflight-2', body_hash, %lld, %lld FROM idempotency_keys"
             " WHERE key = 'inflight-1'",
             (long long)now + IDEMPOTENCY_LEASE_S, (long long)now);
    ht_set_clock(&T, now);
    REQUIRE(ht_sql_exec(&T, sql) == 0);
    const char *body = "{\"answer\":\"genki\"}";
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/checkins", home1, NULL, "inflight-2", body, strlen(body), NULL),
        409);
    CHECK_INT_EQ(count_checkins(), before + 1);
    ht_set_clock(&T, now + IDEMPOTENCY_LEASE_S);
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/checkins", home1, NULL, "inflight-2", body, strlen(body), NULL),
        201);
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/checkins", home1, NULL, "inflight-2", body, strlen(body), NULL),
        201);
    CHECK_INT_EQ(count_checkins(), before + 2);
    ht_set_clock(&T, 1795392720);
}

static void t_not_found_and_method(void)
{
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/nothing", NULL, NULL, NULL, &j), 404);
    CHECK_STR_EQ(ht_error_code(j), "not_found");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "DELETE", "/v1/checkins", home1, NULL, NULL, &j), 405);
    CHECK_STR_EQ(ht_error_code(j), "method_not_allowed");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/residents/abc/checkins", fam1, NULL, NULL, &j), 404);
    cJSON_Delete(j);
}

/* An audit write that fails must fail the request, and nothing is stored or released. */
static void t_audit_failure_fails_release(void)
{
    int before = count_checkins();
    long long audit_before = ht_audit_count(&T);
    int pg = ht_on_postgres(&T);
    REQUIRE(ht_sql_exec(&T, pg ? "CREATE FUNCTION test_audit_broken() RETURNS trigger"
                                 " LANGUAGE plpgsql AS $$ BEGIN"
                                 " RAISE EXCEPTION 'audit disk full (test)'; END $$;"
                                 "CREATE TRIGGER test_audit_broken BEFORE INSERT ON audit"
                                 " FOR EACH ROW EXECUTE FUNCTION test_audit_broken()"
                               : "CREATE TRIGGER test_audit_broken BEFORE INSERT ON audit BEGIN"
                                 " SELECT RAISE(ABORT, 'audit disk full (test)'); END;") == 0);
    cJSON *j = NULL;
    char *text = NULL;
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/checkins", home1, NULL, "{\"answer\":\"genki\"}", &j),
                 500);
    CHECK_STR_EQ(ht_error_code(j), "not_stored");
    cJSON_Delete(j);
    char path[64];
    snprintf(path, sizeof path, "/v1/residents/%s/checkins", res1);
    CHECK_INT_EQ(ht_req(&T, "GET", path, fam1, NULL, NULL, NULL, 0, &text), 500);
    CHECK(strstr(text, "\"checkins\"") == NULL);
    free(text);
    REQUIRE(ht_sql_exec(&T, pg ? "DROP TRIGGER test_audit_broken ON audit;"
                                 " DROP FUNCTION test_audit_broken()"
                               : "DROP TRIGGER test_audit_broken") == 0);
    CHECK_INT_EQ(count_checkins(), before);
    CHECK_INT_EQ(ht_audit_count(&T), audit_before);
    /* And the hub works again afterwards. */
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/checkins", home1, NULL, "{\"answer\":\"genki\"}", &j),
                 201);
    cJSON_Delete(j);
}

static void t_restart_keeps_data(void)
{
    int n = count_checkins();
    REQUIRE(n > 0);
    CHECK_INT_EQ(ht_stop(&T), 0);
    REQUIRE(ht_start(&T, "") == 0);
    cJSON *j = NULL;
    char path[64];
    snprintf(path, sizeof path, "/v1/residents/%s/checkins?limit=100", res1);
    CHECK_INT_EQ(ht_json(&T, "GET", path, fam1, NULL, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "checkins")), n);
    cJSON_Delete(j);
    /* The idempotency record survived too. */
    const char *body = "{\"answer\":\"genkinai\"}";
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/checkins", home1, NULL, "tap-2026-11-23-1", body,
                        strlen(body), NULL),
                 201);
    CHECK_INT_EQ(count_checkins(), n);
    CHECK_INT_EQ(ht_ctl(&T, "audit", NULL, 0, "audit-verify"), 0);
}

static void t_plain_http_only_on_loopback(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s --db '%s' --listen 0.0.0.0 --port 0 2>&1", HUBD_PATH, T.db);
    FILE *p = popen(cmd, "r");
    REQUIRE(p != NULL);
    char out[1024] = {0};
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    CHECK(st != 0);
    CHECK(strstr(out, "refusing to serve plain HTTP") != NULL);
}

/* ---- SIGTERM under load: every acknowledged check-in is stored --------------------------- */

#define LOAD_CLIENTS 8

static pthread_mutex_t load_mu = PTHREAD_MUTEX_INITIALIZER;
static int load_acked, load_errors_5xx;

static size_t discard(char *p, size_t sz, size_t n, void *u)
{
    return sz * n;
}

static void *load_client(void *arg)
{
    char url[128], auth[192];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/v1/checkins", T.port);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", home1);
    CURL *h = curl_easy_init();
    struct curl_slist *hdr = curl_slist_append(NULL, auth);
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, "{\"answer\":\"genki\"}");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 20L);
    for (int i = 0; i < 2000; i++) {
        long code = 0;
        if (curl_easy_perform(h) != CURLE_OK)
            break; /* the hub has gone */
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        pthread_mutex_lock(&load_mu);
        if (code == 201)
            load_acked++;
        else if (code != 503)
            load_errors_5xx++;
        pthread_mutex_unlock(&load_mu);
        if (code != 201)
            break;
    }
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    return arg;
}

static void t_sigterm_under_load_loses_nothing(void)
{
    int before = count_checkins();
    pthread_t th[LOAD_CLIENTS];
    for (int i = 0; i < LOAD_CLIENTS; i++)
        pthread_create(&th[i], NULL, load_client, NULL);
    /* Wait for the load to be under way, then stop the hub in the middle of it. */
    for (int spins = 0; spins < 2000; spins++) {
        pthread_mutex_lock(&load_mu);
        int n = load_acked;
        pthread_mutex_unlock(&load_mu);
        if (n >= 200)
            break;
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    CHECK_INT_EQ(ht_stop(&T), 0);
    for (int i = 0; i < LOAD_CLIENTS; i++)
        pthread_join(th[i], NULL);
    CHECK(load_acked >= 200);
    CHECK_INT_EQ(load_errors_5xx, 0);
    /* Exactly the acknowledged ones: none lost, and none stored whose answer was lost. */
    CHECK_INT_EQ(count_checkins() - before, load_acked);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "audit-verify"), 0);
    REQUIRE(ht_start(&T, "") == 0);
}

/* SIGTERM: in-flight work finishes, the process exits 0 (also clean under ASan/LSan). */
static void t_clean_stop(void)
{
    CHECK_INT_EQ(ht_stop(&T), 0);
}

int main(void)
{
    if (ht_init(&T, 1795392720) != 0) { /* 2026-11-23T00:12:00Z */
        fprintf(stderr, "cannot set up the test hub\n");
        return 1;
    }
    int ok = ht_ctl(&T, "resident_id", res1, sizeof res1,
                    "resident-add --name Hanako --district Kita --deadline 10:00") == 0 &&
             ht_ctl(&T, "resident_id", res2, sizeof res2,
                    "resident-add --name Ichiro --district Minami --deadline 09:00") == 0;
    char args[256];
    snprintf(args, sizeof args, "device-add --kind home --resident %s", res1);
    ok = ok && ht_ctl(&T, "token", home1, sizeof home1, args) == 0;
    ok = ok && ht_ctl(&T, "token", public1, sizeof public1, "device-add --kind public") == 0;
    snprintf(args, sizeof args, "family-add --name Taro --resident %s", res1);
    ok = ok && ht_ctl(&T, "token", fam1, sizeof fam1, args) == 0;
    snprintf(args, sizeof args, "family-add --name Jiro --resident %s", res2);
    ok = ok && ht_ctl(&T, "token", fam2, sizeof fam2, args) == 0;
    if (ht_start_enrolled(&T, ok, "") != 0)
        return 1;
    TEST_RUN(t_health);
    TEST_RUN(t_checkin_stored_and_audited);
    TEST_RUN(t_missing_or_wrong_token);
    TEST_RUN(t_malformed_json);
    TEST_RUN(t_oversized_body);
    TEST_RUN(t_family_other_resident);
    TEST_RUN(t_list_limit);
    TEST_RUN(t_public_device_cannot_checkin);
    TEST_RUN(t_me);
    TEST_RUN(t_idempotency);
    TEST_RUN(t_idempotency_in_flight);
    TEST_RUN(t_not_found_and_method);
    TEST_RUN(t_audit_failure_fails_release);
    TEST_RUN(t_restart_keeps_data);
    TEST_RUN(t_sigterm_under_load_loses_nothing);
    TEST_RUN(t_plain_http_only_on_loopback);
    TEST_RUN(t_clean_stop);
    ht_cleanup(&T);
    return test_summary();
}
