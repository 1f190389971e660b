/*
 * msgpage: a screen that says something — a heading and its words — with up to two buttons
 * at the bottom, where the thumb is (the check-in's result, help sent, the card's messages,
 * a family request sent, a safety answer, 安否). It is laid out by the room the screen gets
 * (a notice band above takes some of it), and nothing is ever cut:
 *  1. the words from the top, the buttons at the bottom (full width, halves for two, or two
 *     thirds centred for one when `narrow`);
 *  2. else one button goes to the right of the words at the bottom (a third of the width,
 *     without its icon, so its label breaks between phrases) and the words take the rest;
 *  3. else the words are paged (pageflow `split`: a paragraph continues on the next page
 *     between two of its lines wherever two fit what is left of a page and two stay for
 *     the next) with ◀ 前へ | 次へ ▶ at the bottom and the page in the title
 *     (msgpage_title: "結果 1/2", as every paged screen); on the last page ◀ 前へ and the
 *     buttons share the row (after the words they act on). (◀ 2 / 5 ページ ▶ in thirds
 *     would keep the title's lines, but at large text its buttons put their icons above
 *     the words and take twice the height.)
 * The page lives in struct app (msg_page) and starts at 0 whenever a screen is entered.
 */
#ifndef MSGPAGE_H
#define MSGPAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "widgets.h"

struct app;

#define MSGPAGE_PARAS   8
#define MSGPAGE_BUTTONS 2

struct msgpage_para {
    const char *text; /* borrowed until the frame ends; NULL or "" is skipped */
    enum ui_font font;
    double mm;          /* WG_TITLE_MM for a heading, WG_BODY_MM for words */
    struct ui_color fg; /* drawn on the theme's background */
    bool indent;        /* indented below a label (安否's items) */
    bool keep;          /* a label: right above the paragraph after it (no gap), on its page */
};

struct msgpage {
    int npara;
    struct msgpage_para para[MSGPAGE_PARAS];
    int nbtn;
    struct wg_button btn[MSGPAGE_BUTTONS];
    bool narrow; /* one button at two thirds of the width, centred, rather than the whole */
};

/* Adds a paragraph / a button (ignored beyond the caps). */
void msgpage_para(struct msgpage *m, const char *text, enum ui_font font, double mm,
                  struct ui_color fg);
void msgpage_button(struct msgpage *m, struct wg_button b);

/* Height of the words at width w (each paragraph with the gap after it). */
int msgpage_words_height(struct app *a, const struct msgpage *m, int w);

/* Lays out and draws m in c; returns the index of the button tapped this frame, or -1. */
int msgpage_frame(struct app *a, struct ui_rect c, const struct msgpage *m);

/* The title of `key` with the page when the words are paged ("結果 1/2"). */
void msgpage_title(const struct app *a, const char *key, char *buf, size_t size);

#endif
