#!/usr/bin/python3
"""demomail.py: the demo's local mail server, and a reader for what it received.

  demomail.py --mbox FILE --cert PEM --key PEM    serve
  demomail.py --show FILE                         print the mails of an mbox, decoded

Serving, it is a real SMTP server (aiosmtpd, Debian's python3-aiosmtpd) on 127.0.0.1 only,
on a free port it prints as "listening 127.0.0.1:PORT". It requires STARTTLS with the given
certificate (the hub checks it against --smtp-ca) and refuses a message sent without it;
every message it accepts is appended, as received, to the mbox FILE (the format mail
readers open: `mutt -f FILE`, `mail -f FILE`). It accepts any recipient and relays
nothing: mail never leaves this machine. Runs until killed.

--show prints each mail's envelope recipient, Date, To and Subject and its text body
decoded (the hub sends base64 UTF-8), so the demo's user can read the alert as the family
member would.
"""
import email
import email.policy
import fcntl
import mailbox
import os
import socket
import ssl
import sys
import time


def serve(path, cert, key):
    from aiosmtpd.controller import Controller

    class Mbox:
        async def handle_DATA(self, server, session, envelope):
            if not session.ssl:
                return "530 5.7.0 Must issue a STARTTLS command first"
            msg = mailbox.mboxMessage(envelope.original_content)
            msg.set_from(envelope.mail_from or "MAILER-DAEMON", time.gmtime())
            msg["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
            box = mailbox.mbox(path)
            box.lock()
            try:
                box.add(msg)
                box.flush()
            finally:
                box.unlock()
                box.close()
            return "250 2.0.0 OK: in the demo's mailbox"

    # aiosmtpd 1.4 cannot report a port it was given 0 for: take a free one first.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    ctl = Controller(Mbox(), hostname="127.0.0.1", port=port, tls_context=ctx,
                     require_starttls=True)
    ctl.start()
    print("listening 127.0.0.1:%d" % port, flush=True)
    while True:
        time.sleep(3600)


def show(path):
    if not os.path.exists(path):
        print("(no mail yet in %s)" % path)
        return
    with open(path, "rb") as f:
        fcntl.flock(f, fcntl.LOCK_SH)
        box = mailbox.mbox(path)
        for n, raw in enumerate(box, 1):
            msg = email.message_from_bytes(raw.as_bytes(), policy=email.policy.default)
            print("---- mail %d (to %s)" % (n, msg.get("X-Envelope-To", "?")))
            for h in ("Date", "To", "Subject", "Message-ID"):
                print("%s: %s" % (h, str(msg.get(h, "")).strip()))
            print()
            print(msg.get_content().rstrip("\n"))
            print()


def main(argv):
    opts = dict(zip(argv[1::2], argv[2::2]))
    if "--show" in opts:
        show(opts["--show"])
    elif {"--mbox", "--cert", "--key"} <= opts.keys():
        serve(opts["--mbox"], opts["--cert"], opts["--key"])
    else:
        sys.exit("usage: demomail.py --mbox FILE --cert PEM --key PEM | --show FILE")


if __name__ == "__main__":
    main(sys.argv)
