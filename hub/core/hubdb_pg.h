/*
 * hubdb_pg.h: the hub's migrations in the PostgreSQL dialect (hubdb_pg.c), one text per
 * step of hubdb.c's SQLite list, same version numbers.
 */
#ifndef HUB_DB_PG_H
#define HUB_DB_PG_H

/* The PostgreSQL text of step i+1 at index i (static storage); *n gets the count. */
const char *const *hubdb_pg_steps(int *n);

#endif
