/*
 * scope.h: the municipality a store call works in. Every store function that reads or
 * writes a town's data takes a `const struct scope *` right after the database handle, and
 * every statement it runs filters by that town: a query without a municipality cannot be
 * written by accident, because the function does not compile without one, and a NULL scope
 * is refused (the store answers DB_ERR without touching the database).
 *
 * A scope is made only from what the hub already trusts: the municipality of an
 * authenticated principal or card session (auth.c), or hubctl's --municipality once the
 * town was looked up (towns.c). scope_of() is the one constructor.
 *
 * Ownership. Scopes are interned: one immutable object per town id, kept for the life of the
 * process (at most SCOPE_MAX towns), so a `const struct scope *` may be copied and kept
 * freely and never freed. Thread-safe.
 */
#ifndef HUB_CORE_SCOPE_H
#define HUB_CORE_SCOPE_H

#include <stdint.h>

struct scope;

#define SCOPE_MAX 8192

/* The scope of municipality town (> 0), or NULL when town is not positive or the table is
 * full. The same pointer for the same town. */
const struct scope *scope_of(int64_t town);

/* The municipality id of sc, to bind in a statement; 0 for NULL (matches no row). */
int64_t scope_town(const struct scope *sc);

#endif
