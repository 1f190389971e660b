/*
 * pngsave: writes an SDL surface as a PNG quickly, for the screen catalogue's and the
 * scripts' screenshots. SDL_image's IMG_SavePNG compresses hard (libpng's filter search and
 * zlib's default level): 87 % of the catalogue's time went there. Screens are large flat
 * colours, which the fastest zlib level with the "sub" filter keeps small anyway.
 */
#ifndef KIOSK_PNGSAVE_H
#define KIOSK_PNGSAVE_H

#include <SDL.h>

/* Writes surface s (any pixel format SDL can convert to RGB24) to path as an 8-bit RGB PNG.
 * Returns 0, or -1 with SDL_GetError() / errno set. The surface stays the caller's. */
int pngsave(SDL_Surface *s, const char *path);

#endif
