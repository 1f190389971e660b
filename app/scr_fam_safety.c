/*
 * scr_fam_safety: the family's page of a safety confirmation (famsafety.h), one tap from
 * the family screen: what the town asked and when, the linked resident's answer with its
 * time, and what to do (need help or no answer: phone them; 119 when it is urgent). It
 * follows the family list's refresh, so an answer appears here too without a tap.
 */
#include "appstate.h"
#include "famsafety.h"
#include "msgpage.h"

static void frame(struct app *a, struct ui_rect c)
{
    const struct theme *t = ui_theme(a->ui);
    const struct famsafety_entry *e = famsafety_newest(&a->famsafety.list, a->resident_id);
    char asked[256], words[1024];
    struct msgpage m = {.narrow = true};
    if (e) {
        enum famsafety_state st = famsafety_state_of(e);
        famsafety_asked_words(a, e, asked, sizeof asked);
        famsafety_detail_words(a, e, words, sizeof words);
        msgpage_para(&m, e->title_ja, UI_FONT_BOLD, WG_BODY_MM, t->text);
        msgpage_para(&m, asked, UI_FONT_REGULAR, WG_BODY_MM, t->text);
        msgpage_para(&m, words, UI_FONT_BOLD, WG_BODY_MM,
                     st == FAMSAFETY_SAFE   ? t->ok_text
                     : st == FAMSAFETY_HELP ? t->warn_text
                                            : t->text);
        if (e->closed_at)
            msgpage_para(&m, app_s(a, "famsafety_closed"), UI_FONT_REGULAR, WG_BODY_MM, t->text);
    } else {
        msgpage_para(&m, app_s(a, "famsafety_nothing"), UI_FONT_REGULAR, WG_BODY_MM, t->text);
    }
    msgpage_button(&m, (struct wg_button){"famsafety_ok", app_s(a, "result_ok"), ICON_HOME,
                                          WG_PRIMARY, false, 0});
    if (msgpage_frame(a, c, &m) == 0)
        app_nav_home(a);
}

static void sample(struct app *a, int variant)
{
    snprintf(a->name, sizeof a->name, "%s", app_s(a, "sample_name"));
    famsafety_sample(a, variant);
}

static void title(const struct app *a, char *buf, size_t size)
{
    msgpage_title(a, "title_famsafety", buf, size);
}

const struct screen scr_fam_safety = {.name = "fam_safety",
                                      .title_key = "title_famsafety",
                                      .frame = frame,
                                      .sample = sample,
                                      .title = title};
