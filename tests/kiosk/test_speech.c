/*
 * test_speech: reading aloud. The engine (platform/speech, real espeak-ng with Debian's
 * Japanese voice) makes the home screen's prompt as sound — its length and level are
 * measured on the samples, so silence fails — and the settings' volume and speed change
 * the sound measurably; every word the kiosk speaks of its own has a reading (espeak-ng
 * reads kana only, so a kanji without one would be left out), and so has every word the hub
 * writes for a JMA warning (hub/jma/jmakinds.c: the notices the tablet reads out); the app says
 * each screen's prompt, the notice first, the safety question, again on the repeat button, at the
 * volume and speed set in 設定 → 声, and nothing where speech is off (a public kiosk).
 */
#include <stdlib.h>
#include <string.h>

#include "apptest.h"
#include "jmakinds.h"
#include "notice.h"
#include "safety.h"
#include "speech.h"
#include "yomi.h"

static char home_prompt[256];

/* Every value of keys starting with one of prefixes in ja.txt, with no placeholders. */
static void each_spoken(void (*fn)(const char *key, const char *value))
{
    static const char *const prefixes[] = {"title_",  "safety_",     "notice_", "home_status_",
                                           "answer_", "done_speech", "speech_", NULL};
    FILE *f = fopen(KIOSK_STRINGS_DIR "/ja.txt", "r");
    char line[2048];
    REQUIRE(f);
    while (fgets(line, sizeof line, f)) {
        char *eq = strstr(line, " = ");
        if (!eq || line[0] == '#')
            continue;
        *eq = '\0';
        char *v = eq + 3;
        v[strcspn(v, "\n")] = '\0';
        for (const char *const *p = prefixes; *p; p++)
            if (!strncmp(line, *p, strlen(*p))) {
                fn(line, v);
                break;
            }
        if (!strcmp(line, "title_home"))
            snprintf(home_prompt, sizeof home_prompt, "%s", v);
    }
    fclose(f);
}

static struct yomi *dict;
static int unread;

static void check_read(const char *key, const char *value)
{
    char buf[4096];
    int n = yomi_read(dict, value, buf, sizeof buf);
    if (n) {
        fprintf(stderr, "%s = %s: %d kanji without a reading (got \"%s\")\n", key, value, n, buf);
        unread += n;
    }
}

static void t_readings(void)
{
    char err[256];
    dict = yomi_load(KIOSK_ASSETS_DIR "/speech/yomi-ja.txt", err, sizeof err);
    REQUIRE(dict);
    unread = 0;
    each_spoken(check_read);
    CHECK(unread == 0);
    /* the sample notices' words (what a notice from the hub typically says) */
    check_read("sample",
               "避難指示（中央地区 川ぞいの 地域） すぐに 中央小学校に 避難してください。");
    check_read("sample",
               "大雨警報 大雨で 川の 水が ふえて います。川や がけに 近づかないでください。");
    CHECK(unread == 0);
    char buf[512];
    yomi_read(dict, "9:12 に 送りました。119 に 電話してください。", buf, sizeof buf);
    CHECK(strcmp(buf, "9じ 12ふん に おくりました。いちいちきゅう に でんわしてください。") == 0);
    yomi_read(dict, "10:05 から", buf, sizeof buf);
    CHECK(strcmp(buf, "10じ 5ふん から") == 0);
    /* an unknown kanji is never spelled out, nor its sentence said as fragments */
    CHECK(yomi_read(dict, "鬱です", buf, sizeof buf) == 1);
    CHECK_STR_EQ(buf, "がめんで たしかめてください。");
    /* full-width digits, as JMA and city staff write them, are read as digits: espeak-ng
     * says nothing at all for ４ (U+FF14) */
    CHECK(yomi_read(dict, "レベル４大雨危険警報", buf, sizeof buf) == 0);
    CHECK_STR_EQ(buf, "れべるよんおおあめきけんけいほう");
    CHECK(yomi_read(dict, "レベル３土砂災害警報", buf, sizeof buf) == 0);
    CHECK_STR_EQ(buf, "れべるさんどしゃさいがいけいほう");
    yomi_read(dict, "４日 ９:３０ から １１日 まで、１１９ に", buf, sizeof buf);
    CHECK_STR_EQ(buf, "よっか 9じ 30ふん から 11にち まで、いちいちきゅう に");
    yomi_read(dict, "１２３ ０", buf, sizeof buf);
    CHECK_STR_EQ(buf, "123 0");
    yomi_destroy(dict);
    dict = NULL;
}

/* The hub's own words for every JMA warning kind (name, what, what to do), which the tablet
 * reads out with each notice: every kanji has a reading. Without them 外に 出ないで
 * ください was said "そとに ないで ください" and 海の 波が 高く なります "うみの が く なります".
 */
static void t_hub_warning_words_read(void)
{
    static const char *const endings[] = {"特別警報", "危険警報", "警報", "注意報"};
    char err[256];
    dict = yomi_load(KIOSK_ASSETS_DIR "/speech/yomi-ja.txt", err, sizeof err);
    REQUIRE(dict);
    unread = 0;
    int rows = 0;
    for (int c = 0; c < 100; c++)
        for (size_t e = 0; e < sizeof endings / sizeof endings[0]; e++) {
            char code[3], name[32];
            snprintf(code, sizeof code, "%02d", c);
            snprintf(name, sizeof name, "未知の%s", endings[e]);
            const struct jma_kind_words *w = jma_kind_words(code, name);
            if (!w)
                continue;
            rows++;
            if (strcmp(w->name_ja, name) != 0)
                check_read(code, w->name_ja);
            check_read(code, w->what_ja);
            check_read(code, w->todo_ja);
        }
    static const char *const landslide[] = {"土砂災害警戒情報", "レベル４土砂災害危険警報"};
    for (size_t i = 0; i < sizeof landslide / sizeof landslide[0]; i++) {
        const struct jma_kind_words *w = jma_landslide_words(landslide[i]);
        check_read("landslide", w->name_ja);
        check_read("landslide", w->what_ja);
        check_read("landslide", w->todo_ja);
    }
    CHECK(rows > 100);
    CHECK(unread == 0);
    yomi_destroy(dict);
    dict = NULL;
}

static void ignore(const char *key, const char *value)
{
    (void)key;
    (void)value;
}

static void t_prompt_sound(void)
{
    char err[256];
    struct speech *s = speech_create("espeak-ng", KIOSK_ASSETS_DIR, err, sizeof err);
    if (!s)
        fprintf(stderr, "speech_create: %s\n", err);
    REQUIRE(s);
    each_spoken(ignore);
    REQUIRE(home_prompt[0]);
    struct speech_pcm normal = {0}, fast = {0}, slow = {0}, soft = {0}, loud = {0}, en = {0};
    REQUIRE(speech_synth(s, home_prompt, "ja", 100, 100, &normal, err, sizeof err));
    double sec = speech_pcm_seconds(&normal), rms = speech_pcm_rms(&normal);
    printf("home prompt: %.2f s, RMS %.0f at %d Hz\n", sec, rms, normal.rate);
    CHECK(sec > 1.0 && sec < 10.0); /* a sentence, not a click and not a minute */
    CHECK(rms > 800);               /* not silence */
    /* speed: 150 % is measurably shorter than 60 % */
    REQUIRE(speech_synth(s, home_prompt, "ja", 100, 150, &fast, err, sizeof err));
    REQUIRE(speech_synth(s, home_prompt, "ja", 100, 60, &slow, err, sizeof err));
    printf("speed 60 %%: %.2f s, 150 %%: %.2f s\n", speech_pcm_seconds(&slow),
           speech_pcm_seconds(&fast));
    CHECK(speech_pcm_seconds(&fast) < speech_pcm_seconds(&slow) * 0.75);
    /* volume: 200 % is measurably louder than 50 % */
    REQUIRE(speech_synth(s, home_prompt, "ja", 50, 100, &soft, err, sizeof err));
    REQUIRE(speech_synth(s, home_prompt, "ja", 200, 100, &loud, err, sizeof err));
    printf("volume 50 %%: RMS %.0f, 200 %%: RMS %.0f\n", speech_pcm_rms(&soft),
           speech_pcm_rms(&loud));
    CHECK(speech_pcm_rms(&loud) > speech_pcm_rms(&soft) * 1.8);
    /* English prompts in the English voice */
    REQUIRE(speech_synth(s, "How are you today?", "en", 100, 100, &en, err, sizeof err));
    CHECK(speech_pcm_seconds(&en) > 0.5 && speech_pcm_rms(&en) > 800);
    /* what espeak-ng is given for Japanese is kana: no kanji spelled out */
    char given[512];
    speech_engine_text(s, home_prompt, "ja", given, sizeof given);
    CHECK(strstr(given, "げんき") != NULL && strstr(given, "おしえて") != NULL);
    speech_pcm_release(&normal);
    speech_pcm_release(&fast);
    speech_pcm_release(&slow);
    speech_pcm_release(&soft);
    speech_pcm_release(&loud);
    speech_pcm_release(&en);
    /* full-width digits are spoken: "レベル４" is longer than "レベル" (espeak-ng alone makes
     * the same sound for both), "１２３" is not silence */
    struct speech_pcm level = {0}, level4 = {0}, digits = {0};
    REQUIRE(speech_synth(s, "レベル", "ja", 100, 100, &level, err, sizeof err));
    REQUIRE(speech_synth(s, "レベル４", "ja", 100, 100, &level4, err, sizeof err));
    REQUIRE(speech_synth(s, "１２３", "ja", 100, 100, &digits, err, sizeof err));
    printf("レベル: %.2f s, レベル４: %.2f s, １２３: %.2f s RMS %.0f\n",
           speech_pcm_seconds(&level), speech_pcm_seconds(&level4), speech_pcm_seconds(&digits),
           speech_pcm_rms(&digits));
    CHECK(speech_pcm_seconds(&level4) > speech_pcm_seconds(&level) + 0.1);
    CHECK(speech_pcm_seconds(&digits) > 0.5 && speech_pcm_rms(&digits) > 800);
    speech_pcm_release(&level);
    speech_pcm_release(&level4);
    speech_pcm_release(&digits);
    /* an engine this build does not have is refused in words */
    CHECK(speech_create("open_jtalk", KIOSK_ASSETS_DIR, err, sizeof err) == NULL);
    CHECK(strstr(err, "open_jtalk") != NULL);
    speech_destroy(s);
}

/* --- the app's speech --- */

static int spoken;
static char last_text[2048], last_lang[8];
static int last_volume, last_rate;

static void r_speak(void *ctx, const char *text, const char *lang, int volume, int rate)
{
    (void)ctx;
    spoken++;
    snprintf(last_text, sizeof last_text, "%s", text ? text : "");
    snprintf(last_lang, sizeof last_lang, "%s", lang);
    last_volume = volume;
    last_rate = rate;
}

static bool open_app(struct apptest *t, enum app_profile p, bool speech)
{
    spoken = 0;
    last_text[0] = '\0';
    struct app_ports ports = fake_ports_bind(&t->fp);
    ports.speak = r_speak;
    return at_open_ports(t, p, &ports, "ja", speech);
}

static void t_app_says(void)
{
    struct apptest t;
    REQUIRE(open_app(&t, APP_PROFILE_HOME, true));
    CHECK(spoken == 1);
    CHECK(strstr(last_text, "きょうの 元気") != NULL && !strcmp(last_lang, "ja"));
    CHECK(last_volume == 100 && last_rate == 100);
    /* every screen says its prompt */
    REQUIRE(at_tap(&t, "menu"));
    CHECK(spoken == 2 && strstr(last_text, "くらしの メニュー") != NULL);
    /* the repeat button says it again */
    REQUIRE(at_tap(&t, "nav_say"));
    CHECK(spoken == 3 && strstr(last_text, "くらしの メニュー") != NULL);
    /* 設定 → 声: louder, slower; heard at once, and on the next screens */
    REQUIRE(at_tap(&t, "nav_home"));
    REQUIRE(at_tap(&t, "settings"));
    REQUIRE(at_tap(&t, "set_speech"));
    CHECK(strcmp(app_screen_name(t.app), "setting_speech") == 0);
    REQUIRE(at_tap(&t, "speech_louder"));
    CHECK(last_volume == 150 && app_screen_has_text(t.app, "大きい"));
    REQUIRE(at_tap(&t, "speech_slower"));
    CHECK(last_rate == 80 && last_volume == 150);
    REQUIRE(at_tap(&t, "nav_home"));
    CHECK(strstr(last_text, "きょうの 元気") != NULL && last_volume == 150 && last_rate == 80);
    /* off: nothing more is said, and the repeat button goes */
    REQUIRE(at_tap(&t, "settings"));
    REQUIRE(at_tap(&t, "set_speech"));
    REQUIRE(at_tap(&t, "speech_no"));
    int before = spoken;
    REQUIRE(at_tap(&t, "nav_home"));
    CHECK(spoken == before);
    CHECK(ui_find_target(app_ui(t.app), "nav_say") == NULL);
    at_close(&t);
}

static uint32_t r_notices(void *ctx)
{
    (void)ctx;
    return 42;
}

static uint32_t r_safety(void *ctx)
{
    (void)ctx;
    return 43;
}

static void t_notice_and_safety_said(void)
{
    struct apptest t;
    spoken = 0;
    struct app_ports ports = fake_ports_bind(&t.fp);
    ports.speak = r_speak;
    ports.fetch_notices = r_notices;
    ports.fetch_safety = r_safety;
    REQUIRE(at_open_ports(&t, APP_PROFILE_HOME, &ports, "ja", true));
    at_pass(&t, 10); /* asks for notices and safety checks */
    struct notice_list *l = calloc(1, sizeof *l);
    REQUIRE(l);
    l->n = 1;
    l->items[0] = (struct notice){.id = 3, .kind = NOTICE_EVACUATION_ORDER, .level = 100};
    snprintf(l->items[0].title_ja, sizeof l->items[0].title_ja, "避難指示");
    snprintf(l->items[0].area_ja, sizeof l->items[0].area_ja, "北町");
    snprintf(l->items[0].todo_ja, sizeof l->items[0].todo_ja,
             "すぐに 北小学校へ 逃げて ください。");
    l->items[0].starts_at = T_WALL - 60;
    l->items[0].updated_at = T_WALL - 60;
    struct app_event ev = {.kind = APP_EV_NOTICES, .req = 42, .net = APP_NET_OK, .disaster = l};
    at_event(&t, &ev);
    /* a new notice is said at once, in full */
    CHECK(strstr(last_text, "避難指示") == last_text);
    CHECK(strstr(last_text, "場所は 北町 です。") != NULL);
    CHECK(strstr(last_text, "北小学校へ 逃げて") != NULL);
    /* the same list again: not said again */
    int n = spoken;
    at_event(&t, &ev);
    CHECK(spoken == n);
    /* the home screen's prompt starts with the notice */
    REQUIRE(at_tap(&t, "nav_say"));
    CHECK(strstr(last_text, "避難指示") == last_text);
    free(l);
    /* the safety question comes first and is said with its question */
    struct safety_list *sl = calloc(1, sizeof *sl);
    REQUIRE(sl);
    sl->n = 1;
    sl->items[0].id = 9;
    struct app_event sv = {
        .kind = APP_EV_SAFETY_LIST, .req = 43, .net = APP_NET_OK, .disaster = sl};
    at_event(&t, &sv);
    CHECK(strcmp(app_screen_name(t.app), "safety") == 0);
    CHECK(strstr(last_text, "ぶじですか") == last_text);
    CHECK(strstr(last_text, "あてはまる ほうを 押してください") != NULL);
    free(sl);
    at_close(&t);
}

/* What the tablet gives espeak-ng for the most urgent notice n: the app's words, read
 * with the kiosk's dictionary as speech_engine_text does (one espeak-ng per process, and
 * t_prompt_sound has had it). */
static void notice_heard(const struct notice *n, char *reading, size_t size)
{
    struct apptest t;
    char err[256];
    struct yomi *y = yomi_load(KIOSK_ASSETS_DIR "/speech/yomi-ja.txt", err, sizeof err);
    REQUIRE(y);
    struct app_ports ports = fake_ports_bind(&t.fp);
    ports.speak = r_speak;
    ports.fetch_notices = r_notices;
    REQUIRE(at_open_ports(&t, APP_PROFILE_HOME, &ports, "ja", true));
    at_pass(&t, 10);
    struct notice_list *l = calloc(1, sizeof *l);
    REQUIRE(l);
    l->n = 1;
    l->items[0] = *n;
    struct app_event ev = {.kind = APP_EV_NOTICES, .req = 42, .net = APP_NET_OK, .disaster = l};
    at_event(&t, &ev);
    yomi_read(y, last_text, reading, size);
    printf("said \"%s\"\nheard \"%s\"\n", last_text, reading);
    free(l);
    at_close(&t);
    yomi_destroy(y);
}

static struct notice warning(const char *title, const char *area, const char *what,
                             const char *todo)
{
    struct notice n = {.id = 7, .kind = NOTICE_WARNING, .level = 30, .from_jma = true};
    snprintf(n.title_ja, sizeof n.title_ja, "%s", title);
    snprintf(n.area_ja, sizeof n.area_ja, "%s", area);
    snprintf(n.what_ja, sizeof n.what_ja, "%s", what);
    snprintf(n.todo_ja, sizeof n.todo_ja, "%s", todo);
    n.starts_at = n.updated_at = T_WALL - 60;
    return n;
}

/* A place the tablet cannot read whole is never said as a fragment: JMA's 横須賀市 was heard
 * "ばしょは し です", a wrong place in a warning. The sentence says to look at the screen;
 * so does a sentence of the town's words with a word the tablet cannot read. */
static void t_unreadable_not_fragments(void)
{
    char heard[2048];
    struct notice n = warning("大雨警報", "横須賀市", "大雨で 川の 水が ふえて います。",
                              "川や がけに 近づかないでください。");
    notice_heard(&n, heard, sizeof heard);
    CHECK(strstr(heard, "ばしょは し") == NULL);
    CHECK(strstr(heard, "おおあめけいほう。ばしょは がめんで たしかめてください。おおあめで") ==
          heard);
    CHECK(strstr(heard, "かわや がけに ちかづかないでください。") != NULL);
    /* a readable place is said */
    n = warning("大雨警報", "北町", "", "");
    notice_heard(&n, heard, sizeof heard);
    CHECK(strstr(heard, "ばしょは きたまち です。") != NULL);
    /* the town's words: the sentence with 鬱 is not said in pieces, the others are; the
     * screen is named once */
    n = warning("避難指示", "北町", "鬱川の 水が ふえて います。山が 崩れそうです。",
                "すぐに 北町の 集会所に 逃げて ください。");
    notice_heard(&n, heard, sizeof heard);
    CHECK(strstr(heard, "ばしょは きたまち です。がめんで たしかめてください。") != NULL);
    CHECK(strstr(heard, "みずが") == NULL && strstr(heard, "くずれ") == NULL);
    CHECK(strstr(strstr(heard, "がめんで") + 1, "がめんで") == NULL); /* once */
}

/* The place is said from the reading the hub sends with it (area_kana, from JMA's code
 * table): a resident hears よこすかし where the kanji alone gave nothing true. */
static void t_place_from_kana(void)
{
    char heard[2048];
    struct notice n = warning("大雨警報", "横須賀市", "", "");
    snprintf(n.area_kana, sizeof n.area_kana, "よこすかし");
    notice_heard(&n, heard, sizeof heard);
    CHECK_STR_EQ(heard, "おおあめけいほう。ばしょは よこすかし です。");
}

static void t_off_on_public(void)
{
    struct apptest t;
    REQUIRE(open_app(&t, APP_PROFILE_PUBLIC, false));
    at_pass(&t, 1000);
    CHECK(spoken == 0);
    CHECK(ui_find_target(app_ui(t.app), "nav_say") == NULL);
    at_close(&t);
}

int main(void)
{
    TEST_RUN(t_readings);
    TEST_RUN(t_hub_warning_words_read);
    TEST_RUN(t_prompt_sound);
    TEST_RUN(t_app_says);
    TEST_RUN(t_notice_and_safety_said);
    TEST_RUN(t_unreadable_not_fragments);
    TEST_RUN(t_place_from_kana);
    TEST_RUN(t_off_on_public);
    return test_summary();
}
