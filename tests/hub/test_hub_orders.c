/*
 * test_hub_orders.c: black-box tests of shopping orders and family requests
 * against the real hubd, hubctl and the real webhook receiver tools/opreceiver, all on
 * 127.0.0.1: catalogues with pictures; Idempotency-Key semantics over HTTP; the operator's
 * view with exactly the listed keys, with and without the address consent, and pseudonyms
 * per operator; pull with lease expiry and redelivery; signed webhooks to a receiver that
 * fails first and to one that is down and comes up later (the hub clock moves through the
 * back-off, nothing sleeps for it); status from the operator back to the resident's list;
 * a family request round trip; an address consent revoked while a delivery is pending.
 */
#include "hubtest.h"
#include "idempotency.h"
#include "test.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

static struct hubtest T;
static char ca[96];
static char home1[128], home2[128], kiosk[128], fam1[128], fam2[128];
static char op1[128], op2[128], op3[128], session1[128], session3[128];
static time_t NOW;
static pid_t recv_a, recv_c;
static unsigned port_a, port_c;
static char log_a[160], log_c[160];

static const char ORDER[] =
    "{\"items\":[{\"id\":\"cabbage\",\"qty\":2},{\"id\":\"milk\",\"qty\":1}],"
    "\"slot\":\"2099-11-24T15:00/17:00\","
    "\"payment_method\":\"cash_on_delivery\"}";
static const char ORDER2[] = "{\"items\":[{\"id\":\"tofu\",\"qty\":3}],"
                             "\"slot\":\"2099-11-25T10:00/12:00\",\"payment_method\":\"invoice\"}";

static void advance(long s)
{
    NOW += s;
    ht_set_clock(&T, NOW);
}

/* Starts opreceiver verifying with secret (port 0 = ephemeral); returns its pid and the
 * port it listens on. */
static pid_t start_receiver_with(const char *secret, unsigned want, int fail_first, const char *log,
                                 unsigned *port)
{
    char cmd[768], line[256];
    snprintf(cmd, sizeof cmd,
             "exec %s --secret %s --port %u --fail-first %d --tolerance 100000000 --log %s",
             OPRECEIVER_PATH, secret, want, fail_first, log);
    pid_t pid = ht_spawn(cmd, line, sizeof line);
    if (pid > 0 && sscanf(line, "listening 127.0.0.1:%u", port) != 1) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        return -1;
    }
    return pid;
}

static pid_t start_receiver(unsigned want, int fail_first, const char *log, unsigned *port)
{
    return start_receiver_with(SECRET, want, fail_first, log, port);
}

static void stop_receiver(pid_t *pid)
{
    if (*pid > 0) {
        kill(*pid, SIGTERM);
        waitpid(*pid, NULL, 0);
    }
    *pid = 0;
}

/* Waits (real time, up to ms) until file has at least n lines starting with prefix. */
static int wait_lines(const char *file, const char *prefix, int n, int ms)
{
    for (int waited = 0; waited <= ms; waited += 50) {
        if (ht_file_lines(file, prefix) >= n)
            return 1;
        usleep(50 * 1000);
    }
    return 0;
}

/* Places ORDER-like body for operator op with token (and session), key; returns status. */
static long place(int op, const char *token, const char *session, const char *key, const char *body,
                  cJSON **j)
{
    char path[64], *text = NULL;
    snprintf(path, sizeof path, "/v1/operators/%d/orders", op);
    long st = ht_req(&T, "POST", path, token, session, key, body, strlen(body), &text);
    *j = text ? cJSON_Parse(text) : NULL;
    free(text);
    return st;
}

static long long order_id(const cJSON *j)
{
    return (long long)cJSON_GetObjectItem(cJSON_GetObjectItem(j, "order"), "id")->valuedouble;
}

/* Pulls for an operator/family token; returns the parsed answer. */
static cJSON *pull(const char *token, const char *path)
{
    cJSON *j = NULL;
    if (ht_json(&T, "GET", path, token, NULL, NULL, &j) != 200) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

/* 1 if obj has exactly the keys in want (NULL-terminated). */
static int exact_keys(const cJSON *obj, const char *const *want)
{
    int n = 0, w = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, obj)
    {
        n++;
        int found = 0;
        for (int i = 0; want[i]; i++)
            found |= strcmp(e->string, want[i]) == 0;
        if (!found) {
            fprintf(stderr, "unexpected key %s\n", e->string);
            return 0;
        }
    }
    while (want[w])
        w++;
    return n == w;
}

static void t_catalogue_with_pictures(void)
{
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/operators", home1, NULL, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "operators")), 3);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/operators/1/catalogue", kiosk, NULL, NULL, &j), 200);
    const cJSON *cat = cJSON_GetObjectItem(j, "catalogue");
    CHECK_STR_EQ(cJSON_GetObjectItem(cat, "format")->valuestring, "kiosk-catalogue/1");
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(cat, "items")), 8);
    const cJSON *item0 = cJSON_GetArrayItem(cJSON_GetObjectItem(cat, "items"), 0);
    const cJSON *pic = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "pictures"),
                                           cJSON_GetObjectItem(item0, "picture")->valuestring);
    REQUIRE(pic != NULL);
    CHECK_STR_EQ(cJSON_GetObjectItem(pic, "type")->valuestring, "image/png");
    CHECK(strncmp(cJSON_GetObjectItem(pic, "data_base64")->valuestring, "iVBORw0KGgo", 11) == 0);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/operators/9/catalogue", kiosk, NULL, NULL, &j), 404);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/operators/1/catalogue", op1, NULL, NULL, &j), 403);
    cJSON_Delete(j);
}

static void t_idempotency_over_http(void)
{
    cJSON *j = NULL;
    char *a = NULL, *b = NULL;
    long long before = ht_sql_int(&T, "SELECT COUNT(*) FROM ord_orders");
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/operators/2/orders", home1, NULL, "order-1", ORDER,
                        strlen(ORDER), &a),
                 201);
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/operators/2/orders", home1, NULL, "order-1", ORDER,
                        strlen(ORDER), &b),
                 201);
    CHECK_STR_EQ(a, b); /* a retried create: the same answer, no second order */
    free(a);
    free(b);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_orders"), before + 1);
    CHECK_INT_EQ(place(2, home1, NULL, "order-1", ORDER2, &j), 422);
    CHECK_STR_EQ(ht_error_code(j), "idempotency_key_reused");
    cJSON_Delete(j);
    CHECK_INT_EQ(place(2, home1, NULL, NULL, ORDER, &j), 400);
    CHECK_STR_EQ(ht_error_code(j), "bad_idempotency_key");
    cJSON_Delete(j);
    CHECK_INT_EQ(place(2, home1, NULL, "bad key!", ORDER, &j), 400);
    cJSON_Delete(j);
    /* Another device may use the same key for its own order. */
    CHECK_INT_EQ(place(2, home2, NULL, "order-1", ORDER, &j), 201);
    cJSON_Delete(j);
    /* Still in flight: a claim held by a request that has not finished (here: written as
     * the hub writes it, fresh) -> 409, and no order. */
    REQUIRE(ht_sql_claim(&T, "device:1", "order-busy", ORDER, (long long)NOW + IDEMPOTENCY_LEASE_S,
                         (long long)NOW) == 0);
    CHECK_INT_EQ(place(2, home1, NULL, "order-busy", ORDER, &j), 409);
    CHECK_STR_EQ(ht_error_code(j), "in_flight");
    cJSON_Delete(j);
    /* The claim was left by a hub that crashed: once its short lease has run out, the retry
     * takes it over and is answered, once (here operator 3, which does not serve the
     * resident's district: a stored 422 and no delivery, so later tests see the same
     * queue). */
    ht_set_clock(&T, NOW + IDEMPOTENCY_LEASE_S);
    CHECK_INT_EQ(place(3, home1, NULL, "order-busy", ORDER, &j), 422);
    CHECK_STR_EQ(ht_error_code(j), "not_in_district");
    cJSON_Delete(j);
    CHECK_INT_EQ(place(3, home1, NULL, "order-busy", ORDER, &j), 422);
    cJSON_Delete(j);
    ht_set_clock(&T, NOW);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_orders"), before + 2);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT attempt FROM idempotency_keys WHERE key = 'order-busy'"
                                " AND status = 422"),
                 2);
    /* A bad body is answered 400 and the answer is kept for the key. */
    const char *bad = "{\"items\":[{\"id\":\"caviar\",\"qty\":1}],\"slot\":\"2099-11-24T15:00/"
                      "17:00\",\"payment_method\":\"cash_on_delivery\"}";
    CHECK_INT_EQ(place(2, home1, NULL, "order-bad", bad, &j), 400);
    CHECK(strstr(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"), "message")->valuestring,
                 "items[0].id is not in this operator's catalogue") != NULL);
    cJSON_Delete(j);
    CHECK_INT_EQ(place(2, home1, NULL, "order-bad", bad, &j), 400);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_orders"), before + 2);
    /* Not in the operator's districts (operator 3 serves Minami). */
    CHECK_INT_EQ(place(3, home1, NULL, "order-far", ORDER, &j), 422);
    CHECK_STR_EQ(ht_error_code(j), "not_in_district");
    cJSON_Delete(j);
    /* A public kiosk without a card session has no resident. */
    CHECK_INT_EQ(place(2, kiosk, NULL, "order-k", ORDER, &j), 403);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_orders"), before + 2);
}

/* A delivery slot must start after now by the hub's clock (Japan time): one that began an
 * hour ago, or yesterday's, is refused in words and nothing is stored; one starting in an
 * hour passes the check (operator 3 then answers that it does not serve the district, so
 * later tests see the same queue). */
static void t_slot_in_the_past_refused(void)
{
    char day[16], past[160], soon[160];
    cJSON *j = NULL;
    long long before = ht_sql_int(&T, "SELECT COUNT(*) FROM ord_orders");
    time_t jst = NOW + 9 * 3600;
    struct tm tm;
#define SLOT_ORDER                                                                                 \
    "{\"items\":[{\"id\":\"tofu\",\"qty\":1}],\"slot\":\"%sT%02d:%02d/23:59\","                    \
    "\"payment_method\":\"invoice\"}"
    time_t t = jst - 3600;
    gmtime_r(&t, &tm);
    strftime(day, sizeof day, "%Y-%m-%d", &tm);
    /* From 00:59 to 01:00 Japan time an hour ago is 23:59, and 23:59/23:59 is no slot at
     * all (refused for its shape, not for being past): start a minute earlier then. */
    if (tm.tm_hour == 23 && tm.tm_min == 59)
        tm.tm_min = 58;
    snprintf(past, sizeof past, SLOT_ORDER, day, tm.tm_hour, tm.tm_min);
    CHECK_INT_EQ(place(2, home1, NULL, "slot-past", past, &j), 400);
    CHECK(strstr(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"), "message")->valuestring,
                 "has already begun or is over") != NULL);
    cJSON_Delete(j);
    t = jst - 86400;
    gmtime_r(&t, &tm);
    strftime(day, sizeof day, "%Y-%m-%d", &tm);
    snprintf(past, sizeof past, SLOT_ORDER, day, 0, 0);
    CHECK_INT_EQ(place(2, home1, NULL, "slot-yesterday", past, &j), 400);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_orders"), before);
    t = jst + 3600;
    gmtime_r(&t, &tm);
    if (tm.tm_hour == 23 || (jst % 86400) / 3600 >= 22)
        return; /* too late in the day for a slot ending 23:59 an hour from now */
    strftime(day, sizeof day, "%Y-%m-%d", &tm);
    snprintf(soon, sizeof soon, SLOT_ORDER, day, tm.tm_hour, tm.tm_min);
    CHECK_INT_EQ(place(3, home1, NULL, "slot-soon", soon, &j), 422);
    CHECK_STR_EQ(ht_error_code(j), "not_in_district");
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_orders"), before);
}

static const char *const MIN_KEYS[] = {"order_id", "items",          "pseudonym", "district",
                                       "slot",     "payment_method", NULL};
static const char *const ADDR_KEYS[] = {"order_id", "items",   "pseudonym",      "district", "slot",
                                        "name",     "address", "payment_method", NULL};
static char pseudo_op2[64];

static void t_operator_view_exact_keys(void)
{
    cJSON *j = pull(op2, "/v1/operator/deliveries?max=10&lease=60");
    REQUIRE(j != NULL);
    cJSON *ds = cJSON_GetObjectItem(j, "deliveries");
    REQUIRE(cJSON_GetArraySize(ds) == 2); /* resident 1's and resident 2's orders */
    const cJSON *d;
    char p1[64] = "", p2[64] = "";
    cJSON_ArrayForEach(d, ds)
    {
        const cJSON *data = cJSON_GetObjectItem(cJSON_GetObjectItem(d, "body"), "data");
        CHECK(exact_keys(data, MIN_KEYS));
        char *text = cJSON_PrintUnformatted(d);
        CHECK(strstr(text, "Hanako") == NULL && strstr(text, "1-2-3") == NULL);
        free(text);
        snprintf(p1[0] ? p2 : p1, 64, "%s", cJSON_GetObjectItem(data, "pseudonym")->valuestring);
        CHECK(strcmp(cJSON_GetObjectItem(data, "district")->valuestring, "Kita") == 0);
        char ack[80];
        snprintf(ack, sizeof ack, "/v1/operator/deliveries/%.0f/ack",
                 cJSON_GetObjectItem(d, "id")->valuedouble);
        cJSON *aj = NULL;
        CHECK_INT_EQ(ht_json(&T, "POST", ack, op2, NULL, "{}", &aj), 200);
        cJSON_Delete(aj);
    }
    CHECK(strcmp(p1, p2) != 0); /* two residents, two pseudonyms */
    snprintf(pseudo_op2, sizeof pseudo_op2, "%s", p1);
    cJSON_Delete(j);
    /* With the resident's consent "address -> operator 2": name and address, exactly. */
    const char *grant = "{\"recipient\":{\"kind\":\"operator\",\"id\":2},\"data_kind\":"
                        "\"address\",\"purpose\":\"delivery\",\"granted\":true}";
    REQUIRE(ht_json(&T, "POST", "/v1/session/consents", kiosk, session1, grant, &j) == 201);
    cJSON_Delete(j);
    long long a = ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'order.release'");
    CHECK_INT_EQ(place(2, home1, NULL, "order-2", ORDER2, &j), 201);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'order.release'"),
                 a + 1);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE id = (SELECT MAX(id) FROM"
                                " audit WHERE action = 'order.release') AND data_kinds ="
                                " 'orders,address' AND destination = 'operator:2' AND basis LIKE"
                                " 'self:home_device,consent:%'"),
                 1);
    j = pull(op2, "/v1/operator/deliveries?max=10");
    REQUIRE(j != NULL && cJSON_GetArraySize(cJSON_GetObjectItem(j, "deliveries")) == 1);
    d = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "deliveries"), 0);
    const cJSON *data = cJSON_GetObjectItem(cJSON_GetObjectItem(d, "body"), "data");
    CHECK(exact_keys(data, ADDR_KEYS));
    CHECK_STR_EQ(cJSON_GetObjectItem(data, "name")->valuestring, "Hanako");
    CHECK_STR_EQ(cJSON_GetObjectItem(data, "address")->valuestring, "Kita 1-2-3");
    const char *p = cJSON_GetObjectItem(data, "pseudonym")->valuestring;
    CHECK(strcmp(p, p1) == 0 || strcmp(p, p2) == 0); /* stable for one operator */
    if (strcmp(p, p1) != 0)
        snprintf(pseudo_op2, sizeof pseudo_op2, "%s", p2);
    cJSON_Delete(j);
}

static void t_pull_lease_and_redelivery(void)
{
    cJSON *j = NULL;
    /* order-2's delivery was handed out by the last pull and not acknowledged. */
    j = pull(op2, "/v1/operator/deliveries");
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "deliveries")), 0); /* leased */
    cJSON_Delete(j);
    advance(61);
    j = pull(op2, "/v1/operator/deliveries?lease=30");
    REQUIRE(j != NULL && cJSON_GetArraySize(cJSON_GetObjectItem(j, "deliveries")) == 1);
    const cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "deliveries"), 0);
    CHECK_INT_EQ(cJSON_GetObjectItem(d, "offered")->valueint, 2); /* offered again */
    double id = cJSON_GetObjectItem(d, "id")->valuedouble;
    cJSON_Delete(j);
    char ack[80];
    snprintf(ack, sizeof ack, "/v1/operator/deliveries/%.0f/ack", id);
    CHECK_INT_EQ(ht_json(&T, "POST", ack, op1, NULL, "{}", &j), 404); /* not operator 1's */
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", ack, op2, NULL, "{}", &j), 200);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", ack, op2, NULL, "{}", &j), 200); /* twice is fine */
    cJSON_Delete(j);
    advance(31);
    j = pull(op2, "/v1/operator/deliveries");
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "deliveries")), 0);
    cJSON_Delete(j);
}

static void t_webhook_failing_receiver_retried(void)
{
    cJSON *j = NULL;
    CHECK_INT_EQ(place(1, home1, NULL, "order-push", ORDER, &j), 201);
    long long oid = order_id(j);
    cJSON_Delete(j);
    /* The receiver answers 503 to its first delivery: the hub schedules a retry. */
    CHECK(wait_lines(log_a, "failing id=", 1, 5000));
    CHECK_INT_EQ(ht_file_lines(log_a, "delivery id="), 0);
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM ord_deliveries WHERE subject_id = %lld AND recipient ="
             " 'operator:1' AND push_attempts = 1 AND acked_unix IS NULL",
             oid);
    CHECK_INT_EQ(ht_wait_sql(&T, sql, 1, 3000), 1); /* the failure is recorded, a retry planned */
    advance(11);                                    /* past the first back-off (5..10 s) */
    CHECK(wait_lines(log_a, "delivery id=", 1, 5000));
    CHECK_INT_EQ(ht_file_lines(log_a, "rejected"), 0); /* every signature verified */
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM ord_deliveries WHERE subject_id = %lld AND recipient ="
             " 'operator:1' AND acked_via = 'push' AND push_attempts = 2",
             oid);
    CHECK_INT_EQ(ht_wait_sql(&T, sql, 1, 3000), 1);
    /* Operator 1's pseudonym of resident 1 is not operator 2's. */
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM ord_deliveries WHERE subject_id = %lld AND body LIKE '%%%s%%'",
             oid, pseudo_op2);
    CHECK_INT_EQ(ht_sql_int(&T, sql), 0);
    CHECK(strlen(pseudo_op2) == 34);
    /* Nothing more is sent once acknowledged. */
    advance(120);
    usleep(400 * 1000);
    CHECK_INT_EQ(ht_file_lines(log_a, "delivery id="), 1);
}

static void t_webhook_down_receiver_gets_it_later(void)
{
    cJSON *j = NULL;
    REQUIRE(ht_card_login(&T, ca, 3, kiosk, session3, sizeof session3) == 0);
    CHECK_INT_EQ(place(3, kiosk, session3, "order-down", ORDER, &j), 201);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_wait_sql(&T,
                             "SELECT push_attempts >= 1 FROM ord_deliveries WHERE recipient = "
                             "'operator:3'",
                             1, 3000),
                 1);
    CHECK_INT_EQ(ht_file_lines(log_c, "delivery id="), 0);
    unsigned p = 0;
    recv_c = start_receiver(port_c, 0, log_c, &p);
    REQUIRE(recv_c > 0 && p == port_c);
    int got = 0;
    for (int i = 0; i < 12 && !got; i++) {
        advance(60);
        got = wait_lines(log_c, "delivery id=", 1, 1000);
    }
    CHECK(got);
    CHECK_INT_EQ(ht_wait_sql(&T,
                             "SELECT COUNT(*) FROM ord_deliveries WHERE recipient ="
                             " 'operator:3' AND acked_via = 'push'",
                             1, 3000),
                 1);
}

/* The operator's webhook secret changed with hubctl (a leak, a new receiver): the old
 * secret stops verifying at once, the new one verifies; the new secret is printed once,
 * stored sealed, and the change is audited without it. */
static void t_webhook_secret_rotated(void)
{
    char fresh[128] = "", sql[512], log2[200];
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_ctl(&T, "webhook_secret", fresh, sizeof fresh, "operator-webhook"), 2);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "operator-webhook --operator 99"), 2);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "operator-webhook --operator 2"), 2); /* has none */
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "operator-webhook --operator 1 --secret whsec_short"),
                 2);
    REQUIRE(ht_ctl(&T, "webhook_secret", fresh, sizeof fresh, "operator-webhook --operator 1") ==
            0);
    CHECK(strncmp(fresh, "whsec_", 6) == 0 && strcmp(fresh, SECRET) != 0);
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM ord_webhooks WHERE recipient = 'operator:1' AND url LIKE"
             " 'http://127.0.0.1:%u/%%' AND secret NOT LIKE '%%%s%%' AND secret NOT LIKE '%%%s%%'",
             port_a, fresh + 6, &SECRET[6]);
    CHECK_INT_EQ(ht_sql_int(&T, sql), 1); /* sealed, same URL */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action ="
                                " 'operator.webhook_secret' AND outcome = 'ok: operator:1'"),
                 1);
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM audit WHERE outcome LIKE '%%%s%%'", fresh + 6);
    CHECK_INT_EQ(ht_sql_int(&T, sql), 0);
    /* The receiver still holding the old secret refuses the next push... */
    int rejected = ht_file_lines(log_a, "rejected"),
        delivered = ht_file_lines(log_a, "delivery id=");
    CHECK_INT_EQ(place(1, home1, NULL, "order-rotated", ORDER2, &j), 201);
    long long oid = order_id(j);
    cJSON_Delete(j);
    CHECK(wait_lines(log_a, "rejected", rejected + 1, 5000));
    CHECK_INT_EQ(ht_file_lines(log_a, "delivery id="), delivered);
    /* ...and once it holds the new one, the retry is delivered and verified. */
    stop_receiver(&recv_a);
    snprintf(log2, sizeof log2, "%s/recv-a2.log", T.dir);
    unsigned p = 0;
    recv_a = start_receiver_with(fresh, port_a, 0, log2, &p);
    REQUIRE(recv_a > 0 && p == port_a);
    int got = 0;
    for (int i = 0; i < 12 && !got; i++) {
        advance(60);
        got = wait_lines(log2, "delivery id=", 1, 1000);
    }
    CHECK(got);
    CHECK_INT_EQ(ht_file_lines(log2, "rejected"), 0);
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM ord_deliveries WHERE subject_id = %lld AND recipient ="
             " 'operator:1' AND acked_via = 'push'",
             oid);
    CHECK_INT_EQ(ht_wait_sql(&T, sql, 1, 3000), 1);
    /* A new URL and a given secret at once. */
    snprintf(sql, sizeof sql,
             "operator-webhook --operator 1 --webhook http://127.0.0.1:%u/orders2 --secret %s",
             port_a, SECRET);
    CHECK_INT_EQ(ht_ctl(&T, "webhook_secret", fresh, sizeof fresh, sql), 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_webhooks WHERE recipient ="
                                " 'operator:1' AND url LIKE '%/orders2'"),
                 1);
}

static const char *status_of(const cJSON *orders, long long id, const char *field)
{
    const cJSON *o;
    cJSON_ArrayForEach(o, orders)
    {
        if ((long long)cJSON_GetObjectItem(o, "id")->valuedouble == id) {
            const cJSON *f = cJSON_GetObjectItem(o, field);
            return cJSON_IsString(f) ? f->valuestring : "";
        }
    }
    return "";
}

static void t_status_flows_back(void)
{
    cJSON *j = NULL;
    long long id = ht_sql_int(&T, "SELECT MIN(id) FROM ord_orders WHERE operator_id = 2 AND"
                                  " resident_id = 1");
    char path[80], body[128];
    snprintf(path, sizeof path, "/v1/operator/orders/%lld/status", id);
    CHECK_INT_EQ(ht_json(&T, "POST", path, op2, NULL, "{\"status\":\"accepted\"}", &j), 200);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/orders", home1, NULL, NULL, &j), 200);
    CHECK_STR_EQ(status_of(cJSON_GetObjectItem(j, "orders"), id, "status"), "accepted");
    cJSON_Delete(j);
    snprintf(body, sizeof body, "{\"status\":\"out_for_delivery\",\"eta_unix\":%lld}",
             (long long)(NOW - NOW % 3600 + 3600));
    CHECK_INT_EQ(ht_json(&T, "POST", path, op2, NULL, body, &j), 200);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/orders", home1, NULL, NULL, &j), 200);
    CHECK(strncmp(status_of(cJSON_GetObjectItem(j, "orders"), id, "status_words"), "配達予定",
                  12) == 0);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", path, op1, NULL, "{\"status\":\"delivered\"}", &j), 404);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", path, op2, NULL, "{\"status\":\"delivered\"}", &j), 200);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", path, op2, NULL, "{\"status\":\"accepted\"}", &j), 409);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", path, op2, NULL, "{\"status\":\"lost\"}", &j), 400);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/orders", kiosk, session1, NULL, &j), 200);
    CHECK_STR_EQ(status_of(cJSON_GetObjectItem(j, "orders"), id, "status_words"), "配達済み");
    cJSON_Delete(j);
    long long other = ht_sql_int(&T, "SELECT MAX(id) FROM ord_orders WHERE operator_id = 2 AND"
                                     " resident_id = 1");
    snprintf(path, sizeof path, "/v1/operator/orders/%lld/status", other);
    CHECK_INT_EQ(ht_json(&T, "POST", path, op2, NULL,
                         "{\"status\":\"cancelled\",\"reason\":\"品切れのため\"}", &j),
                 200);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/orders", home1, NULL, NULL, &j), 200);
    CHECK(strstr(status_of(cJSON_GetObjectItem(j, "orders"), other, "status_words"), "取り消し") !=
          NULL);
    /* Resident 2's orders are not in resident 1's list. */
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "orders")),
                 (int)ht_sql_int(&T, "SELECT COUNT(*) FROM ord_orders WHERE resident_id = 1"));
    cJSON_Delete(j);
}

static void t_revoked_address_leaves_pending_bodies(void)
{
    cJSON *j = NULL;
    CHECK_INT_EQ(place(2, home1, NULL, "order-3", ORDER, &j), 201);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_deliveries WHERE recipient ="
                                " 'operator:2' AND acked_unix IS NULL AND body LIKE '%1-2-3%'"),
                 1);
    const char *revoke = "{\"recipient\":{\"kind\":\"operator\",\"id\":2},\"data_kind\":"
                         "\"address\",\"purpose\":\"delivery\",\"granted\":false}";
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/session/consents", kiosk, session1, revoke, &j), 200);
    cJSON_Delete(j);
    j = pull(op2, "/v1/operator/deliveries");
    REQUIRE(j != NULL && cJSON_GetArraySize(cJSON_GetObjectItem(j, "deliveries")) == 1);
    const cJSON *data = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "deliveries"), 0), "body"),
        "data");
    CHECK(exact_keys(data, MIN_KEYS));
    cJSON_Delete(j);
}

static void t_family_request_round_trip(void)
{
    cJSON *j = NULL;
    char *a = NULL, *b = NULL;
    const char *req = "{\"family_id\":1,\"code\":\"call_me\"}";
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/family-requests", home1, NULL, "fr-1", req, strlen(req), &a), 201);
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/family-requests", home1, NULL, "fr-1", req, strlen(req), &b), 201);
    CHECK_STR_EQ(a, b);
    cJSON *aj = cJSON_Parse(a);
    long long rid =
        (long long)cJSON_GetObjectItem(cJSON_GetObjectItem(aj, "request"), "id")->valuedouble;
    cJSON_Delete(aj);
    free(a);
    free(b);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_famreq"), 1);
    /* Family 2 is not linked to resident 1. */
    CHECK_INT_EQ(ht_json(&T, "POST", "/v1/family-requests", home1, NULL,
                         "{\"family_id\":2,\"code\":\"come_over\"}", &j),
                 403);
    cJSON_Delete(j);
    j = pull(fam2, "/v1/family/requests");
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "deliveries")), 0);
    cJSON_Delete(j);
    j = pull(fam1, "/v1/family/requests");
    REQUIRE(j != NULL && cJSON_GetArraySize(cJSON_GetObjectItem(j, "deliveries")) == 1);
    const cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "deliveries"), 0);
    const cJSON *data = cJSON_GetObjectItem(cJSON_GetObjectItem(d, "body"), "data");
    CHECK_STR_EQ(cJSON_GetObjectItem(data, "phrase")->valuestring, "電話してください");
    char path[80];
    snprintf(path, sizeof path, "/v1/family/requests/%.0f/ack",
             cJSON_GetObjectItem(d, "id")->valuedouble);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", path, fam1, NULL, "{}", &j), 200);
    cJSON_Delete(j);
    snprintf(path, sizeof path, "/v1/family/requests/%lld/answer", rid);
    CHECK_INT_EQ(ht_json(&T, "POST", path, fam2, NULL, "{\"answer\":\"understood\"}", &j), 404);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "POST", path, fam1, NULL, "{\"answer\":\"understood\"}", &j), 200);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "changed")));
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/family-requests", home1, NULL, NULL, &j), 200);
    const cJSON *r0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "requests"), 0);
    CHECK_STR_EQ(cJSON_GetObjectItem(r0, "answer")->valuestring, "understood");
    CHECK_STR_EQ(cJSON_GetObjectItem(r0, "answer_ja")->valuestring, "わかりました");
    CHECK_STR_EQ(cJSON_GetObjectItem(r0, "phrase")->valuestring, "電話してください");
    /* Whom the resident may ask: family 1 (linked, consented), never family 2. */
    const cJSON *fam = cJSON_GetObjectItem(j, "family");
    REQUIRE(cJSON_GetArraySize(fam) == 1);
    CHECK_INT_EQ(cJSON_GetObjectItem(cJSON_GetArrayItem(fam, 0), "id")->valuedouble, 1);
    cJSON_Delete(j);
    char args[160];
    snprintf(args, sizeof args, "audit-verify --key %s", T.key);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
}

int main(void)
{
    char args[768];
    NOW = time(NULL);
    if (ht_init(&T, NOW) != 0)
        return 1;
    snprintf(log_a, sizeof log_a, "%s/recv-a.log", T.dir);
    snprintf(log_c, sizeof log_c, "%s/recv-c.log", T.dir);
    int ok = ht_make_ca(&T, 3, ca, sizeof ca) == 0;
    /* The test CA's certificates start "now": keep the hub clock after that. */
    NOW = time(NULL) + 120;
    ht_set_clock(&T, NOW);
    static const char *const who[][3] = {{"Hanako", "Kita", "Kita 1-2-3"},
                                         {"Ichiro", "Kita", "Kita 4-5"},
                                         {"Tome", "Minami", "M 7"}};
    for (int i = 0; i < 3 && ok; i++) {
        snprintf(args, sizeof args,
                 "resident-add --name %s --district %s --deadline 10:00 --cert %s/resident-%d.pem"
                 " --address '%s'",
                 who[i][0], who[i][1], ca, i + 1, who[i][2]);
        ok = ht_ctl(&T, NULL, NULL, 0, args) == 0;
    }
    ok = ok && ht_ctl(&T, "token", home1, sizeof home1, "device-add --kind home --resident 1") == 0;
    ok = ok && ht_ctl(&T, "token", home2, sizeof home2, "device-add --kind home --resident 2") == 0;
    ok = ok && ht_ctl(&T, "token", kiosk, sizeof kiosk, "device-add --kind public") == 0;
    ok = ok && ht_ctl(&T, "token", fam1, sizeof fam1, "family-add --name Taro --resident 1") == 0;
    ok = ok && ht_ctl(&T, "token", fam2, sizeof fam2, "family-add --name Jiro --resident 2") == 0;
    /* Receiver A fails its first delivery; receiver C's port is found, then it goes down. */
    recv_a = start_receiver(0, 1, log_a, &port_a);
    pid_t tmp = start_receiver(0, 0, log_c, &port_c);
    stop_receiver(&tmp);
    ok = ok && recv_a > 0 && port_c > 0;
    snprintf(args, sizeof args,
             "operator-add --name 'Shop A' --district Kita --webhook http://127.0.0.1:%u/orders"
             " --secret %s",
             port_a, SECRET);
    ok = ok && ht_ctl(&T, "token", op1, sizeof op1, args) == 0;
    ok = ok && ht_ctl(&T, "token", op2, sizeof op2,
                      "operator-add --name 'Shop B' --district Kita --district Minami") == 0;
    snprintf(args, sizeof args,
             "operator-add --name 'Shop C' --district Minami --webhook http://127.0.0.1:%u/orders"
             " --secret %s",
             port_c, SECRET);
    ok = ok && ht_ctl(&T, "token", op3, sizeof op3, args) == 0;
    for (int i = 1; i <= 3 && ok; i++) {
        snprintf(args, sizeof args, "catalogue-import --operator %d --file %s", i, DEMO_CATALOGUE);
        ok = ht_ctl(&T, NULL, NULL, 0, args) == 0;
    }
    snprintf(args, sizeof args, "--trust-ca %s/ca.pem --push-poll-ms 100", ca);
    if (!ok || ht_start(&T, args) != 0 ||
        ht_card_login(&T, ca, 1, kiosk, session1, sizeof session1) != 0) {
        fprintf(stderr, "cannot enrol or start the test hub (enrolment %s, receiver %d, port %u)\n",
                ok ? "ok" : "failed", (int)recv_a, port_c);
        stop_receiver(&recv_a);
        ht_cleanup(&T);
        return 1;
    }
    TEST_RUN(t_catalogue_with_pictures);
    TEST_RUN(t_idempotency_over_http);
    TEST_RUN(t_slot_in_the_past_refused);
    TEST_RUN(t_operator_view_exact_keys);
    TEST_RUN(t_pull_lease_and_redelivery);
    TEST_RUN(t_webhook_failing_receiver_retried);
    TEST_RUN(t_webhook_down_receiver_gets_it_later);
    TEST_RUN(t_status_flows_back);
    TEST_RUN(t_revoked_address_leaves_pending_bodies);
    TEST_RUN(t_family_request_round_trip);
    TEST_RUN(t_webhook_secret_rotated); /* last: receiver A holds another secret after it */
    ht_cleanup(&T);
    stop_receiver(&recv_a);
    stop_receiver(&recv_c);
    return test_summary();
}
