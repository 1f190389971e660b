/*
 * ckpage: the checkup screens' page of blocks. A screen lists what it shows, in order:
 * paragraphs (with an optional judgement icon beside them), rows (one button each, which
 * open something) and boxes it draws itself (the range bar, the trend chart); ckpage
 * measures them at the current text size, splits them into pages with pageflow (a long
 * paragraph continues on the next page, nothing is dropped), draws the current page and a
 * pager whose buttons say what they page to.
 */
#ifndef CKPAGE_H
#define CKPAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "icon.h"
#include "ui.h"

struct app;

enum ckpage_kind { CKP_PARA, CKP_ROW, CKP_BOX };

struct ckpage_block {
    enum ckpage_kind kind;
    const char *text;  /* PARA, ROW: the words (borrowed until the frame ends) */
    enum ui_font font; /* PARA */
    enum icon_id icon; /* PARA: beside its first line; ROW: on the button */
    bool warn;         /* PARA: the warning colour (受診をおすすめ) */
    bool indent;       /* PARA: indented like one with an icon (a list of such lines) */
    bool keep;         /* PARA: a heading, kept on the page of what follows it */
    bool flow;         /* PARA: starts where it is, continued over pages, never moved */
    bool tight;        /* PARA: no space after it (a short page: the lines follow on) */
    int h;             /* BOX: height (the gap after it is added) */
    bool side;         /* BOX: a page of its own, the pager beside it (ckpage_box_side) */
    int tag;           /* the screen's own number (an item's index) */
};

#define CKPAGE_BLOCKS 200

/* A paragraph longer than this is split (at a sentence end, a line break or a space,
 * else between characters) into paragraphs the line breaker takes whole (textwrap reads
 * at most 4096 bytes of a text). */
#define CKPAGE_PARA_BYTES 4000
#define CKPAGE_STORE      (80 * 1024)

struct ckpage {
    int n;
    bool more; /* more to fetch past the last page: its ▶ sets *page to the page count */
    struct ckpage_block b[CKPAGE_BLOCKS];
    size_t store_len;
    char store[CKPAGE_STORE]; /* the pieces of split paragraphs */
};

/* What the screen supplies: boxes are drawn by draw_box (NULL: a screen without boxes); the
 * pager's words come from words(): for the page starting with block `first` (the neighbour
 * the button goes to; pg->n for what is still to fetch). */
struct ckpage_ops {
    void (*draw_box)(struct app *a, const struct ckpage_block *b, struct ui_rect r);
    const char *(*words)(struct app *a, const struct ckpage *pg, int first, bool next);
    const char *row_prefix; /* row ids: "<prefix>_<k>", k = 0.. on the page */
};

/* Starts a frame's list (forgets the last one). */
void ckpage_begin(struct ckpage *pg);
void ckpage_para(struct ckpage *pg, const char *text, enum ui_font font, enum icon_id icon,
                 bool warn);
/* The last block added becomes a heading kept with the next one / is indented. */
void ckpage_keep(struct ckpage *pg);
void ckpage_indent(struct ckpage *pg);
void ckpage_flow(struct ckpage *pg);
void ckpage_row(struct ckpage *pg, const char *text, enum icon_id icon, int tag);
void ckpage_box(struct ckpage *pg, int h, int tag);
/* A box that takes a page of its own with ◀ ▶ stacked beside it rather than below (a chart
 * that below a notice band at large text would have no height left above the pager): it is
 * drawn into ckpage_side_rect(). */
void ckpage_box_side(struct ckpage *pg, int tag);
/* Where a side box is drawn in c; w == 0 when ◀ ▶ do not fit stacked beside it. */
struct ui_rect ckpage_side_rect(struct app *a, struct ui_rect c);

/* The screen's title with where the resident is: "健診の結果 2/13" (the title of `key`
 * alone when there is one page). */
void ckpage_title(const struct app *a, const char *key, int page, int pages, char *buf,
                  size_t size);

/* The height a page has for blocks when the pager shows with these button words (for a
 * box meant to fill most of a page). */
int ckpage_room(struct app *a, struct ui_rect c, const char *const *words, int n);

/* Draws page *page of pg in c (clamped to the pages there are; the pager changes *page).
 * Returns the tag of the row tapped on this frame, or -1. *pages gets the page count. */
int ckpage_frame(struct app *a, struct ui_rect c, const struct ckpage *pg, int *page, int *pages,
                 const struct ckpage_ops *ops);

#endif
