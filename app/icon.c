/*
 * icon: pictograms from lines and circles (see icon.h). Coordinates are in a 100×100 box
 * scaled to the target square.
 */
#include "icon.h"

struct pen {
    struct ui *ui;
    struct ui_rect r;
    struct ui_color c;
    int thick;
};

static int px(const struct pen *p, int v)
{
    return p->r.x + v * p->r.w / 100;
}

static int py(const struct pen *p, int v)
{
    return p->r.y + v * p->r.h / 100;
}

static void ln(const struct pen *p, int x1, int y1, int x2, int y2)
{
    ui_line(p->ui, px(p, x1), py(p, y1), px(p, x2), py(p, y2), p->thick, p->c);
}

static void ring(const struct pen *p, int cx, int cy, int rad)
{
    ui_circle(p->ui, px(p, cx), py(p, cy), rad * p->r.w / 100, p->thick, p->c);
}

static void dot(const struct pen *p, int cx, int cy, int rad)
{
    ui_circle(p->ui, px(p, cx), py(p, cy), rad * p->r.w / 100, 0, p->c);
}

static void face(const struct pen *p, int mouth)
{
    ring(p, 50, 50, 46);
    dot(p, 35, 40, 7);
    dot(p, 65, 40, 7);
    if (mouth > 0) {
        ln(p, 28, 62, 40, 74);
        ln(p, 40, 74, 60, 74);
        ln(p, 60, 74, 72, 62);
    } else if (mouth == 0) {
        ln(p, 30, 68, 70, 68);
    } else {
        ln(p, 28, 76, 40, 64);
        ln(p, 40, 64, 60, 64);
        ln(p, 60, 64, 72, 76);
    }
}

void icon_draw(struct ui *ui, enum icon_id id, struct ui_rect r, struct ui_color c,
               struct ui_color bg)
{
    int t = r.w / 12 > 2 ? r.w / 12 : 2;
    struct pen p = {ui, r, c, t};
    switch (id) {
    case ICON_NONE:
        break;
    case ICON_SMILE:
        face(&p, 1);
        break;
    case ICON_NEUTRAL:
        face(&p, 0);
        break;
    case ICON_SAD:
        face(&p, -1);
        break;
    case ICON_HOME:
        ln(&p, 8, 50, 50, 10);
        ln(&p, 50, 10, 92, 50);
        ln(&p, 20, 42, 20, 90);
        ln(&p, 80, 42, 80, 90);
        ln(&p, 20, 90, 80, 90);
        ln(&p, 42, 90, 42, 62);
        ln(&p, 58, 90, 58, 62);
        ln(&p, 42, 62, 58, 62);
        break;
    case ICON_BACK:
    case ICON_PREV:
        ln(&p, 62, 12, 24, 50);
        ln(&p, 24, 50, 62, 88);
        if (id == ICON_BACK)
            ln(&p, 24, 50, 90, 50);
        break;
    case ICON_NEXT:
        ln(&p, 38, 12, 76, 50);
        ln(&p, 76, 50, 38, 88);
        break;
    case ICON_HELP:
        ring(&p, 50, 50, 46);
        ln(&p, 50, 22, 50, 60);
        dot(&p, 50, 76, 7);
        break;
    case ICON_STATUS:
    case ICON_CHECK:
        if (id == ICON_STATUS)
            ring(&p, 50, 50, 46);
        ln(&p, 24, 52, 42, 70);
        ln(&p, 42, 70, 76, 32);
        break;
    case ICON_CROSS:
        ln(&p, 22, 22, 78, 78);
        ln(&p, 78, 22, 22, 78);
        break;
    case ICON_SETTINGS:
        ring(&p, 50, 50, 26);
        for (int i = 0; i < 4; i++) {
            static const int d[4][4] = {
                {50, 4, 50, 22}, {50, 78, 50, 96}, {4, 50, 22, 50}, {78, 50, 96, 50}};
            ln(&p, d[i][0], d[i][1], d[i][2], d[i][3]);
        }
        ln(&p, 17, 17, 30, 30);
        ln(&p, 70, 70, 83, 83);
        ln(&p, 83, 17, 70, 30);
        ln(&p, 30, 70, 17, 83);
        break;
    case ICON_REFRESH:
        ring(&p, 50, 50, 36);
        /* a gap and an arrow head turn the ring into a refresh sign */
        ui_rect(ui, (struct ui_rect){px(&p, 52), py(&p, 2), r.w * 40 / 100, r.h * 30 / 100}, bg);
        ln(&p, 60, 6, 76, 18);
        ln(&p, 60, 30, 76, 18);
        break;
    case ICON_CARD:
        ln(&p, 8, 22, 92, 22);
        ln(&p, 92, 22, 92, 78);
        ln(&p, 92, 78, 8, 78);
        ln(&p, 8, 78, 8, 22);
        ln(&p, 20, 40, 40, 40);
        ln(&p, 20, 56, 70, 56);
        break;
    case ICON_TEXTSIZE:
        ln(&p, 10, 86, 34, 20);
        ln(&p, 34, 20, 58, 86);
        ln(&p, 18, 62, 50, 62);
        ln(&p, 66, 86, 80, 50);
        ln(&p, 80, 50, 94, 86);
        break;
    case ICON_LANGUAGE:
        ring(&p, 50, 50, 44);
        ln(&p, 6, 50, 94, 50);
        ln(&p, 50, 6, 50, 94);
        break;
    case ICON_SOUND:
        ln(&p, 10, 38, 30, 38);
        ln(&p, 30, 38, 54, 16);
        ln(&p, 54, 16, 54, 84);
        ln(&p, 54, 84, 30, 62);
        ln(&p, 30, 62, 10, 62);
        ln(&p, 10, 62, 10, 38);
        ln(&p, 70, 34, 78, 50);
        ln(&p, 78, 50, 70, 66);
        ln(&p, 84, 22, 96, 50);
        ln(&p, 96, 50, 84, 78);
        break;
    case ICON_CONTRAST:
        ring(&p, 50, 50, 44);
        ln(&p, 50, 6, 50, 94);
        for (int y = 14; y <= 86; y += 8)
            ln(&p, 50, y, 50 + (y < 50 ? (y - 6) * 4 / 5 : (94 - y) * 4 / 5), y);
        break;
    }
}
