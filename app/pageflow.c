/*
 * pageflow: greedy page filling (see pageflow.h). A paragraph that fits whole on a fresh
 * page is not split (it moves to the next page instead), so a short comment never breaks
 * across a page; only a paragraph longer than what is left of a page and longer than a
 * page's room is continued line by line. A `split` paragraph that fits a page of its own
 * continues on the next page too, where two of its lines fit and two stay for the next.
 */
#include "pageflow.h"

static int page_room(int page, int first_avail, int avail)
{
    return page == 0 ? first_avail : avail;
}

/* Of a split paragraph that fits a fresh page but not what is left of this one (`fit`
 * lines of its `rest`): how many go here. Two or more where two stay for the next page
 * (no line alone at a page's end or start); right after its heading as many as fit (the
 * heading is never last on a page); else none: it starts the next page whole. */
static int split_lines(int rest, int fit, bool after_heading)
{
    int k = fit < rest - 2 ? fit : rest - 2;
    if (k >= 2)
        return k;
    return after_heading ? fit : 0;
}

int pageflow_plan(const struct pageflow_block *b, int n, int first_avail, int avail,
                  int max_targets, struct pageflow_cut *starts, int max_pages)
{
    int pages = 1, used = 0, targets = 0;
    if (max_pages > 0)
        starts[0] = (struct pageflow_cut){0, 0};
    for (int i = 0; i < n; i++) {
        int line = 0;
        for (;;) {
            int room = page_room(pages - 1, first_avail, avail);
            bool fresh = used == 0 && targets == 0;
            int rest_h = b[i].lines > 0 ? b[i].h - line * b[i].line_h : b[i].h;
            bool over_targets = max_targets > 0 && targets + b[i].targets > max_targets;
            int need = rest_h - b[i].gap;
            /* a paragraph's end with the next block: room for both, else it continues */
            bool tail = b[i].with_next && b[i].lines > 0 && b[i].line_h > 0 && i + 1 < n;
            int tail_h = tail ? b[i + 1].h - b[i + 1].gap : 0;
            bool tail_over = tail && max_targets > 0 && targets + b[i + 1].targets > max_targets;
            if (tail)
                need = rest_h + tail_h;
            /* a heading goes with the first line of what follows it */
            if (b[i].keep && i + 1 < n) {
                /* (the next block, if a paragraph, splits only when it would not fit a
                 * page of its own: then its first line is enough) */
                int whole = b[i + 1].h - b[i + 1].gap;
                if (b[i + 1].lines > 0 && whole > avail)
                    need += b[i + 1].line_h;
                else if (b[i + 1].split && b[i + 1].lines >= 4)
                    need += 2 * b[i + 1].line_h; /* (it continues over, two lines here) */
                else
                    need += whole;
            }
            bool fits = used + need <= room && !over_targets && !tail_over;
            /* (a last line that does not fit a page with the next block: placed all the same) */
            bool last_line = tail && b[i].lines - line == 1;
            if (fits || (fresh && (b[i].lines <= 0 || b[i].keep || last_line))) {
                used += rest_h;
                targets += b[i].targets;
                break;
            }
            if (b[i].lines > 0 && b[i].line_h > 0 && !over_targets && !b[i].keep) {
                /* whole on a fresh page: move it there rather than split it */
                bool whole_fits_fresh = need <= avail && line == 0 && !b[i].flow;
                int fit = (room - used) / b[i].line_h;
                /* (with_next: at least its last line goes on with the next block) */
                int most = b[i].lines - line - (tail ? 1 : 0);
                if (fit > most)
                    fit = most;
                /* (and as many lines as fit a page with the next block go on with it: its
                 * page then says more than the end of a sentence) */
                int with = tail ? (avail - b[i].gap - tail_h) / b[i].line_h : 0;
                if (with >= 1 && b[i].lines - line - with >= 1 && b[i].lines - line - with < fit)
                    fit = b[i].lines - line - with;
                if (fresh && fit < 1)
                    fit = 1; /* a line taller than a page: still progress */
                if (whole_fits_fresh && !fresh && b[i].split && !tail) {
                    /* (only a heading is before it on this page when it is right after one) */
                    fit = split_lines(b[i].lines - line, fit, i > 0 && b[i - 1].keep);
                    whole_fits_fresh = fit < 1;
                }
                if (!(whole_fits_fresh && !fresh) && fit >= 1) {
                    line += fit;
                    if (line >= b[i].lines) { /* only the gap after it did not fit */
                        used = room;
                        break;
                    }
                    if (pages < max_pages)
                        starts[pages] = (struct pageflow_cut){i, line};
                    pages++;
                    used = targets = 0;
                    continue;
                }
            }
            /* the block starts the next page */
            if (pages < max_pages)
                starts[pages] = (struct pageflow_cut){i, line};
            pages++;
            used = targets = 0;
        }
    }
    return pages < max_pages ? pages : max_pages > 0 ? max_pages : 1;
}

static bool before(struct pageflow_cut a, struct pageflow_cut b)
{
    return a.block < b.block || (a.block == b.block && a.line < b.line);
}

bool pageflow_part(const struct pageflow_block *b, int n, struct pageflow_cut from,
                   struct pageflow_cut to, int i, int *first_line, int *nlines)
{
    if (i < 0 || i >= n)
        return false;
    struct pageflow_cut start = {i, 0}, end = {i, b[i].lines > 0 ? b[i].lines : 1};
    if (i == from.block)
        start.line = from.line;
    if (i == to.block && to.line < end.line)
        end.line = to.line;
    if (before(start, from) || !before(start, to) || start.line >= end.line)
        return false;
    *first_line = b[i].lines > 0 ? start.line : 0;
    *nlines = b[i].lines > 0 ? end.line - start.line : 0;
    return true;
}

struct pageflow_page pageflow_page(const struct pageflow_cut *starts, int pages, int n, int page)
{
    pages = pages < 1 ? 1 : pages;
    int cur = page >= pages ? pages - 1 : page < 0 ? 0 : page;
    struct pageflow_page pg = {cur, starts[cur], {n, 0}, starts[cur].block};
    if (cur + 1 < pages)
        pg.to = starts[cur + 1];
    return pg;
}

bool pageflow_page_next(const struct pageflow_block *b, int n, struct pageflow_page *pg,
                        struct pageflow_part *part)
{
    while (pg->next <= pg->to.block && pg->next < n) {
        int i = pg->next++;
        if (pageflow_part(b, n, pg->from, pg->to, i, &part->first_line, &part->lines)) {
            part->block = i;
            return true;
        }
    }
    return false;
}
