/*
 * test_hub_stores.c: the stores of residents, devices, actors, family links, legal bases,
 * alerts (and raising them: escalate), activity, check-ins, consents and the access log
 * (hub/store/) against a real
 * database migrated by the hub: by default a new SQLite file in a temp folder; with a
 * target argument (`test_hub_stores postgresql://...`, an empty database: tests/pg runs
 * it through pgrun) the same calls with the same assertions on PostgreSQL. Every function
 * of these stores is called inside a transaction as the hub calls it, including the
 * refusals (constraints) and the dialect-specific queries (the consent choices, the
 * access summary).
 */
#include "accesslog.h"
#include "activity.h"
#include "actors.h"
#include "alerts.h"
#include "audit.h"
#include "checkins.h"
#include "consents.h"
#include "db.h"
#include "devices.h"
#include "escalate.h"
#include "family.h"
#include "hubdb.h"
#include "legalbases.h"
#include "residents.h"
#include "scope.h"
#include "sessions.h"
#include "storetarget.h"
#include "towns.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The migrated hub's one municipality. */
#define TOWN scope_of(1)
#define T0   1764979200LL /* 2025-12-06 00:00:00 UTC = 09:00 in Japan */

static struct storetarget ST;
static struct db *db;

/* Ids made by the first tests and used by the later ones. */
static int64_t res_a, res_b, dev_home, dev_public, fam, staff, source, op;

/* Runs sql (setup the stores do not offer) or fails the test. */
static void exec(const char *sql)
{
    enum db_status s = db_exec(db, sql);
    if (s != DB_OK)
        fprintf(stderr, "exec %s: %s\n", sql, db_errmsg(db));
    REQUIRE(s == DB_OK);
}

/* A change that must be refused by a constraint; rolled back to a savepoint so that the
 * transaction goes on (PostgreSQL aborts it otherwise). */
#define CHECK_REFUSED(call)                                                                        \
    do {                                                                                           \
        REQUIRE(db_savepoint(db, "refused") == DB_OK);                                             \
        CHECK_INT_EQ((call), DB_ERR_CONSTRAINT);                                                   \
        db_rollback_to(db, "refused"); /* and releases it */                                       \
    } while (0)

static int64_t count(const char *sql, int64_t arg)
{
    int64_t n = -1;
    return db_get_int64(db, sql, arg, &n) == DB_ROW ? n : -1;
}

static void t_residents(void)
{
    char name[64];
    int changed = 0;
    REQUIRE(db_begin(db) == DB_OK);
    struct residents_new a = {.display_name = "山田 花子",
                              .district = "north-3",
                              .deadline_min = 600,
                              .cert_fp = "aa11",
                              .member_key = "00012345:あいう:1871:00",
                              .address = "北町3-1-2"};
    CHECK_INT_EQ(residents_add(db, TOWN, &a, T0, &res_a), DB_OK);
    CHECK(res_a > 0);
    struct residents_new b = {
        .display_name = "佐藤 一郎", .district = "south", .deadline_min = 540};
    CHECK_INT_EQ(residents_add(db, TOWN, &b, T0, &res_b), DB_OK);
    CHECK(res_b > res_a);
    struct residents_new again = b;
    again.cert_fp = "aa11"; /* the same card enrolled twice */
    int64_t id = 0;
    CHECK_REFUSED(residents_add(db, TOWN, &again, T0, &id));
    again.cert_fp = NULL;
    again.member_key = a.member_key;
    CHECK_REFUSED(residents_add(db, TOWN, &again, T0, &id));

    CHECK_INT_EQ(residents_name(db, TOWN, res_a, name, sizeof name), DB_ROW);
    CHECK_STR_EQ(name, "山田 花子");
    CHECK_INT_EQ(residents_name(db, TOWN, res_b + 100, name, sizeof name), DB_DONE);
    CHECK_INT_EQ(count("SELECT COUNT(*) FROM residents WHERE id = ? AND address = ''", res_b), 1);

    CHECK_INT_EQ(residents_set_cert(db, TOWN, res_b, "bb22", &changed), DB_OK);
    CHECK_INT_EQ(changed, 1);
    CHECK_INT_EQ(residents_set_cert(db, TOWN, res_b + 100, "cc33", &changed), DB_OK);
    CHECK_INT_EQ(changed, 0);
    CHECK_REFUSED(residents_set_cert(db, TOWN, res_b, "aa11", &changed));

    CHECK_INT_EQ(count("SELECT unwell_alert FROM residents WHERE id = ?", res_b), 1);
    CHECK_INT_EQ(residents_set_unwell_alert(db, TOWN, res_b, 0, &changed), DB_OK);
    CHECK_INT_EQ(changed, 1);
    CHECK_INT_EQ(count("SELECT unwell_alert FROM residents WHERE id = ?", res_b), 0);
    CHECK_INT_EQ(residents_set_unwell_alert(db, TOWN, res_b + 100, 1, &changed), DB_OK);
    CHECK_INT_EQ(changed, 0);
    CHECK_INT_EQ(db_commit(db), DB_OK);
}

static void t_devices(void)
{
    char name[64];
    int64_t id = 0;
    REQUIRE(db_begin(db) == DB_OK);
    CHECK_INT_EQ(devices_add(db, TOWN, "home", res_a, "居間", "hash-home", T0, &dev_home), DB_OK);
    CHECK_INT_EQ(devices_add(db, TOWN, "public", 0, NULL, "hash-public", T0, &dev_public), DB_OK);
    CHECK(dev_home > 0 && dev_public > dev_home);
    CHECK_INT_EQ(
        count("SELECT COUNT(*) FROM devices WHERE id = ? AND resident_id IS NULL", dev_public), 1);
    CHECK_REFUSED(devices_add(db, TOWN, "home", 0, NULL, "hash-x", T0, &id)); /* no resident */
    CHECK_REFUSED(
        devices_add(db, TOWN, "home", res_b + 100, NULL, "hash-y", T0, &id));      /* no such */
    CHECK_REFUSED(devices_add(db, TOWN, "public", 0, NULL, "hash-home", T0, &id)); /* token taken */
    CHECK_INT_EQ(actors_name(db, "device", dev_home, name, sizeof name), DB_ROW);
    CHECK_STR_EQ(name, "home device (居間)");
    CHECK_INT_EQ(actors_name(db, "device", dev_public, name, sizeof name), DB_ROW);
    CHECK_STR_EQ(name, "public kiosk");
    /* found by token hash: one at a time, and a batch's (one statement on PostgreSQL) */
    struct devices_holder h, many[4];
    CHECK_INT_EQ(devices_by_token(db, "hash-home", &h), DB_ROW);
    CHECK(h.id == dev_home && strcmp(h.kind, "home") == 0 && h.resident == res_a &&
          h.town == scope_town(TOWN));
    CHECK_INT_EQ(devices_by_token(db, "hash-none", &h), DB_DONE);
    CHECK_INT_EQ(h.id, 0);
    const char *hashes[4] = {"hash-public", "hash-none", "hash-home", "hash-public"};
    CHECK_INT_EQ(devices_by_tokens(db, hashes, 4, many), DB_OK);
    CHECK(many[0].id == dev_public && strcmp(many[0].kind, "public") == 0 &&
          many[0].resident == 0 && many[0].town == scope_town(TOWN));
    CHECK_INT_EQ(many[1].id, 0);
    CHECK(many[2].id == dev_home && many[2].resident == res_a);
    CHECK_INT_EQ(many[3].id, dev_public);
    CHECK_INT_EQ(devices_by_tokens(db, hashes, 0, many), DB_OK);
    CHECK_INT_EQ(db_commit(db), DB_OK);
}

/* Collects family rows as "id:name:relation;". */
static int add_family(void *ctx, const struct family_row *f)
{
    char *out = ctx;
    size_t n = strlen(out);
    snprintf(out + n, 256 - n, "%lld:%s:%s;", (long long)f->id, f->display_name, f->relation);
    return 0;
}

static void t_actors_and_family(void)
{
    char name[64], got[256] = "", want[256];
    int known = -1;
    int64_t id = 0;
    REQUIRE(db_begin(db) == DB_OK);
    CHECK_INT_EQ(actors_add(db, TOWN, ACTORS_FAMILY, "山田 太郎", "hash-fam", T0, &fam), DB_OK);
    CHECK_INT_EQ(actors_add(db, TOWN, ACTORS_STAFF, "見守り係", "hash-staff", T0, &staff), DB_OK);
    CHECK_INT_EQ(actors_add(db, TOWN, ACTORS_SOURCE, "市保健センター", "hash-src", T0, &source),
                 DB_OK);
    CHECK(fam > 0 && staff > 0 && source > 0);
    CHECK_REFUSED(actors_add(db, TOWN, ACTORS_STAFF, "again", "hash-staff", T0, &id));
    exec("INSERT INTO operators(display_name, districts, token_hash, created_unix)"
         " VALUES('まちかど買い物代行', 'east,north-3', 'hash-op', 0)");
    REQUIRE(db_get_int64(db, "SELECT MAX(id) FROM operators", 0, &op) == DB_ROW);

    CHECK_INT_EQ(actors_name(db, "family", fam, name, sizeof name), DB_ROW);
    CHECK_STR_EQ(name, "山田 太郎");
    CHECK_INT_EQ(actors_name(db, "staff", staff, name, sizeof name), DB_ROW);
    CHECK_STR_EQ(name, "見守り係");
    CHECK_INT_EQ(actors_name(db, "source", source, name, sizeof name), DB_ROW);
    CHECK_STR_EQ(name, "市保健センター");
    CHECK_INT_EQ(actors_name(db, "operator", op, name, sizeof name), DB_ROW);
    CHECK_STR_EQ(name, "まちかど買い物代行");
    CHECK_INT_EQ(actors_name(db, "staff", staff + 100, name, sizeof name), DB_DONE);
    CHECK_INT_EQ(actors_name(db, "hub", 1, name, sizeof name), DB_DONE);

    /* found by token hash, each kind in its own table */
    int64_t tid = 0, town = 0;
    CHECK_INT_EQ(actors_by_token(db, "family", "hash-fam", &tid, &town), DB_ROW);
    CHECK(tid == fam && town == scope_town(TOWN));
    CHECK_INT_EQ(actors_by_token(db, "staff", "hash-staff", &tid, &town), DB_ROW);
    CHECK_INT_EQ(tid, staff);
    CHECK_INT_EQ(actors_by_token(db, "source", "hash-src", &tid, &town), DB_ROW);
    CHECK_INT_EQ(tid, source);
    CHECK_INT_EQ(actors_by_token(db, "operator", "hash-op", &tid, &town), DB_ROW);
    CHECK(tid == op && town > 0);
    CHECK_INT_EQ(actors_by_token(db, "staff", "hash-fam", &tid, &town), DB_DONE);
    CHECK_INT_EQ(tid, 0);
    CHECK_INT_EQ(actors_by_token(db, "device", "hash-home", &tid, &town), DB_DONE);

    CHECK_INT_EQ(family_link(db, TOWN, fam, res_a, "長男"), DB_OK);
    CHECK_INT_EQ(family_link(db, TOWN, fam, res_b, NULL), DB_OK);
    CHECK_REFUSED(family_link(db, TOWN, fam, res_a, "again"));
    CHECK_REFUSED(family_link(db, TOWN, fam, res_b + 100, NULL));
    CHECK_INT_EQ(family_of_resident(db, TOWN, res_a, add_family, got), DB_OK);
    snprintf(want, sizeof want, "%lld:山田 太郎:長男;", (long long)fam);
    CHECK_STR_EQ(got, want);
    got[0] = '\0';
    CHECK_INT_EQ(family_residents(db, TOWN, fam, add_family, got), DB_OK);
    snprintf(want, sizeof want, "%lld:山田 花子:長男;%lld:佐藤 一郎:;", (long long)res_a,
             (long long)res_b);
    CHECK_STR_EQ(got, want);

    CHECK_INT_EQ(actors_is_recipient(db, res_a, "family", fam, &known), DB_OK);
    CHECK_INT_EQ(known, 1);
    CHECK_INT_EQ(actors_is_recipient(db, res_a, "family", fam + 100, &known), DB_OK);
    CHECK_INT_EQ(known, 0);
    CHECK_INT_EQ(actors_is_recipient(db, res_a, "staff", staff, &known), DB_OK);
    CHECK_INT_EQ(known, 1);
    CHECK_INT_EQ(actors_is_recipient(db, res_a, "staff", staff + 100, &known), DB_OK);
    CHECK_INT_EQ(known, 0);
    CHECK_INT_EQ(actors_is_recipient(db, res_a, "operator", op, &known), DB_OK);
    CHECK_INT_EQ(known, 1);
    CHECK_INT_EQ(actors_is_recipient(db, res_a, "source", source, &known), DB_OK);
    CHECK_INT_EQ(known, 1);
    CHECK_INT_EQ(actors_is_recipient(db, res_a, "device", dev_home, &known), DB_OK);
    CHECK_INT_EQ(known, 0);
    CHECK_INT_EQ(db_commit(db), DB_OK);
}

static int add_basis(void *ctx, const struct legalbases_row *b)
{
    char *out = ctx;
    size_t n = strlen(out);
    snprintf(out + n, 256 - n, "%s:%s:%s:%s;", b->name, b->recipient_kind, b->data_kind,
             b->purpose);
    return 0;
}

static int stop_at_first(void *ctx, const struct legalbases_row *b)
{
    (void)b;
    ++*(int *)ctx;
    return 1;
}

static void t_legalbases(void)
{
    char got[256] = "";
    int calls = 0;
    REQUIRE(db_begin(db) == DB_OK);
    struct legalbases_row b = {.name = "a_delivery",
                               .recipient_kind = "operator",
                               .data_kind = "address",
                               .purpose = "delivery",
                               .description = "a town programme, in words"};
    CHECK_INT_EQ(legalbases_add(db, &b), DB_OK);
    CHECK_REFUSED(legalbases_add(db, &b));
    CHECK_INT_EQ(legalbases_list(db, add_basis, got), DB_OK);
    CHECK_STR_EQ(got, "a_delivery:operator:address:delivery;"
                      "watch_over_city:staff:safety:watch_over;");
    CHECK_INT_EQ(legalbases_list(db, stop_at_first, &calls), DB_ERR);
    CHECK_INT_EQ(calls, 1);
    char name[48];
    CHECK_INT_EQ(legalbases_find(db, "staff", "safety", "watch_over", name, sizeof name), DB_ROW);
    CHECK_STR_EQ(name, "watch_over_city");
    CHECK_INT_EQ(legalbases_find(db, "operator", "address", "delivery", name, sizeof name), DB_ROW);
    CHECK_STR_EQ(name, "a_delivery");
    CHECK_INT_EQ(legalbases_find(db, "staff", "address", "delivery", name, sizeof name), DB_DONE);
    CHECK_INT_EQ(legalbases_find(db, "staff", "safety", "delivery", name, sizeof name), DB_DONE);
    CHECK_INT_EQ(db_commit(db), DB_OK);
}

/* Collects alerts as "kind/level/group[/ack_by][@name]," in the order given. */
static int add_alert(void *ctx, const struct alerts_row *a)
{
    char *out = ctx;
    size_t n = strlen(out);
    snprintf(out + n, 512 - n, "%s/%s/%s%s%s%s%s,", a->kind, a->level, a->group,
             a->ack_by ? "/" : "", a->ack_by ? a->ack_by : "", a->resident_name ? "@" : "",
             a->resident_name ? a->resident_name : "");
    return 0;
}

static void t_alerts(void)
{
    char got[512] = "";
    int changed = -1;
    REQUIRE(db_begin(db) == DB_OK);
    char sql[512];
    /* Two help presses (both levels each), a missed day at both levels, for resident a; one
     * missed city alert for b. Raised in this order. */
    snprintf(sql, sizeof sql,
             "INSERT INTO alerts(resident_id, kind, level, day, raised_unix) VALUES"
             "(%lld, 'missed', 'family', '2025-12-05', %lld),"
             "(%lld, 'missed', 'city', '2025-12-05', %lld),"
             "(%lld, 'help', 'family', 'help:1', %lld),(%lld, 'help', 'city', 'help:1', %lld),"
             "(%lld, 'help', 'family', 'help:2', %lld),(%lld, 'help', 'city', 'help:2', %lld),"
             "(%lld, 'missed', 'city', '2025-12-05', %lld)",
             (long long)res_a, T0 + 1, (long long)res_a, T0 + 2, (long long)res_a, T0 + 3,
             (long long)res_a, T0 + 3, (long long)res_a, T0 + 4, (long long)res_a, T0 + 4,
             (long long)res_b, T0 + 5);
    exec(sql);
    CHECK_INT_EQ(alerts_of_resident(db, TOWN, res_a, NULL, 100, add_alert, got), DB_OK);
    CHECK_STR_EQ(got, "help/city/help:2,help/family/help:2,help/city/help:1,help/family/help:1,"
                      "missed/city/2025-12-05,missed/family/2025-12-05,");
    got[0] = '\0';
    CHECK_INT_EQ(alerts_of_resident(db, TOWN, res_a, "family", 2, add_alert, got), DB_OK);
    CHECK_STR_EQ(got, "help/family/help:2,help/family/help:1,");
    got[0] = '\0';
    CHECK_INT_EQ(alerts_help_presses(db, TOWN, res_a, 1, add_alert, got), DB_OK);
    CHECK_STR_EQ(got, "help/city/help:2,help/family/help:2,");
    got[0] = '\0';
    CHECK_INT_EQ(alerts_help_presses(db, TOWN, res_b, 5, add_alert, got), DB_OK);
    CHECK_STR_EQ(got, "");

    int64_t missed_city = 0;
    REQUIRE(db_get_int64(db,
                         "SELECT id FROM alerts WHERE resident_id = ? AND kind = 'missed'"
                         " AND level = 'city'",
                         res_a, &missed_city) == DB_ROW);
    CHECK_INT_EQ(alerts_ack(db, TOWN, missed_city, "staff:1", T0 + 60, &changed), DB_OK);
    CHECK_INT_EQ(changed, 1);
    CHECK_INT_EQ(alerts_ack(db, TOWN, missed_city, "staff:2", T0 + 90, &changed), DB_OK);
    CHECK_INT_EQ(changed, 0);
    CHECK_INT_EQ(alerts_ack(db, TOWN, missed_city + 1000, "staff:2", T0 + 90, &changed), DB_OK);
    CHECK_INT_EQ(changed, 0);
    got[0] = '\0';
    CHECK_INT_EQ(alerts_get(db, TOWN, missed_city, add_alert, got), DB_OK);
    CHECK_STR_EQ(got, "missed/city/2025-12-05/staff:1,");
    CHECK_INT_EQ(count("SELECT ack_unix FROM alerts WHERE id = ?", missed_city), T0 + 60);
    got[0] = '\0';
    CHECK_INT_EQ(alerts_get(db, TOWN, missed_city + 1000, add_alert, got), DB_OK);
    CHECK_STR_EQ(got, "");

    got[0] = '\0';
    CHECK_INT_EQ(alerts_open_city(db, TOWN, 100, add_alert, got), DB_OK);
    CHECK_STR_EQ(got, "help/city/help:1@山田 花子,help/city/help:2@山田 花子,"
                      "missed/city/2025-12-05@佐藤 一郎,");
    got[0] = '\0';
    CHECK_INT_EQ(alerts_open_city(db, TOWN, 1, add_alert, got), DB_OK);
    CHECK_STR_EQ(got, "help/city/help:1@山田 花子,");

    got[0] = '\0';
    CHECK_INT_EQ(alerts_list(db, TOWN, 1, 3, add_alert, got), DB_OK);
    CHECK_STR_EQ(got, "missed/city/2025-12-05,help/city/help:2,help/family/help:2,");
    got[0] = '\0';
    CHECK_INT_EQ(alerts_list(db, TOWN, 0, 100, add_alert, got), DB_OK);
    CHECK(strstr(got, "missed/city/2025-12-05/staff:1,") != NULL);
    CHECK_INT_EQ(db_commit(db), DB_OK);
}

static void t_activity(void)
{
    struct activity_row a;
    int64_t id = 0;
    REQUIRE(db_begin(db) == DB_OK);
    CHECK_INT_EQ(activity_latest(db, TOWN, dev_home, &a), DB_DONE);
    CHECK_INT_EQ(activity_add(db, TOWN, res_a, dev_home, "touch", T0 + 10, &id), DB_OK);
    CHECK_INT_EQ(activity_add(db, TOWN, res_a, dev_home, "motion", T0 + 20, &id), DB_OK);
    CHECK_INT_EQ(activity_latest(db, TOWN, dev_home, &a), DB_ROW);
    CHECK_INT_EQ(a.id, id);
    CHECK_STR_EQ(a.kind, "motion");
    CHECK_INT_EQ(a.at, T0 + 20);
    CHECK_INT_EQ(activity_latest(db, TOWN, dev_public, &a), DB_DONE);
    CHECK_REFUSED(activity_add(db, TOWN, res_a, dev_home + 100, "touch", T0, &id));
    CHECK_INT_EQ(db_commit(db), DB_OK);
}

static int add_checkin(void *ctx, const struct checkins_row *c)
{
    char *out = ctx;
    size_t n = strlen(out);
    snprintf(out + n, 256 - n, "%lld/%lld/%s/%lld,", (long long)c->resident, (long long)c->device,
             c->answer, (long long)(c->at - T0));
    return 0;
}

static void t_checkins(void)
{
    char got[256] = "", want[256];
    int64_t id1 = 0, id2 = 0, id3 = 0, other = 0;
    REQUIRE(db_begin(db) == DB_OK);
    REQUIRE(devices_add(db, TOWN, "home", res_b, NULL, "hash-home-b", T0, &other) == DB_OK);
    CHECK_INT_EQ(checkins_add(db, TOWN, res_a, dev_home, "genki", T0 + 100, &id1), DB_OK);
    CHECK_INT_EQ(checkins_add(db, TOWN, res_b, other, "genkinai", T0 + 200, &id2), DB_OK);
    CHECK_INT_EQ(checkins_add(db, TOWN, res_a, dev_home, "genki", T0 + 300, &id3), DB_OK);
    CHECK(id1 < id2 && id2 < id3);
    CHECK_INT_EQ(checkins_newest(db, TOWN, res_a, 1, add_checkin, got), DB_OK);
    snprintf(want, sizeof want, "%lld/%lld/genki/300,", (long long)res_a, (long long)dev_home);
    CHECK_STR_EQ(got, want);
    got[0] = '\0';
    CHECK_INT_EQ(checkins_list(db, TOWN, 0, 2, add_checkin, got), DB_OK);
    snprintf(want, sizeof want, "%lld/%lld/genki/300,%lld/%lld/genkinai/200,", (long long)res_a,
             (long long)dev_home, (long long)res_b, (long long)other);
    CHECK_STR_EQ(got, want);
    got[0] = '\0';
    CHECK_INT_EQ(checkins_list(db, TOWN, res_b, 50, add_checkin, got), DB_OK);
    snprintf(want, sizeof want, "%lld/%lld/genkinai/200,", (long long)res_b, (long long)other);
    CHECK_STR_EQ(got, want);
    CHECK_REFUSED(checkins_add(db, TOWN, res_a, dev_home + 100, "genki", T0, &id1));
    CHECK_INT_EQ(db_commit(db), DB_OK);
}

static int add_consent(void *ctx, const struct consents_row *c)
{
    char *out = ctx;
    size_t n = strlen(out);
    snprintf(out + n, 512 - n, "%s:%lld/%s/%s/%s/%lld/%lld,", c->recipient_kind,
             (long long)c->recipient_id, c->data_kind, c->purpose, c->granted_via,
             (long long)(c->granted_at - T0), c->revoked_at ? (long long)(c->revoked_at - T0) : -1);
    return 0;
}

static int add_choice(void *ctx, const struct consents_choice *c)
{
    char *out = ctx;
    size_t n = strlen(out);
    snprintf(out + n, 512 - n, "%s:%lld/%s/%s/%s/%lld,", c->recipient_kind,
             (long long)c->recipient_id, c->data_kind, c->purpose, c->consent_id ? "on" : "off",
             c->revoked_at ? (long long)(c->revoked_at - T0) : -1);
    return 0;
}

static void t_consents(void)
{
    char got[512] = "", want[512], sql[512];
    int64_t id = 0, n = 0;
    int created = 0;
    REQUIRE(db_begin(db) == DB_OK);
    snprintf(sql, sizeof sql,
             "INSERT INTO checkups(resident_id, source_id, content_hash, format, bundle_id, date,"
             " org_system, org_id, org_name, sex, imported_unix)"
             " VALUES(%lld, %lld, 'h1', 'fhir', 'b1', '2025-04-01', '', '', '', 'F', 0)",
             (long long)res_a, (long long)source);
    exec(sql);
    struct consents_key k = {.resident = res_a,
                             .recipient_kind = "staff",
                             .recipient_id = staff,
                             .data_kind = "safety",
                             .purpose = "watch_over"};
    CHECK_INT_EQ(consents_grant(db, TOWN, &k, T0 + 1, "card session", &id, &created), DB_OK);
    CHECK_INT_EQ(created, 1);
    int64_t first = id;
    CHECK_INT_EQ(consents_grant(db, TOWN, &k, T0 + 2, "paper form (hubctl)", &id, &created), DB_OK);
    CHECK_INT_EQ(created, 0);
    CHECK_INT_EQ(id, first);
    /* The database itself holds one consent in force per key. */
    char dup[512];
    snprintf(dup, sizeof dup,
             "INSERT INTO consents(resident_id, recipient_kind, recipient_id, data_kind, purpose,"
             " granted_unix, granted_via) VALUES(%lld, 'staff', %lld, 'safety', 'watch_over', 0,"
             " 'x')",
             (long long)res_a, (long long)staff);
    CHECK_REFUSED(db_exec(db, dup));
    int64_t in = 0;
    CHECK_INT_EQ(consents_in_force(db, TOWN, &k, &in), DB_ROW);
    CHECK_INT_EQ(in, first);
    CHECK_INT_EQ(consents_revoke(db, TOWN, &k, T0 + 3, &n), DB_OK);
    CHECK_INT_EQ(n, 1);
    CHECK_INT_EQ(consents_revoke(db, TOWN, &k, T0 + 4, &n), DB_OK);
    CHECK_INT_EQ(n, 0);
    CHECK_INT_EQ(consents_in_force(db, TOWN, &k, &in), DB_DONE); /* revoked */
    struct consents_key f = {.resident = res_a,
                             .recipient_kind = "family",
                             .recipient_id = fam,
                             .data_kind = "safety",
                             .purpose = "watch_over"};
    CHECK_INT_EQ(consents_grant(db, TOWN, &f, T0 + 5, "enrolment form (hubctl)", &id, &created),
                 DB_OK);
    struct consents_key fb = f;
    fb.resident = res_b;
    CHECK_INT_EQ(consents_grant(db, TOWN, &fb, T0 + 6, "enrolment form (hubctl)", &id, &created),
                 DB_OK);

    CHECK_INT_EQ(consents_list(db, TOWN, res_a, 1, add_consent, got), DB_OK);
    snprintf(want, sizeof want, "family:%lld/safety/watch_over/enrolment form (hubctl)/5/-1,",
             (long long)fam);
    CHECK_STR_EQ(got, want);
    got[0] = '\0';
    CHECK_INT_EQ(consents_list(db, TOWN, res_a, 0, add_consent, got), DB_OK);
    snprintf(want, sizeof want,
             "staff:%lld/safety/watch_over/card session/1/3,"
             "family:%lld/safety/watch_over/enrolment form (hubctl)/5/-1,",
             (long long)staff, (long long)fam);
    CHECK_STR_EQ(got, want);
    got[0] = '\0';
    CHECK_INT_EQ(consents_list(db, TOWN, 0, 1, add_consent, got), DB_OK);
    CHECK_INT_EQ((long long)(strchr(got, ',') != strrchr(got, ',')), 1); /* both residents */

    /* Family x safety (linked, on), the source that sent a checkup x its checkups (off),
     * the operator serving north-3 x the address (off), the revoked staff consent. */
    got[0] = '\0';
    CHECK_INT_EQ(consents_choices(db, TOWN, res_a, add_choice, got), DB_OK);
    snprintf(want, sizeof want,
             "family:%lld/safety/watch_over/on/-1,source:%lld/checkups:%lld/linkage/off/-1,"
             "operator:%lld/address/delivery/off/-1,staff:%lld/safety/watch_over/off/3,",
             (long long)fam, (long long)source, (long long)source, (long long)op, (long long)staff);
    CHECK_STR_EQ(got, want);
    /* Resident b lives in "south", which the operator does not serve. */
    got[0] = '\0';
    CHECK_INT_EQ(consents_choices(db, TOWN, res_b, add_choice, got), DB_OK);
    snprintf(want, sizeof want, "family:%lld/safety/watch_over/on/-1,", (long long)fam);
    CHECK_STR_EQ(got, want);
    /* One source's checkups are covered by a consent for all checkups, not the reverse
     * (rolled back: the listings above are the other stores' tests). */
    REQUIRE(db_savepoint(db, "checkups") == DB_OK);
    struct consents_key all = {.resident = res_a,
                               .recipient_kind = "staff",
                               .recipient_id = staff,
                               .data_kind = "checkups",
                               .purpose = "watch_over"};
    CHECK_INT_EQ(consents_grant(db, TOWN, &all, T0 + 7, "paper form (hubctl)", &in, &created),
                 DB_OK);
    int64_t all_id = in;
    struct consents_key one = all;
    one.data_kind = "checkups:7";
    CHECK_INT_EQ(consents_in_force(db, TOWN, &one, &in), DB_ROW);
    CHECK_INT_EQ(in, all_id);
    one.data_kind = "checkups";
    all.data_kind = "checkups:7";
    CHECK_INT_EQ(consents_grant(db, TOWN, &all, T0 + 7, "paper form (hubctl)", &in, &created),
                 DB_OK);
    CHECK_INT_EQ(consents_revoke(db, TOWN, &one, T0 + 8, &n), DB_OK);
    CHECK_INT_EQ(consents_in_force(db, TOWN, &one, &in), DB_DONE); /* only checkups:7 is */
    db_rollback_to(db, "checkups");
    CHECK_INT_EQ(db_commit(db), DB_OK);
}

static int add_record(void *ctx, const struct accesslog_row *r)
{
    char *out = ctx;
    size_t n = strlen(out);
    snprintf(out + n, 512 - n, "%s/%s/%lld/%s/%s,", r->actor, r->action, (long long)r->subject,
             r->basis, r->request_id);
    return 0;
}

static int add_line(void *ctx, const struct accesslog_line *l)
{
    char *out = ctx;
    size_t n = strlen(out);
    snprintf(out + n, 1024 - n, "%d/%s/%s/%s/%s/%s/%lld/%lld,", l->own, l->actor, l->action,
             l->data_kinds, l->purpose, l->day, (long long)l->count,
             (long long)(l->last_at - l->first_at));
    return 0;
}

/* Appends one audit record about subject. */
static void record(int64_t at, const char *actor, const char *action, int64_t subject,
                   const char *kinds, const char *basis)
{
    struct audit_rec r = {.at = at,
                          .actor = actor,
                          .action = action,
                          .outcome = "ok",
                          .subject = subject,
                          .data_kinds = kinds,
                          .purpose = "watch_over",
                          .basis = basis,
                          .source = "hub",
                          .destination = actor,
                          .request_id = "rq"};
    REQUIRE(audit_append_db(db, &r, NULL) == DB_OK);
}

static void t_accesslog(void)
{
    char got[1024] = "";
    REQUIRE(db_begin(db) == DB_OK);
    /* The family reads check-ins and alerts in one reload, then again a minute later; the
     * next Japan day once more; the resident looks at the home device; one record has no
     * subject (an enrolment of staff). */
    record(T0 + 10, "family:2", "checkins.read", res_a, "safety", "consent:1");
    record(T0 + 10, "family:2", "alerts.read", res_a, "safety", "consent:1");
    record(T0 + 70, "family:2", "checkins.read", res_a, "safety", "consent:1");
    record(T0 + 86400, "family:2", "checkins.read", res_a, "safety", "consent:1");
    record(T0 + 86401, "device:1", "help.read", res_a, "safety", "self:home_device");
    record(T0 + 86402, "hubctl", "staff.register", 0, "staff", "legal:municipal_enrolment");
    record(T0 + 86403, "staff:1", "alerts.read", res_b, "safety", "legal:watch_over_city");

    int64_t last = 0;
    REQUIRE(db_get_int64(db, "SELECT MAX(id) FROM audit", 0, &last) == DB_ROW);
    CHECK_INT_EQ(accesslog_records(db, TOWN, res_a, last + 1, 2, add_record, got), DB_OK);
    snprintf(got + strlen(got), sizeof got - strlen(got), "|");
    CHECK_INT_EQ(accesslog_records(db, TOWN, res_a, last - 3, 10, add_record, got), DB_OK);
    char want[1024];
    snprintf(want, sizeof want,
             "device:1/help.read/%1$lld/self:home_device/rq,"
             "family:2/checkins.read/%1$lld/consent:1/rq,|"
             "family:2/checkins.read/%1$lld/consent:1/rq,family:2/alerts.read/%1$lld/consent:1/rq,"
             "family:2/checkins.read/%1$lld/consent:1/rq,",
             (long long)res_a);
    CHECK_STR_EQ(got, want);
    got[0] = '\0';
    /* The town's listing holds the records about its residents (not the subject-less one). */
    CHECK_INT_EQ(accesslog_records(db, TOWN, 0, last + 1, 3, add_record, got), DB_OK);
    snprintf(want, sizeof want,
             "staff:1/alerts.read/%lld/legal:watch_over_city/rq,"
             "device:1/help.read/%lld/self:home_device/rq,"
             "family:2/checkins.read/%lld/consent:1/rq,",
             (long long)res_b, (long long)res_a, (long long)res_a);
    CHECK_STR_EQ(got, want);

    /* Others first, newest first; one line per actor, action, purpose and Japan day; the
     * reload's two records count as one look. */
    got[0] = '\0';
    CHECK_INT_EQ(accesslog_summary(db, TOWN, res_a, 10, 0, add_line, got), DB_OK);
    CHECK_STR_EQ(got, "0/family:2/read/safety/watch_over/2025-12-07/1/0,"
                      "0/family:2/read/safety/watch_over/2025-12-06/2/60,"
                      "1/device:1/read/safety/watch_over/2025-12-07/1/0,");
    got[0] = '\0';
    CHECK_INT_EQ(accesslog_summary(db, TOWN, res_a, 1, 1, add_line, got), DB_OK);
    CHECK_STR_EQ(got, "0/family:2/read/safety/watch_over/2025-12-06/2/60,");
    CHECK_INT_EQ(db_commit(db), DB_OK);
}

/* Changes are grouped by their kind of data, reads by their purpose; lines are ordered by
 * their newest record. */
static void t_accesslog_kinds(void)
{
    char got[1024] = "";
    REQUIRE(db_begin(db) == DB_OK);
    record(T0 + 5, "hubctl", "resident.enrol", res_b, "profile", "legal:municipal_enrolment");
    record(T0 + 6, "hubctl", "resident.enrol", res_b, "profile", "legal:municipal_enrolment");
    CHECK_INT_EQ(accesslog_summary(db, TOWN, res_b, 10, 0, add_line, got), DB_OK);
    CHECK_STR_EQ(got, "0/hubctl/resident.enrol/profile/watch_over/2025-12-06/2/1,"
                      "0/staff:1/read/safety/watch_over/2025-12-07/1/0,");
    CHECK_INT_EQ(db_commit(db), DB_OK);
}

/* Raising alerts: help at both levels, 元気がない unless turned off, and the missed
 * check-in pass, which counts check-ins, activity and card logins as signs of life and
 * raises each alert once. */
static void t_escalate(void)
{
    long long ids[2] = {0, 0}, unwell = -1;
    int raised = -1;
    int64_t r3 = 0, r4 = 0, dev3 = 0, id = 0;
    time_t day = 1795359600; /* 2026-11-23 00:00 JST */
    REQUIRE(db_begin(db) == DB_OK);
    struct residents_new c = {.display_name = "C", .district = "d", .deadline_min = 600};
    struct residents_new d = {.display_name = "D", .district = "d", .deadline_min = 540};
    REQUIRE(residents_add(db, TOWN, &c, T0, &r3) == DB_OK);
    REQUIRE(residents_add(db, TOWN, &d, T0, &r4) == DB_OK);
    REQUIRE(devices_add(db, TOWN, "home", r3, NULL, "hash-home-c", T0, &dev3) == DB_OK);

    CHECK_INT_EQ(escalate_help(db, TOWN, r3, day, "device:9", "req1", ids), 0);
    CHECK(ids[0] > 0 && ids[1] > ids[0]);
    CHECK_INT_EQ(count("SELECT COUNT(*) FROM alerts WHERE resident_id = ? AND kind = 'help'"
                       " AND day = 'help:req1'",
                       r3),
                 2);
    CHECK_INT_EQ(escalate_unwell(db, TOWN, r3, 77, day, "device:9", "req2", &unwell), 0);
    CHECK(unwell > ids[1]);
    int changed = 0;
    REQUIRE(residents_set_unwell_alert(db, TOWN, r4, 0, &changed) == DB_OK);
    CHECK_INT_EQ(escalate_unwell(db, TOWN, r4, 78, day, "device:9", "req3", &unwell), 0);
    CHECK_INT_EQ(unwell, 0);
    CHECK_INT_EQ(escalate_unwell(db, TOWN, r4 + 100, 79, day, "device:9", "req4", &unwell), -1);
    /* Every raised alert has its audit record. */
    CHECK_INT_EQ(count("SELECT COUNT(*) FROM audit WHERE subject_resident_id = ?"
                       " AND basis = 'none:stored_not_released'",
                       r3),
                 3);

    /* The pass over every resident (a and b of the first tests, with their deadlines of
     * 10:00 and 09:00, see no sign of life on that day either). */
    CHECK_INT_EQ(escalate_run(db, day + 8 * 3600, 120, "t", &raised), 0);
    CHECK_INT_EQ(raised, 0); /* 08:00: before every deadline */
    REQUIRE(checkins_add(db, TOWN, r3, dev3, "genki", day + 8 * 3600 + 1800, &id) == DB_OK);
    CHECK_INT_EQ(escalate_run(db, day + 9 * 3600 + 60, 120, "t", &raised), 0);
    CHECK_INT_EQ(raised, 2); /* b and d missed 09:00 */
    CHECK_INT_EQ(escalate_run(db, day + 10 * 3600, 120, "t", &raised), 0);
    CHECK_INT_EQ(raised, 1); /* a at 10:00; again nothing for b and d; c checked in */
    CHECK_INT_EQ(escalate_run(db, day + 11 * 3600, 120, "t", &raised), 0);
    CHECK_INT_EQ(raised, 2); /* 11:00 = 09:00 + 120 min: city for b and d */
    /* Day 2: d touches the tablet, a logs in with the card; c does nothing. */
    REQUIRE(activity_add(db, TOWN, r4, dev3, "touch", day + 86400 + 8 * 3600, &id) == DB_OK);
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO sessions(token_hash, device_id, resident_id, created_unix,"
             " last_used_unix) VALUES('s1', %lld, %lld, %lld, %lld)",
             (long long)dev3, (long long)res_a, (long long)(day + 86400 + 3600),
             (long long)(day + 86400 + 3600));
    exec(sql);
    CHECK_INT_EQ(escalate_run(db, day + 86400 + 10 * 3600 + 60, 120, "t", &raised), 0);
    CHECK_INT_EQ(raised, 2); /* b (09:00) and c (10:00) */
    CHECK_INT_EQ(count("SELECT COUNT(*) FROM alerts WHERE resident_id = ? AND kind = 'missed'", r3),
                 1);
    CHECK_INT_EQ(count("SELECT COUNT(*) FROM alerts WHERE resident_id = ? AND kind = 'missed'", r4),
                 2);
    CHECK_INT_EQ(db_commit(db), DB_OK);
}

/* Residents with id >= first due for the pass by at. */
static int64_t due_from(int64_t first, int64_t at)
{
    int64_t n = -1;
    struct db_stmt *st =
        db_stmt(db, "SELECT COUNT(*) FROM residents WHERE id >= ? AND next_due <= ?");
    if (st && db_bind_int64(st, 1, first) == DB_OK && db_bind_int64(st, 2, at) == DB_OK &&
        db_step(st) == DB_ROW)
        n = db_col_int64(st, 0);
    db_stmt_done(st);
    return n;
}

static int64_t missed(int64_t resident, const char *level)
{
    return count(strcmp(level, "city") == 0
                     ? "SELECT COUNT(*) FROM alerts WHERE resident_id = ? AND kind = 'missed'"
                       " AND level = 'city'"
                     : "SELECT COUNT(*) FROM alerts WHERE resident_id = ? AND kind = 'missed'"
                       " AND level = 'family'",
                 resident);
}

/* The pass reads only the residents due: a sign of life moves a resident on to the next
 * day's deadline, a step looks at a bounded number, a tick with nothing due reads nothing,
 * and the alerts are exactly those of a pass over everyone: due, not due, a check-in a
 * second before the deadline, the clock moved on by days and moved back. */
static void t_escalate_due(void)
{
    time_t day = 1795359600 + 30 * 86400; /* 2026-12-23 00:00 JST, a day of this test's own */
    time_t ten = day + 10 * 3600;
    int raised = 0, more = 0, total = 0, steps = 0;
    int64_t r[3] = {0, 0, 0}, dev = 0, id = 0;
    REQUIRE(db_begin(db) == DB_OK);
    struct residents_new n = {.display_name = "E", .district = "d", .deadline_min = 600};
    for (int i = 0; i < 3; i++)
        REQUIRE(residents_add(db, TOWN, &n, T0, &r[i]) == DB_OK);
    REQUIRE(devices_add(db, TOWN, "home", r[2], NULL, "hash-home-due", T0, &dev) == DB_OK);
    /* New residents are due at once; at 09:00 each is looked at and waits for 10:00. */
    CHECK_INT_EQ(due_from(r[0], day), 3);
    REQUIRE(escalate_run(db, day + 9 * 3600, 120, "t", &raised) == 0);
    CHECK_INT_EQ(due_from(r[0], ten - 1), 0);
    CHECK_INT_EQ(due_from(r[0], ten), 3);
    /* A check-in a second before the deadline: not due until the next day's. */
    REQUIRE(checkins_add(db, TOWN, r[2], dev, "genki", ten - 1, &id) == DB_OK);
    CHECK_INT_EQ(due_from(r[0], ten), 2);
    CHECK_INT_EQ(count("SELECT next_due FROM residents WHERE id = ?", r[2]), ten + 86400);
    /* 10:00 in steps of one resident (the earlier tests' residents are due too). */
    do {
        REQUIRE(escalate_step(db, ten, 120, "t", 1, &raised, &more) == 0);
        CHECK(raised <= 1);
        total += raised;
    } while (more && ++steps < 100);
    CHECK(steps < 100);
    CHECK(total >= 2);
    CHECK_INT_EQ(missed(r[0], "family"), 1);
    CHECK_INT_EQ(missed(r[1], "family"), 1);
    CHECK_INT_EQ(missed(r[2], "family"), 0);
    /* A tick with nothing due: no resident read, nothing raised. */
    CHECK_INT_EQ(count("SELECT COUNT(*) FROM residents WHERE next_due <= ?", ten + 60), 0);
    REQUIRE(escalate_step(db, ten + 60, 120, "t", 8, &raised, &more) == 0);
    CHECK_INT_EQ(raised, 0);
    CHECK_INT_EQ(more, 0);
    /* r1 shows up at 11:00, after the family alert: at 12:00 the city hears of r0 only. */
    REQUIRE(activity_add(db, TOWN, r[1], dev, "touch", ten + 3600, &id) == DB_OK);
    REQUIRE(escalate_run(db, ten + 2 * 3600, 120, "t", &raised) == 0);
    CHECK_INT_EQ(missed(r[0], "city"), 1);
    CHECK_INT_EQ(missed(r[1], "city"), 0);
    CHECK_INT_EQ(missed(r[2], "city"), 0);
    /* The clock moves on two days: everyone missed that day. */
    REQUIRE(escalate_run(db, ten + 2 * 86400 + 1800, 120, "t", &raised) == 0);
    for (int i = 0; i < 3; i++)
        CHECK_INT_EQ(missed(r[i], "family"), i == 2 ? 1 : 2);
    /* Moved back to the day skipped: every resident is due again, and that day's alerts
     * are raised as a pass over everyone would. */
    REQUIRE(escalate_run(db, ten + 86400 + 1800, 120, "t", &raised) == 0);
    for (int i = 0; i < 3; i++)
        CHECK_INT_EQ(missed(r[i], "family"), i == 2 ? 2 : 3);
    CHECK_INT_EQ(missed(r[2], "city"), 0);
    /* A sign of life deleted (here a check-in) makes the resident due again. */
    REQUIRE(checkins_add(db, TOWN, r[2], dev, "genki", ten + 3 * 86400 - 3600, &id) == DB_OK);
    CHECK_INT_EQ(count("SELECT next_due FROM residents WHERE id = ?", r[2]), ten + 4 * 86400);
    REQUIRE(count("SELECT COUNT(*) FROM checkins WHERE id = ?", id) == 1);
    char sql[96];
    snprintf(sql, sizeof sql, "DELETE FROM checkins WHERE id = %lld", (long long)id);
    exec(sql);
    CHECK_INT_EQ(count("SELECT next_due FROM residents WHERE id = ?", r[2]), 0);
    REQUIRE(escalate_run(db, ten + 3 * 86400 + 1800, 120, "t", &raised) == 0);
    CHECK_INT_EQ(missed(r[2], "family"), 3);
    CHECK_INT_EQ(db_commit(db), DB_OK);
}

/* The missed alerts of one resident at level on day, and their audit records. */
static int64_t missed_on(int64_t resident, const char *level, const char *day)
{
    int64_t n = -1;
    struct db_stmt *st = db_stmt(db, "SELECT COUNT(*) FROM alerts WHERE resident_id = ?"
                                     " AND kind = 'missed' AND level = ? AND day = ?");
    if (st && db_bind_int64(st, 1, resident) == DB_OK && db_bind_text(st, 2, level, -1) == DB_OK &&
        db_bind_text(st, 3, day, -1) == DB_OK && db_step(st) == DB_ROW)
        n = db_col_int64(st, 0);
    db_stmt_done(st);
    return n;
}
static int64_t audited(int64_t resident, const char *level)
{
    return count(strcmp(level, "city") == 0
                     ? "SELECT COUNT(*) FROM audit WHERE subject_resident_id = ?"
                       " AND action = 'alert.missed_checkin' AND destination = 'alerts:city'"
                     : "SELECT COUNT(*) FROM audit WHERE subject_resident_id = ?"
                       " AND action = 'alert.missed_checkin' AND destination = 'alerts:family'",
                 resident);
}

#define BATCH_N (2 * ESCALATE_STEP_MAX + 37) /* three steps of the pass, the last short */

/* Every resident of the batch has exactly the alerts and audit records it should after a
 * pass of day (yyyy-mm-dd): none when it showed a sign of life (alive[i]), else one at
 * each level; where pre[i] the family one was raised before the pass, without a record,
 * and stays the one. */
static void check_batch(const int64_t *r, const int *alive, const int *pre, const char *day,
                        int64_t records)
{
    int bad = 0;
    for (int i = 0; i < BATCH_N; i++) {
        int64_t want = alive[i] ? 0 : 1;
        int64_t f = missed_on(r[i], "family", day), c = missed_on(r[i], "city", day);
        int64_t af = audited(r[i], "family"), ac = audited(r[i], "city");
        int64_t want_af = records * want - (pre[i] && !alive[i]);
        if (f != (want || pre[i]) || c != want || af != want_af || ac != records * want) {
            if (bad++ < 5)
                fprintf(stderr, "resident %d: family %lld city %lld, records %lld %lld\n", i,
                        (long long)f, (long long)c, (long long)af, (long long)ac);
        }
    }
    CHECK_INT_EQ(bad, 0);
}

/* The pass writes its decisions as a batch per step: over three steps (the last short),
 * with residents alive or not and family alerts that exist before the pass (raised by
 * another process's pass) among them, each alert is raised once and audited once; a step
 * rolled back (a crash) leaves nothing and the next pass raises it all, once; hubd's small
 * steps raise the same as one pass. */
static void t_escalate_batch(void)
{
    time_t day = 1795359600 + 60 * 86400; /* 2027-01-22 00:00 JST, this test's own */
    static int64_t r[BATCH_N];
    static int alive[BATCH_N], pre[BATCH_N];
    int64_t dev = 0, id = 0, alerts0 = 0, records0 = 0;
    int raised = -1, more = 0, steps = 0, total = 0;
    REQUIRE(db_begin(db) == DB_OK);
    struct residents_new n = {.display_name = "F", .district = "d", .deadline_min = 600};
    for (int i = 0; i < BATCH_N; i++)
        REQUIRE(residents_add(db, TOWN, &n, T0, &r[i]) == DB_OK);
    REQUIRE(devices_add(db, TOWN, "home", r[0], NULL, "hash-home-batch", T0, &dev) == DB_OK);
    /* Everyone looked at before the deadline: due again at 10:00. */
    REQUIRE(escalate_run(db, day + 9 * 3600, 120, "t", &raised) == 0);
    for (int i = 0; i < BATCH_N; i++) {
        alive[i] = i % 3 == 0;
        pre[i] = i % 5 == 1;
        if (alive[i])
            REQUIRE(checkins_add(db, TOWN, r[i], dev, "genki", day + 9 * 3600 + i, &id) == DB_OK);
        if (pre[i]) {
            char sql[160];
            snprintf(sql, sizeof sql,
                     "INSERT INTO alerts(resident_id, kind, level, day, raised_unix)"
                     " VALUES(%lld, 'missed', 'family', '2027-01-22', 0)",
                     (long long)r[i]);
            exec(sql);
        }
    }
    REQUIRE(db_get_int64(db, "SELECT COUNT(*) + 0 * ? FROM alerts", 0, &alerts0) == DB_ROW);
    REQUIRE(db_get_int64(db, "SELECT COUNT(*) + 0 * ? FROM audit", 0, &records0) == DB_ROW);
    /* A step at 12:00 that does not commit (the process dies): nothing of it stays. */
    REQUIRE(db_savepoint(db, "crash") == DB_OK);
    REQUIRE(escalate_step(db, day + 12 * 3600, 120, "t", ESCALATE_STEP_MAX, &raised, &more) == 0);
    CHECK(raised > 0 && more);
    db_rollback_to(db, "crash");
    CHECK_INT_EQ(count("SELECT COUNT(*) + 0 * ? FROM alerts", 0), alerts0);
    CHECK_INT_EQ(count("SELECT COUNT(*) + 0 * ? FROM audit", 0), records0);
    /* The pass at 12:00 (10:00 + 120 min): both levels for everyone without a sign of life,
     * the family alerts raised before left as they are. */
    REQUIRE(escalate_run(db, day + 12 * 3600, 120, "t", &raised) == 0);
    CHECK_INT_EQ(count("SELECT COUNT(*) + 0 * ? FROM alerts", 0) - alerts0, raised);
    CHECK_INT_EQ(count("SELECT COUNT(*) + 0 * ? FROM audit", 0) - records0, raised);
    check_batch(r, alive, pre, "2027-01-22", 1);
    /* Again: nothing new. */
    REQUIRE(escalate_run(db, day + 12 * 3600 + 60, 120, "t", &raised) == 0);
    CHECK_INT_EQ(raised, 0);
    CHECK_INT_EQ(count("SELECT COUNT(*) + 0 * ? FROM audit", 0) - records0,
                 count("SELECT COUNT(*) + 0 * ? FROM alerts", 0) - alerts0);
    /* The next day in hubd's small steps: no one shows a sign of life, so everyone gets
     * both levels once, and a second record each. */
    REQUIRE(db_get_int64(db, "SELECT COUNT(*) + 0 * ? FROM alerts", 0, &alerts0) == DB_ROW);
    REQUIRE(db_get_int64(db, "SELECT COUNT(*) + 0 * ? FROM audit", 0, &records0) == DB_ROW);
    do {
        REQUIRE(escalate_step(db, day + 86400 + 12 * 3600, 120, "t", ESCALATE_TICK_STEP, &raised,
                              &more) == 0);
        CHECK(raised <= 2 * ESCALATE_TICK_STEP);
        total += raised;
    } while (more && ++steps < 1000);
    CHECK(steps >= BATCH_N / ESCALATE_TICK_STEP);
    CHECK_INT_EQ(count("SELECT COUNT(*) + 0 * ? FROM alerts", 0) - alerts0, total);
    CHECK_INT_EQ(count("SELECT COUNT(*) + 0 * ? FROM audit", 0) - records0, total);
    int bad = 0;
    for (int i = 0; i < BATCH_N; i++)
        bad += missed_on(r[i], "family", "2027-01-23") != 1 ||
               missed_on(r[i], "city", "2027-01-23") != 1 ||
               audited(r[i], "family") != 2 - (pre[i] && !alive[i]) - alive[i] ||
               audited(r[i], "city") != 2 - alive[i];
    CHECK_INT_EQ(bad, 0);
    CHECK_INT_EQ(db_commit(db), DB_OK);
}

static int count_town(void *ctx, const struct towns_row *t)
{
    (void)t;
    ++*(int *)ctx;
    return 0;
}

/* Several municipalities: a second town's resident is invisible and untouchable from the
 * first town's scope, whatever id is asked for; a family member serves them only through a
 * link recorded in their town; a card of the second town is "elsewhere" at the first. */
static void t_towns(void)
{
    int64_t chiyoda = 0, id = 0, n = 0, only = 0, elsewhere = 0, holder = 0;
    int changed = 0, yes = -1, seen = 0;
    char name[64];
    struct towns_row row;
    REQUIRE(db_begin(db) == DB_OK);
    CHECK_INT_EQ(towns_count(db, &n, &only), DB_OK);
    CHECK_INT_EQ(n, 1);
    CHECK_INT_EQ(only, 1);
    struct towns_new t = {.code = "131016",
                          .name = "千代田区",
                          .service_hours = "8:30〜17:15",
                          .contact = "区役所 03-3264-2111"};
    CHECK_INT_EQ(towns_add(db, &t, T0, &chiyoda), DB_OK);
    CHECK_REFUSED(towns_add(db, &t, T0, &id)); /* the code is taken */
    CHECK_INT_EQ(towns_count(db, &n, &only), DB_OK);
    CHECK_INT_EQ(n, 2);
    CHECK_INT_EQ(only, 0);
    CHECK_INT_EQ(towns_find(db, "131016", &id), DB_ROW);
    CHECK_INT_EQ(id, chiyoda);
    CHECK_INT_EQ(towns_find(db, "011002", &id), DB_DONE);
    CHECK_INT_EQ(towns_find(db, "abc", &id), DB_DONE);
    const struct scope *other = scope_of(chiyoda);
    REQUIRE(other && other == scope_of(chiyoda) && other != TOWN);
    CHECK_INT_EQ(towns_get(db, other, &row), DB_ROW);
    CHECK_STR_EQ(row.name, "千代田区");
    CHECK_STR_EQ(row.service_hours, "8:30〜17:15");
    CHECK_INT_EQ(towns_list(db, count_town, &seen), DB_OK);
    CHECK_INT_EQ(seen, 2);
    struct towns_new rename = {.name = "本町"};
    CHECK_INT_EQ(towns_set(db, TOWN, &rename, &changed), DB_OK);
    CHECK_INT_EQ(changed, 1);
    CHECK_INT_EQ(towns_get(db, TOWN, &row), DB_ROW);
    CHECK_STR_EQ(row.name, "本町");
    CHECK_STR_EQ(row.code, "");

    struct residents_new c = {
        .display_name = "千代田 一郎", .district = "麹町", .deadline_min = 600, .cert_fp = "c4c4"};
    int64_t res_c = 0, dev = 0, fam_c = 0;
    CHECK_INT_EQ(residents_add(db, other, &c, T0, &res_c), DB_OK);
    /* From the first town the other's resident does not exist, whatever the id. */
    CHECK_INT_EQ(residents_name(db, TOWN, res_c, name, sizeof name), DB_DONE);
    CHECK_INT_EQ(residents_district(db, TOWN, res_c, name, sizeof name), DB_DONE);
    CHECK_INT_EQ(residents_address(db, TOWN, res_c, name, sizeof name), DB_DONE);
    CHECK_INT_EQ(residents_set_unwell_alert(db, TOWN, res_c, 0, &changed), DB_OK);
    CHECK_INT_EQ(changed, 0);
    CHECK_INT_EQ(residents_set_cert(db, TOWN, res_c, "dd", &changed), DB_OK);
    CHECK_INT_EQ(changed, 0);
    CHECK_INT_EQ(residents_in_town(db, TOWN, res_c, &yes), DB_OK);
    CHECK_INT_EQ(yes, 0);
    CHECK_INT_EQ(residents_in_town(db, other, res_c, &yes), DB_OK);
    CHECK_INT_EQ(yes, 1);
    CHECK_INT_EQ(residents_name(db, other, res_c, name, sizeof name), DB_ROW);
    CHECK_INT_EQ(residents_name(db, other, res_a, name, sizeof name), DB_DONE);
    CHECK_INT_EQ(residents_name(db, NULL, res_a, name, sizeof name), DB_ERR);
    CHECK_REFUSED(devices_add(db, TOWN, "home", res_c, NULL, "hash-home-x", T0, &dev));
    CHECK_INT_EQ(devices_add(db, other, "home", res_c, NULL, "hash-home-c2", T0, &dev), DB_OK);
    /* The first town's family member reaches the other's resident only through a link
     * recorded in the other town. */
    CHECK_REFUSED(family_link(db, TOWN, fam, res_c, NULL));
    CHECK_INT_EQ(family_link(db, other, fam, res_c, "長女"), DB_OK);
    char got[256] = "";
    CHECK_INT_EQ(family_residents(db, TOWN, fam, add_family, got), DB_OK);
    CHECK(strstr(got, "千代田 一郎") != NULL);
    got[0] = '\0';
    CHECK_INT_EQ(family_of_resident(db, TOWN, res_c, add_family, got), DB_OK);
    CHECK_STR_EQ(got, "");
    CHECK_INT_EQ(family_of_resident(db, other, res_c, add_family, got), DB_OK);
    CHECK(strstr(got, "長女") != NULL);
    CHECK_INT_EQ(actors_add(db, other, ACTORS_FAMILY, "千代田 花", "hash-fam-c", T0, &fam_c),
                 DB_OK);
    got[0] = '\0';
    CHECK_INT_EQ(family_residents(db, TOWN, fam_c, add_family, got), DB_OK); /* not ours */
    CHECK_STR_EQ(got, "");
    /* A card of the other town is not a card holder here, and says where it belongs. */
    CHECK_INT_EQ(sessions_card_holder(db, TOWN, "c4c4", &holder, name, sizeof name, &elsewhere),
                 DB_DONE);
    CHECK_INT_EQ(holder, 0);
    CHECK_INT_EQ(elsewhere, chiyoda);
    CHECK_INT_EQ(sessions_card_holder(db, other, "c4c4", &holder, name, sizeof name, &elsewhere),
                 DB_ROW);
    CHECK_INT_EQ(holder, res_c);
    CHECK_INT_EQ(elsewhere, 0);
    int64_t ses = 0;
    struct sessions_row sr;
    CHECK_INT_EQ(sessions_add(db, other, "hash-ses-c", dev, res_c, T0, &ses), DB_OK);
    CHECK_INT_EQ(sessions_find(db, TOWN, "hash-ses-c", &sr), DB_DONE);
    CHECK_INT_EQ(sessions_find(db, other, "hash-ses-c", &sr), DB_ROW);
    CHECK_INT_EQ(sr.town, chiyoda);
    REQUIRE(db_commit(db) == DB_OK);
}

/* A check-in's resident and device are both of its scope's town: a check-in pairing either
 * with one of another town is refused, alone (checkins_add) or in a batch among good ones
 * (checkins_add_many, one statement on PostgreSQL), and is not stored; a batch of good
 * check-ins of two towns stores each with its own resident and device. */
static void t_checkins_towns(void)
{
    struct towns_new t = {.code = "011002", .name = "札幌市", .service_hours = "", .contact = ""};
    struct residents_new r = {.display_name = "札幌 一郎", .district = "中央", .deadline_min = 600};
    int64_t town = 0, res = 0, dev = 0, id = 0;
    REQUIRE(db_begin(db) == DB_OK);
    REQUIRE(towns_add(db, &t, T0, &town) == DB_OK);
    const struct scope *far = scope_of(town);
    REQUIRE(far && residents_add(db, far, &r, T0, &res) == DB_OK);
    REQUIRE(devices_add(db, far, "home", res, NULL, "hash-home-far", T0, &dev) == DB_OK);
    const struct {
        const struct scope *sc;
        int64_t resident, device;
    } bad[] = {{TOWN, res_a, dev},   {TOWN, res, dev_home}, {TOWN, res, dev},
               {far, res, dev_home}, {far, res_a, dev},     {far, res_a, dev_home}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t at = T0 + 1000 + (int64_t)i;
        CHECK_REFUSED(
            checkins_add(db, bad[i].sc, bad[i].resident, bad[i].device, "genki", at, &id));
        CHECK_INT_EQ(count("SELECT COUNT(*) FROM checkins WHERE at_unix = ?", at), 0);
        struct checkins_new c[3] = {{TOWN, res_a, dev_home, "genki", T0 + 900, 0},
                                    {bad[i].sc, bad[i].resident, bad[i].device, "genki", at, 0},
                                    {far, res, dev, "genkinai", T0 + 901, 0}};
        REQUIRE(db_savepoint(db, "batch") == DB_OK);
        CHECK_INT_EQ(checkins_add_many(db, c, 3), DB_ERR_CONSTRAINT);
        CHECK_INT_EQ(count("SELECT COUNT(*) FROM checkins WHERE at_unix = ?", at), 0);
        db_rollback_to(db, "batch");
    }
    struct checkins_new c[2] = {{far, res, dev, "genkinai", T0 + 902, 0},
                                {TOWN, res_a, dev_home, "genki", T0 + 903, 0}};
    CHECK_INT_EQ(checkins_add_many(db, c, 2), DB_OK);
    CHECK(c[0].id > 0 && c[1].id > 0 && c[0].id != c[1].id);
    CHECK_INT_EQ(count("SELECT resident_id * 1000 + device_id FROM checkins WHERE id = ?", c[0].id),
                 res * 1000 + dev);
    CHECK_INT_EQ(count("SELECT resident_id * 1000 + device_id FROM checkins WHERE id = ?", c[1].id),
                 res_a * 1000 + dev_home);
    CHECK_INT_EQ(db_commit(db), DB_OK);
}

int main(int argc, char **argv)
{
    if (storetarget_init(&ST, argc, argv, "hub.db") != 0 || !(db = storetarget_open_hub(&ST)))
        return 1;
    TEST_RUN(t_residents);
    TEST_RUN(t_devices);
    TEST_RUN(t_actors_and_family);
    TEST_RUN(t_legalbases);
    TEST_RUN(t_alerts);
    TEST_RUN(t_activity);
    TEST_RUN(t_checkins);
    TEST_RUN(t_consents);
    TEST_RUN(t_accesslog);
    TEST_RUN(t_accesslog_kinds);
    TEST_RUN(t_escalate);
    TEST_RUN(t_escalate_due);
    TEST_RUN(t_escalate_batch);
    TEST_RUN(t_towns);
    TEST_RUN(t_checkins_towns);
    db_close(db);
    storetarget_cleanup(&ST);
    return test_summary();
}
