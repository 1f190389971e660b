/*
 * theme: the kiosk's colour tokens (normal and high-contrast palettes) and the WCAG
 * contrast computation the screen rules are checked with.
 *
 * Every text colour is declared together with the backgrounds it is drawn on
 * (theme_pairs), so a unit test can prove each pair reaches 7:1 instead of hoping.
 */
#ifndef THEME_H
#define THEME_H

#include <stddef.h>
#include <stdint.h>

struct ui_color {
    uint8_t r, g, b, a;
};

enum theme_kind { THEME_NORMAL = 0, THEME_HIGH_CONTRAST = 1 };

/* The look of one kind of surface in its three states. */
struct theme_swatch {
    struct ui_color bg, fg, border;
    struct ui_color pressed_bg, pressed_fg;
};

struct theme {
    enum theme_kind kind;
    struct ui_color bg;             /* screen background */
    struct ui_color text;           /* body text on bg */
    struct ui_color bar_bg, bar_fg; /* status bar and title bar */
    struct ui_color accent;         /* focus rings, chart line, on bg */
    struct ui_color band;           /* chart reference band, behind text */
    struct ui_color warn_text;      /* failure messages on bg */
    struct ui_color ok_text;        /* success messages on bg */
    struct ui_color scrim;          /* hides the screen under a dialog (opaque) */
    struct theme_swatch primary, secondary, danger, nav, selected, dialog;
};

/* The palette of a kind; a pointer to static, immutable data. */
const struct theme *theme_get(enum theme_kind kind);
const char *theme_kind_str(enum theme_kind kind);

/* WCAG 2.x relative luminance (0..1) and contrast ratio (1..21) of two colours. */
double theme_luminance(struct ui_color c);
double theme_contrast(struct ui_color a, struct ui_color b);

/* Every (foreground, background) pair the palette draws text with. Fills up to cap pairs
 * into fg[]/bg[] and returns how many exist. */
size_t theme_pairs(const struct theme *t, struct ui_color *fg, struct ui_color *bg, size_t cap);

/* "#rrggbb" into buf (at least 8 bytes). */
void theme_hex(struct ui_color c, char *buf, size_t size);

#endif
