/*
 * test_textwrap: Japanese line breaking: lines break only at phrase boundaries (the spaces
 * between phrases, after 、。), never inside a word unless the word alone is wider than the
 * line; no line starts with 。、」）ー… or ends with 「（, nothing is lost or cut with an
 * ellipsis, lines fit their width, "\n" breaks.
 */
#include <string.h>

#include "fake_text.h"
#include "test.h"
#include "textwrap.h"
#include "wrapcheck.h"

static const struct ui_metrics M = {5.9, 100, 1280, 800};

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

/* Wraps at every width from 4 to 30 characters: every break inside a word belongs to a
 * word wider than the line. */
static void check_no_break_inside_words(const char *text)
{
    struct ui *ui = ui_create(&fake_text_ops, &M);
    for (int chars = 4; chars <= 30; chars++)
        CHECK_INT_EQ(wrapcheck_words(ui, UI_FONT_REGULAR, 10, text, chars * 10), 0);
    ui_destroy(ui);
}

/* The words the issue found cut: あ/と, 選/ぶ, (カー/ド), g/ dl. */
static void t_no_break_inside_words(void)
{
    check_no_break_inside_words("暗証番号 (数字 4けた) を 入れてください。あと 3 回 まちがえると、"
                                "カードが 使えなくなります。");
    check_no_break_inside_words("ことばを 選んでください。 Choose a language.");
    check_no_break_inside_words("届ける 日を 選ぶ");
    check_no_break_inside_words("私の 情報 (カード)");
    check_no_break_inside_words("HDLコレステロール 62 mg/dL (基準の 範囲: 40 〜 86 mg/dL)");
    check_no_break_inside_words("The checkup result is 62 mg/dL, within the usual range.");
    /* a number stays with its unit or counter */
    struct ui *ui = ui_create(&fake_text_ops, &M);
    struct textwrap_line l[8];
    const char *t = "まだ 送れていません 12 件";
    size_t n = textwrap_lines(ui, UI_FONT_REGULAR, 10, t, 110, l, 8);
    REQUIRE(n == 2);
    CHECK(strncmp(t + l[1].start, "12 件", strlen("12 件")) == 0);
    /* a word wider than the line is the only thing broken inside, with kinsoku */
    t = "マイナンバーカード。";
    n = textwrap_lines(ui, UI_FONT_REGULAR, 10, t, 40, l, 8);
    CHECK(n >= 3);
    for (size_t i = 1; i < n && i < 8; i++)
        CHECK(!textwrap_no_start(first_cp(t + l[i].start)));
    ui_destroy(ui);
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
    TEST_RUN(t_no_break_inside_words);
    return test_summary();
}
