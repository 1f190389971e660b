/*
 * opush.c: the push worker (see opush.h). One libcurl easy handle is reused for every
 * request, so a recipient that keeps its connection open is not reconnected per message.
 * Redirects are not followed (a webhook endpoint that redirects is misconfigured, and
 * following could leak a body elsewhere). Only https:// with the certificate verified
 * against the system's CAs, or http:// to a loopback host (whurl.h), checked again here for
 * endpoints stored before that rule; proxies named in the environment (http_proxy,
 * HTTPS_PROXY, ALL_PROXY, ...) are ignored, so whoever can set the hub's environment
 * cannot route resident data through a host of their choosing.
 */
#include "opush.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include <openssl/rand.h>

#include "deliveries.h"
#include "whsig.h"
#include "whurl.h"

#define RESPONSE_CAP 4096 /* we read at most this much of an answer, then ignore the rest */

struct opush {
    struct db *db;
    const struct hubclock *clock;
    struct opush_config cfg;
    CURL *curl;
    unsigned long long rng;
    double last_latency_ms;
};

void opush_config_default(struct opush_config *c)
{
    c->timeout_ms = 10000;
    c->max_age_s = 72LL * 3600;
    c->base_delay_s = 10;
    c->max_delay_s = 3600;
    c->batch = 32;
}

long long opush_backoff_s(const struct opush_config *c, int failures, unsigned int rnd)
{
    long long d = c->base_delay_s > 0 ? c->base_delay_s : 1;
    for (int i = 1; i < failures && d < c->max_delay_s; i++) {
        d *= 2;
    }
    if (d > c->max_delay_s) {
        d = c->max_delay_s;
    }
    /* Jitter in [d/2, d]: retries of many deliveries that failed together spread out. */
    long long half = d / 2;
    long long j = half + (long long)((unsigned long long)rnd % (unsigned long long)(d - half + 1));
    return j > 0 ? j : 1;
}

static unsigned int next_rand(struct opush *p)
{
    /* xorshift64*: jitter needs spread, not secrecy. */
    p->rng ^= p->rng >> 12;
    p->rng ^= p->rng << 25;
    p->rng ^= p->rng >> 27;
    return (unsigned int)((p->rng * 2685821657736338717ULL) >> 32);
}

struct opush *opush_create(struct db *db, const struct hubclock *clock,
                           const struct opush_config *cfg)
{
    struct opush *p = calloc(1, sizeof(*p));
    if (!p) {
        return NULL;
    }
    p->db = db;
    p->clock = clock;
    if (cfg) {
        p->cfg = *cfg;
    } else {
        opush_config_default(&p->cfg);
    }
    if (p->cfg.batch < 1 || p->cfg.batch > OQUEUE_MAX_PULL) {
        p->cfg.batch = 32;
    }
    p->curl = curl_easy_init();
    if (!p->curl || RAND_bytes((unsigned char *)&p->rng, sizeof(p->rng)) != 1) {
        opush_destroy(p);
        return NULL;
    }
    p->rng |= 1; /* xorshift must not start at 0 */
    return p;
}

void opush_destroy(struct opush *p)
{
    if (!p) {
        return;
    }
    if (p->curl) {
        curl_easy_cleanup(p->curl);
    }
    free(p);
}

double opush_last_latency_ms(const struct opush *p)
{
    return p->last_latency_ms;
}

static size_t discard(char *ptr, size_t size, size_t nmemb, void *ud)
{
    size_t *seen = ud;
    size_t n = size * nmemb;
    *seen += n;
    /* Returning less than n aborts the transfer: an endless answer is not our problem. */
    return *seen > RESPONSE_CAP ? 0 : n;
}

long opush_post(CURL *c, const struct opush_msg *m, long long now, long timeout_ms, char *err,
                size_t errlen)
{
    long status = 0;
    struct curl_slist *h = NULL;
    char sig[WHSIG_SIG_MAX], line[160];
    size_t seen = 0;
    enum whsig_result wr =
        whsig_sign(m->secret, m->msg_id, now, m->body, m->body_len, sig, sizeof(sig));
    if (wr != WHSIG_OK) {
        snprintf(err, errlen, "cannot sign: %s", whsig_result_str(wr));
        goto out;
    }
    struct curl_slist *t = curl_slist_append(NULL, "Content-Type: application/json");
    h = t;
    snprintf(line, sizeof(line), "webhook-id: %s", m->msg_id);
    t = t ? curl_slist_append(h, line) : NULL;
    snprintf(line, sizeof(line), "webhook-timestamp: %lld", now);
    t = t ? curl_slist_append(h, line) : NULL;
    snprintf(line, sizeof(line), "webhook-signature: %s", sig);
    t = t ? curl_slist_append(h, line) : NULL;
    t = t ? curl_slist_append(h, "Expect:") : NULL; /* no 100-continue round trip */
    if (!t) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    enum whurl_kind kind = whurl_check(m->url, OQUEUE_URL_MAX - 1, err, errlen);
    if (kind == WHURL_BAD)
        goto out; /* recorded as the attempt's error; never sent */
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, m->url);
    curl_easy_setopt(c, CURLOPT_PROXY, "");    /* "" = no proxy, whatever the environment */
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*"); /* and no host goes through one */
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, m->body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)m->body_len);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, kind == WHURL_HTTPS ? "https" : "http");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "kiosk-linkage-hub/orders");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &seen);
    CURLcode cr = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (cr != CURLE_OK && !(cr == CURLE_WRITE_ERROR && status >= 200)) {
        snprintf(err, errlen, "%s", curl_easy_strerror(cr));
        status = 0;
        goto out;
    }
    if (status < 200 || status > 299) {
        snprintf(err, errlen, "answered HTTP %ld", status);
    }
out:
    curl_slist_free_all(h);
    return status;
}

/* One signed POST of a delivery. Returns the HTTP status (0 if none) and a short error
 * text. */
static long post(struct opush *p, const struct oqueue_item *it, long long now, char *err,
                 size_t errlen)
{
    struct opush_msg m = {it->url, it->secret, it->msg_id, it->body, it->body_len};
    return opush_post(p->curl, &m, now, p->cfg.timeout_ms, err, errlen);
}

/* Claims due deliveries in a short transaction of its own (the push lease). */
static enum orders_rc claim_due(struct opush *p, long long now, long long claim_s,
                                struct oqueue_item **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    if (db_begin(p->db) != DB_OK)
        return ORDERS_DB;
    enum orders_rc rc = deliveries_push_due(p->db, now, claim_s, p->cfg.batch, items, n);
    if (rc == ORDERS_OK && db_commit(p->db) != DB_OK)
        rc = ORDERS_DB;
    else if (rc != ORDERS_OK)
        db_rollback(p->db);
    if (rc != ORDERS_OK) {
        oqueue_items_free(*items, *n);
        *items = NULL;
        *n = 0;
    }
    return rc;
}

/* Records one attempt's outcome in a short transaction of its own: delivered (next < 0),
 * retry at next, or given up (next = 0). */
static enum orders_rc record(struct opush *p, long long id, long long next, long long now,
                             const char *err)
{
    if (db_begin(p->db) != DB_OK)
        return ORDERS_DB;
    enum orders_rc rc = next < 0 ? deliveries_push_done(p->db, id, now)
                                 : deliveries_push_failed(p->db, id, next, err);
    if (rc == ORDERS_OK && db_commit(p->db) != DB_OK)
        rc = ORDERS_DB;
    else if (rc != ORDERS_OK)
        db_rollback(p->db);
    return rc;
}

enum orders_rc opush_run_once(struct opush *p, struct opush_stats *stats)
{
    enum orders_rc rc = ORDERS_OK;
    struct opush_stats s = {0, 0, 0, 0};
    /* A claim outlives the request by a margin, so a crashed worker's claims come back. */
    long long claim_s = p->cfg.timeout_ms / 1000 + 30;
    for (;;) {
        struct oqueue_item *items = NULL;
        size_t n = 0;
        long long now = hubclock_at(p->clock);
        rc = claim_due(p, now, claim_s, &items, &n);
        if (rc != ORDERS_OK || n == 0) {
            oqueue_items_free(items, n);
            break;
        }
        for (size_t i = 0; i < n && rc == ORDERS_OK; i++) {
            char err[160] = "";
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            long long at = hubclock_at(p->clock);
            long status = post(p, &items[i], at, err, sizeof(err));
            s.attempted++;
            long long after = hubclock_at(p->clock);
            if (status >= 200 && status <= 299) {
                clock_gettime(CLOCK_MONOTONIC, &t1);
                p->last_latency_ms =
                    (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
                rc = record(p, items[i].id, -1, after, NULL);
                s.delivered++;
                continue;
            }
            int failures = items[i].push_attempts + 1;
            long long next = after + opush_backoff_s(&p->cfg, failures, next_rand(p));
            if (next - items[i].created_unix > p->cfg.max_age_s) {
                next = 0; /* 72 h are over: stop pushing, pull still has it */
                s.gave_up++;
            } else {
                s.failed++;
            }
            rc = record(p, items[i].id, next, after, err);
        }
        oqueue_items_free(items, n);
        if (rc != ORDERS_OK || n < (size_t)p->cfg.batch) {
            break;
        }
    }
    if (stats) {
        *stats = s;
    }
    return rc;
}
