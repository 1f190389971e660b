/*
 * dbarray.h: a list of values as ONE PostgreSQL array literal ({1,2,NULL}, {"a","b"}),
 * bound as text to a `?::bigint[]` / `?::text[]` parameter. This is how a store sends a
 * whole writer batch in one statement (`... FROM unnest(?::bigint[], ?::text[]) WITH
 * ORDINALITY`): one round trip for n rows instead of n.
 *
 * Caller memory: a struct dbarray on the stack, dbarray_init() before use, dbarray_free()
 * after (also after a failure). A failed append (out of memory, over DBARRAY_MAX bytes) is
 * remembered and dbarray_bind() then answers DB_ERR, so callers append without checking
 * each call. Text is quoted and escaped here; a C string cannot hold the NUL PostgreSQL
 * refuses. PostgreSQL only: SQLite has no arrays (stores loop there).
 */
#ifndef HUB_CORE_DBARRAY_H
#define HUB_CORE_DBARRAY_H

#include "db.h"

#include <stddef.h>
#include <stdint.h>

#define DBARRAY_MAX (64u * 1024 * 1024) /* hard cap on one literal */

struct dbarray {
    char *buf; /* private: "{v,v,..." while building */
    size_t len, cap;
    size_t n;   /* values appended */
    int failed; /* an append failed: bind refuses */
};

void dbarray_init(struct dbarray *a);
void dbarray_int64(struct dbarray *a, int64_t v);
/* An integer, or NULL when v is 0 (ids: 0 names nothing). */
void dbarray_id(struct dbarray *a, int64_t v);
/* A text value; NULL appends SQL NULL. */
void dbarray_text(struct dbarray *a, const char *s);
/* Closes the literal and binds it as text to parameter idx of st. DB_OK, or DB_ERR when an
 * append failed (out of memory or over DBARRAY_MAX) or the bind's failure. The array is
 * still to be freed. */
enum db_status dbarray_bind(struct db_stmt *st, int idx, struct dbarray *a);
void dbarray_free(struct dbarray *a);

#endif
