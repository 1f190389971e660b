#!/usr/bin/env python3
# notify_listen.py SOCKET LOG: binds an AF_UNIX datagram socket where a service sends its
# sd_notify(3) messages (as systemd would) and appends "MONO_SECONDS MESSAGE" lines to LOG,
# one per line of each datagram, until killed. A test helper, not a fake: it is the
# receiving end of the real protocol.
import socket
import sys
import time

sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as log:
    log.write("%.3f BOUND\n" % time.monotonic())
    while True:
        data = sock.recv(4096)
        now = time.monotonic()
        for line in data.decode("utf-8", "replace").split("\n"):
            if line:
                log.write("%.3f %s\n" % (now, line))
