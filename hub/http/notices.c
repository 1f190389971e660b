/*
 * notices.c: disaster notices: the list every device polls (with an ETag, so an unchanged
 * list costs a 304), and the town's notices entered and ended by city staff. JMA notices
 * are made by the JMA poller (hub/jma/jmapoll.c). See docs/api.md and docs/disaster.md.
 */
#include "handlers.h"
#include "hubclock.h"
#include "hubctx.h"
#include "hubdb.h"
#include "hubreq_disaster.h"
#include "hutil.h"
#include "jmakana.h"
#include "notices.h"
#include "writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct list_ctx {
    struct db *db;
    const struct scope *town;
    cJSON *arr;
    int staff; /* the staff fields too */
    int64_t now;
    int64_t last_id;
    int count;
};

static int add_district(void *ctx, const char *district)
{
    cJSON_AddItemToArray(ctx, cJSON_CreateString(district));
    return 0;
}

/* A notice as docs/api.md shows it (staff: with districts, state, who ended it). */
static cJSON *notice_json(struct list_ctx *c, const struct notices_row *n)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)n->id);
    cJSON_AddStringToObject(o, "source", n->source);
    cJSON_AddStringToObject(o, "kind", n->kind);
    cJSON_AddNumberToObject(o, "level", (double)n->level);
    cJSON_AddStringToObject(o, "title_ja", n->title_ja);
    cJSON_AddStringToObject(o, "title_en", n->title_en);
    cJSON_AddStringToObject(o, "area_ja", n->area_ja);
    /* the place in kana, which the home tablet's voice reads (it says 横須賀市 as "し"); only
     * where the hub knows it (docs/api.md) */
    const char *kana = n->area_kana ? n->area_kana : jma_area_kana(n->jma_area, n->area_ja);
    if (kana)
        cJSON_AddStringToObject(o, "area_kana", kana);
    cJSON_AddStringToObject(o, "what_ja", n->what_ja);
    cJSON_AddStringToObject(o, "todo_ja", n->todo_ja);
    cJSON_AddStringToObject(o, "what_en", n->what_en);
    cJSON_AddStringToObject(o, "todo_en", n->todo_en);
    hutil_add_time(o, "starts_at", n->starts);
    hutil_add_time(o, "ends_at", n->ends);
    hutil_add_time(o, "updated_at", n->updated);
    if (!c->staff)
        return o;
    if (n->whole_town) {
        cJSON_AddNullToObject(o, "districts");
    } else {
        cJSON *d = cJSON_AddArrayToObject(o, "districts");
        if (notices_districts(c->db, c->town, n->id, add_district, d) != DB_OK) {
            cJSON_Delete(o);
            return NULL;
        }
    }
    if (n->jma_area)
        cJSON_AddStringToObject(o, "jma_area", n->jma_area);
    else
        cJSON_AddNullToObject(o, "jma_area");
    const char *state = n->starts > c->now                 ? "scheduled"
                        : n->ends > 0 && n->ends <= c->now ? "ended"
                                                           : "in_force";
    cJSON_AddStringToObject(o, "state", state);
    if (n->ended_by)
        cJSON_AddStringToObject(o, "ended_by", n->ended_by);
    else
        cJSON_AddNullToObject(o, "ended_by");
    cJSON_AddNumberToObject(o, "created_at_unix", (double)n->created);
    return o;
}

static int add_notice(void *ctx, const struct notices_row *n)
{
    struct list_ctx *c = ctx;
    cJSON *o = notice_json(c, n);
    if (!o)
        return -1;
    cJSON_AddItemToArray(c->arr, o);
    c->last_id = n->id;
    c->count++;
    return 0;
}

/* ---- GET /v1/notices ---------------------------------------------------------------- */

static void h_notices_get(struct hreq *r)
{
    const char *all = hreq_query(r, "all");
    int staff_all = r->who.role == AUTH_STAFF && all && strcmp(all, "1") == 0;
    long limit = 20, before = 0;
    if (staff_all && (hutil_limit(r, &limit) != 0 ||
                      hutil_query_long(r, "before", 1, 1L << 53, 0, &before) != 0))
        return;
    struct db *db = hubdb_pool_get(r->hub->pool);
    cJSON *o = cJSON_CreateObject();
    struct list_ctx c = {.db = db,
                         .town = r->who.town,
                         .arr = cJSON_AddArrayToObject(o, "notices"),
                         .staff = staff_all,
                         .now = hubclock_now()};
    enum db_status s = DB_ERR;
    char district[HUTIL_NAME_MAX] = "";
    if (db && staff_all) {
        s = notices_all(db, c.town, before, limit, add_notice, &c);
    } else if (db && r->who.role == AUTH_STAFF) {
        s = notices_in_force(db, c.town, c.now, NULL, add_notice, &c);
    } else if (db) {
        s = notices_device_district(db, c.town, r->who.id, district, sizeof district);
        if (s == DB_OK)
            s = notices_in_force(db, c.town, c.now, district, add_notice, &c);
    }
    hubdb_pool_put(r->hub->pool, db);
    if (s != DB_OK) {
        cJSON_Delete(o);
        hreq_error(r, 503, "unavailable", "The hub cannot read its notices right now; try again.");
        return;
    }
    if (!staff_all) {
        hutil_answer_etag(r, o);
        return;
    }
    if (c.count == limit)
        cJSON_AddNumberToObject(o, "next_before", (double)c.last_id);
    else
        cJSON_AddNullToObject(o, "next_before");
    hreq_json(r, 200, o);
}

/* ---- POST /v1/notices ---------------------------------------------------------------- */

struct post_job {
    struct hreq *r;
    const struct hubreq_notice *in;
    const char *area_ja;
    int64_t now;
    struct hutil_idem *idem;
    char *resp; /* owned answer */
    int status;
};

/* The answer {"notice":{…}} for notice id (staff shape), as owned text. */
static char *notice_answer(struct db *h, const struct scope *town, int64_t id, int64_t now,
                           const char *extra_key, int extra)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *arr = cJSON_CreateArray();
    struct list_ctx c = {.db = h, .town = town, .arr = arr, .staff = 1, .now = now};
    char *text = NULL;
    if (notices_get(h, town, id, add_notice, &c) == DB_ROW && c.count == 1) {
        cJSON_AddItemToObject(o, "notice", cJSON_DetachItemFromArray(arr, 0));
        if (extra_key)
            cJSON_AddBoolToObject(o, extra_key, extra);
        text = cJSON_PrintUnformatted(o);
    }
    cJSON_Delete(arr);
    cJSON_Delete(o);
    return text;
}

static int post_job(struct db *db, void *arg)
{
    struct post_job *j = arg;
    const struct hubreq_notice *in = j->in;
    const char *districts[HUBREQ_DISTRICTS_MAX];
    for (int i = 0; i < in->area.n_districts; i++)
        districts[i] = in->area.districts[i];
    struct notices_new n = {.kind = in->kind,
                            .title_ja = in->title_ja,
                            .title_en = in->title_en,
                            .area_ja = j->area_ja,
                            .area_kana = in->area_kana,
                            .what_ja = in->what_ja,
                            .todo_ja = in->todo_ja,
                            .what_en = in->what_en,
                            .todo_en = in->todo_en,
                            .districts = districts,
                            .n_districts = in->area.n_districts,
                            .starts = in->has_starts ? in->starts_at : j->now,
                            .ends = in->has_ends ? in->ends_at : 0,
                            .by = j->r->who.actor};
    int64_t id = 0;
    if (!db || notices_add(db, j->r->who.town, &n, j->now, &id) != DB_OK)
        return -1;
    if (hutil_audit(db, j->r,
                    (struct audit_rec){.at = j->now,
                                       .action = "notice.create",
                                       .data_kinds = "notice",
                                       .purpose = "disaster_info",
                                       .basis = "public_information",
                                       .source = j->r->who.actor,
                                       .destination = "hub"}) != 0)
        return -1;
    j->resp = notice_answer(db, j->r->who.town, id, j->now, NULL, 0);
    if (!j->resp)
        return -1;
    j->status = 201;
    if (j->idem->key && hutil_idem_store(db, j->idem, 201, j->resp, j->now) != 0)
        return -1;
    return 0;
}

static void h_notice_post(struct hreq *r)
{
    char msg[512];
    static struct hubreq_notice zero;
    struct hubreq_notice *in = malloc(sizeof *in);
    char area[HUBREQ_AREA_WORDS_MAX];
    struct hutil_idem idem = {0};
    if (!in) {
        hreq_error(r, 503, "unavailable", "The hub is too busy; try again in a moment.");
        return;
    }
    *in = zero;
    if (hubreq_parse_notice(r->body, r->body_len, in, msg, sizeof msg) != HUBREQ_OK) {
        hreq_error(r, 400, "bad_request", "%s", msg);
        goto out;
    }
    if (!notices_town_kind(in->kind)) {
        hreq_error(r, 400, "bad_request",
                   "\"kind\" must be one of the town's kinds: evacuation_order, "
                   "evacuation_prepare, shelter_open, service_hours, maintenance, info (weather "
                   "warnings come from JMA).");
        goto out;
    }
    int64_t now = hubclock_now();
    if (in->has_ends && in->ends_at <= (in->has_starts ? in->starts_at : now)) {
        hreq_error(r, 400, "bad_request", "\"ends_at\" must be after the notice starts.");
        goto out;
    }
    hubreq_area_words(&in->area, area, sizeof area);
    if (hutil_idem_begin(r, &idem))
        goto out;
    struct post_job j = {.r = r, .in = in, .area_ja = area, .now = now, .idem = &idem};
    enum writer_status ws = writer_run(r->hub->writer, post_job, &j);
    if (ws == WRITER_OK) {
        hreq_raw(r, j.status, j.resp);
        j.resp = NULL;
    } else {
        hutil_write_failed(r, ws);
    }
    free(j.resp);
    hutil_idem_end(r, &idem);
out:
    free(in);
}

/* ---- POST /v1/notices/{id}/end -------------------------------------------------------- */

struct end_job {
    struct hreq *r;
    int64_t now;
    int found, jma, changed;
    char *resp;
};

static int end_job(struct db *db, void *arg)
{
    struct end_job *j = arg;
    if (!db || notices_end(db, j->r->who.town, j->r->path_id, j->now, j->r->who.actor, &j->found,
                           &j->jma, &j->changed) != DB_OK)
        return -1;
    if (!j->found || j->jma)
        return 0;
    if (j->changed && hutil_audit(db, j->r,
                                  (struct audit_rec){.at = j->now,
                                                     .action = "notice.end",
                                                     .data_kinds = "notice",
                                                     .purpose = "disaster_info",
                                                     .basis = "public_information",
                                                     .source = j->r->who.actor,
                                                     .destination = "hub"}) != 0)
        return -1;
    j->resp = notice_answer(db, j->r->who.town, j->r->path_id, j->now, "changed", j->changed);
    return j->resp ? 0 : -1;
}

static void h_notice_end(struct hreq *r)
{
    struct end_job j = {.r = r, .now = hubclock_now()};
    enum writer_status ws = writer_run(r->hub->writer, end_job, &j);
    if (ws != WRITER_OK)
        hutil_write_failed(r, ws);
    else if (!j.found)
        hreq_error(r, 404, "not_found", "There is no notice %lld.", r->path_id);
    else if (j.jma)
        hreq_error(r, 409, "jma_notice",
                   "Notice %lld is a JMA weather warning; JMA ends it with its next telegram.",
                   r->path_id);
    else {
        hreq_raw(r, 200, j.resp);
        j.resp = NULL;
    }
    free(j.resp);
}

const struct hroute notices_routes[] = {
    {"GET", "/v1/notices", AUTH_DEVICE | AUTH_STAFF, h_notices_get},
    {"POST", "/v1/notices", AUTH_STAFF, h_notice_post},
    {"POST", "/v1/notices/{id}/end", AUTH_STAFF, h_notice_end},
    {NULL, NULL, 0, NULL},
};
