/*
 * hubbackup.h: online backup and restore of the hub's SQLite database with SQLite's
 * backup API (sqlite3_backup_*), for `hubctl backup` and `hubctl restore`.
 *
 * A backup is one consistent snapshot: the database is in WAL mode, so the copy reads one
 * snapshot while hubd's writer keeps committing (its commits are neither refused nor
 * seen half). Every backup and every restore is checked before it is reported good:
 * PRAGMA integrity_check and the whole audit chain (audit.h).
 * SQLite only: on a PostgreSQL handle both refuse with a sentence naming PostgreSQL's own
 * tools (pg_dump, pg_basebackup): docs/operations.md.
 */
#ifndef HUB_BACKUP_H
#define HUB_BACKUP_H

#include <stddef.h>

struct db;

/* Copies the database open on db (borrowed) into a new file at path: written beside it
 * first and renamed into place once complete and checked, so a backup file either is
 * whole or is not there. Refuses to replace an existing file. 0 on success with
 * *records = the audit records in the copy; -1 with a sentence in err. */
int hubbackup_write(struct db *db, const char *path, long long *records, char *err, size_t errcap);

/* Replaces the database open on db (borrowed; no other process should be writing:
 * stop hubd first) with the backup file at path, after checking the file, and keeps the
 * replaced content in keep_path (a new file) first. 0 on success with *records = the
 * audit records now in db, which verify; -1 with a sentence in err (db unchanged
 * unless the copy itself failed midway, which err says). */
int hubbackup_restore(struct db *db, const char *path, const char *keep_path, long long *records,
                      char *err, size_t errcap);

#endif
