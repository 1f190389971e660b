/*
 * scr_card_idle: the public kiosk's waiting screen: place the My Number card on the
 * reader. After a session that ended with the card still in the reader it reminds the
 * resident to take it. The municipality the kiosk serves is named in the title, its
 * contact follows the service hours; the hours (the hub's for the town, else config
 * service_hours) are said in words, and whether the kiosk is open now. One choice: the
 * other language (each language names itself).
 */
#include "appstate.h"
#include "wareki.h"

/* "受付時間は 9:00〜17:00 です。" (or closed now), "" when no hours are configured. */
static void hours_words(const struct app *a, char *buf, size_t size)
{
    int o = a->cfg.service_open_min, c = a->cfg.service_close_min;
    buf[0] = '\0';
    if (o == 0 && c == 0)
        return;
    struct wareki_tm tm;
    wareki_jst(a->wall_s, &tm);
    int now = tm.hour * 60 + tm.minute;
    char from[16], to[16];
    wareki_time(from, sizeof from, o / 60, o % 60);
    wareki_time(to, sizeof to, c / 60, c % 60);
    i18n_format(buf, size, app_s(a, now >= o && now < c ? "card_hours" : "card_hours_closed"), from,
                to, NULL, NULL);
}

static void frame(struct app *a, struct ui_rect c)
{
    struct ui *ui = a->ui;
    const struct theme *t = ui_theme(ui);
    int gap = app_gap(a);
    bool ja = a->lang[0] == 'j';
    /* a card lying here outside a login (cancelled, timed out, ended): take it */
    bool remind = a->card.present;
    const char *head = app_s(a, remind ? "card_take" : "card_place");
    const char *note = app_s(a, remind              ? "card_take_note"
                                : a->card.reader_ok ? "card_place_note"
                                                    : "card_no_reader");
    struct wg_button b = {
        "lang_switch", ja ? "English" : "日本語", ICON_LANGUAGE, WG_SECONDARY, false, 0};
    int bw = c.w / 2;
    int bh = wg_button_height(ui, &b, bw);
    /* the picture takes what the words and the button leave, at most 30 mm */
    char hours[256], words_hours[600];
    hours_words(a, hours, sizeof hours);
    /* the town's contact follows its hours in one paragraph (the town's name is in the
     * title): at 150 % the screen keeps its button */
    words_hours[0] = '\0';
    if (a->town.contact[0]) {
        char contact[320];
        i18n_format(contact, sizeof contact, app_s(a, "card_town_contact"), a->town.contact, NULL,
                    NULL, NULL);
        snprintf(words_hours, sizeof words_hours, "%s%s%s", hours, hours[0] ? " " : "", contact);
    } else {
        snprintf(words_hours, sizeof words_hours, "%s", hours);
    }
    /* the words as paragraphs: what to do with the card, the note, the hours and contact */
    const char *para[3] = {head, note, words_hours};
    int font[3] = {UI_FONT_BOLD, UI_FONT_REGULAR, UI_FONT_REGULAR};
    double mm[3] = {WG_TITLE_MM, WG_BODY_MM, WG_BODY_MM};
    int ph_[3], words = 0, np = words_hours[0] ? 3 : 2;
    for (int i = 0; i < np; i++) {
        ph_[i] = wg_text_height(ui, font[i], mm[i], para[i], c.w);
        words += ph_[i] + gap;
    }
    int icon = c.h - words - bh - 2 * gap;
    /* a town's hours and contact at 150 %: no picture, and the paragraphs closer together,
     * so the language button stays on the screen */
    if (icon < 0 && a->town.contact[0]) {
        gap /= 3;
        words = 0;
        for (int i = 0; i < np; i++)
            words += ph_[i] + gap;
        icon = c.h - words - bh - 2 * gap;
    }
    if (icon > ui_mm(ui, 30))
        icon = ui_mm(ui, 30);
    /* still short of room (a notice band above at large text): the paragraphs go on pages
     * (never split), the page in the title, and one row below them: ◀ and ▶ where the pager
     * has them, the language in the half the pager leaves free (first and last page) */
    int first = 0, last = np, pages = 1, cur = 0, row = 0, start[3] = {0, 0, 0};
    if (words + bh > c.h) {
        row = app_pager_height(a, c.w);
        row = bh > row ? bh : row;
        int room = c.h - row - gap, used = 0;
        /* the page the resident turned to starts with the same paragraph whatever the
         * room: when the band grows (offline, it says the information is not new) the
         * pages are planned again, and the words they were reading stay in view */
        for (int i = 0; i < np; i++) {
            if (ph_[i] > room)
                app_first_screen_short(a); /* not even this paragraph: no title above */
            if (used > 0 && (used + ph_[i] > room || i == a->idle_first)) {
                start[pages++] = i;
                used = 0;
            }
            used += ph_[i] + gap;
        }
        for (cur = pages - 1; cur > 0 && start[cur] > a->idle_first;)
            cur--;
        first = start[cur];
        last = cur + 1 < pages ? start[cur + 1] : np;
        icon = 0;
    }
    a->idle_page = cur;
    a->idle_pages = pages;
    int y = c.y;
    if (icon > ui_mm(ui, 8)) {
        icon_draw(ui, ICON_CARD, (struct ui_rect){c.x + (c.w - icon) / 2, c.y, icon, icon}, t->text,
                  t->bg);
        y += icon + gap;
    }
    for (int i = first; i < last; i++)
        y += wg_paragraph(ui, (struct ui_rect){c.x, y, c.w, 0}, font[i], mm[i],
                          i == 0 && remind ? t->warn_text : t->text, t->bg, para[i], WG_CENTER) +
             gap;
    if (pages > 1) {
        int ry = c.y + c.h - row, half = (c.w - app_gap(a)) / 2;
        int d = app_pager(a, (struct ui_rect){c.x, ry, c.w, row}, cur, pages);
        if (d)
            a->idle_first = start[cur + d];
        if ((cur == 0 || cur + 1 == pages) &&
            wg_button(ui, &b, (struct ui_rect){cur == 0 ? c.x : c.x + c.w - half, ry, half, row}))
            app_set_lang(a, ja ? "en" : "ja");
        return;
    }
    int by = c.y + c.h - bh > y ? c.y + c.h - bh : y;
    if (wg_button(ui, &b, (struct ui_rect){c.x + (c.w - bw) / 2, by, bw, bh}))
        app_set_lang(a, ja ? "en" : "ja");
}

/* "横須賀市へ ようこそ" once the hub named the kiosk's town, else "ようこそ". */
static void title(const struct app *a, char *buf, size_t size)
{
    if (a->town.name[0])
        i18n_format(buf, size, app_s(a, "card_title_town"), a->town.name, NULL, NULL, NULL);
    else
        snprintf(buf, size, "%s", app_s(a, "title_card"));
    /* paged under a notice band: where the resident is, as the other screens say it */
    app_title_words_page(a, buf, a->idle_page, a->idle_pages, buf, size);
}

/* The hub names the kiosk's town, its hours and contact: asked once, when the kiosk first
 * waits for a card. */
static void enter(struct app *a)
{
    a->idle_page = a->idle_first = 0;
    if (!a->me_known && !a->me_pending && a->ports.fetch_me) {
        a->me_req = a->ports.fetch_me(a->ports.ctx);
        a->me_pending = a->me_req != 0;
    }
}

static void sample(struct app *a, int variant)
{
    a->idle_page = a->idle_first = 0;
    a->idle_pages = 1;
    a->card.reader_ok = true;
    a->card.present = variant == 1;
    a->card.remind_remove = variant == 1;
    if (!a->cfg.service_open_min && !a->cfg.service_close_min) {
        a->cfg.service_open_min = 9 * 60; /* a typical office: 9:00〜17:00 */
        a->cfg.service_close_min = 17 * 60;
    }
    if (variant == 2) { /* a town sharing the hub, as the hub names it */
        bool ja = a->lang[0] == 'j';
        struct app_town town = {.hours = "8:30〜17:15"};
        snprintf(town.name, sizeof town.name, "%s", ja ? "横須賀市" : "Yokosuka City");
        snprintf(town.contact, sizeof town.contact, "%s",
                 ja ? "福祉課 046-822-4000" : "Welfare Division 046-822-4000");
        app_set_town(a, &town);
    }
}

const struct screen scr_card_idle = {.name = "card_idle",
                                     .title_key = "title_card",
                                     .frame = frame,
                                     .sample = sample,
                                     .enter = enter,
                                     .title = title};
