/*
 * test_nav: the app driven without a window: navigation (every function ≤ 3 taps from
 * home, Back and Home), the check-in journey (sent only when the hub said so, a retry
 * keeps the idempotency key), help with its confirm step, settings, the family list and
 * its refresh timer.
 */
#include <string.h>

#include "apptest.h"

/* Screens reachable from home with at most `depth` taps (breadth first, by tapping every
 * target of each screen from a fresh app). */
static int reach(const char *path[], int n, char seen[][32], int nseen, int depth)
{
    struct apptest t;
    if (!at_open(&t, APP_PROFILE_HOME))
        return nseen;
    for (int i = 0; i < n; i++)
        at_tap(&t, path[i]);
    size_t nt;
    const struct ui_target *tg = ui_targets(app_ui(t.app), &nt);
    char ids[48][UI_ID_MAX];
    size_t count = 0;
    for (size_t i = 0; i < nt && count < 48; i++)
        if (strcmp(tg[i].id, "nav_back") && strcmp(tg[i].id, "nav_home"))
            memcpy(ids[count++], tg[i].id, UI_ID_MAX);
    at_close(&t);
    for (size_t i = 0; i < count; i++) {
        struct apptest u;
        if (!at_open(&u, APP_PROFILE_HOME))
            break;
        for (int k = 0; k < n; k++)
            at_tap(&u, path[k]);
        at_tap(&u, ids[i]);
        const char *name = app_screen_name(u.app);
        bool known = false;
        for (int k = 0; k < nseen; k++)
            known |= !strcmp(seen[k], name);
        if (!known && nseen < 32)
            snprintf(seen[nseen++], 32, "%s", name);
        at_close(&u);
        if (depth > 1 && n < 3) {
            const char *p2[4];
            for (int k = 0; k < n; k++)
                p2[k] = path[k];
            p2[n] = ids[i];
            nseen = reach(p2, n + 1, seen, nseen, depth - 1);
        }
    }
    return nseen;
}

static void t_three_taps_from_home(void)
{
    char seen[32][32];
    int n = reach(NULL, 0, seen, 0, 3);
    const char *want[] = {"result",        "help_confirm", "help_sent",     "status",
                          "settings",      "setting_text", "setting_theme", "setting_lang",
                          "setting_sound", "menu",         "shop_menu",     "priv_own"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        bool found = false;
        for (int k = 0; k < n; k++)
            found |= !strcmp(seen[k], want[i]);
        if (!found)
            fprintf(stderr, "%s is not reachable within 3 taps\n", want[i]);
        CHECK(found);
    }
}

static void t_back_and_home(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_HOME));
    CHECK(ui_find_target(app_ui(t.app), "nav_back") == NULL); /* none on the home screen */
    REQUIRE(at_tap(&t, "settings"));
    REQUIRE(at_tap(&t, "set_text"));
    CHECK_STR_EQ(app_screen_name(t.app), "setting_text");
    const struct ui_target *b1 = ui_find_target(app_ui(t.app), "nav_back");
    REQUIRE(b1);
    struct ui_rect r1 = b1->r;
    REQUIRE(at_tap(&t, "nav_back"));
    CHECK_STR_EQ(app_screen_name(t.app), "settings");
    const struct ui_target *b2 = ui_find_target(app_ui(t.app), "nav_back");
    REQUIRE(b2);
    CHECK(memcmp(&r1, &b2->r, sizeof r1) == 0); /* the same place */
    REQUIRE(at_tap(&t, "set_text"));
    REQUIRE(at_tap(&t, "nav_home"));
    CHECK_STR_EQ(app_screen_name(t.app), "home");
    at_close(&t);
}

static void t_checkin_sent(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_HOME));
    CHECK_INT_EQ(t.fp.mes, 1); /* home asks the hub who it is for */
    at_event(&t, &(struct app_event){.kind = APP_EV_ME,
                                     .req = t.fp.last_me,
                                     .net = APP_NET_OK,
                                     .status = 200,
                                     .resident_id = 3});
    CHECK(!app_busy(t.app));
    REQUIRE(at_tap(&t, "checkin_genki"));
    CHECK_STR_EQ(app_screen_name(t.app), "result");
    CHECK_INT_EQ(t.fp.checkins, 1);
    CHECK_INT_EQ(t.fp.answer, APP_ANSWER_GENKI);
    CHECK(app_screen_has_text(t.app, "送っています"));
    CHECK(!app_screen_has_text(t.app, "送りました"));
    CHECK(app_busy(t.app));
    struct app_event ev = {
        .kind = APP_EV_CHECKIN_DONE, .req = t.fp.last_checkin, .net = APP_NET_OK, .status = 201};
    ev.checkin.answer = APP_ANSWER_GENKI;
    ev.checkin.at_unix = 1795392720; /* 09:12 JST */
    at_event(&t, &ev);
    CHECK(app_screen_has_text(t.app, "9:12 に 送りました。ご家族に 届きます。"));
    CHECK(app_screen_has_text(t.app, "令和8年11月23日 (2026年)"));
    CHECK(!app_busy(t.app));
    REQUIRE(at_tap(&t, "result_ok"));
    CHECK_STR_EQ(app_screen_name(t.app), "home");
    CHECK(app_screen_has_text(t.app, "9:12 に「元気です」を 送りました"));
    at_close(&t);
}

static void t_checkin_failed_then_retry(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_HOME));
    REQUIRE(at_tap(&t, "checkin_itsumo"));
    char key[80];
    snprintf(key, sizeof key, "%s", t.fp.key);
    struct app_event ev = {
        .kind = APP_EV_CHECKIN_DONE, .req = t.fp.last_checkin, .net = APP_NET_UNREACHABLE};
    at_event(&t, &ev);
    CHECK(app_screen_has_text(t.app, "送れませんでした。"));
    CHECK(!app_screen_has_text(t.app, "送りました"));
    CHECK(ui_find_target(app_ui(t.app), "retry") != NULL);
    REQUIRE(at_tap(&t, "retry"));
    CHECK_INT_EQ(t.fp.checkins, 2);
    CHECK_STR_EQ(t.fp.key, key); /* same Idempotency-Key: stored at most once */
    CHECK(app_screen_has_text(t.app, "送っています"));
    /* an answer to the old request is ignored */
    at_event(&t, &(struct app_event){.kind = APP_EV_CHECKIN_DONE, .req = 1, .net = APP_NET_OK});
    CHECK(!app_screen_has_text(t.app, "送りました"));
    /* the hub refusing is said in words with whom to phone; the status number only in the
     * log, never on its own on the screen */
    at_event(&t, &(struct app_event){.kind = APP_EV_CHECKIN_DONE,
                                     .req = t.fp.last_checkin,
                                     .net = APP_NET_REFUSED,
                                     .status = 401});
    CHECK(app_screen_has_text(t.app, "送れませんでした。"));
    CHECK(app_screen_has_text(t.app, "市の 見守り係に 電話してください。"));
    CHECK(!app_screen_has_text(t.app, "401"));
    CHECK(!app_screen_has_text(t.app, "番号"));
    /* a new check-in from home gets a new key */
    REQUIRE(at_tap(&t, "nav_home"));
    REQUIRE(at_tap(&t, "checkin_genkinai"));
    CHECK(strcmp(t.fp.key, key) != 0);
    at_close(&t);
}

/* Home tablet with an outbox: an undelivered check-in is kept and said so; もう一度 送る
 * retries the kept item (no second one); the later delivery shows on the home screen. */
static void t_checkin_kept_then_delivered(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_HOME));
    REQUIRE(at_tap(&t, "checkin_genki"));
    uint32_t item = t.fp.last_checkin;
    struct app_event kept = {.kind = APP_EV_CHECKIN_DONE,
                             .req = item,
                             .net = APP_NET_UNREACHABLE,
                             .kept = true,
                             .waiting_known = true,
                             .waiting = 1};
    at_event(&t, &kept);
    CHECK(app_screen_has_text(t.app, "まだ 届いていません。"));
    CHECK(app_screen_has_text(t.app, "つながったら 自動で 送ります"));
    CHECK(app_screen_has_text(t.app, "まだ 送っていない もの 1 件"));
    CHECK(!app_screen_has_text(t.app, "送りました"));
    REQUIRE(at_tap(&t, "retry"));
    CHECK_INT_EQ(t.fp.retries, 1);
    CHECK_INT_EQ(t.fp.checkins, 1); /* the kept item is retried, not added again */
    at_event(&t, &kept);            /* still offline */
    REQUIRE(at_tap(&t, "nav_home"));
    CHECK(app_screen_has_text(t.app, "まだ 送っていません"));
    struct app_event sent = {.kind = APP_EV_CHECKIN_DONE,
                             .req = item,
                             .net = APP_NET_OK,
                             .status = 201,
                             .waiting_known = true,
                             .waiting = 0};
    sent.checkin = (struct app_checkin){9, APP_ANSWER_GENKI, 1795392720};
    at_event(&t, &sent);
    CHECK(app_screen_has_text(t.app, "9:12 に「元気です」を 送りました"));
    CHECK(!app_screen_has_text(t.app, "まだ 送っていない もの")); /* nothing left to send */
    at_close(&t);
}

static void t_help_with_confirm(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_HOME));
    REQUIRE(at_tap(&t, "help"));
    CHECK_STR_EQ(app_screen_name(t.app), "help_confirm");
    CHECK_INT_EQ(t.fp.helps, 0); /* nothing sent before the confirmation */
    REQUIRE(at_tap(&t, "confirm_no"));
    CHECK_STR_EQ(app_screen_name(t.app), "home");
    CHECK_INT_EQ(t.fp.helps, 0);
    REQUIRE(at_tap(&t, "help"));
    REQUIRE(at_tap(&t, "confirm_yes"));
    CHECK_STR_EQ(app_screen_name(t.app), "help_sent");
    CHECK_INT_EQ(t.fp.helps, 1);
    CHECK(app_screen_has_text(t.app, "ご家族と 市の 見守り係に 知らせています"));
    at_event(&t, &(struct app_event){
                     .kind = APP_EV_HELP_DONE, .req = t.fp.last_help, .net = APP_NET_UNREACHABLE});
    CHECK(app_screen_has_text(t.app, "知らせることが できませんでした。"));
    CHECK(app_screen_has_text(t.app, "119"));
    REQUIRE(at_tap(&t, "help_retry"));
    CHECK_INT_EQ(t.fp.helps, 2);
    at_event(
        &t, &(struct app_event){
                .kind = APP_EV_HELP_DONE, .req = t.fp.last_help, .net = APP_NET_OK, .status = 201});
    CHECK(app_screen_has_text(t.app, "知らせました。"));
    at_close(&t);
}

static void t_settings_change_and_say_so(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_HOME));
    REQUIRE(at_tap(&t, "settings"));
    REQUIRE(at_tap(&t, "set_text"));
    REQUIRE(at_tap(&t, "text_150"));
    CHECK_INT_EQ(app_text_scale(t.app), 150);
    CHECK(app_screen_has_text(t.app, "150 %"));
    REQUIRE(at_tap(&t, "nav_back"));
    REQUIRE(at_tap(&t, "set_theme"));
    REQUIRE(at_tap(&t, "theme_yes"));
    CHECK_INT_EQ(app_theme_kind(t.app), THEME_HIGH_CONTRAST);
    CHECK(app_screen_has_text(t.app, "見やすい 色に しました。"));
    REQUIRE(at_tap(&t, "nav_back"));
    REQUIRE(at_tap(&t, "set_lang"));
    REQUIRE(at_tap(&t, "lang_en"));
    CHECK_STR_EQ(app_lang(t.app), "en");
    CHECK(app_screen_has_text(t.app, "The language is now English."));
    REQUIRE(at_tap(&t, "nav_back"));
    REQUIRE(at_tap(&t, "set_sound"));
    int tones = t.fp.tones;
    REQUIRE(at_tap(&t, "sound_no"));
    CHECK(app_screen_has_text(t.app, "Sound is off."));
    int after = t.fp.tones;
    REQUIRE(at_tap(&t, "nav_home"));
    CHECK_INT_EQ(t.fp.tones, after); /* silent now */
    CHECK(tones > 0);
    at_close(&t);
}

static void t_family_refused_is_not_a_network_fault(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_FAMILY));
    at_event(&t,
             &(struct app_event){
                 .kind = APP_EV_ME, .req = t.fp.last_me, .net = APP_NET_REFUSED, .status = 401});
    CHECK(app_screen_has_text(t.app, "見守りの しくみに 受け付けて もらえませんでした。"));
    CHECK(!app_screen_has_text(t.app, "401"));
    CHECK(!app_screen_has_text(t.app, "つながりませんでした"));
    at_close(&t);
}

static void t_home_checks_the_network(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_HOME));
    CHECK_INT_EQ(t.fp.mes, 1);
    at_event(&t, &(struct app_event){.kind = APP_EV_ME,
                                     .req = t.fp.last_me,
                                     .net = APP_NET_OK,
                                     .status = 200,
                                     .resident_id = 1});
    CHECK(app_screen_has_text(t.app, "つながっています"));
    at_pass(&t, 5 * 60 * 1000);
    CHECK_INT_EQ(t.fp.mes, 2);
    at_event(&t, &(struct app_event){
                     .kind = APP_EV_ME, .req = t.fp.last_me, .net = APP_NET_UNREACHABLE});
    CHECK(app_screen_has_text(t.app, "つながっていません"));
    at_close(&t);
}

static void t_family_list_and_refresh(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_FAMILY));
    CHECK_STR_EQ(app_screen_name(t.app), "family");
    CHECK_INT_EQ(t.fp.mes, 1);
    CHECK(app_screen_has_text(t.app, "読み込んでいます"));
    struct app_event me = {
        .kind = APP_EV_ME, .req = t.fp.last_me, .net = APP_NET_OK, .status = 200, .resident_id = 7};
    snprintf(me.name, sizeof me.name, "山田 花子");
    at_event(&t, &me);
    CHECK_INT_EQ(t.fp.lists, 1);
    CHECK_INT_EQ(t.fp.resident, 7);
    struct app_event l = {.kind = APP_EV_CHECKINS,
                          .req = t.fp.last_list,
                          .net = APP_NET_OK,
                          .status = 200,
                          .count = 2};
    l.items[0] = (struct app_checkin){2, APP_ANSWER_GENKINAI, 1795392720};
    l.items[1] = (struct app_checkin){1, APP_ANSWER_GENKI, 1795392720 - 86400};
    at_event(&t, &l);
    CHECK(app_screen_has_text(t.app, "元気がない"));
    CHECK(app_screen_has_text(t.app, "令和8年11月23日 (2026年) 9:12"));
    CHECK(app_screen_has_text(t.app, "山田 花子さんの 元気"));
    /* on demand */
    REQUIRE(at_tap(&t, "refresh"));
    CHECK_INT_EQ(t.fp.lists, 2);
    at_event(&t, &(struct app_event){
                     .kind = APP_EV_CHECKINS, .req = t.fp.last_list, .net = APP_NET_UNREACHABLE});
    CHECK(app_screen_has_text(t.app, "つながりませんでした。"));
    CHECK(app_screen_has_text(t.app, "元気がない")); /* the last list stays */
    /* periodically */
    at_pass(&t, 60000);
    CHECK_INT_EQ(t.fp.lists, 3);
    at_close(&t);
}

int main(void)
{
    TEST_RUN(t_back_and_home);
    TEST_RUN(t_checkin_sent);
    TEST_RUN(t_checkin_failed_then_retry);
    TEST_RUN(t_checkin_kept_then_delivered);
    TEST_RUN(t_help_with_confirm);
    TEST_RUN(t_settings_change_and_say_so);
    TEST_RUN(t_family_list_and_refresh);
    TEST_RUN(t_family_refused_is_not_a_network_fault);
    TEST_RUN(t_home_checks_the_network);
    TEST_RUN(t_three_taps_from_home);
    return test_summary();
}
