//! A real Dovecot IMAP server for the IMAP source's tests: started per test
//! in a temporary directory on free ports (plain and implicit TLS, with a
//! certificate authority made for it), stopped when dropped. A machine
//! without Dovecot fails the tests; `.ci/run` installs it from Debian's
//! packages.
#![allow(dead_code, clippy::unwrap_used)]

pub mod proxy;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use helpdesk_mail::{ImapOptions, ImapSecurity};

/// The account every test logs in as.
pub const USER: &str = "support";
/// Its password.
pub const PASSWORD: &str = "s3cret";

/// A running Dovecot.
pub struct Dovecot {
    child: Child,
    dir: tempfile::TempDir,
    /// The plain IMAP port.
    pub port: u16,
    /// The implicit-TLS IMAP port.
    pub tls_port: u16,
    /// The DER certificate of the authority that signed the server's.
    pub ca: Vec<u8>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn run(command: &mut Command) -> std::process::Output {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A certificate authority and a server certificate for `localhost`.
fn certificates(dir: &Path) -> Vec<u8> {
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    run(Command::new("openssl").args([
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=helpdesk test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign",
        "-keyout",
        &path("ca.key"),
        "-out",
        &path("ca.pem"),
    ]));
    run(Command::new("openssl").args([
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        &path("server.key"),
        "-out",
        &path("server.csr"),
    ]));
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(Command::new("openssl").args([
        "x509",
        "-req",
        "-in",
        &path("server.csr"),
        "-CA",
        &path("ca.pem"),
        "-CAkey",
        &path("ca.key"),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        &path("server.ext"),
        "-out",
        &path("server.pem"),
    ]));
    let der =
        run(Command::new("openssl").args(["x509", "-in", &path("ca.pem"), "-outform", "DER"]));
    der.stdout
}

fn dovecot_binary() -> PathBuf {
    for candidate in ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"] {
        if Path::new(candidate).is_file() {
            return PathBuf::from(candidate);
        }
    }
    panic!(
        "Dovecot is not installed (Debian: apt-get install dovecot-imapd); the IMAP tests need a real server"
    );
}

/// The capabilities of a server without `IDLE` and `MOVE`.
pub const WITHOUT_IDLE_AND_MOVE: &str = "IMAP4rev1 LITERAL+ SASL-IR UIDPLUS";
/// The capabilities of a plain RFC 3501 server: no `IDLE`, `MOVE` or
/// `UIDPLUS`.
pub const RFC_3501: &str = "IMAP4rev1 LITERAL+ SASL-IR";

impl Dovecot {
    /// Starts a server with one account, `extensions` telling whether it
    /// offers `IDLE` and `MOVE` (a server with `UIDPLUS` only when false).
    pub fn start(extensions: bool) -> Self {
        let capability = (!extensions).then_some(WITHOUT_IDLE_AND_MOVE);
        Self::start_with(capability, "")
    }

    /// Starts a server with one account announcing `capability` (all of
    /// Dovecot's when `None`), with the lines `extra` added to its
    /// configuration.
    pub fn start_with(capability: Option<&str>, extra: &str) -> Self {
        let binary = dovecot_binary();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for sub in ["run", "state", "mail", "home"] {
            std::fs::create_dir_all(root.join(sub)).unwrap();
        }
        let ca = certificates(root);
        let (port, tls_port) = (free_port(), free_port());
        std::fs::write(root.join("passwd"), format!("{USER}:{{PLAIN}}{PASSWORD}\n")).unwrap();
        // As root, mail belongs to the `dovecot` user (Dovecot never
        // accesses mail as root); otherwise everything runs as the caller.
        let root_user = run(Command::new("id").arg("-u")).stdout == b"0\n";
        let (mail_user, internal) = if root_user {
            ("dovecot".to_string(), String::new())
        } else {
            let me = String::from_utf8(run(Command::new("id").arg("-un")).stdout).unwrap();
            let me = me.trim().to_string();
            (
                me.clone(),
                format!("default_internal_user = {me}\ndefault_login_user = {me}\n"),
            )
        };
        if root_user {
            run(Command::new("chown")
                .args(["-R", "dovecot:dovecot"])
                .arg(root.join("mail"))
                .arg(root.join("home")));
            // The mail processes reach the directory through its parents.
            run(Command::new("chmod").arg("755").arg(root));
        }
        let capabilities = match capability {
            None => String::new(),
            Some(capability) => format!("imap_capability = {capability}\n"),
        };
        let r = root.display();
        let config = format!(
            "protocols = imap
listen = 127.0.0.1
base_dir = {r}/run
state_dir = {r}/state
log_path = {r}/dovecot.log
{internal}ssl = yes
ssl_cert = <{r}/server.pem
ssl_key = <{r}/server.key
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{r}/mail/%u
first_valid_uid = 1
{capabilities}{extra}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {r}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_user} home={r}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = {tls_port}
    ssl = yes
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"
        );
        std::fs::write(root.join("dovecot.conf"), config).unwrap();
        let child = Command::new(binary)
            .arg("-F")
            .arg("-c")
            .arg(root.join("dovecot.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let server = Self {
            child,
            dir,
            port,
            tls_port,
            ca,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
            || std::net::TcpStream::connect(("127.0.0.1", tls_port)).is_err()
        {
            assert!(
                Instant::now() < deadline,
                "Dovecot did not start: {}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// Options for the account over plain IMAP.
    pub fn options(&self) -> ImapOptions {
        let mut options = ImapOptions::new("localhost", self.port, USER, PASSWORD);
        options.security = ImapSecurity::None;
        options.timeout = Duration::from_secs(10);
        options
    }

    /// Dovecot's log, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }

    fn doveadm(&self) -> Command {
        let mut command = Command::new("doveadm");
        command.arg("-c").arg(self.dir.path().join("dovecot.conf"));
        command
    }

    /// Delivers `raw` into `mailbox` on the server's side, as a mail
    /// server would.
    pub fn deliver(&self, mailbox: &str, raw: &[u8]) {
        use std::io::Write;
        let mut child = self
            .doveadm()
            .args(["save", "-u", USER, "-m", mailbox])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(raw).unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "doveadm save: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Delivers a small mail (see [`mail`]) for each of the Message-IDs
    /// `ids` into the INBOX, in that order.
    pub fn deliver_mails(&self, ids: &[&str]) {
        for id in ids {
            self.deliver("INBOX", &mail(id));
        }
    }

    /// Moves every message of `from` into `to` on the server's side.
    pub fn move_all(&self, from: &str, to: &str) {
        run(self
            .doveadm()
            .args(["move", "-u", USER, to, "mailbox", from, "all"]));
    }

    /// The Message-IDs of the messages in `mailbox`, in UID order.
    pub fn message_ids(&self, mailbox: &str) -> Vec<String> {
        let output = run(self.doveadm().args([
            "fetch",
            "-u",
            USER,
            "hdr.message-id",
            "mailbox",
            mailbox,
            "all",
        ]));
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| line.strip_prefix("hdr.message-id: "))
            .map(|id| id.trim().to_string())
            .collect()
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Message-ID of a raw mail, without its angle brackets.
pub fn message_id_of(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw)
        .lines()
        .find_map(|l| l.strip_prefix("Message-ID: "))
        .unwrap_or_default()
        .trim_matches(['<', '>', '\r'])
        .to_string()
}

/// A small mail with `id` as its Message-ID.
pub fn mail(id: &str) -> Vec<u8> {
    format!(
        "From: Alice <alice@example.com>\r\nTo: support@example.com\r\nSubject: Printer {id}\r\n\
         Message-ID: <{id}>\r\nDate: Mon, 2 Mar 2026 09:00:00 +0000\r\n\r\nThe printer is jammed.\r\n"
    )
    .into_bytes()
}

impl Dovecot {
    /// Creates `mailbox` on the server's side.
    pub fn create_mailbox(&self, mailbox: &str) {
        run(self
            .doveadm()
            .args(["mailbox", "create", "-u", USER, mailbox]));
    }

    /// Deletes `mailbox` and the messages in it on the server's side, as a
    /// person tidying the account might.
    pub fn delete_mailbox(&self, mailbox: &str) {
        run(self
            .doveadm()
            .args(["mailbox", "delete", "-u", USER, mailbox]));
    }

    /// The files of the account's messages whose text contains `needle`,
    /// in every folder.
    fn message_files(&self, needle: &str) -> Vec<PathBuf> {
        let mut found = Vec::new();
        let mut folders = vec![self.dir.path().join("mail").join(USER)];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else if matches!(
                    path.parent().and_then(Path::file_name),
                    Some(name) if name == "cur" || name == "new"
                ) && std::fs::read(&path)
                    .unwrap()
                    .windows(needle.len())
                    .any(|w| w == needle.as_bytes())
                {
                    found.push(path);
                }
            }
        }
        found
    }

    /// Makes the message with the Message-ID `id` unreadable to the
    /// server, as a damaged disk would: it can list and move it, but not
    /// give its bytes.
    pub fn break_message(&self, id: &str) {
        let files = self.message_files(&format!("<{id}>"));
        assert_eq!(files.len(), 1, "{id}: {files:?}");
        run(Command::new("chmod").arg("000").arg(&files[0]));
    }

    /// Makes the message with the Message-ID `id` readable again, wherever
    /// it is now.
    pub fn mend_message(&self, id: &str) {
        for file in self.message_files(&format!("<{id}>")) {
            run(Command::new("chmod").arg("644").arg(file));
        }
    }

    /// Disconnects every session of the account, as a server restart would.
    pub fn kick(&self) {
        run(self.doveadm().args(["kick", USER]));
    }
}
