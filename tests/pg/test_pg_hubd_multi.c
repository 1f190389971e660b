/*
 * test_pg_hubd_multi.c: several hubd processes on one private PostgreSQL server
 * (pgserver.h), as behind a load balancer, under concurrent check-ins with
 * Idempotency-Keys for the same residents, and orders placed the same way.
 *
 *   - two, then four hubd processes; eight client threads send each check-in to one
 *     process and every fourth one again, with the same key, to another (a client retrying
 *     through the balancer): every key is stored exactly once; in this phase every third
 *     step each client also places an order and retries it through another process (one
 *     order per key, the retry answered with the first answer);
 *   - one hubd is killed with SIGKILL mid-load: its clients retry with the same key on
 *     the others (a claim the dead process held is taken over at once: its database
 *     session is gone; the hub clock stands still, so no lease runs out); every
 *     acknowledged check-in is stored exactly once;
 *   - the server crashes and starts again (pg_ctl -m immediate, start) mid-load: hubd
 *     answers 503 (or the client cannot connect), never anything else, and the retries
 *     are stored once after it is back;
 *   - at the end the audit log holds one `checkin.create` record per stored check-in, all
 *     chained once the hubs stopped (or, for what a hub that could not reach the
 *     database at its stop left, once a hub started again), and hubctl audit-verify
 *     (with the hubs' signed checkpoints) says OK;
 *   - the residents live in two towns: each town's records are in its own audit log, each
 *     log chained 1, 2, ... without a gap by the sequencers of all processes, and each
 *     verifies on its own (audit-verify --municipality).
 * Orders are placed only while no process or server fails: a release whose answer was
 * lost and then replayed elsewhere cannot be told from a missing audit record by the
 * harness's per-request audit check. Card logins and consent changes across processes are
 * driven at the store level (pg_card_store, hub_stores_pg), not here.
 */
#include "hubtest.h"
#include "hubtoken.h"
#include "pgserver.h"
#include "test.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define START   1795392000 /* 2026-11-23 09:00 JST */
#define HUBS    4
#define CLIENTS 8
#define PER     24 /* check-ins per client and phase */
#define CHECKIN "{\"answer\":\"genki\"}"
/* An order from the demo catalogue, delivered the day after START. */
#define ORDER                                                                                      \
    "{\"items\":[{\"id\":\"cabbage\",\"qty\":1}],\"slot\":\"2026-11-24T15:00/17:00\","             \
    "\"payment_method\":\"cash_on_delivery\"}"

static struct pgserver *S;
static struct hubtest T, H[HUBS];
static volatile int alive[HUBS];
static int n_hubs;

struct client {
    int index;
    const char *phase;
    struct hubtest h[HUBS]; /* this thread's own copies (ht_req keeps state in them) */
    struct hubtest o;       /* orders: one copy pointed at each hub in turn, so that the
                               harness knows a retry elsewhere is a replay */
    int orders;             /* place orders in this phase */
    int acked, ordered;     /* check-in keys and order keys stored (201) */
    int odd;                /* answers other than 201 / 503 / none */
};

static void token_of(int i, char *out, size_t cap)
{
    snprintf(out, cap, "dev_pgmultitoken%02d0123456789abcdef0123", i);
}

/* Sends body to path with key to hub `first`, then on to the next live hubs, until it is
 * answered 201 (at most ~20 s); through one hubtest copy for all hubs when one is given.
 * 1 when stored. */
static int send_until_stored(struct client *c, struct hubtest *one, const char *path,
                             const char *body, const char *token, const char *key, int first)
{
    for (int attempt = 0; attempt < 400; attempt++) {
        int k = (first + attempt) % n_hubs;
        if (!alive[k])
            continue;
        struct hubtest *t = &c->h[k];
        if (one) {
            one->port = H[k].port;
            t = one;
        }
        long st = ht_req(t, "POST", path, token, NULL, key, body, strlen(body), NULL);
        if (st == 201)
            return 1;
        /* 409: the key is claimed by an attempt still in flight (a claim of a process
         * that died, or whose session the server's crash ended, is taken over at once) */
        if (st != 503 && st != 0 && st != 409) {
            fprintf(stderr, "%s %s answered %ld by hub %d\n", path, key, st, k);
            c->odd++;
        }
        usleep(50 * 1000);
    }
    return 0;
}

static void *client_main(void *arg)
{
    struct client *c = arg;
    char token[64], key[64];
    token_of(c->index, token, sizeof token);
    for (int i = 0; i < PER; i++) {
        snprintf(key, sizeof key, "%s-c%d-%d", c->phase, c->index, i);
        int first = (c->index + i) % n_hubs;
        c->acked += send_until_stored(c, NULL, "/v1/checkins", CHECKIN, token, key, first);
        /* A retry of the same request through another process: answered, not stored
         * again. */
        if (i % 4 == 0)
            c->acked -=
                send_until_stored(c, NULL, "/v1/checkins", CHECKIN, token, key, first + 1) ? 0 : 1;
        if (c->orders && i % 3 == 1) {
            snprintf(key, sizeof key, "%s-o%d-%d", c->phase, c->index, i);
            int placed =
                send_until_stored(c, &c->o, "/v1/operators/1/orders", ORDER, token, key, first);
            /* the same order retried through the next process: the first answer again */
            c->ordered += placed && send_until_stored(c, &c->o, "/v1/operators/1/orders", ORDER,
                                                      token, key, first + 1);
        }
    }
    return NULL;
}

static int ordered; /* orders acknowledged, over all phases */

/* Runs the clients of one phase; `during` (may be NULL) runs in this thread meanwhile.
 * Returns the check-ins acknowledged (orders are added to `ordered`). */
static int run_phase(const char *phase, void (*during)(void))
{
    static struct client cs[CLIENTS];
    pthread_t th[CLIENTS];
    int acked = 0;
    for (int i = 0; i < CLIENTS; i++) {
        cs[i].index = i;
        cs[i].phase = phase;
        cs[i].acked = cs[i].ordered = cs[i].odd = 0;
        for (int k = 0; k < HUBS; k++)
            cs[i].h[k] = H[k];
        cs[i].o = H[0];
        cs[i].orders = strcmp(phase, "two") == 0;
        pthread_create(&th[i], NULL, client_main, &cs[i]);
    }
    if (during)
        during();
    for (int i = 0; i < CLIENTS; i++) {
        pthread_join(th[i], NULL);
        acked += cs[i].acked;
        ordered += cs[i].ordered;
        CHECK_INT_EQ(cs[i].odd, 0);
    }
    return acked;
}

static void kill_last_hub(void)
{
    usleep(300 * 1000);
    alive[HUBS - 1] = 0;
    kill(H[HUBS - 1].pid, SIGKILL);
    waitpid(H[HUBS - 1].pid, NULL, 0);
    H[HUBS - 1].pid = 0;
}

static void restart_server(void)
{
    usleep(300 * 1000);
    CHECK(pgserver_halt(S, 1) == 0);
    sleep(1);
    CHECK(pgserver_resume(S) == 0);
}

static void check_stored_once(int acked)
{
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM checkins"), acked);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_orders"), ordered);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM idempotency_keys WHERE status <> 0"),
                 acked + ordered);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'checkin.create'"),
                 acked);
}

static void t_several_hubd(void)
{
    char hash[HUBTOKEN_HASH_HEX], token[64], sql[512];
    REQUIRE(ht_on_postgres(&T));
    /* a second town: every other resident lives there */
    REQUIRE(ht_ctl(&T, NULL, NULL, 0, "municipality-add --code 131016 --name 千代田区") == 0);
    for (int i = 0; i < CLIENTS; i++) {
        token_of(i, token, sizeof token);
        hubtoken_hash(token, strlen(token), hash);
        snprintf(sql, sizeof sql,
                 "INSERT INTO residents(display_name, district, deadline_min, created_unix,"
                 " municipality_id) VALUES('住民 %d', '北区', 600, 0, %d);"
                 "INSERT INTO devices(kind, resident_id, token_hash, created_unix,"
                 " municipality_id) VALUES('home', %d, '%s', 0, %d)",
                 i + 1, 1 + i % 2, i + 1, hash, 1 + i % 2);
        REQUIRE(ht_sql_exec(&T, sql) == 0);
    }
    /* one shop serving the residents' district in both towns, with the demo catalogue */
    REQUIRE(ht_ctl(&T, NULL, NULL, 0,
                   "operator-add --municipality 1 --name Shop --district 北区") == 0);
    REQUIRE(ht_ctl(&T, NULL, NULL, 0, "operator-contract --municipality 131016 --operator 1") == 0);
    snprintf(sql, sizeof sql, "catalogue-import --municipality 1 --operator 1 --file %s",
             DEMO_CATALOGUE);
    REQUIRE(ht_ctl(&T, NULL, NULL, 0, sql) == 0);
    for (int k = 0; k < HUBS; k++) {
        H[k] = T;
        REQUIRE(ht_start(&H[k], "") == 0);
        alive[k] = 1;
    }
    int acked = 0;
    n_hubs = 2;
    acked += run_phase("two", NULL);
    CHECK_INT_EQ(acked, CLIENTS * PER);
    CHECK_INT_EQ(ordered, CLIENTS * (PER / 3));
    check_stored_once(acked);
    n_hubs = 4;
    acked += run_phase("four", kill_last_hub);
    CHECK_INT_EQ(acked, 2 * CLIENTS * PER);
    check_stored_once(acked);
    acked += run_phase("restart", restart_server);
    CHECK_INT_EQ(acked, 3 * CLIENTS * PER);
    check_stored_once(acked);

    for (int k = 0; k < HUBS - 1; k++)
        CHECK_INT_EQ(ht_stop(&H[k]), 0); /* each signs a checkpoint after chaining */
    /* A hubd stopping chains what is stored unless it cannot reach the database at that
     * moment; then the next hubd to start chains it. */
    long long left = ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE seq IS NULL");
    if (left != 0)
        fprintf(stderr, "%lld records left unchained at shutdown\n", left);
    REQUIRE(ht_start(&H[0], "") == 0);
    CHECK_INT_EQ(ht_stop(&H[0]), 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE seq IS NULL"), 0);
    /* Every log chained 1, 2, ... without a gap; each town's check-ins in its own log. */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM (SELECT log_id FROM audit GROUP BY log_id"
                                " HAVING MAX(seq) <> COUNT(*) OR MIN(seq) <> 1) x"),
                 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(DISTINCT log_id) FROM audit"
                                " WHERE action = 'checkin.create'"),
                 2);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit a"
                                " JOIN residents r ON r.id = a.subject_resident_id"
                                " JOIN audit_logs l ON l.id = a.log_id"
                                " WHERE COALESCE(l.municipality_id, 0) <> r.municipality_id"),
                 0);
    char out[64] = "", args[256];
    snprintf(args, sizeof args, "audit-verify --key %s", T.key);
    CHECK_INT_EQ(ht_ctl(&T, "audit", out, sizeof out, args), 0);
    CHECK_STR_EQ(out, "OK");
    for (int town = 0; town < 2; town++) {
        snprintf(args, sizeof args, "audit-verify --key %s --municipality %s", T.key,
                 town ? "131016" : "1");
        CHECK_INT_EQ(ht_ctl(&T, "audit", out, sizeof out, args), 0);
        CHECK_STR_EQ(out, "OK");
        CHECK_INT_EQ(ht_ctl(&T, "records", out, sizeof out, args), 0);
        CHECK(atoll(out) >= 3 * CLIENTS * PER / 2);
    }
}

int main(void)
{
    char err[256], admin[512];
    S = pgserver_start(err, sizeof err);
    if (!S) {
        fprintf(stderr, "test_pg_hubd_multi: %s\n", err);
        return 1;
    }
    snprintf(admin, sizeof admin, "postgresql:///postgres?host=%s&user=postgres", pgserver_dir(S));
    setenv("HUB_TEST_PG_ADMIN", admin, 1);
    if (ht_init(&T, START) != 0) {
        fprintf(stderr, "test_pg_hubd_multi: cannot set up the hub on PostgreSQL\n");
        pgserver_destroy(S);
        return 1;
    }
    TEST_RUN(t_several_hubd);
    for (int k = 0; k < HUBS; k++)
        if (H[k].pid > 0)
            ht_stop(&H[k]);
    ht_cleanup(&T);
    pgserver_destroy(S);
    return test_summary();
}
