/*
 * notices.c: the notices store (see notices.h). notices and jma_areas carry their town
 * (municipality_id); every statement about a town's notices filters by it. A JMA telegram
 * is applied for each town following each of its areas: each town gets its own notice
 * rows, so ending, listing and showing stay per town.
 */
#include "notices.h"
#include "audit.h"
#include "rows.h"
#include "jmakinds.h"
#include "jmaxml.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *kind;
    int level;
    int town;
} KINDS[] = {
    /* danger_warning: JMA's 警戒レベル4 相当 (土砂災害警戒情報, レベル４…危険警報), above the
     * town's レベル3 (高齢者等避難) and below レベル5 相当 (特別警報) and the town's 避難指示 */
    {"evacuation_order", 100, 1}, {"emergency_warning", 90, 0},
    {"danger_warning", 85, 0},    {"evacuation_prepare", 80, 1},
    {"warning", 60, 0},           {"shelter_open", 50, 1},
    {"advisory", 40, 0},          {"maintenance", 20, 1},
    {"service_hours", 15, 1},     {"info", 10, 1},
};

int notices_level(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof KINDS / sizeof KINDS[0]; i++)
        if (strcmp(KINDS[i].kind, kind) == 0)
            return KINDS[i].level;
    return -1;
}

int notices_town_kind(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof KINDS / sizeof KINDS[0]; i++)
        if (strcmp(KINDS[i].kind, kind) == 0)
            return KINDS[i].town;
    return 0;
}

#define NOTICE_COLS                                                                                \
    "n.id, n.source, n.kind, n.level, n.title_ja, n.title_en, n.area_ja, n.what_ja,"               \
    " n.todo_ja, n.what_en, n.todo_en, n.whole_town, n.jma_area, n.starts_unix,"                   \
    " n.ends_unix, n.ended_by, n.created_unix, n.updated_unix, n.created_by, n.area_kana"

static void read_row(struct db_stmt *st, struct notices_row *n)
{
    n->id = db_col_int64(st, 0);
    n->source = db_col_text(st, 1);
    n->kind = db_col_text(st, 2);
    n->level = db_col_int64(st, 3);
    n->title_ja = db_col_text(st, 4);
    n->title_en = db_col_text(st, 5);
    n->area_ja = db_col_text(st, 6);
    n->what_ja = db_col_text(st, 7);
    n->todo_ja = db_col_text(st, 8);
    n->what_en = db_col_text(st, 9);
    n->todo_en = db_col_text(st, 10);
    n->whole_town = db_col_int64(st, 11) != 0;
    n->jma_area = db_col_text(st, 12);
    n->starts = db_col_int64(st, 13);
    n->ends = db_col_int64(st, 14);
    n->ended_by = db_col_text(st, 15);
    n->created = db_col_int64(st, 16);
    n->updated = db_col_int64(st, 17);
    n->created_by = db_col_text(st, 18);
    n->area_kana = db_col_text(st, 19);
}

/* Steps st (bound) to the end, calling row for each; gives st back. */
static enum db_status walk(struct db_stmt *st, enum db_status s, notices_row_fn row, void *ctx)
{
    while (s == DB_OK || s == DB_ROW) {
        s = db_step(st);
        if (s != DB_ROW)
            break;
        struct notices_row n;
        read_row(st, &n);
        if (row(ctx, &n) != 0)
            s = DB_ERR;
    }
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

static enum db_status add_districts(struct db *db, int64_t id, const char *const *districts, int n)
{
    enum db_status s = DB_OK;
    for (int i = 0; i < n && s == DB_OK; i++) {
        struct db_stmt *st = db_stmt(db, "INSERT INTO notice_districts(notice_id, district)"
                                         " VALUES(?, ?) ON CONFLICT DO NOTHING");
        if (!st)
            return DB_ERR;
        s = ROWS_BIND(st, 1, ROWS_INT(id), ROWS_TEXT(districts[i]));
        if (s == DB_OK)
            s = db_step(st);
        db_stmt_done(st);
        if (s == DB_DONE)
            s = DB_OK;
    }
    return s;
}

/* Where a JMA notice comes from: the telegram series, its area code and kind code. */
struct jma_origin {
    const char *series, *area, *code;
};

/* Inserts one notice row (town: jma NULL, or JMA) of town sc and its districts. */
static enum db_status insert(struct db *db, const struct scope *sc, const struct notices_new *n,
                             const struct jma_origin *jma, int64_t now, int64_t *id)
{
    struct db_stmt *st = db_stmt(
        db, "INSERT INTO notices(source, kind, level, title_ja, title_en, area_ja, what_ja,"
            " todo_ja, what_en, todo_en, whole_town, jma_area, jma_code, starts_unix, ends_unix,"
            " created_by, created_unix, updated_unix, municipality_id, jma_series, area_kana)"
            " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
#define OR_EMPTY(t) ROWS_TEXT((t) ? (t) : "")
    enum db_status s = ROWS_BIND(
        st, 1, ROWS_TEXT(jma ? "jma" : "town"), OR_EMPTY(n->kind), ROWS_INT(notices_level(n->kind)),
        OR_EMPTY(n->title_ja), OR_EMPTY(n->title_en), OR_EMPTY(n->area_ja), OR_EMPTY(n->what_ja),
        OR_EMPTY(n->todo_ja), OR_EMPTY(n->what_en), OR_EMPTY(n->todo_en),
        ROWS_INT(n->n_districts == 0), ROWS_TEXT(jma ? jma->area : NULL),
        ROWS_TEXT(jma ? jma->code : NULL), ROWS_INT(n->starts),
        n->ends > 0 ? ROWS_INT(n->ends) : ROWS_NULL, ROWS_TEXT(n->by), ROWS_INT(now), ROWS_INT(now),
        ROWS_TOWN(sc), ROWS_TEXT(jma ? jma->series : NULL),
        ROWS_TEXT(n->area_kana && n->area_kana[0] ? n->area_kana : NULL));
#undef OR_EMPTY
    s = db_insert_id(st, s, id);
    if (s == DB_OK)
        s = add_districts(db, *id, n->districts, n->n_districts);
    return s;
}

enum db_status notices_add(struct db *db, const struct scope *sc, const struct notices_new *n,
                           int64_t now, int64_t *id)
{
    if (!notices_town_kind(n->kind))
        return DB_ERR;
    return insert(db, sc, n, NULL, now, id);
}

/* Sets ends_unix = now on notice id if it has not ended by now. */
static enum db_status end_now(struct db *db, int64_t id, int64_t now, const char *by, int *changed)
{
    struct db_stmt *st = db_stmt(db, "UPDATE notices SET ends_unix = ?, ended_by = ?,"
                                     " updated_unix = ? WHERE id = ? AND (ends_unix IS NULL OR"
                                     " ends_unix > ?)");
    enum db_status s =
        ROWS_BIND(st, 1, ROWS_INT(now), ROWS_TEXT(by), ROWS_INT(now), ROWS_INT(id), ROWS_INT(now));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s == DB_DONE)
        *changed = db_changes(db) > 0;
    return s == DB_DONE ? DB_OK : s;
}

enum db_status notices_end(struct db *db, const struct scope *sc, int64_t id, int64_t now,
                           const char *by, int *found, int *jma, int *changed)
{
    char source[16] = "";
    *found = *jma = *changed = 0;
    enum db_status s =
        rows_text_in_town(db, "SELECT source FROM notices WHERE id = ? AND municipality_id = ?", sc,
                          id, source, sizeof source);
    if (s != DB_ROW)
        return s == DB_DONE ? DB_OK : s;
    *found = 1;
    if (strcmp(source, "jma") == 0) {
        *jma = 1;
        return DB_OK;
    }
    return end_now(db, id, now, by, changed);
}

enum db_status notices_in_force(struct db *db, const struct scope *sc, int64_t now,
                                const char *district, notices_row_fn row, void *ctx)
{
    struct db_stmt *st;
    if (!district)
        st = db_stmt(db, "SELECT " NOTICE_COLS " FROM notices n WHERE n.starts_unix <= ?"
                         " AND (n.ends_unix IS NULL OR n.ends_unix > ?) AND n.municipality_id = ?"
                         " ORDER BY n.level DESC, n.updated_unix DESC, n.id");
    else
        st = db_stmt(db, "SELECT " NOTICE_COLS " FROM notices n WHERE n.starts_unix <= ?"
                         " AND (n.ends_unix IS NULL OR n.ends_unix > ?) AND n.municipality_id = ?"
                         " AND (n.whole_town = 1 OR EXISTS(SELECT 1 FROM notice_districts d"
                         " WHERE d.notice_id = n.id AND d.district = ?))"
                         " ORDER BY n.level DESC, n.updated_unix DESC, n.id");
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(now), ROWS_INT(now), ROWS_TOWN(sc));
    /* "" matches no district row: whole-town notices only. */
    if (s == DB_OK && district)
        s = db_bind_text(st, 4, district, -1);
    return walk(st, s, row, ctx);
}

enum db_status notices_all(struct db *db, const struct scope *sc, int64_t before, int64_t limit,
                           notices_row_fn row, void *ctx)
{
    struct db_stmt *st = db_stmt(db, "SELECT " NOTICE_COLS " FROM notices n WHERE n.id < ?"
                                     " AND n.municipality_id = ? ORDER BY n.id DESC LIMIT ?");
    enum db_status s =
        ROWS_BIND(st, 1, ROWS_INT(before > 0 ? before : INT64_MAX), ROWS_TOWN(sc), ROWS_INT(limit));
    return walk(st, s, row, ctx);
}

enum db_status notices_get(struct db *db, const struct scope *sc, int64_t id, notices_row_fn row,
                           void *ctx)
{
    struct db_stmt *st = db_stmt(db, "SELECT " NOTICE_COLS " FROM notices n WHERE n.id = ?"
                                     " AND n.municipality_id = ?");
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(id), ROWS_TOWN(sc));
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW) {
        struct notices_row n;
        read_row(st, &n);
        if (row(ctx, &n) != 0)
            s = DB_ERR;
    }
    db_stmt_done(st);
    return s;
}

enum db_status notices_districts(struct db *db, const struct scope *sc, int64_t id,
                                 int (*fn)(void *ctx, const char *district), void *ctx)
{
    struct db_stmt *st = db_stmt(db, "SELECT d.district FROM notice_districts d"
                                     " JOIN notices n ON n.id = d.notice_id WHERE d.notice_id = ?"
                                     " AND n.municipality_id = ? ORDER BY d.district");
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(id), ROWS_TOWN(sc));
    while (s == DB_OK || s == DB_ROW) {
        s = db_step(st);
        if (s == DB_ROW && fn(ctx, db_col_text(st, 0)) != 0)
            s = DB_ERR;
    }
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

enum db_status notices_device_district(struct db *db, const struct scope *sc, int64_t device,
                                       char *out, size_t cap)
{
    enum db_status s =
        rows_text_in_town(db,
                          "SELECT COALESCE(d.district, r.district, '') FROM devices d"
                          " LEFT JOIN residents r ON r.id = d.resident_id"
                          " WHERE d.id = ? AND d.municipality_id = ?",
                          sc, device, out, cap);
    if (s == DB_DONE)
        out[0] = '\0';
    return s == DB_ROW || s == DB_DONE ? DB_OK : s;
}

enum db_status notices_audit(struct db *db, int64_t now, const char *actor, const char *action,
                             const char *source, const char *destination, const char *request_id)
{
    struct audit_rec a = {.at = (time_t)now,
                          .actor = actor,
                          .action = action,
                          .outcome = "ok",
                          .data_kinds = "notice",
                          .purpose = "disaster_info",
                          .basis = "public_information",
                          .source = source,
                          .destination = destination,
                          .request_id = request_id};
    return audit_append_db(db, &a, NULL);
}

/* ---- JMA ---------------------------------------------------------------------------- */

/* Districts of a JMA area are kept as one text, names separated by '\n' ("" = the whole
 * town), and copied into notice_districts for each notice made for the area. */
#define AREA_DISTRICTS_MAX 2048

enum db_status notices_jma_area_set(struct db *db, const struct scope *sc, const char *code,
                                    const char *name, const char *const *districts, int n_districts,
                                    int64_t now)
{
    char joined[AREA_DISTRICTS_MAX] = "";
    size_t len = 0;
    for (int i = 0; i < n_districts; i++) {
        int w = snprintf(joined + len, sizeof joined - len, "%s%s", i ? "\n" : "", districts[i]);
        if (w < 0 || (size_t)w >= sizeof joined - len)
            return DB_ERR;
        len += (size_t)w;
    }
    struct db_stmt *st = db_stmt(db, "INSERT INTO jma_areas(code, name, districts, created_unix,"
                                     " municipality_id) VALUES(?, ?, ?, ?, ?)"
                                     " ON CONFLICT(municipality_id, code) DO UPDATE SET"
                                     " name = excluded.name, districts = excluded.districts");
    enum db_status s = ROWS_BIND(st, 1, ROWS_TEXT(code), ROWS_TEXT(name), ROWS_TEXT(joined),
                                 ROWS_INT(now), ROWS_TOWN(sc));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

struct walk_areas {
    int (*fn)(void *ctx, const struct notices_jma_area *a);
    void *ctx;
};

static int each_area(void *arg, struct db_stmt *st)
{
    const struct walk_areas *w = arg;
    struct notices_jma_area a = {.code = db_col_text(st, 0),
                                 .name = db_col_text(st, 1),
                                 .districts = db_col_text(st, 2),
                                 .last_report = db_col_int64(st, 3)};
    return w->fn(w->ctx, &a);
}

enum db_status notices_jma_areas(struct db *db, const struct scope *sc,
                                 int (*fn)(void *ctx, const struct notices_jma_area *a), void *ctx)
{
    struct db_stmt *st = db_stmt(db, "SELECT a.code, a.name, a.districts,"
                                     " COALESCE((SELECT MAX(s.report_unix) FROM jma_area_state s"
                                     " WHERE s.code = a.code), 0) FROM jma_areas a"
                                     " WHERE a.municipality_id = ? ORDER BY a.code");
    struct walk_areas w = {fn, ctx};
    return rows_walk(st, rows_bind_town(st, 1, sc), each_area, &w);
}

enum db_status notices_set_device_district(struct db *db, const struct scope *sc, int64_t device,
                                           const char *district, int *changed)
{
    *changed = 0;
    struct db_stmt *st = db_stmt(db, "UPDATE devices SET district = ? WHERE id = ?"
                                     " AND municipality_id = ?");
    enum db_status s = ROWS_BIND(st, 1, ROWS_TEXT(district && *district ? district : NULL),
                                 ROWS_INT(device), ROWS_TOWN(sc));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s == DB_DONE)
        *changed = db_changes(db) > 0;
    return s == DB_DONE ? DB_OK : s;
}

int notices_jma_seen(struct db *db, const char *url)
{
    struct db_stmt *st = db_stmt(db, "SELECT 1 FROM jma_telegrams WHERE url = ?");
    if (!st)
        return -1;
    enum db_status s = db_bind_text(st, 1, url, -1);
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_ROW ? 1 : s == DB_DONE ? 0 : -1;
}

static enum db_status record_telegram(struct db *db, const char *url, const char *office,
                                      int64_t report, const char *info_type, const char *outcome,
                                      int64_t now)
{
    struct db_stmt *st = db_stmt(db, "INSERT INTO jma_telegrams(url, office, report_unix,"
                                     " info_type, outcome, received_unix) VALUES(?, ?, ?, ?, ?, ?)"
                                     " ON CONFLICT(url) DO NOTHING");
    enum db_status s = ROWS_BIND(st, 1, ROWS_TEXT(url), ROWS_TEXT(office), ROWS_INT(report),
                                 ROWS_TEXT(info_type), ROWS_TEXT(outcome), ROWS_INT(now));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

enum db_status notices_jma_refused(struct db *db, const char *url, const char *office,
                                   int64_t report_unix, const char *reason, int64_t now)
{
    char outcome[300];
    snprintf(outcome, sizeof outcome, "refused: %s", reason);
    return record_telegram(db, url, office ? office : "", report_unix, "", outcome, now);
}

/*
 * Which of a town's areas a telegram's item reaches. A 気象警報・注意報 item reaches the
 * area of its own code. A 土砂災害警戒情報 item uses the same code list (気象・地震・火山情報
 * ／市町村等: the municipality's 5-digit code and 2 digits for a part of it, 00 = all of it)
 * but JMA divides some municipalities differently for it (横浜市 is one warning area,
 * 1410000, but two landslide areas, 横浜市北部 1410011 and 南部 1410012): so it reaches the
 * area of its own code, and else the town's areas of the same municipality when either
 * side is the whole municipality (docs/disaster.md).
 */
#define MATCH_CODE_OF(col) col " = ?"
#define MATCH_MUNICIPALITY_OF(col)                                                                 \
    "(" col " = ? OR (substr(" col ", 1, 5) = substr(?, 1, 5) AND (substr(" col ", 6, 2) = '00'"   \
    " OR substr(?, 6, 2) = '00')))"
#define MATCH_CODE      MATCH_CODE_OF("code")
#define MATCH_LANDSLIDE MATCH_MUNICIPALITY_OF("code")

/* Binds code to the match's placeholders from idx (one, or three for a landslide item or
 * any other MATCH_MUNICIPALITY_OF). */
static enum db_status bind_match(struct db_stmt *st, int idx, int landslide, const char *code)
{
    enum db_status s = st ? DB_OK : DB_ERR;
    for (int i = 0; i < (landslide ? 3 : 1) && s == DB_OK; i++)
        s = db_bind_text(st, idx + i, code, -1);
    return s;
}

/* What the apply needs of one configured area. */
struct area_conf {
    char districts[AREA_DISTRICTS_MAX];
    const char *list[NOTICES_DISTRICTS_MAX];
    int n;
};

/* Adds one registration's districts ("" = the whole town) to c; *whole 1 once any is the
 * whole town, or when the districts do not fit (more screens rather than fewer). */
static void conf_add(struct area_conf *c, const char *districts, int *whole)
{
    size_t len = strlen(c->districts);
    if (!districts[0] || (size_t)snprintf(c->districts + len, sizeof c->districts - len, "%s%s",
                                          len ? "\n" : "", districts) >= sizeof c->districts - len)
        *whole = 1;
}

/* Town's setting for the areas item code reaches (see MATCH_LANDSLIDE): DB_ROW with *c
 * filled, DB_DONE when the town follows none of them. Its own code's setting when the
 * town has one, else all matching settings together. */
static enum db_status area_conf(struct db *db, int64_t town, int landslide, const char *code,
                                struct area_conf *c)
{
    struct db_stmt *st =
        db_stmt(db, landslide ? "SELECT code, districts FROM jma_areas WHERE"
                                " municipality_id = ? AND " MATCH_LANDSLIDE " ORDER BY code"
                              : "SELECT code, districts FROM jma_areas WHERE"
                                " municipality_id = ? AND " MATCH_CODE);
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(town));
    int found = 0, whole = 0;
    if (s == DB_OK)
        s = bind_match(st, 2, landslide, code);
    c->districts[0] = '\0';
    while (s == DB_OK || s == DB_ROW) {
        s = db_step(st);
        if (s != DB_ROW)
            break;
        found = 1;
        if (strcmp(db_col_text(st, 0), code) == 0) {
            c->districts[0] = '\0';
            whole = 0;
            conf_add(c, db_col_text(st, 1), &whole);
            s = DB_DONE;
            break;
        }
        conf_add(c, db_col_text(st, 1), &whole);
    }
    db_stmt_done(st);
    if (s != DB_DONE)
        return s;
    if (whole)
        c->districts[0] = '\0';
    c->n = 0;
    for (char *p = c->districts; *p && c->n < NOTICES_DISTRICTS_MAX;) {
        c->list[c->n++] = p;
        char *nl = strchr(p, '\n');
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    return found ? DB_ROW : DB_DONE;
}

/* The newest telegram of series applied to area code: DB_ROW with *report, DB_DONE none. */
static enum db_status area_state(struct db *db, const char *series, const char *code,
                                 int64_t *report)
{
    struct db_stmt *st = db_stmt(db, "SELECT report_unix FROM jma_area_state WHERE series = ?"
                                     " AND code = ?");
    enum db_status s = ROWS_BIND(st, 1, ROWS_TEXT(series), ROWS_TEXT(code));
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW)
        *report = db_col_int64(st, 0);
    db_stmt_done(st);
    return s;
}

static enum db_status set_area_state(struct db *db, const char *series, const char *code,
                                     int64_t report, const char *office, const char *url)
{
    struct db_stmt *st = db_stmt(db, "INSERT INTO jma_area_state(series, code, report_unix,"
                                     " office, telegram) VALUES(?, ?, ?, ?, ?)"
                                     " ON CONFLICT(series, code) DO UPDATE"
                                     " SET report_unix = excluded.report_unix,"
                                     " office = excluded.office, telegram = excluded.telegram");
    enum db_status s = ROWS_BIND(st, 1, ROWS_TEXT(series), ROWS_TEXT(code), ROWS_INT(report),
                                 ROWS_TEXT(office), ROWS_TEXT(url));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

#define OPEN_MAX 64

struct open_notice {
    int64_t id;
    char code[3];
    char title_ja[JMA_TEXT_MAX];
    char area_ja[JMA_TEXT_MAX];
};

/* Town sc's JMA notices of series for area code that have not ended (at most OPEN_MAX);
 * municipality: also those of the areas code reaches as a landslide item does
 * (MATCH_LANDSLIDE: another part of the municipality when either is the whole of it). */
static enum db_status open_notices(struct db *db, const struct scope *sc, const char *series,
                                   const char *code, int municipality, struct open_notice *out,
                                   int *n)
{
#define OPEN_SQL(match)                                                                            \
    "SELECT id, jma_code, title_ja, area_ja FROM notices WHERE municipality_id = ? AND"            \
    " jma_series = ? AND ends_unix IS NULL AND " match " ORDER BY id"
    struct db_stmt *st = db_stmt(db, municipality ? OPEN_SQL(MATCH_MUNICIPALITY_OF("jma_area"))
                                                  : OPEN_SQL(MATCH_CODE_OF("jma_area")));
#undef OPEN_SQL
    *n = 0;
    enum db_status s = ROWS_BIND(st, 1, ROWS_TOWN(sc), ROWS_TEXT(series));
    if (s == DB_OK)
        s = bind_match(st, 3, municipality, code);
    while (s == DB_OK || s == DB_ROW) {
        s = db_step(st);
        if (s != DB_ROW)
            break;
        if (*n == OPEN_MAX) {
            s = DB_ERR;
            break;
        }
        struct open_notice *o = &out[(*n)++];
        o->id = db_col_int64(st, 0);
        snprintf(o->code, sizeof o->code, "%s", db_col_text(st, 1));
        snprintf(o->title_ja, sizeof o->title_ja, "%s", db_col_text(st, 2));
        snprintf(o->area_ja, sizeof o->area_ja, "%s", db_col_text(st, 3));
    }
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

static enum db_status touch(struct db *db, int64_t id, const char *title_ja, const char *area_ja,
                            int64_t now)
{
    struct db_stmt *st = db_stmt(db, "UPDATE notices SET title_ja = ?, area_ja = ?,"
                                     " updated_unix = ? WHERE id = ?");
    enum db_status s =
        ROWS_BIND(st, 1, ROWS_TEXT(title_ja), ROWS_TEXT(area_ja), ROWS_INT(now), ROWS_INT(id));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

struct apply {
    struct db *db;
    const struct jma_telegram *t;
    const char *series; /* jma_series_name of the telegram's */
    int landslide; /* a 土砂災害警戒情報 (matched by municipality, see MATCH_LANDSLIDE) */
    int r06;       /* one of JMA's 2026 telegrams VPWW55–61 */
    int64_t now;
    int (*changed)(void *ctx, const char *action, int64_t id);
    void *ctx;
};

/* The kinds in force for area a after the telegram (NULL a: none, a 取消). */
static const struct jma_kind *kind_in_force(const struct jma_area *a, const char *code)
{
    for (int k = 0; a && k < a->n_kinds; k++)
        if (a->kinds[k].in_force && strcmp(a->kinds[k].code, code) == 0)
            return &a->kinds[k];
    return NULL;
}

/* *yes = 1 when the kind kind of the telegram's series is carried again by an R06 telegram
 * that already set, for town sc, area code (docs/disaster.md, "one hazard once"): then it is
 * not shown. R06 items reach a town by their own code, so the R06 telegram set one of the
 * town's own codes: code itself, or for a 土砂災害警戒情報 item any code of the same
 * municipality it reaches (VPWW56 横浜市 1410000 covers VXWW50 横浜市北部 1410011). */
static enum db_status covered(const struct apply *ap, const struct scope *sc, const char *code,
                              const char *kind, int *yes)
{
    const char *r06 = jma_r06_covering(ap->series, kind);
    *yes = 0;
    if (!r06)
        return DB_OK;
#define SET_SQL(match)                                                                             \
    "SELECT 1 FROM jma_area_state s WHERE s.series = ? AND EXISTS(SELECT 1 FROM jma_areas a"       \
    " WHERE a.code = s.code AND a.municipality_id = ?) AND " match " LIMIT 1"
    struct db_stmt *st = db_stmt(ap->db, ap->landslide ? SET_SQL(MATCH_MUNICIPALITY_OF("s.code"))
                                                       : SET_SQL(MATCH_CODE_OF("s.code")));
#undef SET_SQL
    enum db_status s = ROWS_BIND(st, 1, ROWS_TEXT(r06), ROWS_TOWN(sc));
    if (s == DB_OK)
        s = bind_match(st, 3, ap->landslide, code);
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    *yes = s == DB_ROW;
    return s == DB_ROW || s == DB_DONE ? DB_OK : s;
}

/* Makes town sc's open JMA notices of the telegram's series for area code exactly the
 * kinds a has in force (less those an R06 telegram carries for the area). */
static enum db_status apply_area(struct apply *ap, const struct scope *sc, const char *code,
                                 const struct jma_area *a, const struct area_conf *conf)
{
    struct open_notice open[OPEN_MAX];
    int n_open = 0, changed = 0;
    enum db_status s = open_notices(ap->db, sc, ap->series, code, 0, open, &n_open);
    for (int i = 0; i < n_open && s == DB_OK; i++) {
        const struct jma_kind *k = kind_in_force(a, open[i].code);
        int hidden = 0;
        if (k)
            s = covered(ap, sc, code, open[i].code, &hidden);
        if (s != DB_OK)
            break;
        if (!k || hidden) {
            s = end_now(ap->db, open[i].id, ap->now, "jma", &changed);
            if (s == DB_OK && ap->changed(ap->ctx, "notice.jma_end", open[i].id) != 0)
                s = DB_ERR;
        } else if (strcmp(k->name, open[i].title_ja) != 0 ||
                   strcmp(a->name, open[i].area_ja) != 0) {
            s = touch(ap->db, open[i].id, k->name, a->name, ap->now);
            if (s == DB_OK && ap->changed(ap->ctx, "notice.jma_update", open[i].id) != 0)
                s = DB_ERR;
        }
    }
    for (int k = 0; a && k < a->n_kinds && s == DB_OK; k++) {
        const struct jma_kind *kd = &a->kinds[k];
        int have = 0;
        for (int i = 0; i < n_open; i++)
            have |= strcmp(open[i].code, kd->code) == 0;
        int hidden = 0;
        if (!kd->in_force || have || (s = covered(ap, sc, code, kd->code, &hidden)) != DB_OK ||
            hidden)
            continue;
        const struct jma_kind_words *w =
            ap->landslide ? jma_landslide_words(kd->name) : jma_kind_words(kd->code, kd->name);
        if (!w)
            continue; /* the parser refused such telegrams; kept as a guard */
        struct notices_new nn = {
            .kind = w->kind,
            .title_ja = kd->name,
            .title_en = w->name_en,
            .area_ja = a->name,
            .what_ja = w->what_ja,
            .todo_ja = w->todo_ja,
            .what_en = w->what_en,
            .todo_en = w->todo_en,
            .districts = conf->list,
            .n_districts = conf->n,
            .starts = ap->t->report_unix < ap->now ? ap->t->report_unix : ap->now,
            .by = "jma",
        };
        int64_t id = 0;
        struct jma_origin o = {.series = ap->series, .area = code, .code = kd->code};
        s = insert(ap->db, sc, &nn, &o, ap->now, &id);
        if (s == DB_OK && ap->changed(ap->ctx, "notice.jma_issue", id) != 0)
            s = DB_ERR;
    }
    return s;
}

/* An R06 telegram set area code for town sc: the town's notices of VPWW54 and VXWW50 for the
 * area whose kind this telegram carries again end (docs/disaster.md, "one hazard once"); of
 * VXWW50 also those of the other codes of the municipality a landslide item reaches, as JMA
 * names the 土砂災害警戒情報's areas by their own parts (横浜市北部 1410011 under 横浜市 1410000).
 */
static enum db_status end_covered(struct apply *ap, const struct scope *sc, const char *code)
{
    static const char *const older[] = {"VPWW54", "VXWW50"};
    struct open_notice open[OPEN_MAX];
    enum db_status s = DB_OK;
    for (size_t j = 0; j < sizeof older / sizeof older[0] && s == DB_OK; j++) {
        int n_open = 0, changed = 0;
        s = open_notices(ap->db, sc, older[j], code, strcmp(older[j], "VXWW50") == 0, open,
                         &n_open);
        for (int i = 0; i < n_open && s == DB_OK; i++) {
            const char *r06 = jma_r06_covering(older[j], open[i].code);
            if (!r06 || strcmp(r06, ap->series) != 0)
                continue;
            s = end_now(ap->db, open[i].id, ap->now, "jma", &changed);
            if (s == DB_OK && ap->changed(ap->ctx, "notice.jma_end", open[i].id) != 0)
                s = DB_ERR;
        }
    }
    return s;
}

#define AREA_TOWNS_MAX 256 /* towns following one JMA area */

/* The towns following an area item code reaches, by id, into towns (at most
 * AREA_TOWNS_MAX); *n how many. */
static enum db_status area_towns(struct db *db, int landslide, const char *code, int64_t *towns,
                                 int *n)
{
    struct db_stmt *st =
        db_stmt(db, landslide ? "SELECT DISTINCT municipality_id FROM jma_areas"
                                " WHERE " MATCH_LANDSLIDE " ORDER BY municipality_id"
                              : "SELECT municipality_id FROM jma_areas WHERE " MATCH_CODE
                                " ORDER BY municipality_id");
    enum db_status s = bind_match(st, 1, landslide, code);
    *n = 0;
    while ((s == DB_OK || s == DB_ROW) && *n < AREA_TOWNS_MAX) {
        s = db_step(st);
        if (s == DB_ROW)
            towns[(*n)++] = db_col_int64(st, 0);
    }
    db_stmt_done(st);
    return s == DB_DONE || s == DB_ROW ? DB_OK : s;
}

/* One area of the telegram (a: its item, NULL for a 取消 naming none): applied for every
 * town following it, unless none does or a newer telegram set it. *applied: the towns it
 * was applied for. */
static enum db_status one_area(struct apply *ap, const char *code, const struct jma_area *a,
                               const char *url, int *applied)
{
    struct area_conf conf;
    int64_t report = 0, towns[AREA_TOWNS_MAX];
    int n = 0;
    *applied = 0;
    enum db_status s = area_towns(ap->db, ap->landslide, code, towns, &n);
    if (s != DB_OK || n == 0)
        return s;
    s = area_state(ap->db, ap->series, code, &report);
    if (s == DB_ROW && report > ap->t->report_unix)
        return DB_OK; /* an older telegram arriving late changes nothing */
    if (s != DB_ROW && s != DB_DONE)
        return s;
    s = DB_OK;
    for (int i = 0; i < n && s == DB_OK; i++) {
        s = area_conf(ap->db, towns[i], ap->landslide, code, &conf);
        if (s == DB_ROW) {
            s = apply_area(ap, scope_of(towns[i]), code, ap->t->info_type == JMA_CANCEL ? NULL : a,
                           &conf);
            if (s == DB_OK && ap->r06)
                s = end_covered(ap, scope_of(towns[i]), code);
        } else if (s == DB_DONE)
            s = DB_OK; /* removed meanwhile */
        *applied += s == DB_OK;
    }
    if (s == DB_OK)
        s = set_area_state(ap->db, ap->series, code, ap->t->report_unix, ap->t->office, url);
    return s;
}

/* A 取消 without areas of its own: every configured area the office's telegrams of the
 * same series set. */
static enum db_status cancel_office(struct apply *ap, const char *url, int *areas)
{
    char codes[JMA_AREAS_MAX][8];
    int n = 0;
    struct db_stmt *st = db_stmt(ap->db, "SELECT code FROM jma_area_state WHERE office = ?"
                                         " AND series = ? ORDER BY code");
    enum db_status s = ROWS_BIND(st, 1, ROWS_TEXT(ap->t->office), ROWS_TEXT(ap->series));
    while ((s == DB_OK || s == DB_ROW) && n < JMA_AREAS_MAX) {
        s = db_step(st);
        if (s == DB_ROW)
            snprintf(codes[n++], sizeof codes[0], "%s", db_col_text(st, 0));
    }
    db_stmt_done(st);
    if (s != DB_DONE && s != DB_ROW && s != DB_OK)
        return s;
    s = DB_OK;
    for (int i = 0; i < n && s == DB_OK; i++) {
        int applied = 0;
        s = one_area(ap, codes[i], NULL, url, &applied);
        *areas += applied;
    }
    return s;
}

enum db_status notices_jma_apply(struct db *db, const struct jma_telegram *t, const char *url,
                                 int64_t now,
                                 int (*changed)(void *ctx, const char *action, int64_t id),
                                 void *ctx, int *areas)
{
    struct apply ap = {.db = db,
                       .t = t,
                       .series = jma_series_name(t->series),
                       .landslide = t->series == JMA_SERIES_LANDSLIDE,
                       .r06 = t->series >= JMA_SERIES_R06_RAIN,
                       .now = now,
                       .changed = changed,
                       .ctx = ctx};
    static const char *const types[] = {"", "発表", "訂正", "取消"};
    enum db_status s = DB_OK;
    char outcome[64];
    *areas = 0;
    if (t->info_type == JMA_CANCEL && t->n_areas == 0)
        s = cancel_office(&ap, url, areas);
    for (int i = 0; i < t->n_areas && s == DB_OK; i++) {
        int applied = 0;
        s = one_area(&ap, t->areas[i].code, &t->areas[i], url, &applied);
        *areas += applied;
    }
    snprintf(outcome, sizeof outcome, "applied (%s): %d area(s) of the towns", ap.series, *areas);
    if (s == DB_OK)
        s = record_telegram(db, url, t->office, t->report_unix, types[t->info_type], outcome, now);
    return s;
}
