/*
 * itempics: draws the demo catalogue's item pictures (キャベツ, 大根, にんじん, 牛乳, 豆腐,
 * たまご, お米, 食パン) as PNG files, so the project ships pictures it made itself.
 *
 * Each picture is a simple shape a resident knows at a glance, filled in the food's own
 * colour and outlined in near-black on a white tile: the outline keeps the shape at least
 * 3:1 against the tile whatever the fill (a white 大根 included), and the white tile keeps
 * the picture visible on the high-contrast theme's black page. tests/kiosk/test_itempics.c
 * checks both on the files in the tree.
 *
 * The PNG is written here (zlib for the deflate stream): a few kilobytes a picture.
 * Usage: itempics OUTDIR
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define SIZE 128
#define SS   3 /* samples per pixel side (smooth edges) */

struct rgb {
    uint8_t r, g, b;
};

static const struct rgb TILE = {0xFF, 0xFF, 0xFF};
static const struct rgb INK = {0x1A, 0x1A, 0x1A};
#define LINE 4.0 /* outline width, px */

/* --- shapes: each answers "is (x, y) inside?" in picture pixels --- */

enum kind { ELLIPSE, POLY, RECT };
struct shape {
    enum kind kind;
    double a, b, c, d; /* ELLIPSE: cx cy rx ry; RECT: x0 y0 x1 y1 (radius in r) */
    double r;          /* RECT: corner radius */
    int n;             /* POLY: points */
    double px[12], py[12];
    struct rgb fill;
    bool outline;
};

static bool inside(const struct shape *s, double x, double y, double grow)
{
    switch (s->kind) {
    case ELLIPSE: {
        double dx = (x - s->a) / (s->c + grow), dy = (y - s->b) / (s->d + grow);
        return dx * dx + dy * dy <= 1.0;
    }
    case RECT: {
        double x0 = s->a - grow, y0 = s->b - grow, x1 = s->c + grow, y1 = s->d + grow;
        double r = s->r + grow;
        if (x < x0 || x > x1 || y < y0 || y > y1)
            return false;
        double cx = x < x0 + r ? x0 + r : x > x1 - r ? x1 - r : x;
        double cy = y < y0 + r ? y0 + r : y > y1 - r ? y1 - r : y;
        return (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r;
    }
    case POLY: {
        bool in = false;
        for (int i = 0, j = s->n - 1; i < s->n; j = i++) {
            if ((s->py[i] > y) != (s->py[j] > y) &&
                x < (s->px[j] - s->px[i]) * (y - s->py[i]) / (s->py[j] - s->py[i]) + s->px[i])
                in = !in;
        }
        if (in || grow <= 0)
            return in;
        /* within `grow` of an edge */
        for (int i = 0, j = s->n - 1; i < s->n; j = i++) {
            double ex = s->px[i] - s->px[j], ey = s->py[i] - s->py[j];
            double t = ((x - s->px[j]) * ex + (y - s->py[j]) * ey) / (ex * ex + ey * ey);
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            double qx = s->px[j] + t * ex - x, qy = s->py[j] + t * ey - y;
            if (qx * qx + qy * qy <= grow * grow)
                return true;
        }
        return false;
    }
    }
    return false;
}

/* The colour at (x, y): the last shape that covers it, its outline band in ink. */
static struct rgb colour_at(const struct shape *sh, int n, double x, double y)
{
    struct rgb c = TILE;
    for (int i = 0; i < n; i++) {
        if (sh[i].outline && inside(&sh[i], x, y, LINE / 2))
            c = INK;
        if (inside(&sh[i], x, y, sh[i].outline ? -LINE / 2 : 0))
            c = sh[i].fill;
    }
    return c;
}

#define E(cx, cy, rx, ry, f)                                                                       \
    {                                                                                              \
        ELLIPSE, cx, cy, rx, ry, 0, 0, {0}, {0}, f, true                                           \
    }
#define R(x0, y0, x1, y1, rad, f)                                                                  \
    {                                                                                              \
        RECT, x0, y0, x1, y1, rad, 0, {0}, {0}, f, true                                            \
    }

static const struct rgb GREEN = {0x5C, 0xB8, 0x4A}, DARKGREEN = {0x2E, 0x7D, 0x32},
                        LEAF = {0x43, 0xA0, 0x47}, ORANGE = {0xF5, 0x7C, 0x00},
                        WHITE = {0xF7, 0xF7, 0xF2}, CREAM = {0xFF, 0xF3, 0xD6},
                        BLUE = {0x1E, 0x5A, 0xC8}, BEIGE = {0xE8, 0xD3, 0xA2},
                        CRUST = {0xC6, 0x84, 0x3C}, CRUMB = {0xFB, 0xE7, 0xB5},
                        GREY = {0xDD, 0xDD, 0xD5}, RICE = {0xFF, 0xFF, 0xFF};

static int poly(struct shape *s, const double *pts, int n, struct rgb fill)
{
    memset(s, 0, sizeof *s);
    s->kind = POLY;
    s->n = n;
    for (int i = 0; i < n; i++) {
        s->px[i] = pts[2 * i];
        s->py[i] = pts[2 * i + 1];
    }
    s->fill = fill;
    s->outline = true;
    return 1;
}

/* Fills sh with the picture `id`; returns the number of shapes, 0 for an unknown id. */
static int picture(const char *id, struct shape *sh)
{
    int n = 0;
    if (strcmp(id, "cabbage") == 0) {
        sh[n++] = (struct shape)E(64, 68, 50, 46, GREEN);
        sh[n++] = (struct shape)E(64, 72, 34, 32, LEAF);
        sh[n++] = (struct shape)E(64, 76, 18, 18, DARKGREEN);
    } else if (strcmp(id, "daikon") == 0) {
        const double leaf1[] = {50, 40, 30, 8, 48, 12, 60, 38};
        const double leaf2[] = {66, 38, 78, 6, 96, 12, 78, 40};
        const double root[] = {44, 40, 84, 40, 78, 90, 66, 122, 60, 122, 50, 90};
        n += poly(&sh[n], leaf1, 4, LEAF);
        n += poly(&sh[n], leaf2, 4, LEAF);
        n += poly(&sh[n], root, 6, WHITE);
    } else if (strcmp(id, "carrot") == 0) {
        const double leaf1[] = {56, 34, 38, 8, 56, 10, 64, 32};
        const double leaf2[] = {64, 32, 74, 6, 90, 14, 72, 36};
        const double root[] = {40, 36, 88, 36, 66, 122, 62, 122};
        n += poly(&sh[n], leaf1, 4, LEAF);
        n += poly(&sh[n], leaf2, 4, LEAF);
        n += poly(&sh[n], root, 4, ORANGE);
    } else if (strcmp(id, "milk") == 0) {
        const double carton[] = {34, 40, 64, 14, 94, 40, 94, 120, 34, 120};
        n += poly(&sh[n], carton, 5, WHITE);
        sh[n++] = (struct shape)R(34, 62, 94, 96, 0, BLUE);
    } else if (strcmp(id, "tofu") == 0) {
        const double top[] = {18, 52, 42, 30, 110, 30, 86, 52};
        const double side[] = {86, 52, 110, 30, 110, 92, 86, 114};
        n += poly(&sh[n], top, 4, GREY);
        n += poly(&sh[n], side, 4, GREY);
        sh[n++] = (struct shape)R(18, 52, 86, 114, 2, WHITE);
    } else if (strcmp(id, "eggs") == 0) {
        sh[n++] = (struct shape)E(40, 78, 22, 30, CREAM);
        sh[n++] = (struct shape)E(88, 78, 22, 30, CREAM);
        sh[n++] = (struct shape)E(64, 60, 22, 30, CREAM);
    } else if (strcmp(id, "rice") == 0) {
        const double tie[] = {46, 22, 82, 22, 74, 34, 54, 34};
        sh[n++] = (struct shape)R(22, 30, 106, 122, 22, BEIGE);
        n += poly(&sh[n], tie, 4, DARKGREEN);
        sh[n++] = (struct shape)E(64, 80, 12, 20, RICE);
    } else if (strcmp(id, "bread") == 0) {
        sh[n++] = (struct shape)E(40, 50, 28, 28, CRUST);
        sh[n++] = (struct shape)E(88, 50, 28, 28, CRUST);
        sh[n++] = (struct shape)R(14, 50, 114, 118, 6, CRUST);
        /* the crumb inside the crust, without its own outline */
        sh[n] = (struct shape)E(40, 54, 18, 18, CRUMB);
        sh[n++].outline = false;
        sh[n] = (struct shape)E(88, 54, 18, 18, CRUMB);
        sh[n++].outline = false;
        sh[n] = (struct shape)R(24, 54, 104, 108, 4, CRUMB);
        sh[n++].outline = false;
    }
    return n;
}

/* --- PNG (RGB, 8 bit) --- */

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static uint32_t crc(uint32_t c, const uint8_t *p, size_t n)
{
    c ^= 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static bool chunk(FILE *f, const char *type, const uint8_t *data, size_t n)
{
    uint8_t hdr[8];
    put32(hdr, (uint32_t)n);
    memcpy(hdr + 4, type, 4);
    /* the CRC covers the type and the data */
    uint8_t *buf = malloc(n + 4);
    if (!buf)
        return false;
    memcpy(buf, type, 4);
    if (n)
        memcpy(buf + 4, data, n);
    uint32_t c = crc(0, buf, n + 4);
    free(buf);
    uint8_t tail[4];
    put32(tail, c);
    return fwrite(hdr, 1, 8, f) == 8 && (n == 0 || fwrite(data, 1, n, f) == n) &&
           fwrite(tail, 1, 4, f) == 4;
}

static bool write_png(const char *path, const uint8_t *rgb)
{
    size_t raw_n = (size_t)SIZE * (SIZE * 3 + 1);
    uint8_t *raw = malloc(raw_n);
    size_t z_n = (size_t)compressBound((uLong)raw_n);
    uint8_t *z = malloc(z_n);
    bool ok = false;
    FILE *f = NULL;
    if (!raw || !z)
        goto out;
    for (int y = 0; y < SIZE; y++) {
        raw[(size_t)y * (SIZE * 3 + 1)] = 0; /* filter: none */
        memcpy(raw + (size_t)y * (SIZE * 3 + 1) + 1, rgb + (size_t)y * SIZE * 3, SIZE * 3);
    }
    uLongf o = (uLongf)z_n;
    if (compress2(z, &o, raw, (uLong)raw_n, 9) != Z_OK) {
        fprintf(stderr, "itempics: cannot compress %s\n", path);
        goto out;
    }
    uint8_t ihdr[13];
    put32(ihdr, SIZE);
    put32(ihdr + 4, SIZE);
    ihdr[8] = 8;  /* bit depth */
    ihdr[9] = 2;  /* RGB */
    ihdr[10] = 0; /* deflate */
    ihdr[11] = 0; /* adaptive filtering */
    ihdr[12] = 0; /* no interlace */
    f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "itempics: cannot write %s: %s\n", path, strerror(errno));
        goto out;
    }
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    ok = fwrite(sig, 1, 8, f) == 8 && chunk(f, "IHDR", ihdr, 13) && chunk(f, "IDAT", z, o) &&
         chunk(f, "IEND", NULL, 0);
    if (fclose(f) != 0)
        ok = false;
    if (!ok)
        fprintf(stderr, "itempics: cannot write %s\n", path);
out:
    free(raw);
    free(z);
    return ok;
}

int main(int argc, char **argv)
{
    static const char *ids[] = {"cabbage", "daikon", "carrot", "milk",
                                "tofu",    "eggs",   "rice",   "bread"};
    static uint8_t rgb[SIZE * SIZE * 3];
    if (argc != 2) {
        fprintf(stderr, "usage: itempics OUTDIR\n");
        return 2;
    }
    crc_init();
    for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++) {
        struct shape sh[12];
        int n = picture(ids[k], sh);
        for (int y = 0; y < SIZE; y++)
            for (int x = 0; x < SIZE; x++) {
                unsigned r = 0, g = 0, b = 0;
                for (int sy = 0; sy < SS; sy++)
                    for (int sx = 0; sx < SS; sx++) {
                        struct rgb c = colour_at(sh, n, x + (sx + 0.5) / SS, y + (sy + 0.5) / SS);
                        r += c.r;
                        g += c.g;
                        b += c.b;
                    }
                uint8_t *p = rgb + ((size_t)y * SIZE + x) * 3;
                p[0] = (uint8_t)(r / (SS * SS));
                p[1] = (uint8_t)(g / (SS * SS));
                p[2] = (uint8_t)(b / (SS * SS));
            }
        char path[1024];
        snprintf(path, sizeof path, "%s/%s.png", argv[1], ids[k]);
        if (!write_png(path, rgb))
            return 1;
    }
    return 0;
}
