/*
 * test_sender_hub: the hub client and the sender against the REAL hub (hubd + hubctl) on
 * 127.0.0.1 with an ephemeral port and a temporary database: a check-in delivered, a bad
 * one refused for good with the hub's message, the hub stopped and restarted (item kept,
 * then delivered once), the hub's Idempotency-Key replay, and a killed kiosk whose check-in
 * the hub had already executed (delivered exactly once after restart).
 *
 * usage: test_sender_hub HUBD HUBCTL   (or: test_sender_hub --kiosk OUTBOX URL TOKEN)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hubclient.h"
#include "net_testutil.h"
#include "outbox.h"
#include "sender.h"
#include "test.h"

static const char *hubd_bin, *hubctl_bin;
static char dir[512], hubdb[700], outbox_db[700], token[200], url[80];
static long long resident_id;
static pid_t hubd_pid;
static unsigned hub_port;

/* Runs argv, captures up to out_len-1 bytes of stdout. Returns the exit status or -1. */
static int run_capture(char *const argv[], char *out, size_t out_len)
{
    int fds[2], status = 0;
    size_t got = 0;
    pid_t pid;

    if (pipe(fds) != 0) {
        return -1;
    }
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        return -1;
    }
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    for (;;) {
        ssize_t n = read(fds[0], out + got, out_len - 1 - got);
        if (n <= 0 || got + (size_t)n >= out_len - 1) {
            got += n > 0 ? (size_t)n : 0;
            break;
        }
        got += (size_t)n;
    }
    out[got] = '\0';
    close(fds[0]);
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
        return -1;
    }
    return WEXITSTATUS(status);
}

/* Starts hubd on `port` (0 = ephemeral) and reads "listening on ADDR:PORT". */
static int hub_start(unsigned port)
{
    char portarg[16], line[200] = "";
    int fds[2];
    size_t got = 0;
    char *colon;

    snprintf(portarg, sizeof portarg, "%u", port);
    if (pipe(fds) != 0) {
        return 0;
    }
    fflush(NULL);
    hubd_pid = fork();
    if (hubd_pid < 0) {
        return 0;
    }
    if (hubd_pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(hubd_bin, hubd_bin, "--db", hubdb, "--listen", "127.0.0.1", "--port", portarg,
              "--tick", "0", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    while (got < sizeof line - 1) {
        ssize_t n = read(fds[0], line + got, sizeof line - 1 - got);
        if (n <= 0) {
            break;
        }
        got += (size_t)n;
        if (memchr(line, '\n', got)) {
            break;
        }
    }
    line[got] = '\0';
    close(fds[0]); /* hubd may still print; a closed pipe only makes its prints fail */
    colon = strrchr(line, ':');
    if (strncmp(line, "listening on ", 13) != 0 || !colon) {
        fprintf(stderr, "hubd did not start: \"%s\"\n", line);
        return 0;
    }
    hub_port = (unsigned)strtoul(colon + 1, NULL, 10);
    snprintf(url, sizeof url, "http://127.0.0.1:%u", hub_port);
    return hub_port != 0;
}

static void hub_stop(void)
{
    int status;
    if (hubd_pid > 0) {
        kill(hubd_pid, SIGTERM);
        waitpid(hubd_pid, &status, 0);
        hubd_pid = 0;
    }
}

static int find_value(const char *out, const char *name, char *val, size_t val_len)
{
    const char *p = strstr(out, name);
    size_t n;
    if (!p) {
        return 0;
    }
    p += strlen(name);
    n = strcspn(p, "\r\n");
    if (n == 0 || n >= val_len) {
        return 0;
    }
    memcpy(val, p, n);
    val[n] = '\0';
    return 1;
}

static int setup_hub(void)
{
    char out[4096], val[64];
    char *init[] = {(char *)hubctl_bin, "--db", hubdb, "init", NULL};
    char *res[] = {(char *)hubctl_bin, "--db", hubdb,        "resident-add", "--name", "Net Test",
                   "--district",       "D1",   "--deadline", "09:00",        NULL};
    char *dev[] = {(char *)hubctl_bin, "--db", hubdb, "device-add", "--kind", "home",
                   "--resident",       val,    NULL};

    if (run_capture(init, out, sizeof out) != 0) {
        fprintf(stderr, "hubctl init failed: %s\n", out);
        return 0;
    }
    if (run_capture(res, out, sizeof out) != 0 || !find_value(out, "resident_id=", val, 64)) {
        fprintf(stderr, "hubctl resident-add failed: %s\n", out);
        return 0;
    }
    resident_id = strtoll(val, NULL, 10);
    if (run_capture(dev, out, sizeof out) != 0 || !find_value(out, "token=", token, sizeof token)) {
        fprintf(stderr, "hubctl device-add failed\n");
        return 0;
    }
    return 1;
}

static void on_report(void *ctx, struct sender_report *r)
{
    tu_box_put(ctx, r);
}

static void free_rep(void *p)
{
    sender_report_free(p);
}

static void on_done(void *ctx, struct hubc_result *r)
{
    tu_box_put(ctx, r);
}

static void free_res(void *p)
{
    hubc_result_free(p);
}

static struct sender *start_sender(struct tu_box *box, long bmin)
{
    char err[256];
    struct sender_config cfg = {.outbox_path = outbox_db,
                                .hub = {.base_url = url, .token = token, .timeout_ms = 5000},
                                .backoff_min_ms = bmin,
                                .backoff_max_ms = 60000};
    struct sender *s = sender_create(&cfg, on_report, box, err, sizeof err);
    if (!s) {
        fprintf(stderr, "sender_create: %s\n", err);
    }
    return s;
}

static void t_sent_and_refused(void)
{
    struct tu_box *box = tu_box_create();
    struct sender *s;
    struct sender_report *r;
    int64_t id;

    REQUIRE(box);
    s = start_sender(box, 30000);
    REQUIRE(s != NULL);
    CHECK_INT_EQ(sender_enqueue(s, "checkin", "/v1/checkins", "{\"answer\":\"genki\"}", &id, NULL),
                 SENDER_OK);
    r = tu_box_get(box, 10000);
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->outcome, SENDER_SENT);
    CHECK_INT_EQ(r->http_status, 201);
    CHECK(strstr(r->body, "\"checkin\"") != NULL);
    CHECK(strstr(r->body, "\"genki\"") != NULL);
    sender_report_free(r);

    CHECK_INT_EQ(sender_enqueue(s, "checkin", "/v1/checkins", "{\"answer\":\"nope\"}", &id, NULL),
                 SENDER_OK);
    r = tu_box_get(box, 10000);
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->outcome, SENDER_FAILED);
    CHECK(r->http_status >= 400 && r->http_status < 500);
    CHECK(strlen(r->message) > 0);
    fprintf(stderr, "  hub refused: %ld %s\n", r->http_status, r->message);
    CHECK_INT_EQ(r->pending, 0);
    sender_report_free(r);
    sender_destroy(s);
    tu_box_destroy(box, free_rep);
}

static void t_hub_restart(void)
{
    struct tu_box *box = tu_box_create();
    struct sender *s;
    struct sender_report *r;
    int64_t id;

    REQUIRE(box);
    hub_stop();
    s = start_sender(box, 30000);
    REQUIRE(s != NULL);
    CHECK_INT_EQ(sender_enqueue(s, "checkin", "/v1/checkins", "{\"answer\":\"itsumo\"}", &id, NULL),
                 SENDER_OK);
    r = tu_box_get(box, 10000);
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->outcome, SENDER_RETRYING);
    CHECK_INT_EQ(r->net_err, HUBC_E_CONNECT);
    CHECK_INT_EQ(r->pending, 1);
    sender_report_free(r);
    REQUIRE(hub_start(hub_port));
    sender_retry_now(s);
    r = tu_box_get(box, 10000);
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->outcome, SENDER_SENT);
    CHECK(strstr(r->body, "\"itsumo\"") != NULL);
    CHECK_INT_EQ(r->pending, 0);
    sender_report_free(r);
    sender_destroy(s);
    tu_box_destroy(box, free_rep);
}

/* The hub answers a repeated key with its first answer and creates nothing new. */
static void t_hub_idempotency(void)
{
    struct tu_box *box = tu_box_create();
    struct hubc_config cfg = {.base_url = url, .token = token, .timeout_ms = 5000};
    struct hubc *c = hubc_create(&cfg, on_done, box);
    struct hubc_result *a, *b, *d;

    REQUIRE(box && c);
    hubc_submit(c, HUBC_POST, "/v1/checkins", "{\"answer\":\"genki\"}", "net-test-key-1", NULL, 1);
    a = tu_box_get(box, 10000);
    REQUIRE(a != NULL);
    hubc_submit(c, HUBC_POST, "/v1/checkins", "{\"answer\":\"genki\"}", "net-test-key-1", NULL, 2);
    b = tu_box_get(box, 10000);
    hubc_submit(c, HUBC_POST, "/v1/checkins", "{\"answer\":\"genki\"}", "net-test-key-2", NULL, 3);
    d = tu_box_get(box, 10000);
    REQUIRE(b != NULL && d != NULL);
    CHECK_INT_EQ(a->status, 201);
    CHECK_INT_EQ(b->status, 201);
    CHECK_STR_EQ(a->body, b->body);
    CHECK_INT_EQ(d->status, 201);
    CHECK(strcmp(a->body, d->body) != 0);
    hubc_result_free(a);
    hubc_result_free(b);
    hubc_result_free(d);
    hubc_destroy(c);
    tu_box_destroy(box, free_res);
}

/* A kiosk enqueues while the hub is down and is killed. Its check-in then reaches the hub
 * once by another route with the same key (as if the answer had been lost). The restarted
 * kiosk sends it again: the hub replays, nothing is created twice. */
static void t_killed_kiosk(void)
{
    struct tu_box *box = tu_box_create();
    char line[128] = "", key[OUTBOX_KEY_HEX_LEN + 1] = "", err[256];
    int fds[2], status;
    ssize_t got = 0;
    long long id = 0;
    pid_t pid;
    struct outbox *ob;
    struct outbox_item it;
    struct hubc_config cfg = {.base_url = url, .token = token, .timeout_ms = 5000};
    struct hubc *c;
    struct hubc_result *first;
    struct sender *s;
    struct sender_report *r;

    REQUIRE(box);
    hub_stop();
    REQUIRE(pipe(fds) == 0);
    fflush(NULL);
    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl("/proc/self/exe", "test_sender_hub", "--kiosk", outbox_db, url, token, (char *)NULL);
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
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    close(fds[0]);
    REQUIRE(sscanf(line, "queued %lld", &id) == 1);

    ob = outbox_open(outbox_db, err, sizeof err);
    REQUIRE(ob != NULL);
    REQUIRE(outbox_get(ob, id, &it) == OUTBOX_OK);
    CHECK_INT_EQ(it.state, OUTBOX_PENDING);
    memcpy(key, it.idem_key, sizeof key);
    outbox_item_release(&it);
    outbox_close(ob);

    REQUIRE(hub_start(hub_port));
    c = hubc_create(&cfg, on_done, box);
    REQUIRE(c != NULL);
    hubc_submit(c, HUBC_POST, "/v1/checkins", "{\"answer\":\"genkinai\"}", key, NULL, 0);
    first = tu_box_get(box, 10000);
    hubc_destroy(c);
    REQUIRE(first != NULL);
    CHECK_INT_EQ(first->status, 201);

    s = start_sender(box, 30000);
    REQUIRE(s != NULL);
    r = tu_box_get(box, 10000);
    REQUIRE(r != NULL);
    CHECK_INT_EQ(r->item_id, id);
    CHECK_INT_EQ(r->outcome, SENDER_SENT);
    CHECK_STR_EQ(r->body, first->body); /* the hub's replay: the same check-in id */
    sender_report_free(r);
    hubc_result_free(first);
    sender_destroy(s);
    tu_box_destroy(box, free_rep);
}

static int kiosk_main(const char *ob_path, const char *hub_url, const char *tok)
{
    struct tu_box *box = tu_box_create();
    char err[256];
    struct sender_config cfg = {.outbox_path = ob_path,
                                .hub = {.base_url = hub_url, .token = tok},
                                .backoff_min_ms = 60000};
    struct sender *s = sender_create(&cfg, on_report, box, err, sizeof err);
    int64_t id = 0;

    if (!s || sender_enqueue(s, "checkin", "/v1/checkins", "{\"answer\":\"genkinai\"}", &id,
                             NULL) != SENDER_OK) {
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

    if (argc == 5 && strcmp(argv[1], "--kiosk") == 0) {
        return kiosk_main(argv[2], argv[3], argv[4]);
    }
    if (argc != 3) {
        fprintf(stderr, "usage: test_sender_hub HUBD HUBCTL\n");
        return 2;
    }
    hubd_bin = argv[1];
    hubctl_bin = argv[2];
    if (!tu_mkdtemp(dir, sizeof dir)) {
        return 1;
    }
    snprintf(hubdb, sizeof hubdb, "%s/hub.db", dir);
    snprintf(outbox_db, sizeof outbox_db, "%s/outbox.db", dir);
    if (!setup_hub() || !hub_start(0)) {
        hub_stop();
        tu_rmdir(dir);
        return 1;
    }
    TEST_RUN(t_sent_and_refused);
    TEST_RUN(t_hub_restart);
    TEST_RUN(t_hub_idempotency);
    TEST_RUN(t_killed_kiosk);
    hub_stop();
    rc = test_summary();
    tu_rmdir(dir);
    return rc;
}
