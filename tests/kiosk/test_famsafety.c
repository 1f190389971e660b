/*
 * test_famsafety: the family tablet's view of the town's safety confirmation, through the
 * whole app with recording ports (no window): GET /v1/family/safety as the kiosk parses it
 * (platform/hubapi/noticeport.c: every answer shape, skipped nonsense, the cap, 304), the
 * answer → state → words mapping in ja and en (ぶじです / 助けが いる with what to do /
 * まだ 答えていません with since when; the date when it is not today), and the family
 * screen: the check announced at its top, changed by the next poll without a tap, kept
 * through a 304 and an unreachable hub, one tap to its own page, only the shown resident's.
 */
#include <stdlib.h>
#include <string.h>

#include "apptest.h"
#include "famsafety.h"
#include "hubclient.h"
#include "hubport.h"
#include "widgets.h"

static int fetches;
static uint32_t last_fetch;

static uint32_t r_fam_safety(void *ctx)
{
    (void)ctx;
    fetches++;
    return last_fetch = 5000u + (uint32_t)fetches;
}

/* T_WALL is 09:12 JST; the check started at 09:00 (00:00Z), answers at 09:10. */
#define CHECK_HEAD                                                                                 \
    "{\"checks\":[{\"id\":4,\"title_ja\":\"大雨の あとの 安否確認\",\"started_at\":"     \
    "\"2026-11-23T00:00:00Z\",\"started_at_unix\":1795392000,\"due_at_unix\":1795399200,"          \
    "\"closed_at\":null,\"residents\":["
static const char none_yet[] = CHECK_HEAD
    "{\"resident_id\":7,\"display_name\":\"山田 花子\",\"answer\":null,\"answered_at\":null},"
    "{\"resident_id\":8,\"display_name\":\"山田 次郎\",\"answer\":\"need_help\","
    "\"answered_at\":\"2026-11-23T00:05:00Z\"}]}]}";
static const char safe_now[] =
    CHECK_HEAD "{\"resident_id\":7,\"display_name\":\"山田 花子\",\"answer\":\"safe\","
               "\"answered_at\":\"2026-11-23T00:10:00Z\",\"answered_at_unix\":1795392600},"
               "{\"resident_id\":8,\"display_name\":\"山田 次郎\",\"answer\":\"need_help\","
               "\"answered_at\":\"2026-11-23T00:05:00Z\"}]}]}";
static const char help_now[] =
    CHECK_HEAD "{\"resident_id\":7,\"display_name\":\"山田 花子\",\"answer\":\"need_help\","
               "\"answered_at_unix\":1795392600}]}]}";

static void t_parse(void)
{
    struct app_event ev = {.kind = APP_EV_FAM_SAFETY, .req = 1};
    hubport_parse(&ev, HUBC_OK, 200, safe_now);
    REQUIRE(ev.net == APP_NET_OK && ev.disaster);
    const struct famsafety_list *l = ev.disaster;
    REQUIRE(l->n == 2);
    CHECK(!l->unchanged);
    CHECK(l->items[0].check_id == 4 && l->items[0].resident_id == 7);
    CHECK(l->items[0].started_at == 1795392000 && l->items[0].closed_at == 0);
    CHECK(l->items[0].answer == SAFETY_SAFE && l->items[0].answered_at == 1795392600);
    CHECK(l->items[1].answer == SAFETY_NEED_HELP && l->items[1].answered_at == 1795392300);
    CHECK_STR_EQ(l->items[1].title_ja, "大雨の あとの 安否確認");
    free(ev.disaster);

    /* nonsense is skipped, never shown as one of the three answers */
    struct app_event sk = {.kind = APP_EV_FAM_SAFETY, .req = 2};
    hubport_parse(&sk, HUBC_OK, 200,
                  "{\"checks\":[{\"id\":0,\"title_ja\":\"x\",\"started_at_unix\":1795392000,"
                  "\"residents\":[{\"resident_id\":7,\"answer\":null}]},"
                  "{\"id\":5,\"title_ja\":\"no start\",\"residents\":[{\"resident_id\":7}]},"
                  "{\"id\":6,\"title_ja\":\"t\",\"started_at_unix\":1795392000,\"residents\":"
                  "[{\"resident_id\":7,\"answer\":\"maybe\",\"answered_at_unix\":1795392600},"
                  "{\"resident_id\":7,\"answer\":\"safe\"},"
                  "{\"resident_id\":-3,\"answer\":null},"
                  "{\"resident_id\":9,\"answer\":null,\"answered_at\":null}]},"
                  "{\"id\":7,\"title_ja\":\"closed\",\"started_at_unix\":1795392000,"
                  "\"closed_at_unix\":1795393000,\"residents\":7}]}");
    REQUIRE(sk.net == APP_NET_OK && sk.disaster);
    l = sk.disaster;
    CHECK(l->n == 1);
    CHECK(l->items[0].check_id == 6 && l->items[0].resident_id == 9);
    CHECK(l->items[0].answer == SAFETY_NONE);
    free(sk.disaster);

    struct app_event nm = {.kind = APP_EV_FAM_SAFETY, .req = 3};
    hubport_parse(&nm, HUBC_OK, 304, "");
    CHECK(nm.net == APP_NET_OK && nm.disaster && ((struct famsafety_list *)nm.disaster)->unchanged);
    free(nm.disaster);
    struct app_event bad = {.kind = APP_EV_FAM_SAFETY, .req = 4};
    hubport_parse(&bad, HUBC_OK, 200, "{\"checks\":{}}");
    CHECK(bad.net == APP_NET_BAD_ANSWER && !bad.disaster);
    struct app_event no = {.kind = APP_EV_FAM_SAFETY, .req = 5};
    hubport_parse(&no, HUBC_OK, 403, "{\"error\":\"forbidden\"}");
    CHECK(no.net == APP_NET_REFUSED && !no.disaster);
    struct app_event off = {.kind = APP_EV_FAM_SAFETY, .req = 6};
    hubport_parse(&off, HUBC_E_CONNECT, 0, "");
    CHECK(off.net == APP_NET_UNREACHABLE && !off.disaster);

    /* more rows than the cap; a long title cut at a character */
    char *big = malloc(100000);
    REQUIRE(big);
    size_t n = (size_t)snprintf(big, 100000, "{\"checks\":[{\"id\":3,\"title_ja\":\"");
    for (int k = 0; k < 200; k++)
        n += (size_t)snprintf(big + n, 100000 - n, "確");
    n += (size_t)snprintf(big + n, 100000 - n, "\",\"started_at_unix\":1795392000,\"residents\":[");
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(big + n, 100000 - n, "%s{\"resident_id\":%d,\"answer\":null}",
                              i ? "," : "", i + 1);
    snprintf(big + n, 100000 - n, "]}]}");
    struct app_event cap = {.kind = APP_EV_FAM_SAFETY, .req = 7};
    hubport_parse(&cap, HUBC_OK, 200, big);
    free(big);
    REQUIRE(cap.disaster);
    l = cap.disaster;
    CHECK(l->n == FAMSAFETY_MAX);
    CHECK(strlen(l->items[0].title_ja) < SAFETY_TITLE_MAX && strlen(l->items[0].title_ja) % 3 == 0);
    free(cap.disaster);
}

static bool open_family(struct apptest *t, const char *lang)
{
    fetches = 0;
    last_fetch = 0;
    struct app_ports ports = fake_ports_bind(&t->fp);
    ports.fetch_family_safety = r_fam_safety;
    if (!at_open_ports(t, APP_PROFILE_FAMILY, &ports, lang, false))
        return false;
    struct app_event me = {.kind = APP_EV_ME,
                           .req = t->fp.last_me,
                           .net = APP_NET_OK,
                           .status = 200,
                           .resident_id = 7};
    snprintf(me.name, sizeof me.name, "山田 花子");
    at_event(t, &me);
    return true;
}

/* The hub's answer to GET /v1/family/safety (and to the check-ins asked with it: the
 * family list asks again only when its last request was answered). */
static void answer(struct apptest *t, int err, long status, const char *body)
{
    at_event(t, &(struct app_event){.kind = APP_EV_CHECKINS,
                                    .req = t->fp.last_list,
                                    .net = err == HUBC_OK ? APP_NET_OK : APP_NET_UNREACHABLE,
                                    .status = 200});
    struct app_event ev = {.kind = APP_EV_FAM_SAFETY, .req = last_fetch};
    hubport_parse(&ev, err, status, body);
    at_event(t, &ev);
    free(ev.disaster);
}

static const char *banner(struct apptest *t)
{
    const struct ui_target *b = ui_find_target(app_ui(t->app), "fam_safety");
    return b ? b->label : "";
}

/* The words of each state, on the family screen and on the check's own page. */
static void t_words_ja(void)
{
    struct apptest t;
    REQUIRE(open_family(&t, "ja"));
    CHECK_INT_EQ(fetches, 1); /* with the family list */
    CHECK_STR_EQ(banner(&t), "");
    answer(&t, HUBC_OK, 200, none_yet);
    /* resident 8's help is not resident 7's: the shown resident's state only */
    CHECK_STR_EQ(banner(&t), "大雨の あとの 安否確認：まだ 答えていません（9:00 から）");
    REQUIRE(at_tap(&t, "fam_safety"));
    CHECK_STR_EQ(app_screen_name(t.app), "fam_safety");
    CHECK(app_screen_has_text(t.app, "町が 9:00 に「ぶじですか」と 聞きました。"));
    CHECK(app_screen_has_text(t.app, "山田 花子さんは まだ 答えていません（9:00 から）。"));
    CHECK(app_screen_has_text(t.app, "電話を かけて ようすを 確かめてください。"));
    REQUIRE(at_tap(&t, "famsafety_ok"));
    CHECK_STR_EQ(app_screen_name(t.app), "family");

    /* the next poll (the family list's) brings the answer without a tap */
    at_pass(&t, 60000);
    CHECK_INT_EQ(fetches, 2);
    answer(&t, HUBC_OK, 200, safe_now);
    CHECK_STR_EQ(banner(&t), "大雨の あとの 安否確認：「ぶじです」と 答えました（9:10）");
    CHECK(!app_screen_has_text(t.app, "まだ 答えていません"));
    /* unchanged (304) and unreachable: what the family last saw stays */
    at_pass(&t, 60000);
    answer(&t, HUBC_OK, 304, "");
    CHECK_STR_EQ(banner(&t), "大雨の あとの 安否確認：「ぶじです」と 答えました（9:10）");
    at_pass(&t, 60000);
    answer(&t, HUBC_E_CONNECT, 0, "");
    CHECK_STR_EQ(banner(&t), "大雨の あとの 安否確認：「ぶじです」と 答えました（9:10）");
    /* 更新する asks too */
    REQUIRE(at_tap(&t, "refresh"));
    CHECK_INT_EQ(fetches, 5);
    answer(&t, HUBC_OK, 200, help_now);
    CHECK_STR_EQ(banner(&t), "大雨の あとの 安否確認：「助けが いる」と 答えました（9:10）。"
                             "すぐに 電話を かけてください");
    REQUIRE(at_tap(&t, "fam_safety"));
    CHECK(app_screen_has_text(t.app, "山田 花子さんは 9:10 に「助けが いる」と 答えました。"));
    CHECK(app_screen_has_text(t.app, "すぐに 山田 花子さんに 電話を かけてください。"));
    CHECK(app_screen_has_text(t.app, "119 に 電話してください。"));
    at_close(&t);
}

static void t_words_en_and_days(void)
{
    struct apptest t;
    REQUIRE(open_family(&t, "en"));
    answer(&t, HUBC_OK, 200, none_yet);
    CHECK_STR_EQ(banner(&t), "大雨の あとの 安否確認: no answer yet (asked at 9:00)");
    at_pass(&t, 60000);
    answer(&t, HUBC_OK, 200, safe_now);
    CHECK_STR_EQ(banner(&t), "大雨の あとの 安否確認: answered \"I am safe\" (9:10)");
    at_pass(&t, 60000);
    answer(&t, HUBC_OK, 200, help_now);
    CHECK_STR_EQ(banner(&t), "大雨の あとの 安否確認: \"I need help\" (9:10). Phone them now");
    REQUIRE(at_tap(&t, "fam_safety"));
    CHECK(app_screen_has_text(t.app, "call 119"));
    REQUIRE(at_tap(&t, "famsafety_ok"));
    /* two days on, a time alone would read as today's: the date is said */
    at_pass(&t, 2 * 86400 * 1000ull);
    answer(&t, HUBC_OK, 200, help_now);
    CHECK_STR_EQ(banner(&t),
                 "大雨の あとの 安否確認: \"I need help\" (11/23 9:10). Phone them now");
    at_close(&t);
}

/* The state of an answer, whatever the words. */
static void t_state_of(void)
{
    struct famsafety_entry e = {.answer = SAFETY_NONE};
    CHECK(famsafety_state_of(&e) == FAMSAFETY_NO_ANSWER);
    e.answer = SAFETY_SAFE;
    CHECK(famsafety_state_of(&e) == FAMSAFETY_SAFE);
    e.answer = SAFETY_NEED_HELP;
    CHECK(famsafety_state_of(&e) == FAMSAFETY_HELP);
    /* the newest check that asked the resident */
    struct famsafety_list l = {.n = 3};
    l.items[0] = (struct famsafety_entry){.check_id = 1, .started_at = 100, .resident_id = 7};
    l.items[1] = (struct famsafety_entry){.check_id = 2, .started_at = 300, .resident_id = 8};
    l.items[2] = (struct famsafety_entry){.check_id = 3, .started_at = 200, .resident_id = 7};
    CHECK(famsafety_newest(&l, 7) == &l.items[2]);
    CHECK(famsafety_newest(&l, 8) == &l.items[1]);
    CHECK(famsafety_newest(&l, 9) == NULL);
}

/* A check the town closed is still shown for its 7 days, said to be ended; a resident the
 * list no longer names leaves the banner, and the page says there is no check. */
static void t_closed_and_gone(void)
{
    struct apptest t;
    REQUIRE(open_family(&t, "ja"));
    answer(&t, HUBC_OK, 200,
           "{\"checks\":[{\"id\":4,\"title_ja\":\"大雨の あとの 安否確認\","
           "\"started_at_unix\":1795392000,\"closed_at_unix\":1795392500,\"residents\":"
           "[{\"resident_id\":7,\"answer\":\"safe\",\"answered_at_unix\":1795392300}]}]}");
    CHECK_STR_EQ(banner(&t), "大雨の あとの 安否確認：「ぶじです」と 答えました（9:05）");
    REQUIRE(at_tap(&t, "fam_safety"));
    CHECK(app_screen_has_text(t.app, "この 安否確認は 町が 終わりに しました。"));
    /* the next poll: nothing for this resident (consent withdrawn, or 7 days passed) */
    at_pass(&t, 60000);
    answer(&t, HUBC_OK, 200, "{\"checks\":[]}");
    CHECK(app_screen_has_text(t.app, "今 町の 安否確認は ありません。"));
    REQUIRE(at_tap(&t, "famsafety_ok"));
    CHECK_STR_EQ(banner(&t), "");
    at_close(&t);
}

/* A home tablet does not ask (the endpoint takes a family token). */
static void t_home_does_not_ask(void)
{
    struct apptest t;
    fetches = 0;
    struct app_ports ports = fake_ports_bind(&t.fp);
    ports.fetch_family_safety = r_fam_safety;
    REQUIRE(at_open_ports(&t, APP_PROFILE_HOME, &ports, "ja", false));
    at_pass(&t, 120000);
    CHECK_INT_EQ(fetches, 0);
    at_close(&t);
}

int main(void)
{
    TEST_RUN(t_parse);
    TEST_RUN(t_state_of);
    TEST_RUN(t_words_ja);
    TEST_RUN(t_words_en_and_days);
    TEST_RUN(t_closed_and_gone);
    TEST_RUN(t_home_does_not_ask);
    return test_summary();
}
