/*
 * filemode.c: private files (see filemode.h).
 */
#include "filemode.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int filemode_create_private(const char *path, char *err, size_t errcap)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0)
        return close(fd) == 0 ? 0 : -1;
    if (errno == EEXIST)
        return 0;
    snprintf(err, errcap, "cannot create %s: %s", path, strerror(errno));
    return -1;
}

int filemode_tighten(const char *path, char *err, size_t errcap)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errcap, "cannot read the mode of %s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(sb.st_mode) || (sb.st_mode & 077) == 0)
        return 0;
    mode_t narrow = sb.st_mode & 0700;
    if (chmod(path, narrow) != 0) {
        /* Not ours to change (another user's file): say so, and go on: refusing to run
         * would not make the file any less readable. */
        fprintf(stderr,
                "hub: warning: %s is readable by other users (mode %04o) and cannot be made "
                "private: %s\n",
                path, (unsigned)(sb.st_mode & 07777), strerror(errno));
        return 0;
    }
    fprintf(stderr, "hub: warning: %s was readable by other users (mode %04o); now %04o\n", path,
            (unsigned)(sb.st_mode & 07777), (unsigned)narrow);
    return 0;
}

int filemode_secure_db(const char *path, int create, char *err, size_t errcap)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    char p[4096];
    if (path[0] == ':' || strncmp(path, "file:", 5) == 0)
        return 0; /* in memory, or a URI: not a plain file of ours */
    if (create && filemode_create_private(path, err, errcap) != 0)
        return -1;
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        if (snprintf(p, sizeof p, "%s%s", path, suffix[i]) >= (int)sizeof p) {
            snprintf(err, errcap, "the database path is too long");
            return -1;
        }
        if (filemode_tighten(p, err, errcap) != 0)
            return -1;
    }
    return 0;
}
