/*
 * test_hub_towns.c: three municipalities on one hub, against the real hubd. 横須賀市
 * (the migrated hub's town 1, named with municipality-set), 平塚市 and 千代田区 each have a
 * resident (same district name, "Kita", in all three), a home tablet, a public kiosk, a
 * family member, staff, a source organisation and an operator with a catalogue. Town A's
 * resident has check-ins, alerts, a checkup, an order, a family request and a safety check.
 *
 * The matrix: every endpoint that names one of town A's records x every role of the two
 * other towns (home tablet, public kiosk, kiosk with its own resident's card session,
 * family, staff, source, operator) is refused (401/403, or 404 where an id of someone
 * else's record must not be confirmed), carries none of A's resident's data, and writes no
 * audit record: zero releases across towns. The other towns' own listings answer, with
 * nothing of A. A card of town B at a kiosk of town A is refused in words. A family member
 * of town B serves A's resident once a link is recorded in town A, and not before.
 */
#include "hubtest.h"
#include "test.h"
#include "towncode.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_TOWNS 3

static struct hubtest T;
static char ca[96];

struct town {
    const char *code, *name, *resident_name, *address;
    long long resident, family, operator_id, source;
    char home[128], kiosk[128], fam[128], staff[128], src[128], op[128], session[128];
};
static struct town towns[N_TOWNS] = {
    {.code = "142018", .name = "横須賀市", .resident_name = "Hanako", .address = "Kita 1-2-3"},
    {.code = "142034", .name = "平塚市", .resident_name = "Ichiro", .address = "Kita 4-5-6"},
    {.code = "131016", .name = "千代田区", .resident_name = "Jiro", .address = "Kita 7-8-9"},
};
static long long alert_a, checkup_a, order_a, delivery_a, famreq_a, check_a;

static const char ORDER[] = "{\"items\":[{\"id\":\"cabbage\",\"qty\":2}],"
                            "\"slot\":\"2099-11-24T15:00/17:00\","
                            "\"payment_method\":\"cash_on_delivery\"}";

/* A checkup of insured number `insured` (CSV, the source's own format). */
static void checkup_csv(char *out, size_t cap, int insured)
{
    snprintf(out, cap,
             "insurer_number,insured_symbol,insured_number,insured_branch,sex,source_org_id,"
             "source_org_name,date,item_code,value,unit\n"
             "00012345,,%d,,female,1310000001,City,2024-06-12,9A751000000000001,147,mm[Hg]\n",
             insured);
}

static long long ctl_id(const char *key, const char *args)
{
    char v[64] = "";
    return ht_ctl(&T, key, v, sizeof v, args) == 0 ? atoll(v) : -1;
}

static int enrol(int i)
{
    struct town *t = &towns[i];
    char args[768];
    int ok = 1;
    if (i == 0)
        snprintf(args, sizeof args,
                 "municipality-set --municipality 1 --code %s --name %s --hours '8:30〜17:15' "
                 "--contact '福祉課 046-822-4000'",
                 t->code, t->name);
    else
        snprintf(args, sizeof args,
                 "municipality-add --code %s --name %s --hours '9:00〜17:00' --contact '%s 窓口'",
                 t->code, t->name, t->name);
    ok = ok && ht_ctl(&T, NULL, NULL, 0, args) == 0;
    snprintf(args, sizeof args,
             "resident-add --municipality %s --name %s --district Kita --deadline 10:00 --cert "
             "%s/resident-%d.pem --insurer 00012345 --insured %d --address '%s'",
             t->code, t->resident_name, ca, i + 1, 1871 + i, t->address);
    ok = ok && (t->resident = ctl_id("resident_id", args)) > 0;
    snprintf(args, sizeof args, "device-add --municipality %s --kind home --resident %lld", t->code,
             t->resident);
    ok = ok && ht_ctl(&T, "token", t->home, sizeof t->home, args) == 0;
    snprintf(args, sizeof args, "device-add --municipality %s --kind public", t->code);
    ok = ok && ht_ctl(&T, "token", t->kiosk, sizeof t->kiosk, args) == 0;
    snprintf(args, sizeof args, "family-add --municipality %s --name Fam%d --resident %lld",
             t->code, i, t->resident);
    ok = ok && ht_ctl(&T, "token", t->fam, sizeof t->fam, args) == 0;
    t->family = ht_sql_int(&T, "SELECT MAX(id) FROM family");
    snprintf(args, sizeof args, "staff-add --municipality %s --name Staff%d", t->code, i);
    ok = ok && ht_ctl(&T, "token", t->staff, sizeof t->staff, args) == 0;
    snprintf(args, sizeof args, "source-add --municipality %s --name Clinic%d", t->code, i);
    ok = ok && ht_ctl(&T, "token", t->src, sizeof t->src, args) == 0;
    t->source = ht_sql_int(&T, "SELECT MAX(id) FROM sources");
    snprintf(args, sizeof args, "operator-add --municipality %s --name Shop%d --district Kita",
             t->code, i);
    ok = ok && ht_ctl(&T, "token", t->op, sizeof t->op, args) == 0;
    t->operator_id = ht_sql_int(&T, "SELECT MAX(id) FROM operators");
    snprintf(args, sizeof args, "catalogue-import --municipality %s --operator %lld --file %s",
             t->code, t->operator_id, DEMO_CATALOGUE);
    ok = ok && ht_ctl(&T, NULL, NULL, 0, args) == 0;
    return ok ? 0 : -1;
}

/* Town A's resident's records, made through the API as in use. */
static int town_a_data(void)
{
    struct town *a = &towns[0];
    cJSON *j = NULL;
    char *text = NULL, body[512], csv[512];
    int ok = 1;
    ok = ok && ht_req(&T, "POST", "/v1/checkins", a->home, NULL, "a-1", "{\"answer\":\"genkinai\"}",
                      21, &text) == 201;
    free(text);
    ok = ok && ht_req(&T, "POST", "/v1/help", a->home, NULL, "a-2", "{}", 2, &text) == 201;
    free(text);
    alert_a = ht_sql_int(&T, "SELECT MAX(id) FROM alerts WHERE level = 'city'");
    snprintf(body, sizeof body,
             "{\"recipient\":{\"kind\":\"source\",\"id\":%lld},\"data_kind\":"
             "\"checkups:%lld\",\"purpose\":\"linkage\",\"granted\":true}",
             a->source, a->source);
    ok = ok && ht_json(&T, "POST", "/v1/session/consents", a->kiosk, a->session, body, &j) == 201;
    cJSON_Delete(j);
    checkup_csv(csv, sizeof csv, 1871);
    T.content_type = "text/csv";
    ok = ok &&
         ht_req(&T, "POST", "/v1/checkups", a->src, NULL, NULL, csv, strlen(csv), &text) == 201;
    T.content_type = NULL;
    free(text);
    checkup_a = ht_sql_int(&T, "SELECT MAX(id) FROM checkups");
    snprintf(body, sizeof body,
             "{\"recipient\":{\"kind\":\"operator\",\"id\":%lld},\"data_kind\":"
             "\"address\",\"purpose\":\"delivery\",\"granted\":true}",
             a->operator_id);
    ok = ok && ht_json(&T, "POST", "/v1/session/consents", a->kiosk, a->session, body, &j) == 201;
    cJSON_Delete(j);
    char path[96];
    snprintf(path, sizeof path, "/v1/operators/%lld/orders", a->operator_id);
    ok = ok && ht_req(&T, "POST", path, a->home, NULL, "a-3", ORDER, strlen(ORDER), &text) == 201;
    free(text);
    order_a = ht_sql_int(&T, "SELECT MAX(id) FROM ord_orders");
    delivery_a = ht_sql_int(&T, "SELECT MAX(id) FROM ord_deliveries");
    snprintf(body, sizeof body, "{\"family_id\":%lld,\"code\":\"come_over\"}", a->family);
    ok = ok && ht_req(&T, "POST", "/v1/family-requests", a->home, NULL, "a-4", body, strlen(body),
                      &text) == 201;
    free(text);
    famreq_a = ht_sql_int(&T, "SELECT MAX(id) FROM ord_famreq");
    const char *check = "{\"title_ja\":\"地震の あとの 安否確認\",\"whole_town\":true}";
    ok = ok && ht_json(&T, "POST", "/v1/safety-checks", a->staff, NULL, check, &j) == 201;
    check_a = ok ? (long long)cJSON_GetObjectItem(cJSON_GetObjectItem(j, "safety_check"), "id")
                       ->valuedouble
                 : 0;
    /* Town A's check asks town A's one resident, not the namesakes' "Kita" of the others. */
    cJSON *counts = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "safety_check"), "counts");
    ok = ok && counts && cJSON_GetObjectItem(counts, "asked")->valuedouble == 1;
    cJSON_Delete(j);
    return ok ? 0 : -1;
}

enum role { HOME, KIOSK, KIOSK_SESSION, FAMILY, STAFF, SOURCE, OPERATOR, N_ROLES };
static const char *const role_names[] = {"home tablet", "public kiosk", "kiosk + own card session",
                                         "family",      "staff",        "source organisation",
                                         "operator"};

static const char *token_of(const struct town *t, enum role r)
{
    switch (r) {
    case HOME:
        return t->home;
    case KIOSK:
    case KIOSK_SESSION:
        return t->kiosk;
    case FAMILY:
        return t->fam;
    case STAFF:
        return t->staff;
    case SOURCE:
        return t->src;
    case OPERATOR:
    case N_ROLES:
        break;
    }
    return t->op;
}

struct ep {
    const char *method;
    char path[96];
    const char *body;
    int allow404; /* an id of another town's record: 404 is the refusal */
    const char *idem;
};

static void t_matrix_across_towns(void)
{
    struct town *a = &towns[0];
    char fambody[64];
    snprintf(fambody, sizeof fambody, "{\"family_id\":%lld,\"code\":\"call_me\"}", a->family);
    struct ep eps[] = {
        {"GET", "", NULL, 0, NULL},                              /* 0 checkins */
        {"GET", "", NULL, 0, NULL},                              /* 1 alerts */
        {"POST", "", "{}", 1, NULL},                             /* 2 alert ack */
        {"GET", "", NULL, 1, NULL},                              /* 3 catalogue */
        {"POST", "", ORDER, 1, "x-order"},                       /* 4 order */
        {"POST", "", "{\"status\":\"accepted\"}", 1, NULL},      /* 5 order status */
        {"POST", "", "{}", 1, NULL},                             /* 6 delivery ack */
        {"POST", "/v1/family-requests", fambody, 0, "x-famreq"}, /* 7 */
        {"POST", "", "{\"answer\":\"understood\"}", 1, NULL},    /* 8 famreq answer */
        {"GET", "", NULL, 1, NULL},                              /* 9 checkup */
        {"GET", "", NULL, 1, NULL},                              /* 10 safety check */
        {"POST", "", "{}", 1, NULL},                             /* 11 close */
        {"POST", "", "{\"answer\":\"safe\"}", 1, "x-safe"},      /* 12 answer */
        {"POST", "", "{}", 1, NULL},                             /* 13 family ack */
    };
    snprintf(eps[0].path, sizeof eps[0].path, "/v1/residents/%lld/checkins", a->resident);
    snprintf(eps[1].path, sizeof eps[1].path, "/v1/residents/%lld/alerts", a->resident);
    snprintf(eps[2].path, sizeof eps[2].path, "/v1/alerts/%lld/ack", alert_a);
    snprintf(eps[3].path, sizeof eps[3].path, "/v1/operators/%lld/catalogue", a->operator_id);
    snprintf(eps[4].path, sizeof eps[4].path, "/v1/operators/%lld/orders", a->operator_id);
    snprintf(eps[5].path, sizeof eps[5].path, "/v1/operator/orders/%lld/status", order_a);
    snprintf(eps[6].path, sizeof eps[6].path, "/v1/operator/deliveries/%lld/ack", delivery_a);
    snprintf(eps[8].path, sizeof eps[8].path, "/v1/family/requests/%lld/answer", famreq_a);
    snprintf(eps[9].path, sizeof eps[9].path, "/v1/session/checkups/%lld", checkup_a);
    snprintf(eps[10].path, sizeof eps[10].path, "/v1/safety-checks/%lld", check_a);
    snprintf(eps[11].path, sizeof eps[11].path, "/v1/safety-checks/%lld/close", check_a);
    snprintf(eps[12].path, sizeof eps[12].path, "/v1/safety/%lld/answer", check_a);
    snprintf(eps[13].path, sizeof eps[13].path, "/v1/family/requests/%lld/ack", delivery_a + 1);
    static const char *const leaks[] = {"Hanako", "1-2-3", "147", NULL};
    long long orders = ht_sql_int(&T, "SELECT COUNT(*) FROM ord_orders");
    long long famreqs = ht_sql_int(&T, "SELECT COUNT(*) FROM ord_famreq");
    long long acked = ht_sql_int(&T, "SELECT COUNT(*) FROM alerts WHERE ack_by IS NOT NULL");
    long long audit = ht_audit_count(&T);
    int checked = 0;
    for (int b = 1; b < N_TOWNS; b++) {
        for (size_t e = 0; e < sizeof eps / sizeof eps[0]; e++) {
            for (int r = 0; r < N_ROLES; r++) {
                char who[96];
                snprintf(who, sizeof who, "%s of %s", role_names[r], towns[b].name);
                const char *ses = r == KIOSK_SESSION ? towns[b].session : NULL;
                if (e == 4 && (r == HOME || r == KIOSK_SESSION)) {
                    /* A resident placing an order with another town's operator is told
                     * there is no such operator (as for one that does not exist). */
                    char *text = NULL;
                    long long before = ht_audit_count(&T);
                    CHECK_INT_EQ(ht_req(&T, "POST", eps[e].path, token_of(&towns[b], r), ses,
                                        "x-order-2", ORDER, strlen(ORDER), &text),
                                 400);
                    CHECK(text && strstr(text, "no such operator") != NULL);
                    CHECK(text && !strstr(text, "Shop0"));
                    free(text);
                    CHECK_INT_EQ(ht_audit_count(&T), before);
                    checked++;
                    continue;
                }
                CHECK(ht_refused(&T, eps[e].method, eps[e].path, token_of(&towns[b], r), ses,
                                 eps[e].idem, eps[e].body, eps[e].allow404, leaks, who));
                checked++;
            }
        }
    }
    CHECK_INT_EQ(checked, (N_TOWNS - 1) * 14 * N_ROLES);
    /* Zero releases and nothing made or changed across towns. */
    CHECK_INT_EQ(ht_audit_count(&T), audit);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_orders"), orders);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_famreq"), famreqs);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM alerts WHERE ack_by IS NOT NULL"), acked);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT closed_unix IS NULL FROM safety_checks WHERE id = %lld",
             check_a);
    CHECK_INT_EQ(ht_sql_int(&T, sql), 1);
}

/* Looks for A's resident in the answer to a listing that the caller may read (200). */
static void own_listing_holds_nothing_of_a(const char *path, const char *token, const char *session,
                                           const char *who)
{
    char *text = NULL;
    long st = ht_req(&T, "GET", path, token, session, NULL, NULL, 0, &text);
    CHECK_INT_EQ(st, 200);
    if (text && (strstr(text, "Hanako") || strstr(text, "1-2-3"))) {
        fprintf(stderr, "%s GET %s holds town A's resident: %s\n", who, path, text);
        CHECK(0);
    }
    free(text);
}

static void t_own_listings_of_other_towns(void)
{
    for (int b = 1; b < N_TOWNS; b++) {
        struct town *t = &towns[b];
        own_listing_holds_nothing_of_a("/v1/alerts", t->staff, NULL, "staff");
        own_listing_holds_nothing_of_a("/v1/safety-checks", t->staff, NULL, "staff");
        own_listing_holds_nothing_of_a("/v1/me", t->fam, NULL, "family");
        own_listing_holds_nothing_of_a("/v1/family/safety", t->fam, NULL, "family");
        own_listing_holds_nothing_of_a("/v1/family/requests", t->fam, NULL, "family");
        own_listing_holds_nothing_of_a("/v1/operator/deliveries", t->op, NULL, "operator");
        own_listing_holds_nothing_of_a("/v1/safety", t->home, NULL, "home tablet");
        own_listing_holds_nothing_of_a("/v1/session/checkups", t->kiosk, t->session, "kiosk");
        /* The kiosk lists its own town's operator only. */
        cJSON *j = NULL;
        CHECK_INT_EQ(ht_json(&T, "GET", "/v1/operators", t->kiosk, NULL, NULL, &j), 200);
        cJSON *ops = cJSON_GetObjectItem(j, "operators");
        CHECK_INT_EQ(cJSON_GetArraySize(ops), 1);
        CHECK_INT_EQ((long long)cJSON_GetObjectItem(cJSON_GetArrayItem(ops, 0), "id")->valuedouble,
                     t->operator_id);
        cJSON_Delete(j);
        /* A's source of checkups cannot reach B's resident, nor B's reach A's. */
        char csv[512];
        checkup_csv(csv, sizeof csv, 1871);
        long long before = ht_sql_int(&T, "SELECT COUNT(*) FROM checkups");
        T.content_type = "text/csv";
        CHECK(ht_req(&T, "POST", "/v1/checkups", t->src, NULL, NULL, csv, strlen(csv), NULL) !=
              201);
        T.content_type = NULL;
        CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM checkups"), before);
    }
}

static void t_card_of_another_town(void)
{
    cJSON *j = NULL;
    char cpath[160], kpath[160], ch64[64];
    snprintf(cpath, sizeof cpath, "%s/resident-2.pem", ca);
    snprintf(kpath, sizeof kpath, "%s/resident-2.key", ca);
    REQUIRE(ht_json(&T, "POST", "/v1/auth/challenge", towns[0].kiosk, NULL, "{}", &j) == 201);
    snprintf(ch64, sizeof ch64, "%s", cJSON_GetObjectItem(j, "challenge")->valuestring);
    cJSON_Delete(j);
    long long before = ht_sql_int(&T, "SELECT COUNT(*) FROM sessions");
    CHECK_INT_EQ(ht_card_answer(&T, towns[0].kiosk, ch64, cpath, kpath, &j), 403);
    CHECK_STR_EQ(ht_error_code(j), "card_other_municipality");
    char *text = cJSON_PrintUnformatted(j);
    CHECK(strstr(text, "another municipality") != NULL);
    CHECK(strstr(text, "Ichiro") == NULL);
    free(text);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM sessions"), before);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'auth.card_login'"
                                " AND outcome = 'refused: card_other_municipality'"),
                 1);
}

static void t_family_across_towns_only_by_link(void)
{
    char path[96], args[256];
    cJSON *j = NULL;
    snprintf(path, sizeof path, "/v1/residents/%lld/checkins", towns[0].resident);
    static const char *const leaks[] = {"Hanako", NULL};
    CHECK(ht_refused(&T, "GET", path, towns[1].fam, NULL, NULL, NULL, 0, leaks, "unlinked"));
    /* The link is recorded in town A (with the consent of the paper form). */
    snprintf(args, sizeof args, "family-link --municipality %s --family %lld --resident %lld",
             towns[0].code, towns[1].family, towns[0].resident);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
    CHECK_INT_EQ(ht_json(&T, "GET", path, towns[1].fam, NULL, NULL, &j), 200);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/me", towns[1].fam, NULL, NULL, &j), 200);
    char *text = cJSON_PrintUnformatted(j);
    CHECK(strstr(text, "Hanako") != NULL && strstr(text, "Ichiro") != NULL);
    free(text);
    cJSON_Delete(j);
    /* Town C's family still cannot. */
    CHECK(ht_refused(&T, "GET", path, towns[2].fam, NULL, NULL, NULL, 0, leaks, "town C family"));
    /* A link cannot be recorded in a town the resident does not live in. */
    snprintf(args, sizeof args, "family-link --municipality %s --family %lld --resident %lld",
             towns[2].code, towns[2].family, towns[0].resident);
    CHECK(ht_ctl(&T, NULL, NULL, 0, args) != 0);
}

static void t_own_town_still_served(void)
{
    char path[96];
    cJSON *j = NULL;
    /* Each kiosk learns its own town, hours and contact from the hub. */
    for (int i = 0; i < N_TOWNS; i++) {
        CHECK_INT_EQ(ht_json(&T, "GET", "/v1/me", towns[i].kiosk, NULL, NULL, &j), 200);
        const cJSON *m = cJSON_GetObjectItem(j, "municipality");
        CHECK_STR_EQ(cJSON_GetObjectItem(m, "code")->valuestring, towns[i].code);
        CHECK_STR_EQ(cJSON_GetObjectItem(m, "name")->valuestring, towns[i].name);
        CHECK_STR_EQ(cJSON_GetObjectItem(m, "service_hours")->valuestring,
                     i == 0 ? "8:30〜17:15" : "9:00〜17:00");
        cJSON_Delete(j);
    }
    snprintf(path, sizeof path, "/v1/residents/%lld/checkins", towns[0].resident);
    CHECK_INT_EQ(ht_json(&T, "GET", path, towns[0].staff, NULL, NULL, &j), 200);
    cJSON_Delete(j);
    snprintf(path, sizeof path, "/v1/safety-checks/%lld", check_a);
    CHECK_INT_EQ(ht_json(&T, "GET", path, towns[0].staff, NULL, NULL, &j), 200);
    char *text = cJSON_PrintUnformatted(j);
    CHECK(strstr(text, "Hanako") != NULL);
    free(text);
    cJSON_Delete(j);
}

static void t_hubctl_needs_a_town(void)
{
    char out[256] = "";
    /* Three towns: a command about a town's data says which or is refused in words. */
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "staff-add --name Nobody"), 2);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "staff-add --municipality 999999 --name X"), 2);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "municipality-add --code 131017 --name Bad"), 2);
    CHECK_INT_EQ(ht_ctl(&T, "municipality_id", out, sizeof out,
                        "municipality-add --code 011002 --name 札幌市"),
                 0);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, "municipality-add --code 011002 --name again"), 1);
}

/* The whole file at path as an owned string (NULL when it cannot be read). */
static char *slurp(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    if (f && fseek(f, 0, SEEK_END) == 0 && (*len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)*len + 1)) != NULL) {
        if (fread(buf, 1, (size_t)*len, f) != (size_t)*len) {
            free(buf);
            buf = NULL;
        } else {
            buf[*len] = '\0';
        }
    }
    if (f)
        fclose(f);
    return buf;
}

static int spit(const char *path, const char *data, long len)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(data, 1, (size_t)len, f) == (size_t)len;
    if (f)
        ok = fclose(f) == 0 && ok;
    return ok ? 0 : -1;
}

/* The audit log of town i (its id). */
static long long log_of(int i)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT l.id FROM audit_logs l JOIN municipalities m ON m.id = l.municipality_id"
             " WHERE m.code = '%s'",
             towns[i].code);
    return ht_sql_int(&T, sql);
}

/* ht_sql_int() of a formatted statement. */
__attribute__((format(printf, 1, 2))) static long long sqlf(const char *fmt, ...)
{
    char sql[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    return ht_sql_int(&T, sql);
}

/* One audit log per town: every record about a resident is in the resident's town's log
 * (also the family member of town B reading town A's resident), a record of no resident in
 * the caller's town's, towns' additions in the hub log; each log is signed with a key of
 * its own, verifies alone, and the head endpoints answer the caller's own town's log. */
static void t_audit_logs_per_town(void)
{
    char args[512], out[128] = "";
    long long logs[N_TOWNS];
    for (int i = 0; i < N_TOWNS; i++) {
        logs[i] = log_of(i);
        CHECK(logs[i] > 1);
    }
    for (int i = 0; i < N_TOWNS; i++) {
        for (int j = 0; j < N_TOWNS; j++) {
            long long n = sqlf("SELECT COUNT(*) FROM audit WHERE log_id = %lld"
                               " AND subject_resident_id = %lld",
                               logs[j], towns[i].resident);
            if (i == j)
                CHECK(n > 0);
            else
                CHECK_INT_EQ(n, 0);
        }
    }
    CHECK(logs[0] != logs[1] && logs[1] != logs[2] && logs[0] != logs[2]);
    /* No record anywhere sits in another town's log than its resident's ... */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit a"
                                " JOIN residents r ON r.id = a.subject_resident_id"
                                " JOIN audit_logs l ON l.id = a.log_id"
                                " WHERE COALESCE(l.municipality_id, 0) <> r.municipality_id"),
                 0);
    /* ... nor, naming no resident, than its device's or staff member's. */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit a"
                                " JOIN devices d ON a.actor = 'device:' || d.id"
                                " JOIN audit_logs l ON l.id = a.log_id"
                                " WHERE a.subject_resident_id IS NULL"
                                " AND COALESCE(l.municipality_id, 0) <> d.municipality_id"),
                 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit a"
                                " JOIN staff s ON a.actor = 'staff:' || s.id"
                                " JOIN audit_logs l ON l.id = a.log_id"
                                " WHERE a.subject_resident_id IS NULL"
                                " AND COALESCE(l.municipality_id, 0) <> s.municipality_id"),
                 0);
    /* The family member of town B reading A's resident: in A's log, none in B's. */
    CHECK(sqlf("SELECT COUNT(*) FROM audit WHERE actor = 'family:%lld'"
               " AND subject_resident_id = %lld AND log_id = %lld",
               towns[1].family, towns[0].resident, logs[0]) > 0);
    CHECK_INT_EQ(sqlf("SELECT COUNT(*) FROM audit WHERE actor = 'family:%lld'"
                      " AND subject_resident_id = %lld AND log_id <> %lld",
                      towns[1].family, towns[0].resident, logs[0]),
                 0);
    /* Adding a town is the hub's business (B, C and, in t_hubctl_needs_a_town, 札幌市): the
     * hub log, which names no resident. */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE log_id = 1"
                                " AND action = 'municipality.add'"),
                 3);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE log_id = 1"
                                " AND subject_resident_id IS NOT NULL"),
                 0);
    /* Each log signed with its own key, its heads numbered on their own. */
    snprintf(args, sizeof args, "audit-checkpoint --key %s", T.key);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(DISTINCT log_id) FROM audit_heads"), N_TOWNS + 1);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(DISTINCT pubkey) FROM audit_heads"), N_TOWNS + 1);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM (SELECT log_id FROM audit_heads"
                                " GROUP BY log_id HAVING MIN(head_seq) = 1) x"),
                 N_TOWNS + 1);
    /* Each town's log verifies alone, with as many records as it holds. */
    for (int i = 0; i < N_TOWNS; i++) {
        snprintf(args, sizeof args, "audit-verify --key %s --municipality %s", T.key,
                 towns[i].code);
        CHECK_INT_EQ(ht_ctl(&T, "records", out, sizeof out, args), 0);
        CHECK(atoll(out) > 0 &&
              atoll(out) <= sqlf("SELECT COUNT(*) FROM audit WHERE log_id = %lld", logs[i]));
    }
    /* The heads a caller is shown: its own town's log, or the hub's; never another town's. */
    cJSON *j = NULL;
    for (int i = 0; i < N_TOWNS; i++) {
        CHECK_INT_EQ(ht_json(&T, "GET", "/v1/audit/head", towns[i].staff, NULL, NULL, &j), 200);
        CHECK_INT_EQ((long long)cJSON_GetObjectItem(j, "log")->valuedouble, logs[i]);
        cJSON_Delete(j);
        CHECK_INT_EQ(ht_json(&T, "GET", "/v1/audit/head", towns[i].kiosk, NULL, NULL, &j), 200);
        CHECK_INT_EQ((long long)cJSON_GetObjectItem(j, "log")->valuedouble, logs[i]);
        cJSON_Delete(j);
    }
    snprintf(args, sizeof args, "/v1/audit/head?log=%lld", logs[1]);
    CHECK_INT_EQ(ht_json(&T, "GET", args, towns[0].staff, NULL, NULL, &j), 404);
    CHECK_STR_EQ(ht_error_code(j), "no_such_log");
    cJSON_Delete(j);
    snprintf(args, sizeof args, "/v1/audit/consistency?log=%lld&from=0&to=1", logs[1]);
    CHECK_INT_EQ(ht_json(&T, "GET", args, towns[0].kiosk, NULL, NULL, &j), 404);
    cJSON_Delete(j);
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/audit/head?log=1", towns[0].staff, NULL, NULL, &j), 200);
    CHECK_INT_EQ((long long)cJSON_GetObjectItem(j, "log")->valuedouble, 1);
    cJSON_Delete(j);
}

/* Someone with the database alters a record of town C's log: C's verification says so,
 * A's log and the hub log still verify, and verifying every log names C's. */
static void t_tampered_town_log(void)
{
    char args[512], out[256] = "";
    long long log_c = log_of(2), log_a = log_of(0);
    REQUIRE(ht_sql_exec(
                &T, ht_on_postgres(&T)
                        ? "DROP TRIGGER audit_append_only_u ON audit;"
                          "DROP TRIGGER audit_append_only_d ON audit;"
                          "DROP TRIGGER audit_append_only_t ON audit;"
                        : "DROP TRIGGER audit_append_only_u; DROP TRIGGER audit_append_only_d;") ==
            0);
    snprintf(args, sizeof args,
             "UPDATE audit SET purpose = 'marketing' WHERE log_id = %lld AND seq = 1", log_c);
    REQUIRE(ht_sql_exec(&T, args) == 0);
    snprintf(args, sizeof args, "audit-verify --key %s --municipality %s", T.key, towns[2].code);
    CHECK_INT_EQ(ht_ctl(&T, "problem", out, sizeof out, args), 1);
    CHECK_STR_EQ(out, "chain broken");
    snprintf(args, sizeof args, "audit-verify --key %s --municipality %s", T.key, towns[0].code);
    CHECK_INT_EQ(ht_ctl(&T, "audit", out, sizeof out, args), 0);
    CHECK_STR_EQ(out, "OK");
    snprintf(args, sizeof args, "audit-verify --key %s", T.key);
    CHECK_INT_EQ(ht_ctl(&T, "bad_log", out, sizeof out, args), 1);
    CHECK_INT_EQ(atoll(out), log_c);
    CHECK_INT_EQ(ht_ctl(&T, "log_1", out, sizeof out, args), 1);
    CHECK(strncmp(out, "OK ", 3) == 0);
    char key[32];
    snprintf(key, sizeof key, "log_%lld", log_a);
    CHECK_INT_EQ(ht_ctl(&T, key, out, sizeof out, args), 1);
    CHECK(strncmp(out, "OK ", 3) == 0);
    /* The hub keeps signing the other towns' logs. */
    long long heads_a = sqlf("SELECT COUNT(*) FROM audit_heads WHERE log_id = %lld", log_a);
    cJSON *j = NULL;
    snprintf(args, sizeof args, "/v1/residents/%lld/checkins", towns[0].resident);
    CHECK_INT_EQ(ht_json(&T, "GET", args, towns[0].staff, NULL, NULL, &j), 200);
    cJSON_Delete(j);
    snprintf(args, sizeof args, "audit-checkpoint --key %s", T.key);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
    CHECK(sqlf("SELECT COUNT(*) FROM audit_heads WHERE log_id = %lld", log_a) > heads_a);
    snprintf(args, sizeof args, "audit-verify --key %s --municipality %s", T.key, towns[0].code);
    CHECK_INT_EQ(ht_ctl(&T, "audit", out, sizeof out, args), 0);
}

/* Export of one town: verifies on its own, holds the town's data and audit records and
 * nothing of the others (nor any token); a changed or cut file fails. Removal of a town:
 * refused without the code, then everything of it goes, audited; the others keep their
 * data, the hub's chain and checkpoints verify, and the export still verifies. */
static void t_export_and_remove(void)
{
    char args[768], out[128] = "", a_file[160], b_file[160], bad[160];
    long len = 0;
    snprintf(a_file, sizeof a_file, "%s/town-a.jsonl", T.dir);
    snprintf(b_file, sizeof b_file, "%s/town-b.jsonl", T.dir);
    snprintf(bad, sizeof bad, "%s/town-a-bad.jsonl", T.dir);
    /* A signed checkpoint before the removal: it must still verify after it. */
    snprintf(args, sizeof args, "audit-checkpoint --key %s", T.key);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, "municipality-export --municipality %s --out %s --key %s",
                 towns[i].code, i == 0 ? a_file : b_file, T.key);
        CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
    }
    /* Not over an existing file. */
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 1);
    snprintf(args, sizeof args, "export-verify --file %s", a_file);
    CHECK_INT_EQ(ht_ctl(&T, "verify", out, sizeof out, args), 0);
    CHECK_STR_EQ(out, "OK");
    CHECK_INT_EQ(ht_ctl(&T, "municipality", out, sizeof out, args), 0);
    CHECK_STR_EQ(out, towns[0].code);
    snprintf(args, sizeof args, "export-verify --file %s --pubkey %064d", a_file, 0);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 1);
    /* The town's own log in the file: its records and heads, checked from the file alone,
     * signed with the town's key (no other log's heads carry it). */
    char pub[80] = "", sql[256];
    snprintf(args, sizeof args, "export-verify --file %s", a_file);
    CHECK_INT_EQ(ht_ctl(&T, "audit_log", out, sizeof out, args), 0);
    CHECK_INT_EQ(atoll(out), log_of(0));
    CHECK_INT_EQ(ht_ctl(&T, "audit_records", out, sizeof out, args), 0);
    CHECK(atoll(out) > 0);
    CHECK_INT_EQ(ht_ctl(&T, "audit_heads", out, sizeof out, args), 0);
    CHECK(atoll(out) > 0);
    CHECK_INT_EQ(ht_ctl(&T, "public_key", pub, sizeof pub, args), 0);
    CHECK_INT_EQ(strlen(pub), 64);
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM audit_heads WHERE pubkey = '%s'", pub);
    CHECK_INT_EQ(ht_sql_int(&T, sql),
                 sqlf("SELECT COUNT(*) FROM audit_heads WHERE log_id = %lld", log_of(0)));
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM audit_heads WHERE pubkey = '%s' AND log_id <> %lld", pub,
             log_of(0));
    CHECK_INT_EQ(ht_sql_int(&T, sql), 0);
    snprintf(args, sizeof args, "export-verify --file %s --pubkey %s", a_file, pub);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
    snprintf(args, sizeof args, "export-verify --file %s --pubkey %s", b_file, pub);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 1);
    char *a = slurp(a_file, &len);
    REQUIRE(a != NULL);
    static const char *const mine[] = {"\"Hanako\"",
                                       "Kita 1-2-3",
                                       "\"table\":\"audit\"",
                                       "\"table\":\"audit_heads\"",
                                       "\"table\":\"checkins\"",
                                       "\"table\":\"ord_orders\"",
                                       "\"table\":\"checkups\"",
                                       "横須賀市",
                                       NULL};
    for (int i = 0; mine[i]; i++)
        CHECK(strstr(a, mine[i]) != NULL);
    static const char *const others[] = {
        "Ichiro", "Jiro", "Kita 4-5-6", "Kita 7-8-9", "平塚市", "千代田区", "Shop1", "Clinic2",
        "Staff1", "Fam2", "token_hash", "dev_",       "fam_",   "stf_",     "ses_",  NULL};
    for (int i = 0; others[i]; i++) {
        if (strstr(a, others[i])) {
            fprintf(stderr, "town A's export holds \"%s\"\n", others[i]);
            CHECK(0);
        }
    }
    /* Nothing of the other towns' logs: none of their heads' roots nor records' hashes. */
    for (int i = 1; i < N_TOWNS; i++) {
        snprintf(sql, sizeof sql,
                 "SELECT COUNT(*) FROM audit_heads WHERE log_id = %lld AND tree_size > 0",
                 log_of(i));
        CHECK(ht_sql_int(&T, sql) > 0);
    }
    CHECK(strstr(a, "\"log_id\":\"1\"") == NULL);
    char lid[32];
    for (int i = 1; i < N_TOWNS; i++) {
        snprintf(lid, sizeof lid, "\"log_id\":\"%lld\"", log_of(i));
        CHECK(strstr(a, lid) == NULL);
    }
    /* One byte changed, or the end cut off: refused. */
    char *at = strstr(a, "Hanako");
    REQUIRE(at != NULL);
    at[0] = 'h';
    REQUIRE(spit(bad, a, len) == 0);
    snprintf(args, sizeof args, "export-verify --file %s", bad);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 1);
    at[0] = 'H';
    char *last = a + len - 2;
    while (last > a && *last != '\n')
        last--;
    REQUIRE(spit(bad, a, last - a + 1) == 0);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 1);
    free(a);

    /* Town B leaves. */
    long long audit_before = ht_audit_count(&T), log_b = log_of(1);
    snprintf(args, sizeof args, "municipality-remove --municipality %s", towns[1].code);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 2);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM residents WHERE display_name = 'Ichiro'"), 1);
    snprintf(args, sizeof args, "municipality-remove --municipality %s --confirm %s", towns[1].code,
             towns[1].code);
    CHECK_INT_EQ(ht_ctl(&T, "removed", out, sizeof out, args), 0);
    CHECK_STR_EQ(out, towns[1].code);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM residents WHERE display_name = 'Ichiro'"), 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM municipalities WHERE code = '142034'"), 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM family WHERE display_name = 'Fam1'"), 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM operators WHERE display_name = 'Shop1'"), 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM audit WHERE action = 'municipality.remove'"),
                 1);
    /* The removal is the hub's record; B's log stays, no longer any town's. */
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT log_id FROM audit WHERE action = 'municipality.remove'"),
                 1);
    CHECK_INT_EQ(sqlf("SELECT COUNT(*) FROM audit_logs WHERE id = %lld"
                      " AND municipality_id IS NULL",
                      log_b),
                 1);
    CHECK(sqlf("SELECT COUNT(*) FROM audit WHERE log_id = %lld", log_b) > 0);
    CHECK(ht_audit_count(&T) > audit_before);
    /* The others keep everything; their records and the hub's chain verify. */
    snprintf(args, sizeof args, "SELECT COUNT(*) FROM checkins WHERE resident_id = %lld",
             towns[0].resident);
    CHECK(ht_sql_int(&T, args) > 0);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM residents WHERE display_name = 'Jiro'"), 1);
    snprintf(args, sizeof args, "audit-verify --key %s", T.key);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
    CHECK_INT_EQ(ht_ctl(&T, "log_1", out, sizeof out, args), 0);
    CHECK(strncmp(out, "OK municipality=hub", 19) == 0);
    snprintf(lid, sizeof lid, "log_%lld", log_b);
    CHECK_INT_EQ(ht_ctl(&T, lid, out, sizeof out, args), 0);
    CHECK(strncmp(out, "OK municipality=left", 20) == 0);
    snprintf(args, sizeof args, "audit-verify --key %s --municipality %s", T.key, towns[2].code);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/me", towns[1].kiosk, NULL, NULL, &j), 401);
    cJSON_Delete(j);
    snprintf(args, sizeof args, "/v1/residents/%lld/checkins", towns[0].resident);
    CHECK_INT_EQ(ht_json(&T, "GET", args, towns[0].staff, NULL, NULL, &j), 200);
    cJSON_Delete(j);
    /* The leaving town's file still verifies on its own. */
    snprintf(args, sizeof args, "export-verify --file %s", b_file);
    CHECK_INT_EQ(ht_ctl(&T, "verify", out, sizeof out, args), 0);
    CHECK_STR_EQ(out, "OK");
}

/* A city cloud hosts dozens of towns: an operator of town A under a contract with 40 more
 * towns finds, pulls and updates an order of the last of them (a record named by its own
 * id is looked for in every town the caller serves, not in the first few only). */
#define MANY_TOWNS 40
static void t_operator_of_many_towns(void)
{
    char args[512], code[8] = "", last[8] = "", home[128] = "", path[96];
    const struct town *a = &towns[0];
    int ok = 1;
    for (int i = 0; i < MANY_TOWNS && ok; i++) {
        snprintf(code, sizeof code, "40%03d", 101 + i); /* 福岡県 40101.. */
        snprintf(code + 5, sizeof code - 5, "%d", towncode_check_digit(code));
        snprintf(args, sizeof args, "municipality-add --code %s --name Town%d", code, i);
        ok = ok && ht_ctl(&T, NULL, NULL, 0, args) == 0;
        snprintf(args, sizeof args, "operator-contract --municipality %s --operator %lld", code,
                 a->operator_id);
        ok = ok && ht_ctl(&T, NULL, NULL, 0, args) == 0;
        snprintf(last, sizeof last, "%s", code);
    }
    REQUIRE(ok);
    snprintf(args, sizeof args,
             "resident-add --municipality %s --name Saburo --district Kita --deadline 10:00", last);
    long long resident = ctl_id("resident_id", args);
    REQUIRE(resident > 0);
    snprintf(args, sizeof args, "device-add --municipality %s --kind home --resident %lld", last,
             resident);
    REQUIRE(ht_ctl(&T, "token", home, sizeof home, args) == 0);
    char *text = NULL;
    snprintf(path, sizeof path, "/v1/operators/%lld/orders", a->operator_id);
    CHECK_INT_EQ(ht_req(&T, "POST", path, home, NULL, "many-1", ORDER, strlen(ORDER), &text), 201);
    free(text);
    long long order = ht_sql_int(&T, "SELECT MAX(id) FROM ord_orders");
    /* The operator's pull reaches the last town's delivery... */
    cJSON *j = NULL;
    CHECK_INT_EQ(ht_json(&T, "GET", "/v1/operator/deliveries?max=100", a->op, NULL, NULL, &j), 200);
    text = j ? cJSON_PrintUnformatted(j) : NULL;
    char want[48];
    snprintf(want, sizeof want, "\"order_id\":%lld", order);
    CHECK(text && strstr(text, want) != NULL);
    free(text);
    cJSON_Delete(j);
    /* ...and the order by its id. */
    snprintf(path, sizeof path, "/v1/operator/orders/%lld/status", order);
    CHECK_INT_EQ(ht_json(&T, "POST", path, a->op, NULL, "{\"status\":\"accepted\"}", &j), 200);
    cJSON_Delete(j);
    CHECK_INT_EQ(
        sqlf("SELECT COUNT(*) FROM ord_orders WHERE id = %lld AND status = 'accepted'", order), 1);
    /* A town with only a contract does not change the operator's webhook secret; its own
     * town does (the operator has no webhook here: refused for that, in words, too). */
    snprintf(args, sizeof args, "operator-webhook --municipality %s --operator %lld", last,
             a->operator_id);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 2);
    snprintf(args, sizeof args,
             "operator-webhook --municipality %s --operator %lld --webhook http://127.0.0.1:9/h",
             a->code, a->operator_id);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 0);
    snprintf(args, sizeof args,
             "operator-webhook --municipality %s --operator %lld --webhook http://127.0.0.1:9/x",
             last, a->operator_id);
    CHECK_INT_EQ(ht_ctl(&T, NULL, NULL, 0, args), 2);
    CHECK_INT_EQ(ht_sql_int(&T, "SELECT COUNT(*) FROM ord_webhooks WHERE url LIKE '%/x'"), 0);
    /* Town C's operator, with no contract there, still cannot. */
    CHECK_INT_EQ(ht_json(&T, "POST", path, towns[2].op, NULL, "{\"status\":\"delivered\"}", &j),
                 404);
    cJSON_Delete(j);
}

int main(void)
{
    char args[512];
    if (ht_init(&T, time(NULL)) != 0)
        return 1;
    int ok = ht_make_ca(&T, N_TOWNS, ca, sizeof ca) == 0;
    ht_set_clock(&T, time(NULL) + 120);
    for (int i = 0; i < N_TOWNS && ok; i++)
        ok = enrol(i) == 0;
    /* hundreds of refusals from one address on purpose: that limit is test_hub_limits' */
    snprintf(args, sizeof args, "--trust-ca %s/ca.pem --refusal-rate 1000000", ca);
    ok = ok && ht_start(&T, args) == 0;
    for (int i = 0; i < N_TOWNS && ok; i++)
        ok = ht_card_login(&T, ca, i + 1, towns[i].kiosk, towns[i].session,
                           sizeof towns[i].session) == 0;
    if (!ok || town_a_data() != 0) {
        fprintf(stderr, "cannot enrol the towns or start the test hub\n");
        ht_cleanup(&T);
        return 1;
    }
    TEST_RUN(t_matrix_across_towns);
    TEST_RUN(t_own_listings_of_other_towns);
    TEST_RUN(t_card_of_another_town);
    TEST_RUN(t_family_across_towns_only_by_link);
    TEST_RUN(t_own_town_still_served);
    TEST_RUN(t_hubctl_needs_a_town);
    TEST_RUN(t_audit_logs_per_town);
    TEST_RUN(t_export_and_remove);
    TEST_RUN(t_tampered_town_log);
    TEST_RUN(t_operator_of_many_towns); /* last: the other tests count three towns */
    ht_cleanup(&T);
    return test_summary();
}
