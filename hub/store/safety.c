/*
 * safety.c: the safety confirmation store (see safety.h).
 */
#include "safety.h"
#include "escalate.h"
#include "rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DISTRICTS_TEXT_MAX 2048

/* The answer that counts for a target row t: the latest tap, then the latest stored. */
#define LATEST_ANSWER                                                                              \
    "(SELECT a2.id FROM safety_answers a2 WHERE a2.check_id = t.check_id AND"                      \
    " a2.resident_id = t.resident_id ORDER BY a2.at_unix DESC, a2.id DESC LIMIT 1)"

#define CHECK_COLS                                                                                 \
    "c.id, c.title_ja, c.area_ja, c.districts, c.answer_within_min, c.started_unix,"               \
    " c.due_unix, c.closed_unix,"                                                                  \
    " (SELECT COUNT(*) FROM safety_targets t WHERE t.check_id = c.id),"                            \
    " (SELECT COUNT(*) FROM safety_targets t JOIN safety_answers a ON a.id = " LATEST_ANSWER       \
    " WHERE t.check_id = c.id AND a.answer = 'safe'),"                                             \
    " (SELECT COUNT(*) FROM safety_targets t JOIN safety_answers a ON a.id = " LATEST_ANSWER       \
    " WHERE t.check_id = c.id AND a.answer = 'need_help')"
#define N_CHECK_COLS 11

static void read_check(struct db_stmt *st, struct safety_check *c)
{
    c->id = db_col_int64(st, 0);
    c->title_ja = db_col_text(st, 1);
    c->area_ja = db_col_text(st, 2);
    c->districts = db_col_is_null(st, 3) ? NULL : db_col_text(st, 3);
    c->answer_within_min = db_col_int64(st, 4);
    c->started = db_col_int64(st, 5);
    c->due = db_col_int64(st, 6);
    c->closed = db_col_int64(st, 7);
    c->asked = db_col_int64(st, 8);
    c->safe = db_col_int64(st, 9);
    c->need_help = db_col_int64(st, 10);
}

static enum db_status step_done(struct db_stmt *st, enum db_status s)
{
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

enum db_status safety_start(struct db *db, const struct scope *sc, const struct safety_new *n,
                            int64_t now, int64_t *id, int64_t *asked)
{
    char joined[DISTRICTS_TEXT_MAX] = "";
    size_t len = 0;
    for (int i = 0; i < n->n_districts; i++) {
        int w = snprintf(joined + len, sizeof joined - len, "%s%s", i ? "\n" : "", n->districts[i]);
        if (w < 0 || (size_t)w >= sizeof joined - len)
            return DB_ERR;
        len += (size_t)w;
    }
    struct db_stmt *st = db_stmt(db, "INSERT INTO safety_checks(title_ja, area_ja, districts,"
                                     " answer_within_min, started_unix, due_unix, created_by,"
                                     " municipality_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"
                                     " RETURNING id");
    enum db_status s = rows_bind_town(st, 8, sc);
    if (!st)
        return DB_ERR;
    if (s == DB_OK)
        s = ROWS_BIND(st, 1, ROWS_TEXT(n->title_ja), ROWS_TEXT(n->area_ja),
                      ROWS_TEXT(n->n_districts ? joined : NULL), ROWS_INT(n->answer_within_min),
                      ROWS_INT(now), ROWS_INT(now + n->answer_within_min * 60), ROWS_TEXT(n->by));
    s = db_insert_id(st, s, id);
    for (int i = 0; s == DB_OK && i < (n->n_districts ? n->n_districts : 1); i++) {
        /* Only the town's own residents are asked. */
        st = n->n_districts ? db_stmt(db, "INSERT INTO safety_targets(check_id, resident_id)"
                                          " SELECT ?, id FROM residents WHERE"
                                          " municipality_id = ? AND district = ?"
                                          " ON CONFLICT DO NOTHING")
                            : db_stmt(db, "INSERT INTO safety_targets(check_id, resident_id)"
                                          " SELECT ?, id FROM residents WHERE"
                                          " municipality_id = ?");
        if (!st)
            return DB_ERR;
        s = ROWS_BIND(st, 1, ROWS_INT(*id), ROWS_TOWN(sc));
        if (s == DB_OK && n->n_districts)
            s = db_bind_text(st, 3, n->districts[i], -1);
        s = step_done(st, s);
    }
    if (s == DB_OK)
        s = db_get_int64(db, "SELECT COUNT(*) FROM safety_targets WHERE check_id = ?", *id,
                         asked) == DB_ROW
                ? DB_OK
                : DB_ERR;
    return s;
}

/* Steps st to the end calling fn for each check. */
static enum db_status walk_checks(struct db_stmt *st, enum db_status s, safety_check_fn fn,
                                  void *ctx)
{
    while (s == DB_OK || s == DB_ROW) {
        s = db_step(st);
        if (s != DB_ROW)
            break;
        struct safety_check c;
        read_check(st, &c);
        if (fn(ctx, &c) != 0)
            s = DB_ERR;
    }
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

enum db_status safety_get(struct db *db, const struct scope *sc, int64_t id, safety_check_fn fn,
                          void *ctx)
{
    struct db_stmt *st = db_stmt(db, "SELECT " CHECK_COLS " FROM safety_checks c WHERE c.id = ?"
                                     " AND c.municipality_id = ?");
    enum db_status s = ROWS_BIND(st, 1, ROWS_INT(id), ROWS_TOWN(sc));
    if (!st)
        return DB_ERR;
    if (s == DB_OK)
        s = db_step(st);
    if (s == DB_ROW) {
        struct safety_check c;
        read_check(st, &c);
        if (fn(ctx, &c) != 0)
            s = DB_ERR;
    }
    db_stmt_done(st);
    return s;
}

enum db_status safety_list(struct db *db, const struct scope *sc, int64_t limit, safety_check_fn fn,
                           void *ctx)
{
    struct db_stmt *st = db_stmt(db, "SELECT " CHECK_COLS " FROM safety_checks c WHERE"
                                     " c.municipality_id = ? ORDER BY c.id DESC LIMIT ?");
    enum db_status s = rows_bind_town(st, 1, sc);
    if (!st)
        return DB_ERR;
    return walk_checks(st, s == DB_OK ? db_bind_int64(st, 2, limit) : s, fn, ctx);
}

enum db_status safety_close(struct db *db, const struct scope *sc, int64_t id, int64_t now,
                            int *found, int *changed)
{
    char x[4];
    *found = *changed = 0;
    enum db_status s =
        rows_text_in_town(db, "SELECT 'y' FROM safety_checks WHERE id = ? AND municipality_id = ?",
                          sc, id, x, sizeof x);
    if (s != DB_ROW)
        return s == DB_DONE ? DB_OK : s;
    *found = 1;
    struct db_stmt *st = db_stmt(db, "UPDATE safety_checks SET closed_unix = ? WHERE id = ?"
                                     " AND closed_unix IS NULL");
    if (!st)
        return DB_ERR;
    s = ROWS_BIND(st, 1, ROWS_INT(now), ROWS_INT(id));
    s = step_done(st, s);
    if (s == DB_OK)
        *changed = db_changes(db) > 0;
    return s;
}

static void read_person(struct db_stmt *st, int first, struct safety_person *p)
{
    p->resident_id = db_col_int64(st, first);
    p->display_name = db_col_text(st, first + 1);
    p->district = db_col_text(st, first + 2);
    p->answer = db_col_is_null(st, first + 3) ? NULL : db_col_text(st, first + 3);
    p->at = db_col_int64(st, first + 4);
}

enum db_status safety_people(struct db *db, const struct scope *sc, int64_t check,
                             safety_person_fn fn, void *ctx)
{
    struct db_stmt *st = db_stmt(db, "SELECT r.id, r.display_name, r.district, a.answer,"
                                     " a.at_unix FROM safety_targets t JOIN safety_checks c ON"
                                     " c.id = t.check_id JOIN residents r ON"
                                     " r.id = t.resident_id LEFT JOIN safety_answers a ON"
                                     " a.id = " LATEST_ANSWER " WHERE t.check_id = ?"
                                     " AND c.municipality_id = ? ORDER BY r.district, r.id");
    enum db_status s = rows_bind_town(st, 2, sc);
    if (s != DB_OK)
        return DB_ERR;
    s = db_bind_int64(st, 1, check);
    while (s == DB_OK || s == DB_ROW) {
        s = db_step(st);
        if (s != DB_ROW)
            break;
        struct safety_person p;
        read_person(st, 0, &p);
        if (fn(ctx, &p) != 0)
            s = DB_ERR;
    }
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

/* Steps st (check columns, then person columns) calling fn for each pair. */
static enum db_status walk_pairs(struct db_stmt *st, enum db_status s,
                                 int (*fn)(void *ctx, const struct safety_check *c,
                                           const struct safety_person *p),
                                 void *ctx)
{
    while (s == DB_OK || s == DB_ROW) {
        s = db_step(st);
        if (s != DB_ROW)
            break;
        struct safety_check c;
        struct safety_person p;
        read_check(st, &c);
        read_person(st, N_CHECK_COLS, &p);
        if (fn(ctx, &c, &p) != 0)
            s = DB_ERR;
    }
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

enum db_status safety_open_for(struct db *db, const struct scope *sc, int64_t resident,
                               int (*fn)(void *ctx, const struct safety_check *c,
                                         const struct safety_person *p),
                               void *ctx)
{
    struct db_stmt *st = db_stmt(db, "SELECT " CHECK_COLS ", r.id, r.display_name, r.district,"
                                     " a.answer, a.at_unix FROM safety_targets t JOIN"
                                     " safety_checks c ON c.id = t.check_id JOIN residents r ON"
                                     " r.id = t.resident_id LEFT JOIN safety_answers a ON"
                                     " a.id = " LATEST_ANSWER " WHERE t.resident_id = ? AND"
                                     " c.closed_unix IS NULL AND c.municipality_id = ?"
                                     " ORDER BY c.id DESC LIMIT 20");
    enum db_status s = rows_bind_town(st, 2, sc);
    if (s != DB_OK)
        return DB_ERR;
    return walk_pairs(st, db_bind_int64(st, 1, resident), fn, ctx);
}

enum db_status
safety_for_family(struct db *db, const struct scope *sc, int64_t family, int64_t since,
                  int (*fn)(void *ctx, const struct safety_check *c, const struct safety_person *p),
                  void *ctx)
{
    struct db_stmt *st = db_stmt(db, "SELECT " CHECK_COLS ", r.id, r.display_name, r.district,"
                                     " a.answer, a.at_unix FROM family_links l JOIN"
                                     " safety_targets t ON t.resident_id = l.resident_id JOIN"
                                     " safety_checks c ON c.id = t.check_id JOIN residents r ON"
                                     " r.id = t.resident_id LEFT JOIN safety_answers a ON"
                                     " a.id = " LATEST_ANSWER " WHERE l.family_id = ? AND"
                                     " c.started_unix >= ? AND c.municipality_id = ?"
                                     " AND l.municipality_id = c.municipality_id"
                                     " ORDER BY c.id DESC, r.id LIMIT 500");
    enum db_status s = rows_bind_town(st, 3, sc);
    if (s != DB_OK)
        return DB_ERR;
    s = ROWS_BIND(st, 1, ROWS_INT(family), ROWS_INT(since));
    return walk_pairs(st, s, fn, ctx);
}

enum db_status safety_answer(struct db *db, const struct scope *sc, int64_t check, int64_t resident,
                             int64_t device, const char *answer, int64_t at, int64_t now,
                             int *asked, int64_t *id)
{
    *asked = 0;
    struct db_stmt *st = db_stmt(db, "SELECT 1 FROM safety_targets t JOIN safety_checks c"
                                     " ON c.id = t.check_id WHERE t.check_id = ? AND"
                                     " t.resident_id = ? AND c.municipality_id = ?");
    enum db_status s = rows_bind_town(st, 3, sc);
    if (s != DB_OK)
        return DB_ERR;
    s = ROWS_BIND(st, 1, ROWS_INT(check), ROWS_INT(resident));
    if (s == DB_OK)
        s = db_step(st);
    db_stmt_done(st);
    if (s != DB_ROW)
        return s == DB_DONE ? DB_OK : s;
    *asked = 1;
    st = db_stmt(db, "INSERT INTO safety_answers(check_id, resident_id, device_id, answer,"
                     " at_unix, received_unix) VALUES(?, ?, ?, ?, ?, ?) RETURNING id");
    if (!st)
        return DB_ERR;
    s = ROWS_BIND(st, 1, ROWS_INT(check), ROWS_INT(resident), ROWS_INT(device), ROWS_TEXT(answer),
                  ROWS_INT(at), ROWS_INT(now));
    return db_insert_id(st, s, id);
}

enum db_status safety_started(struct db *db, const struct scope *sc, int64_t check,
                              int64_t *started)
{
    char t[24];
    enum db_status s = rows_text_in_town(db,
                                         "SELECT started_unix FROM safety_checks WHERE id = ?"
                                         " AND municipality_id = ?",
                                         sc, check, t, sizeof t);
    if (s == DB_ROW)
        *started = strtoll(t, NULL, 10);
    return s;
}

/* safety_raise for a resident the caller knows is of the check's town (the due pass). */
static enum db_status raise(struct db *db, int64_t resident, int64_t check, const char *kind,
                            int64_t now, const char *actor, const char *request_id, int *n);

enum db_status safety_raise(struct db *db, const struct scope *sc, int64_t resident, int64_t check,
                            const char *kind, int64_t now, const char *actor,
                            const char *request_id, int *n)
{
    enum db_status here = rows_resident_here(db, sc, resident);
    if (here != DB_OK)
        return here == DB_DONE ? DB_OK : here;
    return raise(db, resident, check, kind, now, actor, request_id, n);
}

static enum db_status raise(struct db *db, int64_t resident, int64_t check, const char *kind,
                            int64_t now, const char *actor, const char *request_id, int *n)
{
    static const char *const levels[2] = {"family", "city"};
    char day[48];
    /* The alert's "day" key groups the alerts of one check (docs/api.md, alert groups). */
    snprintf(day, sizeof day, "safety:%lld", (long long)check);
    char action[48];
    snprintf(action, sizeof action, "alert.%s", kind);
    enum db_status s = DB_OK;
    /* raised once per check, kind and level: again is no new alert */
    for (int i = 0; i < 2 && s == DB_OK; i++) {
        struct escalate_alert a = {resident, kind,  levels[i],  day,
                                   action,   actor, request_id, (time_t)now};
        long long id = 0;
        s = escalate_raise(db, &a, &id);
        if (n && s == DB_OK && id > 0)
            (*n)++;
    }
    return s;
}

/* Steps st (bound with status s) collecting its first column into *out (owned). */
static enum db_status collect_ids(struct db_stmt *st, enum db_status s, int64_t **out, size_t *n)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    while (s == DB_OK || s == DB_ROW) {
        s = db_step(st);
        if (s != DB_ROW)
            break;
        if (*n == cap) {
            int64_t *grown = realloc(*out, (cap = cap ? cap * 2 : 64) * sizeof **out);
            if (!grown) {
                s = DB_ERR;
                break;
            }
            *out = grown;
        }
        (*out)[(*n)++] = db_col_int64(st, 0);
    }
    db_stmt_done(st);
    return s == DB_DONE ? DB_OK : s;
}

/* The ids of the checks due by now and not yet escalated (owned array in *out). */
static enum db_status due_checks(struct db *db, int64_t now, int64_t **out, size_t *n)
{
    struct db_stmt *st = db_stmt(db, "SELECT id FROM safety_checks WHERE escalated = 0 AND"
                                     " due_unix <= ? ORDER BY id");
    *out = NULL;
    *n = 0;
    return st ? collect_ids(st, db_bind_int64(st, 1, now), out, n) : DB_ERR;
}

/* The residents check asked who have not answered (owned array in *out). */
static enum db_status silent(struct db *db, int64_t check, int64_t **out, size_t *n)
{
    struct db_stmt *st = db_stmt(db, "SELECT t.resident_id FROM safety_targets t WHERE"
                                     " t.check_id = ? AND NOT EXISTS(SELECT 1 FROM safety_answers"
                                     " a WHERE a.check_id = t.check_id AND"
                                     " a.resident_id = t.resident_id) ORDER BY t.resident_id");
    *out = NULL;
    *n = 0;
    return st ? collect_ids(st, db_bind_int64(st, 1, check), out, n) : DB_ERR;
}

enum db_status safety_escalate(struct db *db, int64_t now, const char *actor, int *n)
{
    int64_t *checks = NULL, *residents = NULL;
    size_t n_checks = 0, n_res = 0;
    *n = 0;
    enum db_status s = due_checks(db, now, &checks, &n_checks);
    for (size_t i = 0; i < n_checks && s == DB_OK; i++) {
        free(residents);
        residents = NULL;
        s = silent(db, checks[i], &residents, &n_res);
        for (size_t k = 0; k < n_res && s == DB_OK; k++)
            s = raise(db, residents[k], checks[i], "safety_no_answer", now, actor, "escalation", n);
        if (s == DB_OK) {
            struct db_stmt *st = db_stmt(db, "UPDATE safety_checks SET escalated = 1 WHERE id = ?");
            s = st ? step_done(st, db_bind_int64(st, 1, checks[i])) : DB_ERR;
        }
    }
    free(checks);
    free(residents);
    return s;
}
