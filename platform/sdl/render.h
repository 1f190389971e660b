/*
 * render: draws app/'s draw list with an SDL_Renderer (window or software renderer on a
 * surface). Text comes from the text cache.
 */
#ifndef RENDER_H
#define RENDER_H

#include "textcache.h"
#include "ui.h"

struct SDL_Renderer;

void render_draw(struct SDL_Renderer *r, struct textcache *tc, const struct ui *ui);

#endif
