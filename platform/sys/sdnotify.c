/*
 * sdnotify.c: see sdnotify.h. The protocol is documented in sd_notify(3): an AF_UNIX
 * datagram to $NOTIFY_SOCKET, '@' meaning the abstract namespace.
 */
#include "sdnotify.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int sdnotify_send(const char *msg)
{
    const char *path = getenv("NOTIFY_SOCKET");
    int rc = -1, fd = -1;
    struct sockaddr_un sa;
    size_t n = path ? strlen(path) : 0;
    if (n == 0)
        return 1;
    if ((path[0] != '/' && path[0] != '@') || n >= sizeof sa.sun_path)
        goto out;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, n);
    if (sa.sun_path[0] == '@')
        sa.sun_path[0] = '\0';
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        goto out;
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
    ssize_t sent;
    do
        sent = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa, len);
    while (sent < 0 && errno == EINTR);
    rc = sent == (ssize_t)strlen(msg) ? 0 : -1;
out:
    if (fd >= 0)
        close(fd);
    return rc;
}

long sdnotify_watchdog_interval_ms(void)
{
    const char *s = getenv("WATCHDOG_USEC");
    char *end = NULL;
    if (!s || !*s)
        return 0;
    errno = 0;
    unsigned long long us = strtoull(s, &end, 10);
    if (errno || *end || us < 2000 || us > 3600ULL * 1000000ULL)
        return 0;
    return (long)(us / 2000);
}
