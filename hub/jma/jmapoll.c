/*
 * jmapoll.c: hubd's JMA feed thread (see jmapoll.h).
 */
#include "jmapoll.h"
#include "hubclock.h"
#include "hubdb.h"
#include "jmaxml.h"
#include "notices.h"
#include "ticker.h"
#include "writer.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FETCH_TIMEOUT_S 20
#define VALIDATOR_MAX   256

struct jmapoll {
    struct jmapoll_config cfg;
    struct writer *writer;
    struct ticker *ticker;
    struct jma_telegram *telegram;     /* the one being read (large: not on the stack) */
    char etag[VALIDATOR_MAX];          /* of the last feed answer */
    char last_modified[VALIDATOR_MAX]; /* of the last feed answer */
};

/* ---- fetching ----------------------------------------------------------------------- */

struct body {
    char *data;
    size_t len, cap;
    int too_big;
    struct jmapoll *p; /* for the validators of the feed */
    int want_validators;
};

static size_t on_data(char *ptr, size_t size, size_t n, void *arg)
{
    struct body *b = arg;
    size_t add = size * n;
    if (b->len + add + 1 > b->cap) {
        b->too_big = 1;
        return 0; /* aborts the transfer */
    }
    memcpy(b->data + b->len, ptr, add);
    b->len += add;
    b->data[b->len] = '\0';
    return add;
}

/* Keeps the feed's ETag and Last-Modified for the next conditional request. */
static size_t on_header(char *line, size_t size, size_t n, void *arg)
{
    struct body *b = arg;
    size_t len = size * n;
    static const struct {
        const char *name;
        size_t off;
    } keep[] = {{"ETag:", offsetof(struct jmapoll, etag)},
                {"Last-Modified:", offsetof(struct jmapoll, last_modified)}};
    for (size_t i = 0; b->want_validators && i < sizeof keep / sizeof keep[0]; i++) {
        size_t nl = strlen(keep[i].name);
        if (len <= nl || strncasecmp(line, keep[i].name, nl) != 0)
            continue;
        const char *v = line + nl;
        size_t vl = len - nl;
        while (vl && (*v == ' ' || *v == '\t'))
            v++, vl--;
        while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
            vl--;
        char *dst = (char *)b->p + keep[i].off;
        if (vl < VALIDATOR_MAX) {
            memcpy(dst, v, vl);
            dst[vl] = '\0';
        }
    }
    return len;
}

/*
 * GETs url into *out (owned, NUL-terminated) with at most cap bytes. conditional: send the
 * feed's validators and keep the new ones. Returns the HTTP status (304 with *out NULL),
 * or 0 on a transport failure or a body over cap.
 */
static long fetch(struct jmapoll *p, const char *url, size_t cap, int conditional, char **out,
                  size_t *out_len)
{
    struct body b = {.cap = cap + 1, .p = p, .want_validators = conditional};
    struct curl_slist *hdrs = NULL;
    long status = 0;
    *out = NULL;
    *out_len = 0;
    CURL *c = curl_easy_init();
    b.data = malloc(b.cap);
    if (!c || !b.data)
        goto out;
    if (conditional && p->etag[0]) {
        char h[VALIDATOR_MAX + 32];
        snprintf(h, sizeof h, "If-None-Match: %s", p->etag);
        hdrs = curl_slist_append(hdrs, h);
    }
    if (conditional && p->last_modified[0]) {
        char h[VALIDATOR_MAX + 32];
        snprintf(h, sizeof h, "If-Modified-Since: %s", p->last_modified);
        hdrs = curl_slist_append(hdrs, h);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)FETCH_TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &b);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "linkage-hub");
    if (curl_easy_perform(c) != CURLE_OK || b.too_big)
        goto out;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status == 200) {
        *out = b.data;
        *out_len = b.len;
        b.data = NULL;
    }
out:
    free(b.data);
    curl_slist_free_all(hdrs);
    if (c)
        curl_easy_cleanup(c);
    return status;
}

/* Length of url's "scheme://authority" part, or 0 when it has none. */
static size_t origin_len(const char *url)
{
    const char *sep = strstr(url, "://");
    if (!sep)
        return 0;
    return (size_t)(sep + 3 - url) + strcspn(sep + 3, "/?#");
}

static int same_origin(const char *feed, const char *url)
{
    size_t n = origin_len(feed);
    return n > 0 && origin_len(url) == n && strncasecmp(feed, url, n) == 0;
}

/* ---- writer jobs -------------------------------------------------------------------- */

struct seen_job {
    const struct jma_feed_entry *entries;
    int n;
    char *seen; /* n flags */
};

static int seen_job(struct db *db, void *arg)
{
    struct seen_job *j = arg;
    for (int i = 0; i < j->n; i++) {
        int s = db ? notices_jma_seen(db, j->entries[i].url) : -1;
        if (s < 0)
            return -1;
        j->seen[i] = (char)s;
    }
    return 0;
}

struct apply_job {
    const char *url;
    const struct jma_telegram *t; /* NULL: refused */
    const char *reason;
    int64_t now;
    struct db *h;
    int areas, changes;
};

static int audit_change(void *ctx, const char *action, int64_t id)
{
    struct apply_job *j = ctx;
    char dest[40];
    snprintf(dest, sizeof dest, "notice:%lld", (long long)id);
    j->changes++;
    return notices_audit(j->h, j->now, "jma", action, "jma", dest, "jma-feed") == DB_OK ? 0 : -1;
}

static int apply_job(struct db *db, void *arg)
{
    struct apply_job *j = arg;
    j->h = db;
    if (!j->h)
        return -1;
    int seen = notices_jma_seen(j->h, j->url);
    if (seen != 0)
        return seen < 0 ? -1 : 0; /* applied by an earlier pass meanwhile */
    if (!j->t)
        return notices_jma_refused(j->h, j->url, "", 0, j->reason, j->now) == DB_OK ? 0 : -1;
    return notices_jma_apply(j->h, j->t, j->url, j->now, audit_change, j, &j->areas) == DB_OK ? 0
                                                                                              : -1;
}

/* ---- the thread --------------------------------------------------------------------- */

static int office_wanted(const struct jmapoll *p, const char *author)
{
    if (p->cfg.n_offices == 0)
        return 1;
    for (int i = 0; i < p->cfg.n_offices; i++)
        if (strcmp(p->cfg.offices[i], author) == 0)
            return 1;
    return 0;
}

/* Fetches, parses and applies one telegram. 0, or -1 when it should be tried again. */
static int one_telegram(struct jmapoll *p, const char *url, struct jma_telegram *t)
{
    char *xml = NULL, reason[256];
    size_t len = 0;
    long status = fetch(p, url, JMA_TELEGRAM_MAX, 0, &xml, &len);
    if (status != 200) {
        fprintf(stderr, "hub: jma: cannot fetch telegram %s (HTTP %ld); trying again later\n", url,
                status);
        return -1;
    }
    enum jma_result r = jma_parse_telegram(xml, len, t, reason, sizeof reason);
    free(xml);
    if (r == JMA_NOMEM)
        return -1;
    struct apply_job j = {
        .url = url, .t = r == JMA_OK ? t : NULL, .reason = reason, .now = hubclock_now()};
    enum writer_status ws = writer_run(p->writer, apply_job, &j);
    if (ws != WRITER_OK) {
        fprintf(stderr, "hub: jma: telegram %s not applied (%s); trying again later\n", url,
                writer_status_str(ws));
        return -1;
    }
    if (r != JMA_OK)
        fprintf(stderr, "hub: jma: telegram %s refused: %s; nothing of it is shown\n", url, reason);
    else
        fprintf(stderr, "hub: jma: telegram %s: %d area(s) of the town, %d notice change(s)\n", url,
                j.areas, j.changes);
    return 0;
}

static void poll_once(struct jmapoll *p, struct ticker *tk, struct jma_telegram *t)
{
    char *xml = NULL, reason[256];
    size_t len = 0;
    struct jma_feed_entry *entries = NULL;
    int n = 0;
    long status = fetch(p, p->cfg.feed_url, JMA_FEED_MAX, 1, &xml, &len);
    if (status == 304)
        return;
    if (status != 200) {
        fprintf(stderr, "hub: jma: cannot fetch the feed (HTTP %ld); trying again later\n", status);
        return;
    }
    enum jma_result r = jma_parse_feed(xml, len, &entries, &n, reason, sizeof reason);
    free(xml);
    if (r != JMA_OK) {
        fprintf(stderr, "hub: jma: the feed was refused: %s\n",
                r == JMA_NOMEM ? "out of memory" : reason);
        /* Fetch it whole next time, whatever its validators say. */
        p->etag[0] = p->last_modified[0] = '\0';
        return;
    }
    struct seen_job sj = {.entries = entries, .n = n, .seen = calloc((size_t)n + 1, 1)};
    int retry = 0;
    if (!sj.seen || writer_run(p->writer, seen_job, &sj) != WRITER_OK) {
        retry = 1;
        goto out;
    }
    for (int i = 0; i < n; i++) {
        if (ticker_stopping(tk))
            break;
        if (sj.seen[i] || !office_wanted(p, entries[i].author))
            continue;
        if (!same_origin(p->cfg.feed_url, entries[i].url)) {
            fprintf(stderr, "hub: jma: feed entry %s is not on the feed's own site; skipped\n",
                    entries[i].url);
            continue;
        }
        if (one_telegram(p, entries[i].url, t) != 0)
            retry = 1;
    }
out:
    /* A telegram still to be fetched keeps the feed "changed" for the next poll. */
    if (retry)
        p->etag[0] = p->last_modified[0] = '\0';
    free(sj.seen);
    free(entries);
}

static void jmapoll_tick(struct ticker *t, void *arg)
{
    struct jmapoll *p = arg;
    poll_once(p, t, p->telegram);
}

struct jmapoll *jmapoll_start(const struct jmapoll_config *cfg, struct writer *w, char *err,
                              size_t errcap)
{
    if (!cfg->feed_url ||
        (strncmp(cfg->feed_url, "http://", 7) != 0 && strncmp(cfg->feed_url, "https://", 8) != 0)) {
        snprintf(err, errcap, "--jma-feed must be an http:// or https:// URL");
        return NULL;
    }
    struct jmapoll *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    p->cfg = *cfg;
    if (p->cfg.poll_seconds < 1)
        p->cfg.poll_seconds = 60;
    p->writer = w;
    p->telegram = malloc(sizeof *p->telegram);
    if (p->telegram)
        p->ticker = ticker_start("the JMA feed thread", p->cfg.poll_seconds * 1000,
                                 TICKER_RUN_FIRST, jmapoll_tick, p, err, errcap);
    else
        snprintf(err, errcap, "out of memory");
    if (!p->ticker) {
        free(p->telegram);
        free(p);
        return NULL;
    }
    return p;
}

void jmapoll_stop(struct jmapoll *p)
{
    if (!p)
        return;
    ticker_stop(p->ticker);
    free(p->telegram);
    free(p);
}
