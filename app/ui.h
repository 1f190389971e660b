/*
 * ui: the immediate-mode core of the kiosk's toolkit (microui's idea): screens call
 * widget functions every frame, the calls append to a draw list, and the platform draws
 * the list. The core never draws, so it runs in tests without a window.
 *
 * Touch has the semantics of a retained toolkit (lvgl's CLICKED / PRESS_LOST): the
 * targets of the last frame are kept, a press is hit-tested against them, a release
 * inside the pressed target activates it, sliding off cancels it for good, and a second
 * activation of the same target within UI_REPEAT_GUARD_MS of the first is ignored
 * (tremor, double taps). The activation is handed to the widget of that id on the next
 * frame, where `if (ui_button(...))` returns true once.
 *
 * Sizes are millimetres turned into pixels through the display density (px per mm) and
 * the text scale (100/125/150 %). Text is measured through ui_text_ops, which the
 * platform supplies (SDL_ttf) and tests fake.
 *
 * Threading: one ui belongs to the UI thread.
 */
#ifndef UI_H
#define UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "theme.h"

#define UI_REPEAT_GUARD_MS 400
#define UI_MAX_CMDS        2048
#define UI_MAX_TARGETS     48
#define UI_TEXT_ARENA      (64 * 1024)
#define UI_ID_MAX          32
#define UI_LABEL_MAX       160

struct ui_rect {
    int x, y, w, h;
};

enum ui_font { UI_FONT_REGULAR = 0, UI_FONT_BOLD = 1 };

/* Font metrics, supplied by the platform. `width` measures len bytes of UTF-8 text. */
struct ui_text_ops {
    void *ctx;
    int (*width)(void *ctx, enum ui_font font, int px, const char *s, size_t len);
    int (*line_height)(void *ctx, enum ui_font font, int px);
};

enum ui_cmd_kind {
    UI_CMD_RECT,   /* filled rectangle */
    UI_CMD_FRAME,  /* rectangle outline, `thick` px wide, inside r */
    UI_CMD_TEXT,   /* one line of text at r.x, r.y (r = its measured extent) */
    UI_CMD_LINE,   /* from (r.x, r.y) to (x2, y2), `thick` px wide */
    UI_CMD_CIRCLE, /* filled disc inside r (r.w == r.h), ring when thick > 0 */
};

struct ui_cmd {
    enum ui_cmd_kind kind;
    struct ui_rect r;
    struct ui_color color;
    int thick;
    int x2, y2;
    /* text only */
    enum ui_font font;
    int px;
    uint32_t text_off, text_len; /* into the frame's text arena */
    struct ui_rect box;          /* the box the text must stay inside */
    struct ui_color bg;          /* what the text is drawn on, for the contrast check */
};

/* UI_T_KEY: a key of a keypad (entry, not a "choice" in the 6-choices rule) */
enum ui_target_kind {
    UI_T_PRIMARY,
    UI_T_NORMAL,
    UI_T_DANGER,
    UI_T_NAV_BACK,
    UI_T_NAV_HOME,
    UI_T_KEY,
    /* the frame's own bands, on every screen like Back and Home (not the screen's choices):
     * the notice banner and the repeat-speech button */
    UI_T_FRAME
};

struct ui_target {
    char id[UI_ID_MAX];
    char label[UI_LABEL_MAX];
    enum ui_target_kind kind;
    struct ui_rect r;
    struct ui_color fg, bg;
};

/* A figure's area the layout dump reports (a chart's plot: "plot"), so checks can measure
 * what a picture without words gets. Not drawn. */
#define UI_MAX_FIGURES 8
struct ui_figure {
    char kind[16];
    struct ui_rect r;
};

struct ui_metrics {
    double px_per_mm;  /* display density */
    int text_scale;    /* percent: 100, 125 or 150 */
    int width, height; /* the screen in px */
};

struct ui;

/* Allocates a ui. `ops` is copied. Returns NULL when out of memory. Free with ui_destroy. */
struct ui *ui_create(const struct ui_text_ops *ops, const struct ui_metrics *m);
void ui_destroy(struct ui *ui);

void ui_set_metrics(struct ui *ui, const struct ui_metrics *m);
const struct ui_metrics *ui_metrics(const struct ui *ui);
void ui_set_theme(struct ui *ui, enum theme_kind kind);
const struct theme *ui_theme(const struct ui *ui);

/* Millimetres to pixels (rounded, at least 1 for non-zero mm). */
int ui_mm(const struct ui *ui, double mm);
/* A text size in millimetres (em height) to pixels, with the text scale applied. */
int ui_text_px(const struct ui *ui, double mm);

/* --- input (between frames) --- */
/* Each returns true when the visible state changed (a redraw is needed). t_ms is a
 * monotonic time in milliseconds. */
bool ui_pointer_down(struct ui *ui, int x, int y, uint64_t t_ms);
bool ui_pointer_move(struct ui *ui, int x, int y, uint64_t t_ms);
bool ui_pointer_up(struct ui *ui, int x, int y, uint64_t t_ms);
/* The id activated by the last release, or NULL; cleared at the end of the next frame. */
const char *ui_pending_activation(const struct ui *ui);
/* The id currently shown pressed, or NULL. */
const char *ui_pressed(const struct ui *ui);
/* Counters for tests: activations delivered, ignored by the repeat guard, cancelled. */
void ui_touch_stats(const struct ui *ui, unsigned *activated, unsigned *guarded,
                    unsigned *cancelled);

/* --- frame --- */
void ui_begin(struct ui *ui);
/* Ends the frame: keeps the targets for hit-testing, drops an unclaimed activation. */
void ui_end(struct ui *ui);
/* From here on, targets drawn before are not hittable (a modal dialog or overlay), and
 * texts drawn before count as dimmed background (not checked for contrast). */
void ui_modal(struct ui *ui);
/* Index of the first draw command of the modal layer (0 when there is none). */
size_t ui_modal_cmd(const struct ui *ui);

/* Draw list of the last frame (borrowed until the next ui_begin). */
const struct ui_cmd *ui_cmds(const struct ui *ui, size_t *n);
const char *ui_cmd_text(const struct ui *ui, const struct ui_cmd *c);
/* Figures of the frame (borrowed until the next ui_begin). */
const struct ui_figure *ui_figures(const struct ui *ui, size_t *n);
/* Hittable targets of the last frame (borrowed until the next ui_end). */
const struct ui_target *ui_targets(const struct ui *ui, size_t *n);
/* Finds a hittable target of the last frame by id; NULL when absent. */
const struct ui_target *ui_find_target(const struct ui *ui, const char *id);

/* --- drawing primitives for widgets --- */
void ui_rect(struct ui *ui, struct ui_rect r, struct ui_color c);
void ui_frame(struct ui *ui, struct ui_rect r, struct ui_color c, int thick);
void ui_line(struct ui *ui, int x1, int y1, int x2, int y2, int thick, struct ui_color c);
void ui_circle(struct ui *ui, int cx, int cy, int radius, int thick, struct ui_color c);
/* One line of text with its top-left at (x, y); `box` is where it must stay, `bg` what it is
 * drawn on. Returns the width drawn. */
int ui_text(struct ui *ui, int x, int y, enum ui_font font, int px, struct ui_color fg,
            struct ui_color bg, struct ui_rect box, const char *s, size_t len);
int ui_measure(const struct ui *ui, enum ui_font font, int px, const char *s, size_t len);
int ui_line_height(const struct ui *ui, enum ui_font font, int px);

/* Registers a hittable target for this frame and tells its touch state: returns true once
 * when it was activated; *pressed tells whether it is to be drawn pressed. */
bool ui_target(struct ui *ui, const char *id, const char *label, enum ui_target_kind kind,
               struct ui_rect r, struct ui_color fg, struct ui_color bg, bool *pressed);

/* Records a figure of this frame (beyond UI_MAX_FIGURES: ignored). */
void ui_figure(struct ui *ui, const char *kind, struct ui_rect r);

bool ui_rect_contains(struct ui_rect r, int x, int y);

#endif
