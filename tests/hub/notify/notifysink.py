#!/usr/bin/env python3
"""notifysink.py DIR CERT KEY: the alert notification tests' receivers on 127.0.0.1.

- A real SMTP server (aiosmtpd, Debian's python3-aiosmtpd) that requires STARTTLS with the
  test certificate; every message it accepts is written to DIR/mail-N.eml (N from 1), as
  received, after two lines of its own: X-Received-At (Unix time, for bench_notify) and
  X-Envelope-To. While DIR/hold exists every recipient is refused with 451 (try later);
  while DIR/slow exists a message is answered (250) only after 2 s.
- A webhook receiver (http.server): every POST is written to DIR/hook-N.txt (headers, a
  blank line, the body). It answers 500 when the path ends in /fail, else 204.
Prints "smtp=PORT http=PORT" once both listen; runs until killed.
"""
import asyncio
import http.server
import os
import socket
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

out, cert, key = sys.argv[1], sys.argv[2], sys.argv[3]
lock = threading.Lock()
count = {"mail": 0, "hook": 0}


def store(kind, ext, data):
    with lock:
        count[kind] += 1
        path = os.path.join(out, "%s-%d.%s" % (kind, count[kind], ext))
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, path)


class Mailbox:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if os.path.exists(os.path.join(out, "hold")):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if not session.ssl:
            return "530 STARTTLS first"
        if os.path.exists(os.path.join(out, "slow")):
            await asyncio.sleep(2)
        rcpt = ",".join(envelope.rcpt_tos).encode()
        got = ("X-Received-At: %.6f\r\n" % time.time()).encode()
        store("mail", "eml", got + b"X-Envelope-To: " + rcpt + b"\r\n" + envelope.original_content)
        return "250 OK"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(cert, key)
smtp_port = free_port()
ctl = Controller(Mailbox(), hostname="127.0.0.1", port=smtp_port, tls_context=ctx,
                 require_starttls=True)
ctl.start()


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        head = "".join("%s: %s\n" % (k.lower(), v) for k, v in self.headers.items())
        store("hook", "txt", (self.path + "\n" + head + "\n").encode() + body)
        self.send_response(500 if self.path.endswith("/fail") else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass


httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
threading.Thread(target=httpd.serve_forever, daemon=True).start()
print("smtp=%d http=%d" % (smtp_port, httpd.server_address[1]), flush=True)
while True:
    time.sleep(3600)
