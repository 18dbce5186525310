"""A real SMTP server for the tests (aiosmtpd), storing what it is sent.

    python3 smtp_server.py DIR [PORT]

Listens on 127.0.0.1:PORT (a free port when PORT is 0 or missing), prints
"port N" once it listens, and serves until killed. Each message it accepts
is stored as received, byte for byte after SMTP's dot-unstuffing, in
DIR/mail/NNNNNN.eml, numbered in arrival order across restarts.

What it answers is read from DIR/mode before each command, so a test can
change it while the server runs:

    accept           (or no file) take every message
    MAIL <reply>     answer <reply> (such as "451 4.3.0 Try again later")
                     to MAIL FROM
    DATA <reply>     take the message, store it in DIR/refused/, then
                     answer <reply> instead of accepting it

Recipients whose local part starts with "refused" are answered
"550 5.1.1 No such mailbox"; with "busy", "452 4.2.2 Mailbox busy".
"""

import asyncio
import os
import sys

try:
    from aiosmtpd.smtp import SMTP
except ImportError:
    sys.stderr.write(
        "aiosmtpd is not installed: run .ci/run, or "
        "`python3 -m pip install aiosmtpd==1.4.6`\n"
    )
    sys.exit(3)


class Store:
    def __init__(self, root):
        self.root = root
        self.mail = os.path.join(root, "mail")
        self.refused = os.path.join(root, "refused")
        os.makedirs(self.mail, exist_ok=True)
        os.makedirs(self.refused, exist_ok=True)

    def mode(self):
        try:
            with open(os.path.join(self.root, "mode")) as f:
                return f.read().strip()
        except FileNotFoundError:
            return "accept"

    def keep(self, folder, content):
        number = len([n for n in os.listdir(folder) if n.endswith(".eml")]) + 1
        path = os.path.join(folder, "%06d.eml" % number)
        with open(path + ".tmp", "wb") as f:
            f.write(content)
        os.rename(path + ".tmp", path)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        mode = self.mode()
        if mode.startswith("MAIL "):
            return mode[5:]
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("refused"):
            return "550 5.1.1 No such mailbox"
        if local.startswith("busy"):
            return "452 4.2.2 Mailbox busy"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        mode = self.mode()
        if mode.startswith("DATA "):
            self.keep(self.refused, envelope.original_content)
            return mode[5:]
        self.keep(self.mail, envelope.original_content)
        return "250 OK"


async def main():
    root = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    store = Store(root)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(store, hostname="smtp.test", data_size_limit=1 << 20),
        host="127.0.0.1",
        port=port,
    )
    print("port %d" % server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


asyncio.run(main())
