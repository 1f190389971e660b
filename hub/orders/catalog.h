/*
 * catalog: an operator's catalogue (categories and items with pictures), imported from a
 * JSON file the operator supplies (format in docs/orders.md):
 *
 *   {"format": "kiosk-catalogue/1",
 *    "categories": [{"id": "vegetables", "name": "野菜"}, ...],
 *    "items": [{"id": "cabbage", "category": "vegetables", "name": "キャベツ",
 *               "picture": "pictures/cabbage.png", "unit": "1玉", "price_yen": 198}, ...]}
 *
 * Everything from outside is checked and capped: sizes, counts, identifier syntax, UTF-8
 * text, integer prices, unique ids, every item in a known category. Pictures are paths
 * relative to the catalogue file's folder, must stay inside it, and must be PNG or JPEG
 * (by their magic bytes, not their name) of at most CATALOG_PICTURE_MAX bytes.
 *
 * catalog_parse does no I/O (the fuzz target drives it); catalog_check_pictures and
 * catalog_load_file touch the file system.
 */
#ifndef CATALOG_H
#define CATALOG_H

#include <stddef.h>

#include "orders.h"

#define CATALOG_FORMAT         "kiosk-catalogue/1"
#define CATALOG_FILE_MAX       (1u << 20) /* the JSON file: 1 MiB */
#define CATALOG_MAX_CATEGORIES 32
#define CATALOG_MAX_ITEMS      500
#define CATALOG_ID_MAX         ORDERS_ITEM_ID_MAX /* [a-z0-9_-]{1,32} + NUL */
#define CATALOG_NAME_MAX       ORDERS_NAME_MAX    /* 1..128 UTF-8 bytes + NUL */
#define CATALOG_UNIT_MAX       33                 /* 1..32 UTF-8 bytes + NUL */
#define CATALOG_PATH_MAX       129                /* relative path, 1..128 bytes + NUL */
#define CATALOG_PICTURE_MAX    (512u * 1024u)     /* one picture: 512 KiB */

struct catalog_category {
    char id[CATALOG_ID_MAX];
    char name[CATALOG_NAME_MAX];
};

struct catalog_item {
    char id[CATALOG_ID_MAX];
    char category[CATALOG_ID_MAX];
    char name[CATALOG_NAME_MAX];
    char picture[CATALOG_PATH_MAX]; /* relative to the catalogue's folder */
    char unit[CATALOG_UNIT_MAX];
    long price_yen; /* 1..ORDERS_MAX_PRICE_YEN, tax included */
};

struct catalog;

/*
 * Parses and validates a catalogue. On ORDERS_OK *out is owned (catalog_free); on
 * ORDERS_INVALID err says what and where ("items[3].price_yen: ...") and *out is NULL.
 */
enum orders_rc catalog_parse(const char *json, size_t len, struct catalog **out, char *err,
                             size_t errlen) ORDERS_MUST_USE;

/* Checks every picture under base_dir: exists, regular file, inside base_dir (no "..", no
 * symlink out), PNG or JPEG magic, ≤ CATALOG_PICTURE_MAX. ORDERS_OK or ORDERS_INVALID. */
enum orders_rc catalog_check_pictures(const struct catalog *c, const char *base_dir, char *err,
                                      size_t errlen) ORDERS_MUST_USE;

/* Reads path (≤ CATALOG_FILE_MAX), parses it and checks the pictures relative to the file's
 * folder. ORDERS_OK with owned *out, ORDERS_IO or ORDERS_INVALID with err. */
enum orders_rc catalog_load_file(const char *path, struct catalog **out, char *err,
                                 size_t errlen) ORDERS_MUST_USE;

void catalog_free(struct catalog *c);

size_t catalog_n_categories(const struct catalog *c);
const struct catalog_category *catalog_category_at(const struct catalog *c, size_t i);
size_t catalog_n_items(const struct catalog *c);
const struct catalog_item *catalog_item_at(const struct catalog *c, size_t i);
/* The item with this id, or NULL. Borrowed from c. */
const struct catalog_item *catalog_find(const struct catalog *c, const char *id);

/* The catalogue as the kiosk fetches it (same format as the file). Owned string (free()). */
char *catalog_to_json(const struct catalog *c);

#endif
