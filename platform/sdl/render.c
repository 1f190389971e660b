/*
 * render: draw list → SDL. Thick lines and discs are triangles (SDL_RenderGeometry), so
 * they look the same on the software renderer used by the tests and on a GPU.
 */
#include "render.h"

#include <SDL.h>
#include <math.h>

#define CIRCLE_SEGMENTS_MAX 40
#define CIRCLE_SEGMENTS_MIN 8

static SDL_Color col(struct ui_color c)
{
    SDL_Color s = {c.r, c.g, c.b, c.a};
    return s;
}

static void fill(SDL_Renderer *r, int x, int y, int w, int h)
{
    SDL_Rect rc = {x, y, w, h};
    SDL_RenderFillRect(r, &rc);
}

static void thick_line(SDL_Renderer *r, float x1, float y1, float x2, float y2, float t,
                       SDL_Color c)
{
    float dx = x2 - x1, dy = y2 - y1;
    float len = sqrtf(dx * dx + dy * dy);
    if (len < 0.01f)
        return;
    float nx = -dy / len * t / 2, ny = dx / len * t / 2;
    SDL_Vertex v[4] = {
        {{x1 + nx, y1 + ny}, c, {0, 0}},
        {{x1 - nx, y1 - ny}, c, {0, 0}},
        {{x2 + nx, y2 + ny}, c, {0, 0}},
        {{x2 - nx, y2 - ny}, c, {0, 0}},
    };
    int idx[6] = {0, 1, 2, 1, 3, 2};
    SDL_RenderGeometry(r, NULL, v, 4, idx, 6);
}

/* A disc (inner == 0) or ring; segments grow with the radius (a 3 px cap needs 8, a 30 mm
 * face 40), which keeps the software renderer's triangle count low. */
static void disc(SDL_Renderer *r, float cx, float cy, float rad, float inner, SDL_Color c)
{
    SDL_Vertex v[2 * (CIRCLE_SEGMENTS_MAX + 1)];
    int idx[6 * CIRCLE_SEGMENTS_MAX];
    int nv = 0, ni = 0;
    int segs = (int)(rad / 1.5f);
    segs = segs < CIRCLE_SEGMENTS_MIN   ? CIRCLE_SEGMENTS_MIN
           : segs > CIRCLE_SEGMENTS_MAX ? CIRCLE_SEGMENTS_MAX
                                        : segs;
    if (inner <= 0) {
        /* a fan from the centre: half the triangles of a ring */
        v[nv++] = (SDL_Vertex){{cx, cy}, c, {0, 0}};
        for (int i = 0; i <= segs; i++) {
            float a = (float)i * 2.0f * (float)M_PI / (float)segs;
            v[nv++] = (SDL_Vertex){{cx + cosf(a) * rad, cy + sinf(a) * rad}, c, {0, 0}};
        }
        for (int i = 0; i < segs; i++) {
            idx[ni++] = 0;
            idx[ni++] = i + 1;
            idx[ni++] = i + 2;
        }
        SDL_RenderGeometry(r, NULL, v, nv, idx, ni);
        return;
    }
    for (int i = 0; i <= segs; i++) {
        float a = (float)i * 2.0f * (float)M_PI / (float)segs;
        float ca = cosf(a), sa = sinf(a);
        v[nv++] = (SDL_Vertex){{cx + ca * rad, cy + sa * rad}, c, {0, 0}};
        v[nv++] = (SDL_Vertex){{cx + ca * inner, cy + sa * inner}, c, {0, 0}};
    }
    for (int i = 0; i < segs; i++) {
        int o = 2 * i;
        int t[6] = {o, o + 1, o + 2, o + 1, o + 3, o + 2};
        for (int k = 0; k < 6; k++)
            idx[ni++] = t[k];
    }
    SDL_RenderGeometry(r, NULL, v, nv, idx, ni);
}

void render_draw(struct SDL_Renderer *r, struct textcache *tc, const struct ui *ui)
{
    size_t n, first = 0;
    int W, H;
    const struct ui_cmd *cmds = ui_cmds(ui, &n);
    /* what lies under the last opaque full-screen fill (a dialog's backdrop) is not drawn */
    SDL_GetRendererOutputSize(r, &W, &H);
    for (size_t i = n; i-- > 0;) {
        const struct ui_cmd *c = &cmds[i];
        if (c->kind == UI_CMD_RECT && c->color.a == 255 && c->r.x <= 0 && c->r.y <= 0 &&
            c->r.x + c->r.w >= W && c->r.y + c->r.h >= H) {
            first = i;
            break;
        }
    }
    for (size_t i = first; i < n; i++) {
        const struct ui_cmd *c = &cmds[i];
        SDL_Color sc = col(c->color);
        /* opaque fills without blending: the software renderer then fills at memset speed */
        SDL_SetRenderDrawBlendMode(r, sc.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
        SDL_SetRenderDrawColor(r, sc.r, sc.g, sc.b, sc.a);
        switch (c->kind) {
        case UI_CMD_RECT:
            fill(r, c->r.x, c->r.y, c->r.w, c->r.h);
            break;
        case UI_CMD_FRAME: {
            int t = c->thick;
            fill(r, c->r.x, c->r.y, c->r.w, t);
            fill(r, c->r.x, c->r.y + c->r.h - t, c->r.w, t);
            fill(r, c->r.x, c->r.y, t, c->r.h);
            fill(r, c->r.x + c->r.w - t, c->r.y, t, c->r.h);
            break;
        }
        case UI_CMD_LINE: {
            float t = (float)c->thick;
            thick_line(r, (float)c->r.x, (float)c->r.y, (float)c->x2, (float)c->y2, t, sc);
            /* round joints, so polylines and icons have no notches (thin lines need none) */
            if (t >= 4) {
                disc(r, (float)c->r.x, (float)c->r.y, t / 2, 0, sc);
                disc(r, (float)c->x2, (float)c->y2, t / 2, 0, sc);
            }
            break;
        }
        case UI_CMD_CIRCLE: {
            float rad = (float)c->r.w / 2;
            float inner = c->thick > 0 ? rad - (float)c->thick : 0;
            disc(r, (float)c->r.x + rad, (float)c->r.y + rad, rad, inner < 0 ? 0 : inner, sc);
            break;
        }
        case UI_CMD_TEXT: {
            int w, h;
            SDL_Texture *t = textcache_get(tc, c->font, c->px, c->color, c->bg, ui_cmd_text(ui, c),
                                           c->text_len, &w, &h);
            if (t) {
                SDL_Rect dst = {c->r.x, c->r.y + (c->r.h - h) / 2, w, h};
                SDL_RenderCopy(r, t, NULL, &dst);
            }
            break;
        }
        }
    }
}
