/*
 * otest.c: helpers for the orders tests (see otest.h).
 */
#include "scope.h"
#include "otest.h"
#include "hubdb.h"
#include "secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "orders.h"

static char tmp_dir[256];

const char *otest_tmp_dir(void)
{
    if (!tmp_dir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(tmp_dir, sizeof(tmp_dir), "%s/orders-test-XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(tmp_dir)) {
            perror("mkdtemp");
            exit(2);
        }
    }
    return tmp_dir;
}

void otest_tmp_cleanup(void)
{
    if (tmp_dir[0] && strstr(tmp_dir, "orders-test-")) {
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_dir);
        if (system(cmd) != 0) {
            fprintf(stderr, "could not remove %s\n", tmp_dir);
        }
        tmp_dir[0] = '\0';
    }
}

const char *otest_write_file(const char *name, const void *data, size_t len)
{
    static char path[512];
    snprintf(path, sizeof(path), "%s/%s", otest_tmp_dir(), name);
    /* Create the missing parent folders below the temp folder. */
    size_t base = strlen(otest_tmp_dir());
    for (char *p = path + base + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0700);
            *p = '/';
        }
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
    return path;
}

static long long manual_now(void *ctx)
{
    return ((struct otest_clock *)ctx)->t;
}

void otest_clock_init(struct otest_clock *c)
{
    c->t = (long long)time(NULL);
    c->clock.now = manual_now;
    c->clock.ctx = c;
}

struct db *otest_db(const char *name)
{
    char path[512], err[256];
    struct db *db = NULL;
    snprintf(path, sizeof(path), "%s/%s", otest_tmp_dir(), name);
    unlink(path);
    /* The stores seal their secrets under the process's key file (one for the test). */
    char keyfile[512];
    struct secretbox *box = NULL;
    snprintf(keyfile, sizeof(keyfile), "%s/secrets.key", otest_tmp_dir());
    if (db_open(path, DB_OPEN_CREATE, &db, err, sizeof err) != DB_OK ||
        hubdb_migrate_db(db, err, sizeof err) != HUBDB_OK ||
        (!secretbox_installed() && secrets_start(db, keyfile, &box, err, sizeof err) != 0) ||
        /* the residents the orders are placed for (ids 1..200, town 1): an order is stored
         * only for a resident of its town */
        db_exec(db, "INSERT INTO residents(display_name, district, deadline_min, created_unix)"
                    " SELECT 'fixture', '中央町', 600, 0 FROM (WITH RECURSIVE s(g) AS (SELECT 1"
                    " UNION ALL SELECT g + 1 FROM s WHERE g < 200) SELECT g FROM s) t") != DB_OK) {
        fprintf(stderr, "otest_db %s: %s\n", path, err);
        db_close(db);
        return NULL;
    }
    return db;
}

long otest_pending(struct db *db, const char *recipient)
{
    long long n = -1;
    return deliveries_count_pending(db, scope_of(1), recipient, &n) == ORDERS_OK ? (long)n : -1;
}

int otest_receiver_start(struct otest_receiver *r, const char *secret, int fail_first, int port)
{
    static int n;
    char fail[16], portstr[16];
    memset(r, 0, sizeof(*r));
    snprintf(r->log, sizeof(r->log), "%s/receiver-%d.log", otest_tmp_dir(), ++n);
    snprintf(fail, sizeof(fail), "%d", fail_first);
    snprintf(portstr, sizeof(portstr), "%d", port);
    pid_t pid = fork();
    if (pid < 0) {
        return -1;
    }
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, 1);
        }
        execl(OPRECEIVER_PATH, "opreceiver", "--secret", secret, "--fail-first", fail, "--port",
              portstr, "--log", r->log, (char *)NULL);
        _exit(127);
    }
    r->pid = pid;
    /* Wait (≤ 10 s) for "listening 127.0.0.1:PORT" in the log. */
    for (int i = 0; i < 1000; i++) {
        FILE *f = fopen(r->log, "r");
        if (f) {
            char line[128];
            unsigned p = 0;
            if (fgets(line, sizeof(line), f) && sscanf(line, "listening 127.0.0.1:%u", &p) == 1) {
                fclose(f);
                r->port = (int)p;
                return 0;
            }
            fclose(f);
        }
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            r->pid = 0;
            return -1;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    otest_receiver_stop(r);
    return -1;
}

void otest_receiver_stop(struct otest_receiver *r)
{
    if (r->pid > 0) {
        kill(r->pid, SIGTERM);
        waitpid(r->pid, NULL, 0);
        r->pid = 0;
    }
}

int otest_receiver_count(const struct otest_receiver *r, const char *prefix)
{
    int n = 0;
    FILE *f = fopen(r->log, "r");
    char line[70000];
    size_t pl = strlen(prefix);
    while (f && fgets(line, sizeof(line), f)) {
        if (strncmp(line, prefix, pl) == 0) {
            n++;
        }
    }
    if (f) {
        fclose(f);
    }
    return n;
}

int otest_free_port(void)
{
    int port = -1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &sl) == 0) {
        port = ntohs(sa.sin_port);
    }
    if (fd >= 0) {
        close(fd);
    }
    return port;
}
