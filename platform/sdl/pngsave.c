/*
 * pngsave: a surface as a PNG, fast (see pngsave.h).
 */
#include "pngsave.h"

#include <png.h>
#include <stdio.h>

/* The libpng part: it reports errors by longjmp back here, where nothing changed after the
 * setjmp is read (the caller frees what it made). 0 or -1. */
static int write_png(png_structp png, png_infop info, FILE *f, const SDL_Surface *rgb)
{
    if (setjmp(png_jmpbuf(png)))
        return -1;
    png_init_io(png, f);
    png_set_compression_level(png, 1);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
    png_set_IHDR(png, info, (png_uint_32)rgb->w, (png_uint_32)rgb->h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
    png_write_info(png, info);
    for (int y = 0; y < rgb->h; y++)
        png_write_row(png, (png_const_bytep)rgb->pixels + (size_t)y * (size_t)rgb->pitch);
    png_write_end(png, NULL);
    return 0;
}

int pngsave(SDL_Surface *s, const char *path)
{
    int rc = -1;
    FILE *f = NULL;
    png_structp png = NULL;
    png_infop info = NULL;
    SDL_Surface *rgb = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_RGB24, 0);
    if (!rgb)
        goto out;
    f = fopen(path, "wb");
    if (!f) {
        SDL_SetError("cannot open %s", path);
        goto out;
    }
    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        SDL_SetError("out of memory for the PNG writer");
        goto out;
    }
    if (write_png(png, info, f, rgb) != 0) {
        SDL_SetError("cannot write %s", path);
        goto out;
    }
    rc = 0;
out:
    if (png)
        png_destroy_write_struct(&png, info ? &info : NULL);
    if (f && fclose(f) != 0 && rc == 0) {
        SDL_SetError("cannot write %s", path);
        rc = -1;
    }
    SDL_FreeSurface(rgb);
    return rc;
}
