/*
 * theme: palettes and contrast. The colours are chosen for 7:1 (WCAG AAA) on every text
 * pair, pressed states included; tests/kiosk/test_theme.c checks each one.
 */
#include "theme.h"

#include <math.h>
#include <stdio.h>

#define C(hex)                                                                                     \
    {                                                                                              \
        (uint8_t)((hex) >> 16), (uint8_t)((hex) >> 8), (uint8_t)(hex), 255                         \
    }

static const struct theme normal = {
    .kind = THEME_NORMAL,
    .bg = C(0xFAFAF7),
    .text = C(0x1A1A1A),
    .bar_bg = C(0x1F2A37),
    .bar_fg = C(0xFFFFFF),
    .accent = C(0x0B3D91),
    .band = C(0xDDEBDD),
    .warn_text = C(0x8A1C00),
    .ok_text = C(0x0B4A1E),
    .scrim = C(0x4A4A4A),
    .primary = {C(0x0B3D91), C(0xFFFFFF), C(0x0B3D91), C(0x061F4D), C(0xFFFFFF)},
    .secondary = {C(0xE6EDF7), C(0x0A1F44), C(0x0A1F44), C(0xB9CBE6), C(0x0A1F44)},
    .danger = {C(0x9B1B1B), C(0xFFFFFF), C(0x9B1B1B), C(0x5C0E0E), C(0xFFFFFF)},
    .nav = {C(0xFFFFFF), C(0x1A1A1A), C(0x1A1A1A), C(0xD0D0D0), C(0x1A1A1A)},
    .selected = {C(0x0B4A1E), C(0xFFFFFF), C(0x0B4A1E), C(0x062A10), C(0xFFFFFF)},
    .dialog = {C(0xFFFFFF), C(0x1A1A1A), C(0x1A1A1A), C(0xFFFFFF), C(0x1A1A1A)},
};

static const struct theme high = {
    .kind = THEME_HIGH_CONTRAST,
    .bg = C(0x000000),
    .text = C(0xFFFFFF),
    .bar_bg = C(0x000000),
    .bar_fg = C(0xFFFF00),
    .accent = C(0xFFFF00),
    .band = C(0x1E3A1E),
    .warn_text = C(0xFFB0B0),
    .ok_text = C(0xB0FFB0),
    .scrim = C(0x303030),
    .primary = {C(0xFFFF00), C(0x000000), C(0xFFFF00), C(0xFFFFFF), C(0x000000)},
    .secondary = {C(0x000000), C(0xFFFFFF), C(0xFFFFFF), C(0x404040), C(0xFFFFFF)},
    .danger = {C(0xFFC0C0), C(0x000000), C(0xFFC0C0), C(0xFFFFFF), C(0x000000)},
    .nav = {C(0x000000), C(0xFFFFFF), C(0xFFFFFF), C(0x404040), C(0xFFFFFF)},
    .selected = {C(0x00FFFF), C(0x000000), C(0x00FFFF), C(0xFFFFFF), C(0x000000)},
    .dialog = {C(0x000000), C(0xFFFFFF), C(0xFFFF00), C(0x000000), C(0xFFFFFF)},
};

const struct theme *theme_get(enum theme_kind kind)
{
    return kind == THEME_HIGH_CONTRAST ? &high : &normal;
}

const char *theme_kind_str(enum theme_kind kind)
{
    return kind == THEME_HIGH_CONTRAST ? "high_contrast" : "normal";
}

static double channel(uint8_t v)
{
    double c = v / 255.0;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

double theme_luminance(struct ui_color c)
{
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

double theme_contrast(struct ui_color a, struct ui_color b)
{
    double la = theme_luminance(a), lb = theme_luminance(b);
    double hi = la > lb ? la : lb, lo = la > lb ? lb : la;
    return (hi + 0.05) / (lo + 0.05);
}

size_t theme_pairs(const struct theme *t, struct ui_color *fg, struct ui_color *bg, size_t cap)
{
    const struct theme_swatch *sw[] = {&t->primary, &t->secondary, &t->danger,
                                       &t->nav,     &t->selected,  &t->dialog};
    struct ui_color f[32], b[32];
    size_t n = 0;
    f[n] = t->text, b[n++] = t->bg;
    f[n] = t->bar_fg, b[n++] = t->bar_bg;
    f[n] = t->accent, b[n++] = t->bg;
    f[n] = t->text, b[n++] = t->band;
    f[n] = t->warn_text, b[n++] = t->bg;
    f[n] = t->ok_text, b[n++] = t->bg;
    for (size_t i = 0; i < sizeof sw / sizeof sw[0]; i++) {
        f[n] = sw[i]->fg, b[n++] = sw[i]->bg;
        f[n] = sw[i]->pressed_fg, b[n++] = sw[i]->pressed_bg;
    }
    for (size_t i = 0; i < n && i < cap; i++) {
        fg[i] = f[i];
        bg[i] = b[i];
    }
    return n;
}

void theme_hex(struct ui_color c, char *buf, size_t size)
{
    snprintf(buf, size, "#%02x%02x%02x", c.r, c.g, c.b);
}
