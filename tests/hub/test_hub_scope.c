/*
 * test_hub_scope.c: every scoped store function, called with town B's scope on town A's
 * ids, finds nothing and changes nothing of town A; called with town A's scope, the same
 * call finds or changes what it should (so each row would fail if the store did not
 * restrict by town). Against a real database migrated by the hub: a new SQLite file by
 * default, PostgreSQL with a target argument (tests/pg runs it through pgrun).
 *
 * The table is checked against the store headers: every function of the scoped stores that
 * takes a database handle has a row here or is named in the hub-wide list with its reason,
 * so a new store function without a row fails this test.
 */
#include "accesslog.h"
#include "activity.h"
#include "actors.h"
#include "alerts.h"
#include "audit.h"
#include "challenges.h"
#include "checkins.h"
#include "ckshow.h"
#include "ckstore.h"
#include "consents.h"
#include "db.h"
#include "deliveries.h"
#include "devices.h"
#include "escalate.h"
#include "family.h"
#include "famreqs.h"
#include "hubdb.h"
#include "idempotency.h"
#include "legalbases.h"
#include "jmaxml.h"
#include "notifyq.h"
#include "notifyrcpt.h"
#include "notices.h"
#include "operators.h"
#include "ordstore.h"
#include "residents.h"
#include "safety.h"
#include "scope.h"
#include "storetarget.h"
#include "test.h"
#include "towns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0   1764979200LL /* 2025-12-06 09:00 in Japan */
#define CODE "1310100"    /* a JMA area both towns follow */

static struct storetarget ST;
static struct db *db;
static const struct scope *A, *B;

/* Town A's records (and town B's resident, for the probes that need one of B). */
static int64_t r_a, d_a, kiosk_a, fam, op, src, alert_a, checkup_a, order_a, freq_a, deliv_a,
    notice_a, check_a, r_b;

static void exec(const char *sql)
{
    enum db_status s = db_exec(db, sql);
    if (s != DB_OK)
        fprintf(stderr, "exec %s: %s\n", sql, db_errmsg(db));
    REQUIRE(s == DB_OK);
}

static int64_t count(const char *sql, int64_t arg)
{
    int64_t n = -1;
    return db_get_int64(db, sql, arg, &n) == DB_ROW ? n : -1;
}

/* ---- counting callbacks -------------------------------------------------------------- */

static int n_rows;

/* A callback of a walk that only counts its rows. */
#define COUNTER(name, type)                                                                        \
    static int name(void *ctx, type r)                                                             \
    {                                                                                              \
        (void)ctx, (void)r;                                                                        \
        return ++n_rows, 0;                                                                        \
    }
COUNTER(c_checkin, const struct checkins_row *)
COUNTER(c_consent, const struct consents_row *)
COUNTER(c_choice, const struct consents_choice *)
COUNTER(c_record, const struct accesslog_row *)
COUNTER(c_line, const struct accesslog_line *)
COUNTER(c_alert, const struct alerts_row *)
COUNTER(c_head, const struct ckstore_head *)
COUNTER(c_result, const struct checkup_result *)
COUNTER(c_point, const struct ckstore_point *)
COUNTER(c_notice, const struct notices_row *)
static int c_year(void *ctx, long year, int64_t source)
{
    (void)ctx, (void)year, (void)source;
    return ++n_rows, 0;
}
COUNTER(c_district, const char *)
COUNTER(c_area, const struct notices_jma_area *)
COUNTER(c_check, const struct safety_check *)
COUNTER(c_person, const struct safety_person *)
static int c_pair(void *ctx, const struct safety_check *c, const struct safety_person *p)
{
    (void)ctx, (void)c, (void)p;
    return ++n_rows, 0;
}

/* Runs a walk and answers how many rows it saw (-1 when it failed). */
#define WALK(call) (n_rows = 0, (call) == DB_OK ? n_rows : -1)

/* ---- the probes: what each call sees or changes ---------------------------------------- */

/* Town A's state as text: what any call could have changed of town A. */
static void fingerprint(char *out, size_t cap)
{
    static const char *const q[] = {
        "SELECT COUNT(*) FROM checkins WHERE resident_id = ?",
        "SELECT COUNT(*) FROM activity WHERE resident_id = ?",
        "SELECT COUNT(*) + 10 * COUNT(used_unix) FROM challenges WHERE device_id IN"
        " (SELECT id FROM devices WHERE resident_id = ?)",
        "SELECT COUNT(*) + 10 * COUNT(revoked_unix) FROM consents WHERE resident_id = ?",
        "SELECT COUNT(*) + 10 * COUNT(ack_by) FROM alerts WHERE resident_id = ?",
        "SELECT COUNT(*) FROM ord_orders WHERE resident_id = ? AND status = 'created'",
        "SELECT COUNT(*) + 10 * COUNT(answer) FROM ord_famreq WHERE resident_id = ?",
        "SELECT COUNT(*) + 10 * COUNT(acked_unix) + SUM(offered) + SUM(LENGTH(body))"
        " FROM ord_deliveries WHERE municipality_id = (SELECT municipality_id FROM residents"
        " WHERE id = ?)",
        "SELECT COUNT(*) + 10 * COUNT(ends_unix) FROM notices WHERE municipality_id ="
        " (SELECT municipality_id FROM residents WHERE id = ?)",
        "SELECT COUNT(*) + SUM(LENGTH(name)) + SUM(LENGTH(districts)) FROM jma_areas"
        " WHERE municipality_id = (SELECT municipality_id FROM residents WHERE id = ?)",
        "SELECT COUNT(district) FROM devices WHERE municipality_id ="
        " (SELECT municipality_id FROM residents WHERE id = ?)",
        "SELECT COUNT(*) FROM safety_targets WHERE resident_id = ?",
        "SELECT COUNT(*) FROM safety_answers WHERE resident_id = ?",
        "SELECT COUNT(closed_unix) FROM safety_checks WHERE municipality_id ="
        " (SELECT municipality_id FROM residents WHERE id = ?)",
        "SELECT COUNT(*) + 10 * SUM(status) + SUM(attempt) FROM idempotency_keys"
        " WHERE municipality_id = (SELECT municipality_id FROM residents WHERE id = ?)",
        "SELECT COUNT(*) + 100 * SUM(CASE WHEN lang = 'en' THEN 1 ELSE 0 END)"
        " FROM notify_recipients WHERE actor_kind = 'family' AND actor_id IN"
        " (SELECT family_id FROM family_links WHERE resident_id = ?)",
        "SELECT COUNT(*) + 10 * SUM(CASE WHEN mode = 'off' THEN 1 ELSE 0 END) FROM notify_prefs"
        " WHERE recipient_id IN (SELECT n.id FROM notify_recipients n JOIN family_links l ON"
        " l.family_id = n.actor_id WHERE l.resident_id = ?)",
    };
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
        len += (size_t)snprintf(out + len, cap - len, "%lld/", (long long)count(q[i], r_a));
}

static int p_checkins_add(const struct scope *sc)
{
    int64_t id = 0;
    return checkins_add(db, sc, r_a, d_a, "genki", T0 + 60, &id) == DB_OK;
}
static int p_checkins_add_many(const struct scope *sc)
{
    struct checkins_new c[2] = {{sc, r_a, d_a, "genki", T0 + 61, 0},
                                {sc, r_a, d_a, "genkinai", T0 + 62, 0}};
    return checkins_add_many(db, c, 2) == DB_OK && c[0].id > 0 && c[1].id > c[0].id ? 2 : 0;
}
static int p_checkins_newest(const struct scope *sc)
{
    return WALK(checkins_newest(db, sc, r_a, 10, c_checkin, NULL));
}
static int p_checkins_list(const struct scope *sc)
{
    int one = WALK(checkins_list(db, sc, r_a, 10, c_checkin, NULL));
    return one + WALK(checkins_list(db, sc, 0, 10, c_checkin, NULL));
}
static int p_activity_add(const struct scope *sc)
{
    int64_t id = 0;
    return activity_add(db, sc, r_a, d_a, "touch", T0 + 60, &id) == DB_OK;
}
static int p_activity_latest(const struct scope *sc)
{
    struct activity_row a;
    return activity_latest(db, sc, d_a, &a) == DB_ROW;
}
static int p_challenges_add(const struct scope *sc)
{
    int64_t id = 0;
    return challenges_add(db, sc, d_a, "bb02", T0 + 60, &id) == DB_OK;
}
static int p_challenges_use(const struct scope *sc)
{
    enum challenges_use use = CHALLENGES_UNKNOWN;
    return challenges_use(db, sc, "aa01", d_a, T0, &use) == DB_OK && use == CHALLENGES_OK;
}
/* The consent of the setup: family member family may receive resident's safety data. */
static struct consents_key family_safety(int64_t resident, int64_t family)
{
    return (struct consents_key){.resident = resident,
                                 .recipient_kind = "family",
                                 .recipient_id = family,
                                 .data_kind = "safety",
                                 .purpose = "watch_over"};
}
static int p_consents_grant(const struct scope *sc)
{
    struct consents_key k = family_safety(r_a, fam);
    k.data_kind = "checkups";
    int64_t id = 0;
    int created = 0;
    return consents_grant(db, sc, &k, T0 + 60, "test", &id, &created) == DB_OK && created;
}
static int p_consents_in_force(const struct scope *sc)
{
    struct consents_key k = family_safety(r_a, fam);
    int64_t id = 0;
    return consents_in_force(db, sc, &k, &id) == DB_ROW && id > 0;
}
static int p_devices_add(const struct scope *sc)
{
    int64_t id = 0;
    return devices_add(db, sc, "home", r_a, NULL, "h-home-a2", T0 + 60, &id) == DB_OK && id > 0;
}
static int p_consents_revoke(const struct scope *sc)
{
    struct consents_key k = family_safety(r_a, fam);
    int64_t n = 0;
    return consents_revoke(db, sc, &k, T0 + 60, &n) == DB_OK ? (int)n : -1;
}
static int p_consents_list(const struct scope *sc)
{
    int one = WALK(consents_list(db, sc, r_a, 0, c_consent, NULL));
    return one + WALK(consents_list(db, sc, 0, 0, c_consent, NULL));
}
static int p_consents_choices(const struct scope *sc)
{
    return WALK(consents_choices(db, sc, r_a, c_choice, NULL));
}
static int p_accesslog_records(const struct scope *sc)
{
    int one = WALK(accesslog_records(db, sc, r_a, INT64_MAX, 10, c_record, NULL));
    return one + WALK(accesslog_records(db, sc, 0, INT64_MAX, 10, c_record, NULL));
}
static int p_accesslog_summary(const struct scope *sc)
{
    return WALK(accesslog_summary(db, sc, r_a, 10, 0, c_line, NULL));
}
static int p_alerts_of_resident(const struct scope *sc)
{
    return WALK(alerts_of_resident(db, sc, r_a, NULL, 10, c_alert, NULL));
}
static int p_alerts_help_presses(const struct scope *sc)
{
    return WALK(alerts_help_presses(db, sc, r_a, 5, c_alert, NULL));
}
static int p_alerts_open_city(const struct scope *sc)
{
    return WALK(alerts_open_city(db, sc, 10, c_alert, NULL));
}
static int p_alerts_list(const struct scope *sc)
{
    return WALK(alerts_list(db, sc, 0, 10, c_alert, NULL));
}
static int p_alerts_get(const struct scope *sc)
{
    return WALK(alerts_get(db, sc, alert_a, c_alert, NULL));
}
static int p_alerts_ack(const struct scope *sc)
{
    int changed = 0;
    return alerts_ack(db, sc, alert_a, "staff:1", T0 + 60, &changed) == DB_OK ? changed : -1;
}
static int p_ckstore_heads(const struct scope *sc)
{
    return WALK(ckstore_heads(db, sc, r_a, 0, 0, c_head, NULL));
}
static int p_ckstore_head(const struct scope *sc)
{
    n_rows = 0;
    return ckstore_head(db, sc, checkup_a, r_a, c_head, NULL) == DB_ROW ? n_rows : 0;
}
static int p_ckstore_years(const struct scope *sc)
{
    return WALK(ckstore_years(db, sc, r_a, c_year, NULL));
}
static int p_ckstore_results(const struct scope *sc)
{
    return WALK(ckstore_results(db, sc, checkup_a, c_result, NULL));
}
static int p_ckstore_trend_unit(const struct scope *sc)
{
    char unit[32] = "";
    return ckstore_trend_unit(db, sc, r_a, "3D046", unit, sizeof unit) == DB_ROW;
}
static int p_ckstore_trend(const struct scope *sc)
{
    return WALK(ckstore_trend(db, sc, r_a, "3D046", "%", c_point, NULL));
}
static int p_ckshow_print(const struct scope *sc)
{
    FILE *f = tmpfile();
    int n = f ? ckshow_print(db, sc, r_a, f) : -1;
    if (f)
        fclose(f);
    return n;
}
static struct orders_order an_order(void)
{
    struct orders_order o = {.resident_id = r_a, .operator_id = op, .n_items = 1, .total_yen = 200};
    snprintf(o.district, sizeof o.district, "north");
    snprintf(o.slot, sizeof o.slot, "2025-12-07T15:00/17:00");
    snprintf(o.payment, sizeof o.payment, "cash_on_delivery");
    snprintf(o.items[0].id, sizeof o.items[0].id, "cabbage");
    snprintf(o.items[0].name, sizeof o.items[0].name, "キャベツ");
    o.items[0].qty = 1;
    o.items[0].unit_price_yen = 200;
    return o;
}
static int p_ordstore_insert(const struct scope *sc)
{
    struct orders_order o = an_order();
    return ordstore_insert(db, sc, &o, T0 + 60) == ORDERS_OK;
}
static int p_ordstore_place(const struct scope *sc)
{
    struct orders_order o = an_order();
    return ordstore_place(db, sc, &o, 0, NULL, T0 + 60, NULL) == ORDERS_OK;
}
static int p_ordstore_get(const struct scope *sc)
{
    struct orders_order o;
    return ordstore_get(db, sc, order_a, &o) == ORDERS_OK;
}
static int p_ordstore_set_status(const struct scope *sc)
{
    struct ostatus_update u = {.to = OSTATUS_ACCEPTED};
    char err[256];
    int changed = 0;
    return ordstore_set_status(db, sc, order_a, op, &u, T0 + 60, &changed, err, sizeof err) ==
                   ORDERS_OK
               ? changed
               : 0;
}
static int p_ordstore_list_resident_json(const struct scope *sc)
{
    char *json = NULL;
    int n = ordstore_list_resident_json(db, sc, r_a, 10, &json) == ORDERS_OK && json &&
            strstr(json, "cabbage") != NULL;
    free(json);
    return n;
}
static int p_ordstore_rebody_without_address(const struct scope *sc)
{
    int changed = 0;
    return ordstore_rebody_without_address(db, sc, r_a, op, &changed) == ORDERS_OK ? changed : -1;
}
static int p_famreqs_insert(const struct scope *sc)
{
    long long id = 0;
    return famreqs_insert(db, sc, r_a, fam, FAMREQ_SHOPPING_HELP, T0 + 60, &id) == ORDERS_OK;
}
static int p_famreqs_get(const struct scope *sc)
{
    struct famreq q;
    return famreqs_get(db, sc, freq_a, &q) == ORDERS_OK;
}
static int p_famreqs_set_answer(const struct scope *sc)
{
    int changed = 0;
    return famreqs_set_answer(db, sc, freq_a, fam, FAMREQ_UNDERSTOOD, T0 + 60, &changed) ==
                   ORDERS_OK
               ? changed
               : 0;
}
static int p_famreqs_list_resident(const struct scope *sc)
{
    struct famreqs_row rows[4];
    size_t n = 0;
    return famreqs_list_resident(db, sc, r_a, 4, rows, &n) == ORDERS_OK ? (int)n : -1;
}
static char fam_rcpt[32], op_rcpt[32];
/* A delivery about town A's family request and one about its order: queued in any town
 * they count (another town's scope must not queue them under its own town either). */
static int p_deliveries_enqueue(const struct scope *sc)
{
    int64_t before = count("SELECT COUNT(*) + 0 * ? FROM ord_deliveries", 0);
    long long id = 0;
    enum orders_rc rc =
        deliveries_enqueue(db, sc, fam_rcpt, "family.request", freq_a, "{}", 2, T0 + 60, &id, NULL);
    if (rc == ORDERS_OK)
        rc = deliveries_enqueue(db, sc, op_rcpt, "order.created", order_a, "{}", 2, T0 + 60, &id,
                                NULL);
    if (rc != ORDERS_OK && rc != ORDERS_NOT_FOUND)
        return -1;
    return (int)(count("SELECT COUNT(*) + 0 * ? FROM ord_deliveries", 0) - before);
}
static int p_deliveries_pull(const struct scope *sc)
{
    struct oqueue_item *items = NULL;
    size_t n = 0;
    if (deliveries_pull(db, sc, op_rcpt, T0 + 60, 30, 10, &items, &n) != ORDERS_OK)
        return -1;
    oqueue_items_free(items, n);
    return (int)n;
}
static int p_deliveries_ack(const struct scope *sc)
{
    return deliveries_ack(db, sc, op_rcpt, deliv_a, T0 + 60) == ORDERS_OK;
}
static int p_deliveries_rebody(const struct scope *sc)
{
    int changed = 0;
    return deliveries_rebody(db, sc, op_rcpt, order_a, "{}", 2, &changed) == ORDERS_OK ? changed
                                                                                       : -1;
}
static int p_deliveries_pending_orders(const struct scope *sc)
{
    struct deliveries_subject out[DELIVERIES_PAGE];
    size_t n = 0;
    return deliveries_pending_orders(db, sc, op_rcpt, r_a, 0, out, &n) == ORDERS_OK ? (int)n : -1;
}
static int p_deliveries_count_pending(const struct scope *sc)
{
    long long n = 0;
    return deliveries_count_pending(db, sc, NULL, &n) == ORDERS_OK ? (int)n : -1;
}
static int p_notices_add(const struct scope *sc)
{
    struct notices_new n = {.kind = "info", .title_ja = "お知らせ", .starts = T0, .by = "test"};
    int64_t before = count("SELECT COUNT(*) FROM notices WHERE municipality_id = ?", 1), id = 0;
    if (notices_add(db, sc, &n, T0, &id) != DB_OK)
        return -1;
    return (int)(count("SELECT COUNT(*) FROM notices WHERE municipality_id = ?", 1) - before);
}
static int p_notices_end(const struct scope *sc)
{
    int found = 0, jma = 0, changed = 0;
    return notices_end(db, sc, notice_a, T0 + 60, "test", &found, &jma, &changed) == DB_OK
               ? found + changed
               : -1;
}
static int p_notices_in_force(const struct scope *sc)
{
    int one = WALK(notices_in_force(db, sc, T0 + 60, NULL, c_notice, NULL));
    return one + WALK(notices_in_force(db, sc, T0 + 60, "north", c_notice, NULL));
}
static int p_notices_all(const struct scope *sc)
{
    return WALK(notices_all(db, sc, 0, 10, c_notice, NULL));
}
static int p_notices_get(const struct scope *sc)
{
    n_rows = 0;
    return notices_get(db, sc, notice_a, c_notice, NULL) == DB_ROW ? n_rows : 0;
}
static int p_notices_districts(const struct scope *sc)
{
    return WALK(notices_districts(db, sc, notice_a, c_district, NULL));
}
static int p_notices_device_district(const struct scope *sc)
{
    char d[64] = "";
    return notices_device_district(db, sc, kiosk_a, d, sizeof d) == DB_OK ? (int)strlen(d) : -1;
}
static int p_notices_jma_area_set(const struct scope *sc)
{
    const char *d[] = {"south"};
    if (notices_jma_area_set(db, sc, CODE, "changed", d, 1, T0) != DB_OK)
        return -1;
    return (int)count("SELECT COUNT(*) FROM jma_areas WHERE municipality_id = ?"
                      " AND name = 'changed'",
                      1);
}
static int p_notices_jma_areas(const struct scope *sc)
{
    return WALK(notices_jma_areas(db, sc, c_area, NULL));
}
static int p_notices_set_device_district(const struct scope *sc)
{
    int changed = 0;
    return notices_set_device_district(db, sc, kiosk_a, "south", &changed) == DB_OK ? changed : -1;
}
static int p_safety_start(const struct scope *sc)
{
    struct safety_new n = {
        .title_ja = "安否確認", .area_ja = "全域", .answer_within_min = 60, .by = "staff:1"};
    int64_t id = 0, asked = 0;
    int64_t before = count("SELECT COUNT(*) FROM safety_targets WHERE resident_id = ?", r_a);
    if (safety_start(db, sc, &n, T0 + 60, &id, &asked) != DB_OK)
        return -1;
    return (int)(count("SELECT COUNT(*) FROM safety_targets WHERE resident_id = ?", r_a) - before);
}
static int p_safety_get(const struct scope *sc)
{
    n_rows = 0;
    enum db_status s = safety_get(db, sc, check_a, c_check, NULL);
    return s == DB_ROW || s == DB_DONE ? n_rows : -1;
}
static int p_safety_list(const struct scope *sc)
{
    return WALK(safety_list(db, sc, 10, c_check, NULL));
}
static int p_safety_close(const struct scope *sc)
{
    int found = 0, changed = 0;
    return safety_close(db, sc, check_a, T0 + 60, &found, &changed) == DB_OK ? found + changed : -1;
}
static int p_safety_people(const struct scope *sc)
{
    return WALK(safety_people(db, sc, check_a, c_person, NULL));
}
static int p_safety_open_for(const struct scope *sc)
{
    return WALK(safety_open_for(db, sc, r_a, c_pair, NULL));
}
static int p_safety_for_family(const struct scope *sc)
{
    return WALK(safety_for_family(db, sc, fam, 0, c_pair, NULL));
}
static int p_safety_answer(const struct scope *sc)
{
    int asked = 0;
    int64_t id = 0;
    return safety_answer(db, sc, check_a, r_a, d_a, "safe", T0 + 60, T0 + 60, &asked, &id) == DB_OK
               ? asked
               : -1;
}
static int p_safety_started(const struct scope *sc)
{
    int64_t started = 0;
    return safety_started(db, sc, check_a, &started) == DB_ROW;
}
static int p_safety_raise(const struct scope *sc)
{
    int n = 0;
    return safety_raise(db, sc, r_a, check_a, "safety_help", T0 + 60, "test", "rq", &n) == DB_OK
               ? n
               : -1;
}

static int p_escalate_help(const struct scope *sc)
{
    long long ids[2] = {0, 0};
    return escalate_help(db, sc, r_a, T0 + 60, "device:1", "rq-help", ids) == 0 && ids[0] > 0;
}
static int p_escalate_unwell(const struct scope *sc)
{
    long long id = 0;
    return escalate_unwell(db, sc, r_a, 999, T0 + 60, "device:1", "rq-unwell", &id) == 0 && id > 0;
}

#define HASH "a591a6d40bf420404a011733cfb7b190d62c65bf0bcda32b57b277d9ad9f146e"
static char dev_principal[32];
static struct idempotency_claim open_claim; /* town A's key "k-open", claimed, not answered */

static int p_idempotency_claim(const struct scope *sc)
{
    enum idempotency_result res = IDEMPOTENCY_PROCEED;
    struct idempotency_claim c;
    int status = 0;
    char *answer = NULL;
    enum db_status s = idempotency_claim(db, sc, dev_principal, "k-done", HASH, T0 + 1, &res, &c,
                                         &status, &answer);
    free(answer);
    return s == DB_OK && res == IDEMPOTENCY_REPLAY;
}
static int p_idempotency_claim_many(const struct scope *sc)
{
    struct idempotency_ask a[2] = {
        {.sc = sc, .principal = dev_principal, .key = "k-done", .body_hash = HASH, .now = T0 + 1},
        {.sc = sc, .principal = dev_principal, .key = "k-done", .body_hash = HASH, .now = T0 + 1}};
    int replays = 0;
    if (idempotency_claim_many(db, a, 2) == DB_OK)
        for (int i = 0; i < 2; i++)
            replays += a[i].res == IDEMPOTENCY_REPLAY;
    for (int i = 0; i < 2; i++)
        free(a[i].answer);
    return replays;
}
static int p_idempotency_finish_many(const struct scope *sc)
{
    struct idempotency_done d = {
        .sc = sc, .claim = &open_claim, .status = 201, .answer = "{}", .now = T0 + 1};
    return idempotency_finish_many(db, &d, 1) == DB_OK && !d.lost;
}
static int p_idempotency_finish(const struct scope *sc)
{
    int lost = 1;
    return idempotency_finish(db, sc, &open_claim, 201, "{}", T0 + 1, &lost) == DB_OK && !lost;
}
static int p_idempotency_abandon(const struct scope *sc)
{
    int64_t before = count("SELECT COUNT(*) FROM idempotency_keys WHERE municipality_id = ?", 1);
    if (idempotency_abandon(db, sc, &open_claim) != DB_OK)
        return -1;
    return (int)(before -
                 count("SELECT COUNT(*) FROM idempotency_keys WHERE municipality_id = ?", 1));
}

static int64_t rcpt_a; /* the notification recipient of town A's family member */

COUNTER(c_note, const struct notifyq_row *)
COUNTER(c_rcpt, const struct notifyrcpt_row *)

static int p_notifyrcpt_set(const struct scope *sc)
{
    struct notifyrcpt_change ch = NOTIFYRCPT_CHANGE_NONE;
    char err[128];
    int64_t id = 0;
    ch.lang = "en";
    if (notifyrcpt_set(db, sc, "family", fam, &ch, T0 + 60, &id, err, sizeof err) != DB_OK)
        return 0;
    return (int)count("SELECT COUNT(*) FROM notify_recipients WHERE id = ? AND lang = 'en'",
                      rcpt_a);
}
static int p_notifyrcpt_set_mode(const struct scope *sc)
{
    enum db_status s = notifyrcpt_set_mode(db, sc, rcpt_a, "help", "off");
    return s == DB_OK ? (int)count("SELECT COUNT(*) FROM notify_prefs WHERE recipient_id = ?"
                                   " AND mode = 'off'",
                                   rcpt_a)
                      : 0;
}
static int p_notifyrcpt_list(const struct scope *sc)
{
    return WALK(notifyrcpt_list(db, sc, c_rcpt, NULL));
}
static int p_notifyq_list(const struct scope *sc)
{
    return WALK(notifyq_list(db, sc, 0, 10, c_note, NULL));
}
static int p_notifyq_of_group(const struct scope *sc)
{
    return WALK(notifyq_of_group(db, sc, r_a, "help:1", c_note, NULL));
}

/* One scoped store function and its probe: how much of town A it sees or changes. */
static const struct {
    const char *name;
    int (*probe)(const struct scope *sc);
} ROWS[] = {
    {"checkins_add", p_checkins_add},
    {"checkins_add_many", p_checkins_add_many},
    {"checkins_newest", p_checkins_newest},
    {"checkins_list", p_checkins_list},
    {"activity_add", p_activity_add},
    {"activity_latest", p_activity_latest},
    {"challenges_add", p_challenges_add},
    {"challenges_use", p_challenges_use},
    {"consents_grant", p_consents_grant},
    {"consents_in_force", p_consents_in_force},
    {"consents_revoke", p_consents_revoke},
    {"devices_add", p_devices_add},
    {"consents_list", p_consents_list},
    {"consents_choices", p_consents_choices},
    {"accesslog_records", p_accesslog_records},
    {"accesslog_summary", p_accesslog_summary},
    {"alerts_of_resident", p_alerts_of_resident},
    {"alerts_help_presses", p_alerts_help_presses},
    {"alerts_open_city", p_alerts_open_city},
    {"alerts_list", p_alerts_list},
    {"alerts_get", p_alerts_get},
    {"alerts_ack", p_alerts_ack},
    {"ckstore_heads", p_ckstore_heads},
    {"ckstore_head", p_ckstore_head},
    {"ckstore_years", p_ckstore_years},
    {"ckstore_results", p_ckstore_results},
    {"ckstore_trend_unit", p_ckstore_trend_unit},
    {"ckstore_trend", p_ckstore_trend},
    {"ckshow_print", p_ckshow_print},
    {"ordstore_insert", p_ordstore_insert},
    {"ordstore_place", p_ordstore_place},
    {"ordstore_get", p_ordstore_get},
    {"ordstore_set_status", p_ordstore_set_status},
    {"ordstore_list_resident_json", p_ordstore_list_resident_json},
    {"ordstore_rebody_without_address", p_ordstore_rebody_without_address},
    {"famreqs_insert", p_famreqs_insert},
    {"famreqs_get", p_famreqs_get},
    {"famreqs_set_answer", p_famreqs_set_answer},
    {"famreqs_list_resident", p_famreqs_list_resident},
    {"deliveries_enqueue", p_deliveries_enqueue},
    {"deliveries_pull", p_deliveries_pull},
    {"deliveries_ack", p_deliveries_ack},
    {"deliveries_rebody", p_deliveries_rebody},
    {"deliveries_pending_orders", p_deliveries_pending_orders},
    {"deliveries_count_pending", p_deliveries_count_pending},
    {"notices_add", p_notices_add},
    {"notices_end", p_notices_end},
    {"notices_in_force", p_notices_in_force},
    {"notices_all", p_notices_all},
    {"notices_get", p_notices_get},
    {"notices_districts", p_notices_districts},
    {"notices_device_district", p_notices_device_district},
    {"notices_jma_area_set", p_notices_jma_area_set},
    {"notices_jma_areas", p_notices_jma_areas},
    {"notices_set_device_district", p_notices_set_device_district},
    {"safety_start", p_safety_start},
    {"safety_get", p_safety_get},
    {"safety_list", p_safety_list},
    {"safety_close", p_safety_close},
    {"safety_people", p_safety_people},
    {"safety_open_for", p_safety_open_for},
    {"safety_for_family", p_safety_for_family},
    {"safety_answer", p_safety_answer},
    {"safety_started", p_safety_started},
    {"safety_raise", p_safety_raise},
    {"escalate_help", p_escalate_help},
    {"escalate_unwell", p_escalate_unwell},
    {"idempotency_claim", p_idempotency_claim},
    {"idempotency_finish", p_idempotency_finish},
    {"idempotency_claim_many", p_idempotency_claim_many},
    {"idempotency_finish_many", p_idempotency_finish_many},
    {"idempotency_abandon", p_idempotency_abandon},
    {"notifyrcpt_set", p_notifyrcpt_set},
    {"notifyrcpt_set_mode", p_notifyrcpt_set_mode},
    {"notifyrcpt_list", p_notifyrcpt_list},
    {"notifyq_list", p_notifyq_list},
    {"notifyq_of_group", p_notifyq_of_group},
};

/* The functions of these stores that take no scope, and why. */
static const struct {
    const char *name, *why;
} HUB_WIDE[] = {
    {"ckstore_add", "scoped: a source's checkups matched to residents of its own town only"},
    {"ckstore_read_result", "reads a column of a statement the caller ran"},
    {"deliveries_push_due", "the push worker, for every town: sends to the recipient's own URL"},
    {"deliveries_push_done", "the push worker, by the id it claimed"},
    {"deliveries_push_failed", "the push worker, by the id it claimed"},
    {"deliveries_next_push", "the push worker's next wake-up time"},
    {"notices_audit", "an audit record (no town data)"},
    {"notices_jma_seen", "the JMA telegram log (no town data)"},
    {"notices_jma_refused", "the JMA telegram log (no town data)"},
    {"notices_jma_apply", "one telegram, applied for every town following its areas"},
    {"safety_escalate", "the due pass, for every town"},
    {"escalate_step", "the missed check-in pass, for every town (due residents in order)"},
    {"escalate_run", "the missed check-in pass, for every town (steps until none is due)"},
    {"escalate_raise", "the passes for every town, and the scoped raises after their own check"},
    {"idempotency_release_dead", "housekeeping at a hubd's start, for every town"},
    {"idempotency_prune", "housekeeping, for every town"},
    {"notifyq_incidents", "the notifier, for every town"},
    {"notifyq_add", "the notifier plans a message for a recipient the gate allowed"},
    {"notifyq_cancel_acked", "the notifier, for every town"},
    {"notifyq_claim", "the notifier's claim of due messages, for every town"},
    {"notifyq_sent", "the notifier, by the id it claimed"},
    {"notifyq_failed", "the notifier, by the id it claimed"},
    {"notifyq_cancel", "the notifier, by the id it claimed"},
    {"notifyq_release", "the notifier, by the id it claimed"},
    {"challenges_purge", "retention: expired challenges of every town go alike"},
    {"idempotency_purge", "retention: old keys of every town go alike"},
    {"notifyq_next_due", "the notifier's next wake-up time"},
    {"notifyq_by_code", "the acknowledgement code is its own credential"},
    {"notifyrcpt_get", "keyed by the caller's own principal or a claimed message's recipient"},
    {"notifyrcpt_mode", "keyed by a recipient the caller read as its own or claimed"},
    {"notifyrcpt_chain", "the notifier's escalation order of a resident, for every town"},
    {"reach_link_town", "the gate: a family member's link decides the town it acts in"},
    {"reach_contracted", "the gate: an operator's contract decides the towns it is sent data of"},
    {"reach_link_towns", "the gate: the towns a family member may act in (gate_towns)"},
    {"reach_contract_towns", "the gate: the towns an operator may act in (gate_towns)"},
    {"devices_by_token", "a bearer token names its device's town (auth_bearer makes the scope)"},
    {"devices_by_tokens", "the same for a check-in batch's tokens (auth_devices_many)"},
    {"actors_by_token", "a bearer token names its holder's town (auth_bearer makes the scope)"},
    {"actors_add", "scoped: enrols in the scope's own town, finds nothing of another"},
    {"actors_name", "a display name for an id a scoped row or audit record already named"},
    {"actors_is_recipient", "a consent's recipient, after the caller checked the resident's town"},
    {"legalbases_add", "legal bases are law: the same for every town"},
    {"legalbases_list", "legal bases are law: the same for every town"},
    {"legalbases_find", "the gate: the law letting staff of any town receive a kind of data"},
    {"auditrecs_add_chained", "an audit record: routed to its town's log (auditlog_route)"},
    {"auditrecs_add_unchained", "an audit record: routed to its town's log by the statement"},
    {"auditrecs_add_unchained_many", "a batch's audit records, each routed to its town's log"},
    {"auditrecs_head", "a log's chain head: one chain per log, each town's log its own"},
    {"auditrecs_unchained", "the sequencer: a log's records awaiting chaining"},
    {"auditrecs_chain", "the sequencer: chains a log's records and moves its head"},
    {"auditrecs_unchained_logs", "the sequencer: the logs with records awaiting chaining"},
    {"auditrecs_unchained_count", "verification: how many records of a log await chaining"},
    {"auditrecs_range", "a log's records by place: the transparency log's leaves"},
    {"auditrecs_chained", "verification walks a log's whole chain"},
    {"auditrecs_checkpoints", "verification: the hub log's signed checkpoints of older hubs"},
    {"auditrecs_hash_at", "verification: the record a checkpoint of an older hub covers"},
};

/* The headers whose every database function must be in ROWS or HUB_WIDE. */
static const char *const HEADERS[] = {
    "checkins.h", "activity.h",    "challenges.h", "consents.h",   "accesslog.h",  "alerts.h",
    "ckstore.h",  "ckshow.h",      "ordstore.h",   "famreqs.h",    "deliveries.h", "notices.h",
    "safety.h",   "idempotency.h", "notifyq.h",    "notifyrcpt.h", "escalate.h",   "reach.h",
    "devices.h",  "actors.h",      "legalbases.h", "auditrecs.h"};

static int listed(const char *name)
{
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++)
        if (strcmp(ROWS[i].name, name) == 0)
            return 1;
    for (size_t i = 0; i < sizeof HUB_WIDE / sizeof HUB_WIDE[0]; i++)
        if (strcmp(HUB_WIDE[i].name, name) == 0)
            return 1;
    return 0;
}

/* Every "name(struct db *db" declared in the headers is listed. */
static void t_every_function_has_a_row(void)
{
    int seen = 0;
    for (size_t h = 0; h < sizeof HEADERS / sizeof HEADERS[0]; h++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", STORE_DIR, HEADERS[h]);
        FILE *f = fopen(path, "r");
        REQUIRE(f);
        static char text[65536];
        size_t len = fread(text, 1, sizeof text - 1, f);
        fclose(f);
        text[len] = '\0';
        for (char *p = strstr(text, "(struct db *db"); p; p = strstr(p + 1, "(struct db *db")) {
            char *end = p, *start = p;
            while (start > text && (start[-1] == '_' || (start[-1] >= 'a' && start[-1] <= 'z') ||
                                    (start[-1] >= '0' && start[-1] <= '9')))
                start--;
            char name[96];
            snprintf(name, sizeof name, "%.*s", (int)(end - start), start);
            seen++;
            if (!listed(name))
                fprintf(stderr, "%s: %s has no row in test_hub_scope.c\n", HEADERS[h], name);
            CHECK(listed(name));
        }
    }
    CHECK(seen >= (int)(sizeof ROWS / sizeof ROWS[0]));
}

/* Each row: with B's scope nothing of A is seen or changed; with A's it is. Each row in
 * a transaction of its own, rolled back, so the rows do not depend on each other. */
static void t_other_town_finds_nothing(void)
{
    char before[512], after[512];
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        REQUIRE(db_begin(db) == DB_OK);
        fingerprint(before, sizeof before);
        int other = ROWS[i].probe(B);
        fingerprint(after, sizeof after);
        int own = ROWS[i].probe(A);
        int null_scope = ROWS[i].probe(NULL);
        if (other != 0 || strcmp(before, after) != 0 || own <= 0 || null_scope > 0)
            fprintf(stderr, "%s: other town %d (%s -> %s), own town %d, no scope %d\n",
                    ROWS[i].name, other, before, after, own, null_scope);
        CHECK_INT_EQ(other, 0);
        CHECK_STR_EQ(after, before);
        CHECK(own > 0);
        CHECK(null_scope <= 0);
        db_rollback(db);
    }
}

/* Town A's records, through the stores as the hub makes them. */
static void setup(void)
{
    int64_t town_b = 0, id = 0;
    long long lid = 0;
    int created = 0;
    REQUIRE(db_begin(db) == DB_OK);
    struct towns_new t = {.code = "131016", .name = "千代田区"};
    REQUIRE(towns_add(db, &t, T0, &town_b) == DB_OK);
    A = scope_of(1);
    B = scope_of(town_b);
    REQUIRE(A && B && A != B);
    struct residents_new ra = {.display_name = "山田 花子",
                               .district = "north",
                               .deadline_min = 600,
                               .member_key = "00012345:あ:1:00",
                               .address = "北町1"};
    struct residents_new rb = {.display_name = "千代田 一郎", .district = "north"};
    REQUIRE(residents_add(db, A, &ra, T0, &r_a) == DB_OK);
    REQUIRE(residents_add(db, B, &rb, T0, &r_b) == DB_OK);
    REQUIRE(devices_add(db, A, "home", r_a, "居間", "h-home-a", T0, &d_a) == DB_OK);
    REQUIRE(devices_add(db, A, "public", 0, NULL, "h-kiosk-a", T0, &kiosk_a) == DB_OK);
    REQUIRE(devices_add(db, B, "home", r_b, NULL, "h-home-b", T0, &id) == DB_OK);
    REQUIRE(actors_add(db, A, ACTORS_FAMILY, "山田 太郎", "h-fam", T0, &fam) == DB_OK);
    REQUIRE(actors_add(db, A, ACTORS_SOURCE, "健診センター", "h-src", T0, &src) == DB_OK);
    REQUIRE(family_link(db, A, fam, r_a, "長男") == DB_OK);
    REQUIRE(operators_add(db, A, "北町商店", "north", "h-op", T0, &op) == DB_OK);
    snprintf(fam_rcpt, sizeof fam_rcpt, "family:%lld", (long long)fam);
    snprintf(op_rcpt, sizeof op_rcpt, "operator:%lld", (long long)op);
    /* the signs of life, a card challenge, a consent and the alerts */
    REQUIRE(checkins_add(db, A, r_a, d_a, "genki", T0, &id) == DB_OK);
    REQUIRE(activity_add(db, A, r_a, d_a, "touch", T0, &id) == DB_OK);
    REQUIRE(challenges_add(db, A, d_a, "aa01", T0 + 60, &id) == DB_OK);
    struct consents_key k = family_safety(r_a, fam);
    REQUIRE(consents_grant(db, A, &k, T0, "test", &id, &created) == DB_OK);
    struct consents_key addr = {.resident = r_a,
                                .recipient_kind = "operator",
                                .recipient_id = op,
                                .data_kind = "address",
                                .purpose = "delivery"};
    REQUIRE(consents_grant(db, A, &addr, T0, "test", &id, &created) == DB_OK);
    REQUIRE(db_get_int64(db,
                         "INSERT INTO alerts(resident_id, kind, level, day, raised_unix)"
                         " VALUES(?, 'help', 'city', 'help:1', 1764979200) RETURNING id",
                         r_a, &alert_a) == DB_ROW);
    struct audit_rec a = {.at = T0,
                          .actor = "family:1",
                          .action = "checkins.read",
                          .outcome = "ok",
                          .subject = r_a,
                          .data_kinds = "safety",
                          .purpose = "watch_over",
                          .basis = "consent:1",
                          .source = "hub",
                          .destination = "family:1",
                          .request_id = "rq"};
    REQUIRE(audit_append_db(db, &a, NULL) == DB_OK);
    /* a checkup with one result (HbA1c) */
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO checkups(resident_id, source_id, content_hash, format, bundle_id, date,"
             " org_system, org_id, org_name, sex, imported_unix) VALUES(%lld, %lld, 'h1', 'fhir',"
             " 'b1', '2025-06-01', 's', 'o', '健診センター', 'female', 0)",
             (long long)r_a, (long long)src);
    exec(sql);
    checkup_a = count("SELECT MAX(id) + 0 * ? FROM checkups", 0);
    snprintf(sql, sizeof sql,
             "INSERT INTO checkup_results(checkup_id, code, identity, kind, value, text, unit,"
             " sender_flag) VALUES(%lld, '3D046000001906202', '3D046', 0, 5.4, '', '%%', '')",
             (long long)checkup_a);
    exec(sql);
    /* an order (with its delivery to the operator), a family request (with its delivery) */
    struct orders_order o = an_order();
    REQUIRE(ordstore_place(db, A, &o, 0, NULL, T0, NULL) == ORDERS_OK);
    order_a = o.id;
    deliv_a = count("SELECT MAX(id) + 0 * ? FROM ord_deliveries", 0);
    REQUIRE(famreqs_insert(db, A, r_a, fam, FAMREQ_SHOPPING_HELP, T0, &lid) == ORDERS_OK);
    freq_a = lid;
    REQUIRE(deliveries_enqueue(db, A, fam_rcpt, "family.request", freq_a, "{}", 2, T0, NULL,
                               NULL) == ORDERS_OK);
    /* a town notice for a district, the JMA area and a kiosk's district */
    const char *north[] = {"north"};
    struct notices_new n = {.kind = "evacuation_order",
                            .title_ja = "避難指示",
                            .area_ja = "北町",
                            .what_ja = "川が増水",
                            .todo_ja = "避難所へ",
                            .districts = north,
                            .n_districts = 1,
                            .starts = T0,
                            .by = "test"};
    REQUIRE(notices_add(db, A, &n, T0, &notice_a) == DB_OK);
    REQUIRE(notices_jma_area_set(db, A, CODE, "千代田区", north, 1, T0) == DB_OK);
    int changed = 0;
    REQUIRE(notices_set_device_district(db, A, kiosk_a, "north", &changed) == DB_OK && changed);
    /* a safety check asking the town's residents */
    struct safety_new sn = {
        .title_ja = "安否確認", .area_ja = "全域", .answer_within_min = 60, .by = "staff:1"};
    REQUIRE(safety_start(db, A, &sn, T0, &check_a, &id) == DB_OK && id == 1);
    /* Idempotency-Keys of the home device: one answered, one claimed */
    enum idempotency_result res = IDEMPOTENCY_IN_FLIGHT;
    struct idempotency_claim done;
    int status = 0, lost = 0;
    char *answer = NULL;
    snprintf(dev_principal, sizeof dev_principal, "device:%lld", (long long)d_a);
    REQUIRE(idempotency_claim(db, A, dev_principal, "k-done", HASH, T0, &res, &done, &status,
                              &answer) == DB_OK &&
            res == IDEMPOTENCY_PROCEED);
    REQUIRE(idempotency_finish(db, A, &done, 201, "{}", T0, &lost) == DB_OK && !lost);
    REQUIRE(idempotency_claim(db, A, dev_principal, "k-open", HASH, T0, &res, &open_claim, &status,
                              &answer) == DB_OK &&
            res == IDEMPOTENCY_PROCEED);
    /* the family member's notification settings and one planned message about the alert */
    struct notifyrcpt_change ch = NOTIFYRCPT_CHANGE_NONE;
    ch.mail = "taro@example.jp";
    char msg[128];
    REQUIRE(notifyrcpt_set(db, A, "family", fam, &ch, T0, &rcpt_a, msg, sizeof msg) == DB_OK);
    REQUIRE(notifyq_add(db, alert_a, rcpt_a, "mail", r_a, 0, T0, T0, &created) == DB_OK && created);
    REQUIRE(db_commit(db) == DB_OK);
}

/* Titles of the notices in force for a town and district, as "title;". */
static int add_title(void *ctx, const struct notices_row *n)
{
    char *out = ctx;
    size_t len = strlen(out);
    snprintf(out + len, 512 - len, "%s;", n->title_ja);
    return 0;
}

static int no_audit(void *ctx, const char *action, int64_t id)
{
    (void)action, (void)id;
    ++*(int *)ctx;
    return 0;
}

/* Two towns follow one JMA area: one telegram gives each its own warning (in its own
 * districts); town A's own 避難指示 is shown to none of town B's devices; ending A's
 * warning is A's business only. */
static void t_notices_per_town(void)
{
    char a_north[512] = "", a_none[512] = "", b_any[512] = "", b_south[512] = "";
    int64_t kiosk_b = 0, areas_b = 0;
    int changed = 0, areas = 0, n_changes = 0;
    REQUIRE(db_begin(db) == DB_OK);
    const char *south[] = {"south"};
    /* town B follows the same area for its district "south", with a kiosk there */
    CHECK_INT_EQ(notices_jma_area_set(db, B, CODE, "千代田区", south, 1, T0), DB_OK);
    CHECK_INT_EQ(devices_add(db, B, "public", 0, NULL, "h-kiosk-b", T0, &kiosk_b), DB_OK);
    CHECK_INT_EQ(notices_set_device_district(db, B, kiosk_b, "north", &changed), DB_OK);
    CHECK_INT_EQ(changed, 1);
    struct jma_telegram *t = calloc(1, sizeof *t);
    REQUIRE(t);
    t->info_type = JMA_ISSUE;
    t->report_unix = T0 + 100;
    snprintf(t->office, sizeof t->office, "気象庁");
    t->n_areas = 1;
    snprintf(t->areas[0].code, sizeof t->areas[0].code, CODE);
    snprintf(t->areas[0].name, sizeof t->areas[0].name, "千代田区");
    t->areas[0].n_kinds = 1;
    snprintf(t->areas[0].kinds[0].code, sizeof t->areas[0].kinds[0].code, "03");
    snprintf(t->areas[0].kinds[0].name, sizeof t->areas[0].kinds[0].name, "大雨警報");
    snprintf(t->areas[0].kinds[0].status, sizeof t->areas[0].kinds[0].status, "発表");
    t->areas[0].kinds[0].in_force = 1;
    CHECK_INT_EQ(notices_jma_apply(db, t, "test:1", T0 + 100, no_audit, &n_changes, &areas), DB_OK);
    free(t);
    CHECK_INT_EQ(areas, 2);     /* one area, two towns */
    CHECK_INT_EQ(n_changes, 2); /* one warning each */
    /* A's kiosk (north): A's 避難指示 and A's warning; B's kiosk (north in B): nothing of A,
     * B's warning only where B follows the area (south). */
    CHECK_INT_EQ(notices_in_force(db, A, T0 + 200, "north", add_title, a_north), DB_OK);
    CHECK_STR_EQ(a_north, "避難指示;大雨警報;");
    CHECK_INT_EQ(notices_in_force(db, A, T0 + 200, "", add_title, a_none), DB_OK);
    CHECK_STR_EQ(a_none, "");
    CHECK_INT_EQ(notices_in_force(db, B, T0 + 200, "north", add_title, b_any), DB_OK);
    CHECK_STR_EQ(b_any, "");
    CHECK_INT_EQ(notices_in_force(db, B, T0 + 200, "south", add_title, b_south), DB_OK);
    CHECK_STR_EQ(b_south, "大雨警報;");
    areas_b = count("SELECT COUNT(*) FROM notices WHERE municipality_id = ?"
                    " AND source = 'jma'",
                    scope_town(B));
    CHECK_INT_EQ(areas_b, 1);
    /* the warning lifted: each town's notice ends */
    t = calloc(1, sizeof *t);
    REQUIRE(t);
    t->info_type = JMA_ISSUE;
    t->report_unix = T0 + 300;
    t->n_areas = 1;
    snprintf(t->areas[0].code, sizeof t->areas[0].code, CODE);
    t->areas[0].n_kinds = 1;
    snprintf(t->areas[0].kinds[0].code, sizeof t->areas[0].kinds[0].code, "00");
    CHECK_INT_EQ(notices_jma_apply(db, t, "test:2", T0 + 300, no_audit, &n_changes, &areas), DB_OK);
    free(t);
    b_south[0] = a_north[0] = '\0';
    CHECK_INT_EQ(notices_in_force(db, B, T0 + 400, "south", add_title, b_south), DB_OK);
    CHECK_STR_EQ(b_south, "");
    CHECK_INT_EQ(notices_in_force(db, A, T0 + 400, "north", add_title, a_north), DB_OK);
    CHECK_STR_EQ(a_north, "避難指示;");
    db_rollback(db);
}

int main(int argc, char **argv)
{
    if (storetarget_init(&ST, argc, argv, "hub.db") != 0 || !(db = storetarget_open_hub(&ST)))
        return 2;
    /* The pseudonym keys an order makes are sealed under a key file (secrets.h); on
     * PostgreSQL the database is elsewhere, so the file gets a folder of its own. */
    if (storetarget_secrets(&ST, db) != 0)
        return 2;
    TEST_RUN(t_every_function_has_a_row);
    TEST_RUN(setup);
    TEST_RUN(t_other_town_finds_nothing);
    TEST_RUN(t_notices_per_town);
    db_close(db);
    storetarget_cleanup(&ST);
    return test_summary();
}
