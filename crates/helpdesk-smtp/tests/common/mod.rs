//! What the tests against the SMTP server share: a server of each test's
//! own (`smtp_server.py`, on aiosmtpd), reading back what it stored, and
//! notifiers and notifications to send it.
#![allow(dead_code, clippy::unwrap_used)]

mod certificates;

#[allow(unused_imports)]
pub use certificates::{Authority, Issued};

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use helpdesk_core::notification::{EndpointDef, NotificationChannel, Recipient};
use helpdesk_core::{ActorId, ActorRef, Change, CommentId, Event, Role, TenantId, TicketId};
use helpdesk_engine::store::StoredEvent;
use helpdesk_engine::{
    Addressee, CommandId, DeliveryId, EventId, ManualClock, Notification, Rendered,
};
use helpdesk_smtp::{ReplyKey, ReplyTo, SmtpNotifier, SmtpOptions, Tls};
use mail_parser::{Message, MessageParser};

/// The domain of the ids the tests' notifiers write.
pub const DOMAIN: &str = "help.example.test";

/// A real SMTP server, started for one test in a directory of its own,
/// killed when dropped.
pub struct Server {
    dir: tempfile::TempDir,
    child: Option<Child>,
    setup: Vec<String>,
    pub port: u16,
}

/// How a [`Server`] protects its connections (see `smtp_server.py`).
#[derive(Debug, Clone, Copy)]
pub enum ServerTls {
    /// Offers `STARTTLS`, and takes mail without it too.
    Offer,
    /// Refuses everything but `EHLO`, `NOOP` and `QUIT` before `STARTTLS`.
    Require,
    /// TLS from the first byte (SMTPS).
    Implicit,
}

/// What a [`Server`] asks of its clients: none of it by default.
#[derive(Default)]
pub struct Setup<'a> {
    /// The TLS it speaks, presenting `Issued`'s certificate.
    pub tls: Option<(ServerTls, &'a Issued)>,
    /// The user name and password every message needs (`AUTH`, over TLS).
    pub login: Option<(&'a str, &'a str)>,
    /// The `AUTH` mechanisms offered, such as `LOGIN`: both when none.
    pub mechanisms: Option<&'a str>,
}

impl Setup<'_> {
    fn args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if let Some((tls, issued)) = self.tls {
            let mode = match tls {
                ServerTls::Offer => "offer",
                ServerTls::Require => "require",
                ServerTls::Implicit => "implicit",
            };
            for (flag, value) in [
                ("--tls", mode),
                ("--cert", issued.cert.to_str().unwrap()),
                ("--key", issued.key.to_str().unwrap()),
            ] {
                args.extend([flag.to_owned(), value.to_owned()]);
            }
        }
        if let Some((user, password)) = self.login {
            args.extend(["--login".to_owned(), format!("{user}:{password}")]);
        }
        if let Some(mechanisms) = self.mechanisms {
            args.extend(["--mechanisms".to_owned(), mechanisms.to_owned()]);
        }
        args
    }
}

impl Server {
    /// Starts a server on a free port. Fails the test, saying what to
    /// install, when python3 or aiosmtpd is missing.
    pub fn start() -> Self {
        Self::start_with(&Setup::default())
    }

    /// Starts a server on a free port, set up as `setup` says.
    pub fn start_with(setup: &Setup<'_>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut server = Self {
            dir,
            child: None,
            setup: setup.args(),
            port: 0,
        };
        server.spawn(0);
        server
    }

    fn spawn(&mut self, port: u16) {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(self.dir.path())
            .arg(port.to_string())
            .args(&self.setup)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "the SMTP tests need python3 with aiosmtpd (run .ci/run, or \
                     `python3 -m pip install aiosmtpd==1.4.6`): python3 could not start: {e}"
                )
            });
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let Some(port) = line.trim().strip_prefix("port ") else {
            let out = child.wait_with_output().unwrap();
            panic!(
                "the SMTP tests need python3 with aiosmtpd (run .ci/run, or \
                 `python3 -m pip install aiosmtpd==1.4.6`); the test server did not start: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        self.port = port.parse().unwrap();
        self.child = Some(child);
    }

    /// Stops the server: connections are refused until [`Server::restart`].
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    /// Starts the server again on the same port.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn(self.port);
    }

    /// Sets what the server answers (see `smtp_server.py`): `accept`,
    /// `MAIL <reply>` or `DATA <reply>`.
    pub fn answer(&self, mode: &str) {
        std::fs::write(self.dir.path().join("mode"), mode).unwrap();
    }

    /// Every message the server accepted, raw, in arrival order.
    pub fn mail(&self) -> Vec<Vec<u8>> {
        self.read("mail")
    }

    /// Every message the server took and then refused after `DATA`.
    pub fn refused(&self) -> Vec<Vec<u8>> {
        self.read("refused")
    }

    /// What the server's connections did, a line each (see
    /// `smtp_server.py`): `AUTH <mechanism> <user> ok|refused` and
    /// `MAIL tls|plain <user, or ->`.
    pub fn log(&self) -> Vec<String> {
        match std::fs::read_to_string(self.dir.path().join("log")) {
            Ok(text) => text.lines().map(str::to_owned).collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => panic!("{e}"),
        }
    }

    /// A directory for the test's own files, removed with the server.
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    fn read(&self, folder: &str) -> Vec<Vec<u8>> {
        let dir: PathBuf = self.dir.path().join(folder);
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "eml"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|path| std::fs::read(path).unwrap())
            .collect()
    }

    /// Options sending to this server in plain text, with ids in
    /// [`DOMAIN`] and a reply address.
    pub fn options(&self) -> SmtpOptions {
        let mut options = SmtpOptions::new("127.0.0.1", "support@example.test", DOMAIN);
        options.port = self.port;
        options.tls = Tls::None;
        options.from.name = Some("Example Support".into());
        options.reply_to = Some(reply_to());
        options.timeout = Duration::from_secs(5);
        options
    }

    /// A notifier sending to this server, dated by `clock`.
    pub fn notifier(&self, clock: &ManualClock) -> SmtpNotifier<ManualClock> {
        SmtpNotifier::with_clock(self.options(), clock.clone()).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The reply address of the tests' notifiers.
pub fn reply_to() -> ReplyTo {
    ReplyTo::new(
        "support@example.test",
        vec![ReplyKey::new(*b"0123456789abcdef0123456789abcdef").unwrap()],
    )
}

/// The endpoint the tests' desks tell of every event: one mailbox.
pub fn endpoint() -> EndpointDef {
    EndpointDef {
        via: NotificationChannel::Email,
        target: "ops@example.test".into(),
        description: Some("Operations".into()),
    }
}

/// Parses a stored message.
pub fn parse(raw: &[u8]) -> Message<'_> {
    MessageParser::default().parse(raw).unwrap()
}

/// The raw value of the first header `name` in a stored message, as sent
/// (unfolded lines kept), without the name and the CRLF after it.
pub fn raw_header(raw: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let head = text.split("\r\n\r\n").next().unwrap_or_default();
    let prefix = format!("{name}: ");
    let mut lines = head.split("\r\n").peekable();
    while let Some(line) = lines.next() {
        if let Some(value) = line.strip_prefix(&prefix) {
            let mut value = value.to_owned();
            while let Some(next) = lines.peek().filter(|l| l.starts_with([' ', '\t'])) {
                value.push_str("\r\n");
                value.push_str(next);
                lines.next();
            }
            return Some(value);
        }
    }
    None
}

/// The delivery id of a stored message: its `Message-ID` is
/// `<{delivery id}@DOMAIN>`, or `<{delivery id}.internal@DOMAIN>` for a
/// mail about what requesters may not see.
pub fn delivery_of(raw: &[u8]) -> DeliveryId {
    let id = raw_header(raw, "Message-ID").unwrap();
    let inner = id
        .strip_prefix('<')
        .and_then(|id| id.strip_suffix(&format!("@{DOMAIN}>")))
        .unwrap_or_else(|| panic!("a Message-ID of the notifier's domain: {id}"));
    inner
        .strip_suffix(".internal")
        .unwrap_or(inner)
        .parse()
        .unwrap()
}

/// A notification of a public reply on ticket 3 of tenant 2, to Alice.
pub fn notification() -> Notification {
    let event = StoredEvent {
        id: EventId::from_uuid(uuid::Uuid::from_u128(1)),
        tenant: TenantId::from_u128(2),
        ticket: TicketId::from_u128(3),
        version: 2,
        command: CommandId::from_uuid(uuid::Uuid::from_u128(5)),
        event: Event::new(
            "2026-03-02T09:15:00Z".parse().unwrap(),
            ActorRef {
                id: ActorId::from_u128(6),
                role: Role::Agent,
            },
            Change::Replied {
                comment: CommentId::from_u128(7),
                body: "Try the other tray".into(),
            },
        ),
    };
    Notification {
        id: DeliveryId::from_uuid(uuid::Uuid::from_u128(
            0x6f1c_2a9e_0000_8000_8000_0000_0000_0009,
        )),
        tenant: event.tenant,
        ticket: event.ticket,
        reference: "#00000003".into(),
        event,
        rule: "Replies to the requester".into(),
        channel: NotificationChannel::Email,
        to: Addressee {
            recipient: Recipient::Actor(ActorId::from_u128(8)),
            name: Some("Alice Martin".into()),
            address: Some("alice@example.test".into()),
            locale: "en".into(),
        },
        content: Rendered {
            subject: "[#00000003] Printer jams".into(),
            text: "Maria replied.\n\nTry the other tray.\n".into(),
            html: None,
        },
    }
}
