/*
 * test_hubclient: the hub client over real sockets against test_server_lmhd on 127.0.0.1
 * (plain HTTP and TLS with certificates the test makes): answers, headers, keep-alive,
 * refused connections, timeouts, oversized answers, closed connections, the http-only-on-
 * loopback rule, certificate checks, the bounded queue and a prompt destroy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hubclient.h"
#include "net_testutil.h"
#include "test.h"
#include "test_server_lmhd.h"

static char dir[512];
static char ca_ok[700], ca_other[700], crt_ok[700], key_ok[700], crt_wrong[700], key_wrong[700];

static void on_done(void *ctx, struct hubc_result *res)
{
    tu_box_put(ctx, res);
}

static void free_res(void *p)
{
    hubc_result_free(p);
}

static struct hubc *client(const char *url, const char *ca, long timeout_ms, struct tu_box *box)
{
    struct hubc_config cfg = {
        .base_url = url, .token = "dev-token-123", .ca_file = ca, .timeout_ms = timeout_ms};
    return hubc_create(&cfg, on_done, box);
}

static void t_get_and_post(void)
{
    struct tsrv *srv = tsrv_start(0, NULL, NULL);
    struct tu_box *box = tu_box_create();
    char url[64], auth[128];
    struct hubc *c;
    struct hubc_result *r;
    uint32_t id1, id2;

    REQUIRE(srv && box);
    snprintf(url, sizeof url, "http://127.0.0.1:%u/", tsrv_port(srv)); /* trailing / is ok */
    c = client(url, NULL, 5000, box);
    REQUIRE(c != NULL);
    id1 = hubc_submit(c, HUBC_GET, "/v1/health", NULL, NULL, NULL, 7);
    CHECK(id1 != 0);
    r = tu_box_get(box, 5000);
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->id, id1);
    CHECK_INT_EQ(r->tag, 7);
    CHECK_INT_EQ(r->err, HUBC_OK);
    CHECK_INT_EQ(r->status, 200);
    CHECK(strstr(r->body, "\"ok\"") != NULL);
    hubc_result_free(r);
    tsrv_last_auth(srv, auth, sizeof auth);
    CHECK_STR_EQ(auth, "Bearer dev-token-123");

    id2 = hubc_submit(c, HUBC_POST, "/v1/checkins", "{\"answer\":\"genki\"}", "key-abc_1", NULL, 8);
    CHECK(id2 != 0 && id2 != id1);
    r = tu_box_get(box, 5000);
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->err, HUBC_OK);
    CHECK_INT_EQ(r->status, 201);
    CHECK_STR_EQ(r->body, "{\"checkin\":{\"id\":1}}");
    CHECK_STR_EQ(r->errmsg, "");
    hubc_result_free(r);
    CHECK_INT_EQ(tsrv_key_executions(srv, "key-abc_1"), 1);

    /* The hub's 4xx is an answer (HUBC_OK), with its body for the caller to read. */
    tsrv_set_mode(srv, TSRV_REJECT, 0);
    hubc_submit(c, HUBC_POST, "/v1/checkins", "{\"answer\":\"x\"}", "key-2", NULL, 9);
    r = tu_box_get(box, 5000);
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->err, HUBC_OK);
    CHECK_INT_EQ(r->status, 422);
    CHECK(strstr(r->body, "answer must be") != NULL);
    hubc_result_free(r);

    hubc_destroy(c);
    hubc_destroy(NULL);
    tu_box_destroy(box, free_res);
    tsrv_stop(srv);
}

/* Several requests in a row travel over one kept-alive connection. */
static void t_keepalive(void)
{
    struct tsrv *srv = tsrv_start(0, NULL, NULL);
    struct tu_box *box = tu_box_create();
    char url[64];
    struct hubc *c;

    REQUIRE(srv && box);
    snprintf(url, sizeof url, "http://127.0.0.1:%u", tsrv_port(srv));
    c = client(url, NULL, 5000, box);
    REQUIRE(c != NULL);
    for (int i = 0; i < 5; i++) {
        struct hubc_result *r;
        hubc_submit(c, HUBC_GET, "/v1/health", NULL, NULL, NULL, 0);
        r = tu_box_get(box, 5000);
        REQUIRE(r != NULL);
        CHECK_INT_EQ(r->status, 200);
        hubc_result_free(r);
    }
    CHECK_INT_EQ(tsrv_requests(srv), 5);
    CHECK_INT_EQ(tsrv_connections(srv), 1);
    hubc_destroy(c);
    tu_box_destroy(box, free_res);
    tsrv_stop(srv);
}

static void t_refused(void)
{
    struct tsrv *srv = tsrv_start(0, NULL, NULL);
    struct tu_box *box = tu_box_create();
    char url[64];
    struct hubc *c;
    struct hubc_result *r;
    int64_t t0;

    REQUIRE(srv && box);
    /* A port that just had a server and now has none. */
    snprintf(url, sizeof url, "http://127.0.0.1:%u", tsrv_port(srv));
    tsrv_stop(srv);
    c = client(url, NULL, 5000, box);
    REQUIRE(c != NULL);
    t0 = tu_now_ms();
    hubc_submit(c, HUBC_POST, "/v1/checkins", "{}", "k1", NULL, 0);
    r = tu_box_get(box, 5000);
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->err, HUBC_E_CONNECT);
    CHECK_INT_EQ(r->status, 0);
    CHECK_STR_EQ(r->body, "");
    CHECK(strlen(r->errmsg) > 0); /* libcurl's words, e.g. "Failed to connect to ..." */
    CHECK(tu_now_ms() - t0 < 1000);
    fprintf(stderr, "  refused: %s\n", r->errmsg);
    hubc_result_free(r);
    hubc_destroy(c);
    tu_box_destroy(box, free_res);
}

static void t_timeout(void)
{
    struct tsrv *srv = tsrv_start(0, NULL, NULL);
    struct tu_box *box = tu_box_create();
    char url[64];
    struct hubc *c;
    struct hubc_result *r;
    int64_t t0, dt;

    REQUIRE(srv && box);
    tsrv_set_mode(srv, TSRV_SLOW, 3000);
    snprintf(url, sizeof url, "http://127.0.0.1:%u", tsrv_port(srv));
    c = client(url, NULL, 300, box);
    REQUIRE(c != NULL);
    t0 = tu_now_ms();
    hubc_submit(c, HUBC_GET, "/v1/health", NULL, NULL, NULL, 0);
    r = tu_box_get(box, 5000);
    dt = tu_now_ms() - t0;
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->err, HUBC_E_TIMEOUT);
    CHECK(dt >= 250 && dt < 1500);
    CHECK(strlen(r->errmsg) > 0);
    fprintf(stderr, "  timeout after %lld ms: %s\n", (long long)dt, r->errmsg);
    hubc_result_free(r);
    hubc_destroy(c);
    tu_box_destroy(box, free_res);
    tsrv_stop(srv);
}

static void t_toobig_and_close(void)
{
    struct tsrv *srv = tsrv_start(0, NULL, NULL);
    struct tu_box *box = tu_box_create();
    char url[64];
    struct hubc *c;
    struct hubc_result *r;

    REQUIRE(srv && box);
    snprintf(url, sizeof url, "http://127.0.0.1:%u", tsrv_port(srv));
    c = client(url, NULL, 5000, box);
    REQUIRE(c != NULL);

    tsrv_set_mode(srv, TSRV_BIG, 0);
    tsrv_set_big_bytes(srv, 2 * 1024 * 1024);
    hubc_submit(c, HUBC_GET, "/v1/health", NULL, NULL, NULL, 0);
    r = tu_box_get(box, 5000);
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->err, HUBC_E_TOOBIG);
    CHECK_STR_EQ(r->body, "");
    hubc_result_free(r);

    /* Exactly at the cap is fine. */
    tsrv_set_big_bytes(srv, 1024 * 1024);
    hubc_submit(c, HUBC_GET, "/v1/health", NULL, NULL, NULL, 0);
    r = tu_box_get(box, 5000);
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->err, HUBC_OK);
    CHECK_INT_EQ(strlen(r->body), 1024 * 1024);
    hubc_result_free(r);

    /* The server hangs up without a word: the hub was not reachable, not "answered". */
    tsrv_set_mode(srv, TSRV_CLOSE, 0);
    hubc_submit(c, HUBC_POST, "/v1/checkins", "{}", "kclose", NULL, 0);
    r = tu_box_get(box, 5000);
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->err, HUBC_E_CONNECT);
    fprintf(stderr, "  closed: %s\n", r->errmsg);
    hubc_result_free(r);

    hubc_destroy(c);
    tu_box_destroy(box, free_res);
    tsrv_stop(srv);
}

/* Plain http to anything but loopback is refused before any socket is opened. */
static void t_insecure(void)
{
    struct tsrv *srv = tsrv_start(0, NULL, NULL);
    struct tu_box *box = tu_box_create();
    char url[80];
    struct hubc *c;
    struct hubc_result *r;
    int64_t t0;
    static const char *bad_hosts[] = {"203.0.113.9", "hub.example", "[::ffff:127.0.0.1]",
                                      "[2001:db8::1]"};

    REQUIRE(srv && box);
    for (size_t i = 0; i < sizeof bad_hosts / sizeof bad_hosts[0]; i++) {
        snprintf(url, sizeof url, "http://%s:%u", bad_hosts[i], tsrv_port(srv));
        c = client(url, NULL, 5000, box);
        REQUIRE(c != NULL);
        t0 = tu_now_ms();
        CHECK(hubc_submit(c, HUBC_POST, "/v1/checkins", "{}", "k", NULL, 0) != 0);
        r = tu_box_get(box, 5000);
        REQUIRE(r != NULL);
        CHECK_INT_EQ(r->err, HUBC_E_INSECURE);
        CHECK(strstr(r->errmsg, "https") != NULL);
        /* Refused at once (a connect to 203.0.113.9 could hang up to the 5 s timeout). */
        CHECK(tu_now_ms() - t0 < 1000);
        hubc_result_free(r);
        hubc_destroy(c);
    }
    /* [::ffff:127.0.0.1] reaches this very server if connected to: it saw nothing. */
    CHECK_INT_EQ(tsrv_connections(srv), 0);

    /* Loopback spellings are accepted. */
    static const char *good_hosts[] = {"localhost", "127.0.0.1", "127.0.0.1"};
    for (size_t i = 0; i < sizeof good_hosts / sizeof good_hosts[0]; i++) {
        snprintf(url, sizeof url, "http://%s:%u", good_hosts[i], tsrv_port(srv));
        c = client(url, NULL, 5000, box);
        REQUIRE(c != NULL);
        hubc_submit(c, HUBC_GET, "/v1/health", NULL, NULL, NULL, 0);
        r = tu_box_get(box, 5000);
        REQUIRE(r != NULL);
        CHECK_INT_EQ(r->err, HUBC_OK);
        hubc_result_free(r);
        hubc_destroy(c);
    }
    /* Other schemes are refused too. */
    c = client("ftp://127.0.0.1:21", NULL, 5000, box);
    REQUIRE(c != NULL);
    hubc_submit(c, HUBC_GET, "/x", NULL, NULL, NULL, 0);
    r = tu_box_get(box, 5000);
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->err, HUBC_E_INSECURE);
    hubc_result_free(r);
    hubc_destroy(c);

    tu_box_destroy(box, free_res);
    tsrv_stop(srv);
}

static void t_bad_request_values(void)
{
    struct tsrv *srv = tsrv_start(0, NULL, NULL);
    struct tu_box *box = tu_box_create();
    char url[64];
    struct hubc *c;
    struct hubc_result *r;

    REQUIRE(srv && box);
    snprintf(url, sizeof url, "http://127.0.0.1:%u", tsrv_port(srv));
    c = client(url, NULL, 5000, box);
    REQUIRE(c != NULL);
    CHECK_INT_EQ(hubc_submit(c, HUBC_GET, NULL, NULL, NULL, NULL, 0), 0);
    /* Header injection through the key or a path without '/' never reaches the wire. */
    hubc_submit(c, HUBC_POST, "/v1/checkins", "{}", "k\r\nX-Evil: 1", NULL, 0);
    hubc_submit(c, HUBC_GET, "v1/health", NULL, NULL, NULL, 0);
    hubc_submit(c, HUBC_GET, "/v1/health x", NULL, NULL, NULL, 0);
    /* Keys outside the hub's rule (1-64 of [A-Za-z0-9_-]) are refused before sending. */
    hubc_submit(c, HUBC_POST, "/v1/checkins", "{}", "bad.key", NULL, 0);
    hubc_submit(c, HUBC_POST, "/v1/checkins", "{}",
                "k1234567890123456789012345678901234567890123456789012345678901234", NULL, 0);
    for (int i = 0; i < 5; i++) {
        r = tu_box_get(box, 5000);
        REQUIRE(r != NULL);
        CHECK_INT_EQ(r->err, HUBC_E_INTERNAL);
        CHECK(strlen(r->errmsg) > 0);
        hubc_result_free(r);
    }
    CHECK_INT_EQ(tsrv_requests(srv), 0);
    hubc_destroy(c);
    tu_box_destroy(box, free_res);
    tsrv_stop(srv);
}

static void t_tls(void)
{
    struct tsrv *srv = tsrv_start(0, crt_ok, key_ok);
    struct tsrv *wrong = tsrv_start(0, crt_wrong, key_wrong);
    struct tu_box *box = tu_box_create();
    char url[64];
    struct hubc *c;
    struct hubc_result *r;

    REQUIRE(srv && wrong && box);
    /* Trusted CA: the answer comes back, twice over one connection. */
    snprintf(url, sizeof url, "https://127.0.0.1:%u", tsrv_port(srv));
    c = client(url, ca_ok, 5000, box);
    REQUIRE(c != NULL);
    for (int i = 0; i < 2; i++) {
        hubc_submit(c, HUBC_POST, "/v1/checkins", "{}", i ? "tls-k2" : "tls-k1", NULL, 0);
        r = tu_box_get(box, 5000);
        REQUIRE(r != NULL);
        CHECK_INT_EQ(r->err, HUBC_OK);
        CHECK_INT_EQ(r->status, 201);
        if (r->err != HUBC_OK) {
            fprintf(stderr, "  tls: %s\n", r->errmsg);
        }
        hubc_result_free(r);
    }
    CHECK_INT_EQ(tsrv_connections(srv), 1);
    CHECK_INT_EQ(tsrv_executions(srv), 2);
    hubc_destroy(c);

    /* Same server, another CA in ca_file: refused, nothing executed. */
    c = client(url, ca_other, 5000, box);
    REQUIRE(c != NULL);
    hubc_submit(c, HUBC_POST, "/v1/checkins", "{}", "tls-k3", NULL, 0);
    r = tu_box_get(box, 5000);
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->err, HUBC_E_TLS);
    CHECK(strlen(r->errmsg) > 0);
    fprintf(stderr, "  other CA: %s\n", r->errmsg);
    hubc_result_free(r);
    hubc_destroy(c);
    CHECK_INT_EQ(tsrv_executions(srv), 2);

    /* A certificate from the trusted file but for another name: host check fails. */
    snprintf(url, sizeof url, "https://127.0.0.1:%u", tsrv_port(wrong));
    c = client(url, crt_wrong, 5000, box);
    REQUIRE(c != NULL);
    hubc_submit(c, HUBC_GET, "/v1/health", NULL, NULL, NULL, 0);
    r = tu_box_get(box, 5000);
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->err, HUBC_E_TLS);
    fprintf(stderr, "  wrong name: %s\n", r->errmsg);
    hubc_result_free(r);
    hubc_destroy(c);
    CHECK_INT_EQ(tsrv_requests(wrong), 0);

    /* No ca_file: the system store does not know the test CA. */
    snprintf(url, sizeof url, "https://127.0.0.1:%u", tsrv_port(srv));
    c = client(url, NULL, 5000, box);
    REQUIRE(c != NULL);
    hubc_submit(c, HUBC_GET, "/v1/health", NULL, NULL, NULL, 0);
    r = tu_box_get(box, 5000);
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->err, HUBC_E_TLS);
    hubc_result_free(r);
    hubc_destroy(c);

    tu_box_destroy(box, free_res);
    tsrv_stop(wrong);
    tsrv_stop(srv);
}

/* destroy neither waits for a slow hub nor loses track: in-flight and queued requests are
 * reported as abandoned before it returns. */
static void t_destroy_prompt(void)
{
    struct tsrv *srv = tsrv_start(0, NULL, NULL);
    struct tu_box *box = tu_box_create();
    char url[64];
    struct hubc *c;
    int64_t t0, dt;
    size_t n;

    REQUIRE(srv && box);
    tsrv_set_mode(srv, TSRV_SLOW, 10000);
    snprintf(url, sizeof url, "http://127.0.0.1:%u", tsrv_port(srv));
    c = client(url, NULL, 30000, box);
    REQUIRE(c != NULL);
    for (int i = 0; i < 3; i++) {
        CHECK(hubc_submit(c, HUBC_GET, "/v1/health", NULL, NULL, NULL, 0) != 0);
    }
    tu_sleep_ms(200); /* let them reach the server */
    CHECK(tsrv_requests(srv) >= 1);
    t0 = tu_now_ms();
    hubc_destroy(c);
    dt = tu_now_ms() - t0;
    CHECK(dt < 1000);
    fprintf(stderr, "  destroy with 3 slow requests: %lld ms\n", (long long)dt);
    n = tu_box_count(box);
    CHECK_INT_EQ(n, 3);
    for (size_t i = 0; i < n; i++) {
        struct hubc_result *r = tu_box_get(box, 0);
        REQUIRE(r != NULL);
        CHECK_INT_EQ(r->err, HUBC_E_INTERNAL);
        hubc_result_free(r);
    }
    tu_box_destroy(box, free_res);
    tsrv_stop(srv);
}

/* The queue is bounded: submit says no instead of growing or blocking. */
static void t_queue_bounded(void)
{
    struct tsrv *srv = tsrv_start(0, NULL, NULL);
    struct tu_box *box = tu_box_create();
    char url[64];
    struct hubc *c;
    unsigned accepted = 0;
    int64_t t0;

    REQUIRE(srv && box);
    tsrv_set_mode(srv, TSRV_SLOW, 5000);
    snprintf(url, sizeof url, "http://127.0.0.1:%u", tsrv_port(srv));
    c = client(url, NULL, 30000, box);
    REQUIRE(c != NULL);
    t0 = tu_now_ms();
    for (int i = 0; i < 200; i++) {
        if (hubc_submit(c, HUBC_GET, "/v1/health", NULL, NULL, NULL, 0) != 0) {
            accepted++;
        }
    }
    CHECK(tu_now_ms() - t0 < 1000);
    CHECK(accepted >= 1 && accepted < 200);
    fprintf(stderr, "  accepted %u of 200\n", accepted);
    hubc_destroy(c);
    CHECK_INT_EQ(tu_box_count(box), accepted);
    tu_box_destroy(box, free_res);
    tsrv_stop(srv);
}

int main(void)
{
    int rc;

    if (!tu_mkdtemp(dir, sizeof dir)) {
        fprintf(stderr, "cannot make a temp dir\n");
        return 1;
    }
    snprintf(ca_ok, sizeof ca_ok, "%s/hub.crt", dir);
    snprintf(crt_ok, sizeof crt_ok, "%s/hub.crt", dir);
    snprintf(key_ok, sizeof key_ok, "%s/hub.key", dir);
    snprintf(ca_other, sizeof ca_other, "%s/other.crt", dir);
    snprintf(crt_wrong, sizeof crt_wrong, "%s/wrong.crt", dir);
    snprintf(key_wrong, sizeof key_wrong, "%s/wrong.key", dir);
    if (!tu_make_cert(dir, "hub", "IP:127.0.0.1,DNS:localhost") ||
        !tu_make_cert(dir, "other", "IP:127.0.0.1,DNS:localhost") ||
        !tu_make_cert(dir, "wrong", "DNS:other.example")) {
        fprintf(stderr, "openssl could not make the test certificates\n");
        tu_rmdir(dir);
        return 1;
    }
    TEST_RUN(t_get_and_post);
    TEST_RUN(t_keepalive);
    TEST_RUN(t_refused);
    TEST_RUN(t_timeout);
    TEST_RUN(t_toobig_and_close);
    TEST_RUN(t_insecure);
    TEST_RUN(t_bad_request_values);
    TEST_RUN(t_tls);
    TEST_RUN(t_destroy_prompt);
    TEST_RUN(t_queue_bounded);
    rc = test_summary();
    tu_rmdir(dir);
    return rc;
}
