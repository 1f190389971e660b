/*
 * fuzz_hubhttp.c: libFuzzer target that feeds each input, as the raw bytes of one client
 * connection (request line, headers, body, possibly several pipelined requests), to hubd's
 * own server running in this process (server_start() of the hubhttp library: libmicrohttpd,
 * body caps, routing, strict parsing, authorization, limits and every handler, the writer and
 * its audit records) on a temporary SQLite hub. libmicrohttpd reads requests only from
 * sockets, so the input goes through a loopback connection; the answer is read until the hub
 * closes it.
 *
 * The hub is made once per process: the real hubctl enrols a resident, a home tablet, a
 * public kiosk, a family member, city staff, an operator with the demo catalogue and a source
 * organisation with a file of checkups of that resident; their token hashes are then set to those
 * of fixed tokens, which the seeds use (tests/hub/corpus/fuzz_hubhttp), and a card session of the
 * kiosk is opened. A few requests through the server itself then make an alert, a safety check, an
 * order and a family request, so the routes with an {id} find one.
 *
 * Checked for every input, beyond the sanitizers:
 * - the bytes that come back are a sequence of well-formed HTTP answers (status line,
 *   headers, a body of exactly its Content-Length), nothing after the last one;
 * - every answer the hub queued arrives, once, in order; the only other answer allowed is
 *   libmicrohttpd's own refusal of a malformed request, which ends the connection (and is
 *   not checked further: see walk_reply());
 * - every JSON answer parses, and every error answer is {"error":{"code","message"}};
 * - no write (any method but GET and HEAD) is answered 2xx without one of the tokens
 *   enrolled here (POST /v1/notify/ack, whose body is the credential, excepted), nor a
 *   write under /v1/session/ without the open card session.
 */
#include "db.h"
#include "hubdb.h"
#include "hubtoken.h"
#include "server.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INPUT_MAX   (256 * 1024)
#define ANSWERS_MAX 256
#define REPLY_MAX   (4 * 1024 * 1024)
#define IDLE_MS     50

/* The enrolled principals' fixed tokens (the seeds' "Authorization: Bearer ..."). */
static const char *const tokens[] = {"dev_home", "dev_kiosk", "fam_taro",
                                     "stf_city", "src_city",  "opk_shop"};
#define SESSION_TOKEN "ses_card"

static struct server *hub;
static unsigned port;
static char db_path[256];

/* What the hub queued for the current input's connection (observe() below), in order:
 * the connection's client port (0: none being watched), requests handed to a handler,
 * answers. */
struct seen {
    char method[16];
    int status;
};
static pthread_mutex_t seen_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned watched_port;
static struct seen seen[ANSWERS_MAX];
static int n_seen, n_handled, seen_overflow, session_ended;
static int verbose; /* FUZZ_HUBHTTP_VERBOSE=1: every answer on stderr (seed upkeep) */

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_hubhttp: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

/* 1 when authorization is "Bearer <one of the enrolled tokens>", as auth_bearer() reads it. */
static int token_valid(const char *authorization)
{
    if (!authorization || strncasecmp(authorization, "Bearer ", 7) != 0)
        return 0;
    const char *t = authorization + 7;
    while (*t == ' ')
        t++;
    for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++)
        if (strcmp(t, tokens[i]) == 0)
            return 1;
    return 0;
}

static void observe(void *arg, const struct server_answer *a)
{
    (void)arg;
    int ok2xx = a->status >= 200 && a->status < 300;
    int write = strcmp(a->method, "GET") != 0 && strcmp(a->method, "HEAD") != 0;
    if (ok2xx && write && strcmp(a->path, "/v1/notify/ack") != 0 && !token_valid(a->authorization))
        fail("a write was answered 2xx without a valid token", a->path);
    if (ok2xx && write && strncmp(a->path, "/v1/session/", 12) == 0 &&
        (!a->card_session || strcmp(a->card_session, SESSION_TOKEN) != 0))
        fail("a card-session write was answered 2xx without the session", a->path);
    if (verbose && a->status)
        fprintf(stderr, "fuzz_hubhttp: %s %s -> %d\n", a->method, a->path, a->status);
    pthread_mutex_lock(&seen_mu);
    if (ok2xx && strcmp(a->path, "/v1/auth/logout") == 0)
        session_ended = 1;
    if (a->client_port != watched_port || !watched_port) {
        /* another connection's, e.g. one closed early: not this input's */
    } else if (a->status == 0) {
        n_handled++;
    } else if (n_seen < ANSWERS_MAX) {
        snprintf(seen[n_seen].method, sizeof seen[n_seen].method, "%s", a->method);
        seen[n_seen].status = a->status;
        n_seen++;
    } else {
        seen_overflow = 1;
    }
    pthread_mutex_unlock(&seen_mu);
}

/* The value of header name in the header block [h, end), or NULL; its length in *len. */
static const char *header_value(const char *h, const char *end, const char *name, size_t *len)
{
    size_t nl = strlen(name);
    while (h < end) {
        const char *eol = memmem(h, (size_t)(end - h), "\r\n", 2);
        if (!eol)
            eol = end;
        if ((size_t)(eol - h) > nl && strncasecmp(h, name, nl) == 0 && h[nl] == ':') {
            const char *v = h + nl + 1;
            while (v < eol && *v == ' ')
                v++;
            *len = (size_t)(eol - v);
            return v;
        }
        h = eol + 2;
    }
    return NULL;
}

/* A JSON body must parse; an error's must be {"error":{"code":"…","message":"…"}}. */
static void check_json(const char *body, size_t len, int status)
{
    cJSON *root = cJSON_ParseWithLength(body, len);
    if (!root)
        fail("a JSON answer does not parse", body);
    if (status >= 400) {
        cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "error");
        if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "code")) ||
            !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "message")))
            fail("an error answer without error.code and error.message", body);
    }
    cJSON_Delete(root);
}

/* Walks the answers in reply[0..len) against what the hub queued (seen[]; seen_mu held).
 * strict: every fault aborts, and every queued answer must be there; else returns -1 on
 * a fault or an answer not complete yet. Returns how many of the hub's answers arrived. */
#define WALK_FAIL(what, detail)                                                                    \
    do {                                                                                           \
        if (!strict)                                                                               \
            return -1;                                                                             \
        fail(what, detail);                                                                        \
    } while (0)
static int walk_reply(const char *reply, size_t len, int strict)
{
    size_t pos = 0;
    int k = 0, foreign = 0;
    while (pos < len) {
        const char *p = reply + pos, *end = reply + len;
        /* libmicrohttpd's own refusal ends the connection, and is not always well-formed:
         * 0.9.75 sends the head of its 400 for a Content-Length with a stray CR twice, the
         * first without its body. The hub's answers all came before it. */
        if (foreign)
            break;
        int status = 0;
        if (len - pos < 13 ||
            (strncmp(p, "HTTP/1.1 ", 9) != 0 && strncmp(p, "HTTP/1.0 ", 9) != 0) ||
            sscanf(p + 9, "%3d", &status) != 1 || status < 100 || status > 599)
            WALK_FAIL("not an HTTP status line", p);
        const char *hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
        if (!hend)
            WALK_FAIL("an answer's headers do not end", p);
        const char *h = memmem(p, (size_t)(hend - p) + 2, "\r\n", 2) + 2;
        pos = (size_t)(hend + 4 - reply);
        if (status < 200)
            continue; /* 100 Continue: an interim answer */
        const char *method = NULL;
        if (k < n_seen && seen[k].status == status) {
            method = seen[k].method;
            k++;
        } else {
            foreign = 1; /* libmicrohttpd's own (400, 413, 431, 505...): the last one */
        }
        size_t cl_len = 0;
        const char *cl = header_value(h, hend, "Content-Length", &cl_len);
        int bodyless = status == 204 || status == 304 || (method && strcmp(method, "HEAD") == 0);
        if (bodyless)
            continue;
        if (!cl)
            WALK_FAIL("an answer without Content-Length", p);
        unsigned long long n = strtoull(cl, NULL, 10);
        if (n > len - pos && !(foreign && pos == len))
            WALK_FAIL("an answer's body is cut short", p);
        if (n > len - pos)
            break; /* libmicrohttpd's own refusal of a HEAD request: no body */
        size_t ct_len = 0;
        const char *ct = header_value(h, hend, "Content-Type", &ct_len);
        if (strict && method && ct && ct_len >= 16 && strncmp(ct, "application/json", 16) == 0)
            check_json(reply + pos, (size_t)n, status);
        pos += (size_t)n;
    }
    if (strict && k != n_seen)
        fail("an answer the hub queued never arrived", NULL);
    return k;
}

/* Sends the bytes on a new connection, half-closes it and reads the answer into reply
 * (NUL-terminated) until the hub closes the connection, or until the hub has answered
 * every request it handed to a handler and has been silent for IDLE_MS: it then waits for
 * bytes of an unfinished request that will never come (it would wait for its deadline).
 * Returns the bytes read, or -1 when neither happened within 10 s (an answer missing). */
static long exchange(const uint8_t *data, size_t size, char *reply, size_t cap)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    struct sockaddr_in me;
    socklen_t melen = sizeof me;
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    long got = 0;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        fail("socket", NULL);
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    /* Closed with a reset once everything is read: no TIME_WAIT left per input. */
    struct linger lg = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&me, &melen) != 0)
        fail("cannot connect to the hub", NULL);
    pthread_mutex_lock(&seen_mu);
    watched_port = ntohs(me.sin_port);
    pthread_mutex_unlock(&seen_mu);
    size_t sent = 0;
    while (sent < size) {
        ssize_t n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
        if (n <= 0)
            break; /* the hub closed early (a refused request): read what it said */
        sent += (size_t)n;
    }
    shutdown(fd, SHUT_WR);
    reply[0] = '\0';
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int ready = poll(&pfd, 1, IDLE_MS);
        if (ready > 0) {
            ssize_t n = recv(fd, reply + got, cap - 1 - (size_t)got, 0);
            /* A reset after the answer (the hub closed with request bytes it never read,
             * e.g. the body of a 413) ends the answer like a close. */
            if (n == 0 || (n < 0 && errno == ECONNRESET))
                break;
            if (n < 0 && errno != EINTR)
                fail("recv", strerror(errno));
            got += n > 0 ? n : 0;
            reply[got] = '\0';
            if ((size_t)got == cap - 1)
                fail("answer larger than 4 MiB", NULL);
            continue;
        }
        pthread_mutex_lock(&seen_mu);
        int idle = n_handled == n_seen && walk_reply(reply, (size_t)got, 0) == n_seen;
        if (idle)
            watched_port = 0; /* what comes later is not this input's */
        pthread_mutex_unlock(&seen_mu);
        if (idle)
            break;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec > 10) {
            got = -1;
            break;
        }
    }
    pthread_mutex_lock(&seen_mu);
    watched_port = 0;
    pthread_mutex_unlock(&seen_mu);
    close(fd);
    return got;
}

/* Sets the token hash of the rows matching where in table to that of token. */
static int fix_token(struct db *db, const char *table, const char *where, const char *token)
{
    char hash[HUBTOKEN_HASH_HEX], sql[256];
    hubtoken_hash(token, strlen(token), hash);
    snprintf(sql, sizeof sql, "UPDATE %s SET token_hash = '%s' WHERE %s", table, hash, where);
    return db_exec(db, sql) == DB_OK ? 0 : -1;
}

/* (Re)opens the kiosk's card session for resident 1: after a logout, and before it would
 * expire (15 minutes idle, 60 in all). */
static void open_session(void)
{
    char err[256], hash[HUBTOKEN_HASH_HEX], sql[512];
    struct db *db = NULL;
    if (hubdb_open_db(db_path, 0, &db, err, sizeof err) != HUBDB_OK)
        fail("cannot open the hub database", err);
    hubtoken_hash(SESSION_TOKEN, strlen(SESSION_TOKEN), hash);
    long long now = (long long)time(NULL);
    snprintf(sql, sizeof sql,
             "DELETE FROM sessions WHERE token_hash = '%s';"
             "INSERT INTO sessions(token_hash, device_id, resident_id, created_unix,"
             " last_used_unix) VALUES('%s', 2, 1, %lld, %lld)",
             hash, hash, now, now);
    if (db_exec(db, sql) != DB_OK)
        fail("cannot open the card session", db_errmsg(db));
    hubdb_db_close(db);
}

/* Requests run once through the server so the routes with an {id} find something: an
 * alert pair (help), a safety check, an order and a family request (all id 1). */
static const char *const setup_requests[][3] = {
    {"POST /v1/help", "dev_home", ""},
    {"POST /v1/safety-checks", "stf_city",
     "{\"title_ja\":\"t\",\"whole_town\":true,\"answer_within_min\":60}"},
    {"POST /v1/operators/1/orders", "dev_home",
     "{\"items\":[{\"id\":\"cabbage\",\"qty\":2}],\"slot\":\"2099-11-24T15:00/17:00\","
     "\"payment_method\":\"cash_on_delivery\"}"},
    {"POST /v1/family-requests", "dev_home", "{\"family_id\":1,\"code\":\"come_over\"}"},
};

static char hub_dir[64];

/* The temporary hub goes with the process (libFuzzer ends with exit(); a crash leaves it
 * for a look). */
static void remove_hub(void)
{
    char cmd[128];
    if (hub_dir[0]) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", hub_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "fuzz_hubhttp: could not remove %s\n", hub_dir);
    }
}

static void setup(void)
{
    char *dir = hub_dir;
    static char reply[REPLY_MAX];
    char cmd[1024], err[512];
    struct stat st;
    struct db *db = NULL;
    /* tmpfs where there is one: the writer's fsyncs then cost nothing. */
    snprintf(hub_dir, sizeof hub_dir, "%s/fuzzhub.XXXXXX",
             stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp");
    if (!mkdtemp(hub_dir))
        fail("mkdtemp", hub_dir);
    atexit(remove_hub);
    snprintf(db_path, sizeof db_path, "%s/hub.db", dir);
    /* A test CA, so card logins get as far as the certificate check (a signature over the
     * hub's random challenge is beyond any input), made once in the build tree (make-ca.sh
     * leaves a complete one alone); a hub key, so tree heads get signed. */
    snprintf(cmd, sizeof cmd, "%s %s 1 >/dev/null 2>&1", TESTCA_SCRIPT, TESTCA_DIR);
    if (system(cmd) != 0)
        fail("cannot make the test CA", cmd);
    static char key_path[128];
    snprintf(key_path, sizeof key_path, "%s/hub.key", dir);
    static const char *const steps[] = {
        "init --key @/hub.key",
        "resident-add --name Hanako --district Kita --deadline 10:00 --address 'Kita 1-2'"
        " --insurer 00012345 --symbol あいう --insured 1870 --branch 00 --cert " TESTCA_DIR
        "/resident-1.pem",
        "device-add --kind home --resident 1",
        "device-add --kind public",
        "device-set --device 2 --district Kita",
        "family-add --name Taro --resident 1",
        "staff-add --name Staff",
        "operator-add --name Shop --district Kita",
        "catalogue-import --operator 1 --file " SOURCE_DIR
        "/tools/opreceiver/demo-catalogue/catalogue.json",
        "consent-grant --resident 1 --recipient operator:1 --data-kind address"
        " --purpose delivery",
        "source-add --name City",
        "checkup-import --source 1 --file " SOURCE_DIR "/tests/checkup/corpus/csv/small.csv",
        "consent-grant --resident 1 --recipient source:1 --data-kind checkups:1"
        " --purpose linkage",
        "notice-add --kind evacuation_order --title-ja t --what-ja w --todo-ja d",
        NULL};
    for (const char *const *s = steps; *s; s++) {
        char step[512]; /* "@" is the hub's folder */
        size_t n = 0;
        for (const char *c = *s; *c && n + sizeof hub_dir < sizeof step; c++)
            n += *c == '@' ? (size_t)snprintf(step + n, sizeof step - n, "%s", dir)
                           : (size_t)snprintf(step + n, sizeof step - n, "%c", *c);
        snprintf(cmd, sizeof cmd, "%s --db %s %s >/dev/null", HUBCTL_PATH, db_path, step);
        if (system(cmd) != 0)
            fail("hubctl failed", cmd);
    }
    if (hubdb_open_db(db_path, 0, &db, err, sizeof err) != HUBDB_OK)
        fail("cannot open the hub database", err);
    if (fix_token(db, "devices", "kind = 'home'", tokens[0]) ||
        fix_token(db, "devices", "kind = 'public'", tokens[1]) ||
        fix_token(db, "family", "id = 1", tokens[2]) ||
        fix_token(db, "staff", "id = 1", tokens[3]) ||
        fix_token(db, "sources", "id = 1", tokens[4]) ||
        fix_token(db, "operators", "id = 1", tokens[5]))
        fail("cannot set the tokens", db_errmsg(db));
    hubdb_db_close(db);
    open_session();
    /* Limits wide open (they would turn most inputs into 429s), no disk check, no ticker,
     * short deadlines so a stalled input cannot hold a connection for long. */
    struct server_config cfg = {.listen = "127.0.0.1",
                                .db_path = db_path,
                                .trust_ca = TESTCA_DIR "/ca.pem",
                                .key_path = key_path,
                                .push_poll_ms = 60000,
                                .jma_poll_seconds = 60,
                                .header_deadline_s = 1,
                                .body_deadline_s = 1,
                                .workers = 4,
                                .login_per_minute = 100000,
                                .refusals_per_minute = 1000000,
                                .min_free_mb = 0,
                                .audit_head_records = 4,
                                .audit_head_seconds = 1,
                                .notify_escalate_min = 10,
                                .observe = observe};
    hub = server_start(&cfg, err, sizeof err);
    if (!hub)
        fail("cannot start the hub", err);
    port = server_port(hub);
    for (size_t i = 0; i < sizeof setup_requests / sizeof setup_requests[0]; i++) {
        const char *const *r = setup_requests[i];
        char req[1024];
        int len = snprintf(req, sizeof req,
                           "%s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                           "Idempotency-Key: setup-%zu\r\nContent-Type: application/json\r\n"
                           "Content-Length: %zu\r\n\r\n%s",
                           r[0], r[1], i, strlen(r[2]), r[2]);
        long n = exchange((const uint8_t *)req, (size_t)len, reply, sizeof reply);
        if (n < 12 || reply[9] != '2')
            fail("a setup request was refused", n > 0 ? reply : r[0]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    static time_t session_opened;
    static char reply[REPLY_MAX];
    if (!ready) {
        verbose = getenv("FUZZ_HUBHTTP_VERBOSE") != NULL;
        setup();
        session_opened = time(NULL);
        ready = 1;
    }
    if (size > INPUT_MAX)
        return 0;
    pthread_mutex_lock(&seen_mu);
    if (session_ended || time(NULL) - session_opened > 600) {
        open_session();
        session_ended = 0;
        session_opened = time(NULL);
    }
    n_seen = 0;
    n_handled = 0;
    seen_overflow = 0;
    pthread_mutex_unlock(&seen_mu);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long n = exchange(data, size, reply, sizeof reply);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (verbose)
        fprintf(stderr, "fuzz_hubhttp: %ld ms\n",
                (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
    if (n < 0)
        fail("the hub neither answered nor closed the connection within 10 s", NULL);
    pthread_mutex_lock(&seen_mu);
    if (verbose)
        fprintf(stderr, "fuzz_hubhttp: answer (%ld bytes):\n%s\n", n, reply);
    if (!seen_overflow)
        walk_reply(reply, (size_t)n, 1);
    pthread_mutex_unlock(&seen_mu);
    return 0;
}
