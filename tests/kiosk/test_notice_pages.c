/* test_notice_pages: the whole notices (scr_notice) with the kiosk's own fonts. At large
 * text the pager's words (次の お知らせ) do not fit a line in a third of the width; the
 * pager then puts the page number on its own line and ◀ ▶ in halves, each label on one
 * line, instead of an arrow above two lines of words in thirds (325 px of the 580 a page
 * has at 150 %): the catalogue's two notices take at most 6 pages at 150 % in Japanese
 * (8 before), and every page's pager stays lower than half of the screen. */
#include <string.h>

#include "appstate.h"
#include "apptest.h"
#include "realfonts.h"

static struct ui_text_ops ops;

/* The catalogue's notices (the 避難指示 and the 大雨警報) at scale % in lang: returns the
 * number of pages, walked with ▶ as a resident would; *tallest is the tallest ▶ or ◀. */
static int pages_of(const char *lang, int scale, int *tallest)
{
    struct apptest t;
    int pages = 0;
    *tallest = 0;
    struct app_ports ports = fake_ports_bind(&t.fp);
    if (!at_open_text(&t, APP_PROFILE_HOME, &ports, &ops, lang, false)) {
        CHECK(false);
        return 0;
    }
    app_set_text_scale(t.app, scale);
    CHECK(app_catalogue_show(t.app, "notice"));
    app_frame(t.app);
    for (pages = 1; pages < 20; pages++) {
        const struct ui_target *n = ui_find_target(app_ui(t.app), "page_next");
        const struct ui_target *p = ui_find_target(app_ui(t.app), "page_prev");
        if (p && p->r.h > *tallest)
            *tallest = p->r.h;
        if (!n)
            break;
        if (n->r.h > *tallest)
            *tallest = n->r.h;
        if (!at_tap(&t, "page_next")) {
            CHECK(false);
            break;
        }
    }
    at_close(&t);
    return pages;
}

static void t_pager_in_halves_at_large_text(void)
{
    int tallest = 0;
    int ja150 = pages_of("ja", 150, &tallest);
    fprintf(stderr, "notice ja 150 %%: %d pages, tallest page button %d px\n", ja150, tallest);
    CHECK(ja150 > 1);
    CHECK(ja150 <= 6);
    CHECK(tallest < 800 / 4);
    static const char *const langs[2] = {"ja", "en"};
    static const int scales[3] = {100, 125, 150};
    for (int l = 0; l < 2; l++)
        for (int s = 0; s < 3; s++) {
            int n = pages_of(langs[l], scales[s], &tallest);
            fprintf(stderr, "notice %s %d %%: %d pages, tallest page button %d px\n", langs[l],
                    scales[s], n, tallest);
            CHECK(n >= 1);
            CHECK(tallest < 800 / 2);
        }
}

static void run(void)
{
    TEST_RUN(t_pager_in_halves_at_large_text);
}

int main(void)
{
    return realfonts_main(&ops, run);
}
