/*
 * test_strings: the strings files: both languages have the same keys and placeholders,
 * a malformed file is refused with the file and line in words, formatting fills {1}..{4}.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "test.h"

static int placeholders(const char *s)
{
    int mask = 0;
    for (const char *p = s; *p; p++)
        if (p[0] == '{' && p[1] >= '1' && p[1] <= '4' && p[2] == '}')
            mask |= 1 << (p[1] - '1');
    return mask;
}

static void t_same_keys(void)
{
    char err[256];
    enum i18n_status st;
    struct i18n *ja = i18n_load(KIOSK_STRINGS_DIR, "ja", &st, err, sizeof err);
    struct i18n *en = i18n_load(KIOSK_STRINGS_DIR, "en", &st, err, sizeof err);
    REQUIRE(ja && en);
    CHECK(i18n_count(ja) > 50);
    CHECK_INT_EQ(i18n_count(ja), i18n_count(en));
    for (size_t i = 0; i < i18n_count(ja); i++) {
        const char *k = i18n_key_at(ja, i);
        if (!i18n_has(en, k))
            fprintf(stderr, "en.txt lacks %s\n", k);
        CHECK(i18n_has(en, k));
        CHECK(strlen(i18n_get(ja, k)) > 0);
        CHECK_INT_EQ(placeholders(i18n_get(ja, k)), placeholders(i18n_get(en, k)));
        /* ellipsis only in "…ing" progress words, never as truncation */
    }
    CHECK_STR_EQ(i18n_get(ja, "answer_genki"), "元気です");
    CHECK_STR_EQ(i18n_get(ja, "no_such_key"), "no_such_key");
    i18n_destroy(ja);
    i18n_destroy(en);
}

/* Every failure to reach the hub said as "could not connect" has words of its own for an
 * unsafe connection (key_tls), which trying again cannot fix (app_s_fail). */
static void t_unreachable_words_have_tls_words(void)
{
    char err[256], k2[128];
    enum i18n_status st;
    struct i18n *ja = i18n_load(KIOSK_STRINGS_DIR, "ja", &st, err, sizeof err);
    REQUIRE(ja);
    int n = 0;
    for (size_t i = 0; i < i18n_count(ja); i++) {
        const char *k = i18n_key_at(ja, i), *v = i18n_get(ja, k);
        size_t kl = strlen(k);
        if (kl > 4 && strcmp(k + kl - 4, "_tls") == 0)
            continue;
        if (!strstr(v, "つながりませんでした") && !strstr(v, "つながらないか"))
            continue;
        n++;
        snprintf(k2, sizeof k2, "%s_tls", k);
        if (!i18n_has(ja, k2))
            fprintf(stderr, "%s says it could not connect but has no %s\n", k, k2);
        CHECK(i18n_has(ja, k2));
        CHECK(strstr(i18n_get(ja, k2), "安全に つながれ") != NULL);
    }
    CHECK(n >= 10);
    i18n_destroy(ja);
}

static void t_format(void)
{
    char b[64];
    CHECK_STR_EQ(i18n_format(b, sizeof b, "{1} に 送りました。", "9:12", NULL, NULL, NULL),
                 "9:12 に 送りました。");
    CHECK_STR_EQ(i18n_format(b, sizeof b, "{2}/{1}/{3}", "a", "b", NULL, NULL), "b/a/");
    CHECK_STR_EQ(i18n_format(b, 4, "abcdef", NULL, NULL, NULL, NULL), "abc");
    CHECK_STR_EQ(i18n_format(b, sizeof b, "%s {9}", NULL, NULL, NULL, NULL), "%s {9}");
}

static void t_malformed_file(void)
{
    char dir[] = "/tmp/kiosk-strings-XXXXXX", path[128], err[256];
    enum i18n_status st;
    REQUIRE(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/xx.txt", dir);
    FILE *f = fopen(path, "w");
    REQUIRE(f);
    fputs("# comment\na = b\nthis line has no equals sign\n", f);
    fclose(f);
    struct i18n *t = i18n_load(dir, "xx", &st, err, sizeof err);
    CHECK(t == NULL);
    CHECK_INT_EQ(st, I18N_E_SYNTAX);
    CHECK(strstr(err, "line 3") != NULL);
    CHECK(i18n_load(dir, "missing", &st, err, sizeof err) == NULL);
    CHECK_INT_EQ(st, I18N_E_OPEN);
    CHECK(strstr(err, "missing.txt") != NULL);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    TEST_RUN(t_same_keys);
    TEST_RUN(t_unreachable_words_have_tls_words);
    TEST_RUN(t_format);
    TEST_RUN(t_malformed_file);
    return test_summary();
}
