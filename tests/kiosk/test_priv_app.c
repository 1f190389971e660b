/*
 * test_priv_app: the resident's own data and the family's alerts in the app, without a
 * window: access-log sentences in ja and en, judgement words and icons, the range bar's
 * position, paging, value texts; and the flows driven by taps and injected answers: every
 * service ≤ 3 taps from the session's home, the consent change with its confirm step and
 * its result in words, the family's alert banner and acknowledgement, and the wipe when
 * the card leaves (a late answer of the ended session shows nothing).
 */
#include <stdlib.h>
#include <string.h>

#include "appstate.h"
#include "apptest.h"

/* --- a port that records priv requests --- */

static struct {
    int n;
    struct priv_request last;
    uint32_t next;
} rec;

static uint32_t fp_priv(void *ctx, const struct priv_request *r)
{
    (void)ctx;
    rec.n++;
    rec.last = *r;
    return 1000 + ++rec.next;
}

static bool open_priv(struct apptest *t, enum app_profile profile)
{
    memset(&rec, 0, sizeof rec);
    if (!at_open(t, profile))
        return false;
    t->app->ports.priv_request = fp_priv;
    return true;
}

/* Answers the last priv request with x (copied; the event's own copy is freed here). */
static void answer(struct apptest *t, enum app_event_kind kind, const struct priv_answer *x,
                   enum app_net net, long status)
{
    struct app_event ev = {.kind = kind, .req = 1000 + rec.next, .net = net, .status = status};
    struct priv_answer *copy = NULL;
    if (x) {
        copy = malloc(sizeof *copy);
        memcpy(copy, x, sizeof *copy);
    }
    ev.priv = copy;
    at_event(t, &ev);
    free(copy);
}

static struct priv_log_entry entry(const char *kind, const char *name, const char *action,
                                   const char *data, const char *purpose, const char *basis)
{
    struct priv_log_entry e = {.id = 7, .at_unix = 1772586720}; /* 2026-03-04 10:12 JST */
    snprintf(e.actor_kind, sizeof e.actor_kind, "%s", kind);
    snprintf(e.actor_name, sizeof e.actor_name, "%s", name);
    snprintf(e.action, sizeof e.action, "%s", action);
    snprintf(e.outcome, sizeof e.outcome, "ok");
    snprintf(e.data_kinds, sizeof e.data_kinds, "%s", data);
    snprintf(e.purpose, sizeof e.purpose, "%s", purpose);
    snprintf(e.basis, sizeof e.basis, "%s", basis);
    return e;
}

/* --- formatting --- */

static void t_sentence_ja(void)
{
    struct apptest t;
    CHECK(open_priv(&t, APP_PROFILE_PUBLIC));
    char buf[PRIV_SENTENCE];
    struct priv_log_entry e =
        entry("family", "花子", "checkins.read", "safety", "watch_over", "consent:3");
    priv_log_sentence(t.app, &e, buf, sizeof buf);
    CHECK_STR_EQ(buf, "令和8年3月4日 (2026年) 10:12 花子さんが 安否の記録を "
                      "見ました（見守りのため・あなたの同意）");
    e = entry("staff", "", "alerts.read", "safety", "watch_over", "legal:watch_over_city");
    priv_log_sentence(t.app, &e, buf, sizeof buf);
    CHECK(strstr(buf, "市の 見守り係が 安否の記録を 見ました（見守りのため・法令などの 決まり）"));
    e = entry("device", "", "checkups.list", "checkups", "own_view", "self:card_session");
    priv_log_sentence(t.app, &e, buf, sizeof buf);
    CHECK(strstr(buf, "あなたが 健診の結果を 見ました（ご自分で 見るため・あなた自身の 操作）"));
    e = entry("family", "花子", "checkins.read", "safety", "watch_over", "none");
    snprintf(e.outcome, sizeof e.outcome, "refused: no consent");
    priv_log_sentence(t.app, &e, buf, sizeof buf);
    CHECK(strstr(buf, "花子さんが 安否の記録を 見ようとしましたが、断られました"));
    e = entry("family", "花子", "consent.revoke", "safety", "watch_over", "self:card_session");
    priv_log_sentence(t.app, &e, buf, sizeof buf);
    CHECK(strstr(buf, "あなたが 安否の記録を 見せる 同意を 取り消しました"));
    /* the refusal of statistical use at the kiosk, in words (not "あなたの 情報を 扱いました") */
    e = entry("device", "", "stats.optout", "stats_optout", "statistics", "self:card_session");
    priv_log_sentence(t.app, &e, buf, sizeof buf);
    CHECK(strstr(
        buf, "あなたが 統計に 入るかの 設定を 変えました（町の 統計のため・あなた自身の 操作）"));
    at_close(&t);
}

static void t_sentence_en(void)
{
    struct apptest t;
    CHECK(open_priv(&t, APP_PROFILE_PUBLIC));
    app_set_lang(t.app, "en");
    char buf[PRIV_SENTENCE];
    struct priv_log_entry e =
        entry("family", "Hanako", "checkins.read", "safety", "watch_over", "consent:3");
    priv_log_sentence(t.app, &e, buf, sizeof buf);
    CHECK_STR_EQ(buf, "4 March 2026 (Reiwa 8) 10:12 Hanako viewed your safety records (for "
                      "watching over; your consent)");
    e = entry("city_office", "", "family.link", "safety", "watch_over", "enrolment");
    priv_log_sentence(t.app, &e, buf, sizeof buf);
    CHECK(strstr(buf, "The city office handled your safety records (for watching over; your "
                      "enrolment form)"));
    e = entry("device", "", "stats.optin", "stats_optout", "statistics", "self:card_session");
    priv_log_sentence(t.app, &e, buf, sizeof buf);
    CHECK(
        strstr(buf, "changed your choice about the town's statistics (for the town's statistics;"));
    at_close(&t);
}

static void t_judgement(void)
{
    struct apptest t;
    CHECK(open_priv(&t, APP_PROFILE_PUBLIC));
    CHECK_STR_EQ(ck_judgement_words(t.app, CK_J_NORMAL), "基準内");
    CHECK_STR_EQ(ck_judgement_words(t.app, CK_J_GUIDANCE), "保健指導");
    CHECK_STR_EQ(ck_judgement_words(t.app, CK_J_SEE_DOCTOR), "受診をおすすめ");
    CHECK_STR_EQ(ck_judgement_words(t.app, CK_J_NONE), "判定なし");
    /* three judgements, three different shapes: never colour alone */
    CHECK(ck_judgement_icon(CK_J_NORMAL) != ICON_NONE);
    CHECK(ck_judgement_icon(CK_J_GUIDANCE) != ICON_NONE);
    CHECK(ck_judgement_icon(CK_J_SEE_DOCTOR) != ICON_NONE);
    CHECK(ck_judgement_icon(CK_J_NORMAL) != ck_judgement_icon(CK_J_GUIDANCE));
    CHECK(ck_judgement_icon(CK_J_GUIDANCE) != ck_judgement_icon(CK_J_SEE_DOCTOR));
    CHECK(ck_judgement_icon(CK_J_NORMAL) != ck_judgement_icon(CK_J_SEE_DOCTOR));
    CHECK(ck_judgement_parse("see_doctor") == CK_J_SEE_DOCTOR);
    CHECK(ck_judgement_parse("guidance") == CK_J_GUIDANCE);
    CHECK(ck_judgement_parse("normal") == CK_J_NORMAL);
    CHECK(ck_judgement_parse("abnormal") == CK_J_NONE);
    CHECK(ck_judgement_parse(NULL) == CK_J_NONE);
    app_set_lang(t.app, "en");
    CHECK_STR_EQ(ck_judgement_words(t.app, CK_J_SEE_DOCTOR), "See a doctor");
    at_close(&t);
}

static void t_bar(void)
{
    struct ck_item it = {
        .has_value = true, .has_low = true, .has_high = true, .low = 4.6, .high = 5.5};
    double pos, lo, hi;
    it.value = 4.6;
    CHECK(ck_bar(&it, &pos, &lo, &hi));
    CHECK(pos > 0.249 && pos < 0.251); /* the range is the middle half */
    it.value = 5.5;
    CHECK(ck_bar(&it, &pos, &lo, &hi));
    CHECK(pos > 0.749 && pos < 0.751);
    it.value = 50;
    CHECK(ck_bar(&it, &pos, &lo, &hi) && pos == 1.0); /* clamped */
    it.value = -3;
    CHECK(ck_bar(&it, &pos, &lo, &hi) && pos == 0.0);
    /* one-sided threshold (systolic 130 / 140) */
    struct ck_item bp = {.has_value = true,
                         .value = 135,
                         .has_threshold = true,
                         .has_see_doctor = true,
                         .t_guidance = 130,
                         .t_see_doctor = 140,
                         .higher_is_worse = true};
    CHECK(ck_bar(&bp, &pos, &lo, &hi));
    CHECK(pos > 0.49 && pos < 0.51);
    bp.value = 140;
    CHECK(ck_bar(&bp, &pos, &lo, &hi) && pos > 0.74 && pos < 0.76);
    /* no number, or nothing to compare with: no bar */
    struct ck_item text = {.has_value = false};
    CHECK(!ck_bar(&text, &pos, &lo, &hi));
    struct ck_item bare = {.has_value = true, .value = 158};
    CHECK(!ck_bar(&bare, &pos, &lo, &hi));
}

static void t_value_text(void)
{
    struct apptest t;
    char buf[64];
    CHECK(open_priv(&t, APP_PROFILE_PUBLIC));
    struct ck_item it = {.has_value = true, .value = 6.8};
    snprintf(it.unit_display, sizeof it.unit_display, "%%");
    ck_value_text(t.app, NULL, &it, buf, sizeof buf);
    CHECK_STR_EQ(buf, "6.8 %");
    it.value = 142;
    snprintf(it.unit_display, sizeof it.unit_display, "mmHg");
    ck_value_text(t.app, NULL, &it, buf, sizeof buf);
    CHECK_STR_EQ(buf, "142 mmHg");
    it.value = 0.126;
    ck_value_text(t.app, NULL, &it, buf, sizeof buf);
    CHECK_STR_EQ(buf, "0.13 mmHg");
    static struct ck_detail d;
    struct ck_item tx = {.has_value = false, .kind = CK_K_TEXT};
    ck_item_set_text(&d, &tx, "所見なし");
    ck_value_text(t.app, &d, &tx, buf, sizeof buf);
    CHECK_STR_EQ(buf, "所見なし");
    at_close(&t);
}

static void t_paging(void)
{
    int h[6] = {10, 10, 10, 25, 5, 5}, starts[6];
    int pages = priv_paginate(h, 6, 30, starts, 6);
    CHECK(pages == 3);
    CHECK(starts[0] == 0 && starts[1] == 3 && starts[2] == 5);
    /* a row taller than a page gets a page of its own */
    int tall[3] = {50, 10, 10};
    pages = priv_paginate(tall, 3, 30, starts, 6);
    CHECK(pages == 2 && starts[1] == 1);
    /* at most two a page */
    pages = priv_paginate_max(h, 6, 100, 2, starts, 6);
    CHECK(pages == 3 && starts[1] == 2 && starts[2] == 4);
    CHECK(priv_paginate(h, 0, 30, starts, 6) == 1);
}

/* --- flows --- */

static void to_session(struct apptest *t)
{
    CHECK(app_catalogue_show(t->app, "session"));
    t->app->card.in_session = true;
    t->app->card.present = true;
    app_frame(t->app);
}

static void t_reach_checkups(void)
{
    struct apptest t;
    CHECK(open_priv(&t, APP_PROFILE_PUBLIC));
    to_session(&t);
    /* tap 1: the list */
    CHECK(at_tap(&t, "ck_list"));
    CHECK_STR_EQ(app_screen_name(t.app), "ck_list");
    CHECK(rec.last.what == PRIV_REQ_CK_LIST);
    struct priv_answer *x = calloc(1, sizeof *x);
    x->n = 2;
    x->u.cks[0] =
        (struct ck_summary){.id = 11, .date = "2026-06-10", .year = 2026, .see_doctor = 1};
    x->u.cks[1] = (struct ck_summary){.id = 9, .date = "2025-06-12", .year = 2025};
    answer(&t, APP_EV_CK_LIST, x, APP_NET_OK, 200);
    CHECK(app_screen_has_text(t.app, "令和8年6月10日"));
    /* tap 2: one checkup */
    CHECK(at_tap(&t, "ck_0"));
    CHECK_STR_EQ(app_screen_name(t.app), "ck_one");
    CHECK(rec.last.what == PRIV_REQ_CK_ONE && rec.last.id == 11);
    memset(x, 0, sizeof *x);
    x->u.ck.id = 11;
    snprintf(x->u.ck.date, sizeof x->u.ck.date, "2026-06-10");
    struct ck_item *it = &x->u.ck.items[0];
    snprintf(it->identity, sizeof it->identity, "3D046");
    snprintf(it->name, sizeof it->name, "HbA1c");
    it->has_value = true;
    it->value = 6.8;
    snprintf(it->unit_display, sizeof it->unit_display, "%%");
    it->judgement = CK_J_SEE_DOCTOR;
    it->has_threshold = it->has_see_doctor = it->higher_is_worse = true;
    it->t_guidance = 5.6;
    it->t_see_doctor = 6.5;
    snprintf(it->explain_ja, sizeof it->explain_ja, "血糖の 状態です。");
    x->u.ck.n = x->n = 1;
    answer(&t, APP_EV_CK_ONE, x, APP_NET_OK, 200);
    CHECK(app_screen_has_text(t.app, "6.8 %"));
    CHECK(app_screen_has_text(t.app, "受診をおすすめ"));
    /* the hub's abbreviation alone is not the item's name: plain words, it in brackets */
    CHECK(app_screen_has_text(t.app, "血糖の 平均 (HbA1c)"));
    /* tap 3: the item's detail, which asks for its trend */
    CHECK(at_tap(&t, "item_0"));
    CHECK_STR_EQ(app_screen_name(t.app), "ck_item");
    CHECK(rec.last.what == PRIV_REQ_CK_TREND && strcmp(rec.last.identity, "3D046") == 0);
    CHECK(app_screen_has_text(t.app, "血糖の 状態です。"));
    memset(x, 0, sizeof *x);
    struct ck_trend *tr = &x->u.trend;
    snprintf(tr->identity, sizeof tr->identity, "3D046");
    snprintf(tr->name, sizeof tr->name, "HbA1c");
    snprintf(tr->unit_display, sizeof tr->unit_display, "%%");
    tr->has_threshold = tr->has_see_doctor = tr->higher_is_worse = true;
    tr->t_guidance = 5.6;
    tr->t_see_doctor = 6.5;
    tr->n = x->n = 2;
    tr->points[0] =
        (struct ck_point){.date = "2025-06-12", .value = 5.9, .judgement = CK_J_GUIDANCE};
    tr->points[1] =
        (struct ck_point){.date = "2026-06-10", .value = 6.8, .judgement = CK_J_SEE_DOCTOR};
    answer(&t, APP_EV_CK_TREND, x, APP_NET_OK, 200);
    CHECK(app_screen_has_text(t.app, "血糖の 平均 (HbA1c)"));
    /* the chart (thresholds labelled) and the results in words, on this page or the next */
    bool marks = false, words = false;
    for (int i = 0; i < 4; i++) {
        marks |= app_screen_has_text(t.app, "保健指導 5.6 %") &&
                 app_screen_has_text(t.app, "受診 6.5 %");
        words |= app_screen_has_text(t.app, "2025/6/12 5.9 %（保健指導）");
        if (!ui_find_target(app_ui(t.app), "page_next"))
            break;
        CHECK(at_tap(&t, "page_next"));
    }
    CHECK(marks && words);
    free(x);
    at_close(&t);
}

static void t_no_checkups_says_how(void)
{
    struct apptest t;
    CHECK(open_priv(&t, APP_PROFILE_PUBLIC));
    to_session(&t);
    CHECK(at_tap(&t, "ck_list"));
    struct priv_answer x = {.n = 0};
    answer(&t, APP_EV_CK_LIST, &x, APP_NET_OK, 200);
    CHECK(app_screen_has_text(t.app, "同意を してください"));
    at_close(&t);
}

static struct priv_answer *consents_answer(bool on)
{
    struct priv_answer *x = calloc(1, sizeof *x);
    x->u.consents.nr = 1;
    x->u.consents.r[0] =
        (struct priv_recipient){.kind = "family", .id = 4, .name = "花子", .relation = "長女"};
    if (on) {
        x->n = 1;
        x->u.consents.c[0] = (struct priv_consent){.id = 3,
                                                   .recipient_kind = "family",
                                                   .recipient_id = 4,
                                                   .recipient_name = "花子",
                                                   .data_kind = "safety",
                                                   .purpose = "watch_over"};
    }
    return x;
}

static void t_consent_revoke(void)
{
    struct apptest t;
    CHECK(open_priv(&t, APP_PROFILE_PUBLIC));
    to_session(&t);
    CHECK(at_tap(&t, "priv_menu"));
    CHECK(at_tap(&t, "priv_consent")); /* 2 taps from the session's home */
    CHECK_STR_EQ(app_screen_name(t.app), "priv_consent");
    CHECK(rec.last.what == PRIV_REQ_CONSENTS);
    struct priv_answer *x = consents_answer(true);
    answer(&t, APP_EV_PRIV_CONSENTS, x, APP_NET_OK, 200);
    CHECK(app_screen_has_text(t.app, "長女 花子さんに 安否の記録を 見せる"));
    int before = rec.n;
    CHECK(at_tap(&t, "consent_0_no"));
    /* asked first: nothing sent yet */
    CHECK(rec.n == before);
    CHECK(app_screen_has_text(t.app, "長女 花子さんに 安否の記録を 見せるのを やめますか？"));
    /* いいえ: nothing changes */
    CHECK(at_tap(&t, "confirm_no"));
    CHECK(rec.n == before);
    CHECK(t.app->pv.rows[0].on);
    CHECK(at_tap(&t, "consent_0_no"));
    CHECK(at_tap(&t, "confirm_yes"));
    CHECK(rec.n == before + 1);
    CHECK(rec.last.what == PRIV_REQ_CONSENT_SET);
    CHECK(!rec.last.granted && rec.last.recipient_id == 4);
    CHECK_STR_EQ(rec.last.recipient_kind, "family");
    CHECK_STR_EQ(rec.last.data_kind, "safety");
    CHECK_STR_EQ(rec.last.purpose, "watch_over");
    CHECK_STR_EQ(app_screen_name(t.app), "priv_consent_done");
    CHECK(app_screen_has_text(t.app, "送っています"));
    struct priv_answer set = {.changed = true};
    answer(&t, APP_EV_PRIV_CONSENT_SET, &set, APP_NET_OK, 200);
    CHECK(app_screen_has_text(t.app,
                              "変えました。長女 花子さんは これから 安否の記録を 見られません。"));
    CHECK(!t.app->pv.rows[0].on);
    free(x);
    at_close(&t);
}

/* 私の情報's opening words name every choice the screen holds (the statistics choice was
 * added without them), in both languages. */
static void t_menu_opening_words(void)
{
    static const char *langs[2] = {"ja", "en"};
    /* per language: what each of priv_log, priv_consent and stats_optout is about */
    static const char *about[2][3] = {{"見たか", "見せるか", "町の 統計に 入るか"},
                                      {"who saw", "who may see", "statistics"}};
    for (int l = 0; l < 2; l++) {
        struct apptest t;
        CHECK(open_priv(&t, APP_PROFILE_PUBLIC));
        app_set_lang(t.app, langs[l]);
        to_session(&t);
        CHECK(at_tap(&t, "priv_menu"));
        CHECK_STR_EQ(app_screen_name(t.app), "priv_menu");
        const char *body = app_s(t.app, "priv_menu_body");
        CHECK(app_screen_has_text(t.app, body));
        static const char *const choice[3] = {"priv_log", "priv_consent", "stats_optout"};
        for (int i = 0; i < 3; i++) {
            CHECK(ui_find_target(app_ui(t.app), choice[i]) != NULL);
            if (!strstr(body, about[l][i]))
                fprintf(stderr, "%s: the opening words do not name %s (%s)\n", langs[l], choice[i],
                        about[l][i]);
            CHECK(strstr(body, about[l][i]) != NULL);
        }
        at_close(&t);
    }
}

static void t_consent_failure_in_words(void)
{
    struct apptest t;
    CHECK(open_priv(&t, APP_PROFILE_PUBLIC));
    to_session(&t);
    CHECK(at_tap(&t, "priv_menu"));
    CHECK(at_tap(&t, "priv_consent"));
    struct priv_answer *x = consents_answer(false);
    answer(&t, APP_EV_PRIV_CONSENTS, x, APP_NET_OK, 200);
    CHECK(at_tap(&t, "consent_0_yes"));
    CHECK(app_screen_has_text(t.app, "見せますか"));
    CHECK(at_tap(&t, "confirm_yes"));
    CHECK(rec.last.granted);
    answer(&t, APP_EV_PRIV_CONSENT_SET, NULL, APP_NET_UNREACHABLE, 0);
    CHECK(app_screen_has_text(t.app, "変えられませんでした。同意は 前の ままです。"));
    CHECK(app_screen_has_text(t.app, "つながりませんでした"));
    CHECK(!t.app->pv.rows[0].on);
    free(x);
    at_close(&t);
}

static void t_log_and_wipe(void)
{
    struct apptest t;
    CHECK(open_priv(&t, APP_PROFILE_PUBLIC));
    to_session(&t);
    CHECK(at_tap(&t, "priv_menu"));
    CHECK(at_tap(&t, "priv_log"));
    CHECK(rec.last.what == PRIV_REQ_LOG && rec.last.before == 0);
    struct priv_answer *x = calloc(1, sizeof *x);
    x->n = 1;
    x->u.log[0] = entry("family", "花子", "checkins.read", "safety", "watch_over", "consent:3");
    x->next_before = 0;
    answer(&t, APP_EV_PRIV_LOG, x, APP_NET_OK, 200);
    CHECK(app_screen_has_text(t.app, "花子さんが 安否の記録を 見ました"));
    /* asking again, then the card leaves before the answer */
    priv_load_log(t.app, false);
    uint32_t late = 1000 + rec.next;
    app_card_end(t.app);
    CHECK(t.app->pv.log_n == 0);
    CHECK(t.app->pv.log[0].actor_name[0] == '\0');
    struct app_event ev = {.kind = APP_EV_PRIV_LOG, .req = late, .net = APP_NET_OK, .priv = x};
    at_event(&t, &ev);
    CHECK(t.app->pv.log_n == 0); /* the ended session's answer shows nothing */
    free(x);
    at_close(&t);
}

static void t_refused_in_words(void)
{
    struct apptest t;
    CHECK(open_priv(&t, APP_PROFILE_PUBLIC));
    to_session(&t);
    CHECK(at_tap(&t, "priv_alerts"));
    answer(&t, APP_EV_PRIV_ALERTS, NULL, APP_NET_REFUSED, 401);
    CHECK(app_screen_has_text(t.app, "カードでの 確認が 切れました"));
    /* without a session the port sends nothing: the screen says why */
    t.app->ports.priv_request = NULL;
    priv_load_alerts(t.app);
    app_frame(t.app);
    CHECK(app_screen_has_text(t.app, "カードでの 確認が 切れました"));
    at_close(&t);
}

static void t_session_alerts(void)
{
    struct apptest t;
    CHECK(open_priv(&t, APP_PROFILE_PUBLIC));
    to_session(&t);
    CHECK(at_tap(&t, "priv_alerts"));
    struct priv_answer x = {.n = 1};
    x.u.alerts[0] = (struct priv_alert){.id = 5,
                                        .kind = "missed",
                                        .level = "family",
                                        .raised_unix = T_WALL - 3600,
                                        .acked = true,
                                        .acked_kind = "family",
                                        .acked_name = "花子",
                                        .acked_unix = T_WALL - 600};
    answer(&t, APP_EV_PRIV_ALERTS, &x, APP_NET_OK, 200);
    CHECK(app_screen_has_text(t.app, "元気の 連絡が ありませんでした。"));
    CHECK(app_screen_has_text(t.app, "花子さんが 9:02 に 確かめました。"));
    at_close(&t);
}

/* One help press alerted the family and the city: one entry, each level's state labelled
 * (before, the press was listed twice with opposite states and no label). */
static void t_session_help_press_once(void)
{
    struct apptest t;
    CHECK(open_priv(&t, APP_PROFILE_PUBLIC));
    to_session(&t);
    CHECK(at_tap(&t, "priv_alerts"));
    struct priv_answer x = {.n = 2};
    x.u.alerts[0] = (struct priv_alert){
        .id = 9, .kind = "help", .level = "city", .raised_unix = T_WALL - 600, .group = "help:r1"};
    x.u.alerts[1] = (struct priv_alert){.id = 8,
                                        .kind = "help",
                                        .level = "family",
                                        .raised_unix = T_WALL - 600,
                                        .acked = true,
                                        .acked_kind = "family",
                                        .acked_name = "一郎",
                                        .acked_unix = T_WALL - 480,
                                        .group = "help:r1"};
    answer(&t, APP_EV_PRIV_ALERTS, &x, APP_NET_OK, 200);
    CHECK_INT_EQ(t.app->pv.alerts_n, 1);
    CHECK(app_screen_has_text(t.app, "「助けて」が 押されました。"));
    CHECK(app_screen_has_text(t.app, "ご家族: 一郎さんが 9:04 に 確かめました。"));
    CHECK(app_screen_has_text(t.app, "市の 見守り係: まだ だれも 確かめていません。"));
    at_close(&t);
}

/* A revoked consent stays on the list, said as revoked, and can be granted again. */
static void t_consent_revoked_grantable(void)
{
    struct apptest t;
    CHECK(open_priv(&t, APP_PROFILE_PUBLIC));
    to_session(&t);
    CHECK(at_tap(&t, "priv_menu"));
    CHECK(at_tap(&t, "priv_consent"));
    struct priv_answer *x = calloc(1, sizeof *x);
    x->u.consents.nch = 2;
    x->u.consents.ch[0] = (struct priv_row){.recipient_kind = "operator",
                                            .recipient_id = 2,
                                            .recipient_name = "さくら商店",
                                            .data_kind = "address",
                                            .purpose = "delivery",
                                            .revoked = true};
    x->u.consents.ch[1] = (struct priv_row){.recipient_kind = "family",
                                            .recipient_id = 4,
                                            .recipient_name = "花子",
                                            .data_kind = "safety",
                                            .purpose = "watch_over",
                                            .on = true};
    answer(&t, APP_EV_PRIV_CONSENTS, x, APP_NET_OK, 200);
    CHECK_INT_EQ(t.app->pv.rows_n, 2);
    CHECK(app_screen_has_text(t.app, "(前に 取り消しました)"));
    CHECK(at_tap(&t, "consent_0_yes"));
    CHECK(at_tap(&t, "confirm_yes"));
    CHECK(rec.last.what == PRIV_REQ_CONSENT_SET && rec.last.granted);
    CHECK_STR_EQ(rec.last.recipient_kind, "operator");
    CHECK_STR_EQ(rec.last.data_kind, "address");
    CHECK_STR_EQ(rec.last.purpose, "delivery");
    free(x);
    at_close(&t);
}

/* A grouped access-log line says how many times that day. */
static void t_log_line_counts(void)
{
    struct apptest t;
    CHECK(open_priv(&t, APP_PROFILE_PUBLIC));
    to_session(&t);
    CHECK(at_tap(&t, "priv_menu"));
    CHECK(at_tap(&t, "priv_log"));
    struct priv_answer *x = calloc(1, sizeof *x);
    x->n = 2;
    x->u.log[0] = entry("family", "花子", "read", "safety", "watch_over", "consent:3");
    x->u.log[0].count = 5;
    x->u.log[1] = entry("device", "", "read", "audit", "own_view", "self:card_session");
    x->u.log[1].count = 4;
    x->u.log[1].own = true;
    answer(&t, APP_EV_PRIV_LOG, x, APP_NET_OK, 200);
    CHECK(app_screen_has_text(t.app, "花子さんが 安否の記録を 見ました"));
    CHECK(app_screen_has_text(t.app, "(この日 5 回)"));
    CHECK(app_screen_has_text(t.app, "(この日 4 回)"));
    free(x);
    at_close(&t);
}

static void t_family_alerts(void)
{
    struct apptest t;
    CHECK(open_priv(&t, APP_PROFILE_FAMILY));
    struct app_event me = {
        .kind = APP_EV_ME, .req = t.fp.last_me, .net = APP_NET_OK, .resident_id = 12};
    snprintf(me.name, sizeof me.name, "山田 花子");
    at_event(&t, &me);
    CHECK(rec.last.what == PRIV_REQ_FAM_ALERTS && rec.last.id == 12);
    struct priv_answer x = {.n = 2};
    x.u.alerts[0] = (struct priv_alert){.id = 8,
                                        .kind = "missed",
                                        .level = "family",
                                        .raised_unix = T_WALL - 90000,
                                        .acked = true,
                                        .acked_kind = "family",
                                        .acked_name = "一郎"};
    x.u.alerts[1] =
        (struct priv_alert){.id = 9, .kind = "help", .level = "family", .raised_unix = T_WALL - 60};
    answer(&t, APP_EV_PRIV_FAM_ALERTS, &x, APP_NET_OK, 200);
    CHECK(app_screen_has_text(t.app, "見守りの お知らせ 1 件"));
    CHECK(at_tap(&t, "fam_alerts")); /* 1 tap from the family's first screen */
    CHECK_STR_EQ(app_screen_name(t.app), "priv_fam_alerts");
    /* the open one first */
    CHECK(t.app->pv.fam[0].id == 9);
    CHECK(app_screen_has_text(t.app, "「助けて」が 押されました。"));
    CHECK(at_tap(&t, "ack_0"));
    CHECK(rec.last.what == PRIV_REQ_ACK && rec.last.id == 9);
    struct priv_answer ok = {.changed = true};
    answer(&t, APP_EV_PRIV_ACK, &ok, APP_NET_OK, 200);
    CHECK(rec.last.what == PRIV_REQ_FAM_ALERTS); /* reloaded, with who acknowledged */
    at_close(&t);
}

/* Home tablet: くらし → 私の情報 → 健診の結果 asks for the card first (step-up) and
 * fetches nothing before it. */
static void t_home_needs_card(void)
{
    struct apptest t;
    CHECK(open_priv(&t, APP_PROFILE_HOME));
    CHECK(at_tap(&t, "menu"));
    CHECK(at_tap(&t, "priv_own"));
    CHECK_STR_EQ(app_screen_name(t.app), "priv_own");
    CHECK(at_tap(&t, "ck_list"));
    CHECK(strcmp(app_screen_name(t.app), "ck_list") != 0);
    CHECK(rec.n == 0);
    at_close(&t);
}

int main(void)
{
    TEST_RUN(t_session_help_press_once);
    TEST_RUN(t_menu_opening_words);
    TEST_RUN(t_consent_revoked_grantable);
    TEST_RUN(t_log_line_counts);
    TEST_RUN(t_sentence_ja);
    TEST_RUN(t_sentence_en);
    TEST_RUN(t_judgement);
    TEST_RUN(t_bar);
    TEST_RUN(t_value_text);
    TEST_RUN(t_paging);
    TEST_RUN(t_reach_checkups);
    TEST_RUN(t_no_checkups_says_how);
    TEST_RUN(t_consent_revoke);
    TEST_RUN(t_consent_failure_in_words);
    TEST_RUN(t_log_and_wipe);
    TEST_RUN(t_refused_in_words);
    TEST_RUN(t_session_alerts);
    TEST_RUN(t_family_alerts);
    TEST_RUN(t_home_needs_card);
    return test_summary();
}
