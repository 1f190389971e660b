/*
 * auditwitness.c: the kiosk's witness of the hub's audit log (see auditwitness.h). The
 * decision and the kept head's file are the hub's own witness code (hub/core/witness.c,
 * compiled in), so the kiosk and hubctl audit-witness judge alike.
 *
 * The hub answers about the log of the kiosk's town (each town has its own, docs/hub.md
 * "One log per town"). The state file holds the head of the log watched now; when the
 * hub's head is of another log (a hub upgraded from one log for all, or a kiosk moved to
 * another town), the kept head is put aside in state_path.log<N> and the new log's head is
 * taken from its own file, if the kiosk watched that log before: heads are kept per log,
 * never judged across logs.
 */
#include "auditwitness.h"
#include "witness.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_INTERVAL_S 60

struct auditwitness {
    struct hubc *client;
    char path[512], alert[530];
    pthread_mutex_t mu;
    int busy;       /* a check is under way */
    long long last; /* when the last check started */
    int have;       /* kept holds a head */
    struct treehead kept, next;
    char status[256];
};

struct auditwitness *auditwitness_create(struct hubc *client, const char *state_path)
{
    struct auditwitness *w = calloc(1, sizeof *w);
    char err[256];
    if (!w)
        return NULL;
    w->client = client;
    w->last = -MIN_INTERVAL_S;
    pthread_mutex_init(&w->mu, NULL);
    if (state_path && *state_path) {
        snprintf(w->path, sizeof w->path, "%s", state_path);
        snprintf(w->alert, sizeof w->alert, "%s.alert", state_path);
        int rc = witness_load(w->path, &w->kept, err, sizeof err);
        w->have = rc == 1;
        if (rc < 0)
            fprintf(stderr, "kiosk: audit witness: %s; starting again from the hub's head\n", err);
    }
    return w;
}

void auditwitness_destroy(struct auditwitness *w)
{
    if (!w)
        return;
    pthread_mutex_destroy(&w->mu);
    free(w);
}

void auditwitness_contact(struct auditwitness *w, long long now)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    int go = !w->busy && now - w->last >= MIN_INTERVAL_S;
    if (go) {
        w->busy = 1;
        w->last = now;
    }
    pthread_mutex_unlock(&w->mu);
    if (go && hubc_submit(w->client, HUBC_GET, "/v1/audit/head", NULL, NULL, NULL,
                          AUDITWITNESS_TAG_HEAD) == 0) {
        pthread_mutex_lock(&w->mu);
        w->busy = 0;
        pthread_mutex_unlock(&w->mu);
    }
}

/* The hub's head is of another log than the kept one: the kept head goes aside, the new
 * log's head (if this kiosk kept one before) comes back. Called with mu held. */
static void switch_log(struct auditwitness *w, long long log)
{
    char other[540], err[256];
    fprintf(stderr, "kiosk: audit witness: the hub's log is %lld (was %lld)\n", log,
            w->kept.log_id);
    if (w->path[0]) {
        snprintf(other, sizeof other, "%s.log%lld", w->path, w->kept.log_id);
        if (witness_save(other, &w->kept) != 0)
            fprintf(stderr, "kiosk: audit witness: cannot write %s\n", other);
        snprintf(other, sizeof other, "%s.log%lld", w->path, log);
        w->have = witness_load(other, &w->kept, err, sizeof err) == 1 && w->kept.log_id == log;
    } else {
        w->have = 0;
    }
}

/* The verdict: logged, and on a failure stored for staff. Called with mu held. */
static void settle(struct auditwitness *w, enum witness_verdict v)
{
    snprintf(w->status, sizeof w->status, "%s", witness_verdict_str(v));
    if (witness_ok(v)) {
        w->kept = w->next;
        w->have = 1;
        if (w->path[0] && witness_save(w->path, &w->kept) != 0)
            fprintf(stderr, "kiosk: audit witness: cannot write %s\n", w->path);
        return;
    }
    fprintf(stderr, "kiosk: audit witness: %s (kept head %lld records, hub's %lld)\n", w->status,
            w->kept.tree_size, w->next.tree_size);
    FILE *f = w->alert[0] ? fopen(w->alert, "a") : NULL;
    if (f) {
        fprintf(f, "verdict=%s\nkept_size=%lld\nhub_size=%lld\nhub_head=%lld\n", w->status,
                w->kept.tree_size, w->next.tree_size, w->next.head_seq);
        fclose(f);
    }
}

void auditwitness_answer(struct auditwitness *w, const struct hubc_result *res)
{
    merkle_hash proof[MERKLE_PROOF_MAX];
    size_t len = 0;
    int done = 1;
    cJSON *j = res->err == HUBC_OK && res->status == 200 ? cJSON_Parse(res->body) : NULL;
    pthread_mutex_lock(&w->mu);
    if (!j) {
        /* the hub away, or no head yet: nothing to judge, the next contact tries again */
    } else if (res->tag == AUDITWITNESS_TAG_HEAD) {
        if (treehead_from_json(j, &w->next) != 0) {
            fprintf(stderr, "kiosk: audit witness: the hub's head is malformed\n");
            goto unlock;
        }
        if (w->have && w->kept.log_id != w->next.log_id)
            switch_log(w, w->next.log_id);
        if (witness_needs_proof(w->have ? &w->kept : NULL, &w->next)) {
            char path[128];
            snprintf(path, sizeof path, "/v1/audit/consistency?log=%lld&from=%lld&to=%lld",
                     w->kept.log_id, w->kept.tree_size, w->next.tree_size);
            done = hubc_submit(w->client, HUBC_GET, path, NULL, NULL, NULL,
                               AUDITWITNESS_TAG_PROOF) == 0;
        } else {
            settle(w, witness_check(w->have ? &w->kept : NULL, NULL, &w->next, NULL, 0));
        }
    } else if (witness_parse_proof(j, proof, &len) != 0) {
        fprintf(stderr, "kiosk: audit witness: the hub's proof is malformed\n");
    } else {
        settle(w, witness_check(&w->kept, NULL, &w->next, (const merkle_hash *)proof, len));
    }
unlock:
    if (done)
        w->busy = 0;
    pthread_mutex_unlock(&w->mu);
    cJSON_Delete(j);
}

void auditwitness_status(struct auditwitness *w, char *out, size_t cap)
{
    out[0] = '\0';
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    snprintf(out, cap, "%s", w->status);
    pthread_mutex_unlock(&w->mu);
}
