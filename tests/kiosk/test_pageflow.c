/* test_pageflow: the page arithmetic every paged screen draws by: a page's start and end
 * from pageflow_plan's starts, the page asked for clamped, and the parts of each page
 * (a paragraph split between two of its lines) covering every block once, in order. */
#include <stdio.h>

#include "pageflow.h"
#include "test.h"

/* a paragraph of `lines` lines of 10 px with a gap of 4 after it */
static struct pageflow_block para(int lines)
{
    return (struct pageflow_block){.h = lines * 10 + 4, .lines = lines, .line_h = 10, .gap = 4};
}

/* a question whose end stays with its answers (the next block) */
static struct pageflow_block question(int lines)
{
    struct pageflow_block b = para(lines);
    b.with_next = true;
    return b;
}

/* a paragraph that continues on the next page where two of its lines fit (msgpage) */
static struct pageflow_block split(int lines)
{
    struct pageflow_block b = para(lines);
    b.split = true;
    return b;
}

/* a heading kept with the paragraph after it (no gap after it) */
static struct pageflow_block heading(void)
{
    return (struct pageflow_block){.h = 10, .lines = 1, .line_h = 10, .keep = true};
}

static struct pageflow_block button(int h)
{
    return (struct pageflow_block){.h = h + 4, .targets = 1, .gap = 4};
}

/* Walks every page: each line of each paragraph and each other block comes exactly once,
 * in order, and each page's parts fit its room (but a block taller than a page). */
static void check_cover(const struct pageflow_block *b, int n, int room, int max_targets)
{
    struct pageflow_cut starts[64];
    int np = pageflow_plan(b, n, room, room, max_targets, starts, 64);
    CHECK(np >= 1);
    int block = 0, line = 0, end_page[64], start_page[64];
    for (int p = 0; p < np; p++) {
        struct pageflow_page pg = pageflow_page(starts, np, n, p);
        struct pageflow_part part;
        int used = 0, parts = 0, targets = 0;
        CHECK_INT_EQ(pg.page, p);
        while (pageflow_page_next(b, n, &pg, &part)) {
            CHECK_INT_EQ(part.block, block);
            if (part.first_line == 0)
                start_page[block] = p;
            end_page[block] = p;
            CHECK_INT_EQ(part.first_line, b[block].lines > 0 ? line : 0);
            if (b[block].lines > 0) {
                CHECK(part.lines >= 1);
                used += part.lines * b[block].line_h + b[block].gap;
                line += part.lines;
                if (line >= b[block].lines) {
                    block++;
                    line = 0;
                }
            } else {
                CHECK_INT_EQ(part.lines, 0);
                used += b[block].h;
                targets += b[block].targets;
                block++;
            }
            parts++;
        }
        CHECK(parts >= 1); /* no empty page */
        CHECK(used - 4 <= room || parts == 1);
        CHECK(max_targets == 0 || targets <= max_targets);
    }
    CHECK_INT_EQ(block, n);
    /* a split paragraph that fits a page of its own is cut only with two lines or more on
     * each side (but right after its heading); a heading is never last on a page */
    for (int p = 0; p + 1 < np; p++) {
        struct pageflow_cut at = starts[p + 1];
        int i = at.block;
        if (i < n && b[i].split && at.line > 0 && b[i].h - b[i].gap <= room) {
            int here = at.line - (starts[p].block == i ? starts[p].line : 0);
            bool after_heading = i > 0 && b[i - 1].keep && starts[p].block == i - 1;
            if (here < 2 && !after_heading)
                fprintf(stderr, "room %d: block %d split after %d line(s)\n", room, i, here);
            CHECK(here >= 2 || after_heading);
            int next_to = p + 2 < np && starts[p + 2].block == i ? starts[p + 2].line : b[i].lines;
            CHECK(next_to - at.line >= 2 || after_heading);
        }
        CHECK(!(i < n && at.line == 0 && i > 0 && b[i - 1].keep));
    }
    /* a question's last line is on its answers' page, unless that line and the answers
     * are more than a page */
    for (int i = 0; i + 1 < n; i++)
        if (b[i].with_next && b[i].line_h + b[i].gap + b[i + 1].h - b[i + 1].gap <= room) {
            if (end_page[i] != start_page[i + 1])
                fprintf(stderr, "room %d, block %d\n", room, i);
            CHECK_INT_EQ(end_page[i], start_page[i + 1]);
        }
}

static void t_cover(void)
{
    struct pageflow_block b[] = {para(3), para(12),   button(30), button(30),
                                 para(1), button(30), para(7),    button(30)};
    int n = (int)(sizeof b / sizeof b[0]);
    struct pageflow_block q[] = {para(4),     question(2), button(30), question(9), button(30),
                                 question(1), button(30),  button(30), question(5), button(60)};
    int nq = (int)(sizeof q / sizeof q[0]);
    struct pageflow_block s[] = {split(1),  split(6), heading(), split(5), split(3),
                                 heading(), split(2), split(9),  split(4), button(30)};
    int ns = (int)(sizeof s / sizeof s[0]);
    for (int room = 40; room <= 200; room += 7) {
        check_cover(s, ns, room, 0);
        check_cover(b, n, room, 0);
        check_cover(b, n, room, 2);
        check_cover(q, nq, room, 0);
        check_cover(q, nq, room, 2);
    }
}

static void t_with_next(void)
{
    /* 5 lines and a 30 px button in pages of 60 px: without with_next the 5 lines fill
     * the first page and the button stands alone on the second; with it, the words
     * continue on the second page and end there with the button */
    struct pageflow_block b[] = {question(5), button(30)};
    struct pageflow_cut starts[8];
    int np = pageflow_plan(b, 2, 60, 60, 0, starts, 8);
    CHECK_INT_EQ(np, 2);
    CHECK_INT_EQ(starts[1].block, 0);
    CHECK(starts[1].line >= 1 && starts[1].line <= 4);
    b[0].with_next = false;
    np = pageflow_plan(b, 2, 60, 60, 0, starts, 8);
    CHECK_INT_EQ(np, 2);
    CHECK_INT_EQ(starts[1].block, 1); /* the button alone */
}

static void t_split_parts(void)
{
    /* a paragraph of 8 lines, longer than a page of 60 px: 3 lines after the first
     * paragraph (24 px), the other 5 on the next page */
    struct pageflow_block b[] = {para(2), para(8)};
    struct pageflow_cut starts[8];
    int np = pageflow_plan(b, 2, 60, 60, 0, starts, 8);
    CHECK_INT_EQ(np, 2);
    struct pageflow_page pg = pageflow_page(starts, np, 2, 0);
    struct pageflow_part part;
    CHECK(pageflow_page_next(b, 2, &pg, &part));
    CHECK_INT_EQ(part.block, 0);
    CHECK_INT_EQ(part.first_line, 0);
    CHECK_INT_EQ(part.lines, 2);
    CHECK(pageflow_page_next(b, 2, &pg, &part));
    CHECK_INT_EQ(part.block, 1);
    CHECK_INT_EQ(part.first_line, 0);
    CHECK_INT_EQ(part.lines, 3);
    CHECK(!pageflow_page_next(b, 2, &pg, &part));
    pg = pageflow_page(starts, np, 2, 1);
    CHECK_INT_EQ(pg.from.block, 1);
    CHECK_INT_EQ(pg.from.line, 3);
    CHECK_INT_EQ(pg.to.block, 2);
    CHECK(pageflow_page_next(b, 2, &pg, &part));
    CHECK_INT_EQ(part.block, 1);
    CHECK_INT_EQ(part.first_line, 3);
    CHECK_INT_EQ(part.lines, 5);
    CHECK(!pageflow_page_next(b, 2, &pg, &part));
}

/* Plans b in pages of `room` px and checks the plan has two pages, the second starting at
 * line `line` of block `block`. */
static void second_page_at(const struct pageflow_block *b, int n, int room, int block, int line)
{
    struct pageflow_cut starts[8];
    int np = pageflow_plan(b, n, room, room, 0, starts, 8);
    CHECK_INT_EQ(np, 2);
    CHECK_INT_EQ(starts[1].block, block);
    CHECK_INT_EQ(starts[1].line, line);
}

/* A split paragraph that fits a page of its own continues on the next page where two of
 * its lines fit what is left and two stay, rather than move whole and leave the end of the
 * page empty; with fewer, it moves whole; after a heading, two lines are enough to keep
 * the heading on the page. */
static void t_split_fills_the_page(void)
{
    /* 1 line (14 px) then 6 lines in pages of 60 px: 4 lines fit what is left, 2 stay */
    struct pageflow_block b[] = {split(1), split(6)};
    second_page_at(b, 2, 60, 1, 4);
    /* 1 line then 5: 4 fit, but one would stay alone: 3 here, 2 there */
    b[1] = split(5);
    second_page_at(b, 2, 60, 1, 3);
    /* 3 lines (34 px) then 5: only 2 fit, 3 would stay: 2 here, 3 there */
    b[0] = split(3);
    second_page_at(b, 2, 60, 1, 2);
    /* 3 lines then 3: one line would stay alone on one page or the other: it moves whole */
    b[1] = split(3);
    second_page_at(b, 2, 60, 1, 0);
    /* without split: the paragraph that fits a page moves whole (other screens) */
    struct pageflow_block w[] = {para(1), para(6)};
    second_page_at(w, 2, 60, 1, 0);
    /* a heading after 2 lines (24 px): heading and 2 of 5 lines fit (54 px), 3 stay */
    struct pageflow_block h[] = {split(2), heading(), split(5)};
    second_page_at(h, 3, 60, 2, 2);
    /* a heading and 3 lines taller than a page of 35 px: the heading keeps the lines that
     * fit below it rather than stand alone at the end of a page */
    struct pageflow_block g[] = {heading(), split(3)};
    second_page_at(g, 2, 35, 1, 2);
}

static void t_clamp(void)
{
    struct pageflow_block b[] = {button(50), button(50), button(50)};
    struct pageflow_cut starts[8];
    int np = pageflow_plan(b, 3, 60, 60, 0, starts, 8);
    CHECK_INT_EQ(np, 3);
    /* past the end: the last page; before the start: the first */
    struct pageflow_page pg = pageflow_page(starts, np, 3, 7);
    CHECK_INT_EQ(pg.page, 2);
    CHECK_INT_EQ(pg.from.block, 2);
    CHECK_INT_EQ(pg.to.block, 3);
    pg = pageflow_page(starts, np, 3, -1);
    CHECK_INT_EQ(pg.page, 0);
    CHECK_INT_EQ(pg.to.block, 1);
    /* no blocks: one empty page */
    np = pageflow_plan(b, 0, 60, 60, 0, starts, 8);
    CHECK_INT_EQ(np, 1);
    pg = pageflow_page(starts, np, 0, 0);
    struct pageflow_part part;
    CHECK(!pageflow_page_next(b, 0, &pg, &part));
}

int main(void)
{
    TEST_RUN(t_cover);
    TEST_RUN(t_split_parts);
    TEST_RUN(t_with_next);
    TEST_RUN(t_split_fills_the_page);
    TEST_RUN(t_clamp);
    return test_summary();
}
