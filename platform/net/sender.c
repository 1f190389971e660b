/*
 * sender: delivers outbox items to the hub through the hub client, with retries and
 * back-off (see sender.h for the contract and docs/net.md for the exactly-once argument).
 *
 * Threads and ownership:
 *   - the scheduler thread (started here) picks the next due item and submits it; only
 *     one item is in flight at a time, so items reach the hub in order;
 *   - the hub client's worker runs on_done(), which records the outcome in the outbox and
 *     reports it; it clears `inflight` only AFTER the outbox knows the outcome, so the
 *     scheduler can never send an item the hub already accepted as if it were new (and if it
 *     did, the Idempotency-Key would still make the hub answer with the first result).
 * The in-memory `slots` mirror the pending items of the outbox plus their retry timing; the
 * outbox file is the truth, and is reloaded on start.
 */
#include "sender.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "outbox.h"

#define SENDER_KEEP_SENT_DAYS 30

struct slot {
    int64_t id;
    int64_t created_unix;
    int64_t due_ms; /* monotonic ms; 0 = now */
    int attempts;   /* attempts made in this run plus those recorded before */
    int http_retries;
    char kind[OUTBOX_KIND_MAX + 1];
};

struct sender {
    struct outbox *ob;
    struct hubc *hc;
    void (*report)(void *ctx, struct sender_report *r);
    void *ctx;
    long bmin_ms, bmax_ms;

    pthread_mutex_t mu; /* guards everything below */
    pthread_cond_t cv;
    pthread_t thr;
    int thr_started;
    int stopping;
    struct slot *slots; /* capacity OUTBOX_PENDING_MAX, allocated once */
    size_t nslots;
    int64_t inflight_id; /* 0 = nothing in flight */
    uint32_t inflight_tag;
    int64_t inflight_deadline_ms; /* watchdog: a lost callback can't stall the queue */
    long watchdog_ms;
    uint32_t next_tag;
    int net_failures;   /* consecutive attempts the hub did not answer */
    int64_t net_due_ms; /* no attempt before this (network back-off) */
};

const char *sender_err_str(enum sender_err err)
{
    switch (err) {
    case SENDER_OK:
        return "ok";
    case SENDER_E_INVALID:
        return "invalid item";
    case SENDER_E_FULL:
        return "outbox full";
    case SENDER_E_STORE:
        return "outbox could not be written";
    case SENDER_E_STOPPED:
        return "sender stopping";
    }
    return "unknown error";
}

const char *sender_outcome_str(enum sender_outcome outcome)
{
    switch (outcome) {
    case SENDER_SENT:
        return "sent";
    case SENDER_RETRYING:
        return "retrying";
    case SENDER_FAILED:
        return "failed";
    }
    return "unknown";
}

void sender_report_free(struct sender_report *r)
{
    if (!r) {
        return;
    }
    free(r->body);
    free(r);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Delay before attempt k+1 after k failures: min * 2^(k-1), capped, minus up to 25 % of
 * jitter so that many kiosks coming back after a hub outage don't retry in lockstep. */
static long backoff_ms(const struct sender *s, int failures)
{
    long d = s->bmin_ms;
    unsigned short rnd = 0;

    for (int i = 1; i < failures && d < s->bmax_ms; i++) {
        d *= 2;
    }
    if (d > s->bmax_ms) {
        d = s->bmax_ms;
    }
    if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd) {
        rnd = 0;
    }
    return d - (long)((double)d * 0.25 * (rnd / 65535.0));
}

static struct slot *find_slot(struct sender *s, int64_t id)
{
    for (size_t i = 0; i < s->nslots; i++) {
        if (s->slots[i].id == id) {
            return &s->slots[i];
        }
    }
    return NULL;
}

static void drop_slot(struct sender *s, int64_t id)
{
    for (size_t i = 0; i < s->nslots; i++) {
        if (s->slots[i].id == id) {
            s->slots[i] = s->slots[--s->nslots];
            return;
        }
    }
}

/* The hub's own words from {"error":{"message":"…"}}, else a short description. */
static void hub_message(const char *body, long status, char *out, size_t out_len)
{
    cJSON *root = body && *body ? cJSON_Parse(body) : NULL;
    cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
    cJSON *msg = cJSON_GetObjectItemCaseSensitive(err, "message");

    if (cJSON_IsString(msg) && msg->valuestring) {
        snprintf(out, out_len, "%s", msg->valuestring);
    } else {
        snprintf(out, out_len, "the hub answered HTTP %ld", status);
    }
    cJSON_Delete(root);
}

static int retryable_status(long status)
{
    return status == 408 || status == 409 || status == 425 || status == 429 || status >= 500;
}

/* Runs on the hub client's worker. */
static void on_done(void *ctx, struct hubc_result *res)
{
    struct sender *s = ctx;
    struct sender_report *rep = NULL;
    enum sender_outcome outcome;
    int64_t id;
    struct slot *sl;
    enum outbox_err oerr = OUTBOX_OK;
    long retry_in = 0;

    pthread_mutex_lock(&s->mu);
    if (s->inflight_id == 0 || res->tag != s->inflight_tag ||
        (s->stopping && res->err == HUBC_E_INTERNAL)) {
        /* Abandoned at shutdown: the item simply stays pending on disk. */
        pthread_mutex_unlock(&s->mu);
        hubc_result_free(res);
        return;
    }
    id = s->inflight_id;
    pthread_mutex_unlock(&s->mu);

    rep = calloc(1, sizeof *rep);
    if (rep) {
        rep->item_id = id;
        rep->net_err = res->err;
        rep->http_status = res->status;
        rep->body = res->body; /* ownership moves to the report */
        res->body = NULL;
    }
    if (res->err == HUBC_OK && res->status >= 200 && res->status < 300) {
        outcome = SENDER_SENT;
        oerr = outbox_mark_sent(s->ob, id, res->status);
    } else if (res->err == HUBC_OK && !retryable_status(res->status)) {
        char msg[OUTBOX_MESSAGE_MAX + 1];
        outcome = SENDER_FAILED;
        hub_message(rep ? rep->body : NULL, res->status, msg, sizeof msg);
        if (rep) {
            snprintf(rep->message, sizeof rep->message, "%s", msg);
        }
        oerr = outbox_mark_failed(s->ob, id, res->status, msg);
    } else {
        char msg[OUTBOX_MESSAGE_MAX + 1];
        outcome = SENDER_RETRYING;
        if (res->err == HUBC_OK) {
            hub_message(rep ? rep->body : NULL, res->status, msg, sizeof msg);
        } else {
            /* Truncating libcurl's words to the outbox's cap is intended. */
            if (snprintf(msg, sizeof msg, "%s: %s", hubc_err_str(res->err), res->errmsg) < 0) {
                msg[0] = '\0';
            }
        }
        if (rep) {
            snprintf(rep->message, sizeof rep->message, "%s", msg);
        }
        oerr = outbox_note_attempt(s->ob, id, res->status, msg);
    }
    if (oerr != OUTBOX_OK) {
        /* The hub's answer stands; the file could not record it. A pending item that the hub
         * already has is sent again on the next start with the same key and is answered
         * from the hub's idempotency record, so nothing is duplicated. */
        fprintf(stderr, "sender: outbox update of item %lld failed: %s (%s)\n", (long long)id,
                outbox_err_str(oerr), outbox_errmsg(s->ob));
    }

    pthread_mutex_lock(&s->mu);
    sl = find_slot(s, id);
    if (rep && sl) {
        snprintf(rep->kind, sizeof rep->kind, "%s", sl->kind);
        rep->created_unix = sl->created_unix;
        rep->attempts = sl->attempts + 1;
    }
    if (outcome == SENDER_RETRYING) {
        int64_t now = mono_ms();
        if (res->err != HUBC_OK) {
            /* The hub did not answer: every item would fail the same way, back off all. */
            s->net_failures++;
            retry_in = backoff_ms(s, s->net_failures);
            s->net_due_ms = now + retry_in;
        } else if (sl) {
            s->net_failures = 0;
            s->net_due_ms = 0;
            sl->http_retries++;
            retry_in = backoff_ms(s, sl->http_retries);
            sl->due_ms = now + retry_in;
        }
        if (sl) {
            sl->attempts++;
        }
    } else {
        s->net_failures = 0;
        s->net_due_ms = 0;
        drop_slot(s, id);
    }
    if (s->inflight_tag == res->tag) {
        s->inflight_id = 0;
    }
    if (rep) {
        rep->outcome = outcome;
        rep->retry_in_ms = retry_in;
        rep->pending = (unsigned)s->nslots;
    }
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);

    hubc_result_free(res);
    if (rep) {
        if (!rep->body) {
            rep->body = strdup("");
        }
        if (rep->body) {
            s->report(s->ctx, rep);
        } else {
            free(rep);
        }
    }
}

/* The next item to send: the oldest one that is due, or NULL; *wait_ms gets how long until
 * one is due (−1: none pending). Caller holds the mutex. */
static struct slot *next_due(struct sender *s, int64_t now, long *wait_ms)
{
    struct slot *best = NULL;
    int64_t soonest = INT64_MAX;

    for (size_t i = 0; i < s->nslots; i++) {
        struct slot *sl = &s->slots[i];
        int64_t due = sl->due_ms > s->net_due_ms ? sl->due_ms : s->net_due_ms;
        if (due <= now) {
            if (!best || sl->id < best->id) {
                best = sl;
            }
        } else if (due < soonest) {
            soonest = due;
        }
    }
    *wait_ms = soonest == INT64_MAX ? -1 : (long)(soonest - now);
    return best;
}

static void *scheduler_main(void *arg)
{
    struct sender *s = arg;

    pthread_mutex_lock(&s->mu);
    while (!s->stopping) {
        long wait_ms = -1;
        struct slot *sl = NULL;
        int64_t now = mono_ms();

        if (s->inflight_id == 0) {
            sl = next_due(s, now, &wait_ms);
        } else if (now >= s->inflight_deadline_ms) {
            /* The hub client always reports, even on timeout; this only guards against a
             * report lost to memory exhaustion. A late report is ignored (tag mismatch). */
            struct slot *late = find_slot(s, s->inflight_id);
            fprintf(stderr, "sender: no result for item %lld in time; will retry\n",
                    (long long)s->inflight_id);
            if (late) {
                late->due_ms = now + s->bmin_ms;
            }
            s->inflight_id = 0;
            s->inflight_tag = 0;
            continue;
        } else {
            wait_ms = (long)(s->inflight_deadline_ms - now);
        }
        if (sl) {
            struct outbox_item it;
            int64_t id = sl->id;
            uint32_t tag = ++s->next_tag ? s->next_tag : ++s->next_tag; /* never 0 */
            enum outbox_err oerr;
            uint32_t rid = 0;

            s->inflight_id = id;
            s->inflight_tag = tag;
            s->inflight_deadline_ms = now + s->watchdog_ms;
            pthread_mutex_unlock(&s->mu);
            oerr = outbox_get(s->ob, id, &it);
            if (oerr == OUTBOX_OK) {
                if (it.state == OUTBOX_PENDING) {
                    rid = hubc_submit(s->hc,
                                      strcmp(it.method, "DELETE") == 0 ? HUBC_DELETE : HUBC_POST,
                                      it.path, it.body, it.idem_key, NULL, tag);
                }
                outbox_item_release(&it);
            }
            pthread_mutex_lock(&s->mu);
            if (oerr == OUTBOX_E_NOTFOUND || (oerr == OUTBOX_OK && it.state != OUTBOX_PENDING)) {
                drop_slot(s, id); /* removed or settled behind our back (another process) */
                s->inflight_id = 0;
            } else if (!rid && s->inflight_tag == tag && s->inflight_id == id) {
                /* Outbox unreadable or client queue full: try this one again later. */
                struct slot *again = find_slot(s, id);
                if (again) {
                    again->due_ms = mono_ms() + s->bmin_ms;
                }
                s->inflight_id = 0;
            }
            continue;
        }
        if (wait_ms < 0) {
            pthread_cond_wait(&s->cv, &s->mu);
        } else {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_sec += wait_ms / 1000;
            ts.tv_nsec += (wait_ms % 1000) * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&s->cv, &s->mu, &ts);
        }
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static enum sender_err load_pending(struct sender *s, char *errmsg, size_t errmsg_len)
{
    struct outbox_item *items = NULL;
    size_t n = 0;
    enum outbox_err oerr = outbox_list(s->ob, OUTBOX_PENDING, OUTBOX_PENDING_MAX, &items, &n);

    if (oerr != OUTBOX_OK) {
        snprintf(errmsg, errmsg_len, "cannot read the outbox: %s (%s)", outbox_err_str(oerr),
                 outbox_errmsg(s->ob));
        return SENDER_E_STORE;
    }
    for (size_t i = 0; i < n; i++) {
        struct slot *sl = &s->slots[s->nslots++];
        memset(sl, 0, sizeof *sl);
        sl->id = items[i].id;
        sl->created_unix = items[i].created_unix;
        sl->attempts = items[i].attempts;
        snprintf(sl->kind, sizeof sl->kind, "%s", items[i].kind);
        outbox_item_release(&items[i]);
    }
    free(items);
    return SENDER_OK;
}

struct sender *sender_create(const struct sender_config *cfg,
                             void (*report)(void *ctx, struct sender_report *r), void *ctx,
                             char *errmsg, size_t errmsg_len)
{
    struct sender *s = NULL;
    char scratch[256];
    pthread_condattr_t ca;

    if (!errmsg || errmsg_len == 0) {
        errmsg = scratch;
        errmsg_len = sizeof scratch;
    }
    errmsg[0] = '\0';
    if (!cfg || !cfg->outbox_path || !report) {
        snprintf(errmsg, errmsg_len, "sender_create: missing outbox path or report callback");
        return NULL;
    }
    s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(errmsg, errmsg_len, "out of memory");
        return NULL;
    }
    s->report = report;
    s->ctx = ctx;
    s->bmin_ms = cfg->backoff_min_ms > 0 ? cfg->backoff_min_ms : 1000;
    s->bmax_ms = cfg->backoff_max_ms > 0 ? cfg->backoff_max_ms : 60000;
    /* The hub client reports every request within its timeout; allow a margin. */
    s->watchdog_ms = (cfg->hub.timeout_ms > 0 ? cfg->hub.timeout_ms : 10000) + 10000;
    if (s->bmax_ms < s->bmin_ms) {
        s->bmax_ms = s->bmin_ms;
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    s->slots = calloc(OUTBOX_PENDING_MAX, sizeof *s->slots);
    if (!s->slots) {
        snprintf(errmsg, errmsg_len, "out of memory");
        goto fail;
    }
    s->ob = outbox_open(cfg->outbox_path, errmsg, errmsg_len);
    if (!s->ob) {
        goto fail;
    }
    if (load_pending(s, errmsg, errmsg_len) != SENDER_OK) {
        goto fail;
    }
    /* Sent items are only history; keep a month of it so the file stays small. */
    if (outbox_prune_sent(s->ob, (int64_t)time(NULL) - SENDER_KEEP_SENT_DAYS * 86400) < 0) {
        fprintf(stderr, "sender: pruning sent items failed: %s\n", outbox_errmsg(s->ob));
    }
    s->hc = hubc_create(&cfg->hub, on_done, s);
    if (!s->hc) {
        snprintf(errmsg, errmsg_len, "cannot start the hub client (bad hub URL?)");
        goto fail;
    }
    if (pthread_create(&s->thr, NULL, scheduler_main, s) != 0) {
        snprintf(errmsg, errmsg_len, "cannot start the sender thread");
        goto fail;
    }
    s->thr_started = 1;
    return s;
fail:
    sender_destroy(s);
    return NULL;
}

void sender_destroy(struct sender *s)
{
    if (!s) {
        return;
    }
    pthread_mutex_lock(&s->mu);
    s->stopping = 1;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    if (s->thr_started) {
        pthread_join(s->thr, NULL);
    }
    hubc_destroy(s->hc); /* may still run on_done for a request that just finished */
    outbox_close(s->ob);
    free(s->slots);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

enum sender_err sender_enqueue(struct sender *s, const char *kind, const char *path,
                               const char *body, int64_t *item_id, unsigned *pending)
{
    struct outbox_item it;
    enum outbox_err oerr;
    int stopping;

    if (!s) {
        return SENDER_E_INVALID;
    }
    pthread_mutex_lock(&s->mu);
    stopping = s->stopping;
    pthread_mutex_unlock(&s->mu);
    if (stopping) {
        return SENDER_E_STOPPED;
    }
    oerr = outbox_add(s->ob, kind, "POST", path, body, &it);
    switch (oerr) {
    case OUTBOX_OK:
        break;
    case OUTBOX_E_INVALID:
        return SENDER_E_INVALID;
    case OUTBOX_E_FULL:
        return SENDER_E_FULL;
    default:
        fprintf(stderr, "sender: outbox add failed: %s (%s)\n", outbox_err_str(oerr),
                outbox_errmsg(s->ob));
        return SENDER_E_STORE;
    }
    pthread_mutex_lock(&s->mu);
    /* The outbox refuses more than OUTBOX_PENDING_MAX pending items, so this fits. */
    if (s->nslots < OUTBOX_PENDING_MAX) {
        struct slot *sl = &s->slots[s->nslots++];
        memset(sl, 0, sizeof *sl);
        sl->id = it.id;
        sl->created_unix = it.created_unix;
        snprintf(sl->kind, sizeof sl->kind, "%s", it.kind);
    }
    if (item_id) {
        *item_id = it.id;
    }
    if (pending) {
        *pending = (unsigned)s->nslots;
    }
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    outbox_item_release(&it);
    return SENDER_OK;
}

void sender_retry_now(struct sender *s)
{
    if (!s) {
        return;
    }
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->nslots; i++) {
        s->slots[i].due_ms = 0;
    }
    s->net_due_ms = 0;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

unsigned sender_pending(struct sender *s)
{
    unsigned n;

    if (!s) {
        return 0;
    }
    pthread_mutex_lock(&s->mu);
    n = (unsigned)s->nslots;
    pthread_mutex_unlock(&s->mu);
    return n;
}

enum sender_err sender_latest(struct sender *s, const char *kind, struct outbox_item *out)
{
    if (!s || !out) {
        return SENDER_E_INVALID;
    }
    return outbox_latest(s->ob, kind, out) == OUTBOX_OK ? SENDER_OK : SENDER_E_INVALID;
}
