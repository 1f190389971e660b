/*
 * pageflow: splits a screen's content (a column of blocks: paragraphs, rows, a chart) into
 * pages that fit, so that nothing is dropped at any text size: paging instead of cutting
 * (PRODUCT.md: big ◀ ▶, no fling scrolling). A paragraph may continue on the next page
 * between two of its lines; every other block stays whole. A page also holds at most a
 * given number of tappable blocks, so that with the pager's two buttons a screen keeps to
 * six choices.
 *
 * Pure arithmetic on heights the caller measured (wg_text_height, wg_button_height), so
 * the same plan is drawn as measured.
 */
#ifndef PAGEFLOW_H
#define PAGEFLOW_H

#include <stdbool.h>

struct pageflow_block {
    int h;       /* height of the whole block, including the gap after it */
    int lines;   /* > 0: a paragraph of this many lines of line_h that may be split */
    int line_h;  /* its line height */
    int targets; /* tappable things in the block (rows: 1) */
    int gap;     /* space after the block (part of h) that may hang below a page's end */
    bool keep;   /* keep on the page of the next block (a heading before its paragraph) */
    bool flow;   /* a paragraph never moved whole to the next page: it starts where it is
                    and continues over (what must be on the first page, e.g. a summary) */
    /* a paragraph whose end stays on the page of the next block (a request before its
     * わかりました): rather than leave that block alone on a page, it continues there */
    bool with_next;
    /* a paragraph that continues on the next page between two of its lines wherever two of
     * its lines fit what is left of a page and two stay for the next (no line alone at a
     * page's end or start), rather than move whole to a fresh page and leave the end of
     * this one empty; a heading (keep) before it then needs only its first two lines. The
     * first line after a heading stays with it even where that leaves a line alone. */
    bool split;
};

/* Where a page starts: a block, and for a split paragraph the first line on this page. */
struct pageflow_cut {
    int block, line;
};

/* Plans pages of height `avail` (the first page has `first_avail`, e.g. less when a
 * heading is drawn above) with at most max_targets tappable blocks a page (0: no limit).
 * Writes each page's start into starts (up to max_pages) and returns the number of pages
 * (≥ 1; 1 for no blocks). A block taller than a page gets a page of its own (it is drawn
 * as far as the screen goes: callers size such blocks to fit, e.g. a chart). */
int pageflow_plan(const struct pageflow_block *b, int n, int first_avail, int avail,
                  int max_targets, struct pageflow_cut *starts, int max_pages);

/* The part of block i on the page [from, to): its first line and line count (both 0 and
 * whole == true for an unsplit block). Returns false when block i is not on that page. */
bool pageflow_part(const struct pageflow_block *b, int n, struct pageflow_cut from,
                   struct pageflow_cut to, int i, int *first_line, int *nlines);

/* One page of a plan: the page asked for, clamped to the plan, and where it starts and
 * ends (pageflow_page); then its parts, one by one, in order (pageflow_page_next). */
struct pageflow_page {
    int page;                     /* the page shown: 0 ≤ page < pages */
    struct pageflow_cut from, to; /* the page holds [from, to) */
    int next;                     /* the block pageflow_page_next looks at next */
};

/* A part of a block to draw: block, and for a paragraph its lines [first_line,
 * first_line + lines) (both 0 for an unsplit block). */
struct pageflow_part {
    int block, first_line, lines;
};

/* Page `page` (clamped to [0, pages); pages < 1 counts as 1) of a plan of n blocks whose
 * starts pageflow_plan wrote. The page asked for is the caller's to keep or clamp. */
struct pageflow_page pageflow_page(const struct pageflow_cut *starts, int pages, int n, int page);

/* The next part on the page, or false when the page has no more. */
bool pageflow_page_next(const struct pageflow_block *b, int n, struct pageflow_page *pg,
                        struct pageflow_part *part);

#endif
