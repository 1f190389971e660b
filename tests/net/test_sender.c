/*
 * test_sender: the sender (outbox + hub client) against test_server_lmhd on 127.0.0.1 over
 * real HTTP, with real SQLite outbox files: delivery, permanent refusal, retries with
 * back-off, the hub down and back, a restart with pending items, order, and a kiosk
 * process SIGKILLed while the hub was executing its item (delivered exactly once).
 *
 * The killed kiosk is this same program re-executed with "--kiosk OUTBOX URL".
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net_testutil.h"
#include "outbox.h"
#include "sender.h"
#include "test.h"
#include "test_server_lmhd.h"

static char dir[512];
static char dbpath[600];
static int dbn;

static void fresh_db(void)
{
    snprintf(dbpath, sizeof dbpath, "%s/outbox%d.db", dir, dbn++);
}

static void on_report(void *ctx, struct sender_report *r)
{
    tu_box_put(ctx, r);
}

static void free_rep(void *p)
{
    sender_report_free(p);
}

static struct sender *start_sender(const char *url, long bmin, long bmax, struct tu_box *box)
{
    char err[256];
    struct sender_config cfg = {.outbox_path = dbpath,
                                .hub = {.base_url = url, .token = "tok", .timeout_ms = 2000},
                                .backoff_min_ms = bmin,
                                .backoff_max_ms = bmax};
    struct sender *s = sender_create(&cfg, on_report, box, err, sizeof err);
    if (!s) {
        fprintf(stderr, "sender_create: %s\n", err);
    }
    return s;
}

/* The stored item, read through a second connection to the outbox file. */
static int read_item(int64_t id, struct outbox_item *it)
{
    char err[256];
    struct outbox *ob = outbox_open(dbpath, err, sizeof err);
    int ok = ob && outbox_get(ob, id, it) == OUTBOX_OK;
    outbox_close(ob);
    return ok;
}

static void t_sent(void)
{
    struct tsrv *srv = tsrv_start(0, NULL, NULL);
    struct tu_box *box = tu_box_create();
    char url[64];
    struct sender *s;
    struct sender_report *r;
    int64_t id = 0;
    unsigned pending = 0;
    struct outbox_item it;

    REQUIRE(srv && box);
    fresh_db();
    snprintf(url, sizeof url, "http://127.0.0.1:%u", tsrv_port(srv));
    s = start_sender(url, 100, 1000, box);
    REQUIRE(s != NULL);
    CHECK_INT_EQ(
        sender_enqueue(s, "checkin", "/v1/checkins", "{\"answer\":\"genki\"}", &id, &pending),
        SENDER_OK);
    CHECK(id > 0);
    CHECK_INT_EQ(pending, 1);
    r = tu_box_get(box, 5000);
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->item_id, id);
    CHECK_INT_EQ(r->outcome, SENDER_SENT);
    CHECK_INT_EQ(r->net_err, HUBC_OK);
    CHECK_INT_EQ(r->http_status, 201);
    CHECK_STR_EQ(r->kind, "checkin");
    CHECK_STR_EQ(r->body, "{\"checkin\":{\"id\":1}}");
    CHECK_INT_EQ(r->pending, 0);
    CHECK_INT_EQ(r->attempts, 1);
    CHECK(r->created_unix > 1700000000);
    sender_report_free(r);
    CHECK_INT_EQ(sender_pending(s), 0);
    REQUIRE(read_item(id, &it));
    CHECK_INT_EQ(it.state, OUTBOX_SENT);
    CHECK_INT_EQ(tsrv_key_executions(srv, it.idem_key), 1);
    CHECK_INT_EQ(tsrv_key_requests(srv, it.idem_key), 1);
    outbox_item_release(&it);
    sender_destroy(s);
    sender_destroy(NULL);
    tu_box_destroy(box, free_rep);
    tsrv_stop(srv);
}

static void t_failed_permanently(void)
{
    struct tsrv *srv = tsrv_start(0, NULL, NULL);
    struct tu_box *box = tu_box_create();
    char url[64];
    struct sender *s;
    struct sender_report *r;
    int64_t id = 0;
    struct outbox_item it;

    REQUIRE(srv && box);
    fresh_db();
    tsrv_set_mode(srv, TSRV_REJECT, 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%u", tsrv_port(srv));
    s = start_sender(url, 50, 100, box);
    REQUIRE(s != NULL);
    CHECK_INT_EQ(sender_enqueue(s, "checkin", "/v1/checkins", "{\"answer\":\"x\"}", &id, NULL),
                 SENDER_OK);
    r = tu_box_get(box, 5000);
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->outcome, SENDER_FAILED);
    CHECK_INT_EQ(r->http_status, 422);
    CHECK_STR_EQ(r->message, "answer must be genki, itsumo or genkinai");
    CHECK(strstr(r->body, "bad_answer") != NULL);
    CHECK_INT_EQ(r->pending, 0);
    sender_report_free(r);
    /* Never retried. */
    CHECK(tu_box_get(box, 400) == NULL);
    CHECK_INT_EQ(tsrv_requests(srv), 1);
    REQUIRE(read_item(id, &it));
    CHECK_INT_EQ(it.state, OUTBOX_FAILED);
    CHECK_INT_EQ(it.http_status, 422);
    CHECK_STR_EQ(it.message, "answer must be genki, itsumo or genkinai");
    outbox_item_release(&it);
    sender_destroy(s);
    tu_box_destroy(box, free_rep);
    tsrv_stop(srv);
}

/* 503 keeps the item and retries with a growing delay until the hub accepts it. */
static void t_retry_5xx(void)
{
    struct tsrv *srv = tsrv_start(0, NULL, NULL);
    struct tu_box *box = tu_box_create();
    char url[64];
    struct sender *s;
    struct sender_report *r;
    int64_t id = 0;
    long prev = 0;
    struct outbox_item it;

    REQUIRE(srv && box);
    fresh_db();
    tsrv_set_mode(srv, TSRV_UNAVAILABLE, 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%u", tsrv_port(srv));
    s = start_sender(url, 100, 10000, box);
    REQUIRE(s != NULL);
    CHECK_INT_EQ(sender_enqueue(s, "checkin", "/v1/checkins", "{\"answer\":\"genki\"}", &id, NULL),
                 SENDER_OK);
    for (int i = 0; i < 3; i++) {
        r = tu_box_get(box, 5000);
        REQUIRE(r != NULL);
        CHECK_INT_EQ(r->outcome, SENDER_RETRYING);
        CHECK_INT_EQ(r->http_status, 503);
        CHECK_STR_EQ(r->message, "try later");
        CHECK_INT_EQ(r->pending, 1);
        CHECK_INT_EQ(r->attempts, i + 1);
        CHECK(r->retry_in_ms > prev); /* 100, 200, 400 minus jitter: strictly growing */
        prev = r->retry_in_ms;
        sender_report_free(r);
    }
    tsrv_set_mode(srv, TSRV_OK, 0);
    r = tu_box_get(box, 5000);
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->outcome, SENDER_SENT);
    CHECK_INT_EQ(r->attempts, 4);
    sender_report_free(r);
    REQUIRE(read_item(id, &it));
    CHECK_INT_EQ(it.state, OUTBOX_SENT);
    CHECK_INT_EQ(it.attempts, 4);
    CHECK_INT_EQ(tsrv_key_executions(srv, it.idem_key), 1);
    outbox_item_release(&it);
    sender_destroy(s);
    tu_box_destroy(box, free_rep);
    tsrv_stop(srv);
}

/* The hub is down: the item stays pending (on disk); the hub comes back on the same port
 * and "try again" delivers it exactly once. */
static void t_hub_down_then_back(void)
{
    struct tsrv *srv = tsrv_start(0, NULL, NULL);
    struct tu_box *box = tu_box_create();
    char url[64];
    struct sender *s;
    struct sender_report *r;
    int64_t id = 0, t0;
    uint16_t port;
    struct outbox_item it;

    REQUIRE(srv && box);
    fresh_db();
    port = tsrv_port(srv);
    tsrv_stop(srv);
    snprintf(url, sizeof url, "http://127.0.0.1:%u", port);
    s = start_sender(url, 30000, 60000, box); /* no automatic retry within this test */
    REQUIRE(s != NULL);
    t0 = tu_now_ms();
    CHECK_INT_EQ(sender_enqueue(s, "checkin", "/v1/checkins", "{\"answer\":\"itsumo\"}", &id, NULL),
                 SENDER_OK);
    r = tu_box_get(box, 5000);
    REQUIRE(r != NULL);
    CHECK(tu_now_ms() - t0 < 1000);
    CHECK_INT_EQ(r->outcome, SENDER_RETRYING);
    CHECK_INT_EQ(r->net_err, HUBC_E_CONNECT);
    CHECK_INT_EQ(r->http_status, 0);
    CHECK(strstr(r->message, "Failed to connect") != NULL);
    CHECK_INT_EQ(r->pending, 1);
    CHECK(r->retry_in_ms > 20000);
    sender_report_free(r);
    REQUIRE(read_item(id, &it));
    CHECK_INT_EQ(it.state, OUTBOX_PENDING);
    outbox_item_release(&it);

    srv = tsrv_start(port, NULL, NULL);
    REQUIRE(srv != NULL);
    CHECK(tu_box_get(box, 300) == NULL); /* still waiting for the back-off */
    sender_retry_now(s);
    r = tu_box_get(box, 5000);
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->outcome, SENDER_SENT);
    CHECK_INT_EQ(r->pending, 0);
    sender_report_free(r);
    REQUIRE(read_item(id, &it));
    CHECK_INT_EQ(it.state, OUTBOX_SENT);
    CHECK_INT_EQ(tsrv_key_executions(srv, it.idem_key), 1);
    CHECK_INT_EQ(tsrv_executions(srv), 1);
    outbox_item_release(&it);
    sender_destroy(s);
    tu_box_destroy(box, free_rep);
    tsrv_stop(srv);
}

/* Delays double from the minimum and stop at the cap (with up to 25 % jitter below). */
static void t_backoff_cap(void)
{
    struct tsrv *srv = tsrv_start(0, NULL, NULL);
    struct tu_box *box = tu_box_create();
    char url[64];
    struct sender *s;
    static const long expect[] = {40, 80, 160, 200, 200, 200};

    REQUIRE(srv && box);
    fresh_db();
    snprintf(url, sizeof url, "http://127.0.0.1:%u", tsrv_port(srv));
    tsrv_stop(srv);
    s = start_sender(url, 40, 200, box);
    REQUIRE(s != NULL);
    CHECK_INT_EQ(sender_enqueue(s, "checkin", "/v1/checkins", "{}", NULL, NULL), SENDER_OK);
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        struct sender_report *r = tu_box_get(box, 5000);
        REQUIRE(r != NULL);
        CHECK_INT_EQ(r->outcome, SENDER_RETRYING);
        CHECK(r->retry_in_ms <= expect[i] && r->retry_in_ms >= expect[i] * 3 / 4);
        if (!(r->retry_in_ms <= expect[i] && r->retry_in_ms >= expect[i] * 3 / 4)) {
            fprintf(stderr, "  retry %zu in %ld ms, expected %ld\n", i, r->retry_in_ms, expect[i]);
        }
        sender_report_free(r);
    }
    sender_destroy(s);
    tu_box_destroy(box, free_rep);
}

/* Items pending when a sender stopped are sent by the next one with their original keys,
 * in the order they were made. */
static void t_restart_sends_pending_in_order(void)
{
    struct tsrv *srv = tsrv_start(0, NULL, NULL);
    struct tu_box *box = tu_box_create();
    char url[64], body[128], key[80];
    struct sender *s;
    int64_t ids[3];
    char keys[3][OUTBOX_KEY_HEX_LEN + 1];
    uint16_t port;

    REQUIRE(srv && box);
    fresh_db();
    port = tsrv_port(srv);
    tsrv_stop(srv);
    snprintf(url, sizeof url, "http://127.0.0.1:%u", port);
    s = start_sender(url, 30000, 60000, box);
    REQUIRE(s != NULL);
    for (int i = 0; i < 3; i++) {
        struct outbox_item it;
        snprintf(body, sizeof body, "{\"answer\":\"genki\",\"n\":%d}", i);
        REQUIRE(sender_enqueue(s, "checkin", "/v1/checkins", body, &ids[i], NULL) == SENDER_OK);
        REQUIRE(read_item(ids[i], &it));
        memcpy(keys[i], it.idem_key, sizeof keys[i]);
        outbox_item_release(&it);
    }
    CHECK_INT_EQ(sender_pending(s), 3);
    sender_destroy(s);
    tu_box_destroy(box, free_rep);

    box = tu_box_create();
    srv = tsrv_start(port, NULL, NULL);
    REQUIRE(srv && box);
    s = start_sender(url, 30000, 60000, box);
    REQUIRE(s != NULL);
    CHECK_INT_EQ(sender_pending(s), 3);
    for (int i = 0; i < 3; i++) {
        struct sender_report *r = tu_box_get(box, 5000);
        REQUIRE(r != NULL);
        CHECK_INT_EQ(r->outcome, SENDER_SENT);
        CHECK_INT_EQ(r->item_id, ids[i]);
        CHECK_INT_EQ(r->pending, 2 - i);
        sender_report_free(r);
    }
    for (int i = 0; i < 3; i++) {
        char want[128];
        REQUIRE(tsrv_executed(srv, (unsigned)i, body, sizeof body, key, sizeof key));
        snprintf(want, sizeof want, "{\"answer\":\"genki\",\"n\":%d}", i);
        CHECK_STR_EQ(body, want);
        CHECK_STR_EQ(key, keys[i]);
    }
    CHECK_INT_EQ(tsrv_executions(srv), 3);
    sender_destroy(s);
    tu_box_destroy(box, free_rep);
    tsrv_stop(srv);
}

static void t_enqueue_invalid(void)
{
    struct tu_box *box = tu_box_create();
    struct sender *s;
    char big[70000];

    REQUIRE(box);
    fresh_db();
    s = start_sender("http://127.0.0.1:9", 30000, 60000, box);
    REQUIRE(s != NULL);
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK_INT_EQ(sender_enqueue(s, "Check In", "/v1/checkins", "{}", NULL, NULL), SENDER_E_INVALID);
    CHECK_INT_EQ(sender_enqueue(s, "checkin", "no-slash", "{}", NULL, NULL), SENDER_E_INVALID);
    CHECK_INT_EQ(sender_enqueue(s, "checkin", "/v1/checkins", big, NULL, NULL), SENDER_E_INVALID);
    CHECK_INT_EQ(sender_enqueue(NULL, "checkin", "/v1/checkins", "{}", NULL, NULL),
                 SENDER_E_INVALID);
    CHECK_INT_EQ(sender_pending(s), 0);
    sender_destroy(s);
    tu_box_destroy(box, free_rep);

    /* An outbox that can't be created: an error in words, no sender. */
    {
        char err[256] = "";
        struct sender_config cfg = {.outbox_path = "/nonexistent-dir/outbox.db",
                                    .hub = {.base_url = "http://127.0.0.1:9"}};
        CHECK(sender_create(&cfg, on_report, NULL, err, sizeof err) == NULL);
        CHECK(strlen(err) > 0);
    }
}

/* sender_destroy does not wait for a slow hub; the item stays pending for the next run. */
static void t_destroy_prompt(void)
{
    struct tsrv *srv = tsrv_start(0, NULL, NULL);
    struct tu_box *box = tu_box_create();
    char url[64];
    struct sender *s;
    int64_t id = 0, t0;
    struct outbox_item it;

    REQUIRE(srv && box);
    fresh_db();
    tsrv_set_mode(srv, TSRV_SLOW, 10000);
    snprintf(url, sizeof url, "http://127.0.0.1:%u", tsrv_port(srv));
    s = start_sender(url, 1000, 1000, box);
    REQUIRE(s != NULL);
    CHECK_INT_EQ(sender_enqueue(s, "checkin", "/v1/checkins", "{}", &id, NULL), SENDER_OK);
    tu_sleep_ms(200);
    CHECK_INT_EQ(tsrv_requests(srv), 1);
    t0 = tu_now_ms();
    sender_destroy(s);
    CHECK(tu_now_ms() - t0 < 1000);
    REQUIRE(read_item(id, &it));
    CHECK_INT_EQ(it.state, OUTBOX_PENDING);
    outbox_item_release(&it);
    tu_box_destroy(box, free_rep);
    tsrv_stop(srv);
}

/* The kiosk is killed (SIGKILL, like a power cut for the process) after the hub executed
 * its check-in but before the answer arrived. On restart the item goes again with the same
 * Idempotency-Key: the hub answers from its record, so it executed exactly once. */
static void t_killed_kiosk_exactly_once(void)
{
    struct tsrv *srv = tsrv_start(0, NULL, NULL);
    struct tu_box *box = tu_box_create();
    char url[64], line[128] = "";
    int fds[2], status;
    pid_t pid;
    ssize_t got = 0;
    long long id = 0;
    int64_t t0;
    struct sender *s;
    struct sender_report *r;
    struct outbox_item it;

    REQUIRE(srv && box);
    fresh_db();
    tsrv_set_mode(srv, TSRV_EXEC_SLOW, 10000);
    snprintf(url, sizeof url, "http://127.0.0.1:%u", tsrv_port(srv));
    REQUIRE(pipe(fds) == 0);
    fflush(NULL);
    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl("/proc/self/exe", "test_sender", "--kiosk", dbpath, url, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    while (got < (ssize_t)sizeof line - 1) {
        ssize_t n = read(fds[0], line + got, sizeof line - 1 - (size_t)got);
        if (n <= 0) {
            break;
        }
        got += n;
        if (memchr(line, '\n', (size_t)got)) {
            break;
        }
    }
    line[got > 0 ? got : 0] = '\0';
    CHECK(sscanf(line, "queued %lld", &id) == 1);
    /* Wait until the hub has executed the check-in (its answer is still 10 s away). */
    t0 = tu_now_ms();
    while (tsrv_executions(srv) < 1 && tu_now_ms() - t0 < 5000) {
        tu_sleep_ms(10);
    }
    CHECK_INT_EQ(tsrv_executions(srv), 1);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    close(fds[0]);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    REQUIRE(id > 0);
    REQUIRE(read_item(id, &it));
    CHECK_INT_EQ(it.state, OUTBOX_PENDING);
    outbox_item_release(&it);

    /* The kiosk starts again. */
    tsrv_set_mode(srv, TSRV_OK, 0);
    s = start_sender(url, 30000, 60000, box);
    REQUIRE(s != NULL);
    r = tu_box_get(box, 5000);
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->item_id, id);
    CHECK_INT_EQ(r->outcome, SENDER_SENT);
    CHECK_STR_EQ(r->body, "{\"checkin\":{\"id\":1}}"); /* the first execution's answer */
    CHECK_INT_EQ(r->pending, 0);
    sender_report_free(r);
    REQUIRE(read_item(id, &it));
    CHECK_INT_EQ(it.state, OUTBOX_SENT);
    CHECK_INT_EQ(tsrv_key_executions(srv, it.idem_key), 1);
    CHECK_INT_EQ(tsrv_key_requests(srv, it.idem_key), 2);
    CHECK_INT_EQ(tsrv_executions(srv), 1);
    outbox_item_release(&it);
    sender_destroy(s);
    tu_box_destroy(box, free_rep);
    tsrv_stop(srv);
}

/* The "kiosk" of t_killed_kiosk_exactly_once: enqueues one check-in, says so, waits. */
static int kiosk_main(const char *outbox_path, const char *url)
{
    struct tu_box *box = tu_box_create();
    char err[256];
    struct sender_config cfg = {.outbox_path = outbox_path,
                                .hub = {.base_url = url, .timeout_ms = 30000}};
    struct sender *s = sender_create(&cfg, on_report, box, err, sizeof err);
    int64_t id = 0;

    if (!s || sender_enqueue(s, "checkin", "/v1/checkins", "{\"answer\":\"genki\"}", &id, NULL) !=
                  SENDER_OK) {
        fprintf(stderr, "kiosk: %s\n", s ? "enqueue failed" : err);
        return 1;
    }
    printf("queued %lld\n", (long long)id);
    fflush(stdout);
    for (;;) {
        pause();
    }
}

int main(int argc, char **argv)
{
    int rc;

    if (argc == 4 && strcmp(argv[1], "--kiosk") == 0) {
        return kiosk_main(argv[2], argv[3]);
    }
    if (!tu_mkdtemp(dir, sizeof dir)) {
        fprintf(stderr, "cannot make a temp dir\n");
        return 1;
    }
    TEST_RUN(t_sent);
    TEST_RUN(t_failed_permanently);
    TEST_RUN(t_retry_5xx);
    TEST_RUN(t_hub_down_then_back);
    TEST_RUN(t_backoff_cap);
    TEST_RUN(t_restart_sends_pending_in_order);
    TEST_RUN(t_enqueue_invalid);
    TEST_RUN(t_destroy_prompt);
    TEST_RUN(t_killed_kiosk_exactly_once);
    rc = test_summary();
    tu_rmdir(dir);
    return rc;
}
