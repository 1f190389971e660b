/*
 * test_hub_refusals.c: refused authorizations audited in a summarised, bounded way,
 * through the real hubd and hubctl on either backend. A burst of 1,000 refused requests
 * from 127.0.0.2 (600 with one guessed token, 300 without a token, 100 of a home device
 * on a staff route; past the address's allowance they are answered 429) gives:
 *   - nothing written while the minute runs (counted in memory, no commit per refusal);
 *   - once the hub clock passes the minute, three summary rows with exactly those counts,
 *     caller "sha256:<8 hex>" / "none" / "device:1", the address and the route, and one
 *     audit record each; the token itself nowhere in the database;
 *   - GET /v1/audit/refusals shows them to staff (time range), and refuses a home device,
 *     a family member and no token; hubctl audit-refusals prints them;
 *   - what is still counted when hubd stops is written on the way out, and the audit log
 *     with the summaries' records verifies;
 *   - summaries past 90 days are purged, and the rows are held to their cap.
 */
#include "hubtest.h"
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define GUESS "dev_guessed0123456789abcdef"

static struct hubtest T;
static char home[128], staff[128], family[128];
static time_t T0;

/* One HTTP/1.0 request from 127.0.0.2 (token NULL: no Authorization); the status. */
static long from_other_address(const char *method, const char *path, const char *token)
{
    struct sockaddr_in src = {.sin_family = AF_INET}, dst = {.sin_family = AF_INET};
    inet_pton(AF_INET, "127.0.0.2", &src.sin_addr);
    inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
    dst.sin_port = htons((uint16_t)T.port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval tv = {10, 0};
    char req[512], ans[1024];
    long status = 0;
    if (fd < 0)
        return 0;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int n = snprintf(req, sizeof req,
                     "%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\n%s%s%sContent-Length: 0\r\n\r\n", method,
                     path, token ? "Authorization: Bearer " : "", token ? token : "",
                     token ? "\r\n" : "");
    size_t got = 0;
    if (bind(fd, (struct sockaddr *)&src, sizeof src) == 0 &&
        connect(fd, (struct sockaddr *)&dst, sizeof dst) == 0 && send(fd, req, (size_t)n, 0) == n) {
        ssize_t k;
        while (got + 1 < sizeof ans && (k = recv(fd, ans + got, sizeof ans - 1 - got, 0)) > 0)
            got += (size_t)k;
    }
    ans[got] = '\0';
    close(fd);
    if (sscanf(ans, "HTTP/1.%*d %ld", &status) != 1)
        status = 0;
    return status;
}

static long long rows_where(const char *cond)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM auth_refusals WHERE %s", cond);
    return ht_sql_int(&T, sql);
}

static void t_burst_summarised(void)
{
    int refused = 0, limited = 0;
    for (int i = 0; i < 1000; i++) {
        long st = i < 600   ? from_other_address("POST", "/v1/checkins", GUESS)
                  : i < 900 ? from_other_address("POST", "/v1/checkins", NULL)
                            : from_other_address("GET", "/v1/alerts", home);
        refused += st == 401 || st == 403;
        limited += st == 429;
    }
    printf("burst: %d refused 401/403, %d answered 429\n", refused, limited);
    CHECK_INT_EQ(refused + limited, 1000);
    CHECK(limited > 900);
    /* the minute is still running: counted in memory, nothing written */
    sleep(2);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM auth_refusals"), 0);
    long long audit_before = ht_sql_int(&T, "SELECT COUNT(*) FROM audit");
    ht_set_clock(&T, T0 + 60);
    CHECK_INT_EQ(ht_wait_sql(&T, "SELECT COALESCE(SUM(count), 0) FROM auth_refusals", 1000, 10000),
                 1000);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM auth_refusals"), 3);
    char cond[256];
    snprintf(cond, sizeof cond,
             "caller LIKE 'sha256:%%' AND length(caller) = 15 AND address = '127.0.0.2' AND "
             "route = 'POST /v1/checkins' AND count = 600 AND minute_unix = %lld",
             (long long)(T0 - T0 % 60));
    CHECK_INT_EQ(rows_where(cond), 1);
    CHECK_INT_EQ(rows_where("caller = 'none' AND route = 'POST /v1/checkins' AND count = 300"), 1);
    CHECK_INT_EQ(rows_where("caller = 'device:1' AND route = 'GET /v1/alerts' AND count = 100 AND "
                            "municipality_id = 1"),
                 1);
    /* one audit record per summary; the token nowhere */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit"), audit_before + 3);
    CHECK_INT_EQ(
        ht_sql_int(&T,
                   "SELECT COUNT(*) FROM audit WHERE action = 'auth.refused' AND "
                   "outcome LIKE 'refused: 600 in the minute from 20%' AND source = '127.0.0.2'"),
        1);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE actor LIKE '%guessed%' OR "
                                "outcome LIKE '%guessed%'"),
                 0);
    CHECK_INT_EQ(rows_where("caller LIKE '%guessed%'"), 0);
}

static void t_visible_to_staff_only(void)
{
    char path[128];
    cJSON *j = NULL;
    snprintf(path, sizeof path, "/v1/audit/refusals?from=%lld&to=%lld", (long long)T0 - 60,
             (long long)T0 + 60);
    CHECK_INT_EQ(ht_json(&T, "GET", path, staff, NULL, NULL, &j), 200);
    const cJSON *arr = cJSON_GetObjectItem(j, "refusals"), *e;
    double total = 0;
    CHECK_INT_EQ(cJSON_GetArraySize(arr), 3);
    cJSON_ArrayForEach(e, arr)
    {
        total += cJSON_GetObjectItem(e, "count")->valuedouble;
        CHECK_STR_EQ(cJSON_GetObjectItem(e, "address")->valuestring, "127.0.0.2");
    }
    CHECK(total == 1000);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(j, "truncated")));
    cJSON_Delete(j);
    /* a range before the burst holds nothing */
    snprintf(path, sizeof path, "/v1/audit/refusals?from=%lld&to=%lld", (long long)T0 - 7200,
             (long long)T0 - 3600);
    CHECK_INT_EQ(ht_json(&T, "GET", path, staff, NULL, NULL, &j), 200);
    CHECK_INT_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "refusals")), 0);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/audit/refusals?from=5&to=4", staff, NULL, NULL, &j), 400);
    cJSON_Delete(j);
    CHECK(ht_refused(&T, "GET", "/v1/audit/refusals", home, NULL, NULL, NULL, 0, NULL, "home"));
    CHECK(ht_refused(&T, "GET", "/v1/audit/refusals", family, NULL, NULL, NULL, 0, NULL, "family"));
    CHECK(ht_refused(&T, "GET", "/v1/audit/refusals", NULL, NULL, NULL, NULL, 0, NULL, "nobody"));
    /* hubctl prints the three */
    char out[32];
    CHECK_INT_EQ(ht_ctl(&T, "summaries", out, sizeof out, "audit-refusals"), 0);
    CHECK_STR_EQ(out, "3");
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "audit-refusals --from x"), 2);
}

static void t_written_at_stop(void)
{
    /* the three refusals of the previous test are in the minute under way */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM auth_refusals"), 3);
    CHECK_INT_EQ(ht_stop(&T), 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COALESCE(SUM(count), 0) FROM auth_refusals WHERE "
                                "address = '127.0.0.1' AND route = 'GET /v1/audit/refusals'"),
                 3);
    /* the summaries' records are in the log like every other: it verifies */
    char args[256];
    snprintf(args, sizeof args, "audit-verify --key %s", T.key);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
}

static void t_purged_and_capped(void)
{
    char out[32];
    /* 90 days after their minute the summaries go; their audit records stay */
    long long records = ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'auth.refused'");
    ht_set_clock(&T, T0 + 91 * 86400);
    CHECK_INT_EQ(ht_ctl(&T, "refusals", out, sizeof out, "purge"), 0);
    CHECK_INT_EQ(atoll(out), 6);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM auth_refusals"), 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'auth.refused'"),
                 records);
    /* more than the cap (100,000) of recent rows: the oldest go */
    char sql[512];
    snprintf(sql, sizeof sql,
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100050)"
             " INSERT INTO auth_refusals(minute_unix, caller, address, route, count, first_unix,"
             " last_unix) SELECT %lld, 'none', 'a' || i, 'GET /v1/me', 1, %lld, %lld FROM n",
             (long long)T0 + 91 * 86400 - 60, (long long)T0 + 91 * 86400 - 60,
             (long long)T0 + 91 * 86400 - 60);
    REQUIRE(ht_sql_exec(&T, sql) == 0);
    CHECK_INT_EQ(ht_ctl(&T, "refusals", out, sizeof out, "purge"), 0);
    CHECK(ht_sql_int(&T, "SELECT COUNT(*) FROM auth_refusals") <= 100000);
    CHECK(ht_sql_int(&T, "SELECT COUNT(*) FROM auth_refusals") >= 99950);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM auth_refusals WHERE address = 'a1'"), 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM auth_refusals WHERE address = 'a100050'"), 1);
}

int main(void)
{
    T0 = time(NULL);
    T0 = T0 - T0 % 60 + 5; /* 5 s into a minute */
    if (ht_init(&T, T0) != 0)
        return 1;
    int ok = ht_enrol_home(&T, home, sizeof home) == 0;
    ok = ok && ht_ctl(&T, "token", staff, sizeof staff, "staff-add --name Mimamori") == 0;
    ok = ok &&
         ht_ctl(&T, "token", family, sizeof family, "family-add --name Taro --resident 1") == 0;
    if (ht_start_enrolled(&T, ok, "--tick 0") != 0)
        return 1;
    TEST_RUN(t_burst_summarised);
    TEST_RUN(t_visible_to_staff_only);
    TEST_RUN(t_written_at_stop);
    TEST_RUN(t_purged_and_capped);
    ht_stop(&T);
    ht_cleanup(&T);
    return test_summary();
}
