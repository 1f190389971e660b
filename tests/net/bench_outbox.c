/*
 * bench_outbox: a benchmark program (not a test). Measures what a tap on 元気です costs
 * before the screen may say 送信待ち (one durable outbox_add: WAL + synchronous=FULL
 * commit), and the time from sender_enqueue to the hub's 201 over loopback against
 * test_server_lmhd, sequentially (one resident taps, one item at a time).
 *
 * usage: bench_outbox [DIR] [N]   (DIR: where the outbox file goes, default $TMPDIR or /tmp;
 *                                 N: items, default 200)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net_testutil.h"
#include "outbox.h"
#include "sender.h"
#include "test_server_lmhd.h"

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static void print_stats(const char *what, long long *us, int n)
{
    qsort(us, (size_t)n, sizeof *us, cmp_ll);
    printf("%-34s n=%d  p50=%.2f ms  p99=%.2f ms  max=%.2f ms\n", what, n, us[n / 2] / 1000.0,
           us[(n * 99) / 100] / 1000.0, us[n - 1] / 1000.0);
}

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void on_report(void *ctx, struct sender_report *r)
{
    tu_box_put(ctx, r);
}

static void free_rep(void *p)
{
    sender_report_free(p);
}

int main(int argc, char **argv)
{
    char dir[512], path[700], err[256], url[64];
    int n = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 200;
    long long *us;
    struct outbox *ob;
    struct tsrv *srv;
    struct tu_box *box;
    struct sender *s;
    int rc = 1;

    if (n < 10 || n > OUTBOX_PENDING_MAX) {
        fprintf(stderr, "N must be 10..%d\n", OUTBOX_PENDING_MAX);
        return 2;
    }
    if (argc > 1) {
        setenv("TMPDIR", argv[1], 1);
    }
    if (!tu_mkdtemp(dir, sizeof dir)) {
        fprintf(stderr, "cannot make a directory\n");
        return 1;
    }
    us = calloc((size_t)n, sizeof *us);
    snprintf(path, sizeof path, "%s/bench-outbox.db", dir);
    ob = outbox_open(path, err, sizeof err);
    if (!us || !ob) {
        fprintf(stderr, "outbox: %s\n", err);
        goto out;
    }
    for (int i = 0; i < n; i++) {
        long long t0 = now_us();
        if (outbox_add(ob, "checkin", "POST", "/v1/checkins", "{\"answer\":\"genki\"}", NULL) !=
            OUTBOX_OK) {
            fprintf(stderr, "outbox_add failed: %s\n", outbox_errmsg(ob));
            goto out;
        }
        us[i] = now_us() - t0;
    }
    printf("outbox file in %s\n", dir);
    print_stats("outbox_add (durable commit)", us, n);
    outbox_close(ob);
    ob = NULL;
    tu_rmdir(dir);
    if (!tu_mkdtemp(dir, sizeof dir)) {
        goto out;
    }
    snprintf(path, sizeof path, "%s/bench-sender.db", dir);

    srv = tsrv_start(0, NULL, NULL);
    box = tu_box_create();
    snprintf(url, sizeof url, "http://127.0.0.1:%u", srv ? tsrv_port(srv) : 0);
    {
        struct sender_config cfg = {.outbox_path = path, .hub = {.base_url = url}};
        s = srv && box ? sender_create(&cfg, on_report, box, err, sizeof err) : NULL;
    }
    if (s) {
        int ok = 1;
        for (int i = 0; i < n && ok; i++) {
            long long t0 = now_us();
            struct sender_report *r;
            if (sender_enqueue(s, "checkin", "/v1/checkins", "{\"answer\":\"genki\"}", NULL,
                               NULL) != SENDER_OK ||
                !(r = tu_box_get(box, 5000)) || r->outcome != SENDER_SENT) {
                ok = 0;
                break;
            }
            sender_report_free(r);
            us[i] = now_us() - t0;
        }
        if (ok) {
            print_stats("enqueue -> 201 -> marked sent", us, n);
            rc = 0;
        } else {
            fprintf(stderr, "a delivery failed\n");
        }
    } else {
        fprintf(stderr, "sender: %s\n", err);
    }
    sender_destroy(s);
    tu_box_destroy(box, free_rep);
    tsrv_stop(srv);
out:
    outbox_close(ob);
    free(us);
    tu_rmdir(dir);
    return rc;
}
