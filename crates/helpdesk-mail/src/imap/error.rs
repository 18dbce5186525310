//! [`ImapError`]: why the IMAP source could not do what it was asked.

/// Why the IMAP source failed. Every variant names the step and the
/// server; the source reconnects on the next call after any of them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImapError {
    /// The server could not be reached, or the connection broke.
    #[error("IMAP {server}: {step}: {reason}")]
    Connection {
        /// `host:port`.
        server: String,
        /// What was being done.
        step: &'static str,
        /// The underlying error.
        reason: String,
    },
    /// The TLS setup or handshake failed (an untrusted certificate, say).
    #[error("IMAP {server}: TLS: {reason}")]
    Tls {
        /// `host:port`.
        server: String,
        /// The underlying error.
        reason: String,
    },
    /// The server refused the user name and password.
    #[error("IMAP {server}: the server refused the login of {username}: {reason}")]
    Login {
        /// `host:port`.
        server: String,
        /// The account.
        username: String,
        /// What the server answered.
        reason: String,
    },
    /// The server lacks something the source needs (`STARTTLS` when
    /// required, say).
    #[error("IMAP {server}: the server does not offer {capability}")]
    Unsupported {
        /// `host:port`.
        server: String,
        /// The missing capability.
        capability: &'static str,
    },
    /// A command failed.
    #[error("IMAP {server}: {command}: {reason}")]
    Command {
        /// `host:port`.
        server: String,
        /// The command, with its mailbox where it has one.
        command: String,
        /// What the server answered.
        reason: String,
    },
    /// A step took longer than [`ImapOptions::timeout`](crate::ImapOptions::timeout).
    #[error("IMAP {server}: {step}: no answer within {seconds} s")]
    Timeout {
        /// `host:port`.
        server: String,
        /// What was being done.
        step: &'static str,
        /// The timeout.
        seconds: u64,
    },
}
