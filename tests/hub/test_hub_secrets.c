/*
 * test_hub_secrets.c: what the hub keeps and sends about operators, against the real
 * hubd, hubctl and webhook receiver (tools/opreceiver) on 127.0.0.1:
 *   - a webhook to plain http:// on another host is refused by hubctl in words; to this
 *     machine it is allowed (tests);
 *   - an endpoint stored before that rule (http:// elsewhere) is never contacted: the
 *     push records why;
 *   - proxies named in hubd's environment are ignored: the delivery reaches the receiver
 *     directly and the "proxy" (a socket of this test) is never contacted;
 *   - an https:// endpoint whose certificate does not verify (self-signed: here hubd's
 *     own HTTPS port) gets nothing: the push records the certificate failure;
 *   - (SQLite) the database, its -wal and -shm, a backup and the signing key are 0600
 *     whatever the umask, and files an older hub left 0644 are narrowed at the next start.
 */
#include "hubtest.h"
#include "test.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

static struct hubtest T;
static char home[128], log_a[160];
static pid_t recv_a;
static unsigned port_a;
static int proxy_fd = -1;
static unsigned proxy_port;

static const char ORDER[] =
    "{\"items\":[{\"id\":\"cabbage\",\"qty\":2}],\"slot\":\"2099-11-24T15:00/17:00\","
    "\"payment_method\":\"cash_on_delivery\"}";

/* Runs hubctl with args, its stderr into out; returns its exit status. */
static int ctl_err(const char *args, char *out, size_t cap)
{
    char cmd[1536];
    snprintf(cmd, sizeof cmd,
             "%s --db '%s' --clock-file %s --secrets-key %s/secrets.key %s 2>&1 >/dev/null",
             HUBCTL_PATH, T.db, T.clock, T.dir, args);
    FILE *f = popen(cmd, "r");
    if (!f)
        return -1;
    size_t n = fread(out, 1, cap - 1, f);
    out[n] = '\0';
    int st = pclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A listening socket standing in for a proxy: counts who connects. */
static int proxy_open(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    proxy_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (proxy_fd < 0 || bind(proxy_fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(proxy_fd, 16) != 0 || getsockname(proxy_fd, (struct sockaddr *)&a, &len) != 0)
        return -1;
    proxy_port = ntohs(a.sin_port);
    return 0;
}

static int proxy_connections(void)
{
    int n = 0, c;
    while ((c = accept(proxy_fd, NULL, NULL)) >= 0) {
        close(c);
        n++;
    }
    return n;
}

static void t_http_webhook_elsewhere_refused(void)
{
    char out[1024], args[512];
    snprintf(args, sizeof args,
             "operator-add --name 'Shop X' --district Kita --webhook http://shop.example/hook"
             " --secret %s",
             SECRET);
    CHECK(ctl_err(args, out, sizeof out) != 0);
    CHECK(strstr(out, "https://") != NULL);
    CHECK(strstr(out, "127.0.0.1") != NULL); /* says what is allowed */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM operators WHERE display_name = 'Shop X'"), 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_webhooks WHERE url LIKE 'http:%'"
                                " AND url NOT LIKE 'http://127.0.0.1:%'"),
                 0);
}

static void t_push_ignores_proxy_environment(void)
{
    char *a = NULL;
    CHECK_INT_EQ(ht_req(&T, "POST", "/v1/operators/1/orders", home, NULL, "proxy-1", ORDER,
                        strlen(ORDER), &a),
                 201);
    free(a);
    CHECK_INT_EQ(ht_wait_sql(&T,
                             "SELECT COUNT(*) FROM ord_deliveries WHERE recipient = 'operator:1'"
                             " AND acked_unix IS NOT NULL",
                             1, 10000),
                 1);
    CHECK_INT_EQ(ht_file_lines(log_a, "delivery id="), 1); /* straight to the receiver */
    CHECK_INT_EQ(proxy_connections(), 0);
}

static void t_stored_http_elsewhere_never_contacted(void)
{
    char *a = NULL;
    /* an endpoint stored by an older hub, before the rule */
    REQUIRE(ht_sql_exec(&T, "UPDATE ord_webhooks SET url = 'http://127.0.0.1.shop.example/h'"
                            " WHERE recipient = 'operator:1'") == 0);
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/operators/1/orders", home, NULL, "old-1", ORDER, strlen(ORDER), &a),
        201);
    free(a);
    CHECK_INT_EQ(ht_wait_sql(&T,
                             "SELECT COUNT(*) FROM ord_deliveries WHERE recipient = 'operator:1'"
                             " AND push_attempts > 0 AND acked_unix IS NULL"
                             " AND last_error LIKE '%https://%'",
                             1, 10000),
                 1);
    CHECK_INT_EQ(proxy_connections(), 0);
}

static void t_https_certificate_verified(void)
{
    char cmd[1024], crt[256], key[256], extra[600], *a = NULL;
    REQUIRE(ht_make_tls_cert(&T, crt, sizeof crt, key, sizeof key) == 0);
    REQUIRE(ht_stop(&T) == 0);
    snprintf(extra, sizeof extra, "--push-poll-ms 100 --tls-cert %s --tls-key %s", crt, key);
    REQUIRE(ht_start(&T, extra) == 0);
    T.tls = 1;
    snprintf(T.ca_file, sizeof T.ca_file, "%s", crt);
    /* the endpoint: the hub's own HTTPS port, whose certificate no public CA signed */
    snprintf(cmd, sizeof cmd,
             "UPDATE ord_webhooks SET url = 'https://127.0.0.1:%u/hook'"
             " WHERE recipient = 'operator:1'",
             T.port);
    REQUIRE(ht_sql_exec(&T, cmd) == 0);
    CHECK_INT_EQ(
        ht_req(&T, "POST", "/v1/operators/1/orders", home, NULL, "tls-1", ORDER, strlen(ORDER), &a),
        201);
    free(a);
    CHECK_INT_EQ(ht_wait_sql(&T,
                             "SELECT COUNT(*) FROM ord_deliveries WHERE recipient = 'operator:1'"
                             " AND push_attempts > 0 AND acked_unix IS NULL"
                             " AND (last_error LIKE '%certificate%' OR last_error LIKE '%SSL%')",
                             1, 10000),
                 1);
    CHECK_INT_EQ(proxy_connections(), 0);
}

static int mode_of(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int)(sb.st_mode & 07777) : -1;
}

static void check_private(const char *path)
{
    if (mode_of(path) != 0600)
        fprintf(stderr, "%s: mode %04o\n", path, (unsigned)mode_of(path));
    CHECK_INT_EQ(mode_of(path), 0600);
}

static void t_files_private(void)
{
    char p[400], args[512];
    if (ht_on_postgres(&T))
        return; /* the database's files are the server's; the key is checked on SQLite */
    check_private(T.db);
    snprintf(p, sizeof p, "%s-wal", T.db);
    check_private(p);
    snprintf(p, sizeof p, "%s-shm", T.db);
    check_private(p);
    check_private(T.key);
    snprintf(p, sizeof p, "%s/backup.db", T.dir);
    snprintf(args, sizeof args, "backup --out %s", p);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
    check_private(p);
    /* as an older hub left them */
    REQUIRE(ht_stop(&T) == 0);
    CHECK(chmod(T.db, 0644) == 0);
    CHECK(chmod(T.key, 0644) == 0);
    REQUIRE(ht_start(&T, "--push-poll-ms 100") == 0);
    check_private(T.db);
    check_private(T.key);
    snprintf(p, sizeof p, "%s-wal", T.db);
    check_private(p);
}

int main(void)
{
    char args[768], op[128];
    umask(022); /* the usual umask: files are private because the hub makes them so */
    if (ht_init(&T, time(NULL)) != 0)
        return 1;
    snprintf(log_a, sizeof log_a, "%s/recv-a.log", T.dir);
    char cmd[768], line[256];
    snprintf(cmd, sizeof cmd, "exec %s --secret %s --port 0 --tolerance 100000000 --log %s",
             OPRECEIVER_PATH, SECRET, log_a);
    recv_a = ht_spawn(cmd, line, sizeof line);
    int ok = recv_a > 0 && sscanf(line, "listening 127.0.0.1:%u", &port_a) == 1;
    ok = ok && proxy_open() == 0;
    ok = ok && ht_ctl(&T, NULL, NULL, 0,
                      "resident-add --name Hanako --district Kita --deadline 10:00") == 0;
    ok = ok && ht_ctl(&T, "token", home, sizeof home, "device-add --kind home --resident 1") == 0;
    snprintf(args, sizeof args,
             "operator-add --name 'Shop A' --district Kita --webhook http://127.0.0.1:%u/orders"
             " --secret %s",
             port_a, SECRET);
    ok = ok && ht_ctl(&T, "token", op, sizeof op, args) == 0;
    snprintf(args, sizeof args, "catalogue-import --operator 1 --file %s", DEMO_CATALOGUE);
    ok = ok && ht_ctl(&T, NULL, NULL, 0, args) == 0;
    /* every proxy variable libcurl reads, pointing at the test's socket */
    char proxy[64];
    snprintf(proxy, sizeof proxy, "http://127.0.0.1:%u", proxy_port);
    static const char *const vars[] = {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                                       "all_proxy",  "ALL_PROXY",  NULL};
    for (int i = 0; vars[i]; i++)
        setenv(vars[i], proxy, 1);
    unsetenv("no_proxy");
    unsetenv("NO_PROXY");
    ok = ok && ht_start(&T, "--push-poll-ms 100") == 0;
    for (int i = 0; vars[i]; i++)
        unsetenv(vars[i]);
    if (!ok) {
        fprintf(stderr, "cannot enrol or start the test hub\n");
        if (recv_a > 0)
            kill(recv_a, SIGTERM);
        ht_cleanup(&T);
        return 1;
    }
    TEST_RUN(t_files_private);
    TEST_RUN(t_http_webhook_elsewhere_refused);
    TEST_RUN(t_push_ignores_proxy_environment);
    TEST_RUN(t_stored_http_elsewhere_never_contacted);
    TEST_RUN(t_https_certificate_verified);
    ht_cleanup(&T);
    kill(recv_a, SIGTERM);
    waitpid(recv_a, NULL, 0);
    return test_summary();
}
