/*
 * test_card: the public kiosk's card login screens driven by injected card events (the
 * real PC/SC adapter is not wired to them yet): place → reading (progress after 1 s) →
 * PIN pad (tries left first, dots, clear, delete) → signing → the resident's screen;
 * wrong PIN; refusal when one try is left; blocked and foreign cards; card removed →
 * everything wiped and back to waiting at once; idle logout with the card still in.
 */
#include <string.h>

#include "appstate.h"
#include "apptest.h"

static void card_ev(struct apptest *t, enum app_event_kind kind, uint32_t seq, int mynumber,
                    int tries)
{
    struct app_event ev = {.kind = kind};
    ev.card.card_seq = seq;
    ev.card.is_mynumber = mynumber;
    ev.card.tries_left = tries;
    ev.card.status = APP_CARD_OK;
    at_event(t, &ev);
}

static void login_ev(struct apptest *t, enum app_card_status st, int tries, const char *name)
{
    struct app_event ev = {.kind = APP_EV_CARD_LOGIN, .req = t->fp.last_login};
    ev.card.status = st;
    ev.card.tries_left = tries;
    snprintf(ev.name, sizeof ev.name, "%s", name ? name : "");
    at_event(t, &ev);
}

static bool pin_wiped(const struct app *a)
{
    static const char zero[sizeof a->card.pin] = {0};
    return a->card.pin_len == 0 && memcmp(a->card.pin, zero, sizeof zero) == 0;
}

/* Whether one line of text on screen contains s (the keypad's own labels 1..4, read one
 * after the other, are not the PIN). */
static bool line_has(const struct app *a, const char *s)
{
    size_t n;
    const struct ui_cmd *c = ui_cmds(app_ui(a), &n);
    for (size_t i = 0; i < n; i++)
        if (c[i].kind == UI_CMD_TEXT && strstr(ui_cmd_text(app_ui(a), &c[i]), s))
            return true;
    return false;
}

static void type_pin(struct apptest *t, const char *digits)
{
    for (const char *d = digits; *d; d++) {
        char id[16];
        snprintf(id, sizeof id, "pin_%c", *d);
        at_tap(t, id);
    }
}

static void t_login_journey(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_PUBLIC));
    CHECK(app_screen_has_text(t.app, "カードリーダーに 置いてください"));
    card_ev(&t, APP_EV_CARD_INSERTED, 5, 0, 0);
    CHECK_STR_EQ(app_screen_name(t.app), "card_reading");
    CHECK(app_screen_has_text(t.app, "カードを 読んでいます"));
    CHECK(!app_screen_has_text(t.app, "秒"));
    CHECK(app_next_deadline(t.app) <= t.now + 1000);
    at_pass(&t, 1000); /* progress after 1 s */
    CHECK(app_screen_has_text(t.app, "読んでいます… 1 秒"));
    card_ev(&t, APP_EV_CARD_PRESENT, 5, 1, 3);
    CHECK_STR_EQ(app_screen_name(t.app), "card_pin");
    CHECK(app_screen_has_text(t.app, "あと 3 回"));         /* tries left before entry */
    CHECK(ui_find_target(app_ui(t.app), "pin_ok") == NULL); /* no 決定 before 4 digits */
    type_pin(&t, "129");
    CHECK(app_screen_has_text(t.app, "あと 1 けた"));
    REQUIRE(at_tap(&t, "pin_del"));
    type_pin(&t, "34");
    CHECK(!line_has(t.app, "1234")); /* digits are never shown */
    REQUIRE(at_tap(&t, "pin_ok"));
    CHECK_INT_EQ(t.fp.logins, 1);
    CHECK_STR_EQ(t.fp.pin, "1234");
    CHECK_INT_EQ(t.fp.card_seq, 5);
    CHECK_INT_EQ(t.fp.min_tries, 2); /* the adapter refuses too when 1 try is left */
    CHECK(pin_wiped(t.app));
    CHECK_STR_EQ(app_screen_name(t.app), "card_signing");
    login_ev(&t, APP_CARD_OK, 3, "山田 花子");
    CHECK_STR_EQ(app_screen_name(t.app), "session");
    CHECK(app_screen_has_text(t.app, "山田 花子さん、ようこそ"));
    CHECK(ui_find_target(app_ui(t.app), "nav_back") == NULL); /* the session's first screen */
    /* card out → logout at once, nothing of the session left on screen */
    card_ev(&t, APP_EV_CARD_REMOVED, 5, 0, 0);
    CHECK_STR_EQ(app_screen_name(t.app), "card_idle");
    CHECK(!app_screen_has_text(t.app, "山田"));
    CHECK(app_screen_has_text(t.app, "カードリーダーに 置いてください"));
    CHECK(t.app->name[0] == '\0');
    CHECK(!t.app->card.in_session);
    at_close(&t);
}

static void t_clear_key(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_PUBLIC));
    card_ev(&t, APP_EV_CARD_INSERTED, 1, 0, 0);
    card_ev(&t, APP_EV_CARD_PRESENT, 1, 1, 3);
    type_pin(&t, "1111");
    CHECK(ui_find_target(app_ui(t.app), "pin_ok") != NULL);
    REQUIRE(at_tap(&t, "pin_clear"));
    CHECK(pin_wiped(t.app));
    CHECK(ui_find_target(app_ui(t.app), "pin_ok") == NULL);
    type_pin(&t, "12345"); /* a fifth digit is ignored */
    CHECK_INT_EQ(t.app->card.pin_len, 4);
    /* the card leaves while the PIN is typed: wiped, back to waiting */
    card_ev(&t, APP_EV_CARD_REMOVED, 1, 0, 0);
    CHECK(pin_wiped(t.app));
    CHECK_STR_EQ(app_screen_name(t.app), "card_idle");
    at_close(&t);
}

static void t_wrong_pin_then_refuse_at_last_try(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_PUBLIC));
    card_ev(&t, APP_EV_CARD_INSERTED, 2, 0, 0);
    card_ev(&t, APP_EV_CARD_PRESENT, 2, 1, 3);
    type_pin(&t, "0000");
    REQUIRE(at_tap(&t, "pin_ok"));
    login_ev(&t, APP_CARD_WRONG_PIN, 2, NULL);
    CHECK_STR_EQ(app_screen_name(t.app), "card_pin");
    CHECK(app_screen_has_text(t.app, "暗証番号が ちがいます。"));
    CHECK(app_screen_has_text(t.app, "あと 2 回"));
    type_pin(&t, "0001");
    REQUIRE(at_tap(&t, "pin_ok"));
    login_ev(&t, APP_CARD_WRONG_PIN, 1, NULL);
    /* one try left: an unattended kiosk refuses and sends the resident to a counter */
    CHECK_STR_EQ(app_screen_name(t.app), "card_message");
    CHECK(app_screen_has_text(t.app, "この 端末では 暗証番号を 入れられません。"));
    CHECK(app_screen_has_text(t.app, "窓口"));
    CHECK(ui_find_target(app_ui(t.app), "pin_1") == NULL);
    CHECK_INT_EQ(t.fp.logins, 2);
    at_close(&t);
}

static void t_cards_that_cannot_log_in(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_PUBLIC));
    card_ev(&t, APP_EV_CARD_INSERTED, 3, 0, 0);
    card_ev(&t, APP_EV_CARD_PRESENT, 3, 1, 1); /* 1 try left already */
    CHECK_STR_EQ(app_screen_name(t.app), "card_message");
    CHECK(app_screen_has_text(t.app, "入れられません"));
    card_ev(&t, APP_EV_CARD_REMOVED, 3, 0, 0);
    card_ev(&t, APP_EV_CARD_INSERTED, 4, 0, 0);
    card_ev(&t, APP_EV_CARD_PRESENT, 4, 1, 0); /* blocked */
    CHECK(app_screen_has_text(t.app, "ロックされています"));
    card_ev(&t, APP_EV_CARD_REMOVED, 4, 0, 0);
    card_ev(&t, APP_EV_CARD_INSERTED, 6, 0, 0);
    card_ev(&t, APP_EV_CARD_PRESENT, 6, 0, APP_TRIES_UNKNOWN); /* not a My Number card */
    CHECK(app_screen_has_text(t.app, "マイナンバーカードでは ありません"));
    /* an event about another placement is ignored */
    card_ev(&t, APP_EV_CARD_PRESENT, 99, 1, 3);
    CHECK_STR_EQ(app_screen_name(t.app), "card_message");
    CHECK_INT_EQ(t.fp.logins, 0);
    at_close(&t);
}

static void t_idle_logout_reminds_to_take_the_card(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_PUBLIC));
    card_ev(&t, APP_EV_CARD_INSERTED, 7, 0, 0);
    card_ev(&t, APP_EV_CARD_PRESENT, 7, 1, 3);
    type_pin(&t, "12");
    at_pass(&t, 60000);
    CHECK(ui_find_target(app_ui(t.app), "idle_continue") != NULL);
    at_pass(&t, 30000);
    CHECK_STR_EQ(app_screen_name(t.app), "card_idle");
    CHECK(pin_wiped(t.app));
    CHECK(app_screen_has_text(t.app, "カードを お取りください。"));
    at_close(&t);
}

static void t_session_end_button(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_PUBLIC));
    card_ev(&t, APP_EV_CARD_INSERTED, 8, 0, 0);
    card_ev(&t, APP_EV_CARD_PRESENT, 8, 1, 3);
    type_pin(&t, "4321");
    REQUIRE(at_tap(&t, "pin_ok"));
    login_ev(&t, APP_CARD_OK, 3, "佐藤 一郎");
    REQUIRE(at_tap(&t, "session_end"));
    CHECK_STR_EQ(app_screen_name(t.app), "card_idle");
    CHECK(!app_screen_has_text(t.app, "佐藤"));
    CHECK(app_screen_has_text(t.app, "カードを お取りください。"));
    /* the hub refusing the login is said in words */
    card_ev(&t, APP_EV_CARD_REMOVED, 8, 0, 0);
    card_ev(&t, APP_EV_CARD_INSERTED, 9, 0, 0);
    card_ev(&t, APP_EV_CARD_PRESENT, 9, 1, 3);
    type_pin(&t, "4321");
    REQUIRE(at_tap(&t, "pin_ok"));
    login_ev(&t, APP_CARD_HUB_FAILED, 3, NULL);
    CHECK(app_screen_has_text(t.app, "確かめることが できませんでした。"));
    at_close(&t);
}

int main(void)
{
    TEST_RUN(t_login_journey);
    TEST_RUN(t_clear_key);
    TEST_RUN(t_wrong_pin_then_refuse_at_last_try);
    TEST_RUN(t_cards_that_cannot_log_in);
    TEST_RUN(t_idle_logout_reminds_to_take_the_card);
    TEST_RUN(t_session_end_button);
    return test_summary();
}
