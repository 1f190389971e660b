/*
 * test_itempics: the catalogue pictures the project ships can be seen. For every item of
 * the demo catalogue (and every sample picture), the picture must show a figure (15 %
 * of its area or more, not a flat colour), the figure's edge must stand out from the
 * picture's own tile at 3:1 or more, and the picture must stand out from the page of each
 * theme: its tile at 3:1, or, where the tile blends into the page, the figure's edge at
 * 3:1 against the page (WCAG 2.x non-text contrast).
 */
#include <SDL.h>
#include <SDL_image.h>
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdlib.h>

#include "test.h"
#include "theme.h"

static struct ui_color px(const SDL_Surface *s, int x, int y)
{
    const uint8_t *p = (const uint8_t *)s->pixels + y * s->pitch + x * 4;
    Uint32 v;
    memcpy(&v, p, 4);
    Uint8 r, g, b, a;
    SDL_GetRGBA(v, s->format, &r, &g, &b, &a);
    return (struct ui_color){r, g, b, 255};
}

static bool same(struct ui_color a, struct ui_color b)
{
    return abs(a.r - b.r) + abs(a.g - b.g) + abs(a.b - b.b) <= 6;
}

/* Share (0..1) of the figure's edge pixels at >= 3:1 against `against`; *area gets the
 * figure's share of the picture. */
static double edge_share(const SDL_Surface *s, struct ui_color tile, struct ui_color against,
                         double *area)
{
    long fig = 0, edge = 0, good = 0;
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++) {
            struct ui_color c = px(s, x, y);
            if (same(c, tile))
                continue;
            fig++;
            static const int d[4][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
            bool at_edge = false;
            for (int k = 0; k < 4; k++) {
                int nx = x + d[k][0], ny = y + d[k][1];
                if (nx < 0 || ny < 0 || nx >= s->w || ny >= s->h || same(px(s, nx, ny), tile))
                    at_edge = true;
            }
            if (!at_edge)
                continue;
            edge++;
            /* an anti-aliased edge pixel is a blend: the edge counts as seen when the line
             * within 2 px of it reaches 3:1 */
            bool seen = false;
            for (int dy = -2; dy <= 2 && !seen; dy++)
                for (int dx = -2; dx <= 2 && !seen; dx++) {
                    int nx = x + dx, ny = y + dy;
                    if (nx >= 0 && ny >= 0 && nx < s->w && ny < s->h &&
                        theme_contrast(px(s, nx, ny), against) >= 3.0)
                        seen = true;
                }
            good += seen;
        }
    *area = (double)fig / ((double)s->w * s->h);
    return edge ? (double)good / edge : 0;
}

static void check_picture(const char *path)
{
    SDL_Surface *raw = IMG_Load(path);
    if (!raw) {
        fprintf(stderr, "%s: %s\n", path, IMG_GetError());
        CHECK(raw != NULL);
        return;
    }
    SDL_Surface *s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_RGBA32, 0);
    SDL_FreeSurface(raw);
    REQUIRE(s != NULL);
    struct ui_color tile = px(s, 0, 0);
    double area = 0;
    double share = edge_share(s, tile, tile, &area);
    if (area < 0.15 || share < 0.9)
        fprintf(stderr, "%s: figure %.0f %% of the picture, edge 3:1 on its tile: %.0f %%\n", path,
                area * 100, share * 100);
    CHECK(area >= 0.15);
    CHECK(share >= 0.9);
    for (int k = THEME_NORMAL; k <= THEME_HIGH_CONTRAST; k++) {
        struct ui_color page = theme_get((enum theme_kind)k)->bg;
        if (theme_contrast(tile, page) >= 3.0)
            continue; /* the tile itself stands out */
        double on_page = edge_share(s, tile, page, &area);
        if (on_page < 0.9)
            fprintf(stderr, "%s: theme %d: edge 3:1 on the page: %.0f %%\n", path, k,
                    on_page * 100);
        CHECK(on_page >= 0.9);
    }
    SDL_FreeSurface(s);
}

static void t_demo_catalogue_pictures(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/catalogue.json", DEMO_CATALOGUE_DIR);
    FILE *f = fopen(path, "rb");
    REQUIRE(f != NULL);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    cJSON *root = cJSON_Parse(buf);
    REQUIRE(root != NULL);
    const cJSON *it;
    int count = 0;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "items"))
    {
        const cJSON *pic = cJSON_GetObjectItemCaseSensitive(it, "picture");
        REQUIRE(cJSON_IsString(pic));
        snprintf(path, sizeof path, "%s/%s", DEMO_CATALOGUE_DIR, pic->valuestring);
        check_picture(path);
        /* the screen catalogue's samples show the same pictures */
        snprintf(path, sizeof path, "%s/%s", SAMPLE_DIR, pic->valuestring);
        check_picture(path);
        count++;
    }
    CHECK(count >= 8);
    cJSON_Delete(root);
}

int main(void)
{
    TEST_RUN(t_demo_catalogue_pictures);
    return test_summary();
}
