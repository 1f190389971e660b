/*
 * privacy.c: the resident's own views and choices in a card session (access log,
 * consents, alerts), the help button, and the alert endpoints for family and city staff
 *. Every release goes through gate_check() inside a writer job together with
 * its audit record; a revoked consent therefore stops the very next request.
 */
#include "audit.h"
#include "consents.h"
#include "db_sqlite.h"
#include "escalate.h"
#include "gate.h"
#include "handlers.h"
#include "hubclock.h"
#include "hubctx.h"
#include "hubreq.h"
#include "horders.h"
#include "hutil.h"
#include "idem.h"
#include "writer.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* {"kind","id","display_name"} for an audit actor or ack_by text ("family:2", ...). */
static cJSON *actor_json(struct db *db, const char *actor)
{
    cJSON *o = cJSON_CreateObject();
    char kind[16] = "";
    long long id = 0;
    char name[HUTIL_NAME_MAX] = "";
    const char *colon = strchr(actor, ':');
    if (colon && (size_t)(colon - actor) < sizeof kind) {
        memcpy(kind, actor, (size_t)(colon - actor));
        kind[colon - actor] = '\0';
        id = hubreq_parse_id(colon + 1, strlen(colon + 1));
    }
    if (strcmp(kind, "family") == 0 && id > 0) {
        hutil_text1(db, "SELECT display_name FROM family WHERE id = ?", id, name, sizeof name);
    } else if (strcmp(kind, "staff") == 0 && id > 0) {
        hutil_text1(db, "SELECT display_name FROM staff WHERE id = ?", id, name, sizeof name);
    } else if (strcmp(kind, "operator") == 0 && id > 0) {
        hutil_text1(db, "SELECT display_name FROM operators WHERE id = ?", id, name, sizeof name);
    } else if (strcmp(kind, "source") == 0 && id > 0) {
        hutil_text1(db, "SELECT display_name FROM sources WHERE id = ?", id, name, sizeof name);
    } else if (strcmp(kind, "device") == 0 && id > 0) {
        hutil_text1(db,
                    "SELECT CASE kind WHEN 'home' THEN 'home device' ELSE 'public kiosk' END"
                    " || CASE label WHEN '' THEN '' ELSE ' (' || label || ')' END"
                    " FROM devices WHERE id = ?",
                    id, name, sizeof name);
    } else if (strcmp(actor, "hubctl") == 0) {
        snprintf(kind, sizeof kind, "city_office");
        snprintf(name, sizeof name, "city office");
    } else {
        snprintf(kind, sizeof kind, "hub");
        snprintf(name, sizeof name, "the hub");
    }
    cJSON_AddStringToObject(o, "kind", kind);
    if (id > 0)
        cJSON_AddNumberToObject(o, "id", (double)id);
    cJSON_AddStringToObject(o, "display_name", name);
    return o;
}

static cJSON *alert_json(struct db *db, sqlite3_stmt *st)
{
    /* columns: id, resident_id, kind, level, raised_unix, ack_by, ack_unix, day */
    cJSON *e = cJSON_CreateObject();
    char at[21];
    cJSON_AddNumberToObject(e, "id", (double)sqlite3_column_int64(st, 0));
    cJSON_AddNumberToObject(e, "resident_id", (double)sqlite3_column_int64(st, 1));
    cJSON_AddStringToObject(e, "kind", (const char *)sqlite3_column_text(st, 2));
    cJSON_AddStringToObject(e, "level", (const char *)sqlite3_column_text(st, 3));
    hubclock_rfc3339((time_t)sqlite3_column_int64(st, 4), at);
    cJSON_AddStringToObject(e, "raised_at", at);
    cJSON_AddNumberToObject(e, "raised_at_unix", (double)sqlite3_column_int64(st, 4));
    if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
        cJSON_AddItemToObject(e, "acknowledged_by",
                              actor_json(db, (const char *)sqlite3_column_text(st, 5)));
        cJSON_AddNumberToObject(e, "acknowledged_at_unix", (double)sqlite3_column_int64(st, 6));
    } else {
        cJSON_AddNullToObject(e, "acknowledged_by");
    }
    /* Alerts raised together (one help press at both levels, one day's missed check-in)
     * share a group, so a list can show one entry per event. */
    cJSON_AddStringToObject(e, "group", (const char *)sqlite3_column_text(st, 7));
    return e;
}

#define ALERT_COLS "id, resident_id, kind, level, raised_unix, ack_by, ack_unix, day"

/* ---- card-session views ---------------------------------------------------------------- */

enum view { VIEW_ACCESS_LOG, VIEW_ACCESS_SUMMARY, VIEW_CONSENTS, VIEW_ALERTS };

struct view_job {
    struct hreq *r;
    enum view view;
    const char *session;
    time_t now;
    long limit;
    long long before;
    long long offset;
    enum auth_session_status ss;
    cJSON *out;
};

static int fill_access_log(struct db *db, struct view_job *j, long long resident, cJSON *o)
{
    sqlite3 *conn = db_sqlite_handle(db);
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(conn,
                           "SELECT id, at_unix, actor, action, outcome, data_kinds, purpose,"
                           " basis, source, destination FROM audit WHERE subject_resident_id = ?"
                           " AND id < ? ORDER BY id DESC LIMIT ?",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, resident);
    sqlite3_bind_int64(st, 2, j->before);
    sqlite3_bind_int64(st, 3, j->limit + 1);
    cJSON *arr = cJSON_AddArrayToObject(o, "entries");
    long n = 0;
    long long last = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == j->limit) { /* one more exists: there is a next page */
            cJSON_AddNumberToObject(o, "next_before", (double)last);
            break;
        }
        char at[21];
        cJSON *e = cJSON_CreateObject();
        last = sqlite3_column_int64(st, 0);
        cJSON_AddNumberToObject(e, "id", (double)last);
        hubclock_rfc3339((time_t)sqlite3_column_int64(st, 1), at);
        cJSON_AddStringToObject(e, "at", at);
        cJSON_AddNumberToObject(e, "at_unix", (double)sqlite3_column_int64(st, 1));
        cJSON_AddItemToObject(e, "actor", actor_json(db, (const char *)sqlite3_column_text(st, 2)));
        static const char *const names[] = {"action", "outcome", "data_kinds", "purpose",
                                            "basis",  "source",  "destination"};
        for (int i = 0; i < 7; i++)
            cJSON_AddStringToObject(e, names[i], (const char *)sqlite3_column_text(st, 3 + i));
        cJSON_AddItemToArray(arr, e);
        n++;
    }
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        goto out;
    if (!cJSON_GetObjectItem(o, "next_before"))
        cJSON_AddNullToObject(o, "next_before");
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

/* "choices": every recipient x kind of data the resident has or may have a consent for, on
 * or off: linked family members x safety, source organisations that sent the resident's
 * checkups x their checkups, operators serving the resident's district x the address, and
 * every consent ever recorded (a revoked one stays, so it can be granted again). */
static int fill_consent_choices(struct db *db, long long resident, cJSON *o)
{
    sqlite3 *conn = db_sqlite_handle(db);
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(
            conn,
            "SELECT k.kind, k.rid, k.data_kind, k.purpose,"
            " (SELECT c.id FROM consents c WHERE c.resident_id = ?1 AND c.recipient_kind = k.kind"
            "  AND c.recipient_id = k.rid AND c.data_kind = k.data_kind AND c.purpose = k.purpose"
            "  AND c.revoked_unix IS NULL ORDER BY c.id DESC LIMIT 1),"
            " (SELECT c.granted_unix FROM consents c WHERE c.resident_id = ?1"
            "  AND c.recipient_kind = k.kind AND c.recipient_id = k.rid"
            "  AND c.data_kind = k.data_kind AND c.purpose = k.purpose"
            "  AND c.revoked_unix IS NULL ORDER BY c.id DESC LIMIT 1),"
            " (SELECT MAX(c.revoked_unix) FROM consents c WHERE c.resident_id = ?1"
            "  AND c.recipient_kind = k.kind AND c.recipient_id = k.rid"
            "  AND c.data_kind = k.data_kind AND c.purpose = k.purpose)"
            " FROM (SELECT 'family' AS kind, family_id AS rid, 'safety' AS data_kind,"
            "  'watch_over' AS purpose, 0 AS o FROM family_links WHERE resident_id = ?1"
            " UNION SELECT 'source', source_id, 'checkups:' || source_id, 'linkage', 1"
            "  FROM checkups WHERE resident_id = ?1"
            " UNION SELECT 'operator', p.id, 'address', 'delivery', 2 FROM operators p"
            "  JOIN residents r ON r.id = ?1"
            "  WHERE instr(',' || p.districts || ',', ',' || r.district || ',') > 0"
            " UNION SELECT recipient_kind, recipient_id, data_kind, purpose, 3 FROM consents"
            "  WHERE resident_id = ?1) k"
            " GROUP BY k.kind, k.rid, k.data_kind, k.purpose"
            " ORDER BY MIN(k.o), k.kind, k.rid, k.data_kind LIMIT 200",
            -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, resident);
    cJSON *arr = cJSON_AddArrayToObject(o, "choices");
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        char actor[48];
        cJSON *e = cJSON_CreateObject();
        snprintf(actor, sizeof actor, "%s:%lld", (const char *)sqlite3_column_text(st, 0),
                 sqlite3_column_int64(st, 1));
        cJSON_AddItemToObject(e, "recipient", actor_json(db, actor));
        cJSON_AddStringToObject(e, "data_kind", (const char *)sqlite3_column_text(st, 2));
        cJSON_AddStringToObject(e, "purpose", (const char *)sqlite3_column_text(st, 3));
        bool on = sqlite3_column_type(st, 4) != SQLITE_NULL;
        cJSON_AddBoolToObject(e, "granted", on);
        if (on) {
            cJSON_AddNumberToObject(e, "consent_id", (double)sqlite3_column_int64(st, 4));
            cJSON_AddNumberToObject(e, "granted_at_unix", (double)sqlite3_column_int64(st, 5));
        } else {
            cJSON_AddNullToObject(e, "consent_id");
        }
        if (sqlite3_column_type(st, 6) != SQLITE_NULL)
            cJSON_AddNumberToObject(e, "revoked_at_unix", (double)sqlite3_column_int64(st, 6));
        cJSON_AddItemToArray(arr, e);
    }
    if (s == SQLITE_DONE)
        rc = 0;
    sqlite3_finalize(st);
    return rc;
}

/*
 * The access log told as what happened, for a screen: one line per (who, what, Japan day),
 * others' accesses first (newest first), then the resident's own (basis self:...), whoever
 * the device. Reads of the same data by the same recipient on one day are one line with a
 * count; records made in the same second (one reload reads check-ins and alerts) count as
 * one look. Paged by `offset` over these lines.
 */
static int fill_access_summary(struct db *db, struct view_job *j, long long resident, cJSON *o)
{
    sqlite3 *conn = db_sqlite_handle(db);
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(
            conn,
            "SELECT basis LIKE 'self:%' AS own, MIN(actor),"
            " CASE WHEN action LIKE '%.read' THEN 'read' ELSE action END AS act,"
            " group_concat(DISTINCT data_kinds), MIN(purpose), MIN(basis),"
            " date(at_unix + 32400, 'unixepoch') AS day, COUNT(DISTINCT at_unix),"
            " MIN(at_unix), MAX(at_unix), MAX(id), MIN(outcome)"
            " FROM audit WHERE subject_resident_id = ?"
            " GROUP BY own, CASE WHEN basis LIKE 'self:%' THEN '' ELSE actor END, act,"
            " CASE WHEN action LIKE '%.read' THEN purpose ELSE data_kinds END, day"
            " ORDER BY own, MAX(id) DESC LIMIT ? OFFSET ?",
            -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, resident);
    sqlite3_bind_int64(st, 2, j->limit + 1);
    sqlite3_bind_int64(st, 3, j->offset);
    cJSON *arr = cJSON_AddArrayToObject(o, "lines");
    long n = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == j->limit) {
            cJSON_AddNumberToObject(o, "next_offset", (double)(j->offset + n));
            break;
        }
        char at[21];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddBoolToObject(e, "own", sqlite3_column_int(st, 0) != 0);
        cJSON_AddItemToObject(e, "actor", actor_json(db, (const char *)sqlite3_column_text(st, 1)));
        cJSON_AddStringToObject(e, "action", (const char *)sqlite3_column_text(st, 2));
        cJSON_AddStringToObject(e, "data_kinds", (const char *)sqlite3_column_text(st, 3));
        cJSON_AddStringToObject(e, "purpose", (const char *)sqlite3_column_text(st, 4));
        cJSON_AddStringToObject(e, "basis", (const char *)sqlite3_column_text(st, 5));
        cJSON_AddStringToObject(e, "day", (const char *)sqlite3_column_text(st, 6));
        cJSON_AddNumberToObject(e, "count", (double)sqlite3_column_int64(st, 7));
        cJSON_AddNumberToObject(e, "first_at_unix", (double)sqlite3_column_int64(st, 8));
        hubclock_rfc3339((time_t)sqlite3_column_int64(st, 9), at);
        cJSON_AddStringToObject(e, "last_at", at);
        cJSON_AddNumberToObject(e, "last_at_unix", (double)sqlite3_column_int64(st, 9));
        cJSON_AddNumberToObject(e, "last_id", (double)sqlite3_column_int64(st, 10));
        cJSON_AddStringToObject(e, "outcome", (const char *)sqlite3_column_text(st, 11));
        cJSON_AddItemToArray(arr, e);
        n++;
    }
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        goto out;
    if (!cJSON_GetObjectItem(o, "next_offset"))
        cJSON_AddNullToObject(o, "next_offset");
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

static int fill_consents(struct db *db, long long resident, cJSON *o)
{
    sqlite3 *conn = db_sqlite_handle(db);
    sqlite3_stmt *st = NULL;
    int rc = -1;
    cJSON *arr = cJSON_AddArrayToObject(o, "consents");
    if (sqlite3_prepare_v2(conn,
                           "SELECT id, recipient_kind, recipient_id, data_kind, purpose,"
                           " granted_unix, granted_via FROM consents WHERE resident_id = ?"
                           " AND revoked_unix IS NULL ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, resident);
    while (sqlite3_step(st) == SQLITE_ROW) {
        char actor[48];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "id", (double)sqlite3_column_int64(st, 0));
        snprintf(actor, sizeof actor, "%s:%lld", (const char *)sqlite3_column_text(st, 1),
                 sqlite3_column_int64(st, 2));
        cJSON_AddItemToObject(e, "recipient", actor_json(db, actor));
        cJSON_AddStringToObject(e, "data_kind", (const char *)sqlite3_column_text(st, 3));
        cJSON_AddStringToObject(e, "purpose", (const char *)sqlite3_column_text(st, 4));
        cJSON_AddNumberToObject(e, "granted_at_unix", (double)sqlite3_column_int64(st, 5));
        cJSON_AddStringToObject(e, "granted_via", (const char *)sqlite3_column_text(st, 6));
        cJSON_AddItemToArray(arr, e);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (fill_consent_choices(db, resident, o) != 0)
        return -1;
    cJSON *rec = cJSON_AddArrayToObject(o, "recipients");
    if (sqlite3_prepare_v2(conn,
                           "SELECT f.id, f.display_name, l.relation FROM family_links l JOIN"
                           " family f ON f.id = l.family_id WHERE l.resident_id = ? ORDER BY f.id",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, resident);
    while (sqlite3_step(st) == SQLITE_ROW) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "kind", "family");
        cJSON_AddNumberToObject(e, "id", (double)sqlite3_column_int64(st, 0));
        cJSON_AddStringToObject(e, "display_name", (const char *)sqlite3_column_text(st, 1));
        cJSON_AddStringToObject(e, "relation", (const char *)sqlite3_column_text(st, 2));
        cJSON_AddItemToArray(rec, e);
    }
    sqlite3_finalize(st);
    st = NULL;
    cJSON *lb = cJSON_AddArrayToObject(o, "legal_bases");
    if (sqlite3_prepare_v2(conn,
                           "SELECT name, recipient_kind, data_kind, purpose, description FROM"
                           " legal_bases ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        static const char *const names[] = {"name", "recipient_kind", "data_kind", "purpose",
                                            "description"};
        cJSON *e = cJSON_CreateObject();
        for (int i = 0; i < 5; i++)
            cJSON_AddStringToObject(e, names[i], (const char *)sqlite3_column_text(st, i));
        cJSON_AddItemToArray(lb, e);
    }
    rc = 0;
    sqlite3_finalize(st);
    return rc;
}

static int fill_alerts(struct db *db, long long resident, const char *level, long limit, cJSON *o)
{
    sqlite3 *conn = db_sqlite_handle(db);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(conn,
                           "SELECT " ALERT_COLS " FROM alerts WHERE resident_id = ?1"
                           " AND (?2 IS NULL OR level = ?2) ORDER BY id DESC LIMIT ?3",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, resident);
    if (level)
        sqlite3_bind_text(st, 2, level, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_int64(st, 3, limit);
    cJSON *arr = cJSON_AddArrayToObject(o, "alerts");
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        cJSON_AddItemToArray(arr, alert_json(db, st));
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? 0 : -1;
}

static int view_job(struct db *db, void *arg)
{
    struct view_job *j = arg;
    struct hreq *r = j->r;
    long long resident = 0, sid = 0;
    cJSON *o = NULL;
    int rc = -1;
    j->ss = auth_session_use(db, j->session, r->who.id, j->now, &resident, &sid);
    if (j->ss == AUTH_SESSION_ERROR)
        return -1;
    if (j->ss != AUTH_SESSION_OK)
        return 0;
    char basis[GATE_BASIS_MAX];
    /* The resident's own data: the gate allows it on the session (and says so). */
    if (gate_check(db, &r->who, resident, resident, "own_records", "own_view", basis) != GATE_ALLOW)
        return -1;
    o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "resident_id", (double)resident);
    const char *action = "", *kinds = "";
    switch (j->view) {
    case VIEW_ACCESS_LOG:
        action = "access_log.read";
        kinds = "audit";
        if (fill_access_log(db, j, resident, o) != 0)
            goto out;
        break;
    case VIEW_ACCESS_SUMMARY:
        action = "access_log.read";
        kinds = "audit";
        if (fill_access_summary(db, j, resident, o) != 0)
            goto out;
        break;
    case VIEW_CONSENTS:
        action = "consents.read";
        kinds = "consent";
        if (fill_consents(db, resident, o) != 0)
            goto out;
        break;
    case VIEW_ALERTS:
        action = "alerts.read";
        kinds = "safety";
        if (fill_alerts(db, resident, NULL, j->limit, o) != 0)
            goto out;
        break;
    }
    if (hutil_audit(db, r,
                    (struct audit_rec){.at = j->now,
                                       .action = action,
                                       .subject = resident,
                                       .data_kinds = kinds,
                                       .purpose = "own_view",
                                       .basis = basis}) != 0)
        goto out;
    j->out = o;
    o = NULL;
    rc = 0;
out:
    cJSON_Delete(o);
    return rc;
}

static void run_view(struct hreq *r, enum view v)
{
    struct view_job j = {.r = r,
                         .view = v,
                         .session = hreq_header(r, "X-Card-Session"),
                         .now = hubclock_now(),
                         .before = (1LL << 62)};
    if (hutil_limit(r, &j.limit) != 0)
        return;
    const char *b = hreq_query(r, "before");
    if (b) {
        j.before = hubreq_parse_id(b, strlen(b));
        if (j.before < 0) {
            hreq_error(r, 400, "bad_request",
                       "\"before\" must be a record id (a positive whole number).");
            return;
        }
    }
    const char *off = hreq_query(r, "offset");
    if (off) {
        j.offset = hubreq_parse_id(off, strlen(off));
        if (strcmp(off, "0") == 0)
            j.offset = 0;
        else if (j.offset <= 0 || j.offset > 100000) {
            hreq_error(r, 400, "bad_request",
                       "\"offset\" must be a whole number from 0 to 100000.");
            return;
        }
    }
    enum writer_status ws = writer_run(r->hub->writer, view_job, &j);
    hutil_answer(r, ws, j.ss, 0, 200, j.out);
}

void h_session_access_log(struct hreq *r)
{
    run_view(r, VIEW_ACCESS_LOG);
}

void h_session_access_summary(struct hreq *r)
{
    run_view(r, VIEW_ACCESS_SUMMARY);
}

void h_session_consents_get(struct hreq *r)
{
    run_view(r, VIEW_CONSENTS);
}

void h_session_alerts(struct hreq *r)
{
    run_view(r, VIEW_ALERTS);
}

/* ---- POST /v1/session/consents --------------------------------------------------------- */

struct consent_job {
    struct hreq *r;
    const char *session;
    time_t now;
    struct hubreq_consent c;
    enum auth_session_status ss;
    int bad_recipient;
    int status;
    cJSON *out;
};

static int consent_job(struct db *db, void *arg)
{
    sqlite3 *conn = db_sqlite_handle(db);
    struct consent_job *j = arg;
    struct hreq *r = j->r;
    long long resident = 0, sid = 0;
    sqlite3_stmt *st = NULL;
    struct db *dbh = db; /* the store's handle: the writer's */
    int rc = -1;
    char dummy[8], dest[48];
    j->ss = auth_session_use(db, j->session, r->who.id, j->now, &resident, &sid);
    if (j->ss == AUTH_SESSION_ERROR)
        return -1;
    if (j->ss != AUTH_SESSION_OK)
        return 0;
    /* A recipient must be someone the hub knows in that role (family: linked to the
     * resident; operators and source organisations: registered by hubctl). */
    int known = 0;
    if (strcmp(j->c.recipient_kind, "family") == 0) {
        if (sqlite3_prepare_v2(conn,
                               "SELECT 1 FROM family_links WHERE family_id = ? AND resident_id = ?",
                               -1, &st, NULL) != SQLITE_OK)
            return -1;
        sqlite3_bind_int64(st, 1, j->c.recipient_id);
        sqlite3_bind_int64(st, 2, resident);
        int s = sqlite3_step(st);
        known = s == SQLITE_ROW ? 1 : s == SQLITE_DONE ? 0 : -1;
        sqlite3_finalize(st);
        st = NULL;
    } else if (strcmp(j->c.recipient_kind, "staff") == 0) {
        known = hutil_text1(db, "SELECT 1 FROM staff WHERE id = ?", j->c.recipient_id, dummy,
                            sizeof dummy);
    } else if (strcmp(j->c.recipient_kind, "operator") == 0) {
        known = hutil_text1(db, "SELECT 1 FROM operators WHERE id = ?", j->c.recipient_id, dummy,
                            sizeof dummy);
    } else if (strcmp(j->c.recipient_kind, "source") == 0) {
        known = hutil_text1(db, "SELECT 1 FROM sources WHERE id = ?", j->c.recipient_id, dummy,
                            sizeof dummy);
    }
    if (known < 0)
        return -1;
    if (!known) {
        j->bad_recipient = 1;
        return 0;
    }
    snprintf(dest, sizeof dest, "%s:%lld", j->c.recipient_kind, j->c.recipient_id);
    cJSON *o = cJSON_CreateObject();
    struct consents_key key = {.resident = resident,
                               .recipient_kind = j->c.recipient_kind,
                               .recipient_id = j->c.recipient_id,
                               .data_kind = j->c.data_kind,
                               .purpose = j->c.purpose};
    if (j->c.granted) {
        int64_t id = 0;
        int created = 0;
        if (consents_grant(dbh, &key, (int64_t)j->now, "card session", &id, &created) != DB_OK)
            goto out;
        j->status = created ? 201 : 200;
        cJSON *c = cJSON_AddObjectToObject(o, "consent");
        cJSON_AddNumberToObject(c, "id", (double)id);
        cJSON_AddItemToObject(c, "recipient", actor_json(db, dest));
        cJSON_AddStringToObject(c, "data_kind", j->c.data_kind);
        cJSON_AddStringToObject(c, "purpose", j->c.purpose);
        cJSON_AddBoolToObject(o, "changed", j->status == 201);
    } else {
        int64_t n = 0;
        if (consents_revoke(dbh, &key, (int64_t)j->now, &n) != DB_OK)
            goto out;
        /* Nothing still waiting for this operator may carry the address any more. */
        if (n > 0 && strcmp(j->c.recipient_kind, "operator") == 0 &&
            strcmp(j->c.data_kind, "address") == 0 &&
            horders_rebody_without_address(db, resident, j->c.recipient_id) != 0)
            goto out;
        j->status = 200;
        cJSON_AddNumberToObject(o, "revoked", (double)n);
        cJSON_AddBoolToObject(o, "changed", n > 0);
    }
    if (hutil_audit(db, r,
                    (struct audit_rec){.at = j->now,
                                       .action = j->c.granted ? "consent.grant" : "consent.revoke",
                                       .subject = resident,
                                       .data_kinds = j->c.data_kind,
                                       .purpose = j->c.purpose,
                                       .basis = "self:card_session",
                                       .source = "resident",
                                       .destination = dest}) != 0)
        goto out;
    j->out = o;
    o = NULL;
    rc = 0;
out:
    cJSON_Delete(o);
    sqlite3_finalize(st);
    return rc;
}

void h_session_consents_post(struct hreq *r)
{
    char msg[512];
    struct consent_job j = {
        .r = r, .session = hreq_header(r, "X-Card-Session"), .now = hubclock_now()};
    if (hubreq_parse_consent(r->body, r->body_len, &j.c, msg, sizeof msg) != HUBREQ_OK) {
        hreq_error(r, 400, "bad_request", "%s", msg);
        return;
    }
    enum writer_status ws = writer_run(r->hub->writer, consent_job, &j);
    if (ws != WRITER_OK) {
        hutil_write_failed(r, ws);
        return;
    }
    if (j.ss != AUTH_SESSION_OK) {
        hutil_session_refused(r, j.ss);
        return;
    }
    if (j.bad_recipient) {
        hreq_error(r, 422, "unknown_recipient",
                   "There is no such recipient for this resident (a family member must be "
                   "linked to the resident by the city office first).");
        return;
    }
    hreq_json(r, j.status, j.out);
}

/* ---- POST /v1/help --------------------------------------------------------------------- */

struct help_job {
    struct hreq *r;
    time_t now;
    const char *idem_key;
    const char *body_hash;
    char *resp;
};

static int help_job(struct db *db, void *arg)
{
    sqlite3 *conn = db_sqlite_handle(db);
    struct help_job *j = arg;
    struct hreq *r = j->r;
    long long ids[2];
    char at[21];
    if (escalate_help(conn, r->who.resident_id, j->now, r->who.actor, r->request_id, ids) != 0)
        return -1;
    hubclock_rfc3339(j->now, at);
    cJSON *o = cJSON_CreateObject();
    cJSON *h = cJSON_AddObjectToObject(o, "help");
    cJSON_AddNumberToObject(h, "resident_id", (double)r->who.resident_id);
    cJSON *arr = cJSON_AddArrayToObject(h, "alert_ids");
    cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)ids[0]));
    cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)ids[1]));
    cJSON_AddStringToObject(h, "at", at);
    cJSON_AddNumberToObject(h, "at_unix", (double)j->now);
    j->resp = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!j->resp)
        return -1;
    if (j->idem_key &&
        idem_store(db, r->who.actor, j->idem_key, j->body_hash, 201, j->resp, j->now) != SQLITE_OK)
        return -1;
    return 0;
}

void h_help_post(struct hreq *r)
{
    struct hutil_idem idem;
    if (strcmp(r->who.device_kind, "home") != 0 || r->who.resident_id <= 0) {
        hreq_error(r, 403, "forbidden",
                   "Only a home device bound to a resident can call for help; at a public kiosk "
                   "please ask the staff.");
        return;
    }
    if (hutil_idem_begin(r, &idem))
        return;
    struct help_job j = {
        .r = r, .now = hubclock_now(), .idem_key = idem.key, .body_hash = idem.body_hash};
    enum writer_status ws = writer_run(r->hub->writer, help_job, &j);
    if (ws == WRITER_OK) {
        hreq_raw(r, 201, j.resp);
        j.resp = NULL;
    } else {
        hutil_write_failed(r, ws);
    }
    free(j.resp);
    hutil_idem_end(r, &idem);
}

/* ---- GET /v1/help ---------------------------------------------------------------------- */

struct help_list_job {
    struct hreq *r;
    time_t now;
    long limit;
    cJSON *out;
};

/* The resident's help presses, newest first, each with the state of every level it alerted
 * (family first, then city), so the home tablet can say who has acknowledged. */
static int help_list_job(struct db *db, void *arg)
{
    sqlite3 *conn = db_sqlite_handle(db);
    struct help_list_job *j = arg;
    struct hreq *r = j->r;
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(conn,
                           "SELECT " ALERT_COLS " FROM alerts WHERE resident_id = ?1 AND kind ="
                           " 'help' AND day IN (SELECT day FROM alerts WHERE resident_id = ?1"
                           " AND kind = 'help' GROUP BY day ORDER BY MAX(id) DESC LIMIT ?2)"
                           " ORDER BY id DESC",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, r->who.resident_id);
    sqlite3_bind_int64(st, 2, j->limit);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "resident_id", (double)r->who.resident_id);
    cJSON *arr = cJSON_AddArrayToObject(o, "presses");
    cJSON *press = NULL, *levels = NULL;
    const char *group = "";
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *g = (const char *)sqlite3_column_text(st, 7);
        cJSON *al = alert_json(db, st);
        if (!press || strcmp(g, group) != 0) {
            char at[21];
            press = cJSON_CreateObject();
            cJSON_AddItemToArray(arr, press);
            cJSON_AddStringToObject(press, "group", g);
            hubclock_rfc3339((time_t)sqlite3_column_int64(st, 4), at);
            cJSON_AddStringToObject(press, "at", at);
            cJSON_AddNumberToObject(press, "at_unix", (double)sqlite3_column_int64(st, 4));
            levels = cJSON_AddArrayToObject(press, "alerts");
        }
        group = cJSON_GetObjectItem(press, "group")->valuestring;
        /* rows come newest first: the family level (raised first) goes to the front */
        if (cJSON_GetArraySize(levels) > 0)
            cJSON_InsertItemInArray(levels, 0, al);
        else
            cJSON_AddItemToArray(levels, al);
    }
    if (s != SQLITE_DONE)
        goto out;
    if (cJSON_GetArraySize(arr) > 0 &&
        hutil_audit(db, r,
                    (struct audit_rec){.at = j->now,
                                       .action = "help.read",
                                       .subject = r->who.resident_id,
                                       .data_kinds = "safety",
                                       .purpose = "watch_over",
                                       .basis = "self:home_device"}) != 0)
        goto out;
    j->out = o;
    o = NULL;
    rc = 0;
out:
    cJSON_Delete(o);
    sqlite3_finalize(st);
    return rc;
}

void h_help_get(struct hreq *r)
{
    if (strcmp(r->who.device_kind, "home") != 0 || r->who.resident_id <= 0) {
        hreq_error(r, 403, "forbidden",
                   "Only a home device bound to a resident can read its help calls.");
        return;
    }
    struct help_list_job j = {.r = r, .now = hubclock_now()};
    if (hutil_limit(r, &j.limit) != 0)
        return;
    enum writer_status ws = writer_run(r->hub->writer, help_list_job, &j);
    hutil_answer(r, ws, AUTH_SESSION_OK, 0, 200, j.out);
}

/* ---- POST /v1/activity ---------------------------------------------------------------- */

#define ACTIVITY_MIN_GAP 600 /* seconds: one stored sign of life per device per 10 minutes */

struct activity_job {
    struct hreq *r;
    time_t now;
    const char *kind;
    int stored;
    long long id, at;
    char stored_kind[HUBREQ_NAME_MAX];
};

static int activity_job(struct db *db, void *arg)
{
    sqlite3 *conn = db_sqlite_handle(db);
    struct activity_job *j = arg;
    struct hreq *r = j->r;
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(conn,
                           "SELECT id, kind, at_unix FROM activity WHERE device_id = ?"
                           " ORDER BY id DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, r->who.id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW && (long long)j->now - sqlite3_column_int64(st, 2) < ACTIVITY_MIN_GAP &&
        sqlite3_column_int64(st, 2) <= (long long)j->now) {
        /* A recent one already tells the hub the resident is active: keep the table small. */
        j->id = sqlite3_column_int64(st, 0);
        snprintf(j->stored_kind, sizeof j->stored_kind, "%s",
                 (const char *)sqlite3_column_text(st, 1));
        j->at = sqlite3_column_int64(st, 2);
        rc = 0;
        goto out;
    }
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        goto out;
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(conn,
                           "INSERT INTO activity(resident_id, device_id, kind, at_unix)"
                           " VALUES(?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, r->who.resident_id);
    sqlite3_bind_int64(st, 2, r->who.id);
    sqlite3_bind_text(st, 3, j->kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (long long)j->now);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto out;
    j->id = sqlite3_last_insert_rowid(conn);
    j->at = (long long)j->now;
    snprintf(j->stored_kind, sizeof j->stored_kind, "%s", j->kind);
    j->stored = 1;
    if (hutil_audit(db, r,
                    (struct audit_rec){.at = j->now,
                                       .action = "activity.report",
                                       .subject = r->who.resident_id,
                                       .data_kinds = "safety",
                                       .purpose = "watch_over",
                                       .basis = "self:home_device",
                                       .source = r->who.actor,
                                       .destination = "hub"}) != 0)
        goto out;
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

void h_activity_post(struct hreq *r)
{
    char msg[512], kind[HUBREQ_NAME_MAX];
    if (strcmp(r->who.device_kind, "home") != 0 || r->who.resident_id <= 0) {
        hreq_error(r, 403, "forbidden", "Only a home device bound to a resident reports activity.");
        return;
    }
    if (hubreq_parse_activity(r->body, r->body_len, kind, msg, sizeof msg) != HUBREQ_OK) {
        hreq_error(r, 400, "bad_request", "%s", msg);
        return;
    }
    struct activity_job j = {.r = r, .now = hubclock_now(), .kind = kind};
    enum writer_status ws = writer_run(r->hub->writer, activity_job, &j);
    if (ws != WRITER_OK) {
        hutil_write_failed(r, ws);
        return;
    }
    char at[21];
    hubclock_rfc3339((time_t)j.at, at);
    cJSON *o = cJSON_CreateObject();
    cJSON *a = cJSON_AddObjectToObject(o, "activity");
    cJSON_AddNumberToObject(a, "id", (double)j.id);
    cJSON_AddNumberToObject(a, "resident_id", (double)r->who.resident_id);
    cJSON_AddStringToObject(a, "kind", j.stored_kind);
    cJSON_AddStringToObject(a, "at", at);
    cJSON_AddNumberToObject(a, "at_unix", (double)j.at);
    cJSON_AddBoolToObject(o, "stored", j.stored);
    hreq_json(r, j.stored ? 201 : 200, o);
}

/* ---- alerts for family and staff ------------------------------------------------------- */

struct alerts_job {
    struct hreq *r;
    time_t now;
    long limit;
    int denied;
    int status;
    cJSON *out;
};

/* The alert level each role receives. */
static const char *level_of(const struct auth_principal *who)
{
    return who->role == AUTH_STAFF ? "city" : "family";
}

static int resident_alerts_job(struct db *db, void *arg)
{
    struct alerts_job *j = arg;
    struct hreq *r = j->r;
    char basis[GATE_BASIS_MAX];
    enum gate_decision d = gate_check(db, &r->who, 0, r->path_id, "safety", "watch_over", basis);
    if (d == GATE_DENY) {
        j->denied = 1;
        return 0;
    }
    if (d != GATE_ALLOW)
        return -1;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "resident_id", (double)r->path_id);
    if (fill_alerts(db, r->path_id, level_of(&r->who), j->limit, o) != 0 ||
        hutil_audit(db, r,
                    (struct audit_rec){.at = j->now,
                                       .action = "alerts.read",
                                       .subject = r->path_id,
                                       .data_kinds = "safety",
                                       .purpose = "watch_over",
                                       .basis = basis}) != 0) {
        cJSON_Delete(o);
        return -1;
    }
    j->out = o;
    return 0;
}

void h_resident_alerts_get(struct hreq *r)
{
    struct alerts_job j = {.r = r, .now = hubclock_now()};
    if (hutil_limit(r, &j.limit) != 0)
        return;
    enum writer_status ws = writer_run(r->hub->writer, resident_alerts_job, &j);
    hutil_answer(r, ws, AUTH_SESSION_OK, j.denied, 200, j.out);
}

static int open_alerts_job(struct db *db, void *arg)
{
    sqlite3 *conn = db_sqlite_handle(db);
    struct alerts_job *j = arg;
    struct hreq *r = j->r;
    sqlite3_stmt *st = NULL;
    int rc = -1;
    cJSON *o = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(o, "alerts");
    if (sqlite3_prepare_v2(conn,
                           "SELECT a.id, a.resident_id, a.kind, a.level, a.raised_unix, a.ack_by,"
                           " a.ack_unix, a.day, r.display_name, r.district FROM alerts a JOIN"
                           " residents r"
                           " ON r.id = a.resident_id WHERE a.level = 'city' AND a.ack_by IS NULL"
                           " ORDER BY a.id LIMIT ?",
                           -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, j->limit);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        long long res = sqlite3_column_int64(st, 1);
        char basis[GATE_BASIS_MAX];
        enum gate_decision d = gate_check(db, &r->who, 0, res, "safety", "watch_over", basis);
        if (d == GATE_ERROR)
            goto out;
        if (d == GATE_DENY)
            continue;
        cJSON *e = alert_json(db, st);
        cJSON *who = cJSON_AddObjectToObject(e, "resident");
        cJSON_AddNumberToObject(who, "id", (double)res);
        cJSON_AddStringToObject(who, "display_name", (const char *)sqlite3_column_text(st, 8));
        cJSON_AddStringToObject(who, "district", (const char *)sqlite3_column_text(st, 9));
        cJSON_AddItemToArray(arr, e);
        /* One record per released alert, so each resident's log shows it. */
        if (hutil_audit(db, r,
                        (struct audit_rec){.at = j->now,
                                           .action = "alerts.read",
                                           .subject = res,
                                           .data_kinds = "safety,profile",
                                           .purpose = "watch_over",
                                           .basis = basis}) != 0)
            goto out;
    }
    if (s != SQLITE_DONE)
        goto out;
    j->out = o;
    o = NULL;
    rc = 0;
out:
    sqlite3_finalize(st);
    cJSON_Delete(o);
    return rc;
}

void h_alerts_get(struct hreq *r)
{
    struct alerts_job j = {.r = r, .now = hubclock_now()};
    if (hutil_limit(r, &j.limit) != 0)
        return;
    enum writer_status ws = writer_run(r->hub->writer, open_alerts_job, &j);
    hutil_answer(r, ws, AUTH_SESSION_OK, 0, 200, j.out);
}

static int ack_job(struct db *db, void *arg)
{
    sqlite3 *conn = db_sqlite_handle(db);
    struct alerts_job *j = arg;
    struct hreq *r = j->r;
    sqlite3_stmt *st = NULL;
    int rc = -1;
    long long res = 0;
    char level[16] = "";
    if (sqlite3_prepare_v2(conn, "SELECT resident_id, level FROM alerts WHERE id = ?", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, r->path_id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        res = sqlite3_column_int64(st, 0);
        snprintf(level, sizeof level, "%s", (const char *)sqlite3_column_text(st, 1));
    } else if (s != SQLITE_DONE) {
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    char basis[GATE_BASIS_MAX];
    enum gate_decision d =
        res > 0 ? gate_check(db, &r->who, 0, res, "safety", "watch_over", basis) : GATE_DENY;
    if (d == GATE_ERROR)
        goto out;
    if (d == GATE_DENY || strcmp(level, level_of(&r->who)) != 0) {
        j->denied = 1;
        rc = 0;
        goto out;
    }
    if (sqlite3_prepare_v2(conn,
                           "UPDATE alerts SET ack_by = ?, ack_unix = ? WHERE id = ?"
                           " AND ack_by IS NULL",
                           -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_text(st, 1, r->who.actor, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (long long)j->now);
    sqlite3_bind_int64(st, 3, r->path_id);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto out;
    int changed = sqlite3_changes(conn) > 0;
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(conn, "SELECT " ALERT_COLS " FROM alerts WHERE id = ?", -1, &st, NULL) !=
            SQLITE_OK ||
        (sqlite3_bind_int64(st, 1, r->path_id), sqlite3_step(st)) != SQLITE_ROW)
        goto out;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "alert", alert_json(db, st));
    cJSON_AddBoolToObject(o, "changed", changed);
    if (hutil_audit(db, r,
                    (struct audit_rec){.at = j->now,
                                       .action = "alert.ack",
                                       .outcome = changed ? "ok" : "ok: already acknowledged",
                                       .subject = res,
                                       .data_kinds = "safety",
                                       .purpose = "watch_over",
                                       .basis = basis,
                                       .source = r->who.actor,
                                       .destination = "hub"}) != 0) {
        cJSON_Delete(o);
        goto out;
    }
    j->out = o;
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

void h_alert_ack(struct hreq *r)
{
    struct alerts_job j = {.r = r, .now = hubclock_now()};
    enum writer_status ws = writer_run(r->hub->writer, ack_job, &j);
    hutil_answer(r, ws, AUTH_SESSION_OK, j.denied, 200, j.out);
}

/* This face's routes (server.c asks every face's rows in turn). */
const struct hroute privacy_routes[] = {
    {"GET", "/v1/session/access-log", AUTH_DEVICE, h_session_access_log},
    {"GET", "/v1/session/access-summary", AUTH_DEVICE, h_session_access_summary},
    {"GET", "/v1/session/consents", AUTH_DEVICE, h_session_consents_get},
    {"POST", "/v1/session/consents", AUTH_DEVICE, h_session_consents_post},
    {"GET", "/v1/session/alerts", AUTH_DEVICE, h_session_alerts},
    {"POST", "/v1/help", AUTH_DEVICE, h_help_post},
    {"GET", "/v1/help", AUTH_DEVICE, h_help_get},
    {"POST", "/v1/activity", AUTH_DEVICE, h_activity_post},
    {"GET", "/v1/residents/{id}/alerts", AUTH_FAMILY | AUTH_STAFF, h_resident_alerts_get},
    {"GET", "/v1/alerts", AUTH_STAFF, h_alerts_get},
    {"POST", "/v1/alerts/{id}/ack", AUTH_FAMILY | AUTH_STAFF, h_alert_ack},
    {NULL, NULL, 0, NULL},
};
