/*
 * screen: one screen of the kiosk as a state in the navigation state machine. Each screen
 * lives in its own scr_*.c file and fills in this table; app.c moves between them.
 *
 *  enter  - the screen becomes current (state reset, requests started);
 *  leave  - it stops being current;
 *  event  - a port result arrived while it is current (shared state is already updated);
 *  frame  - build this frame's widgets into `content` (the area between the title bar and
 *           the status bar); act on taps by changing state or asking app_nav_*;
 *  sample - catalogue only: put the app in a typical state for this screen, variant n.
 */
#ifndef SCREEN_H
#define SCREEN_H

#include <stdbool.h>
#include <stddef.h>

#include "ui.h"

struct app;
struct app_event;

struct screen {
    const char *name;
    const char *title_key; /* strings key of the title */
    void (*enter)(struct app *a);
    void (*leave)(struct app *a);
    void (*event)(struct app *a, const struct app_event *ev);
    void (*frame)(struct app *a, struct ui_rect content);
    void (*sample)(struct app *a, int variant);
    /* optional: the title in words when it depends on state (else title_key is used) */
    void (*title)(const struct app *a, char *buf, size_t size);
    /* --- card --- */
    /* the screen shows the resident's own data: it needs a card session. Navigating to it
     * without one goes through the card login first (home: step-up, docs/ui.md) */
    bool needs_card;
};

extern const struct screen scr_home;
extern const struct screen scr_result;
extern const struct screen scr_help_confirm;
extern const struct screen scr_help_sent;
extern const struct screen scr_status;
extern const struct screen scr_menu;
extern const struct screen scr_settings;
extern const struct screen scr_setting_text;
extern const struct screen scr_setting_theme;
extern const struct screen scr_setting_lang;
extern const struct screen scr_setting_sound;
extern const struct screen scr_family;
extern const struct screen scr_fam_safety; /* the family's view of a safety check */
extern const struct screen scr_card_idle;
extern const struct screen scr_gallery;
extern const struct screen scr_gallery_chart;
extern const struct screen scr_card_reading;
extern const struct screen scr_card_pin;
extern const struct screen scr_card_signing;
extern const struct screen scr_card_message;
extern const struct screen scr_session;
/* --- card: the home tablet's step-up card login (place the card) --- */
extern const struct screen scr_card_stepup;
/* --- privacy + checkups --- */
extern const struct screen scr_priv_menu;
extern const struct screen scr_priv_own;
extern const struct screen scr_priv_log;
extern const struct screen scr_priv_consent;
extern const struct screen scr_priv_consent_done;
extern const struct screen scr_priv_alerts;
extern const struct screen scr_priv_fam_alerts;
extern const struct screen scr_ck_list;
extern const struct screen scr_ck_one;
extern const struct screen scr_ck_item;
/* --- shopping and family requests --- */
extern const struct screen scr_shop_menu;
extern const struct screen scr_shop_operators;
extern const struct screen scr_shop_categories;
extern const struct screen scr_shop_items;
extern const struct screen scr_shop_cart;
extern const struct screen scr_shop_slot;
extern const struct screen scr_shop_confirm;
extern const struct screen scr_shop_sent;
extern const struct screen scr_shop_orders;
extern const struct screen scr_req_send;
extern const struct screen scr_req_sent;
extern const struct screen scr_req_list;
extern const struct screen scr_req_inbox;
/* --- notices and safety confirmation --- */
extern const struct screen scr_notice;
extern const struct screen scr_safety;
extern const struct screen scr_setting_speech;

#endif
