/*
 * icon: the kiosk's pictograms, drawn as vector shapes into the draw list so they scale
 * with the display density and the text size and follow the theme's colours (no bitmap
 * files to keep in step with the palettes). Every icon stands beside words, never alone.
 */
#ifndef ICON_H
#define ICON_H

#include "ui.h"

enum icon_id {
    ICON_NONE = 0,
    ICON_SMILE,
    ICON_NEUTRAL,
    ICON_SAD,
    ICON_HOME,
    ICON_BACK,
    ICON_HELP,
    ICON_STATUS,
    ICON_SETTINGS,
    ICON_REFRESH,
    ICON_PREV,
    ICON_NEXT,
    ICON_CHECK,
    ICON_CROSS,
    ICON_CARD,
    ICON_TEXTSIZE,
    ICON_LANGUAGE,
    ICON_SOUND,
    ICON_CONTRAST,
};

/* Draws icon `id` inside the square r in colour c. */
void icon_draw(struct ui *ui, enum icon_id id, struct ui_rect r, struct ui_color c,
               struct ui_color bg);

#endif
