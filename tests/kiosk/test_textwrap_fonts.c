/*
 * test_textwrap_fonts: every string of assets/strings/ (ja.txt, en.txt) wrapped with the kiosk's
 * own text measuring (BIZ UDPGothic through platform/sdl/fonts.c) at 100, 125 and 150 % text, at
 * the widths the screens give text (the whole content width, the PIN pad's column, a half, a third;
 * body, title and button-label sizes): no line breaks inside a word that would fit the line, and no
 * text is dropped. Placeholders are filled with a number, as the screens fill most of them.
 */
#include <string.h>

#include "fonts.h"
#include "i18n.h"
#include "realfonts.h"
#include "test.h"
#include "textwrap.h"
#include "wrapcheck.h"

/* The 10.1" tablet: 1280 px wide at 5.9 px/mm, content inside a 3.5 mm margin. */
static const double PPM = 5.9;
static const int WIDTH = 1280;

static int mm(double v)
{
    return (int)(v * PPM + 0.5);
}

static void fill(const char *tmpl, char *buf, size_t size)
{
    i18n_format(buf, size, tmpl, "12", "12", "12", "12");
}

static void check_lang(struct fonts *f, const char *lang)
{
    char err[256];
    enum i18n_status st;
    struct i18n *t = i18n_load(KIOSK_STRINGS_DIR, lang, &st, err, sizeof err);
    REQUIRE(t != NULL);
    struct ui_text_ops ops = fonts_text_ops(f);
    static const int scales[] = {100, 125, 150};
    /* body (regular 6 mm), title (bold 7 mm), button label (bold 8.5 mm, minus padding) */
    static const struct {
        enum ui_font font;
        double mm, pad_mm;
    } sizes[] = {{UI_FONT_REGULAR, 6.0, 0}, {UI_FONT_BOLD, 7.0, 0}, {UI_FONT_BOLD, 8.5, 2.5}};
    int content = WIDTH - 2 * mm(3.5), gap = mm(3.5);
    int widths[] = {content, (content - gap) * 45 / 100, (content - gap) / 2,
                    (content - 2 * gap) / 3};
    size_t wraps = 0;
    int faults = 0;
    for (size_t s = 0; s < sizeof scales / sizeof scales[0]; s++) {
        struct ui_metrics m = {PPM, scales[s], WIDTH, 800};
        struct ui *ui = ui_create(&ops, &m);
        REQUIRE(ui != NULL);
        for (size_t i = 0; i < i18n_count(t); i++) {
            char text[I18N_MAX_VALUE * 2];
            fill(i18n_get(t, i18n_key_at(t, i)), text, sizeof text);
            for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++)
                for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
                    int px = ui_text_px(ui, sizes[z].mm);
                    int bad = wrapcheck_words(ui, sizes[z].font, px, text,
                                              widths[w] - 2 * mm(sizes[z].pad_mm));
                    if (bad)
                        fprintf(stderr, "  %s.txt %s at %d %%\n", lang, i18n_key_at(t, i),
                                scales[s]);
                    faults += bad;
                    wraps++;
                }
        }
        ui_destroy(ui);
    }
    fprintf(stderr, "%s: %zu wraps of %zu strings\n", lang, wraps, i18n_count(t));
    CHECK_INT_EQ(faults, 0);
    i18n_destroy(t);
}

static void t_every_string(void)
{
    struct fonts *f = realfonts_open();
    REQUIRE(f != NULL);
    check_lang(f, "ja");
    check_lang(f, "en");
    realfonts_close(f);
}

int main(void)
{
    TEST_RUN(t_every_string);
    return test_summary();
}
