/* test_theme: WCAG contrast computation and 7:1 on every text pair of both palettes. */
#include <math.h>

#include "test.h"
#include "theme.h"

static struct ui_color rgb(unsigned v)
{
    struct ui_color c = {(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v, 255};
    return c;
}

static void t_contrast_formula(void)
{
    CHECK(fabs(theme_contrast(rgb(0x000000), rgb(0xFFFFFF)) - 21.0) < 1e-9);
    CHECK(fabs(theme_contrast(rgb(0xFFFFFF), rgb(0x000000)) - 21.0) < 1e-9);
    CHECK(fabs(theme_contrast(rgb(0x777777), rgb(0x777777)) - 1.0) < 1e-9);
    /* published values: #767676 on white is 4.54:1, #595959 on white is 7.00:1 */
    CHECK(fabs(theme_contrast(rgb(0x767676), rgb(0xFFFFFF)) - 4.54) < 0.01);
    CHECK(fabs(theme_contrast(rgb(0x595959), rgb(0xFFFFFF)) - 7.00) < 0.01);
}

static void t_palettes_reach_7_to_1(void)
{
    for (int k = 0; k < 2; k++) {
        const struct theme *t = theme_get((enum theme_kind)k);
        struct ui_color fg[32], bg[32];
        size_t n = theme_pairs(t, fg, bg, 32);
        CHECK(n >= 12);
        for (size_t i = 0; i < n && i < 32; i++) {
            double c = theme_contrast(fg[i], bg[i]);
            if (c < 7.0)
                fprintf(stderr, "%s pair %zu: %.2f:1\n", theme_kind_str(t->kind), i, c);
            CHECK(c >= 7.0);
        }
    }
}

int main(void)
{
    TEST_RUN(t_contrast_formula);
    TEST_RUN(t_palettes_reach_7_to_1);
    return test_summary();
}
