/*
 * scr_ck_one: one checkup in one look. First the date and the place, then a summary in
 * words: each item that needs a doctor by name, those for health guidance, how many are
 * within range; then the doctor's comment and other text results whole, wrapped; then every
 * item as a row (name, value with unit or a qualitative result in words, the judgement word
 * beside its icon), those needing attention first. A row opens the item's detail
 * (scr_ck_item). Pages come from ckpage: a long comment continues on the next page, nothing
 * is dropped at any text size, and the pager says it pages through results.
 */
#include <stdlib.h>
#include <string.h>

#include "appstate.h"
#include "ckpage.h"

#define ROW_TEXT (CK_NAME_MAX + 256)
#define SUM_TEXT 4096 /* textwrap's cap: the most a paragraph can be */

static int rank(const struct ck_item *it)
{
    switch (it->judgement) {
    case CK_J_SEE_DOCTOR:
        return 0;
    case CK_J_GUIDANCE:
        return 1;
    case CK_J_NORMAL:
        return 2;
    default:
        return 3;
    }
}

static bool is_text(const struct ck_item *it)
{
    return (it->kind == CK_K_TEXT || it->kind == CK_K_DATE) && it->judgement == CK_J_NONE;
}

int ck_rows_order(const struct ck_detail *d, int *rows, int cap)
{
    int n = 0;
    for (int r = 0; r < 4; r++)
        for (int i = 0; i < d->n && n < cap; i++)
            if (!is_text(&d->items[i]) && rank(&d->items[i]) == r)
                rows[n++] = i;
    return n;
}

/* "A、B、C": the names of the items with judgement j. */
static int names_of(const struct app *a, const struct ck_detail *d, enum ck_judgement j, char *buf,
                    size_t size)
{
    static char tmp[SUM_TEXT]; /* UI thread only */
    int n = 0;
    buf[0] = '\0';
    for (int i = 0; i < d->n; i++) {
        if (d->items[i].judgement != j || is_text(&d->items[i]))
            continue;
        if (n++ == 0) {
            snprintf(buf, size, "%s", d->items[i].name);
        } else {
            i18n_format(tmp, sizeof tmp, app_s(a, "ck_sum_join"), buf, d->items[i].name, NULL,
                        NULL);
            snprintf(buf, size, "%s", tmp);
        }
    }
    return n;
}

static void summary_lines(const struct app *a, const struct ck_detail *d, char lines[4][SUM_TEXT],
                          enum ck_judgement js[4], int *nlines)
{
    static char names[SUM_TEXT]; /* UI thread only */
    char num[16];
    int k = 0, counts[4] = {0, 0, 0, 0};
    for (int i = 0; i < d->n; i++)
        if (!is_text(&d->items[i]))
            counts[d->items[i].judgement]++;
    if (counts[CK_J_SEE_DOCTOR]) {
        names_of(a, d, CK_J_SEE_DOCTOR, names, sizeof names);
        snprintf(num, sizeof num, "%d", counts[CK_J_SEE_DOCTOR]);
        i18n_format(lines[k], SUM_TEXT, app_s(a, "ck_sum_doctor"), num, names, NULL, NULL);
        js[k++] = CK_J_SEE_DOCTOR;
    }
    if (counts[CK_J_GUIDANCE]) {
        names_of(a, d, CK_J_GUIDANCE, names, sizeof names);
        snprintf(num, sizeof num, "%d", counts[CK_J_GUIDANCE]);
        i18n_format(lines[k], SUM_TEXT, app_s(a, "ck_sum_guidance"), num, names, NULL, NULL);
        js[k++] = CK_J_GUIDANCE;
    }
    if (!counts[CK_J_SEE_DOCTOR] && !counts[CK_J_GUIDANCE]) {
        i18n_format(lines[k], SUM_TEXT, app_s(a, "ck_sum_all_fine"), NULL, NULL, NULL, NULL);
        js[k++] = CK_J_NORMAL;
    }
    snprintf(num, sizeof num, "%d", counts[CK_J_NORMAL]);
    i18n_format(lines[k], SUM_TEXT, app_s(a, "ck_sum_normal"), num, NULL, NULL, NULL);
    js[k++] = CK_J_NORMAL;
    if (counts[CK_J_NONE]) {
        snprintf(num, sizeof num, "%d", counts[CK_J_NONE]);
        i18n_format(lines[k], SUM_TEXT, app_s(a, "ck_sum_none"), num, NULL, NULL, NULL);
        js[k++] = CK_J_NONE;
    }
    *nlines = k;
}

void ck_row_text(const struct app *a, const struct ck_detail *d, const struct ck_item *it,
                 char *buf, size_t size)
{
    static char v[CK_TEXT_MAX]; /* UI thread only */
    ck_value_text(a, d, it, v, sizeof v);
    if (it->judgement == CK_J_NONE)
        i18n_format(buf, size, app_s(a, "ck_row_plain"), it->name, v, NULL, NULL);
    else
        i18n_format(buf, size, app_s(a, "ck_row"), it->name, v,
                    ck_judgement_words(a, it->judgement), NULL);
}

static const char *pager_words(struct app *a, const struct ckpage *pg, int first, bool next)
{
    (void)pg;
    (void)first;
    return app_s(a, next ? "ck_page_next" : "ck_page_prev");
}

static void frame(struct app *a, struct ui_rect c)
{
    static char head[SUM_TEXT], sum[4][SUM_TEXT], rows[CK_ITEMS_MAX][ROW_TEXT];
    static char names[CK_ITEMS_MAX][CK_NAME_MAX + 16];
    static struct ckpage pg;
    struct priv_state *p = &a->pv;
    const struct ck_detail *d = &p->ck;
    char msg[PRIV_SENTENCE], date[64];
    const char *m = priv_load_words(a, &p->ck_ld, msg, sizeof msg);
    if (m) {
        priv_para(a, c, c.y, true, m);
        return;
    }
    if (d->n == 0) {
        priv_para(a, c, c.y, false, app_s(a, "ck_one_empty"));
        return;
    }
    ckpage_begin(&pg);
    ck_date_words(a, d->date, date, sizeof date);
    i18n_format(head, sizeof head, app_s(a, "ck_one_head"), date, d->org, NULL, NULL);
    int ns;
    enum ck_judgement js[4];
    summary_lines(a, d, sum, js, &ns);
    /* what needs a doctor comes first of all (journey 11), then which checkup this is, then
     * the rest of the summary; all of it starts on the first page, whatever its length */
    for (int i = 0; i < ns; i++) {
        if (i == 1 || (i == 0 && js[0] != CK_J_SEE_DOCTOR)) {
            ckpage_para(&pg, head, UI_FONT_BOLD, ICON_NONE, false);
            ckpage_flow(&pg);
        }
        ckpage_para(&pg, sum[i], UI_FONT_BOLD, ck_judgement_icon(js[i]), js[i] == CK_J_SEE_DOCTOR);
        ckpage_indent(&pg);
        ckpage_flow(&pg);
    }
    /* the doctor's comment and other words, whole */
    for (int i = 0; i < d->n; i++)
        if (is_text(&d->items[i])) {
            i18n_format(names[i], sizeof names[i], app_s(a, "ck_text_item"), d->items[i].name, NULL,
                        NULL, NULL);
            ckpage_para(&pg, names[i], UI_FONT_BOLD, ICON_NONE, false);
            ckpage_keep(&pg);
            const char *text = ck_item_text(d, &d->items[i]);
            ckpage_para(&pg, text[0] ? text : "—", UI_FONT_REGULAR, ICON_NONE, false);
            if (d->items[i].text_cut)
                ckpage_para(&pg, app_s(a, "ck_text_cut"), UI_FONT_REGULAR, ICON_NONE, false);
        }
    int order[CK_ITEMS_MAX];
    int nr = ck_rows_order(d, order, CK_ITEMS_MAX);
    for (int k = 0; k < nr; k++) {
        const struct ck_item *it = &d->items[order[k]];
        ck_row_text(a, d, it, rows[k], sizeof rows[k]);
        ckpage_row(&pg, rows[k], ck_judgement_icon(it->judgement), order[k]);
    }
    static const struct ckpage_ops ops = {NULL, pager_words, "item"};
    int tapped = ckpage_frame(a, c, &pg, &p->ck_page, &p->ck_pages, &ops);
    if (tapped >= 0) {
        p->ck_sel = tapped;
        p->item_page = 0;
        app_nav_push(a, &scr_ck_item);
    }
}

static void item(struct ck_item *it, const char *id, const char *name, double v, const char *unit,
                 double lo, double hi, double g, double d, bool hiw, enum ck_judgement j,
                 const char *ex)
{
    memset(it, 0, sizeof *it);
    snprintf(it->identity, sizeof it->identity, "%s", id);
    snprintf(it->name, sizeof it->name, "%s", name);
    it->kind = CK_K_NUMBER;
    it->has_value = true;
    it->value = v;
    snprintf(it->unit_display, sizeof it->unit_display, "%s", unit);
    it->has_low = lo >= 0;
    it->low = lo;
    it->has_high = hi >= 0;
    it->high = hi;
    it->has_threshold = g > 0;
    it->t_guidance = g;
    it->has_see_doctor = d > 0;
    it->t_see_doctor = d;
    it->higher_is_worse = hiw;
    it->judgement = j;
    snprintf(it->explain_ja, sizeof it->explain_ja, "%s", ex);
    snprintf(it->explain_en, sizeof it->explain_en, "%s", ex);
}

static void code_item(struct ck_item *it, const char *id, const char *name, const char *code,
                      const char *ja, const char *en, enum ck_judgement j)
{
    memset(it, 0, sizeof *it);
    snprintf(it->identity, sizeof it->identity, "%s", id);
    snprintf(it->name, sizeof it->name, "%s", name);
    it->kind = CK_K_CODE;
    snprintf(it->code, sizeof it->code, "%s", code);
    snprintf(it->words_ja, sizeof it->words_ja, "%s", ja);
    snprintf(it->words_en, sizeof it->words_en, "%s", en);
    it->judgement = j;
}

static void text_item(struct ck_detail *d, struct ck_item *it, const char *id, const char *name,
                      const char *text)
{
    memset(it, 0, sizeof *it);
    snprintf(it->identity, sizeof it->identity, "%s", id);
    snprintf(it->name, sizeof it->name, "%s", name);
    it->kind = CK_K_TEXT;
    ck_item_set_text(d, it, text);
}

void priv_sample_checkup(struct app *a)
{
    struct ck_detail *d = &a->pv.ck;
    struct ck_item *it = d->items;
    memset(d, 0, sizeof *d);
    d->id = 10;
    snprintf(d->date, sizeof d->date, "2026-06-10");
    d->year = 2026;
    snprintf(d->org, sizeof d->org, "%s", app_s(a, "sample_org"));
    /* in the sender's order: the screen puts what needs attention first */
    item(it++, "9N001", app_s(a, "sample_ck_height"), 158.2, "cm", -1, -1, 0, 0, false, CK_J_NONE,
         "");
    item(it++, "3B035", "AST(GOT)", 24, "U/L", 0, 30, 31, 51, true, CK_J_NORMAL, "");
    item(it++, "3B045", "ALT(GPT)", 18, "U/L", 0, 30, 31, 51, true, CK_J_NORMAL, "");
    item(it++, "3F070", app_s(a, "sample_ck_hdl"), 62, "mg/dL", 40, 86, 40, 0, false, CK_J_NORMAL,
         app_s(a, "sample_ck_hdl_ex"));
    item(it++, "9A755", app_s(a, "sample_ck_sbp"), 142, "mmHg", -1, -1, 130, 140, true,
         CK_J_SEE_DOCTOR, app_s(a, "sample_ck_sbp_ex"));
    item(it++, "3D046", "HbA1c", 5.8, "%", 4.6, 5.5, 5.6, 6.5, true, CK_J_GUIDANCE,
         app_s(a, "sample_ck_a1c_ex"));
    code_item(it++, "1A020", app_s(a, "sample_ck_glucose"), "－", "", "", CK_J_NORMAL);
    code_item(it++, "1A010", app_s(a, "sample_ck_protein"), "1", "マイナス", "negative",
              CK_J_NORMAL);
    code_item(it++, "9C000", app_s(a, "sample_ck_long"), "1", app_s(a, "sample_ck_no_finding"),
              app_s(a, "sample_ck_no_finding"), CK_J_NORMAL);
    text_item(d, it++, "9N501", app_s(a, "sample_ck_comment"), app_s(a, "sample_ck_comment_text"));
    item(it++, "3B090", "γ-GT(γ-GTP)", 35, "U/L", 0, 50, 51, 101, true, CK_J_NORMAL, "");
    item(it++, "3F015", "LDL", 128, "mg/dL", 65, 139, 120, 140, true, CK_J_GUIDANCE, "");
    item(it++, "3C015", app_s(a, "sample_ck_cre"), 0.72, "mg/dL", 0.46, 0.79, 0, 0, true,
         CK_J_NORMAL, "");
    d->n = (int)(it - d->items);
    a->pv.ck_ld.loaded = true;
}

static void sample(struct app *a, int variant)
{
    a->card.present = true;
    a->card.in_session = true;
    priv_sample_checkup(a);
    a->pv.ck_page = variant; /* a page past the end shows the last */
}

static void title(const struct app *a, char *buf, size_t size)
{
    ckpage_title(a, "title_ck_one", a->pv.ck_page, a->pv.ck_pages, buf, size);
}

const struct screen scr_ck_one = {.name = "ck_one",
                                  .title_key = "title_ck_one",
                                  .frame = frame,
                                  .sample = sample,
                                  .title = title};
