/*
 * hutil.c: helpers shared by the handlers (see hutil.h).
 */
#include "hutil.h"
#include "hubclock.h"
#include "hubctx.h"
#include "hubdb.h"
#include "hubreq.h"
#include "hubtoken.h"
#include "hubclock.h"
#include "idempotency.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hutil_audit(struct db *db, const struct hreq *r, struct audit_rec rec)
{
    rec = hutil_audit_rec(r, rec);
    return audit_append_db(db, &rec, NULL) == DB_OK ? 0 : -1;
}

struct audit_rec hutil_audit_rec(const struct hreq *r, struct audit_rec rec)
{
    rec.actor = r->who.actor;
    rec.request_id = r->request_id;
    if (!rec.town) /* a record naming no resident goes to the log of the caller's town */
        rec.town = scope_town(r->who.town);
    if (!rec.outcome)
        rec.outcome = "ok";
    if (!rec.source)
        rec.source = "hub";
    if (!rec.destination)
        rec.destination = r->who.actor;
    return rec;
}

void hutil_write_failed(struct hreq *r, enum writer_status ws)
{
    if (ws == WRITER_STOPPED)
        hreq_error(r, 503, "unavailable", "The hub is shutting down; try again in a minute.");
    else if (ws == WRITER_UNAVAILABLE)
        hreq_error(r, 503, "unavailable",
                   "The hub cannot reach its database right now, so nothing was stored or "
                   "released; try again in a moment (with the same Idempotency-Key).");
    else
        hreq_error(r, 500, "not_stored",
                   "The hub could not record this request (its database or audit log refused "
                   "the write), so nothing was changed or released; try again later.");
}

void hutil_answer(struct hreq *r, enum writer_status ws, enum auth_session_status ss, int denied,
                  int status, cJSON *out)
{
    if (ws != WRITER_OK)
        hutil_write_failed(r, ws);
    else if (ss != AUTH_SESSION_OK)
        hutil_session_refused(r, ss);
    else if (denied)
        hutil_not_permitted(r);
    else {
        hreq_json(r, status, out);
        return;
    }
    cJSON_Delete(out);
}

void hutil_answer_etag(struct hreq *r, cJSON *o)
{
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text) {
        hreq_error(r, 500, "internal", "The hub ran out of memory; try again.");
        return;
    }
    char hash[HUBTOKEN_HASH_HEX];
    hubtoken_hash(text, strlen(text), hash);
    snprintf(r->etag, sizeof r->etag, "\"%.32s\"", hash);
    const char *inm = hreq_header(r, "If-None-Match");
    if (inm && strcmp(inm, r->etag) == 0) {
        free(text);
        hreq_raw(r, 304, NULL);
        return;
    }
    hreq_raw(r, 200, text);
}

void hutil_not_permitted(struct hreq *r)
{
    hreq_error(r, 403, "not_permitted",
               "You are not permitted to see this resident's data: there is no link, consent "
               "or legal basis for it (or no such resident).");
}

int hutil_limit(struct hreq *r, long *limit)
{
    const char *s = hreq_query(r, "limit");
    *limit = 20;
    if (!s)
        return 0;
    errno = 0;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > 100) {
        hreq_error(r, 400, "bad_request", "The limit must be a whole number from 1 to 100.");
        return -1;
    }
    *limit = v;
    return 0;
}

/* The claim in a writer job of its own, so it is committed (and seen by every process)
 * before the work starts. */
struct claim_job {
    struct hutil_idem *idem;
    const char *principal;
    long long now;
    enum idempotency_result res;
    int status;
    char *answer;
};

static int claim_job(struct db *db, void *arg)
{
    struct claim_job *j = arg;
    return idempotency_claim(db, j->idem->town, j->principal, j->idem->key, j->idem->body_hash,
                             j->now, &j->res, &j->idem->claim, &j->status, &j->answer) == DB_OK
               ? 0
               : -1;
}

/* The claims of a writer batch together (writer_kind): one statement claims every new
 * key. On a failure nothing is left in the jobs: each then claims alone. */
static int claim_many(struct db *db, void *const *args, int n)
{
    struct idempotency_ask a[IDEMPOTENCY_MANY_MAX];
    if (n > IDEMPOTENCY_MANY_MAX)
        return -1;
    for (int i = 0; i < n; i++) {
        const struct claim_job *j = args[i];
        a[i] = (struct idempotency_ask){.sc = j->idem->town,
                                        .principal = j->principal,
                                        .key = j->idem->key,
                                        .body_hash = j->idem->body_hash,
                                        .now = j->now};
    }
    if (idempotency_claim_many(db, a, (size_t)n) != DB_OK)
        return -1;
    for (int i = 0; i < n; i++) {
        struct claim_job *j = args[i];
        j->res = a[i].res;
        j->idem->claim = a[i].claim;
        j->status = a[i].status;
        j->answer = a[i].answer;
    }
    return 0;
}

static const struct writer_kind claim_kind = {claim_job, claim_many};

int hutil_idem_store_many(struct db *db, struct hutil_idem *const *idems,
                          const char *const *answers, const long long *nows, int n)
{
    struct idempotency_done d[IDEMPOTENCY_MANY_MAX];
    int m = 0, rc = n <= IDEMPOTENCY_MANY_MAX ? 0 : -1;
    for (int i = 0; i < n && rc == 0; i++)
        if (idems[i] && idems[i]->claimed)
            d[m++] = (struct idempotency_done){.sc = idems[i]->town,
                                               .claim = &idems[i]->claim,
                                               .status = 201,
                                               .answer = answers[i],
                                               .now = nows[i]};
    if (rc == 0 && m > 0 && idempotency_finish_many(db, d, (size_t)m) != DB_OK)
        rc = -1;
    for (int i = 0; i < m && rc == 0; i++)
        rc = d[i].lost ? -1 : 0;
    for (int i = 0; i < n && rc == 0; i++)
        if (idems[i] && idems[i]->claimed)
            idems[i]->finished = 1;
    return rc;
}

static int abandon_job(struct db *db, void *arg)
{
    const struct hutil_idem *idem = arg;
    return idempotency_abandon(db, idem->town, &idem->claim) == DB_OK ? 0 : -1;
}

int hutil_idem_begin(struct hreq *r, struct hutil_idem *idem)
{
    memset(idem, 0, sizeof *idem);
    const char *key = hreq_header(r, "Idempotency-Key");
    if (!key)
        return 0;
    if (!hubreq_valid_idempotency_key(key)) {
        hreq_error(r, 400, "bad_idempotency_key",
                   "The Idempotency-Key must be 1 to 64 characters of letters, digits, _ and -.");
        return 1;
    }
    idem->key = key;
    idem->town = r->who.town;
    hubtoken_hash(r->body, r->body_len, idem->body_hash);
    struct claim_job j = {.idem = idem, .principal = r->who.actor, .now = hubclock_now()};
    enum writer_status ws = writer_run_kind(r->hub->writer, &claim_kind, &j);
    if (ws != WRITER_OK) {
        /* The claim's transaction did not commit: a stored answer it read is not ours to
         * send (the retry reads it again). */
        free(j.answer);
        hutil_write_failed(r, ws);
        return 1;
    }
    switch (j.res) {
    case IDEMPOTENCY_PROCEED:
        idem->claimed = 1;
        return 0;
    case IDEMPOTENCY_REPLAY:
        hreq_raw(r, j.status, j.answer);
        return 1;
    case IDEMPOTENCY_MISMATCH:
        hreq_error(r, 422, "idempotency_key_reused",
                   "This Idempotency-Key was already used with a different body; use a new key "
                   "for a new request.");
        return 1;
    case IDEMPOTENCY_IN_FLIGHT:
        break;
    }
    hreq_error(r, 409, "in_flight",
               "A request with this Idempotency-Key is still being processed; wait for its "
               "answer, then retry.");
    return 1;
}

int hutil_idem_store(struct db *db, struct hutil_idem *idem, int status, const char *answer,
                     long long now)
{
    int lost = 0;
    if (!idem || !idem->claimed)
        return 0;
    if (idempotency_finish(db, idem->town, &idem->claim, status, answer, now, &lost) != DB_OK ||
        lost)
        return -1;
    idem->finished = 1;
    return 0;
}

int hutil_idem_answer(struct db *db, struct hutil_idem *idem, int status, cJSON *o, long long now,
                      char **answer)
{
    *answer = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    if (!*answer)
        return -1;
    return hutil_idem_store(db, idem, status, *answer, now);
}

void hutil_idem_end(struct hreq *r, struct hutil_idem *idem)
{
    /* Not answered for the key (refused, failed): give the claim up so a retry may go on
     * at once. If even that fails, the claim's lease runs out in seconds. */
    if (idem->claimed && !idem->finished &&
        writer_run(r->hub->writer, abandon_job, idem) != WRITER_OK)
        fprintf(stderr, "hub: could not give up an idempotency claim; a retry waits %d s\n",
                IDEMPOTENCY_LEASE_S);
    idem->claimed = 0;
}

void hutil_session_refused(struct hreq *r, enum auth_session_status ss)
{
    switch (ss) {
    case AUTH_SESSION_MISSING:
        hreq_error(r, 401, "card_session_required",
                   "This needs a card login: send \"X-Card-Session: <session>\" from "
                   "/v1/auth/card-login.");
        break;
    case AUTH_SESSION_EXPIRED:
        hreq_error(r, 401, "card_session_expired",
                   "The card session has expired (15 minutes idle or 60 minutes in all); log in "
                   "with the card again.");
        break;
    default:
        hreq_error(r, 401, "card_session_invalid",
                   "The card session is not valid on this device (ended or unknown); log in "
                   "with the card again.");
        break;
    }
}

int hutil_acting_resident(struct db *db, const struct hreq *r, const char *session, long long now,
                          long long *resident, const char **basis, enum auth_session_status *ss)
{
    long long sid = 0;
    *resident = 0;
    *ss = AUTH_SESSION_OK;
    if (r->who.role != AUTH_DEVICE)
        return 0;
    if (session) {
        *ss = auth_session_use(db, r->who.town, session, r->who.id, (time_t)now, resident, &sid);
        if (*ss == AUTH_SESSION_ERROR)
            return -1;
        if (*ss != AUTH_SESSION_OK)
            return 0;
        *basis = "self:card_session";
        return 1;
    }
    if (strcmp(r->who.device_kind, "home") == 0 && r->who.resident_id > 0) {
        *resident = r->who.resident_id;
        *basis = "self:home_device";
        return 1;
    }
    return 0;
}

void hutil_no_resident(struct hreq *r, enum auth_session_status ss)
{
    if (ss != AUTH_SESSION_OK) {
        hutil_session_refused(r, ss);
        return;
    }
    hreq_error(r, 403, "forbidden",
               "This needs a resident: a home device bound to one, or a card login on this "
               "kiosk (send \"X-Card-Session\").");
}

int hutil_query_long(struct hreq *r, const char *name, long lo, long hi, long def, long *out)
{
    const char *s = hreq_query(r, name);
    *out = def;
    if (!s)
        return 0;
    errno = 0;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        hreq_error(r, 400, "bad_request",
                   "The parameter \"%s\" must be a whole number from %ld "
                   "to %ld.",
                   name, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

void hutil_add_time(cJSON *o, const char *name, long long t)
{
    char key[48], at[21];
    snprintf(key, sizeof key, "%s_unix", name);
    if (t <= 0) {
        cJSON_AddNullToObject(o, name);
        cJSON_AddNullToObject(o, key);
        return;
    }
    hubclock_rfc3339((time_t)t, at);
    cJSON_AddStringToObject(o, name, at);
    cJSON_AddNumberToObject(o, key, (double)t);
}
