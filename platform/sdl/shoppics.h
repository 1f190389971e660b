/*
 * shoppics: the catalogue's pictures on screen. The hub sends them base64 in the
 * catalogue answer; the worker puts the decoded bytes here (shoppics_put, the kiosk's
 * picture sink of shopport.h), and the UI thread turns them into textures with SDL2_image
 * the first time they are drawn and draws them into the rectangles the app reserved (app:
 * shopapp_pictures). A picture that
 * cannot be decoded is simply not drawn (the framed box and the words stay).
 *
 * Bounded: at most SHOPPICS_MAX pictures of at most 512 KiB each (the catalogue format's
 * cap); the oldest operator's are dropped first. Threading: put from any thread, the rest
 * on the UI thread.
 */
#ifndef SHOPPICS_H
#define SHOPPICS_H

#include <stddef.h>

#include "shopport.h"

#define SHOPPICS_MAX       256
#define SHOPPICS_BYTES_MAX SHOPPORT_PICTURE_MAX

struct SDL_Renderer;
struct shop_pic_ref;

/* Keeps a copy of a picture's bytes for (operator_id, path); replaces an older copy. */
void shoppics_put(long operator_id, const char *path, const unsigned char *bytes, size_t n);
/* Folder read when a picture is not in the store (catalogue samples: pictures/<id>.png
 * under it), NULL for none. Copied. */
void shoppics_set_sample_dir(const char *dir);
/* Draws the pictures (scaled to fit their rectangles, centred). */
void shoppics_draw(struct SDL_Renderer *r, const struct shop_pic_ref *pics, int n);
/* Draws the pictures of the app's last frame (shopapp_pictures). */
struct app;
void shoppics_draw_frame(struct SDL_Renderer *r, const struct app *a);
/* Frees every texture and byte copy (before the renderer is destroyed). */
void shoppics_clear(void);

#endif
