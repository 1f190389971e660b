/*
 * catalog.c: catalogue import and validation (see catalog.h). Errors name the JSON path of
 * the offending value so an operator can fix the file; they never echo its text.
 */
#include "catalog.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cjson/cJSON.h>

#include "hubreq.h"

struct catalog {
    size_t n_categories;
    struct catalog_category categories[CATALOG_MAX_CATEGORIES];
    size_t n_items;
    struct catalog_item *items; /* n_items */
};

void catalog_free(struct catalog *c)
{
    if (!c) {
        return;
    }
    free(c->items);
    free(c);
}

size_t catalog_n_categories(const struct catalog *c)
{
    return c->n_categories;
}

const struct catalog_category *catalog_category_at(const struct catalog *c, size_t i)
{
    return i < c->n_categories ? &c->categories[i] : NULL;
}

size_t catalog_n_items(const struct catalog *c)
{
    return c->n_items;
}

const struct catalog_item *catalog_item_at(const struct catalog *c, size_t i)
{
    return i < c->n_items ? &c->items[i] : NULL;
}

const struct catalog_item *catalog_find(const struct catalog *c, const char *id)
{
    for (size_t i = 0; c && id && i < c->n_items; i++) {
        if (strcmp(c->items[i].id, id) == 0) {
            return &c->items[i];
        }
    }
    return NULL;
}

static int id_ok(const cJSON *v, char out[CATALOG_ID_MAX])
{
    if (!cJSON_IsString(v) || !v->valuestring) {
        return 0;
    }
    size_t n = strlen(v->valuestring);
    if (n == 0 || n >= CATALOG_ID_MAX) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char ch = v->valuestring[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-')) {
            return 0;
        }
    }
    memcpy(out, v->valuestring, n + 1);
    return 1;
}

/* A relative path of [A-Za-z0-9._/-], no empty, "." or ".." segment, no leading '/'. */
static int path_ok(const cJSON *v, char out[CATALOG_PATH_MAX])
{
    if (!cJSON_IsString(v) || !v->valuestring) {
        return 0;
    }
    const char *s = v->valuestring;
    size_t n = strlen(s);
    if (n == 0 || n >= CATALOG_PATH_MAX || s[0] == '/') {
        return 0;
    }
    size_t seg = 0;
    for (size_t i = 0; i <= n; i++) {
        char ch = s[i];
        if (ch == '/' || ch == '\0') {
            if (seg == 0 || (seg == 1 && s[i - 1] == '.') ||
                (seg == 2 && s[i - 1] == '.' && s[i - 2] == '.')) {
                return 0;
            }
            seg = 0;
            continue;
        }
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '-' || ch == '.')) {
            return 0;
        }
        seg++;
    }
    memcpy(out, s, n + 1);
    return 1;
}

static enum orders_rc parse_categories(const cJSON *arr, struct catalog *c, char *err,
                                       size_t errlen)
{
    if (!cJSON_IsArray(arr)) {
        snprintf(err, errlen, "\"categories\" must be an array");
        return ORDERS_INVALID;
    }
    int n = cJSON_GetArraySize(arr);
    if (n < 1 || n > CATALOG_MAX_CATEGORIES) {
        snprintf(err, errlen, "\"categories\" must have 1 to %d entries", CATALOG_MAX_CATEGORIES);
        return ORDERS_INVALID;
    }
    const cJSON *e = NULL;
    size_t i = 0;
    cJSON_ArrayForEach(e, arr)
    {
        struct catalog_category *cat = &c->categories[i];
        char sub[160];
        if (!cJSON_IsObject(e)) {
            snprintf(err, errlen, "categories[%zu] must be an object", i);
            return ORDERS_INVALID;
        }
        if (!hubreq_json_only_keys(e, (const char *const[]){"id", "name", NULL}, sub,
                                   sizeof(sub))) {
            snprintf(err, errlen, "categories[%zu]: %s", i, sub);
            return ORDERS_INVALID;
        }
        if (!id_ok(cJSON_GetObjectItemCaseSensitive(e, "id"), cat->id)) {
            snprintf(err, errlen, "categories[%zu].id must be 1 to 32 of a-z 0-9 _ -", i);
            return ORDERS_INVALID;
        }
        if (!hubreq_json_text(cJSON_GetObjectItemCaseSensitive(e, "name"), cat->name,
                              sizeof(cat->name))) {
            snprintf(err, errlen, "categories[%zu].name must be 1 to 128 bytes of text", i);
            return ORDERS_INVALID;
        }
        for (size_t k = 0; k < i; k++) {
            if (strcmp(c->categories[k].id, cat->id) == 0) {
                snprintf(err, errlen, "categories[%zu].id repeats categories[%zu].id", i, k);
                return ORDERS_INVALID;
            }
        }
        i++;
    }
    c->n_categories = i;
    return ORDERS_OK;
}

static int category_known(const struct catalog *c, const char *id)
{
    for (size_t i = 0; i < c->n_categories; i++) {
        if (strcmp(c->categories[i].id, id) == 0) {
            return 1;
        }
    }
    return 0;
}

static enum orders_rc parse_items(const cJSON *arr, struct catalog *c, char *err, size_t errlen)
{
    if (!cJSON_IsArray(arr)) {
        snprintf(err, errlen, "\"items\" must be an array");
        return ORDERS_INVALID;
    }
    int n = cJSON_GetArraySize(arr);
    if (n < 1 || n > CATALOG_MAX_ITEMS) {
        snprintf(err, errlen, "\"items\" must have 1 to %d entries", CATALOG_MAX_ITEMS);
        return ORDERS_INVALID;
    }
    c->items = calloc((size_t)n, sizeof(*c->items));
    if (!c->items) {
        return ORDERS_NOMEM;
    }
    const cJSON *e = NULL;
    size_t i = 0;
    cJSON_ArrayForEach(e, arr)
    {
        struct catalog_item *it = &c->items[i];
        char sub[160];
        long long price = 0;
        if (!cJSON_IsObject(e)) {
            snprintf(err, errlen, "items[%zu] must be an object", i);
            return ORDERS_INVALID;
        }
        if (!hubreq_json_only_keys(e,
                                   (const char *const[]){"id", "category", "name", "picture",
                                                         "unit", "price_yen", NULL},
                                   sub, sizeof(sub))) {
            snprintf(err, errlen, "items[%zu]: %s", i, sub);
            return ORDERS_INVALID;
        }
        if (!id_ok(cJSON_GetObjectItemCaseSensitive(e, "id"), it->id)) {
            snprintf(err, errlen, "items[%zu].id must be 1 to 32 of a-z 0-9 _ -", i);
            return ORDERS_INVALID;
        }
        if (!id_ok(cJSON_GetObjectItemCaseSensitive(e, "category"), it->category) ||
            !category_known(c, it->category)) {
            snprintf(err, errlen, "items[%zu].category must be the id of one of the categories", i);
            return ORDERS_INVALID;
        }
        if (!hubreq_json_text(cJSON_GetObjectItemCaseSensitive(e, "name"), it->name,
                              sizeof(it->name))) {
            snprintf(err, errlen, "items[%zu].name must be 1 to 128 bytes of text", i);
            return ORDERS_INVALID;
        }
        if (!hubreq_json_text(cJSON_GetObjectItemCaseSensitive(e, "unit"), it->unit,
                              sizeof(it->unit))) {
            snprintf(err, errlen, "items[%zu].unit must be 1 to 32 bytes of text (例: 1個)", i);
            return ORDERS_INVALID;
        }
        if (!path_ok(cJSON_GetObjectItemCaseSensitive(e, "picture"), it->picture)) {
            snprintf(err, errlen,
                     "items[%zu].picture must be a relative path inside the catalogue's "
                     "folder (letters, digits, . _ - /, no \"..\"), at most 128 bytes",
                     i);
            return ORDERS_INVALID;
        }
        if (!hubreq_json_int(cJSON_GetObjectItemCaseSensitive(e, "price_yen"), 1,
                             ORDERS_MAX_PRICE_YEN, &price)) {
            snprintf(err, errlen,
                     "items[%zu].price_yen must be a whole number of yen from 1 to %ld", i,
                     ORDERS_MAX_PRICE_YEN);
            return ORDERS_INVALID;
        }
        it->price_yen = (long)price;
        for (size_t k = 0; k < i; k++) {
            if (strcmp(c->items[k].id, it->id) == 0) {
                snprintf(err, errlen, "items[%zu].id repeats items[%zu].id", i, k);
                return ORDERS_INVALID;
            }
        }
        i++;
    }
    c->n_items = i;
    return ORDERS_OK;
}

enum orders_rc catalog_parse(const char *json, size_t len, struct catalog **out, char *err,
                             size_t errlen)
{
    enum orders_rc rc = ORDERS_INVALID;
    cJSON *root = NULL;
    struct catalog *c = NULL;
    *out = NULL;
    if (!hubreq_json_object(json, len, CATALOG_FILE_MAX, "catalogue file", NULL, &root, err,
                            errlen)) {
        goto out;
    }
    if (!hubreq_json_only_keys(root, (const char *const[]){"format", "categories", "items", NULL},
                               err, errlen)) {
        goto out;
    }
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, CATALOG_FORMAT) != 0) {
        snprintf(err, errlen, "\"format\" must be \"%s\"", CATALOG_FORMAT);
        goto out;
    }
    c = calloc(1, sizeof(*c));
    if (!c) {
        rc = ORDERS_NOMEM;
        goto out;
    }
    rc = parse_categories(cJSON_GetObjectItemCaseSensitive(root, "categories"), c, err, errlen);
    if (rc != ORDERS_OK) {
        goto out;
    }
    rc = parse_items(cJSON_GetObjectItemCaseSensitive(root, "items"), c, err, errlen);
    if (rc != ORDERS_OK) {
        goto out;
    }
    *out = c;
    c = NULL;
out:
    if (rc == ORDERS_NOMEM) {
        snprintf(err, errlen, "out of memory");
    }
    catalog_free(c);
    cJSON_Delete(root);
    return rc;
}

/* Checks one picture. Returns 0 or -1 with err. */
static int check_picture(const char *base_real, const struct catalog_item *it, char *err,
                         size_t errlen)
{
    int rc = -1;
    int fd = -1;
    char path[PATH_MAX], real[PATH_MAX];
    unsigned char magic[8];
    struct stat sb;
    if (snprintf(path, sizeof(path), "%s/%s", base_real, it->picture) >= (int)sizeof(path)) {
        snprintf(err, errlen, "picture of item %s: path too long", it->id);
        goto out;
    }
    /* realpath resolves symlinks: the picture must really live under the folder. */
    if (!realpath(path, real)) {
        snprintf(err, errlen, "picture of item %s (%s) not found: %s", it->id, it->picture,
                 strerror(errno));
        goto out;
    }
    size_t bl = strlen(base_real);
    if (strncmp(real, base_real, bl) != 0 || real[bl] != '/') {
        snprintf(err, errlen, "picture of item %s (%s) lies outside the catalogue's folder", it->id,
                 it->picture);
        goto out;
    }
    fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(err, errlen, "picture of item %s (%s) is not a readable file", it->id,
                 it->picture);
        goto out;
    }
    if (sb.st_size > (off_t)CATALOG_PICTURE_MAX) {
        snprintf(err, errlen, "picture of item %s (%s) is %lld bytes; at most %u are allowed",
                 it->id, it->picture, (long long)sb.st_size, CATALOG_PICTURE_MAX);
        goto out;
    }
    ssize_t got = read(fd, magic, sizeof(magic));
    static const unsigned char PNG[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    int is_png = got == 8 && memcmp(magic, PNG, 8) == 0;
    int is_jpeg = got >= 3 && magic[0] == 0xff && magic[1] == 0xd8 && magic[2] == 0xff;
    if (!is_png && !is_jpeg) {
        snprintf(err, errlen, "picture of item %s (%s) is neither PNG nor JPEG", it->id,
                 it->picture);
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0) {
        close(fd);
    }
    return rc;
}

enum orders_rc catalog_check_pictures(const struct catalog *c, const char *base_dir, char *err,
                                      size_t errlen)
{
    char base_real[PATH_MAX];
    if (!realpath(base_dir, base_real)) {
        snprintf(err, errlen, "catalogue folder not found: %s", strerror(errno));
        return ORDERS_INVALID;
    }
    for (size_t i = 0; i < c->n_items; i++) {
        if (check_picture(base_real, &c->items[i], err, errlen) != 0) {
            return ORDERS_INVALID;
        }
    }
    return ORDERS_OK;
}

enum orders_rc catalog_load_file(const char *path, struct catalog **out, char *err, size_t errlen)
{
    enum orders_rc rc = ORDERS_IO;
    char *buf = NULL;
    int fd = -1;
    struct stat sb;
    char dir[PATH_MAX];
    *out = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(err, errlen, "cannot read the catalogue file: %s", strerror(errno));
        goto out;
    }
    if (sb.st_size <= 0 || sb.st_size > (off_t)CATALOG_FILE_MAX) {
        snprintf(err, errlen, "the catalogue file must be 1 byte to %u bytes", CATALOG_FILE_MAX);
        rc = ORDERS_INVALID;
        goto out;
    }
    size_t size = (size_t)sb.st_size;
    buf = malloc(size);
    if (!buf) {
        rc = ORDERS_NOMEM;
        goto out;
    }
    size_t have = 0;
    while (have < size) {
        ssize_t n = read(fd, buf + have, size - have);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            snprintf(err, errlen, "cannot read the catalogue file: %s",
                     n < 0 ? strerror(errno) : "it got shorter");
            goto out;
        }
        have += (size_t)n;
    }
    rc = catalog_parse(buf, size, out, err, errlen);
    if (rc != ORDERS_OK) {
        goto out;
    }
    /* The folder of the file: everything before the last '/' (or "."). */
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, sizeof(dir), ".");
    } else if (slash == path) {
        snprintf(dir, sizeof(dir), "/");
    } else {
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    }
    rc = catalog_check_pictures(*out, dir, err, errlen);
    if (rc != ORDERS_OK) {
        catalog_free(*out);
        *out = NULL;
    }
out:
    if (rc == ORDERS_NOMEM) {
        snprintf(err, errlen, "out of memory");
    }
    free(buf);
    if (fd >= 0) {
        close(fd);
    }
    return rc;
}

char *catalog_to_json(const struct catalog *c)
{
    char *out = NULL;
    cJSON *root = cJSON_CreateObject();
    cJSON *cats = cJSON_AddArrayToObject(root, "categories");
    cJSON *items = cJSON_AddArrayToObject(root, "items");
    if (!root || !cats || !items || !cJSON_AddStringToObject(root, "format", CATALOG_FORMAT)) {
        goto out;
    }
    for (size_t i = 0; i < c->n_categories; i++) {
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(cats, o) ||
            !cJSON_AddStringToObject(o, "id", c->categories[i].id) ||
            !cJSON_AddStringToObject(o, "name", c->categories[i].name)) {
            goto out;
        }
    }
    for (size_t i = 0; i < c->n_items; i++) {
        const struct catalog_item *it = &c->items[i];
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(items, o) || !cJSON_AddStringToObject(o, "id", it->id) ||
            !cJSON_AddStringToObject(o, "category", it->category) ||
            !cJSON_AddStringToObject(o, "name", it->name) ||
            !cJSON_AddStringToObject(o, "picture", it->picture) ||
            !cJSON_AddStringToObject(o, "unit", it->unit) ||
            !cJSON_AddNumberToObject(o, "price_yen", (double)it->price_yen)) {
            goto out;
        }
    }
    out = cJSON_PrintUnformatted(root);
out:
    cJSON_Delete(root);
    return out;
}
