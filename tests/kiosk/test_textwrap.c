/*
 * test_textwrap: Japanese line breaking: no line starts with 。、」）ー… or ends with 「（,
 * nothing is lost or cut with an ellipsis, lines fit their width, "\n" breaks.
 */
#include <string.h>

#include "fake_text.h"
#include "test.h"
#include "textwrap.h"

static const struct ui_metrics M = {5.9, 100, 1280, 800};

static unsigned long first_cp(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80)
        return u[0];
    if (u[0] >= 0xF0)
        return (u[0] & 7ul) << 18 | (u[1] & 63ul) << 12 | (u[2] & 63ul) << 6 | (u[3] & 63ul);
    if (u[0] >= 0xE0)
        return (u[0] & 15ul) << 12 | (u[1] & 63ul) << 6 | (u[2] & 63ul);
    return (u[0] & 31ul) << 6 | (u[1] & 63ul);
}

static unsigned long last_cp(const char *s, size_t len)
{
    size_t i = len;
    while (i > 0 && ((unsigned char)s[--i] & 0xC0) == 0x80)
        ;
    return first_cp(s + i);
}

/* Wraps text at every width from 6 to 40 characters (a screen line holds 8 or more) and
 * checks the rules on each. */
static void check_all_widths(const char *text)
{
    struct ui *ui = ui_create(&fake_text_ops, &M);
    struct textwrap_line lines[64];
    int px = 10;
    for (int chars = 6; chars <= 40; chars++) {
        int w = chars * px;
        size_t n = textwrap_lines(ui, UI_FONT_REGULAR, px, text, w, lines, 64);
        REQUIRE(n > 0 && n <= 64);
        size_t covered = 0;
        for (size_t i = 0; i < n; i++) {
            const char *l = text + lines[i].start;
            if (lines[i].len == 0)
                continue;
            /* more than one character on the line: the rules must hold */
            unsigned long a = first_cp(l), z = last_cp(l, lines[i].len);
            if (i > 0 && textwrap_no_start(a)) {
                fprintf(stderr, "width %d: line %zu starts with U+%04lX: %.*s\n", chars, i, a,
                        (int)lines[i].len, l);
                CHECK(!textwrap_no_start(a));
            }
            if (i + 1 < n && textwrap_no_end(z)) {
                fprintf(stderr, "width %d: line %zu ends with U+%04lX\n", chars, i, z);
                CHECK(!textwrap_no_end(z));
            }
            CHECK(lines[i].width <= w || lines[i].len <= 4);
            CHECK(lines[i].start >= covered);
            covered = lines[i].start + lines[i].len;
        }
        /* nothing lost: the characters of all lines are the text minus spaces/newlines */
        char joined[1024] = "", stripped[1024] = "";
        size_t jl = 0, sl = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < lines[i].len; k++)
                if (text[lines[i].start + k] != ' ')
                    joined[jl++] = text[lines[i].start + k];
        for (const char *p = text; *p; p++)
            if (*p != ' ' && *p != '\n')
                stripped[sl++] = *p;
        joined[jl] = stripped[sl] = '\0';
        CHECK_STR_EQ(joined, stripped);
        CHECK(strstr(joined, "…") == NULL || strstr(text, "…") != NULL);
    }
    ui_destroy(ui);
}

static void t_kinsoku_many_widths(void)
{
    check_all_widths("きょうは「元気です」を送りました。ご家族に届きます。");
    check_all_widths(
        "インターネットに、つながっていないようです。（もう一度）「送る」を押してください。");
    check_all_widths("ホームページ・サービス：ユーザー、データー。ちょっと、まって！");
    check_all_widths("「（ああ）」。「はい」、ーーと（いいえ）。");
    check_all_widths("Sent at 9:12. Your family will see it (today).");
}

static void t_specific_breaks(void)
{
    struct ui *ui = ui_create(&fake_text_ops, &M);
    struct textwrap_line l[8];
    /* 5 chars fit; "。" would start line 2 → the break moves back one character */
    size_t n = textwrap_lines(ui, UI_FONT_REGULAR, 10, "あいうえお。かき", 50, l, 8);
    REQUIRE(n == 2);
    CHECK_INT_EQ(l[0].len, 4 * 3);
    CHECK(strncmp(&"あいうえお。かき"[l[1].start], "お。", strlen("お。")) == 0);
    /* 「 may not end a line: it moves to the next line with its word */
    n = textwrap_lines(ui, UI_FONT_REGULAR, 10, "あいうえ「おか」", 50, l, 8);
    REQUIRE(n == 2);
    CHECK(strncmp(&"あいうえ「おか」"[l[1].start], "「", strlen("「")) == 0);
    /* ー does not start a line */
    n = textwrap_lines(ui, UI_FONT_REGULAR, 10, "アイウエオーカ", 50, l, 8);
    REQUIRE(n == 2);
    CHECK(first_cp(&"アイウエオーカ"[l[1].start]) != 0x30FC);
    /* a newline forces a break */
    n = textwrap_lines(ui, UI_FONT_REGULAR, 10, "あい\nう", 500, l, 8);
    CHECK_INT_EQ(n, 2);
    /* English breaks at spaces, not inside words */
    n = textwrap_lines(ui, UI_FONT_REGULAR, 10, "hello world", 40, l, 8);
    REQUIRE(n == 2);
    CHECK_INT_EQ(l[0].len, 5);
    CHECK(strncmp(&"hello world"[l[1].start], "world", 5) == 0);
    /* a fitting text is one line; empty text is no lines */
    CHECK_INT_EQ(textwrap_lines(ui, UI_FONT_REGULAR, 10, "元気です", 500, l, 8), 1);
    CHECK_INT_EQ(textwrap_lines(ui, UI_FONT_REGULAR, 10, "", 500, l, 8), 0);
    ui_destroy(ui);
}

int main(void)
{
    TEST_RUN(t_specific_breaks);
    TEST_RUN(t_kinsoku_many_widths);
    return test_summary();
}
