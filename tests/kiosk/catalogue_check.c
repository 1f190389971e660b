/*
 * catalogue_check: reads every layout dump (*.json) the screen catalogue wrote and checks
 * the screen rules of PRODUCT.md on each, plus that each PNG beside it is not blank:
 *   - every target ≥ 15 × 15 mm, primary actions ≥ 25 mm tall, inside the screen;
 *   - targets ≥ 3 mm apart (so none overlap);
 *   - ≤ 6 choices (Back, Home, the frame's notice banner and repeat button and keypad
 *     keys are not choices), ≤ 1 primary action;
 *   - contrast ≥ 7:1 for every target and every text not dimmed behind a dialog;
 *   - no text outside its box or the screen; a text touching a target lies inside it;
 *   - body text ≥ 16 pt and labels inside targets ≥ 24 pt at the display density;
 *   - Back and Home at the same rectangle on every screen of a variant (language × text
 *     size × theme);
 *   - nothing of the screen runs into the status bar at the bottom (its words' box sits
 *     one pad from the screen's left and bottom edges, the bar a pad above them);
 *   - no two texts of a chart overlap (a figure of the dump), its plot is at least
 *     PLOT_MIN_MM tall and PLOT_MIN_W_MM wide with no text on it (a chart squeezed below its
 *     words had no plot left and its labels piled up).
 *   catalogue_check DIR [expected_count]
 *   catalogue_check --some-png [--open FILE] DIR
 *     (the band pass: a PNG only beside some layouts, those there are checked; the entries
 *     listed in FILE are reported as open, not failed)
 */
#include <SDL.h>
#include <SDL_image.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "theme.h"

#define MAX_FILE (1024 * 1024)
#define PT_MM    (25.4 / 72.0)
/* The least plot a chart may have (ckchart.h: CK_PLOT_LEAST_MM). */
#define PLOT_MIN_MM   25.0
#define PLOT_MIN_W_MM 40.0

struct rect {
    double x, y, w, h;
};

struct navpos {
    char variant[64];
    char kind[8];
    struct rect r;
    char first[256];
};

static struct navpos navs[256];
static int nnavs;
static int failures;
static bool some_png; /* --some-png: a missing PNG is not a failure */

/* --open FILE: entries (one name a line, '#' comments: each with its reason) whose problems
 * are known and reported as open instead of failing; an open entry without problems fails,
 * so the list only shrinks */
static char open_names[128][64];
static bool open_seen[128];
static int n_open, open_problems, current_open = -1;

#define FAIL(file, ...)                                                                            \
    do {                                                                                           \
        fprintf(stderr, "%s%s: ", current_open >= 0 ? "open: " : "", file);                        \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fprintf(stderr, "\n");                                                                     \
        if (current_open >= 0) {                                                                   \
            open_seen[current_open] = true;                                                        \
            open_problems++;                                                                       \
        } else {                                                                                   \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static bool read_open(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[256];
    if (!f)
        return false;
    while (fgets(line, sizeof line, f) && n_open < 128) {
        line[strcspn(line, " \t#\r\n")] = '\0';
        if (line[0])
            snprintf(open_names[n_open++], sizeof open_names[0], "%.63s", line);
    }
    fclose(f);
    return true;
}

/* The entry of a layout file NAME-LANG-...: open when listed. */
static int open_index(const char *file)
{
    for (int i = 0; i < n_open; i++) {
        size_t l = strlen(open_names[i]);
        if (!strncmp(file, open_names[i], l) &&
            (!strncmp(file + l, "-ja-", 4) || !strncmp(file + l, "-en-", 4)))
            return i;
    }
    return -1;
}

static struct rect get_rect(const cJSON *o)
{
    struct rect r = {0, 0, 0, 0};
    if (!o)
        return r;
    r.x = cJSON_GetObjectItem(o, "x")->valuedouble;
    r.y = cJSON_GetObjectItem(o, "y")->valuedouble;
    r.w = cJSON_GetObjectItem(o, "w")->valuedouble;
    r.h = cJSON_GetObjectItem(o, "h")->valuedouble;
    return r;
}

static struct ui_color get_color(const cJSON *o, const char *key)
{
    const char *s = cJSON_GetObjectItem(o, key)->valuestring;
    unsigned long v = strtoul(s + 1, NULL, 16);
    struct ui_color c = {(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v, 255};
    return c;
}

static bool inside(struct rect in, struct rect out)
{
    return in.x >= out.x && in.y >= out.y && in.x + in.w <= out.x + out.w &&
           in.y + in.h <= out.y + out.h;
}

static bool intersects(struct rect a, struct rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/* Gap between two rectangles in px (0 when they touch or overlap). */
static double gap(struct rect a, struct rect b)
{
    double dx = fmax(0, fmax(b.x - (a.x + a.w), a.x - (b.x + b.w)));
    double dy = fmax(0, fmax(b.y - (a.y + a.h), a.y - (b.y + b.h)));
    return fmax(dx, dy);
}

static void check_png(const char *png)
{
    SDL_Surface *s = IMG_Load(png);
    if (!s) {
        FAIL(png, "cannot load the screenshot: %s", IMG_GetError());
        return;
    }
    SDL_Surface *c = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(s);
    if (!c) {
        FAIL(png, "cannot convert the screenshot");
        return;
    }
    uint32_t seen[8];
    int n = 0;
    for (int y = 0; y < c->h && n < 8; y += 7) {
        const uint32_t *row = (const uint32_t *)((const uint8_t *)c->pixels + y * c->pitch);
        for (int x = 0; x < c->w && n < 8; x += 3) {
            bool found = false;
            for (int i = 0; i < n; i++)
                found |= seen[i] == row[x];
            if (!found)
                seen[n++] = row[x];
        }
    }
    if (n < 3)
        FAIL(png, "the screenshot is blank (%d colours)", n);
    SDL_FreeSurface(c);
}

/* A chart's plot too small to read, texts on it, and its words on each other. */
static void check_overlaps(const char *path, const cJSON *texts, const cJSON *figures, double ppm)
{
    int nt = cJSON_GetArraySize(texts), nf = figures ? cJSON_GetArraySize(figures) : 0;
    for (int f = 0; f < nf; f++) {
        const cJSON *fg = cJSON_GetArrayItem(figures, f);
        if (strcmp(cJSON_GetObjectItem(fg, "kind")->valuestring, "plot"))
            continue;
        struct rect p = get_rect(cJSON_GetObjectItem(fg, "rect"));
        if (p.h / ppm < PLOT_MIN_MM - 1e-9 || p.w / ppm < PLOT_MIN_W_MM - 1e-9)
            FAIL(path, "a chart's plot is %.1f x %.1f mm (rule: at least %.0f x %.0f)", p.w / ppm,
                 p.h / ppm, PLOT_MIN_W_MM, PLOT_MIN_MM);
        for (int i = 0; i < nt; i++) {
            const cJSON *t = cJSON_GetArrayItem(texts, i);
            if (!cJSON_IsTrue(cJSON_GetObjectItem(t, "dimmed")) &&
                intersects(get_rect(cJSON_GetObjectItem(t, "rect")), p))
                FAIL(path, "text \"%s\" lies on a chart's plot",
                     cJSON_GetObjectItem(t, "text")->valuestring);
        }
    }
    /* a chart's words (axis numbers, dates, the lines' labels, the unit, the key) */
    for (int f = 0; f < nf; f++) {
        const cJSON *fg = cJSON_GetArrayItem(figures, f);
        if (strcmp(cJSON_GetObjectItem(fg, "kind")->valuestring, "chart"))
            continue;
        struct rect ch = get_rect(cJSON_GetObjectItem(fg, "rect"));
        for (int i = 0; i < nt; i++) {
            const cJSON *a = cJSON_GetArrayItem(texts, i);
            struct rect ra = get_rect(cJSON_GetObjectItem(a, "rect"));
            if (cJSON_IsTrue(cJSON_GetObjectItem(a, "dimmed")) || !intersects(ra, ch))
                continue;
            for (int j = i + 1; j < nt; j++) {
                const cJSON *b = cJSON_GetArrayItem(texts, j);
                if (!cJSON_IsTrue(cJSON_GetObjectItem(b, "dimmed")) &&
                    intersects(ra, get_rect(cJSON_GetObjectItem(b, "rect"))))
                    FAIL(path, "texts \"%s\" and \"%s\" of a chart overlap",
                         cJSON_GetObjectItem(a, "text")->valuestring,
                         cJSON_GetObjectItem(b, "text")->valuestring);
            }
        }
    }
}

/* The top of the status bar, or -1 when the screen has none: its words are the text whose
 * box lies a pad (the box's own x) from the screen's left and bottom edges. */
static double status_top(const cJSON *texts, double H)
{
    double top = -1;
    int nt = cJSON_GetArraySize(texts);
    for (int i = 0; i < nt; i++) {
        struct rect box = get_rect(cJSON_GetObjectItem(cJSON_GetArrayItem(texts, i), "box"));
        if (box.x > 0 && fabs(box.y + box.h + box.x - H) <= 1 && (top < 0 || box.y - box.x < top))
            top = box.y - box.x;
    }
    return top;
}

static void check_file(const char *dir, const char *name)
{
    char path[1024], png[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        FAIL(path, "cannot open");
        return;
    }
    char *buf = malloc(MAX_FILE + 1);
    size_t len = buf ? fread(buf, 1, MAX_FILE, f) : 0;
    fclose(f);
    if (!buf)
        return;
    buf[len] = '\0';
    cJSON *root = cJSON_Parse(buf);
    free(buf);
    if (!root) {
        FAIL(path, "not valid JSON");
        return;
    }
    double ppm = cJSON_GetObjectItem(root, "px_per_mm")->valuedouble;
    double W = cJSON_GetObjectItem(root, "width")->valuedouble;
    double H = cJSON_GetObjectItem(root, "height")->valuedouble;
    struct rect screen = {0, 0, W, H};
    char variant[64];
    snprintf(variant, sizeof variant, "%s-%d-%s", cJSON_GetObjectItem(root, "lang")->valuestring,
             cJSON_GetObjectItem(root, "text_scale")->valueint,
             cJSON_GetObjectItem(root, "theme")->valuestring);
    const cJSON *targets = cJSON_GetObjectItem(root, "targets");
    const cJSON *texts = cJSON_GetObjectItem(root, "texts");
    int n = cJSON_GetArraySize(targets);
    int choices = 0, primaries = 0;
    double bar = status_top(texts, H);
    struct rect tr[64];
    const char *ids[64];
    for (int i = 0; i < n && i < 64; i++) {
        const cJSON *t = cJSON_GetArrayItem(targets, i);
        const char *id = cJSON_GetObjectItem(t, "id")->valuestring;
        const char *kind = cJSON_GetObjectItem(t, "kind")->valuestring;
        struct rect r = get_rect(cJSON_GetObjectItem(t, "rect"));
        tr[i] = r;
        ids[i] = id;
        if (r.w / ppm < 15.0 - 1e-9 || r.h / ppm < 15.0 - 1e-9)
            FAIL(path, "target %s is %.1f x %.1f mm (rule: at least 15 x 15)", id, r.w / ppm,
                 r.h / ppm);
        if (!strcmp(kind, "primary")) {
            primaries++;
            if (r.h / ppm < 25.0 - 1e-9)
                FAIL(path, "primary action %s is %.1f mm tall (rule: at least 25)", id, r.h / ppm);
        }
        if (!inside(r, screen))
            FAIL(path, "target %s is not inside the screen", id);
        if (bar >= 0 && r.y < bar && r.y + r.h > bar + 0.5)
            FAIL(path, "target %s runs into the status bar", id);
        double cr = theme_contrast(get_color(t, "fg"), get_color(t, "bg"));
        if (cr < 7.0)
            FAIL(path, "target %s has contrast %.2f:1 (rule: 7:1)", id, cr);
        /* Back, Home, the notice banner and the repeat-speech button are the frame's, on
         * every screen; keypad keys are one choice */
        if (strcmp(kind, "back") && strcmp(kind, "home") && strcmp(kind, "key") &&
            strcmp(kind, "frame"))
            choices++;
        if (!strcmp(kind, "back") || !strcmp(kind, "home")) {
            int k;
            for (k = 0; k < nnavs; k++)
                if (!strcmp(navs[k].variant, variant) && !strcmp(navs[k].kind, kind))
                    break;
            if (k == nnavs && nnavs < 256) {
                snprintf(navs[k].variant, sizeof navs[k].variant, "%s", variant);
                snprintf(navs[k].kind, sizeof navs[k].kind, "%s", kind);
                snprintf(navs[k].first, sizeof navs[k].first, "%s", name);
                navs[k].r = r;
                nnavs++;
            } else if (k < nnavs && memcmp(&navs[k].r, &r, sizeof r) != 0) {
                FAIL(path, "%s is at %.0f,%.0f %.0fx%.0f but at %.0f,%.0f %.0fx%.0f on %s", kind,
                     r.x, r.y, r.w, r.h, navs[k].r.x, navs[k].r.y, navs[k].r.w, navs[k].r.h,
                     navs[k].first);
            }
        }
    }
    for (int i = 0; i < n && i < 64; i++)
        for (int j = i + 1; j < n && j < 64; j++) {
            double g = gap(tr[i], tr[j]) / ppm;
            if (intersects(tr[i], tr[j]))
                FAIL(path, "targets %s and %s overlap", ids[i], ids[j]);
            else if (g < 3.0 - 1e-9)
                FAIL(path, "targets %s and %s are %.1f mm apart (rule: at least 3)", ids[i], ids[j],
                     g);
        }
    if (choices > 6)
        FAIL(path, "%d choices on one screen (rule: at most 6)", choices);
    if (primaries > 1)
        FAIL(path, "%d primary actions (rule: one)", primaries);
    int nt = cJSON_GetArraySize(texts);
    double body_mm = 16 * PT_MM, label_mm = 24 * PT_MM;
    for (int i = 0; i < nt; i++) {
        const cJSON *t = cJSON_GetArrayItem(texts, i);
        const char *s = cJSON_GetObjectItem(t, "text")->valuestring;
        struct rect r = get_rect(cJSON_GetObjectItem(t, "rect"));
        struct rect box = get_rect(cJSON_GetObjectItem(t, "box"));
        double px = cJSON_GetObjectItem(t, "px")->valuedouble;
        if (cJSON_IsTrue(cJSON_GetObjectItem(t, "dimmed")))
            continue;
        if (!inside(r, box))
            FAIL(path, "text \"%s\" (%.0f,%.0f %.0fx%.0f) is outside its box (%.0f,%.0f %.0fx%.0f)",
                 s, r.x, r.y, r.w, r.h, box.x, box.y, box.w, box.h);
        if (!inside(r, screen))
            FAIL(path, "text \"%s\" is outside the screen", s);
        if (bar >= 0 && r.y < bar && r.y + r.h > bar + 0.5)
            FAIL(path, "text \"%s\" runs into the status bar", s);
        double cr = theme_contrast(get_color(t, "fg"), get_color(t, "bg"));
        if (cr < 7.0)
            FAIL(path, "text \"%s\" has contrast %.2f:1 (rule: 7:1)", s, cr);
        if (px / ppm < body_mm - 1e-6)
            FAIL(path, "text \"%s\" is %.1f mm (rule: body at least 16 pt = %.2f mm)", s, px / ppm,
                 body_mm);
        for (int j = 0; j < n && j < 64; j++) {
            if (!intersects(r, tr[j]))
                continue;
            if (!inside(r, tr[j]))
                FAIL(path, "text \"%s\" runs across the edge of target %s", s, ids[j]);
            else if (px / ppm < label_mm - 1e-6)
                FAIL(path, "label \"%s\" is %.1f mm (rule: at least 24 pt = %.2f mm)", s, px / ppm,
                     label_mm);
        }
    }
    check_overlaps(path, texts, cJSON_GetObjectItem(root, "figures"), ppm);
    cJSON_Delete(root);
    snprintf(png, sizeof png, "%.*s.png", (int)(strlen(path) - 5), path);
    struct stat st;
    if (!some_png || stat(png, &st) == 0)
        check_png(png);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    for (;;) {
        if (argc > 1 && !strcmp(argv[1], "--some-png")) {
            some_png = true;
            argv++;
            argc--;
        } else if (argc > 2 && !strcmp(argv[1], "--open")) {
            if (!read_open(argv[2])) {
                fprintf(stderr, "catalogue_check: cannot read %s\n", argv[2]);
                return 2;
            }
            argv += 2;
            argc -= 2;
        } else {
            break;
        }
    }
    if (argc < 2) {
        fprintf(stderr, "usage: catalogue_check [--some-png] [--open FILE] DIR [expected_count]\n");
        return 2;
    }
    DIR *d = opendir(argv[1]);
    if (!d) {
        fprintf(stderr, "catalogue_check: cannot open %s\n", argv[1]);
        return 2;
    }
    /* the band pass writes every page of every entry: several thousand layouts */
    size_t cap = 0;
    char **names = NULL;
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) && count < 65536) {
        size_t l = strlen(e->d_name);
        if (l <= 5 || strcmp(e->d_name + l - 5, ".json"))
            continue;
        if ((size_t)count == cap) {
            cap = cap ? 2 * cap : 1024;
            char **more = realloc(names, cap * sizeof *names);
            if (!more) {
                fprintf(stderr, "catalogue_check: out of memory\n");
                failures++;
                break;
            }
            names = more;
        }
        if ((names[count] = strdup(e->d_name)) != NULL)
            count++;
    }
    closedir(d);
    if (count > 0)
        qsort(names, (size_t)count, sizeof names[0], cmp_str);
    for (int i = 0; i < count; i++) {
        current_open = open_index(names[i]);
        check_file(argv[1], names[i]);
        current_open = -1;
        free(names[i]);
    }
    for (int i = 0; i < n_open; i++)
        if (!open_seen[i]) {
            fprintf(stderr,
                    "catalogue_check: %s is listed as open but has no problems: "
                    "take it off the list\n",
                    open_names[i]);
            failures++;
        }
    free(names);
    if (argc > 2 && count != (int)strtol(argv[2], NULL, 10)) {
        fprintf(stderr, "catalogue_check: %d layouts, expected %s\n", count, argv[2]);
        failures++;
    }
    if (count == 0) {
        fprintf(stderr, "catalogue_check: no layouts in %s\n", argv[1]);
        failures++;
    }
    printf("catalogue_check: %d screens checked, %d problems, %d open (in %d listed entries)\n",
           count, failures, open_problems, n_open);
    return failures ? 1 : 0;
}
