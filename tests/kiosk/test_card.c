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
    CHECK(app_screen_has_text(t.app, "この 機械では 暗証番号を 入れられません。"));
    CHECK(app_screen_has_text(t.app, "窓口"));
    CHECK(ui_find_target(app_ui(t.app), "pin_1") == NULL);
    CHECK_INT_EQ(t.fp.logins, 2);
    at_close(&t);
}

/* The PIN pad says how many wrong PINs lock the card (the card's own count), never "N
 * mistakes allowed" (one more than true); at the last try it says the next wrong PIN
 * locks it, without a contradicting count; its delete key does not read like Back. */
static void t_pin_words(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_PUBLIC));
    card_ev(&t, APP_EV_CARD_INSERTED, 8, 0, 0);
    card_ev(&t, APP_EV_CARD_PRESENT, 8, 1, 3);
    CHECK(app_screen_has_text(t.app, "あと 3 回 まちがえると、カードが 使えなくなります。"));
    CHECK(!app_screen_has_text(t.app, "まちがえて よい"));
    const struct ui_target *del = ui_find_target(app_ui(t.app), "pin_del");
    const struct ui_target *back = ui_find_target(app_ui(t.app), "nav_back");
    REQUIRE(del != NULL);
    CHECK_STR_EQ(del->label, "1文字 消す");
    CHECK(back == NULL || strcmp(back->label, "もどる") == 0);
    CHECK(strncmp(del->label, "もど", strlen("もど")) != 0);
    app_set_lang(t.app, "en");
    app_frame(t.app);
    CHECK(app_screen_has_text(t.app, "3 more wrong PINs will lock your card."));
    CHECK(!app_screen_has_text(t.app, "You may get it wrong"));
    del = ui_find_target(app_ui(t.app), "pin_del");
    REQUIRE(del != NULL);
    CHECK_STR_EQ(del->label, "Erase one");
    app_set_lang(t.app, "ja");
    type_pin(&t, "0000");
    REQUIRE(at_tap(&t, "pin_ok"));
    login_ev(&t, APP_CARD_WRONG_PIN, 2, NULL);
    CHECK(app_screen_has_text(t.app, "暗証番号が ちがいます。あと 2 回 まちがえると、"));
    type_pin(&t, "0001");
    REQUIRE(at_tap(&t, "pin_ok"));
    login_ev(&t, APP_CARD_WRONG_PIN, 1, NULL);
    /* the unattended kiosk still refuses the last try, and says so without contradiction */
    CHECK_STR_EQ(app_screen_name(t.app), "card_message");
    CHECK(app_screen_has_text(t.app, "入れられるのは あと 1回だけです。次に まちがえると、"));
    CHECK(!app_screen_has_text(t.app, "まちがえて よい"));
    CHECK(app_screen_has_text(t.app, "窓口"));
    CHECK(ui_find_target(app_ui(t.app), "pin_1") == NULL);
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

/* --- card: step-up before screens that need a card session (home tablet) --- */

static int logouts; /* card_logout port calls */

static void count_logout(void *ctx)
{
    (void)ctx;
    logouts++;
}

static void secret_frame(struct app *a, struct ui_rect c)
{
    const struct theme *th = ui_theme(a->ui);
    wg_paragraph(a->ui, c, UI_FONT_REGULAR, WG_BODY_MM, th->text, th->bg, "SECRET DATA", WG_LEFT);
}

/* A screen with the resident's own data, as the privacy/checkup screens are. */
static const struct screen scr_secret = {
    .name = "secret", .title_key = "title_card", .frame = secret_frame, .needs_card = true};

static bool open_home(struct apptest *t)
{
    if (!at_open(t, APP_PROFILE_HOME))
        return false;
    t->app->ports.card_logout = count_logout;
    logouts = 0;
    return true;
}

static void go_secret(struct apptest *t)
{
    app_nav_push(t->app, &scr_secret);
    app_frame(t->app);
}

static void t_stepup_login_then_screen(void)
{
    struct apptest t;
    REQUIRE(open_home(&t));
    /* a card placed on the home tablet outside a step-up does nothing */
    card_ev(&t, APP_EV_CARD_INSERTED, 3, 0, 0);
    CHECK_STR_EQ(app_screen_name(t.app), "home");
    card_ev(&t, APP_EV_CARD_REMOVED, 3, 0, 0);
    CHECK_STR_EQ(app_screen_name(t.app), "home");
    go_secret(&t);
    CHECK_STR_EQ(app_screen_name(t.app), "card_stepup");
    CHECK(app_screen_has_text(t.app, "ご本人の 確認のため"));
    CHECK(!app_screen_has_text(t.app, "SECRET"));
    card_ev(&t, APP_EV_CARD_INSERTED, 4, 0, 0);
    CHECK_STR_EQ(app_screen_name(t.app), "card_reading");
    card_ev(&t, APP_EV_CARD_PRESENT, 4, 1, 1);
    /* the home tablet lets the resident use the last try (min_tries 1, docs/card.md) */
    CHECK_STR_EQ(app_screen_name(t.app), "card_pin");
    CHECK(app_screen_has_text(t.app, "次に まちがえると、カードが 使えなくなります。"));
    CHECK(!app_screen_has_text(t.app, "あと 1 回"));
    type_pin(&t, "1234");
    REQUIRE(at_tap(&t, "pin_ok"));
    CHECK(t.fp.logins == 1);
    CHECK(t.fp.min_tries == 1);
    CHECK(t.fp.card_seq == 4);
    CHECK(pin_wiped(t.app));
    CHECK_STR_EQ(app_screen_name(t.app), "card_signing");
    login_ev(&t, APP_CARD_OK, 3, "山田 花子");
    CHECK_STR_EQ(app_screen_name(t.app), "secret");
    CHECK(app_screen_has_text(t.app, "SECRET DATA"));
    CHECK(t.app->card.in_session);
    /* Back returns to where the resident was, and the session ends at the hub */
    REQUIRE(at_tap(&t, "nav_back"));
    CHECK_STR_EQ(app_screen_name(t.app), "home");
    CHECK(!t.app->card.in_session);
    CHECK(logouts == 1);
    /* the next visit asks again: the card still lies there, so straight to the PIN pad */
    go_secret(&t);
    CHECK_STR_EQ(app_screen_name(t.app), "card_pin");
    at_close(&t);
}

static void t_stepup_cancel_and_failures(void)
{
    struct apptest t;
    REQUIRE(open_home(&t));
    go_secret(&t);
    REQUIRE(at_tap(&t, "nav_back")); /* cancel before the card */
    CHECK_STR_EQ(app_screen_name(t.app), "home");
    card_ev(&t, APP_EV_CARD_INSERTED, 6, 0, 0);
    CHECK_STR_EQ(app_screen_name(t.app), "home"); /* no step-up pending any more */
    go_secret(&t);
    CHECK_STR_EQ(app_screen_name(t.app), "card_reading");
    card_ev(&t, APP_EV_CARD_PRESENT, 6, 1, 3);
    type_pin(&t, "99");
    /* card lifted while typing: the digits are wiped and the card asked for again */
    card_ev(&t, APP_EV_CARD_REMOVED, 6, 0, 0);
    CHECK(pin_wiped(t.app));
    CHECK_STR_EQ(app_screen_name(t.app), "card_stepup");
    card_ev(&t, APP_EV_CARD_INSERTED, 7, 0, 0);
    card_ev(&t, APP_EV_CARD_PRESENT, 7, 1, 3);
    type_pin(&t, "9999");
    REQUIRE(at_tap(&t, "pin_ok"));
    login_ev(&t, APP_CARD_WRONG_PIN, 2, NULL);
    CHECK_STR_EQ(app_screen_name(t.app), "card_pin");
    CHECK(app_screen_has_text(t.app, "あと 2 回"));
    /* a blocked card: the message, never the data */
    type_pin(&t, "9999");
    REQUIRE(at_tap(&t, "pin_ok"));
    login_ev(&t, APP_CARD_BLOCKED, 0, NULL);
    CHECK_STR_EQ(app_screen_name(t.app), "card_message");
    CHECK(app_screen_has_text(t.app, "ロックされています"));
    CHECK(!app_screen_has_text(t.app, "SECRET"));
    REQUIRE(at_tap(&t, "nav_back"));
    CHECK_STR_EQ(app_screen_name(t.app), "home");
    CHECK(logouts == 0);
    at_close(&t);
}

static void t_stepup_card_removed_and_timeout(void)
{
    struct apptest t;
    REQUIRE(open_home(&t));
    go_secret(&t);
    card_ev(&t, APP_EV_CARD_INSERTED, 9, 0, 0);
    card_ev(&t, APP_EV_CARD_PRESENT, 9, 1, 3);
    type_pin(&t, "1234");
    REQUIRE(at_tap(&t, "pin_ok"));
    login_ev(&t, APP_CARD_OK, 3, "山田 花子");
    CHECK_STR_EQ(app_screen_name(t.app), "secret");
    /* card out: the data closes at once and the hub session ends */
    card_ev(&t, APP_EV_CARD_REMOVED, 9, 0, 0);
    CHECK_STR_EQ(app_screen_name(t.app), "home");
    CHECK(!app_screen_has_text(t.app, "SECRET"));
    CHECK(logouts == 1);
    /* in session again; the sensitive-screen timeout closes it and ends the session */
    go_secret(&t);
    card_ev(&t, APP_EV_CARD_INSERTED, 10, 0, 0);
    card_ev(&t, APP_EV_CARD_PRESENT, 10, 1, 3);
    type_pin(&t, "1234");
    REQUIRE(at_tap(&t, "pin_ok"));
    login_ev(&t, APP_CARD_OK, 3, "");
    CHECK_STR_EQ(app_screen_name(t.app), "secret");
    at_pass(&t, 181000);
    CHECK_STR_EQ(app_screen_name(t.app), "home");
    CHECK(logouts == 2);
    /* leaving while the card signs: its answer is dropped, a session it made is ended */
    go_secret(&t);
    CHECK_STR_EQ(app_screen_name(t.app), "card_pin");
    type_pin(&t, "1234");
    REQUIRE(at_tap(&t, "pin_ok"));
    REQUIRE(at_tap(&t, "nav_back"));
    CHECK(logouts == 3);
    login_ev(&t, APP_CARD_OK, 3, "");
    CHECK_STR_EQ(app_screen_name(t.app), "home");
    CHECK(!t.app->card.in_session);
    at_close(&t);
}

/* A public kiosk never opens such a screen without a card login; a read that timed out
 * has its own words. */
static void t_public_needs_session_and_timeout(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_PUBLIC));
    app_nav_push(t.app, &scr_secret);
    app_frame(t.app);
    CHECK_STR_EQ(app_screen_name(t.app), "card_idle");
    struct app_event ev = {.kind = APP_EV_CARD_INSERTED};
    ev.card.card_seq = 2;
    at_event(&t, &ev);
    ev.kind = APP_EV_CARD_PRESENT;
    ev.card.status = APP_CARD_TIMEOUT;
    ev.card.is_mynumber = 1;
    ev.card.tries_left = APP_TRIES_UNKNOWN;
    at_event(&t, &ev);
    CHECK_STR_EQ(app_screen_name(t.app), "card_message");
    CHECK(app_screen_has_text(t.app, "10 秒 たちました"));
    CHECK(ui_find_target(app_ui(t.app), "pin_1") == NULL);
    at_close(&t);
}

/* A public session left alone on the resident's first screen ends at the idle timeout
 * (warning at 60 s, out at 90 s), at the hub too, and reminds to take the card. */
static void t_public_session_idle_logout(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_PUBLIC));
    t.app->ports.card_logout = count_logout;
    logouts = 0;
    card_ev(&t, APP_EV_CARD_INSERTED, 11, 0, 0);
    card_ev(&t, APP_EV_CARD_PRESENT, 11, 1, 3);
    type_pin(&t, "1234");
    REQUIRE(at_tap(&t, "pin_ok"));
    login_ev(&t, APP_CARD_OK, 3, "佐藤 一郎");
    CHECK_STR_EQ(app_screen_name(t.app), "session");
    CHECK(app_next_deadline(t.app) <= t.now + 60000);
    at_pass(&t, 60000);
    CHECK(ui_find_target(app_ui(t.app), "idle_continue") != NULL);
    at_pass(&t, 30000);
    CHECK_STR_EQ(app_screen_name(t.app), "card_idle");
    CHECK(!app_screen_has_text(t.app, "佐藤"));
    CHECK(app_screen_has_text(t.app, "カードを お取りください。"));
    CHECK(logouts == 1);
    at_close(&t);
}

/* --- end card --- */

/* A kiosk of one town sharing the hub: the waiting screen names the town, its own hours
 * and contact (from the hub's GET /v1/me); a card enrolled by another town is answered in
 * words, in Japanese and in English, naming the kiosk's town. */
static void t_town_and_card_of_another_town(void)
{
    struct apptest t;
    REQUIRE(at_open(&t, APP_PROFILE_PUBLIC));
    app_frame(t.app);
    CHECK_STR_EQ(app_screen_name(t.app), "card_idle");
    CHECK(t.fp.mes == 1); /* the kiosk asked the hub who it is */
    struct app_event me = {.kind = APP_EV_ME, .req = t.fp.last_me, .net = APP_NET_OK};
    snprintf(me.town.name, sizeof me.town.name, "横須賀市");
    snprintf(me.town.hours, sizeof me.town.hours, "8:30〜17:15（土日祝は休み）");
    snprintf(me.town.contact, sizeof me.town.contact, "福祉課 046-822-4000");
    at_event(&t, &me);
    app_frame(t.app);
    CHECK(app_screen_has_text(t.app, "横須賀市"));
    CHECK(app_screen_has_text(t.app, "8:30〜17:15"));
    CHECK(app_screen_has_text(t.app, "お問い合わせ: 福祉課 046-822-4000"));
    CHECK_INT_EQ(t.app->cfg.service_open_min, 8 * 60 + 30);
    CHECK_INT_EQ(t.app->cfg.service_close_min, 17 * 60 + 15);
    card_ev(&t, APP_EV_CARD_INSERTED, 21, 0, 0);
    card_ev(&t, APP_EV_CARD_PRESENT, 21, 1, 3);
    type_pin(&t, "1234");
    REQUIRE(at_tap(&t, "pin_ok"));
    login_ev(&t, APP_CARD_OTHER_TOWN, APP_TRIES_UNKNOWN, "");
    CHECK_STR_EQ(app_screen_name(t.app), "card_message");
    CHECK(app_screen_has_text(t.app, "ほかの 市町村で 登録された カードです。"));
    CHECK(app_screen_has_text(t.app, "この 端末は 横須賀市に 住む 人の ための ものです。"));
    CHECK(!t.app->card.in_session);
    CHECK(pin_wiped(t.app));
    app_set_lang(t.app, "en");
    app_frame(t.app);
    CHECK(app_screen_has_text(t.app, "This card was registered by another municipality."));
    CHECK(app_screen_has_text(t.app, "This kiosk is for residents of 横須賀市."));
    at_close(&t);
}

int main(void)
{
    TEST_RUN(t_login_journey);
    TEST_RUN(t_clear_key);
    TEST_RUN(t_wrong_pin_then_refuse_at_last_try);
    TEST_RUN(t_pin_words);
    TEST_RUN(t_cards_that_cannot_log_in);
    TEST_RUN(t_idle_logout_reminds_to_take_the_card);
    TEST_RUN(t_session_end_button);
    /* --- card --- */
    TEST_RUN(t_stepup_login_then_screen);
    TEST_RUN(t_stepup_cancel_and_failures);
    TEST_RUN(t_stepup_card_removed_and_timeout);
    TEST_RUN(t_public_needs_session_and_timeout);
    TEST_RUN(t_public_session_idle_logout);
    TEST_RUN(t_town_and_card_of_another_town);
    return test_summary();
}
