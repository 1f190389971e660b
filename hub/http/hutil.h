/*
 * hutil.h: small helpers shared by the handler files: standard refusals, the limit
 * parameter, one-value queries and the Idempotency-Key steps around a writer job.
 */
#ifndef HUB_HUTIL_H
#define HUB_HUTIL_H

#include "audit.h"
#include "hreq.h"
#include "idempotency.h"
#include "writer.h"

#define HUTIL_NAME_MAX 256

/*
 * Inside a writer job: appends the audit record of request r, in the job's transaction so
 * the record commits with what it records. rec says what happened; the actor and request
 * id are always r's, and unset fields default to outcome "ok", source "hub" and destination
 * the caller (a release to the caller). Returns 0, or -1: the job must fail, so nothing is
 * released without its record.
 */
int hutil_audit(struct db *db, const struct hreq *r, struct audit_rec rec);
/* rec as hutil_audit() would append it for r (for a batch: audit_append_many_db()). */
struct audit_rec hutil_audit_rec(const struct hreq *r, struct audit_rec rec);

/* 500/503 answer for a failed writer job (nothing was kept). */
void hutil_write_failed(struct hreq *r, enum writer_status ws);

/*
 * The answer of a job that reads (and releases) data, in the order the checks happened:
 * 500/503 when the writer failed (nothing was released), 401 for a refused card session
 * (ss; AUTH_SESSION_OK when there is none), 403 when the gate denied, else status with
 * out. Takes ownership of out.
 */
void hutil_answer(struct hreq *r, enum writer_status ws, enum auth_session_status ss, int denied,
                  int status, cJSON *out);

/* Answers 200 with o and its ETag (a hash of the body), or 304 when the request's
 * If-None-Match is that ETag: a list polled unchanged costs no body. Takes o. */
void hutil_answer_etag(struct hreq *r, cJSON *o);

/* The 403 for a subject the caller may not see; deliberately the same whether the
 * resident exists or not. */
void hutil_not_permitted(struct hreq *r);

/* Parses ?limit= (1..100, default 20). Returns 0, or -1 after answering 400. */
int hutil_limit(struct hreq *r, long *limit);

/* The 401 for a card session that auth_session_use() refused. */
void hutil_session_refused(struct hreq *r, enum auth_session_status ss);

/*
 * Inside a writer job: the resident a device request acts for. With an X-Card-Session
 * header (session, may be NULL) it is the session's resident ("self:card_session"), else
 * the home device's bound resident ("self:home_device"). Returns 1 with *resident and basis
 * set; 0 when refused (*ss is the session refusal, or AUTH_SESSION_OK for a device without
 * a resident and no session: answer with hutil_no_resident); -1 on a database error.
 */
int hutil_acting_resident(struct db *db, const struct hreq *r, const char *session, long long now,
                          long long *resident, const char **basis, enum auth_session_status *ss);

/* The answer for a refusal of hutil_acting_resident. */
void hutil_no_resident(struct hreq *r, enum auth_session_status ss);

/* Reads ?name= as a whole number in [lo, hi] (default def when absent). 0, or -1 after
 * answering 400. */
int hutil_query_long(struct hreq *r, const char *name, long lo, long hi, long def, long *out);

/* An Idempotency-Key for the length of one request (caller memory; idempotency.h). */
struct hutil_idem {
    const char *key; /* NULL when the request has no Idempotency-Key */
    char body_hash[65];
    int claimed;              /* the key is claimed in the database for this request */
    int finished;             /* the answer was stored (hutil_idem_store in the creating job) */
    const struct scope *town; /* the caller's: its keys are kept in its town */
    struct idempotency_claim claim;
};

/* Reads the Idempotency-Key and claims it in a writer job of its own. Returns 1 if the
 * request is already answered (replay, 400 for a malformed key, 409 in flight, 422 other
 * body, 500/503 when it could not be claimed), 0 to go on; then call hutil_idem_end. */
int hutil_idem_begin(struct hreq *r, struct hutil_idem *idem);
/* Inside the job that creates the thing: stores its answer for the key (nothing to do
 * without one). 0, or -1 when the job must roll back (the claim was taken over by a retry
 * after its lease, or the database failed). */
int hutil_idem_store(struct db *db, struct hutil_idem *idem, int status, const char *answer,
                     long long now);
/* The answer of a job that creates something: prints o (consumed, also on failure) into
 * *answer (owned, free(); NULL when it could not be printed) and stores it for the key with
 * status as hutil_idem_store(). 0, or -1 when the job must roll back. */
int hutil_idem_answer(struct db *db, struct hutil_idem *idem, int status, cJSON *o, long long now,
                      char **answer);
/* hutil_idem_store() for n requests of one writer batch at once (one statement on
 * PostgreSQL), each with its status 201, answers[i] at nows[i]; idems without a claim are
 * skipped.
 * 0, or -1 when the batch must roll back (one claim was taken over, or the database
 * failed): then no idem is marked finished. */
int hutil_idem_store_many(struct db *db, struct hutil_idem *const *idems,
                          const char *const *answers, const long long *nows, int n);
/* After answering: gives the claim up unless the answer was stored. */
void hutil_idem_end(struct hreq *r, struct hutil_idem *idem);

/* Adds "name": RFC 3339 and "name_unix": seconds to o, both null when t <= 0 (none). */
void hutil_add_time(cJSON *o, const char *name, long long t);

#endif
