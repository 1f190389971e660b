/*
 * scr_card_message: why the card cannot be used here, and what to do next: another card,
 * a locked PIN, only one try left (an unattended kiosk refuses and sends the resident to
 * a counter: 3 wrong PINs lock the card nationwide), a reader error, a read that took
 * longer than 10 s, the hub not accepting the login, a card of another municipality
 * sharing the hub (this kiosk serves its own town's residents, named), a card whose
 * certificate was revoked (reported lost: the city office counter), or a hub that cannot
 * check cards right now.
 */
#include "appstate.h"

static void frame(struct app *a, struct ui_rect c)
{
    const struct theme *t = ui_theme(a->ui);
    const char *head = "card_err_head", *body = "card_err_body";
    switch (a->card.last) {
    case APP_CARD_NOT_MYNUMBER:
        head = "card_not_mynumber_head", body = "card_not_mynumber_body";
        break;
    case APP_CARD_BLOCKED:
        head = "card_blocked_head", body = "card_blocked_body";
        break;
    case APP_CARD_TRIES_LOW:
        head = "card_last_try_head", body = "card_last_try_body";
        break;
    case APP_CARD_HUB_FAILED:
        head = "card_hub_head", body = a->net_tls ? "card_hub_body_tls" : "card_hub_body";
        break;
    case APP_CARD_TIMEOUT:
        head = "card_timeout_head", body = "card_timeout_body";
        break;
    case APP_CARD_OTHER_TOWN:
        head = "card_other_town_head", body = "card_other_town_body";
        break;
    case APP_CARD_REVOKED:
        head = "card_revoked_head", body = "card_revoked_body";
        break;
    case APP_CARD_NO_CHECK:
        head = "card_no_check_head", body = "card_no_check_body";
        break;
    default:
        break;
    }
    char words[512];
    /* the kiosk's own town, by name, once the hub said it */
    i18n_format(words, sizeof words, app_s(a, body),
                a->town.name[0] ? a->town.name : app_s(a, "card_other_town_here"), NULL, NULL,
                NULL);
    /* paged when they do not fit (large text under a notice band): msgpage.h */
    struct msgpage m = {0};
    msgpage_para(&m, app_s(a, head), UI_FONT_BOLD, WG_TITLE_MM, t->warn_text);
    msgpage_para(&m, words, UI_FONT_REGULAR, WG_BODY_MM, t->text);
    msgpage_frame(a, c, &m);
}

static void sample(struct app *a, int variant)
{
    a->card.present = true;
    a->card.last = (enum app_card_status)variant;
    if (variant == APP_CARD_OTHER_TOWN && !a->town.name[0])
        snprintf(a->town.name, sizeof a->town.name, "%s",
                 a->lang[0] == 'j' ? "横須賀市" : "Yokosuka");
}

static void title(const struct app *a, char *buf, size_t size)
{
    msgpage_title(a, "title_card", buf, size);
}

const struct screen scr_card_message = {.name = "card_message",
                                        .title_key = "title_card",
                                        .frame = frame,
                                        .sample = sample,
                                        .title = title};
