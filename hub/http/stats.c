/*
 * stats.c: the statistics face (docs/stats.md, docs/api.md "Statistics").
 *
 *   GET  /v1/stats/{table}?fy=YEAR[&format=json|csv|svg]  staff token -> the town's table
 *   GET  /v1/session/stats-optout                          device + X-Card-Session
 *   POST /v1/session/stats-optout {"refuse":true|false}     device + X-Card-Session
 *
 * A table is computed on a pooled read handle (it reads much and writes nothing, so it
 * never holds up the writer), then the request's audit record is written in a writer job,
 * and only after that commit is the table sent. Staff see the tables of their own town (the
 * municipality of their token) and no other.
 */
#include "handlers.h"
#include "hubclock.h"
#include "hubctx.h"
#include "hubdb.h"
#include "hubreq_stats.h"
#include "hutil.h"
#include "stattab.h"
#include "statsoptout.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

struct stats_job {
    struct hreq *r;
    enum stattab_kind kind;
    int64_t now;
};

static int stats_audit_job(struct db *db, void *arg)
{
    struct stats_job *j = arg;
    struct audit_rec rec =
        stattab_audit_rec(j->kind, j->r->who.actor, j->r->who.actor, NULL, j->now);
    return hutil_audit(db, j->r, rec);
}

static void stats_get(struct hreq *r, enum stattab_kind kind)
{
    long fy = 0;
    const char *format = hreq_query(r, "format");
    if (!hreq_query(r, "fy")) {
        hreq_error(r, 400, "bad_request",
                   "Say which fiscal year with ?fy=YEAR (the year its April falls in).");
        return;
    }
    if (hutil_query_long(r, "fy", 2000, 2100, 0, &fy) != 0)
        return;
    if (format && strcmp(format, "json") != 0 && strcmp(format, "csv") != 0 &&
        strcmp(format, "svg") != 0) {
        hreq_error(r, 400, "bad_request", "\"format\" must be json, csv or svg.");
        return;
    }
    struct stats_job j = {.r = r, .kind = kind, .now = (int64_t)hubclock_now()};
    struct sdc_rule rule;
    sdc_rule_default(&rule);
    struct stattab_set *s = NULL;
    char err[512];
    struct db *db = hubdb_pool_get(r->hub->pool);
    int rc = db ? stattab_compute(db, kind, r->who.town, (int)fy, stattab_cutoff(j.now), &rule, &s,
                                  err, sizeof err)
                : -1;
    hubdb_pool_put(r->hub->pool, db);
    if (rc == 1) {
        hreq_error(r, 404, "no_residents",
                   "This municipality has no residents yet: there are no "
                   "statistics to show.");
        return;
    }
    if (rc != 0) {
        hreq_error(r, 503, "unavailable", "The statistics could not be computed right now.");
        return;
    }
    char *text = NULL;
    if (format && strcmp(format, "csv") == 0) {
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        if (f && (stattab_csv(s, f) != 0 || fclose(f) != 0)) {
            free(text);
            text = NULL;
        }
        r->content_type = "text/csv; charset=utf-8";
    } else if (format && strcmp(format, "svg") == 0) {
        text = stattab_svg(s);
        r->content_type = "image/svg+xml";
    } else {
        text = stattab_json(s);
    }
    stattab_free(s);
    if (!text) {
        r->content_type = NULL;
        hreq_error(r, 500, "internal", "The hub ran out of memory; try again.");
        return;
    }
    /* nothing leaves before its audit record is committed */
    enum writer_status ws = writer_run(r->hub->writer, stats_audit_job, &j);
    if (ws != WRITER_OK) {
        free(text);
        r->content_type = NULL;
        hutil_write_failed(r, ws);
        return;
    }
    hreq_raw(r, 200, text);
}

static void h_stats_participation(struct hreq *r)
{
    stats_get(r, STATTAB_PARTICIPATION);
}

static void h_stats_items(struct hreq *r)
{
    stats_get(r, STATTAB_ITEMS);
}

static void h_stats_watch(struct hreq *r)
{
    stats_get(r, STATTAB_WATCH);
}

static void h_stats_orders(struct hreq *r)
{
    stats_get(r, STATTAB_ORDERS);
}

/* ---- the resident's opt-out ------------------------------------------------------------ */

struct optout_job {
    struct hreq *r;
    const char *session;
    int64_t now;
    int write, refuse;
    enum auth_session_status ss;
    cJSON *out;
};

static int optout_job(struct db *db, void *arg)
{
    struct optout_job *j = arg;
    struct hreq *r = j->r;
    long long resident = 0, sid = 0;
    int changed = 0, refused = 0;
    int64_t since = 0;
    j->ss = auth_session_use(db, r->who.town, j->session, r->who.id, j->now, &resident, &sid);
    if (j->ss == AUTH_SESSION_ERROR)
        return -1;
    if (j->ss != AUTH_SESSION_OK)
        return 0;
    if (j->write && statsoptout_set(db, r->who.town, resident, j->refuse, j->now, "card_session",
                                    &changed) != DB_OK)
        return -1;
    if (statsoptout_get(db, r->who.town, resident, &refused, &since) != DB_OK)
        return -1;
    if (hutil_audit(db, r,
                    (struct audit_rec){.at = j->now,
                                       .action = !j->write   ? "stats_optout.read"
                                                 : j->refuse ? "stats.optout"
                                                             : "stats.optin",
                                       .subject = resident,
                                       .data_kinds = "stats_optout",
                                       .purpose = "statistics",
                                       .basis = "self:card_session",
                                       .source = j->write ? "resident" : "hub",
                                       .destination = j->write ? "hub" : NULL}) != 0)
        return -1;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "refused", refused);
    hutil_add_time(o, "since", refused ? since : 0);
    /* counted from (or no longer counted from) the next day's tables */
    hutil_add_time(o, "effective", stattab_cutoff(j->now) + 86400);
    if (j->write)
        cJSON_AddBoolToObject(o, "changed", changed);
    j->out = o;
    return 0;
}

static void optout_run(struct hreq *r, int write)
{
    char msg[256];
    struct optout_job j = {.r = r,
                           .session = hreq_header(r, "X-Card-Session"),
                           .now = (int64_t)hubclock_now(),
                           .write = write};
    if (write &&
        hubreq_parse_stats_optout(r->body, r->body_len, &j.refuse, msg, sizeof msg) != HUBREQ_OK) {
        hreq_error(r, 400, "bad_request", "%s", msg);
        return;
    }
    enum writer_status ws = writer_run(r->hub->writer, optout_job, &j);
    hutil_answer(r, ws, j.ss, 0, 200, j.out);
}

static void h_optout_get(struct hreq *r)
{
    optout_run(r, 0);
}

static void h_optout_post(struct hreq *r)
{
    optout_run(r, 1);
}

const struct hroute stats_routes[] = {
    {"GET", "/v1/stats/checkup-participation", AUTH_STAFF, h_stats_participation},
    {"GET", "/v1/stats/checkup-items", AUTH_STAFF, h_stats_items},
    {"GET", "/v1/stats/watch", AUTH_STAFF, h_stats_watch},
    {"GET", "/v1/stats/orders", AUTH_STAFF, h_stats_orders},
    {"GET", "/v1/session/stats-optout", AUTH_DEVICE, h_optout_get},
    {"POST", "/v1/session/stats-optout", AUTH_DEVICE, h_optout_post},
    {NULL, NULL, 0, NULL},
};
