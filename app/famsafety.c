/*
 * famsafety: the family's view of a safety confirmation in words (famsafety.h).
 */
#include "famsafety.h"

#include <stdio.h>
#include <string.h>

#include "appstate.h"
#include "wareki.h"

enum famsafety_state famsafety_state_of(const struct famsafety_entry *e)
{
    switch (e->answer) {
    case SAFETY_SAFE:
        return FAMSAFETY_SAFE;
    case SAFETY_NEED_HELP:
        return FAMSAFETY_HELP;
    default:
        return FAMSAFETY_NO_ANSWER;
    }
}

const struct famsafety_entry *famsafety_newest(const struct famsafety_list *l, long resident_id)
{
    const struct famsafety_entry *best = NULL;
    for (int i = 0; i < l->n; i++) {
        const struct famsafety_entry *e = &l->items[i];
        if (e->resident_id != resident_id)
            continue;
        if (!best || e->started_at > best->started_at ||
            (e->started_at == best->started_at && e->check_id > best->check_id))
            best = e;
    }
    return best;
}

/* "9:12", or "12月5日 9:12" when t is not today: a time alone would read as today's. */
static void when(const struct app *a, int64_t t, char *buf, size_t size)
{
    struct wareki_tm tm, now;
    char hm[16], m[8], d[8];
    app_fmt_time(a, t, hm, sizeof hm);
    wareki_jst(t, &tm);
    wareki_jst(a->wall_s, &now);
    if (tm.year == now.year && tm.month == now.month && tm.day == now.day) {
        snprintf(buf, size, "%s", hm);
        return;
    }
    snprintf(m, sizeof m, "%d", tm.month);
    snprintf(d, sizeof d, "%d", tm.day);
    i18n_format(buf, size, app_s(a, "famsafety_day"), m, d, hm, NULL);
}

static const char *const banner_key[] = {
    [FAMSAFETY_NO_ANSWER] = "famsafety_banner_none",
    [FAMSAFETY_SAFE] = "famsafety_banner_safe",
    [FAMSAFETY_HELP] = "famsafety_banner_help",
};

/* large text: without the check's title, in fewer words */
static const char *const short_key[] = {
    [FAMSAFETY_NO_ANSWER] = "famsafety_short_none",
    [FAMSAFETY_SAFE] = "famsafety_short_safe",
    [FAMSAFETY_HELP] = "famsafety_short_help",
};

static const char *const detail_key[] = {
    [FAMSAFETY_NO_ANSWER] = "famsafety_none",
    [FAMSAFETY_SAFE] = "famsafety_safe",
    [FAMSAFETY_HELP] = "famsafety_help",
};

void famsafety_banner_words(const struct app *a, const struct famsafety_entry *e, bool with_title,
                            char *buf, size_t size)
{
    enum famsafety_state st = famsafety_state_of(e);
    char t[48];
    /* no answer: since when the town asked */
    when(a, st == FAMSAFETY_NO_ANSWER || !e->answered_at ? e->started_at : e->answered_at, t,
         sizeof t);
    if (with_title)
        i18n_format(buf, size, app_s(a, banner_key[st]), e->title_ja, t, NULL, NULL);
    else
        i18n_format(buf, size, app_s(a, short_key[st]), t, NULL, NULL, NULL);
}

void famsafety_asked_words(const struct app *a, const struct famsafety_entry *e, char *buf,
                           size_t size)
{
    char asked[48];
    when(a, e->started_at, asked, sizeof asked);
    i18n_format(buf, size, app_s(a, "famsafety_asked"), asked, NULL, NULL, NULL);
}

void famsafety_detail_words(const struct app *a, const struct famsafety_entry *e, char *buf,
                            size_t size)
{
    enum famsafety_state st = famsafety_state_of(e);
    char t[48];
    when(a, st == FAMSAFETY_NO_ANSWER || !e->answered_at ? e->started_at : e->answered_at, t,
         sizeof t);
    i18n_format(buf, size, app_s(a, detail_key[st]), a->name, t, NULL, NULL);
}

void famsafety_sample(struct app *a, int variant)
{
    struct famsafety *f = &a->famsafety;
    memset(f, 0, sizeof *f);
    f->known = true;
    f->list.n = 1;
    struct famsafety_entry *e = &f->list.items[0];
    e->check_id = 7;
    snprintf(e->title_ja, sizeof e->title_ja, "%s", "大雨の あとの 安否確認");
    e->started_at = a->wall_s - 25 * 60;
    e->resident_id = a->resident_id;
    e->answer = variant == 1 ? SAFETY_SAFE : variant == 2 ? SAFETY_NEED_HELP : SAFETY_NONE;
    e->answered_at = variant ? a->wall_s - 10 * 60 : 0;
}
