/*
 * test_outbox: unit tests of the durable outbox on real SQLite files in a temp dir:
 * states, caps, idempotency keys, durability across reopen and across a SIGKILLed process.
 */
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net_testutil.h"
#include "outbox.h"
#include "test.h"

static char dir[512];
static char dbpath[600];
static int dbn;

static void fresh_db(void)
{
    snprintf(dbpath, sizeof dbpath, "%s/outbox%d.db", dir, dbn++);
}

static int is_hex_key(const char *k)
{
    if (strlen(k) != OUTBOX_KEY_HEX_LEN) {
        return 0;
    }
    for (const char *p = k; *p; p++) {
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

static void t_add_get_states(void)
{
    char err[256];
    struct outbox *ob;
    struct outbox_item a, b, g;

    fresh_db();
    ob = outbox_open(dbpath, err, sizeof err);
    REQUIRE(ob != NULL);
    CHECK_INT_EQ(outbox_count(ob, OUTBOX_PENDING), 0);
    REQUIRE(outbox_add(ob, "checkin", "POST", "/v1/checkins", "{\"answer\":\"genki\"}", &a) ==
            OUTBOX_OK);
    REQUIRE(outbox_add(ob, "help", "POST", "/v1/help", NULL, &b) == OUTBOX_OK);
    CHECK(a.id > 0 && b.id > a.id);
    CHECK_INT_EQ(a.state, OUTBOX_PENDING);
    CHECK_STR_EQ(a.kind, "checkin");
    CHECK_STR_EQ(a.method, "POST");
    CHECK_STR_EQ(a.path, "/v1/checkins");
    CHECK_STR_EQ(a.body, "{\"answer\":\"genki\"}");
    CHECK_STR_EQ(b.body, "");
    CHECK(is_hex_key(a.idem_key));
    CHECK(is_hex_key(b.idem_key));
    CHECK(strcmp(a.idem_key, b.idem_key) != 0);
    CHECK(a.created_unix > 1700000000);
    CHECK_INT_EQ(outbox_count(ob, OUTBOX_PENDING), 2);

    CHECK_INT_EQ(outbox_note_attempt(ob, a.id, 503, "try later"), OUTBOX_OK);
    REQUIRE(outbox_get(ob, a.id, &g) == OUTBOX_OK);
    CHECK_INT_EQ(g.state, OUTBOX_PENDING);
    CHECK_INT_EQ(g.attempts, 1);
    CHECK_INT_EQ(g.http_status, 503);
    CHECK_STR_EQ(g.message, "try later");
    CHECK_STR_EQ(g.idem_key, a.idem_key); /* the key never changes */
    outbox_item_release(&g);

    CHECK_INT_EQ(outbox_mark_sent(ob, a.id, 201), OUTBOX_OK);
    CHECK_INT_EQ(outbox_mark_failed(ob, b.id, 422, "answer must be genki"), OUTBOX_OK);
    /* Settled items can't change again, and unknown ids are told apart. */
    CHECK_INT_EQ(outbox_mark_sent(ob, a.id, 201), OUTBOX_E_STATE);
    CHECK_INT_EQ(outbox_mark_failed(ob, a.id, 400, "x"), OUTBOX_E_STATE);
    CHECK_INT_EQ(outbox_note_attempt(ob, b.id, 0, "x"), OUTBOX_E_STATE);
    CHECK_INT_EQ(outbox_mark_sent(ob, 999999, 201), OUTBOX_E_NOTFOUND);
    CHECK_INT_EQ(outbox_get(ob, 999999, &g), OUTBOX_E_NOTFOUND);

    CHECK_INT_EQ(outbox_count(ob, OUTBOX_PENDING), 0);
    CHECK_INT_EQ(outbox_count(ob, OUTBOX_SENT), 1);
    CHECK_INT_EQ(outbox_count(ob, OUTBOX_FAILED), 1);
    REQUIRE(outbox_get(ob, b.id, &g) == OUTBOX_OK);
    CHECK_INT_EQ(g.state, OUTBOX_FAILED);
    CHECK_INT_EQ(g.http_status, 422);
    CHECK_STR_EQ(g.message, "answer must be genki");
    outbox_item_release(&g);

    /* Sent items can be pruned; failed ones stay for the resident to see. */
    CHECK_INT_EQ(outbox_prune_sent(ob, 0), 0);
    CHECK_INT_EQ(outbox_prune_sent(ob, a.updated_unix + 10), 1);
    CHECK_INT_EQ(outbox_count(ob, OUTBOX_FAILED), 1);

    outbox_item_release(&a);
    outbox_item_release(&b);
    outbox_close(ob);
    outbox_close(NULL);
}

/* The newest item of a kind that is pending or sent (what the kiosk last did of it, e.g.
 * today's check-in after a restart); a failed one is skipped. */
static void t_latest_of_kind(void)
{
    char err[256];
    struct outbox *ob;
    struct outbox_item a, b, c, g;

    fresh_db();
    ob = outbox_open(dbpath, err, sizeof err);
    REQUIRE(ob != NULL);
    CHECK_INT_EQ(outbox_latest(ob, "checkin", &g), OUTBOX_E_NOTFOUND);
    REQUIRE(outbox_add(ob, "checkin", "POST", "/v1/checkins", "{\"answer\":\"genki\"}", &a) ==
            OUTBOX_OK);
    REQUIRE(outbox_add(ob, "checkin", "POST", "/v1/checkins", "{\"answer\":\"itsumo\"}", &b) ==
            OUTBOX_OK);
    REQUIRE(outbox_add(ob, "activity", "POST", "/v1/activity", "{}", &c) == OUTBOX_OK);
    CHECK_INT_EQ(outbox_mark_sent(ob, a.id, 201), OUTBOX_OK);
    REQUIRE(outbox_latest(ob, "checkin", &g) == OUTBOX_OK);
    CHECK(g.id == b.id && g.state == OUTBOX_PENDING);
    CHECK_STR_EQ(g.body, "{\"answer\":\"itsumo\"}");
    outbox_item_release(&g);
    CHECK_INT_EQ(outbox_mark_failed(ob, b.id, 400, "bad"), OUTBOX_OK);
    REQUIRE(outbox_latest(ob, "checkin", &g) == OUTBOX_OK);
    CHECK(g.id == a.id && g.state == OUTBOX_SENT);
    outbox_item_release(&g);
    CHECK_INT_EQ(outbox_latest(ob, "Bad Kind", &g), OUTBOX_E_INVALID);
    outbox_item_release(&a);
    outbox_item_release(&b);
    outbox_item_release(&c);
    outbox_close(ob);
}

static void t_list_order(void)
{
    char err[256];
    struct outbox *ob;
    struct outbox_item *items = NULL;
    size_t n = 0;
    int64_t ids[5];

    fresh_db();
    ob = outbox_open(dbpath, err, sizeof err);
    REQUIRE(ob != NULL);
    for (int i = 0; i < 5; i++) {
        struct outbox_item it;
        char body[64];
        snprintf(body, sizeof body, "{\"n\":%d}", i);
        REQUIRE(outbox_add(ob, "checkin", "POST", "/v1/checkins", body, &it) == OUTBOX_OK);
        ids[i] = it.id;
        outbox_item_release(&it);
    }
    CHECK_INT_EQ(outbox_mark_sent(ob, ids[1], 201), OUTBOX_OK);
    REQUIRE(outbox_list(ob, OUTBOX_PENDING, 100, &items, &n) == OUTBOX_OK);
    CHECK_INT_EQ(n, 4);
    if (n == 4) {
        CHECK_INT_EQ(items[0].id, ids[0]);
        CHECK_INT_EQ(items[1].id, ids[2]);
        CHECK_INT_EQ(items[3].id, ids[4]);
        CHECK_STR_EQ(items[3].body, "{\"n\":4}");
    }
    for (size_t i = 0; i < n; i++) {
        outbox_item_release(&items[i]);
    }
    free(items);
    REQUIRE(outbox_list(ob, OUTBOX_PENDING, 2, &items, &n) == OUTBOX_OK);
    CHECK_INT_EQ(n, 2);
    for (size_t i = 0; i < n; i++) {
        outbox_item_release(&items[i]);
    }
    free(items);
    outbox_close(ob);
}

static void t_bad_input(void)
{
    char err[256], big_kind[64], long_path[300];
    struct outbox *ob;
    char *big;

    fresh_db();
    ob = outbox_open(dbpath, err, sizeof err);
    REQUIRE(ob != NULL);
    memset(big_kind, 'a', 32);
    big_kind[32] = '\0';
    long_path[0] = '/';
    memset(long_path + 1, 'p', 255);
    long_path[256] = '\0';
    CHECK_INT_EQ(outbox_add(ob, "", "POST", "/v1/x", "{}", NULL), OUTBOX_E_INVALID);
    CHECK_INT_EQ(outbox_add(ob, NULL, "POST", "/v1/x", "{}", NULL), OUTBOX_E_INVALID);
    CHECK_INT_EQ(outbox_add(ob, big_kind, "POST", "/v1/x", "{}", NULL), OUTBOX_E_INVALID);
    CHECK_INT_EQ(outbox_add(ob, "Check-In", "POST", "/v1/x", "{}", NULL), OUTBOX_E_INVALID);
    CHECK_INT_EQ(outbox_add(ob, "checkin", "PUT", "/v1/x", "{}", NULL), OUTBOX_E_INVALID);
    CHECK_INT_EQ(outbox_add(ob, "checkin", "POST", "v1/x", "{}", NULL), OUTBOX_E_INVALID);
    CHECK_INT_EQ(outbox_add(ob, "checkin", "POST", "/v1/x y", "{}", NULL), OUTBOX_E_INVALID);
    CHECK_INT_EQ(outbox_add(ob, "checkin", "POST", "/v1/x\r\nX: y", "{}", NULL), OUTBOX_E_INVALID);
    CHECK_INT_EQ(outbox_add(ob, "checkin", "POST", long_path, "{}", NULL), OUTBOX_E_INVALID);
    long_path[255] = '\0'; /* 255 chars: the maximum is allowed */
    CHECK_INT_EQ(outbox_add(ob, "checkin", "POST", long_path, "{}", NULL), OUTBOX_OK);
    big = malloc(OUTBOX_BODY_MAX + 2);
    REQUIRE(big != NULL);
    memset(big, ' ', OUTBOX_BODY_MAX + 1);
    big[OUTBOX_BODY_MAX + 1] = '\0';
    CHECK_INT_EQ(outbox_add(ob, "checkin", "POST", "/v1/x", big, NULL), OUTBOX_E_INVALID);
    big[OUTBOX_BODY_MAX] = '\0';
    CHECK_INT_EQ(outbox_add(ob, "checkin", "POST", "/v1/x", big, NULL), OUTBOX_OK);
    free(big);
    /* Nothing invalid was stored. */
    CHECK_INT_EQ(outbox_count(ob, OUTBOX_PENDING), 2);
    outbox_close(ob);

    /* A path that can't be opened is an error in words, not a crash. */
    err[0] = '\0';
    CHECK(outbox_open("/nonexistent-dir/x/outbox.db", err, sizeof err) == NULL);
    CHECK(strlen(err) > 0);
    CHECK(outbox_open(NULL, err, sizeof err) == NULL);
}

static void t_long_message_truncated(void)
{
    char err[256], msg[1000];
    struct outbox *ob;
    struct outbox_item it, g;

    fresh_db();
    ob = outbox_open(dbpath, err, sizeof err);
    REQUIRE(ob != NULL);
    REQUIRE(outbox_add(ob, "checkin", "POST", "/v1/checkins", "{}", &it) == OUTBOX_OK);
    /* 333 × "あ" (3 bytes each): truncation must not split a character. */
    msg[0] = '\0';
    for (int i = 0; i < 333; i++) {
        memcpy(msg + i * 3, "\xe3\x81\x82", 3);
    }
    msg[999] = '\0';
    CHECK_INT_EQ(outbox_mark_failed(ob, it.id, 400, msg), OUTBOX_OK);
    REQUIRE(outbox_get(ob, it.id, &g) == OUTBOX_OK);
    CHECK(strlen(g.message) <= OUTBOX_MESSAGE_MAX);
    CHECK(strlen(g.message) % 3 == 0);
    CHECK(strlen(g.message) >= OUTBOX_MESSAGE_MAX - 3);
    outbox_item_release(&g);
    outbox_item_release(&it);
    outbox_close(ob);
}

static void t_full(void)
{
    char err[256];
    struct outbox *ob;
    struct outbox_item it;

    fresh_db();
    ob = outbox_open(dbpath, err, sizeof err);
    REQUIRE(ob != NULL);
    for (int i = 0; i < OUTBOX_PENDING_MAX; i++) {
        if (outbox_add(ob, "checkin", "POST", "/v1/checkins", "{}", NULL) != OUTBOX_OK) {
            CHECK(!"add failed below the cap");
            break;
        }
    }
    CHECK_INT_EQ(outbox_count(ob, OUTBOX_PENDING), OUTBOX_PENDING_MAX);
    CHECK_INT_EQ(outbox_add(ob, "checkin", "POST", "/v1/checkins", "{}", NULL), OUTBOX_E_FULL);
    CHECK_INT_EQ(outbox_count(ob, OUTBOX_PENDING), OUTBOX_PENDING_MAX);
    /* Delivering one makes room for one. */
    CHECK_INT_EQ(outbox_mark_sent(ob, 1, 201), OUTBOX_OK);
    CHECK_INT_EQ(outbox_add(ob, "checkin", "POST", "/v1/checkins", "{}", &it), OUTBOX_OK);
    outbox_item_release(&it);
    outbox_close(ob);
}

static void t_reopen(void)
{
    char err[256], key[OUTBOX_KEY_HEX_LEN + 1];
    struct outbox *ob;
    struct outbox_item it, g;
    int64_t id, sent_id;

    fresh_db();
    ob = outbox_open(dbpath, err, sizeof err);
    REQUIRE(ob != NULL);
    REQUIRE(outbox_add(ob, "checkin", "POST", "/v1/checkins", "{\"answer\":\"itsumo\"}", &it) ==
            OUTBOX_OK);
    id = it.id;
    memcpy(key, it.idem_key, sizeof key);
    outbox_item_release(&it);
    REQUIRE(outbox_add(ob, "checkin", "POST", "/v1/checkins", "{}", &it) == OUTBOX_OK);
    sent_id = it.id;
    outbox_item_release(&it);
    CHECK_INT_EQ(outbox_mark_sent(ob, sent_id, 201), OUTBOX_OK);
    outbox_close(ob);

    ob = outbox_open(dbpath, err, sizeof err);
    REQUIRE(ob != NULL);
    REQUIRE(outbox_get(ob, id, &g) == OUTBOX_OK);
    CHECK_INT_EQ(g.state, OUTBOX_PENDING);
    CHECK_STR_EQ(g.idem_key, key);
    CHECK_STR_EQ(g.body, "{\"answer\":\"itsumo\"}");
    outbox_item_release(&g);
    REQUIRE(outbox_get(ob, sent_id, &g) == OUTBOX_OK);
    CHECK_INT_EQ(g.state, OUTBOX_SENT);
    outbox_item_release(&g);
    outbox_close(ob);
}

/* The child adds an item, tells the parent its id and key only after outbox_add returned,
 * and is SIGKILLed without closing anything: the committed item must be in the file. */
static void t_killed_process(void)
{
    int fds[2];
    pid_t pid;
    char buf[128] = "", err[256];
    long long id = 0;
    char key[OUTBOX_KEY_HEX_LEN + 1] = "";
    ssize_t got = 0;
    int status;
    struct outbox *ob;
    struct outbox_item g;

    fresh_db();
    REQUIRE(pipe(fds) == 0);
    fflush(NULL);
    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        struct outbox *cob = outbox_open(dbpath, err, sizeof err);
        struct outbox_item it;
        close(fds[0]);
        if (!cob || outbox_add(cob, "checkin", "POST", "/v1/checkins", "{\"answer\":\"genkinai\"}",
                               &it) != OUTBOX_OK) {
            _exit(1);
        }
        snprintf(buf, sizeof buf, "%lld %s\n", (long long)it.id, it.idem_key);
        if (write(fds[1], buf, strlen(buf)) < 0) {
            _exit(2);
        }
        for (;;) {
            pause(); /* killed here, with the database still open */
        }
    }
    close(fds[1]);
    while (got < (ssize_t)sizeof buf - 1) {
        ssize_t r = read(fds[0], buf + got, sizeof buf - 1 - (size_t)got);
        if (r <= 0) {
            break;
        }
        got += r;
        if (memchr(buf, '\n', (size_t)got)) {
            break;
        }
    }
    buf[got > 0 ? got : 0] = '\0';
    close(fds[0]);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    REQUIRE(sscanf(buf, "%lld %32s", &id, key) == 2);

    ob = outbox_open(dbpath, err, sizeof err);
    REQUIRE(ob != NULL);
    REQUIRE(outbox_get(ob, id, &g) == OUTBOX_OK);
    CHECK_INT_EQ(g.state, OUTBOX_PENDING);
    CHECK_STR_EQ(g.idem_key, key);
    CHECK_STR_EQ(g.body, "{\"answer\":\"genkinai\"}");
    outbox_item_release(&g);
    outbox_close(ob);
}

static void t_newer_schema_refused(void)
{
    char err[256];
    struct outbox *ob;
    sqlite3 *db = NULL;

    fresh_db();
    ob = outbox_open(dbpath, err, sizeof err);
    REQUIRE(ob != NULL);
    outbox_close(ob);
    /* Simulate a file written by a newer program: it must not be silently misread. */
    REQUIRE(sqlite3_open(dbpath, &db) == SQLITE_OK);
    CHECK_INT_EQ(sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    err[0] = '\0';
    CHECK(outbox_open(dbpath, err, sizeof err) == NULL);
    CHECK(strstr(err, "newer") != NULL);
}

int main(void)
{
    int rc;

    if (!tu_mkdtemp(dir, sizeof dir)) {
        fprintf(stderr, "cannot make a temp dir\n");
        return 1;
    }
    TEST_RUN(t_add_get_states);
    TEST_RUN(t_latest_of_kind);
    TEST_RUN(t_list_order);
    TEST_RUN(t_bad_input);
    TEST_RUN(t_long_message_truncated);
    TEST_RUN(t_full);
    TEST_RUN(t_reopen);
    TEST_RUN(t_killed_process);
    TEST_RUN(t_newer_schema_refused);
    rc = test_summary();
    tu_rmdir(dir);
    return rc;
}
