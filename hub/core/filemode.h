/*
 * filemode: the hub's files that hold personal data or keys are readable by the hub's own
 * user only (mode 0600): the SQLite database with its -wal and -shm files, backups, the
 * signing key and the secrets key. A file is created 0600 before anything writes into it
 * (no window in which it is readable, whatever the process umask), and a file that
 * already exists with a wider mode is narrowed (group and others lose every bit), with a
 * warning on stderr naming the file and both modes, so an upgrade fixes the files an
 * older hub left 0644. SQLite gives its -wal and -shm files the mode of the database file
 * they belong to.
 */
#ifndef HUB_FILEMODE_H
#define HUB_FILEMODE_H

#include <stddef.h>

/* Creates path empty with mode 0600 unless it exists. 0, or -1 with a sentence in err. */
int filemode_create_private(const char *path, char *err, size_t errcap);

/* Narrows path's mode to the owner's bits when group or others have any (warning on
 * stderr; when chmod is not allowed, only the warning). A missing file is fine. 0, or -1
 * with a sentence in err when its mode cannot be read. */
int filemode_tighten(const char *path, char *err, size_t errcap);

/* For a SQLite database: creates it 0600 when create and it is missing, and narrows the
 * database, its -wal and its -shm. 0, or -1 with err. */
int filemode_secure_db(const char *path, int create, char *err, size_t errcap);

#endif
