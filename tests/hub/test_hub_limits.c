/*
 * test_hub_limits.c: limits that keep one client from filling the hub, through the real
 * hubd. Card login challenges per device (a burst of 10, then 429 with Retry-After and
 * words, and no row stored); refused authorizations per client address (30, then 429,
 * while a valid token from the same address still works); acknowledgement codes (no token)
 * per client address (10, then 429, another address served); and with less free disk space
 * than --min-free-mb, new low-priority work refused with 507 in words while help calls and
 * check-ins are still taken. A body over its cap: read and thrown away before the 413 (so the
 * words reach the client, not a reset), refused at once when the client waits for 100
 * Continue or declares more than the hub reads.
 */
#include "hubtest.h"
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static struct hubtest T;
static char home1[128], public1[128];

/* One raw HTTP/1.0 POST of body (may be "") from the loopback address from (127.0.0.x) to
 * the hub, with a bearer token unless NULL; the whole answer (headers and body) into out. */
static long raw_post_from(const char *from, const char *path, const char *token, const char *body,
                          char *out, size_t cap)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)T.port)};
    struct sockaddr_in src = {.sin_family = AF_INET};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    inet_pton(AF_INET, from, &src.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval tv = {10, 0};
    long status = 0;
    out[0] = '\0';
    if (fd < 0)
        return 0;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char req[768], auth[256] = "";
    if (token)
        snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", token);
    int n = snprintf(req, sizeof req,
                     "POST %s HTTP/1.0\r\nHost: 127.0.0.1\r\n%sContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n%s",
                     path, auth, strlen(body), body);
    size_t got = 0;
    if (bind(fd, (struct sockaddr *)&src, sizeof src) == 0 &&
        connect(fd, (struct sockaddr *)&a, sizeof a) == 0 && send(fd, req, (size_t)n, 0) == n) {
        ssize_t k;
        while (got + 1 < cap && (k = recv(fd, out + got, cap - 1 - got, 0)) > 0)
            got += (size_t)k;
    }
    out[got] = '\0';
    close(fd);
    if (sscanf(out, "HTTP/1.%*d %ld", &status) != 1)
        status = 0;
    return status;
}

/* One raw HTTP/1.0 POST without a body from 127.0.0.1 (see raw_post_from). */
static long raw_post(const char *path, const char *token, char *out, size_t cap)
{
    return raw_post_from("127.0.0.1", path, token, "", out, cap);
}

static void t_challenges_limited_per_device(void)
{
    char ans[4096];
    long long before = ht_sql_int(&T, "SELECT COUNT(*) FROM challenges");
    for (int i = 0; i < 10; i++)
        CHECK_INT_EQ(raw_post("/v1/auth/challenge", public1, ans, sizeof ans), 201);
    CHECK_INT_EQ(raw_post("/v1/auth/challenge", public1, ans, sizeof ans), 429);
    CHECK(strstr(ans, "Retry-After: ") != NULL);
    CHECK(strstr(ans, "too_many_requests") != NULL);
    CHECK(strstr(ans, "wait") != NULL);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM challenges"), before + 10);
    /* Another device is not held up by this one. */
    CHECK_INT_EQ(raw_post("/v1/auth/challenge", home1, ans, sizeof ans), 201);
}

static void t_refusals_limited_per_address(void)
{
    char ans[4096];
    int n401 = 0, n429 = 0;
    for (int i = 0; i < 40; i++) {
        long st = raw_post("/v1/checkins", "not-a-token", ans, sizeof ans);
        n401 += st == 401;
        n429 += st == 429;
    }
    /* a burst of 30 (a refill of one a second may let one or two more through) */
    CHECK(n401 >= 30 && n401 <= 33);
    CHECK_INT_EQ(n401 + n429, 40);
    CHECK(strstr(ans, "too_many_failures") != NULL);
    CHECK(strstr(ans, "Retry-After: ") != NULL);
    /* a device with its own valid token, from the same address, is served */
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/checkins", home1, NULL, NULL, "{\"answer\":\"genki\"}", 18, NULL),
        201);
}

/* The tokenless acknowledgement by code: 10 codes a minute from one address (a burst of
 * 10), then 429 with Retry-After and words, before the code is even looked up; another
 * address is served. */
static void t_ack_codes_limited_per_address(void)
{
    char ans[4096];
    static const char code[] = "{\"code\":\"AAAA-AAAA-AAAA-AAAA\"}";
    long long audit = ht_audit_count(&T);
    int n404 = 0, n429 = 0;
    for (int i = 0; i < 12; i++) {
        long st = raw_post_from("127.0.0.3", "/v1/notify/ack", NULL, code, ans, sizeof ans);
        n404 += st == 404;
        n429 += st == 429;
    }
    /* a burst of 10 (a refill of one each 6 s may let one more through) */
    CHECK(n404 >= 10 && n404 <= 11);
    CHECK_INT_EQ(n404 + n429, 12);
    CHECK_INT_EQ(raw_post_from("127.0.0.3", "/v1/notify/ack", NULL, code, ans, sizeof ans), 429);
    CHECK(strstr(ans, "Retry-After: ") != NULL);
    CHECK(strstr(ans, "too_many_requests") != NULL);
    CHECK(strstr(ans, "acknowledgement codes") != NULL && strstr(ans, "wait") != NULL);
    /* not a refusal of a token: the address's allowance for tokens is untouched */
    CHECK(strstr(ans, "too_many_failures") == NULL);
    /* another address is served (the code is unknown: 404) */
    CHECK_INT_EQ(raw_post_from("127.0.0.4", "/v1/notify/ack", NULL, code, ans, sizeof ans), 404);
    CHECK(strstr(ans, "No message has this code") != NULL);
    CHECK_INT_EQ(ht_audit_count(&T), audit);
}

/* A connection from 127.0.0.5 that has sent a POST's head (extra holds more header lines);
 * -1 when it cannot be made. */
static int raw_head(const char *path, size_t length, const char *extra)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)T.port)};
    struct sockaddr_in src = {.sin_family = AF_INET};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    inet_pton(AF_INET, "127.0.0.5", &src.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    char req[768];
    int n = snprintf(req, sizeof req,
                     "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n%s\r\n",
                     path, home1, length, extra);
    if (bind(fd, (struct sockaddr *)&src, sizeof src) != 0 ||
        connect(fd, (struct sockaddr *)&a, sizeof a) != 0 || send(fd, req, (size_t)n, 0) != n) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Whether fd has something to read (an answer, or the end) within ms. */
static int answered_within(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, ms) == 1;
}

/* The answer on fd up to the end of the connection, into out. */
static void read_answer(int fd, char *out, size_t cap)
{
    size_t got = 0;
    ssize_t k;
    while (got + 1 < cap && (k = recv(fd, out + got, cap - 1 - got, 0)) > 0)
        got += (size_t)k;
    out[got] = '\0';
}

static void t_oversized_body_read_before_the_refusal(void)
{
    enum { LEN = 200 * 1024 }; /* over the 64 KiB cap of a check-in */
    char ans[4096];
    int fd = raw_head("/v1/checkins", LEN, "Connection: close\r\n");
    REQUIRE(fd >= 0);
    /* Nothing is answered while the body is still to come: an answer now, then a close
     * with the body unread, would reach a client as a reset instead. */
    CHECK(!answered_within(fd, 300));
    static char body[LEN];
    memset(body, ' ', sizeof body);
    size_t sent = 0;
    ssize_t k;
    while (sent < sizeof body && (k = send(fd, body + sent, sizeof body - sent, 0)) > 0)
        sent += (size_t)k;
    CHECK_INT_EQ((long long)sent, LEN);
    read_answer(fd, ans, sizeof ans);
    close(fd);
    CHECK(strncmp(ans, "HTTP/1.1 413", 12) == 0);
    CHECK(strstr(ans, "body_too_large") != NULL);
    CHECK(strstr(ans, "larger than 65536 bytes") != NULL);
}

static void t_oversized_body_refused_at_once_when_it_would_waste(void)
{
    char ans[4096];
    /* The client waits for 100 Continue: the refusal comes instead, and the body is never
     * sent. */
    int fd = raw_head("/v1/checkins", 200 * 1024, "Expect: 100-continue\r\n");
    REQUIRE(fd >= 0);
    CHECK(answered_within(fd, 10000));
    read_answer(fd, ans, sizeof ans);
    close(fd);
    CHECK(strncmp(ans, "HTTP/1.1 413", 12) == 0);
    CHECK(strstr(ans, "100 Continue") == NULL);
    CHECK(strstr(ans, "body_too_large") != NULL);
    /* More than the hub would read to throw away: answered at once, not read. */
    fd = raw_head("/v1/checkins", 1024u * 1024 * 1024, "");
    REQUIRE(fd >= 0);
    CHECK(answered_within(fd, 10000));
    read_answer(fd, ans, sizeof ans);
    close(fd);
    CHECK(strncmp(ans, "HTTP/1.1 413", 12) == 0);
    CHECK(strstr(ans, "body_too_large") != NULL);
}

static void t_low_disk_refuses_low_priority_only(void)
{
    REQUIRE(ht_stop(&T) == 0);
    /* more free space than any disk here has: the hub counts as nearly full (measured in
     * the test's directory, which on PostgreSQL stands for the server's data directory) */
    char args[256];
    snprintf(args, sizeof args, "--min-free-mb 1000000000 --free-space-path %s", T.dir);
    REQUIRE(ht_start(&T, args) == 0);
    char *text = NULL;
    long long acts = ht_sql_int(&T, "SELECT COUNT(*) FROM activity");
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/activity", home1, NULL, NULL, "{\"kind\":\"touch\"}", 16, &text),
        507);
    CHECK(text && strstr(text, "insufficient_storage") && strstr(text, "disk space"));
    free(text);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM activity"), acts);
    long long alerts = ht_sql_int(&T, "SELECT COUNT(*) FROM alerts");
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/help", home1, NULL, NULL, "{}", 2, NULL), 201);
    CHECK(ht_sql_int(&T, "SELECT COUNT(*) FROM alerts") > alerts);
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/checkins", home1, NULL, NULL, "{\"answer\":\"genki\"}", 18, NULL),
        201);
    /* room again (0 = no check): taken */
    REQUIRE(ht_stop(&T) == 0);
    REQUIRE(ht_start(&T, "--min-free-mb 0") == 0);
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/activity", home1, NULL, NULL, "{\"kind\":\"touch\"}", 16, NULL),
        201);
}

int main(void)
{
    if (ht_init(&T, 1795392720) != 0) {
        fprintf(stderr, "cannot set up the test hub\n");
        return 1;
    }
    int ok = ht_enrol_home(&T, home1, sizeof home1) == 0;
    ok = ok && ht_ctl(&T, "token", public1, sizeof public1, "device-add --kind public") == 0;
    if (ht_start_enrolled(&T, ok, "--login-rate 6") != 0)
        return 1;
    TEST_RUN(t_challenges_limited_per_device);
    TEST_RUN(t_refusals_limited_per_address);
    TEST_RUN(t_ack_codes_limited_per_address);
    TEST_RUN(t_oversized_body_read_before_the_refusal);
    TEST_RUN(t_oversized_body_refused_at_once_when_it_would_waste);
    TEST_RUN(t_low_disk_refuses_low_priority_only);
    CHECK_INT_EQ(ht_stop(&T), 0);
    ht_cleanup(&T);
    return test_summary();
}
