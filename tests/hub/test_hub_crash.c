/*
 * test_hub_crash.c: a hubd killed with SIGKILL in the middle of an order leaves an
 * Idempotency-Key claimed; once a hubd runs again, the client's retry with the same key
 * is answered at once (201, one order) — not 409 until the claim's lease runs out. The hub
 * clock stands still throughout, so a lease cannot be what lets the retry through.
 *
 * "In the middle": on PostgreSQL the test locks the orders table (EXCLUSIVE: reads go on,
 * inserts wait) before the order is sent, so the hub commits its claim and then waits in
 * the order's own transaction; it is killed there. On SQLite, where a lock cannot stop the
 * second transaction without also stopping the first, the claim is written as the hub
 * writes it (the same row, fresh lease) and the hub is then killed.
 */
#include "db.h"
#include "hubtest.h"
#include "idempotency.h"
#include "test.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static struct hubtest T;
static char home[128];
static time_t NOW;

static const char ORDER[] =
    "{\"items\":[{\"id\":\"cabbage\",\"qty\":2}],\"slot\":\"2099-11-24T15:00/17:00\","
    "\"payment_method\":\"cash_on_delivery\"}";

static void kill_hub(void)
{
    kill(T.pid, SIGKILL);
    waitpid(T.pid, NULL, 0);
    T.pid = 0;
}

struct sender {
    struct hubtest t;
    long status;
};

static void *send_order(void *arg)
{
    struct sender *s = arg;
    s->status = ht_req(&s->t, "POST", "/v1/operators/1/orders", home, NULL, "crash-1", ORDER,
                       strlen(ORDER), NULL);
    return NULL;
}

static void claim_left_by_dead_hub(void)
{
    if (ht_on_postgres(&T)) {
        char err[256];
        struct db *lock = NULL;
        REQUIRE(db_open(T.db, 0, &lock, err, sizeof err) == DB_OK);
        REQUIRE(db_begin(lock) == DB_OK);
        REQUIRE(db_exec(lock, "LOCK TABLE ord_orders IN EXCLUSIVE MODE") == DB_OK);
        struct sender s = {.t = T};
        pthread_t th;
        REQUIRE(pthread_create(&th, NULL, send_order, &s) == 0);
        /* the claim is committed; the order's transaction now waits for the lock */
        CHECK(1 == ht_wait_sql(&T,
                               "SELECT COUNT(*) FROM idempotency_keys WHERE key = 'crash-1'"
                               " AND status = 0",
                               1, 10000));
        usleep(200 * 1000);
        kill_hub();
        pthread_join(th, NULL);
        CHECK_INT_EQ(s.status, 0); /* the client saw no answer */
        db_rollback(lock);
        db_close(lock);
    } else {
        REQUIRE(ht_sql_claim(&T, "device:1", "crash-1", ORDER, (long long)NOW + IDEMPOTENCY_LEASE_S,
                             (long long)NOW) == 0);
        kill_hub();
    }
}

static void t_retry_after_crash_answered_at_once(void)
{
    char *a = NULL, *b = NULL;
    claim_left_by_dead_hub();
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_orders"), 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM idempotency_keys WHERE key = 'crash-1'"
                                " AND status = 0"),
                 1);
    REQUIRE(ht_start(&T, "") == 0);
    /* same clock: the lease has not run out, yet the retry goes through at once */
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/operators/1/orders", home, NULL, "crash-1", ORDER,
                        strlen(ORDER), &a),
                 201);
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/operators/1/orders", home, NULL, "crash-1", ORDER,
                        strlen(ORDER), &b),
                 201);
    CHECK(a && b && strcmp(a, b) == 0); /* the stored answer, no second order */
    free(a);
    free(b);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_orders"), 1);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM idempotency_keys WHERE status = 0"), 0);
}

int main(void)
{
    char args[512], op[128];
    NOW = time(NULL);
    if (ht_init(&T, NOW) != 0)
        return 1;
    int ok = ht_ctl(&T, NULL, NULL, 0,
                    "resident-add --name Hanako --district Kita --deadline 10:00") == 0;
    ok = ok && ht_ctl(&T, "token", home, sizeof home, "device-add --kind home --resident 1") == 0;
    ok = ok &&
         ht_ctl(&T, "token", op, sizeof op, "operator-add --name 'Shop A' --district Kita") == 0;
    snprintf(args, sizeof args, "catalogue-import --operator 1 --file %s", DEMO_CATALOGUE);
    ok = ok && ht_ctl(&T, NULL, NULL, 0, args) == 0;
    if (ht_start_enrolled(&T, ok, "") != 0)
        return 1;
    TEST_RUN(t_retry_after_crash_answered_at_once);
    ht_cleanup(&T);
    return test_summary();
}
