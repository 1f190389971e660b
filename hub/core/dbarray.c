/*
 * dbarray.c: PostgreSQL array literals (see dbarray.h). Text elements are always quoted,
 * with `"` and `\` escaped, so no value (empty, NULL-looking, with commas or braces) can
 * change the array's shape.
 */
#include "dbarray.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dbarray_init(struct dbarray *a)
{
    memset(a, 0, sizeof *a);
}

/* Room for need more bytes (and the closing brace and NUL). 0, or -1 (failed set). */
static int reserve(struct dbarray *a, size_t need)
{
    if (a->failed)
        return -1;
    if (need > DBARRAY_MAX || a->len + need + 2 > DBARRAY_MAX) {
        a->failed = 1;
        return -1;
    }
    if (a->len + need + 2 <= a->cap)
        return 0;
    size_t cap = a->cap ? a->cap : 256;
    while (cap < a->len + need + 2)
        cap *= 2;
    char *b = realloc(a->buf, cap);
    if (!b) {
        a->failed = 1;
        return -1;
    }
    a->buf = b;
    a->cap = cap;
    return 0;
}

/* The separator before the next element ('{' before the first). */
static void next(struct dbarray *a)
{
    a->buf[a->len++] = a->n++ ? ',' : '{';
}

static void raw(struct dbarray *a, const char *s, size_t len)
{
    if (reserve(a, len + 1) != 0)
        return;
    next(a);
    memcpy(a->buf + a->len, s, len);
    a->len += len;
}

void dbarray_int64(struct dbarray *a, int64_t v)
{
    char num[24];
    int n = snprintf(num, sizeof num, "%" PRId64, v);
    raw(a, num, (size_t)n);
}

void dbarray_id(struct dbarray *a, int64_t v)
{
    if (v)
        dbarray_int64(a, v);
    else
        raw(a, "NULL", 4);
}

void dbarray_text(struct dbarray *a, const char *s)
{
    if (!s) {
        raw(a, "NULL", 4);
        return;
    }
    size_t len = strlen(s);
    /* worst case every byte escaped, plus the quotes */
    if (len > DBARRAY_MAX / 2 || reserve(a, 2 * len + 3) != 0) {
        a->failed = 1;
        return;
    }
    next(a);
    a->buf[a->len++] = '"';
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"' || s[i] == '\\')
            a->buf[a->len++] = '\\';
        a->buf[a->len++] = s[i];
    }
    a->buf[a->len++] = '"';
}

enum db_status dbarray_bind(struct db_stmt *st, int idx, struct dbarray *a)
{
    if (!a->failed && a->n == 0 && reserve(a, 1) == 0)
        a->buf[a->len++] = '{';
    if (a->failed || reserve(a, 0) != 0)
        return DB_ERR;
    a->buf[a->len] = '}';
    return db_bind_text(st, idx, a->buf, (long)a->len + 1);
}

void dbarray_free(struct dbarray *a)
{
    free(a->buf);
    memset(a, 0, sizeof *a);
}
