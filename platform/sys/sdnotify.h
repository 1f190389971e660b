/*
 * sdnotify.h: systemd's service notification protocol (sd_notify(3)), written by hand so
 * the programs need no libsystemd: one datagram of "KEY=VALUE" lines sent to the socket
 * named by $NOTIFY_SOCKET (a path, or "@name" for the abstract namespace). Outside
 * systemd (no NOTIFY_SOCKET) every call is a no-op. Thread-safe: no state is kept.
 */
#ifndef SDNOTIFY_H
#define SDNOTIFY_H

/* Sends msg (e.g. "READY=1", "WATCHDOG=1"). 0 sent, 1 not under a notify socket, -1 failed
 * (the caller carries on: a missing notification is systemd's to act on). */
int sdnotify_send(const char *msg);

/* How often to feed the watchdog, in milliseconds: half of $WATCHDOG_USEC, or 0 when the
 * service has no watchdog. */
long sdnotify_watchdog_interval_ms(void);

#endif
