/*
 * test_pg_checkup_store.c: the checkups store (hub/store/ckstore.c) and its read-out
 * (ckshow.c) on both backends with the same assertions (storetest.h). The guide-shaped
 * eCheckup fixtures of tests/checkup import to the residents their identifiers name; a
 * re-import changes nothing; an unknown patient refuses the whole file and leaves nothing;
 * a correction replaces the earlier version; the same file sent by several processes at
 * once is stored once; the lists page and filter by year; results read back in code order,
 * rebuilt for judging; trends follow one item; `checkup-show`'s text is the same on both
 * backends.
 */
#include "actors.h"
#include "audit.h"
#include "ckshow.h"
#include "ckstore.h"
#include "scope.h"
#include "storetest.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOWN scope_of(1)

#define NOW 1700000000

static char *fixture(const char *name, size_t *len)
{
    return test_read_text(CHECKUP_FIXTURES, name, 1 << 21, len);
}

/* The guide fixtures' insured people, enrolled as residents 1-4 (full-width digits as a
 * clerk may type them), and a source organisation 1. 0 when all are there. */
static int enrol(void)
{
    static const char *const m[4][4] = {{"00012345", "あいう", "３８７４７６", "01"},
                                        {"06123456", "７０", "１２３４", NULL},
                                        {"138057", NULL, "55512", NULL},
                                        {"06123456", "12345", "67890", "01"}};
    for (int i = 0; i < 4; i++) {
        char key[128], msg[256], name[8];
        snprintf(name, sizeof name, "R%d", i + 1);
        if (ckstore_member_key(m[i][0], m[i][1], m[i][2], m[i][3], key, sizeof key, msg,
                               sizeof msg) != 0 ||
            st_resident(name, NULL, key) != i + 1)
            return -1;
    }
    int64_t src = 0;
    return actors_add(st_db, scope_of(1), ACTORS_SOURCE, "Guide clinic", "srchash1", NOW, &src) ==
                       DB_OK &&
                   src == 1
               ? 0
               : -1;
}

/* Parses text and stores it for source 1 in one transaction (committed when stored, rolled
 * back when refused). The store's answer; *v owned by the caller. */
static int import(char *text, size_t len, struct ckstore_stored **v, size_t *n,
                  struct ckstore_reject *rej)
{
    struct checkup_list *list = NULL;
    int r = -1;
    *v = NULL;
    if (ckstore_parse(text, len, CKSTORE_FHIR, &list, rej) != 0)
        return -2;
    *n = list->n;
    if (db_begin(st_db) != DB_OK)
        goto out;
    r = ckstore_add(st_db, scope_of(1), 1, list, CKSTORE_FHIR, text, len, NOW, v, rej);
    if (r == 0 && db_commit(st_db) != DB_OK)
        r = -1;
    else if (r != 0)
        db_rollback(st_db);
out:
    checkup_list_free(list);
    return r;
}

static int import_file(const char *name, struct ckstore_stored **v, size_t *n)
{
    size_t len = 0;
    struct ckstore_reject rej;
    char *text = fixture(name, &len);
    int r = text ? import(text, len, v, n, &rej) : -3;
    free(text);
    return r;
}

/* The three importable guide fixtures, each to its resident, and again: unchanged. */
static void t_guide_import(void)
{
    static const struct {
        const char *file, *date;
        int64_t resident;
    } f[] = {{"two-coverages-components.json", "2024-06-04", 1},
             {"patient-identifier-group.json", "2023-10-12", 2},
             {"one-coverage.json", "2025-05-20", 3}};
    REQUIRE(enrol() == 0);
    int64_t ids[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        struct ckstore_stored *v = NULL;
        size_t n = 0;
        CHECK_INT_EQ(import_file(f[i].file, &v, &n), 0);
        REQUIRE(v != NULL);
        CHECK_INT_EQ(n, 1);
        CHECK_INT_EQ(v[0].created, 1);
        CHECK_INT_EQ(v[0].replaced, 0);
        CHECK_INT_EQ(v[0].resident, f[i].resident);
        CHECK_INT_EQ(strlen(v[0].content_hash), 64);
        ids[i] = v[0].id;
        free(v);
    }
    CHECK(ids[0] > 0 && ids[1] > ids[0] && ids[2] > ids[1]);
    CHECK_INT_EQ(st_int("SELECT resident_id FROM checkups WHERE date = '2024-06-04'", 0), 1);
    CHECK_INT_EQ(st_int("SELECT resident_id FROM checkups WHERE date = '2023-10-12'", 0), 2);
    CHECK_INT_EQ(st_int("SELECT resident_id FROM checkups WHERE date = '2025-05-20'", 0), 3);
    int64_t results = st_int("SELECT COUNT(*) FROM checkup_results", 0);
    CHECK(results > 40);
    for (int i = 0; i < 3; i++) {
        struct ckstore_stored *v = NULL;
        size_t n = 0;
        CHECK_INT_EQ(import_file(f[i].file, &v, &n), 0);
        REQUIRE(v != NULL);
        CHECK_INT_EQ(v[0].created, 0);
        CHECK_INT_EQ(v[0].id, ids[i]);
        free(v);
    }
    CHECK_INT_EQ(st_int("SELECT COUNT(*) FROM checkups", 0), 3);
    CHECK_INT_EQ(st_int("SELECT COUNT(*) FROM checkup_results", 0), results);
    /* The store audits nothing itself: the caller does. */
    CHECK_INT_EQ(st_int("SELECT COUNT(*) FROM audit", 0), 0);
}

static void t_unknown_patient_refuses_everything(void)
{
    REQUIRE(enrol() == 0);
    size_t len = 0, n = 0;
    struct ckstore_stored *v = NULL;
    struct ckstore_reject rej;
    char *text = fixture("two-coverages-components.json", &len);
    REQUIRE(text != NULL);
    /* Patient.identifier names nobody: the insurance Coverage's numbers (resident 4) win. */
    REQUIRE(test_replace(text, "00012345:あいう:３８７４７６:01", "00012345:あいう:999:01") == 0);
    CHECK_INT_EQ(import(text, strlen(text), &v, &n, &rej), 0);
    CHECK(v && v[0].resident == 4);
    free(v);
    /* Neither names anybody. */
    REQUIRE(test_replace(text, "６７８９０", "11111") == 0);
    REQUIRE(test_replace(text, "1311234567^2024^two-coverages", "1311234567^2024^none") == 0);
    CHECK_INT_EQ(import(text, strlen(text), &v, &n, &rej), 1);
    CHECK(v == NULL);
    CHECK_INT_EQ(rej.http, 422);
    CHECK_STR_EQ(rej.code, "unknown_patient");
    CHECK_INT_EQ(rej.entry, 1);
    CHECK(strstr(rej.message, "Nothing was imported") != NULL);
    CHECK_INT_EQ(st_int("SELECT COUNT(*) FROM checkups", 0), 1);
    free(text);
}

static void t_correction_replaces(void)
{
    REQUIRE(enrol() == 0);
    struct ckstore_stored *v = NULL;
    size_t len = 0, n = 0;
    struct ckstore_reject rej;
    REQUIRE(import_file("two-coverages-components.json", &v, &n) == 0);
    int64_t first = v[0].id;
    free(v);
    char *text = fixture("two-coverages-components.json", &len);
    REQUIRE(text != NULL);
    REQUIRE(test_replace(text, "\"value\": 5.5", "\"value\": 5.7") == 0);
    CHECK_INT_EQ(import(text, strlen(text), &v, &n, &rej), 0);
    REQUIRE(v != NULL);
    CHECK_INT_EQ(v[0].created, 1);
    CHECK_INT_EQ(v[0].replaced, 1);
    CHECK_INT_EQ(st_int("SELECT superseded_by FROM checkups WHERE id = ?", first), v[0].id);
    /* Its audit record says so. */
    char kinds[CKSTORE_AUDIT_TEXT], basis[CKSTORE_AUDIT_TEXT];
    struct audit_rec a;
    memset(&a, 0, sizeof a);
    ckstore_audit_rec(&v[0], 1, kinds, basis, &a);
    CHECK_STR_EQ(a.action, "checkup.correct");
    CHECK_INT_EQ(a.subject, 1);
    CHECK_STR_EQ(a.data_kinds, "checkups:1");
    CHECK_STR_EQ(a.basis, "source:1");
    CHECK_STR_EQ(a.source, "source:1");
    CHECK_STR_EQ(a.purpose, "linkage");
    free(v);
    /* The same correction again changes nothing. */
    CHECK_INT_EQ(import(text, strlen(text), &v, &n, &rej), 0);
    CHECK(v && v[0].created == 0 && v[0].replaced == 0);
    free(v);
    CHECK_INT_EQ(st_int("SELECT COUNT(*) FROM checkups WHERE superseded_by IS NULL", 0), 1);
    free(text);
}

enum { PROCS = 4 };

/* One process importing the fixture in its own transaction (retried while busy); exit
 * status 1 when it stored the checkup, 0 when it found it stored, 255 on a failure. */
static int import_in_process(int64_t unused)
{
    size_t len = 0;
    struct checkup_list *list = NULL;
    struct ckstore_stored *v = NULL;
    struct ckstore_reject rej;
    struct db *db = st_open();
    char *text = fixture("one-coverage.json", &len);
    (void)unused;
    int rc = 255;
    if (!db || !text || ckstore_parse(text, len, CKSTORE_FHIR, &list, &rej) != 0)
        goto out;
    for (int attempt = 0; attempt < 50 && rc == 255; attempt++) {
        enum db_status s = db_begin(db);
        int r = s == DB_OK
                    ? ckstore_add(db, scope_of(1), 1, list, CKSTORE_FHIR, text, len, NOW, &v, &rej)
                    : -1;
        if (r == 0 && db_commit(db) == DB_OK)
            rc = v[0].created;
        else
            db_rollback(db);
        free(v);
        v = NULL;
    }
out:
    checkup_list_free(list);
    free(text);
    db_close(db);
    return rc;
}

/* The same file sent by several processes at once is stored once, with its results once. */
static void t_concurrent_imports_store_once(void)
{
    REQUIRE(enrol() == 0);
    int created = st_processes(PROCS, import_in_process, 0);
    CHECK_INT_EQ(created, 1);
    CHECK_INT_EQ(st_int("SELECT COUNT(*) FROM checkups", 0), 1);
    int64_t id = st_int("SELECT id FROM checkups", 0);
    struct ckstore_stored *v = NULL;
    size_t n = 0;
    CHECK_INT_EQ(import_file("one-coverage.json", &v, &n), 0);
    REQUIRE(v != NULL);
    CHECK_INT_EQ(v[0].id, id);
    free(v);
    CHECK_INT_EQ(st_int("SELECT COUNT(*) FROM checkup_results", 0),
                 st_int("SELECT COUNT(*) FROM checkup_results WHERE checkup_id = ?", id));
    CHECK(st_int("SELECT COUNT(*) FROM checkup_results", 0) > 10);
}

/* What the read walks saw. */
struct seen {
    int n;
    int64_t ids[16];
    char dates[16][11];
    char text[2048];
    int stop_after; /* > 0: stop the walk after this many */
};

static int saw_head(void *ctx, const struct ckstore_head *h)
{
    struct seen *s = ctx;
    if (s->n < 16) {
        s->ids[s->n] = h->id;
        snprintf(s->dates[s->n], sizeof s->dates[0], "%s", h->date);
    }
    size_t l = strlen(s->text);
    snprintf(s->text + l, sizeof s->text - l, "%s|%lld|%s|%s|%s;", h->date, (long long)h->source,
             h->source_name, h->org_name, checkup_sex_str(h->sex));
    s->n++;
    return s->stop_after && s->n == s->stop_after ? 1 : 0;
}

/* Three checkups of resident 1 in two years, for the lists. */
static int three_checkups(void)
{
    static const char *const dates[] = {"2024-06-04", "2024-11-30", "2025-05-20"};
    for (int i = 0; i < 3; i++) {
        size_t len = 0, n = 0;
        struct ckstore_stored *v = NULL;
        struct ckstore_reject rej;
        char *text = fixture("two-coverages-components.json", &len), id[48];
        snprintf(id, sizeof id, "1311234567^2024^list%d", i);
        int ok = text && test_replace(text, "1311234567^2024^two-coverages", id) == 0 &&
                 (i == 0 || test_replace(text, "2024-06-04", dates[i]) == 0) &&
                 import(text, strlen(text), &v, &n, &rej) == 0 && v[0].created;
        free(v);
        free(text);
        if (!ok)
            return -1;
    }
    return 0;
}

static void t_lists(void)
{
    REQUIRE(enrol() == 0);
    REQUIRE(three_checkups() == 0);
    struct seen s;
    memset(&s, 0, sizeof s);
    CHECK_INT_EQ(ckstore_heads(st_db, TOWN, 1, 0, 0, saw_head, &s), DB_OK);
    CHECK_INT_EQ(s.n, 3);
    CHECK_STR_EQ(s.dates[0], "2025-05-20"); /* newest first */
    CHECK_STR_EQ(s.dates[2], "2024-06-04");
    CHECK(strstr(s.text, "|1|Guide clinic|みどり健診センター|") != NULL);
    int64_t newest = s.ids[0], middle = s.ids[1];
    /* A page after the newest; a walk stopped early is not a failure. */
    memset(&s, 0, sizeof s);
    s.stop_after = 1;
    CHECK_INT_EQ(ckstore_heads(st_db, TOWN, 1, newest, 0, saw_head, &s), DB_OK);
    CHECK_INT_EQ(s.n, 1);
    CHECK_INT_EQ(s.ids[0], middle);
    memset(&s, 0, sizeof s);
    CHECK_INT_EQ(ckstore_heads(st_db, TOWN, 1, 0, 2024, saw_head, &s), DB_OK);
    CHECK_INT_EQ(s.n, 2);
    CHECK_STR_EQ(s.dates[0], "2024-11-30");
    memset(&s, 0, sizeof s);
    CHECK_INT_EQ(ckstore_heads(st_db, TOWN, 2, 0, 0, saw_head, &s), DB_OK);
    CHECK_INT_EQ(s.n, 0);
    /* One checkup: the resident's own only. */
    memset(&s, 0, sizeof s);
    CHECK_INT_EQ(ckstore_head(st_db, TOWN, middle, 1, saw_head, &s), DB_ROW);
    CHECK_INT_EQ(s.n, 1);
    CHECK_STR_EQ(s.dates[0], "2024-11-30");
    CHECK_INT_EQ(ckstore_head(st_db, TOWN, middle, 2, saw_head, &s), DB_DONE);
    CHECK_INT_EQ(ckstore_head(st_db, TOWN, 9999, 1, saw_head, &s), DB_DONE);
}

static int saw_year(void *ctx, long year, int64_t source)
{
    struct seen *s = ctx;
    size_t l = strlen(s->text);
    snprintf(s->text + l, sizeof s->text - l, "%ld:%lld;", year, (long long)source);
    s->n++;
    return 0;
}

static int saw_result(void *ctx, const struct checkup_result *r)
{
    struct seen *s = ctx;
    size_t l = strlen(s->text);
    if (s->n++ < 3 || strcmp(r->identity, "3D046") == 0 || strcmp(r->identity, "1A020") == 0)
        snprintf(s->text + l, sizeof s->text - l, "%s=%s/%g/%s/%s/%d%d;", r->code,
                 r->item ? "dict" : "-", r->value, r->text, r->unit, r->has_low, r->has_high);
    return s->stop_after && s->n == s->stop_after ? -1 : 0;
}

static void t_years_and_results(void)
{
    REQUIRE(enrol() == 0);
    REQUIRE(three_checkups() == 0);
    struct seen s;
    memset(&s, 0, sizeof s);
    CHECK_INT_EQ(ckstore_years(st_db, TOWN, 1, saw_year, &s), DB_OK);
    CHECK_STR_EQ(s.text, "2025:1;2024:1;");
    int64_t id = st_int("SELECT id FROM checkups WHERE date = '2024-06-04'", 0);
    memset(&s, 0, sizeof s);
    CHECK_INT_EQ(ckstore_results(st_db, TOWN, id, saw_result, &s), DB_OK);
    CHECK_INT_EQ(s.n, 24);
    /* In code order, numbers as numbers, codes as text, the lab's range where sent. */
    CHECK(strncmp(s.text, "1A010000000191111=dict/0/2//00;", 31) == 0);
    CHECK(strstr(s.text, "3D046000001906202=dict/5.5//%/00;") != NULL);
    /* A failing row function fails the walk. */
    memset(&s, 0, sizeof s);
    s.stop_after = 2;
    CHECK_INT_EQ(ckstore_results(st_db, TOWN, id, saw_result, &s), DB_ERR);
    CHECK_INT_EQ(s.n, 2);
}

static int saw_point(void *ctx, const struct ckstore_point *p)
{
    struct seen *s = ctx;
    size_t l = strlen(s->text);
    snprintf(s->text + l, sizeof s->text - l, "%s:%g:%s:%d%d:%g-%g;", p->date, p->result->value,
             checkup_sex_str(p->sex), p->result->has_low, p->result->has_high, p->result->ref_low,
             p->result->ref_high);
    s->n++;
    return 0;
}

static void t_trends(void)
{
    REQUIRE(enrol() == 0);
    REQUIRE(three_checkups() == 0);
    struct ckstore_stored *v = NULL;
    size_t n = 0;
    REQUIRE(import_file("one-coverage.json", &v, &n) == 0);
    free(v);
    char unit[32] = "";
    CHECK_INT_EQ(ckstore_trend_unit(st_db, TOWN, 1, "3D046", unit, sizeof unit), DB_ROW);
    CHECK_STR_EQ(unit, "%");
    CHECK_INT_EQ(ckstore_trend_unit(st_db, TOWN, 2, "3D046", unit, sizeof unit), DB_DONE);
    struct seen s;
    memset(&s, 0, sizeof s);
    CHECK_INT_EQ(ckstore_trend(st_db, TOWN, 1, "3D046", "%", saw_point, &s), DB_OK);
    CHECK_INT_EQ(s.n, 3);
    CHECK(strncmp(s.text, "2024-06-04:5.5:", 15) == 0); /* oldest first */
    memset(&s, 0, sizeof s);
    CHECK_INT_EQ(ckstore_trend(st_db, TOWN, 1, "3D046", "mmol/mol", saw_point, &s), DB_OK);
    CHECK_INT_EQ(s.n, 0);
    /* The lab's range travels with each point. */
    CHECK_INT_EQ(ckstore_trend_unit(st_db, TOWN, 3, "3C015", unit, sizeof unit), DB_ROW);
    memset(&s, 0, sizeof s);
    CHECK_INT_EQ(ckstore_trend(st_db, TOWN, 3, "3C015", unit, saw_point, &s), DB_OK);
    CHECK_INT_EQ(s.n, 1);
    CHECK(strstr(s.text, ":11:0.65-1.07;") != NULL);
}

/* checkup-show's text on SQLite, to compare PostgreSQL's with. */
static char *sqlite_show;

static void t_show(void)
{
    REQUIRE(enrol() == 0);
    REQUIRE(three_checkups() == 0);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    REQUIRE(f != NULL);
    int n = ckshow_print(st_db, TOWN, 1, f);
    fclose(f);
    CHECK_INT_EQ(n, 3);
    CHECK(strstr(out, "item\t3D046000001906202\tHbA1c(NGSP値)\t5.5\t%\tnormal\n") != NULL);
    CHECK(strstr(out, "item\t1A010000000191111\t尿蛋白\t2 プラスマイナス\t-\tguidance\n") != NULL);
    if (st_dialect == DB_SQLITE) {
        free(sqlite_show);
        sqlite_show = out;
        out = NULL;
    } else {
        CHECK_STR_EQ(out, sqlite_show);
    }
    free(out);
    f = open_memstream(&out, &len);
    REQUIRE(f != NULL);
    CHECK_INT_EQ(ckshow_print(st_db, TOWN, 2, f), 0);
    fclose(f);
    CHECK_STR_EQ(out, "");
    free(out);
}

int main(void)
{
    static const struct storetest tests[] = {
        STORETEST(t_guide_import),
        STORETEST(t_unknown_patient_refuses_everything),
        STORETEST(t_correction_replaces),
        STORETEST(t_concurrent_imports_store_once),
        STORETEST(t_lists),
        STORETEST(t_years_and_results),
        STORETEST(t_trends),
        STORETEST(t_show),
    };
    int rc = storetest_main(tests, (int)(sizeof tests / sizeof tests[0]));
    free(sqlite_show);
    return rc;
}
