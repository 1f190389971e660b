/*
 * ui: draw list, targets and touch semantics (see ui.h). Capacities are fixed: a frame
 * that overflows the draw list or the text arena drops the extra commands and counts
 * them, which a test would notice, rather than growing without bound.
 */
#include "ui.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ui {
    struct ui_text_ops ops;
    struct ui_metrics m;
    const struct theme *theme;

    struct ui_cmd cmds[UI_MAX_CMDS];
    size_t ncmds;
    char arena[UI_TEXT_ARENA];
    size_t arena_used;
    unsigned dropped;
    struct ui_figure figures[UI_MAX_FIGURES];
    size_t nfigures;

    /* targets being built this frame, and the ones of the last frame (hit-tested) */
    struct ui_target cur[UI_MAX_TARGETS];
    size_t ncur, modal_from, modal_cmd;
    struct ui_target prev[UI_MAX_TARGETS];
    size_t nprev;

    /* touch state */
    char pressed[UI_ID_MAX];   /* shown pressed; "" when none */
    bool cancelled;            /* the current press slid off */
    bool down;                 /* a pointer is down */
    uint64_t down_t;           /* when the current press began */
    char activated[UI_ID_MAX]; /* waiting to be claimed by its widget */
    char last_id[UI_ID_MAX];   /* the last activation, for the repeat guard */
    uint64_t last_t;
    unsigned n_activated, n_guarded, n_cancelled;
};

struct ui *ui_create(const struct ui_text_ops *ops, const struct ui_metrics *m)
{
    struct ui *ui = calloc(1, sizeof *ui);
    if (!ui)
        return NULL;
    ui->ops = *ops;
    ui->m = *m;
    ui->theme = theme_get(THEME_NORMAL);
    return ui;
}

void ui_destroy(struct ui *ui)
{
    free(ui);
}

void ui_set_metrics(struct ui *ui, const struct ui_metrics *m)
{
    ui->m = *m;
}

const struct ui_metrics *ui_metrics(const struct ui *ui)
{
    return &ui->m;
}

void ui_set_theme(struct ui *ui, enum theme_kind kind)
{
    ui->theme = theme_get(kind);
}

const struct theme *ui_theme(const struct ui *ui)
{
    return ui->theme;
}

int ui_mm(const struct ui *ui, double mm)
{
    int px = (int)lround(mm * ui->m.px_per_mm);
    return (mm > 0 && px < 1) ? 1 : px;
}

int ui_text_px(const struct ui *ui, double mm)
{
    return ui_mm(ui, mm * ui->m.text_scale / 100.0);
}

bool ui_rect_contains(struct ui_rect r, int x, int y)
{
    return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

static void copy_id(char *dst, const char *src)
{
    size_t n = strnlen(src, UI_ID_MAX - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static const struct ui_target *hit(const struct ui *ui, int x, int y)
{
    /* later targets are drawn on top */
    for (size_t i = ui->nprev; i-- > 0;)
        if (ui_rect_contains(ui->prev[i].r, x, y))
            return &ui->prev[i];
    return NULL;
}

bool ui_pointer_down(struct ui *ui, int x, int y, uint64_t t_ms)
{
    const struct ui_target *t = hit(ui, x, y);
    ui->down = true;
    ui->down_t = t_ms;
    ui->cancelled = false;
    if (!t) {
        ui->pressed[0] = '\0';
        return false;
    }
    copy_id(ui->pressed, t->id);
    return true;
}

bool ui_pointer_move(struct ui *ui, int x, int y, uint64_t t_ms)
{
    (void)t_ms;
    if (!ui->down || !ui->pressed[0])
        return false;
    const struct ui_target *t = ui_find_target(ui, ui->pressed);
    if (t && ui_rect_contains(t->r, x, y))
        return false;
    /* slid off: the press is lost for good, even if the finger comes back */
    ui->pressed[0] = '\0';
    ui->cancelled = true;
    ui->n_cancelled++;
    return true;
}

bool ui_pointer_up(struct ui *ui, int x, int y, uint64_t t_ms)
{
    bool changed = false;
    if (!ui->down)
        return false;
    ui->down = false;
    if (!ui->pressed[0])
        return false;
    const struct ui_target *t = ui_find_target(ui, ui->pressed);
    if (t && ui_rect_contains(t->r, x, y)) {
        if (ui->last_id[0] && strcmp(ui->last_id, t->id) == 0 &&
            ui->down_t - ui->last_t < UI_REPEAT_GUARD_MS && ui->down_t >= ui->last_t) {
            ui->n_guarded++;
        } else {
            copy_id(ui->activated, t->id);
            copy_id(ui->last_id, t->id);
            ui->last_t = t_ms;
            ui->n_activated++;
        }
    }
    ui->pressed[0] = '\0';
    changed = true;
    return changed;
}

const char *ui_pending_activation(const struct ui *ui)
{
    return ui->activated[0] ? ui->activated : NULL;
}

const char *ui_pressed(const struct ui *ui)
{
    return ui->pressed[0] ? ui->pressed : NULL;
}

void ui_touch_stats(const struct ui *ui, unsigned *activated, unsigned *guarded,
                    unsigned *cancelled)
{
    if (activated)
        *activated = ui->n_activated;
    if (guarded)
        *guarded = ui->n_guarded;
    if (cancelled)
        *cancelled = ui->n_cancelled;
}

void ui_begin(struct ui *ui)
{
    ui->ncmds = 0;
    ui->arena_used = 0;
    ui->nfigures = 0;
    ui->ncur = 0;
    ui->modal_from = 0;
    ui->modal_cmd = 0;
}

void ui_end(struct ui *ui)
{
    size_t n = 0;
    for (size_t i = ui->modal_from; i < ui->ncur; i++)
        ui->prev[n++] = ui->cur[i];
    ui->nprev = n;
    ui->activated[0] = '\0';
    /* a pressed target that vanished (screen changed) is no longer pressed */
    if (ui->pressed[0] && !ui_find_target(ui, ui->pressed))
        ui->pressed[0] = '\0';
}

void ui_modal(struct ui *ui)
{
    ui->modal_from = ui->ncur;
    ui->modal_cmd = ui->ncmds;
}

size_t ui_modal_cmd(const struct ui *ui)
{
    return ui->modal_cmd;
}

const struct ui_cmd *ui_cmds(const struct ui *ui, size_t *n)
{
    *n = ui->ncmds;
    return ui->cmds;
}

const char *ui_cmd_text(const struct ui *ui, const struct ui_cmd *c)
{
    return ui->arena + c->text_off;
}

void ui_figure(struct ui *ui, const char *kind, struct ui_rect r)
{
    if (ui->nfigures >= UI_MAX_FIGURES)
        return;
    struct ui_figure *f = &ui->figures[ui->nfigures++];
    snprintf(f->kind, sizeof f->kind, "%s", kind);
    f->r = r;
}

const struct ui_figure *ui_figures(const struct ui *ui, size_t *n)
{
    *n = ui->nfigures;
    return ui->figures;
}

const struct ui_target *ui_targets(const struct ui *ui, size_t *n)
{
    *n = ui->nprev;
    return ui->prev;
}

const struct ui_target *ui_find_target(const struct ui *ui, const char *id)
{
    for (size_t i = 0; i < ui->nprev; i++)
        if (strcmp(ui->prev[i].id, id) == 0)
            return &ui->prev[i];
    return NULL;
}

static struct ui_cmd *push(struct ui *ui, enum ui_cmd_kind kind)
{
    if (ui->ncmds >= UI_MAX_CMDS) {
        ui->dropped++;
        return NULL;
    }
    struct ui_cmd *c = &ui->cmds[ui->ncmds++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    return c;
}

void ui_rect(struct ui *ui, struct ui_rect r, struct ui_color col)
{
    struct ui_cmd *c = push(ui, UI_CMD_RECT);
    if (c) {
        c->r = r;
        c->color = col;
    }
}

void ui_frame(struct ui *ui, struct ui_rect r, struct ui_color col, int thick)
{
    struct ui_cmd *c = push(ui, UI_CMD_FRAME);
    if (c) {
        c->r = r;
        c->color = col;
        c->thick = thick;
    }
}

void ui_line(struct ui *ui, int x1, int y1, int x2, int y2, int thick, struct ui_color col)
{
    struct ui_cmd *c = push(ui, UI_CMD_LINE);
    if (c) {
        c->r = (struct ui_rect){x1, y1, 0, 0};
        c->x2 = x2;
        c->y2 = y2;
        c->thick = thick;
        c->color = col;
    }
}

void ui_circle(struct ui *ui, int cx, int cy, int radius, int thick, struct ui_color col)
{
    struct ui_cmd *c = push(ui, UI_CMD_CIRCLE);
    if (c) {
        c->r = (struct ui_rect){cx - radius, cy - radius, 2 * radius, 2 * radius};
        c->thick = thick;
        c->color = col;
    }
}

int ui_measure(const struct ui *ui, enum ui_font font, int px, const char *s, size_t len)
{
    return ui->ops.width(ui->ops.ctx, font, px, s, len);
}

int ui_line_height(const struct ui *ui, enum ui_font font, int px)
{
    return ui->ops.line_height(ui->ops.ctx, font, px);
}

int ui_text(struct ui *ui, int x, int y, enum ui_font font, int px, struct ui_color fg,
            struct ui_color bg, struct ui_rect box, const char *s, size_t len)
{
    /* strip trailing spaces and newlines: they draw nothing but would widen the extent */
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\n'))
        len--;
    if (len == 0)
        return 0;
    int w = ui_measure(ui, font, px, s, len);
    if (ui->arena_used + len + 1 > sizeof ui->arena) {
        ui->dropped++;
        return w;
    }
    struct ui_cmd *c = push(ui, UI_CMD_TEXT);
    if (!c)
        return w;
    memcpy(ui->arena + ui->arena_used, s, len);
    ui->arena[ui->arena_used + len] = '\0';
    c->text_off = (uint32_t)ui->arena_used;
    c->text_len = (uint32_t)len;
    ui->arena_used += len + 1;
    c->r = (struct ui_rect){x, y, w, ui_line_height(ui, font, px)};
    c->font = font;
    c->px = px;
    c->color = fg;
    c->bg = bg;
    c->box = box;
    return w;
}

bool ui_target(struct ui *ui, const char *id, const char *label, enum ui_target_kind kind,
               struct ui_rect r, struct ui_color fg, struct ui_color bg, bool *pressed)
{
    bool fired = false;
    if (ui->ncur < UI_MAX_TARGETS) {
        struct ui_target *t = &ui->cur[ui->ncur++];
        copy_id(t->id, id);
        size_t n = strnlen(label, UI_LABEL_MAX - 1);
        /* a long label (a notice band's) is cut between characters, never inside one */
        while (n > 0 && ((unsigned char)label[n] & 0xC0) == 0x80)
            n--;
        memcpy(t->label, label, n);
        t->label[n] = '\0';
        t->kind = kind;
        t->r = r;
        t->fg = fg;
        t->bg = bg;
    } else {
        ui->dropped++;
    }
    if (pressed)
        *pressed = ui->pressed[0] && strcmp(ui->pressed, id) == 0;
    if (ui->activated[0] && strcmp(ui->activated, id) == 0) {
        ui->activated[0] = '\0';
        fired = true;
    }
    return fired;
}
