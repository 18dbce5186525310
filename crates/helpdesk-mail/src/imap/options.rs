//! [`ImapOptions`]: the server, the account, the folders and the timings
//! of an [`ImapSource`](super::ImapSource).

use std::fmt;
use std::time::Duration;

/// How the connection to the IMAP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImapSecurity {
    /// TLS from the first byte (RFC 8314), usually port 993.
    Implicit,
    /// Connect in plain text, then require `STARTTLS` before logging in;
    /// a server that refuses it is an error, never a silent downgrade.
    /// Usually port 143.
    StartTls,
    /// Plain text throughout: the password and every mail cross the
    /// network in the clear. Only for a server on the same machine or a
    /// network the host trusts (and for tests).
    None,
}

/// Where an [`ImapSource`](super::ImapSource) fetches from and what it
/// does with each message.
///
/// ```
/// use std::time::Duration;
/// use helpdesk_mail::{ImapOptions, ImapSecurity};
///
/// let mut options = ImapOptions::new("imap.example.com", 993, "support@example.com", "secret");
/// assert_eq!(options.security, ImapSecurity::Implicit);
/// assert_eq!((options.mailbox.as_str(), options.processed.as_str(), options.failed.as_str()),
///            ("INBOX", "Processed", "Failed"));
/// options.idle = Duration::from_secs(60);
/// assert_eq!(options.max_size, 50 * 1024 * 1024);
/// assert_eq!(options.give_up_after, Duration::from_secs(10 * 60));
/// // The password never shows in logs.
/// assert!(!format!("{options:?}").contains("secret"));
/// ```
#[derive(Clone)]
pub struct ImapOptions {
    /// The server's host name (checked against its TLS certificate).
    pub host: String,
    /// The server's port.
    pub port: u16,
    /// How the connection is protected.
    pub security: ImapSecurity,
    /// The account's user name.
    pub username: String,
    /// The account's password.
    pub password: String,
    /// The folder new mail arrives in.
    pub mailbox: String,
    /// Where a message goes once applied; created when missing.
    pub processed: String,
    /// Where a message goes when it could not be applied; created when
    /// missing.
    pub failed: String,
    /// At most this many messages a poll: handed over, then moved
    /// together (a host stopped in between is handed them again).
    pub batch: usize,
    /// How long one `IDLE` lasts before it is renewed (servers drop an
    /// idle connection after 30 minutes; RFC 9051 advises renewing within
    /// 29).
    pub idle: Duration,
    /// How long to wait between fetches on a server without `IDLE`.
    pub poll: Duration,
    /// How long connecting, logging in or one command may take; a command
    /// that takes longer ends the poll or wait in
    /// [`ImapError::Timeout`](super::ImapError::Timeout), and the next one
    /// reconnects. A fetch of messages' bytes gets this plus the time
    /// their size (`RFC822.SIZE`) takes at 256 KiB/s, so that a large
    /// message within [`max_size`](Self::max_size) is not cut short on a
    /// slow link (a 40 MiB one gets 30 s + 160 s by default).
    pub timeout: Duration,
    /// The largest message handed over, in bytes, by the size the server
    /// gives (`RFC822.SIZE`). A larger one is moved to
    /// [`failed`](Self::failed) unread (counted in
    /// [`PollReport::rejected`](super::PollReport::rejected)), so that it
    /// cannot hold up the mail behind it.
    pub max_size: u64,
    /// How long the server may refuse the only message a poll asks for (a
    /// message alone in the mailbox, say), leave its size out of its
    /// answer, or break the connection on the fetch of its size, before
    /// that counts against the message: with no other message to compare,
    /// the trouble may be the server's, so the message is filed as failed
    /// unread only when the refusals go on past this span since the first
    /// (see
    /// [`ImapSource::poll`](super::ImapSource::poll)). A refusal the
    /// server says is temporary (an RFC 5530 code such as
    /// `[UNAVAILABLE]`) never counts, however long it lasts.
    ///
    /// ```
    /// use std::time::Duration;
    /// use helpdesk_mail::ImapOptions;
    ///
    /// let mut options = ImapOptions::new("imap.example.com", 993, "support@example.com", "secret");
    /// assert_eq!(options.give_up_after, Duration::from_secs(600));
    /// // Give a lone message up after an hour of refusals instead.
    /// options.give_up_after = Duration::from_secs(60 * 60);
    /// assert!(format!("{options:?}").contains("give_up_after: 3600s"));
    /// ```
    pub give_up_after: Duration,
    /// DER certificates trusted besides the platform's roots (a private
    /// certificate authority).
    pub extra_roots: Vec<Vec<u8>>,
}

impl ImapOptions {
    /// Implicit TLS to `host:port` as `username`, fetching from `INBOX`
    /// into `Processed` and `Failed`, 64 messages a fetch, `IDLE` renewed
    /// every 25 minutes, polling every minute without it, 30 s a command,
    /// messages of at most 50 MiB, a lone message given up after 10
    /// minutes of refusals.
    pub fn new(
        host: impl Into<String>,
        port: u16,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        Self {
            host: host.into(),
            port,
            security: ImapSecurity::Implicit,
            username: username.into(),
            password: password.into(),
            mailbox: "INBOX".into(),
            processed: "Processed".into(),
            failed: "Failed".into(),
            batch: 64,
            idle: Duration::from_secs(25 * 60),
            poll: Duration::from_secs(60),
            timeout: Duration::from_secs(30),
            max_size: 50 << 20,
            give_up_after: Duration::from_secs(10 * 60),
            extra_roots: Vec::new(),
        }
    }
}

impl fmt::Debug for ImapOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImapOptions")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &"<hidden>")
            .field("mailbox", &self.mailbox)
            .field("processed", &self.processed)
            .field("failed", &self.failed)
            .field("batch", &self.batch)
            .field("idle", &self.idle)
            .field("poll", &self.poll)
            .field("timeout", &self.timeout)
            .field("max_size", &self.max_size)
            .field("give_up_after", &self.give_up_after)
            .field("extra_roots", &self.extra_roots.len())
            .finish()
    }
}
