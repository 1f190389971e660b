/*
 * statsvg.c: one chart per table set, as SVG (stattab.h). SVG because it is text (no
 * image library, the hub has no SDL), scales to any paper size, and prints sharply in
 * black and white: series are told apart by fill pattern (black, white, hatched, grey)
 * as well as by the legend, and every bar carries its number. A suppressed value is drawn
 * as no bar with "X" on the axis, the same marker as the CSV.
 *
 * What is drawn (only published entries, never a suppressed one):
 *   checkup-items          per item, the town's count per judgement
 *   checkup-participation  per age band, the town's participants by sex
 *   watch                  one panel per measure: the town's residents per month
 *   orders                 the town's residents who ordered, per month
 */
#include "stattab.h"

#include <stdlib.h>
#include <string.h>

#define MAXG 16
#define MAXS 4

struct panel {
    const char *title;
    int ng, ns;
    const char *group[MAXG];
    const char *series[MAXS];
    long long v[MAXG][MAXS]; /* -1: suppressed */
};

static long long entry(const struct sdc_table *t, const int *idx)
{
    size_t f = sdc_flat(t, idx);
    return sdc_status_of(t, f) == SDC_PUBLISHED ? sdc_value(t, f) : -1;
}

/* XML text: &, <, > and quotes escaped. */
static void xml(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

static const char *const fills[MAXS] = {"#000000", "#ffffff", "url(#hatch)", "#b0b0b0"};

#define W     960
#define PANEL 300
#define LEFT  70
#define RIGHT 20
#define TOP   70

static void draw_panel(FILE *f, const struct panel *p, int y0)
{
    long long max = 1;
    for (int g = 0; g < p->ng; g++)
        for (int s = 0; s < p->ns; s++)
            if (p->v[g][s] > max)
                max = p->v[g][s];
    /* a round scale: 1, 2 or 5 times a power of ten, four steps */
    long long step = 1;
    for (;;) {
        if (step * 4 >= max)
            break;
        if (step * 8 >= max) {
            step *= 2;
            break;
        }
        if (step * 20 >= max) {
            step *= 5;
            break;
        }
        step *= 10;
    }
    long long top = step * 4;
    while (top < max)
        top += step;
    int ph = PANEL - 80, base = y0 + 40 + ph;
    fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"16\" font-weight=\"bold\">", LEFT, y0 + 24);
    xml(f, p->title);
    fputs("</text>\n", f);
    for (long long v = 0; v <= top; v += step) {
        int y = base - (int)(v * ph / top);
        fprintf(f,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\" "
                "stroke-width=\"0.5\"/>\n<text x=\"%d\" y=\"%d\" font-size=\"12\" "
                "text-anchor=\"end\">%lld</text>\n",
                LEFT, y, W - RIGHT, y, LEFT - 6, y + 4, v);
    }
    double gw = (double)(W - LEFT - RIGHT) / p->ng;
    double bw = gw * 0.8 / p->ns;
    for (int g = 0; g < p->ng; g++) {
        double gx = LEFT + g * gw + gw * 0.1;
        for (int s = 0; s < p->ns; s++) {
            double x = gx + s * bw;
            long long v = p->v[g][s];
            if (v < 0) {
                fprintf(f,
                        "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" "
                        "text-anchor=\"middle\">" STATTAB_SUPPRESSED "</text>\n",
                        x + bw / 2, base - 4);
                continue;
            }
            int h = (int)(v * ph / top);
            fprintf(f,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" "
                    "stroke=\"#000\" stroke-width=\"1\"/>\n<text x=\"%.1f\" y=\"%d\" "
                    "font-size=\"10\" text-anchor=\"middle\">%lld</text>\n",
                    x, base - h, bw, h, fills[s], x + bw / 2, base - h - 3, v);
        }
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">",
                LEFT + g * gw + gw / 2, base + 18);
        xml(f, p->group[g]);
        fputs("</text>\n", f);
    }
    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>\n", LEFT, base,
            W - RIGHT, base);
    for (int s = 0; s < p->ns && p->ns > 1; s++) {
        int lx = W - RIGHT - (p->ns - s) * 150;
        fprintf(f,
                "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\" "
                "stroke=\"#000\"/>\n<text x=\"%d\" y=\"%d\" font-size=\"12\">",
                lx, y0 + 12, fills[s], lx + 20, y0 + 24);
        xml(f, p->series[s]);
        fputs("</text>\n", f);
    }
}

static const char *const sexes[2] = {"男", "女"};

/* The panels of s; their number. */
static int panels_of(const struct stattab_set *s, struct panel *p, int cap)
{
    int n = 0;
    int idx[SDC_MAX_DIMS];
    switch (s->kind) {
    case STATTAB_ITEMS: {
        struct panel *q = &p[n++];
        memset(q, 0, sizeof *q);
        q->title = "健診項目ごとの判定 (町全体, 人)";
        q->ng = s->ntables < MAXG ? s->ntables : MAXG;
        q->ns = MAXS;
        for (int j = 0; j < MAXS; j++)
            q->series[j] = s->dims[0].label[j];
        for (int g = 0; g < q->ng; g++) {
            const struct sdc_table *t = s->tables[g].t;
            q->group[g] = s->tables[g].title;
            for (int j = 0; j < MAXS; j++) {
                int e[4] = {j, sdc_size(t, 1), sdc_size(t, 2), sdc_size(t, 3)};
                q->v[g][j] = entry(t, e);
            }
        }
        break;
    }
    case STATTAB_PARTICIPATION: {
        const struct sdc_table *t = s->tables[0].t;
        struct panel *q = &p[n++];
        memset(q, 0, sizeof *q);
        q->title = "健診の受診者 (年齢・性別, 町全体, 人)";
        q->ng = sdc_size(t, 0) < MAXG ? sdc_size(t, 0) : MAXG;
        q->ns = 2;
        q->series[0] = sexes[0];
        q->series[1] = sexes[1];
        for (int g = 0; g < q->ng; g++) {
            q->group[g] = s->dims[0].label[g];
            for (int x = 0; x < 2; x++) {
                idx[0] = g;
                idx[1] = x;
                idx[2] = sdc_size(t, 2);
                q->v[g][x] = entry(t, idx);
            }
        }
        break;
    }
    case STATTAB_WATCH:
    case STATTAB_ORDERS: {
        const struct sdc_table *t = s->tables[0].t;
        int watch = s->kind == STATTAB_WATCH;
        int measures = watch ? sdc_size(t, 0) : 1;
        for (int m = 0; m < measures && n < cap; m++) {
            struct panel *q = &p[n++];
            memset(q, 0, sizeof *q);
            q->title = watch ? s->dims[0].label[m] : "注文した人 (町全体, 月ごと, 人)";
            q->ng = 12;
            q->ns = 1;
            q->series[0] = "";
            for (int g = 0; g < 12; g++) {
                q->group[g] = s->dims[s->ndims - 1].label[g];
                if (watch) {
                    idx[0] = m;
                    idx[1] = sdc_size(t, 1);
                    idx[2] = g;
                } else {
                    idx[0] = sdc_size(t, 0);
                    idx[1] = g;
                }
                q->v[g][0] = entry(t, idx);
            }
        }
        break;
    }
    default:
        break;
    }
    return n;
}

char *stattab_svg(const struct stattab_set *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct panel p[4];
    if (!f)
        return NULL;
    int n = panels_of(s, p, 4);
    int h = TOP + n * PANEL + 30;
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
            "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"'Noto Sans CJK JP', "
            "sans-serif\">\n<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" "
            "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" "
            "height=\"6\" fill=\"#fff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" "
            "stroke=\"#000\" stroke-width=\"2\"/></pattern></defs>\n<rect width=\"%d\" "
            "height=\"%d\" fill=\"#fff\"/>\n",
            W, h, W, h, W, h);
    fprintf(f, "<text x=\"%d\" y=\"32\" font-size=\"20\" font-weight=\"bold\">%s %d年度</text>\n",
            LEFT, stattab_name(s->kind), s->fiscal_year);
    fprintf(f,
            "<text x=\"%d\" y=\"54\" font-size=\"12\">%lld人未満の数は秘匿 (" STATTAB_SUPPRESSED
            ")。町 %lld</text>\n",
            LEFT, s->rule.threshold, (long long)scope_town(s->town));
    for (int i = 0; i < n; i++)
        draw_panel(f, &p[i], TOP + i * PANEL);
    fputs("</svg>\n", f);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
