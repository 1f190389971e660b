/*
 * test_kconfig: the kiosk configuration file: defaults, every key, and bad input refused
 * with the file, the line and what is allowed, in words.
 */
#include <string.h>

#include "kconfig.h"
#include "test.h"

static enum kconfig_status parse(struct kconfig *c, const char *text, char *err, size_t n)
{
    kconfig_defaults(c, "/f", "/a");
    return kconfig_parse(c, "kiosk.conf", text, strlen(text), err, n);
}

static void t_defaults_and_keys(void)
{
    struct kconfig c;
    char err[256];
    kconfig_defaults(&c, "/f", "/a");
    CHECK_STR_EQ(c.profile, "home");
    CHECK_INT_EQ(c.idle_warn_s, 60);
    CHECK_INT_EQ(c.idle_logout_s, 90);
    CHECK_INT_EQ(c.sensitive_close_s, 180);
    CHECK_INT_EQ(c.notice_poll_s, 30);
    const char *text = "# kiosk\n"
                       "hub_url = https://hub.example:8443\n"
                       "token=abc123\n"
                       "ca_file = /etc/kiosk/ca.pem\r\n"
                       "profile = family\n"
                       "language = en\n"
                       "px_per_mm = 4.0\n"
                       "width = 1920\nheight = 1080\nfullscreen = yes\n"
                       "text_scale = 125\ntheme = high_contrast\nsound = no\n"
                       "idle_warn_s = 30\nidle_logout_s = 45\nsensitive_close_s = 120\n"
                       "family_refresh_s = 15\nfont_dir = /usr/share/kiosk/fonts\n"
                       "notice_poll_s = 5\n"
                       "assets_dir = /usr/share/kiosk/assets\n";
    REQUIRE(parse(&c, text, err, sizeof err) == KCONFIG_OK);
    CHECK_STR_EQ(c.hub_url, "https://hub.example:8443");
    CHECK_STR_EQ(c.token, "abc123");
    CHECK_STR_EQ(c.ca_file, "/etc/kiosk/ca.pem");
    CHECK_STR_EQ(c.profile, "family");
    CHECK_STR_EQ(c.language, "en");
    CHECK(c.px_per_mm == 4.0);
    CHECK_INT_EQ(c.width, 1920);
    CHECK(c.fullscreen);
    CHECK_INT_EQ(c.text_scale, 125);
    CHECK_STR_EQ(c.theme, "high_contrast");
    CHECK(!c.sound);
    CHECK_INT_EQ(c.idle_warn_s, 30);
    CHECK_INT_EQ(c.family_refresh_s, 15);
    CHECK_INT_EQ(c.notice_poll_s, 5);
    CHECK_STR_EQ(c.font_dir, "/usr/share/kiosk/fonts");
}

static void t_errors_in_words(void)
{
    struct kconfig c;
    char err[256];
    CHECK_INT_EQ(parse(&c, "profile = home\ncolour = red\n", err, sizeof err), KCONFIG_E_KEY);
    CHECK(strstr(err, "kiosk.conf line 2") && strstr(err, "colour"));
    CHECK_INT_EQ(parse(&c, "text_scale = 120\n", err, sizeof err), KCONFIG_E_VALUE);
    CHECK(strstr(err, "100, 125 or 150") != NULL);
    CHECK_INT_EQ(parse(&c, "px_per_mm = lots\n", err, sizeof err), KCONFIG_E_VALUE);
    CHECK_INT_EQ(parse(&c, "px_per_mm = 0.5\n", err, sizeof err), KCONFIG_E_VALUE);
    CHECK_INT_EQ(parse(&c, "profile = kiosk\n", err, sizeof err), KCONFIG_E_VALUE);
    CHECK(strstr(err, "home, family or public") != NULL);
    CHECK_INT_EQ(parse(&c, "hub_url = ftp://x\n", err, sizeof err), KCONFIG_E_VALUE);
    CHECK_INT_EQ(parse(&c, "width = 12x\n", err, sizeof err), KCONFIG_E_VALUE);
    CHECK_INT_EQ(parse(&c, "just words\n", err, sizeof err), KCONFIG_E_SYNTAX);
    CHECK(strstr(err, "line 1") != NULL);
    CHECK_INT_EQ(parse(&c, "token = a\ntoken = b\n", err, sizeof err), KCONFIG_E_KEY);
    CHECK(strstr(err, "twice") != NULL);
    CHECK_INT_EQ(parse(&c, "sound = maybe\n", err, sizeof err), KCONFIG_E_VALUE);
    /* the notice poll: 2 s to 10 min */
    CHECK_INT_EQ(parse(&c, "notice_poll_s = 1\n", err, sizeof err), KCONFIG_E_VALUE);
    CHECK(strstr(err, "2 to 600 seconds") != NULL);
    CHECK_INT_EQ(parse(&c, "notice_poll_s = 601\n", err, sizeof err), KCONFIG_E_VALUE);
    CHECK_INT_EQ(parse(&c, "notice_poll_s = 2\n", err, sizeof err), KCONFIG_OK);
    CHECK_INT_EQ(c.notice_poll_s, 2);
    /* speech: on/off told apart from the profile's default, volume and speed in range, an
     * engine this build has */
    CHECK_INT_EQ(parse(&c, "speech = no\nspeech_volume = 150\nspeech_rate = 80\n", err, sizeof err),
                 KCONFIG_OK);
    CHECK(c.speech_set && !c.speech && c.speech_volume == 150 && c.speech_rate == 80);
    CHECK_INT_EQ(parse(&c, "speech_volume = 400\n", err, sizeof err), KCONFIG_E_VALUE);
    CHECK(strstr(err, "25 to 300") != NULL);
    CHECK_INT_EQ(parse(&c, "speech_engine = open_jtalk\n", err, sizeof err), KCONFIG_E_VALUE);
    CHECK(strstr(err, "espeak-ng") != NULL);
}

/* --- card: the public kiosk's service hours --- */
static void t_service_hours(void)
{
    struct kconfig c;
    char err[256];
    CHECK_INT_EQ(parse(&c, "profile = public\n", err, sizeof err), KCONFIG_OK);
    CHECK_INT_EQ(c.service_open_min, -1); /* not set: not shown */
    CHECK_INT_EQ(parse(&c, "service_hours = 9:00-17:00\n", err, sizeof err), KCONFIG_OK);
    CHECK_INT_EQ(c.service_open_min, 540);
    CHECK_INT_EQ(c.service_close_min, 1020);
    CHECK_INT_EQ(parse(&c, "service_hours = 8:30〜17:15\n", err, sizeof err), KCONFIG_OK);
    CHECK_INT_EQ(c.service_open_min, 510);
    CHECK_INT_EQ(c.service_close_min, 1035);
    static const char *const bad[] = {
        "service_hours = 17:00-9:00\n",  "service_hours = 9-17\n",
        "service_hours = 9:00-25:00\n",  "service_hours = 9:60-17:00\n",
        "service_hours = 9:00-17:00x\n", "service_hours = 9:00\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT_EQ(parse(&c, bad[i], err, sizeof err), KCONFIG_E_VALUE);
        CHECK(strstr(err, "like 9:00-17:00") != NULL);
    }
}

static void t_caps(void)
{
    struct kconfig c;
    char err[256];
    static char big[KCONFIG_MAX_FILE + 2];
    memset(big, '#', sizeof big - 1);
    kconfig_defaults(&c, "/f", "/a");
    CHECK_INT_EQ(kconfig_parse(&c, "k", big, sizeof big - 1, err, sizeof err), KCONFIG_E_TOOBIG);
    char line[KCONFIG_MAX_LINE + 20];
    memset(line, 'a', sizeof line - 1);
    line[sizeof line - 1] = '\0';
    CHECK_INT_EQ(parse(&c, line, err, sizeof err), KCONFIG_E_TOOBIG);
    const char nul[] = "token = a\0b\n";
    kconfig_defaults(&c, "/f", "/a");
    CHECK_INT_EQ(kconfig_parse(&c, "k", nul, sizeof nul - 1, err, sizeof err), KCONFIG_E_SYNTAX);
    char tok[600];
    memset(tok, 'x', sizeof tok);
    memcpy(tok, "token=", 6);
    tok[sizeof tok - 1] = '\0';
    CHECK_INT_EQ(parse(&c, tok, err, sizeof err), KCONFIG_E_VALUE);
    CHECK_INT_EQ(kconfig_load(&c, "/nonexistent/kiosk.conf", err, sizeof err), KCONFIG_E_OPEN);
    CHECK(strstr(err, "/nonexistent/kiosk.conf") != NULL);
}

/* The example file shipped in assets/ must stay valid. */
static void t_example_file(void)
{
    struct kconfig c;
    char err[256];
    kconfig_defaults(&c, "/f", "/a");
    CHECK_INT_EQ(kconfig_load(&c, KIOSK_STRINGS_DIR "/../kiosk.conf.example", err, sizeof err),
                 KCONFIG_OK);
    CHECK_STR_EQ(c.outbox_path, "/var/lib/kiosk/outbox.db");
    CHECK(c.fullscreen);
}

int main(void)
{
    TEST_RUN(t_example_file);
    TEST_RUN(t_defaults_and_keys);
    TEST_RUN(t_errors_in_words);
    TEST_RUN(t_caps);
    TEST_RUN(t_service_hours); /* card */
    return test_summary();
}
