/*
 * test_ck_screens: one checkup in one look, in the app without a window (fake text
 * metrics), in Japanese and English at 100, 125 and 150 % text:
 *   - the summary on the first page names every item that needs a doctor;
 *   - rows put what needs attention first, at most four a page with the pager;
 *   - a qualitative result is shown in words (マイナス, 2プラス / negative), never as its code;
 *   - the doctor's comment is shown whole (far longer than 63 bytes), over pages if needed;
 *   - a long item name is never cut, and nothing is dropped at any text size;
 *   - the trend chart: round axis numbers, dates along the bottom, the guidance and
 *     see-a-doctor thresholds labelled, the lab's range where there is no threshold.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "appstate.h"
#include "apptest.h"
#include "ckchart.h"

/* The content's texts on every page of the current screen (paging with page_next), joined:
 * the texts of full-width paragraphs and of rows, not the title, Back/Home, the pager or the
 * status bar, so that a paragraph continued on the next page reads as one. */
static char all_text[65536];

static bool inside(struct ui_rect in, struct ui_rect out)
{
    return in.x >= out.x && in.y >= out.y && in.x + in.w <= out.x + out.w &&
           in.y + in.h <= out.y + out.h;
}

static void add_texts(struct apptest *t, bool everything)
{
    size_t n, nt;
    const struct ui *ui = app_ui(t->app);
    const struct ui_cmd *c = ui_cmds(ui, &n);
    const struct ui_target *tg = ui_targets(ui, &nt);
    const struct ui_target *back = ui_find_target(ui, "nav_back");
    const struct ui_target *home = ui_find_target(ui, "nav_home");
    int cx = back ? back->r.x : 0, cw = back && home ? home->r.x + home->r.w - back->r.x : 0;
    for (size_t i = 0; i < n; i++) {
        if (c[i].kind != UI_CMD_TEXT)
            continue;
        /* full-width paragraphs, and a row's words beside its 見る button (rows in words:
         * below the title, narrower than the content) */
        bool keep = c[i].box.x >= cx && c[i].box.x + c[i].box.w == cx + cw;
        keep |= back && c[i].box.y >= back->r.y + back->r.h && c[i].box.x >= cx &&
                c[i].box.x + c[i].box.w <= cx + cw;
        for (size_t k = 0; k < nt; k++)
            if (inside(c[i].r, tg[k].r))
                keep = strncmp(tg[k].id, "item_", 5) == 0;
        if (!keep && !everything)
            continue;
        const char *s = ui_cmd_text(ui, &c[i]);
        size_t l = strlen(all_text);
        snprintf(all_text + l, sizeof all_text - l, "%s", s);
    }
}

static void add_frame_text(struct apptest *t)
{
    add_texts(t, false);
}

static int walk_pages(struct apptest *t)
{
    int pages = 1;
    all_text[0] = '\0';
    add_frame_text(t);
    while (ui_find_target(app_ui(t->app), "page_next") && pages < 100) {
        at_tap(t, "page_next");
        add_frame_text(t);
        pages++;
    }
    return pages;
}

/* s in the collected text, spaces aside (a wrapped line drops the space it breaks at) */
static bool seen(const char *s)
{
    static char hay[65536], needle[16384];
    size_t h = 0, k = 0;
    for (const char *p = all_text; *p && h + 1 < sizeof hay; p++)
        if (*p != ' ')
            hay[h++] = *p;
    hay[h] = '\0';
    for (const char *p = s; *p && k + 1 < sizeof needle; p++)
        if (*p != ' ')
            needle[k++] = *p;
    needle[k] = '\0';
    return strstr(hay, needle) != NULL;
}

static bool rows_on_page_at_most(struct apptest *t, int max)
{
    size_t n;
    const struct ui_target *tg = ui_targets(app_ui(t->app), &n);
    int rows = 0;
    for (size_t i = 0; i < n; i++)
        rows += strncmp(tg[i].id, "item_", 5) == 0;
    return rows <= max;
}

static struct ck_item *num_item(struct ck_detail *d, const char *id, const char *name, double v,
                                const char *unit, enum ck_judgement j)
{
    struct ck_item *it = &d->items[d->n++];
    memset(it, 0, sizeof *it);
    snprintf(it->identity, sizeof it->identity, "%s", id);
    snprintf(it->name, sizeof it->name, "%s", name);
    it->kind = CK_K_NUMBER;
    it->has_value = true;
    it->value = v;
    snprintf(it->unit_display, sizeof it->unit_display, "%s", unit);
    it->judgement = j;
    return it;
}

static struct ck_item *code_item(struct ck_detail *d, const char *name, const char *code,
                                 const char *ja, const char *en)
{
    struct ck_item *it = &d->items[d->n++];
    memset(it, 0, sizeof *it);
    snprintf(it->identity, sizeof it->identity, "1A020");
    snprintf(it->name, sizeof it->name, "%s", name);
    it->kind = CK_K_CODE;
    snprintf(it->code, sizeof it->code, "%s", code);
    snprintf(it->words_ja, sizeof it->words_ja, "%s", ja);
    snprintf(it->words_en, sizeof it->words_en, "%s", en);
    it->judgement = CK_J_NORMAL;
    return it;
}

/* A long comment: 30 sentences, ~1.6 KB (the old kiosk kept 63 bytes of it); and one of
 * the hub's longest, 4000 characters (12 KB, more than the line breaker takes at once). */
static char comment[4000];
static char longest[CK_TEXT_MAX + 1];

static void make_comment(void)
{
    comment[0] = '\0';
    for (int i = 1; i <= 30; i++) {
        size_t l = strlen(comment);
        snprintf(comment + l, sizeof comment - l, "所見%dは 様子を 見ましょう。", i);
    }
    size_t l = 0;
    for (int i = 0; l + 3 < 12000; i++) {
        /* 「はい」 pattern without spaces and sentence ends for a stretch: the worst case */
        memcpy(longest + l, i % 40 == 39 ? "。" : "あ", 3);
        l += 3;
    }
    longest[l] = '\0';
}

static const char *LONG_NAME = "眼底検査（キースワグナー分類）左右それぞれの 所見と 医師の 判定と "
                               "その 根拠に なった 写真の 説明";

/* A checkup as the hub would send it: six items need a doctor (more than a page has rows),
 * three guidance, many within range, qualitative results, a long name, a long comment. */
static void fill_checkup(struct ck_detail *d)
{
    memset(d, 0, sizeof *d);
    d->id = 21;
    snprintf(d->date, sizeof d->date, "2026-06-10");
    snprintf(d->org, sizeof d->org, "さくら健診センター");
    for (int i = 0; i < 12; i++) {
        char name[32];
        snprintf(name, sizeof name, "正常項目%d", i + 1);
        num_item(d, "3B035", name, 20 + i, "U/L", CK_J_NORMAL);
    }
    num_item(d, "9A755", "収縮期血圧", 162, "mmHg", CK_J_SEE_DOCTOR);
    num_item(d, "9A765", "拡張期血圧", 101, "mmHg", CK_J_SEE_DOCTOR);
    num_item(d, "3D046", "HbA1c", 7.1, "%", CK_J_SEE_DOCTOR);
    num_item(d, "3F015", "LDLコレステロール", 182, "mg/dL", CK_J_SEE_DOCTOR);
    num_item(d, "3F015", "中性脂肪", 420, "mg/dL", CK_J_SEE_DOCTOR);
    num_item(d, "3C016", "eGFR（推算糸球体ろ過量）", 42, "mL/min/1.73m2", CK_J_SEE_DOCTOR);
    num_item(d, "3B090", LONG_NAME, 1, "", CK_J_NORMAL);
    num_item(d, "3F070", "HDLコレステロール", 38, "mg/dL", CK_J_GUIDANCE);
    num_item(d, "3B045", "ALT(GPT)", 35, "U/L", CK_J_GUIDANCE);
    num_item(d, "3D010", "空腹時血糖", 108, "mg/dL", CK_J_GUIDANCE);
    code_item(d, "尿糖", "－", "", "");
    code_item(d, "尿蛋白", "1", "マイナス", "negative");
    code_item(d, "尿潜血", "2+", "2+", "2+"); /* the hub had no words: the code again */
    struct ck_item *c = &d->items[d->n++];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "医師の判断");
    c->kind = CK_K_TEXT;
    ck_item_set_text(d, c, comment);
}

static bool open_checkup(struct apptest *t, const char *lang, int scale)
{
    if (!at_open(t, APP_PROFILE_PUBLIC))
        return false;
    app_set_lang(t->app, lang);
    app_set_text_scale(t->app, scale);
    CHECK(app_catalogue_show(t->app, "ck_one"));
    fill_checkup(&t->app->pv.ck);
    t->app->pv.ck_page = 0;
    app_frame(t->app);
    return true;
}

static const char *DOCTOR_JA = "受診を おすすめ する 項目 (6 項目): 収縮期血圧、拡張期血圧、HbA1c、"
                               "LDLコレステロール、中性脂肪、";
static const char *DOCTOR_EN = "See a doctor about these (6): 収縮期血圧, 拡張期血圧, HbA1c, "
                               "LDLコレステロール, 中性脂肪, ";

static const int scales[3] = {100, 125, 150};
static const char *langs[2] = {"ja", "en"};

static void t_summary_names_doctor_items_first_page(void)
{
    for (int l = 0; l < 2; l++)
        for (int s = 0; s < 3; s++) {
            struct apptest t;
            REQUIRE(open_checkup(&t, langs[l], scales[s]));
            all_text[0] = '\0';
            add_frame_text(&t); /* the first page only */
            if (!seen(l ? DOCTOR_EN : DOCTOR_JA))
                fprintf(stderr, "%s %d %%: first page: %s\n", langs[l], scales[s], all_text);
            CHECK(seen(l ? DOCTOR_EN : DOCTOR_JA));
            CHECK(seen("eGFR（推算糸球体ろ過量）")); /* the sixth */
            /* the rest of the summary: on the first page at 100 %, on the next at larger text */
            if (scales[s] > 100)
                walk_pages(&t);
            CHECK(seen(
                l ? "Health guidance for these (3): HDLコレステロール, ALT(GPT), 空腹時血糖"
                  : "保健指導の 対象の 項目 (3 項目): HDLコレステロール、ALT(GPT)、空腹時血糖"));
            CHECK(seen(l ? "Within range: 16 results" : "基準内の 項目: 16 項目"));
            at_close(&t);
        }
}

static void t_rows_attention_first_and_nothing_dropped(void)
{
    for (int l = 0; l < 2; l++)
        for (int s = 0; s < 3; s++) {
            struct apptest t;
            REQUIRE(open_checkup(&t, langs[l], scales[s]));
            const struct ck_detail *d = &t.app->pv.ck;
            int order[CK_ITEMS_MAX];
            int n = ck_rows_order(d, order, CK_ITEMS_MAX);
            CHECK_INT_EQ(n, d->n - 1);  /* every item but the comment is a row */
            for (int k = 1; k < n; k++) /* judgement order: doctor, guidance, normal, none */
                CHECK(d->items[order[k - 1]].judgement >= d->items[order[k]].judgement ||
                      d->items[order[k - 1]].judgement == CK_J_NONE);
            CHECK(d->items[order[0]].judgement == CK_J_SEE_DOCTOR);
            /* every row's words appear on some page, whole; never more than 4 rows a page */
            int pages = 1;
            all_text[0] = '\0';
            add_frame_text(&t);
            CHECK(rows_on_page_at_most(&t, 4));
            while (ui_find_target(app_ui(t.app), "page_next") && pages < 60) {
                at_tap(&t, "page_next");
                add_frame_text(&t);
                CHECK(rows_on_page_at_most(&t, 4));
                pages++;
            }
            CHECK(pages > 1 && pages < 60);
            for (int k = 0; k < n; k++) {
                char row[1024];
                ck_row_text(t.app, d, &d->items[order[k]], row, sizeof row);
                if (!seen(row))
                    fprintf(stderr, "%s %d %%: row not shown: %s\n", langs[l], scales[s], row);
                CHECK(seen(row));
            }
            CHECK(seen(comment));
            at_close(&t);
        }
}

static void t_qualitative_results_in_words(void)
{
    struct apptest t;
    REQUIRE(open_checkup(&t, "ja", 100));
    walk_pages(&t);
    CHECK(seen("尿糖: マイナス（基準内）"));   /* "－" mapped by the kiosk */
    CHECK(seen("尿蛋白: マイナス（基準内）")); /* code "1" with the hub's words */
    CHECK(seen("尿潜血: 2プラス（基準内）"));
    CHECK(!seen("尿蛋白: 1") && !seen("－") && !seen("2+"));
    app_set_lang(t.app, "en");
    t.app->pv.ck_page = 0;
    app_frame(t.app);
    walk_pages(&t);
    CHECK(seen("尿糖: negative (Within range)"));
    CHECK(seen("尿蛋白: negative (Within range)"));
    CHECK(seen("尿潜血: 2 plus (Within range)"));
    at_close(&t);
    /* an unknown code without words is said to be a code, not passed off as a value */
    struct ck_item it = {.kind = CK_K_CODE, .code = "7"};
    char buf[128];
    REQUIRE(at_open(&t, APP_PROFILE_PUBLIC));
    ck_value_text(t.app, NULL, &it, buf, sizeof buf);
    CHECK_STR_EQ(buf, "結果の 記号: 7");
    snprintf(it.words_ja, sizeof it.words_ja, "7"); /* the hub's fallback: the code */
    ck_value_text(t.app, NULL, &it, buf, sizeof buf);
    CHECK_STR_EQ(buf, "結果の 記号: 7");
    snprintf(it.words_en, sizeof it.words_en, "trace");
    ck_value_text(t.app, NULL, &it, buf, sizeof buf); /* the other language's words beat a code */
    CHECK_STR_EQ(buf, "trace");
    at_close(&t);
}

static void t_comment_whole(void)
{
    for (int s = 0; s < 3; s++) {
        struct apptest t;
        REQUIRE(open_checkup(&t, "ja", scales[s]));
        CHECK(strlen(comment) > 1000);
        walk_pages(&t);
        CHECK(seen(comment));
        CHECK(seen("所見30は 様子を 見ましょう。"));
        at_close(&t);
    }
}

static void t_longest_comment_whole(void)
{
    struct apptest t;
    REQUIRE(open_checkup(&t, "ja", 100));
    struct ck_detail *d = &t.app->pv.ck;
    struct ck_item *c = &d->items[d->n - 1];
    ck_item_set_text(d, c, longest);
    CHECK(!c->text_cut && c->text_len == strlen(longest));
    app_frame(t.app);
    walk_pages(&t);
    CHECK(seen(longest));
    CHECK(!seen("長すぎるため"));
    at_close(&t);
    /* a checkup whose texts together pass the pool: the rest is cut and said so */
    static struct ck_detail big;
    struct ck_item parts[8];
    for (int i = 0; i < 8; i++)
        ck_item_set_text(&big, &parts[i], longest);
    CHECK(!parts[4].text_cut && parts[5].text_cut && parts[7].text_cut);
    CHECK(parts[5].text_len < strlen(longest));
    CHECK(strlen(ck_item_text(&big, &parts[5])) == parts[5].text_len);
    CHECK(big.pool_len <= CK_POOL_MAX);
}

static void t_detail_whole_at_150(void)
{
    for (int l = 0; l < 2; l++) {
        struct apptest t;
        REQUIRE(at_open(&t, APP_PROFILE_PUBLIC));
        app_set_lang(t.app, langs[l]);
        app_set_text_scale(t.app, 150);
        CHECK(app_catalogue_show(t.app, "ck_item"));
        app_frame(t.app);
        walk_pages(&t);
        const struct ck_item *it = &t.app->pv.ck.items[t.app->pv.ck_sel];
        if (!seen(it->name))
            fprintf(stderr, "%s on %s: %s\n", langs[l], app_screen_name(t.app), all_text);
        CHECK(seen(it->name));
        CHECK(seen(l ? it->explain_en : it->explain_ja));
        CHECK(seen(l ? "Health guidance from 5.6 %, see a doctor from 6.5 %"
                     : "保健指導の 目安: 5.6 % 以上、受診の 目安: 6.5 % 以上"));
        CHECK(seen(l ? "Reference range: 4.6 % to 5.5 %" : "基準の 範囲: 4.6 % 〜 5.5 %"));
        CHECK(seen(l ? "2026/6/10 5.8 % (Health guidance)" : "2026/6/10 5.8 %（保健指導）"));
        at_close(&t);
    }
}

static bool round_label(const char *s, double step)
{
    /* no more decimals than the step has: "5.5" for 0.5, "150" for 10 */
    const char *dot = strchr(s, '.');
    int dec = dot ? (int)strlen(dot + 1) : 0;
    int want = step >= 1 ? 0 : step >= 0.1 - 1e-12 ? 1 : step >= 0.01 - 1e-12 ? 2 : 3;
    return dec == want;
}

static void t_axis_ticks_round(void)
{
    static const double cases[][2] = {{128.3, 151.85}, {5.4, 6.5}, {0.46, 0.83}, {38, 420},
                                      {0, 0},          {7, 7},     {-3.2, 4.4}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double ticks[CK_TICKS_MAX], step;
        int n = ck_axis_ticks(cases[i][0], cases[i][1], 5, ticks, CK_TICKS_MAX, &step);
        CHECK(n >= 2 && n <= CK_TICKS_MAX);
        CHECK(ticks[0] <= cases[i][0] + 1e-9 && ticks[n - 1] >= cases[i][1] - 1e-9);
        /* the step is 1, 2 or 5 times a power of ten, every tick a multiple of it */
        double e = pow(10, floor(log10(step)));
        double m = step / e;
        CHECK(fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9);
        for (int k = 0; k < n; k++) {
            double q = ticks[k] / step;
            CHECK(fabs(q - round(q)) < 1e-6);
            char label[32];
            ck_tick_text(ticks[k], step, label, sizeof label);
            CHECK(round_label(label, step));
        }
    }
    char buf[32];
    ck_tick_text(150, 10, buf, sizeof buf);
    CHECK_STR_EQ(buf, "150");
    ck_tick_text(6, 0.5, buf, sizeof buf);
    CHECK_STR_EQ(buf, "6.0");
    ck_tick_text(-0.0000001, 0.5, buf, sizeof buf);
    CHECK_STR_EQ(buf, "0.0");
}

/* A systolic pressure trend of n results (guidance 130, see a doctor 140 mmHg) for the
 * item the ck_item sample shows. */
static struct ck_trend *pressure_trend(struct apptest *t, int n, const double *v,
                                       const char *const *dates)
{
    struct ck_trend *tr = &t->app->pv.trend;
    memset(tr, 0, sizeof *tr);
    snprintf(tr->identity, sizeof tr->identity, "3D046");
    snprintf(tr->unit_display, sizeof tr->unit_display, "mmHg");
    tr->has_threshold = tr->has_see_doctor = tr->higher_is_worse = true;
    tr->t_guidance = 130;
    tr->t_see_doctor = 140;
    tr->n = n;
    for (int i = 0; i < n; i++) {
        snprintf(tr->points[i].date, sizeof tr->points[i].date, "%s", dates[i]);
        tr->points[i].value = v[i];
    }
    return tr;
}

/* The numbers drawn left of the chart's plot: each a round number. */
static void t_chart_labels(void)
{
    for (int l = 0; l < 2; l++) {
        struct apptest t;
        REQUIRE(at_open(&t, APP_PROFILE_PUBLIC));
        app_set_lang(t.app, langs[l]);
        CHECK(app_catalogue_show(t.app, "ck_item"));
        /* a systolic pressure trend whose values would make "151.85" on a naive axis */
        static const double v[4] = {128.3, 135.5, 142.25, 151.85};
        static const char *dates[4] = {"2023-06-08", "2024-06-05", "2025-06-12", "2026-06-10"};
        struct ck_trend *tr = pressure_trend(&t, 4, v, dates);
        t.app->pv.item_page = 1;
        app_frame(t.app);
        all_text[0] = '\0';
        add_texts(&t, true);
        CHECK(seen(l ? "Guidance 130 mmHg" : "保健指導 130 mmHg"));
        CHECK(seen(l ? "Doctor 140 mmHg" : "受診 140 mmHg"));
        CHECK(seen(l ? "Unit: mmHg" : "単位: mmHg"));
        CHECK(seen("2026/6/10") && seen("2023/6/8"));
        /* the axis: only whole tens or fives (never 151.85 or 128.3) */
        size_t n;
        int numbers = 0;
        const struct ui_cmd *c = ui_cmds(app_ui(t.app), &n);
        for (size_t i = 0; i < n; i++) {
            if (c[i].kind != UI_CMD_TEXT)
                continue;
            const char *s = ui_cmd_text(app_ui(t.app), &c[i]);
            char *end;
            double x = strtod(s, &end);
            if (end == s || *end != '\0')
                continue;
            numbers++;
            CHECK(fmod(x, 5) == 0);
        }
        CHECK(numbers >= 3);
        /* no threshold: the lab's range is drawn and labelled instead */
        tr->has_threshold = tr->has_see_doctor = false;
        tr->has_low = tr->has_high = true;
        tr->low = 90;
        tr->high = 129;
        app_frame(t.app);
        all_text[0] = '\0';
        add_texts(&t, true);
        CHECK(seen(l ? "Range high 129 mmHg" : "基準の 上限 129 mmHg"));
        CHECK(seen(l ? "Range low 90 mmHg" : "基準の 下限 90 mmHg"));
        at_close(&t);
    }
}

/* The text command exactly s on the current frame, or NULL. */
static const struct ui_cmd *text_cmd(struct apptest *t, const char *s)
{
    size_t n;
    const struct ui_cmd *c = ui_cmds(app_ui(t->app), &n);
    for (size_t i = 0; i < n; i++)
        if (c[i].kind == UI_CMD_TEXT && strcmp(ui_cmd_text(app_ui(t->app), &c[i]), s) == 0)
            return &c[i];
    return NULL;
}

/* A short chart (two results, both far above the thresholds, so the 基準内 band is a thin
 * strip at the bottom) keeps its key at every text size and in both languages: the band's
 * words are drawn on the chart's page (they were left out whenever the band was thinner
 * than a line), and the axis numbers do not pile up on a short plot. */
static void t_short_chart_keeps_key(void)
{
    for (int l = 0; l < 2; l++)
        for (int s = 0; s < 3; s++) {
            struct apptest t;
            REQUIRE(at_open(&t, APP_PROFILE_PUBLIC));
            app_set_lang(t.app, langs[l]);
            app_set_text_scale(t.app, scales[s]);
            CHECK(app_catalogue_show(t.app, "ck_item"));
            static const double v[2] = {162, 171};
            static const char *dates[2] = {"2025-06-12", "2026-06-10"};
            struct ck_trend *tr = pressure_trend(&t, 2, v, dates);
            tr->points[0].judgement = tr->points[1].judgement = CK_J_SEE_DOCTOR;
            t.app->pv.item_page = 0;
            app_frame(t.app);
            const char *unit = l ? "Unit: mmHg" : "単位: mmHg";
            for (int p = 0; p < 10 && !text_cmd(&t, unit); p++)
                if (!at_tap(&t, "page_next"))
                    break;
            REQUIRE(text_cmd(&t, unit) != NULL);
            const char *key = app_s(t.app, "ck_trend_band");
            if (!text_cmd(&t, key))
                fprintf(stderr, "%s %d %%: the chart's key (%s) is not drawn\n", langs[l],
                        scales[s], key);
            CHECK(text_cmd(&t, key) != NULL);
            /* the axis numbers: none drawn over another */
            size_t n;
            const struct ui_cmd *c = ui_cmds(app_ui(t.app), &n);
            int numbers = 0;
            for (size_t i = 0; i < n; i++) {
                if (c[i].kind != UI_CMD_TEXT)
                    continue;
                const char *x = ui_cmd_text(app_ui(t.app), &c[i]);
                char *e;
                strtod(x, &e);
                if (e == x || *e != '\0')
                    continue;
                numbers++;
                for (size_t k = i + 1; k < n; k++) {
                    if (c[k].kind != UI_CMD_TEXT)
                        continue;
                    const char *y = ui_cmd_text(app_ui(t.app), &c[k]);
                    strtod(y, &e);
                    if (e == y || *e != '\0')
                        continue;
                    bool apart = c[i].r.y + c[i].r.h <= c[k].r.y || c[k].r.y + c[k].r.h <= c[i].r.y;
                    if (!apart)
                        fprintf(stderr, "%s %d %%: axis numbers %s and %s overlap\n", langs[l],
                                scales[s], x, y);
                    CHECK(apart);
                }
            }
            CHECK(numbers >= 2);
            at_close(&t);
        }
}

/* Below a notice band at large text a row as a button is taller than what a page keeps
 * above the pager: every row is then words beside a short 見る button (a long row flows over
 * pages, its last lines beside the button), no row reaches the pager, every row's words are
 * on some page, and 見る opens the item. */
static void t_rows_in_words_below_band(void)
{
    for (int l = 0; l < 2; l++)
        for (int band = 0; band < 2; band++) {
            struct apptest t;
            REQUIRE(at_open(&t, APP_PROFILE_PUBLIC));
            app_set_lang(t.app, langs[l]);
            app_set_text_scale(t.app, 150);
            app_catalogue_band(t.app, band);
            REQUIRE(app_catalogue_show(t.app, "ck_one"));
            fill_checkup(&t.app->pv.ck);
            t.app->pv.ck_page = 0;
            app_frame(t.app);
            const struct ck_detail *d = &t.app->pv.ck;
            int pages = 1, views = 0;
            all_text[0] = '\0';
            for (;;) {
                size_t n;
                const struct ui *ui = app_ui(t.app);
                const struct ui_target *tg = ui_targets(ui, &n);
                const struct ui_target *pager = ui_find_target(ui, "page_next");
                if (!pager)
                    pager = ui_find_target(ui, "page_prev");
                REQUIRE(pager != NULL);
                for (size_t i = 0; i < n; i++)
                    if (strncmp(tg[i].id, "item_", 5) == 0) {
                        views++;
                        CHECK(tg[i].r.w < pager->r.w); /* the short 見る, not the row */
                        CHECK(tg[i].r.y + tg[i].r.h < pager->r.y);
                    }
                add_frame_text(&t);
                if (!ui_find_target(ui, "page_next") || pages >= 200)
                    break;
                at_tap(&t, "page_next");
                pages++;
            }
            int order[CK_ITEMS_MAX];
            int nr = ck_rows_order(d, order, CK_ITEMS_MAX);
            CHECK(views == nr);
            for (int k = 0; k < nr; k++) {
                char row[1024];
                ck_row_text(t.app, d, &d->items[order[k]], row, sizeof row);
                if (!seen(row))
                    fprintf(stderr, "%s band %d: row not shown: %s\n", langs[l], band, row);
                CHECK(seen(row));
            }
            /* 見る on the last page opens its item */
            size_t n;
            const struct ui_target *tg = ui_targets(app_ui(t.app), &n);
            for (size_t i = 0; i < n; i++)
                if (strncmp(tg[i].id, "item_", 5) == 0) {
                    char id[UI_ID_MAX];
                    snprintf(id, sizeof id, "%s", tg[i].id);
                    at_tap(&t, id);
                    CHECK_STR_EQ(app_screen_name(t.app), "ck_item");
                    break;
                }
            at_close(&t);
        }
}

int main(void)
{
    make_comment();
    TEST_RUN(t_summary_names_doctor_items_first_page);
    TEST_RUN(t_rows_attention_first_and_nothing_dropped);
    TEST_RUN(t_qualitative_results_in_words);
    TEST_RUN(t_comment_whole);
    TEST_RUN(t_longest_comment_whole);
    TEST_RUN(t_detail_whole_at_150);
    TEST_RUN(t_axis_ticks_round);
    TEST_RUN(t_chart_labels);
    TEST_RUN(t_short_chart_keeps_key);
    TEST_RUN(t_rows_in_words_below_band);
    return test_summary();
}
