/*
 * layout: the layout dump of a frame as JSON, the input of the screen-rule checks
 * (tests/kiosk/catalogue_check.c). For every hittable target: id, label, kind, rectangle
 * in px and mm, foreground and background colour; for every text: the words, the
 * measured extent, the box it must stay in, size and colours; for every figure (a chart's
 * plot): its kind and rectangle.
 */
#ifndef LAYOUT_H
#define LAYOUT_H

#include <stddef.h>

#include "ui.h"

struct layout_meta {
    const char *screen, *lang;
    int text_scale;
    const char *theme, *profile;
};

/* Writes the JSON into buf. Returns its length, or -1 when buf is too small. */
int layout_json(const struct ui *ui, const struct layout_meta *m, char *buf, size_t size);

#endif
