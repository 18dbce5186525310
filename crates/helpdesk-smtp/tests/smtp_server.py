"""A real SMTP server for the tests (aiosmtpd), storing what it is sent.

    python3 smtp_server.py DIR [PORT] [--tls MODE --cert PEM --key PEM]
                                     [--login USER:PASSWORD] [--mechanisms M,...]

Listens on 127.0.0.1:PORT (a free port when PORT is 0 or missing), prints
"port N" once it listens, and serves until killed. Each message it accepts
is stored as received, byte for byte after SMTP's dot-unstuffing, in
DIR/mail/NNNNNN.eml, numbered in arrival order across restarts.

With --tls the server presents the certificate chain in --cert (its key in
--key): "offer" offers STARTTLS and takes mail without it too (so a client
that fell back to plain text would be seen doing so), "require" refuses
every command but EHLO, NOOP and QUIT before STARTTLS, "implicit" speaks
TLS from the first byte (SMTPS). With --login every message needs AUTH with
that user name and password, over TLS; --mechanisms limits what AUTH
offers (PLAIN and LOGIN by default).

What each connection did is appended to DIR/log, a line each:

    AUTH <mechanism> <user> ok|refused
    MAIL tls|plain <user, or -> for an accepted MAIL FROM

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

import argparse
import asyncio
import os
import ssl
import sys

try:
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
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

    def log(self, line):
        with open(os.path.join(self.root, "log"), "a") as f:
            f.write(line + "\n")

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
        tls = server.transport.get_extra_info("ssl_object") is not None
        data = session.auth_data if session.authenticated else None
        user = data.login.decode() if isinstance(data, LoginPassword) else "-"
        self.log("MAIL %s %s" % ("tls" if tls else "plain", user))
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


class Login:
    """Checks AUTH against one user name and password, logging each try."""

    def __init__(self, store, user, password):
        self.store = store
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == self.user
            and auth_data.password == self.password
        )
        login = getattr(auth_data, "login", b"") or b""
        self.store.log(
            "AUTH %s %s %s" % (mechanism, login.decode(), "ok" if ok else "refused")
        )
        # Not "handled": aiosmtpd then answers a refusal with 535 5.7.8.
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("port", type=int, nargs="?", default=0)
    parser.add_argument("--tls", choices=["offer", "require", "implicit"])
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--login")
    parser.add_argument("--mechanisms")
    args = parser.parse_args()
    store = Store(args.root)
    context = None
    if args.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    options = {}
    if args.tls in ("offer", "require"):
        options["tls_context"] = context
        options["require_starttls"] = args.tls == "require"
    if args.login:
        user, password = args.login.split(":", 1)
        options["authenticator"] = Login(store, user, password)
        options["auth_required"] = True
        # With implicit TLS the connection is encrypted from the start,
        # which aiosmtpd's own check (made for STARTTLS) does not see.
        options["auth_require_tls"] = args.tls != "implicit"
    if args.mechanisms:
        offered = set(args.mechanisms.split(","))
        options["auth_exclude_mechanism"] = [
            m for m in ("PLAIN", "LOGIN") if m not in offered
        ]
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(store, hostname="smtp.test", data_size_limit=1 << 20, **options),
        host="127.0.0.1",
        port=args.port,
        ssl=context if args.tls == "implicit" else None,
    )
    print("port %d" % server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


asyncio.run(main())
