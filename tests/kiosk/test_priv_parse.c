/*
 * test_priv_parse: the hub's answers for the resident's own data and the family's alerts as
 * the kiosk reads them (platform/sdl/privport.c), from the shapes documented in
 * docs/api.md: access log (entries, next_before), consents with recipients, alerts with
 * who acknowledged, consent and ack answers, checkup list, one checkup with judged items,
 * trend points; bad or missing fields skipped, caps kept, nonsense refused; and the
 * requests' paths and bodies; the answer of the refusal of statistical use.
 */
#include <stdlib.h>
#include <string.h>

#include "hubclient.h"
#include "privport.h"
#include "statsport.h"
#include "test.h"

static void t_log(void)
{
    const char *body =
        "{\"resident_id\":3,\"entries\":[{\"id\":41,\"at\":\"2026-03-04T01:12:00Z\","
        "\"at_unix\":1772586720,\"actor\":{\"kind\":\"family\",\"id\":4,\"display_name\":"
        "\"花子\"},\"action\":\"checkins.read\",\"outcome\":\"ok\",\"data_kinds\":\"safety\","
        "\"purpose\":\"watch_over\",\"basis\":\"consent:3\",\"source\":\"hub\","
        "\"destination\":\"family:4\"},{\"id\":0,\"at_unix\":5},{\"id\":40,\"at_unix\":"
        "1772586000,\"actor\":{\"kind\":\"hub\"},\"action\":\"alert.missed_checkin\"}],"
        "\"next_before\":40}";
    struct priv_answer *x = privport_parse(APP_EV_PRIV_LOG, body);
    CHECK(x != NULL);
    if (!x)
        return;
    CHECK_INT_EQ(x->n, 2); /* the entry without an id is skipped */
    CHECK(x->u.log[0].id == 41 && x->u.log[0].at_unix == 1772586720);
    CHECK_STR_EQ(x->u.log[0].actor_kind, "family");
    CHECK_STR_EQ(x->u.log[0].actor_name, "花子");
    CHECK_STR_EQ(x->u.log[0].action, "checkins.read");
    CHECK_STR_EQ(x->u.log[0].basis, "consent:3");
    CHECK_STR_EQ(x->u.log[1].actor_kind, "hub");
    CHECK(x->next_before == 40);
    free(x);
    x = privport_parse(APP_EV_PRIV_LOG, "{\"entries\":[],\"next_before\":null}");
    CHECK(x && x->n == 0 && x->next_before == 0);
    free(x);
}

static void t_log_caps(void)
{
    /* more entries than a chunk, and a name longer than its field: cut, never overflowed */
    char *body = malloc(64 * 1024);
    size_t o = (size_t)snprintf(body, 64 * 1024, "{\"entries\":[");
    for (int i = 0; i < 40; i++)
        o += (size_t)snprintf(body + o, 64 * 1024 - o,
                              "%s{\"id\":%d,\"at_unix\":1772586720,\"actor\":{\"kind\":\"family\","
                              "\"display_name\":\"%0300d\"}}",
                              i ? "," : "", i + 1, 7);
    snprintf(body + o, 64 * 1024 - o, "]}");
    struct priv_answer *x = privport_parse(APP_EV_PRIV_LOG, body);
    CHECK(x && x->n == PRIV_LOG_CHUNK);
    if (x)
        CHECK(strlen(x->u.log[0].actor_name) == PRIV_NAME - 1);
    free(x);
    free(body);
    /* a UTF-8 character is never cut in half */
    char name[400];
    size_t n = 0;
    while (n + 3 < 300) {
        memcpy(name + n, "花", 3);
        n += 3;
    }
    name[n] = '\0';
    char b2[1024];
    snprintf(b2, sizeof b2,
             "{\"entries\":[{\"id\":1,\"at_unix\":1,\"actor\":{\"display_name\":\"%s\"}}]}", name);
    x = privport_parse(APP_EV_PRIV_LOG, b2);
    CHECK(x && strlen(x->u.log[0].actor_name) % 3 == 0);
    free(x);
}

static void t_consents(void)
{
    const char *body =
        "{\"resident_id\":3,\"consents\":[{\"id\":3,\"recipient\":{\"kind\":\"family\",\"id\":4,"
        "\"display_name\":\"花子\"},\"data_kind\":\"safety\",\"purpose\":\"watch_over\","
        "\"granted_at_unix\":1,\"granted_via\":\"paper\"},{\"id\":9,\"recipient\":{\"kind\":"
        "\"source\",\"id\":1,\"display_name\":\"市\"},\"data_kind\":\"checkups:1\",\"purpose\":"
        "\"linkage\"}],\"recipients\":[{\"kind\":\"family\",\"id\":4,\"display_name\":\"花子\","
        "\"relation\":\"長女\"},{\"kind\":\"family\",\"id\":5,\"display_name\":\"一郎\"}],"
        "\"legal_bases\":[]}";
    struct priv_answer *x = privport_parse(APP_EV_PRIV_CONSENTS, body);
    CHECK(x != NULL);
    if (!x)
        return;
    CHECK_INT_EQ(x->n, 2);
    CHECK_INT_EQ(x->u.consents.nr, 2);
    CHECK_STR_EQ(x->u.consents.r[0].relation, "長女");
    struct priv_row rows[PRIV_ROWS_MAX];
    int n = priv_rows_from(x, rows, PRIV_ROWS_MAX);
    /* 花子 (on), 一郎 (off, linked but not consented), the source (on) */
    CHECK_INT_EQ(n, 3);
    CHECK(rows[0].on && rows[0].recipient_id == 4);
    CHECK(!rows[1].on && rows[1].recipient_id == 5);
    CHECK(rows[2].on && strcmp(rows[2].data_kind, "checkups:1") == 0);
    free(x);
}

static void t_alerts_and_acks(void)
{
    const char *body =
        "{\"resident_id\":3,\"alerts\":[{\"id\":7,\"resident_id\":3,\"kind\":\"help\",\"level\":"
        "\"family\",\"raised_at\":\"…\",\"raised_at_unix\":1795392000,\"acknowledged_by\":{"
        "\"kind\":\"family\",\"id\":4,\"display_name\":\"花子\"},\"acknowledged_at_unix\":"
        "1795392100},{\"id\":6,\"kind\":\"missed\",\"level\":\"family\",\"raised_at_unix\":"
        "1795300000,\"acknowledged_by\":null,\"acknowledged_at_unix\":null}]}";
    struct priv_answer *x = privport_parse(APP_EV_PRIV_FAM_ALERTS, body);
    CHECK(x && x->n == 2);
    if (x) {
        CHECK(x->u.alerts[0].acked && x->u.alerts[0].acked_unix == 1795392100);
        CHECK_STR_EQ(x->u.alerts[0].acked_name, "花子");
        CHECK(!x->u.alerts[1].acked);
        CHECK_STR_EQ(x->u.alerts[1].kind, "missed");
    }
    free(x);
    x = privport_parse(APP_EV_PRIV_ACK, "{\"alert\":{\"id\":6},\"changed\":true}");
    CHECK(x && x->changed);
    free(x);
    x = privport_parse(APP_EV_PRIV_CONSENT_SET, "{\"revoked\":1,\"changed\":true}");
    CHECK(x && x->changed);
    free(x);
    x = privport_parse(APP_EV_PRIV_CONSENT_SET, "{\"consent\":{\"id\":3},\"changed\":false}");
    CHECK(x && !x->changed);
    free(x);
}

static void t_checkups(void)
{
    const char *list =
        "{\"resident_id\":3,\"checkups\":[{\"id\":12,\"date\":\"2026-06-10\",\"year\":2026,"
        "\"source\":{\"id\":1,\"display_name\":\"さくら市\"},\"org_name\":\"健診センター\","
        "\"summary\":{\"none\":2,\"normal\":20,\"guidance\":3,\"see_doctor\":1}}],"
        "\"next_before\":12}";
    struct priv_answer *x = privport_parse(APP_EV_CK_LIST, list);
    CHECK(x && x->n == 1);
    if (x) {
        CHECK(x->u.cks[0].id == 12 && x->u.cks[0].year == 2026);
        CHECK_STR_EQ(x->u.cks[0].source, "さくら市");
        CHECK(x->u.cks[0].guidance == 3 && x->u.cks[0].see_doctor == 1);
        CHECK(x->next_before == 12);
    }
    free(x);
    const char *one =
        "{\"resident_id\":3,\"checkup\":{\"id\":12,\"date\":\"2026-06-10\",\"year\":2026,"
        "\"source\":{\"id\":1,\"display_name\":\"さくら市\"},\"org_name\":\"健診センター\","
        "\"sex\":\"female\",\"items\":[{\"code\":\"3D046000001906202\",\"identity\":\"3D046\","
        "\"name\":\"HbA1c(NGSP値)\",\"kind\":\"number\",\"value\":6.8,\"text\":\"\",\"unit\":"
        "\"%\",\"unit_display\":\"%\",\"range\":{\"low\":4.6,\"high\":5.5},\"judgement\":"
        "\"see_doctor\",\"judgement_ja\":\"受診をおすすめ\",\"judged_by\":\"mhlw_threshold\","
        "\"threshold\":{\"guidance\":5.6,\"see_doctor\":6.5,\"higher_is_worse\":true},"
        "\"explain_ja\":\"血糖の 状態です。\",\"explain_en\":null},{\"code\":\"x\",\"identity\":"
        "\"1A020\",\"name\":\"尿糖\",\"kind\":\"code\",\"value\":null,\"text\":\"(-)\","
        "\"unit\":\"\",\"range\":{\"low\":null,\"high\":null},\"judgement\":\"none\","
        "\"threshold\":null}]}}";
    x = privport_parse(APP_EV_CK_ONE, one);
    CHECK(x && x->u.ck.n == 2);
    if (x) {
        const struct ck_item *a = &x->u.ck.items[0], *b = &x->u.ck.items[1];
        CHECK(a->has_value && a->value == 6.8);
        CHECK_STR_EQ(a->unit_display, "%");
        CHECK(a->has_low && a->has_high && a->low == 4.6 && a->high == 5.5);
        CHECK(a->judgement == CK_J_SEE_DOCTOR);
        CHECK(a->has_threshold && a->has_see_doctor && a->higher_is_worse);
        CHECK(a->t_guidance == 5.6 && a->t_see_doctor == 6.5);
        CHECK_STR_EQ(a->explain_ja, "血糖の 状態です。");
        CHECK_STR_EQ(a->explain_en, "");
        CHECK(!b->has_value && !b->has_low && !b->has_threshold);
        CHECK(b->kind == CK_K_CODE);
        CHECK_STR_EQ(b->code, "(-)");
        CHECK(b->judgement == CK_J_NONE);
    }
    free(x);
    const char *trend =
        "{\"resident_id\":3,\"identity\":\"3D046\",\"unit\":\"%\",\"name\":\"HbA1c\","
        "\"unit_display\":\"%\",\"threshold\":{\"guidance\":5.6,\"see_doctor\":6.5,"
        "\"higher_is_worse\":true},\"explain_ja\":\"…\",\"points\":[{\"checkup_id\":5,"
        "\"date\":\"2024-06-01\",\"year\":2024,\"value\":5.4,\"judgement\":\"normal\"},"
        "{\"checkup_id\":6,\"date\":\"2025-06-01\",\"year\":2025,\"value\":null},"
        "{\"checkup_id\":12,\"date\":\"2026-06-10\",\"year\":2026,\"value\":6.8,"
        "\"judgement\":\"see_doctor\"}]}";
    x = privport_parse(APP_EV_CK_TREND, trend);
    CHECK(x && x->u.trend.n == 2); /* the point without a number is skipped */
    if (x) {
        CHECK(x->u.trend.points[0].value == 5.4 && x->u.trend.points[1].value == 6.8);
        CHECK(x->u.trend.points[1].judgement == CK_J_SEE_DOCTOR);
        CHECK(x->u.trend.has_threshold && x->u.trend.t_see_doctor == 6.5);
    }
    free(x);
}

/* The hub's contract for real documents: a code result carries the code as sent and its
 * words; a text result (the doctor's comment) and an item name are kept whole, far beyond
 * 63 bytes; the date is the examination date; the trend carries the lab's range. */
static void t_checkup_words_and_whole_texts(void)
{
    static char body[16384], comment[3000], name[200];
    comment[0] = '\0';
    for (int i = 1; strlen(comment) + 40 < sizeof comment - 200; i++) {
        size_t l = strlen(comment);
        snprintf(comment + l, sizeof comment - l, "所見%dは 様子を 見ましょう。", i);
    }
    snprintf(name, sizeof name, "%s",
             "眼底検査（キースワグナー分類）左右それぞれの 所見と 医師の 判定と 根拠");
    snprintf(body, sizeof body,
             "{\"resident_id\":3,\"checkup\":{\"id\":12,\"date\":\"2026-06-10\",\"year\":2026,"
             "\"org_name\":\"さくら\",\"items\":["
             "{\"identity\":\"1A020\",\"name\":\"尿糖\",\"kind\":\"code\",\"value\":null,"
             "\"text\":\"1\",\"text_ja\":\"マイナス\",\"text_en\":\"negative\","
             "\"judgement\":\"normal\"},"
             "{\"identity\":\"1A010\",\"name\":\"尿蛋白\",\"kind\":\"code\",\"value\":null,"
             "\"text\":\"2+\",\"judgement\":\"see_doctor\"},"
             "{\"identity\":\"9N501\",\"name\":\"医師の判断\",\"kind\":\"text\",\"value\":null,"
             "\"text\":\"%s\",\"judgement\":\"none\"},"
             "{\"identity\":\"9C000\",\"name\":\"%s\",\"kind\":\"number\",\"value\":1}]}}",
             comment, name);
    struct priv_answer *x = privport_parse(APP_EV_CK_ONE, body);
    REQUIRE(x != NULL);
    CHECK_INT_EQ(x->u.ck.n, 4);
    CHECK_STR_EQ(x->u.ck.date, "2026-06-10");
    const struct ck_item *u = &x->u.ck.items[0], *p = &x->u.ck.items[1], *c = &x->u.ck.items[2],
                         *n = &x->u.ck.items[3];
    CHECK(u->kind == CK_K_CODE && !u->has_value);
    CHECK_STR_EQ(u->code, "1");
    CHECK_STR_EQ(u->words_ja, "マイナス");
    CHECK_STR_EQ(u->words_en, "negative");
    CHECK(p->kind == CK_K_CODE);
    CHECK_STR_EQ(p->code, "2+");
    CHECK_STR_EQ(p->words_ja, ""); /* no words sent: the kiosk maps the common codes */
    CHECK(c->kind == CK_K_TEXT);
    CHECK(strlen(comment) > 2000);
    CHECK_STR_EQ(ck_item_text(&x->u.ck, c), comment); /* whole: the kiosk kept 63 bytes */
    CHECK_STR_EQ(n->name, name);
    CHECK(n->kind == CK_K_NUMBER && n->has_value && n->value == 1);
    free(x);
    /* an older hub without "kind": a short code still counts as a code */
    x = privport_parse(APP_EV_CK_ONE, "{\"checkup\":{\"id\":1,\"items\":[{\"name\":\"尿糖\","
                                      "\"value\":null,\"text\":\"－\"}]}}");
    REQUIRE(x != NULL);
    CHECK(x->u.ck.items[0].kind == CK_K_CODE);
    CHECK_STR_EQ(x->u.ck.items[0].code, "－");
    free(x);
    /* the trend with the lab's range (either end may be null) */
    x = privport_parse(APP_EV_CK_TREND,
                       "{\"identity\":\"3C015\",\"unit_display\":\"mg/dL\",\"threshold\":null,"
                       "\"range\":{\"low\":0.46,\"high\":null},\"points\":[{\"date\":"
                       "\"2026-06-10\",\"value\":0.72,\"judgement\":\"normal\"}]}");
    REQUIRE(x != NULL);
    CHECK(!x->u.trend.has_threshold);
    CHECK(x->u.trend.has_low && x->u.trend.low == 0.46 && !x->u.trend.has_high);
    free(x);
    /* without "range" (an older hub): no range, nothing else changes */
    x = privport_parse(APP_EV_CK_TREND, "{\"points\":[{\"value\":1}]}");
    REQUIRE(x != NULL);
    CHECK(!x->u.trend.has_low && !x->u.trend.has_high && x->u.trend.n == 1);
    free(x);
}

/* The access log as grouped lines: others first, each with its count (hub order kept). */
static void t_log_lines(void)
{
    const char *body =
        "{\"resident_id\":3,\"lines\":[{\"own\":false,\"actor\":{\"kind\":\"family\",\"id\":4,"
        "\"display_name\":\"花子\"},\"action\":\"read\",\"data_kinds\":\"safety\",\"purpose\":"
        "\"watch_over\",\"basis\":\"consent:3\",\"day\":\"2026-11-23\",\"count\":5,"
        "\"first_at_unix\":1795392000,\"last_at\":\"…\",\"last_at_unix\":1795395600,"
        "\"last_id\":88,\"outcome\":\"ok\"},{\"own\":true,\"actor\":{\"kind\":\"device\","
        "\"id\":2,\"display_name\":\"public kiosk\"},\"action\":\"read\",\"data_kinds\":"
        "\"audit\",\"purpose\":\"own_view\",\"basis\":\"self:card_session\",\"day\":"
        "\"2026-11-23\",\"count\":4,\"last_at_unix\":1795395000,\"last_id\":80},"
        "{\"own\":false,\"count\":0,\"last_id\":3,\"last_at_unix\":5}],\"next_offset\":25}";
    struct priv_answer *x = privport_parse(APP_EV_PRIV_LOG, body);
    REQUIRE(x != NULL);
    CHECK_INT_EQ(x->n, 2); /* a line without a count is skipped */
    CHECK(!x->u.log[0].own && x->u.log[0].count == 5);
    CHECK(x->u.log[0].at_unix == 1795395600 && x->u.log[0].id == 88);
    CHECK_STR_EQ(x->u.log[0].actor_name, "花子");
    CHECK(x->u.log[1].own && x->u.log[1].count == 4);
    CHECK(x->next_before == 25);
    free(x);
}

/* Every recipient x kind the hub offers, a revoked consent kept off but listed. */
static void t_consent_choices(void)
{
    const char *body =
        "{\"resident_id\":3,\"consents\":[],\"recipients\":[{\"kind\":\"family\",\"id\":4,"
        "\"display_name\":\"花子\",\"relation\":\"長女\"}],\"choices\":[{\"recipient\":{"
        "\"kind\":\"family\",\"id\":4,\"display_name\":\"花子\"},\"data_kind\":\"safety\","
        "\"purpose\":\"watch_over\",\"granted\":false,\"consent_id\":null,"
        "\"revoked_at_unix\":1795392000},{\"recipient\":{\"kind\":\"operator\",\"id\":1,"
        "\"display_name\":\"さくら商店\"},\"data_kind\":\"address\",\"purpose\":\"delivery\","
        "\"granted\":true,\"consent_id\":7},{\"recipient\":{\"kind\":\"source\",\"id\":0},"
        "\"data_kind\":\"checkups:0\",\"purpose\":\"linkage\",\"granted\":true}],"
        "\"legal_bases\":[]}";
    struct priv_answer *x = privport_parse(APP_EV_PRIV_CONSENTS, body);
    REQUIRE(x != NULL);
    CHECK_INT_EQ(x->u.consents.nch, 2); /* the choice without a recipient id is skipped */
    struct priv_row rows[PRIV_ROWS_MAX];
    int n = priv_rows_from(x, rows, PRIV_ROWS_MAX);
    CHECK_INT_EQ(n, 2);
    CHECK(!rows[0].on && rows[0].revoked && rows[0].recipient_id == 4);
    CHECK_STR_EQ(rows[0].relation, "長女");
    CHECK(rows[1].on && !rows[1].revoked);
    CHECK_STR_EQ(rows[1].recipient_kind, "operator");
    CHECK_STR_EQ(rows[1].purpose, "delivery");
    free(x);
}

/* One help press alerts two levels: one entry, family first, each level's state. */
static void t_alert_groups(void)
{
    const char *body =
        "{\"alerts\":[{\"id\":9,\"kind\":\"help\",\"level\":\"city\",\"raised_at_unix\":100,"
        "\"acknowledged_by\":null,\"group\":\"help:r1\"},{\"id\":8,\"kind\":\"help\",\"level\":"
        "\"family\",\"raised_at_unix\":100,\"acknowledged_by\":{\"kind\":\"family\",\"id\":4,"
        "\"display_name\":\"一郎\"},\"acknowledged_at_unix\":160,\"group\":\"help:r1\"},"
        "{\"id\":7,\"kind\":\"unwell\",\"level\":\"family\",\"raised_at_unix\":90,"
        "\"acknowledged_by\":null,\"group\":\"checkin:3\"},{\"id\":6,\"kind\":\"help\",\"level\":"
        "\"family\",\"raised_at_unix\":50,\"acknowledged_by\":null}]}";
    struct priv_answer *x = privport_parse(APP_EV_PRIV_ALERTS, body);
    REQUIRE(x != NULL && x->n == 4);
    int n = priv_alerts_merge(x->u.alerts, x->n);
    CHECK_INT_EQ(n, 3);
    const struct priv_alert *h = &x->u.alerts[0];
    CHECK_INT_EQ(h->nlev, 2);
    CHECK_STR_EQ(h->lev[0].level, "family");
    CHECK(h->lev[0].acked && h->lev[0].acked_unix == 160);
    CHECK_STR_EQ(h->lev[0].acked_name, "一郎");
    CHECK_STR_EQ(h->lev[1].level, "city");
    CHECK(!h->lev[1].acked && !h->acked);
    CHECK(h->id == 8);
    CHECK_STR_EQ(x->u.alerts[1].kind, "unwell");
    CHECK_INT_EQ(x->u.alerts[1].nlev, 1);
    CHECK_INT_EQ(x->u.alerts[2].nlev, 1); /* no group (an older hub): never merged */
    free(x);
}

static void t_nonsense(void)
{
    static const enum app_event_kind kinds[] = {
        APP_EV_PRIV_LOG, APP_EV_PRIV_CONSENTS, APP_EV_PRIV_CONSENT_SET, APP_EV_PRIV_ALERTS,
        APP_EV_PRIV_ACK, APP_EV_CK_LIST,       APP_EV_CK_ONE,           APP_EV_CK_TREND};
    static const char *bodies[] = {"", "null", "[]", "{", "{\"x\":1}", "\"entries\""};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        for (size_t b = 0; b < sizeof bodies / sizeof bodies[0]; b++) {
            struct priv_answer *x = privport_parse(kinds[k], bodies[b]);
            CHECK(x == NULL);
            free(x);
        }
    CHECK(privport_parse(APP_EV_CK_ONE, NULL) == NULL);
}

static void t_build(void)
{
    char path[192], body[512];
    int post;
    bool ses;
    struct priv_request r = {.what = PRIV_REQ_LOG, .limit = 25, .before = 40};
    CHECK(privport_build(&r, &post, path, sizeof path, body, sizeof body, &ses));
    CHECK_STR_EQ(path, "/v1/session/access-summary?limit=25&offset=40");
    CHECK(!post && ses);
    r = (struct priv_request){.what = PRIV_REQ_CONSENT_SET,
                              .recipient_kind = "family",
                              .recipient_id = 4,
                              .data_kind = "safety",
                              .purpose = "watch_over",
                              .granted = false};
    CHECK(privport_build(&r, &post, path, sizeof path, body, sizeof body, &ses));
    CHECK(post && ses);
    CHECK_STR_EQ(path, "/v1/session/consents");
    CHECK_STR_EQ(body, "{\"recipient\":{\"kind\":\"family\",\"id\":4},\"data_kind\":\"safety\","
                       "\"purpose\":\"watch_over\",\"granted\":false}");
    r = (struct priv_request){.what = PRIV_REQ_FAM_ALERTS, .id = 12, .limit = 20};
    CHECK(privport_build(&r, &post, path, sizeof path, body, sizeof body, &ses));
    CHECK_STR_EQ(path, "/v1/residents/12/alerts?limit=20");
    CHECK(!ses); /* the family's own token, no card session */
    r = (struct priv_request){.what = PRIV_REQ_ACK, .id = 9};
    CHECK(privport_build(&r, &post, path, sizeof path, body, sizeof body, &ses));
    CHECK_STR_EQ(path, "/v1/alerts/9/ack");
    CHECK(post && !ses);
    r = (struct priv_request){.what = PRIV_REQ_CK_TREND, .identity = "3D046"};
    CHECK(privport_build(&r, &post, path, sizeof path, body, sizeof body, &ses));
    CHECK_STR_EQ(path, "/v1/session/checkup-trend?identity=3D046");
    /* what must not go out */
    r = (struct priv_request){.what = PRIV_REQ_CK_TREND, .identity = "3D0&x"};
    CHECK(!privport_build(&r, &post, path, sizeof path, body, sizeof body, &ses));
    r = (struct priv_request){.what = PRIV_REQ_CK_ONE, .id = 0};
    CHECK(!privport_build(&r, &post, path, sizeof path, body, sizeof body, &ses));
    r = (struct priv_request){.what = PRIV_REQ_CONSENT_SET, .recipient_kind = "family"};
    CHECK(!privport_build(&r, &post, path, sizeof path, body, sizeof body, &ses));
}

/* GET / POST /v1/session/stats-optout: the state, since when, from which day's tables; a
 * 2xx without the state makes no sense; a refusal or no connection says so */
static void t_stats_optout(void)
{
    struct app_event ev = {.kind = APP_EV_STATS_OPTOUT};
    statsport_parse(&ev, HUBC_OK, 200,
                    "{\"refused\":true,\"since\":\"2026-11-22T00:00:00Z\",\"since_unix\":"
                    "1795305600,\"effective\":\"2026-11-23T15:00:00Z\",\"effective_unix\":"
                    "1795446000,\"changed\":true}");
    CHECK_INT_EQ(ev.net, APP_NET_OK);
    CHECK(ev.optout.refused && ev.optout.changed);
    CHECK(ev.optout.since_unix == 1795305600 && ev.optout.effective_unix == 1795446000);
    statsport_parse(&ev, HUBC_OK, 200,
                    "{\"refused\":false,\"since\":null,\"since_unix\":null,"
                    "\"effective_unix\":1795446000}");
    CHECK_INT_EQ(ev.net, APP_NET_OK);
    CHECK(!ev.optout.refused && !ev.optout.changed && ev.optout.since_unix == 0);
    CHECK(ev.optout.effective_unix == 1795446000);
    statsport_parse(&ev, HUBC_OK, 200, "{\"refused\":\"yes\"}");
    CHECK_INT_EQ(ev.net, APP_NET_BAD_ANSWER);
    CHECK(!ev.optout.refused);
    statsport_parse(&ev, HUBC_OK, 200, "not json");
    CHECK_INT_EQ(ev.net, APP_NET_BAD_ANSWER);
    statsport_parse(&ev, HUBC_OK, 401, "{\"error\":\"session\"}");
    CHECK(ev.net == APP_NET_REFUSED && ev.status == 401);
    statsport_parse(&ev, HUBC_E_TLS, 0, NULL);
    CHECK(ev.net == APP_NET_UNREACHABLE && ev.net_tls);
}

int main(void)
{
    TEST_RUN(t_log);
    TEST_RUN(t_log_caps);
    TEST_RUN(t_consents);
    TEST_RUN(t_alerts_and_acks);
    TEST_RUN(t_checkups);
    TEST_RUN(t_checkup_words_and_whole_texts);
    TEST_RUN(t_log_lines);
    TEST_RUN(t_consent_choices);
    TEST_RUN(t_alert_groups);
    TEST_RUN(t_nonsense);
    TEST_RUN(t_build);
    TEST_RUN(t_stats_optout);
    return test_summary();
}
