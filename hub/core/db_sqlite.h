/*
 * db_sqlite.h: what only the SQLite backend offers beyond db.h. The hub's code that still
 * speaks sqlite3 directly reaches the connection of a handle here; each such use is a
 * place still to be moved into a store (hub/store/).
 */
#ifndef HUB_CORE_DB_SQLITE_H
#define HUB_CORE_DB_SQLITE_H

#include "db.h"

#include <sqlite3.h>

/* The connection under a SQLite handle (borrowed, lives as long as db), or NULL when db
 * is not a SQLite handle. */
sqlite3 *db_sqlite_handle(struct db *db);

/* A handle over a connection opened elsewhere (borrowed: db_close() frees the handle and
 * its statements but leaves conn open). NULL when out of memory. */
struct db *db_sqlite_wrap(sqlite3 *conn);

#endif
