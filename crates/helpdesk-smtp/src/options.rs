//! [`SmtpOptions`]: the server, the sender, the domain of the ids and the
//! reply address; [`SmtpError`]: why they were refused.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use lettre::Address;

use crate::reply::ReplyTo;

/// How the connection to the server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// Plain text, never upgraded: ticket content and credentials cross
    /// the network in the clear. Only for a relay on the same machine or
    /// inside a network the host trusts (and for tests).
    None,
    /// Connect in plain text, then require the server to upgrade with
    /// `STARTTLS` (RFC 3207) before anything else is sent; a server that
    /// does not offer it is an error, never a silent downgrade. Usually
    /// port 587.
    StartTls,
    /// TLS from the first byte ("implicit TLS", RFC 8314). Usually
    /// port 465.
    Implicit,
}

/// A user name and password for SMTP `AUTH` (`PLAIN` or `LOGIN`, as the
/// server offers). Its `Debug` form hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The user name.
    pub username: String,
    /// The password.
    pub password: String,
}

impl Credentials {
    /// A user name and password.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            password: password.into(),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<hidden>")
            .finish()
    }
}

/// Whom the mail comes from: `From: "{name}" <{address}>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    /// The display name, such as `Example Support`; none for the bare
    /// address.
    pub name: Option<String>,
    /// The address, such as `support@example.com`; also the envelope
    /// sender (`MAIL FROM`), where bounces go.
    pub address: String,
}

/// Where and how an [`SmtpNotifier`](crate::SmtpNotifier) sends mail.
///
/// [`SmtpOptions::new`] fills in the defaults: port 587 with
/// [`Tls::StartTls`], no credentials, no reply address, a 30 s timeout,
/// the platform's trusted roots alone.
///
/// ```
/// use std::time::Duration;
/// use helpdesk_smtp::{Credentials, SmtpOptions, Tls};
///
/// let mut options = SmtpOptions::new("smtp.example.com", "support@example.com", "help.example.com");
/// assert_eq!((options.port, options.tls), (587, Tls::StartTls));
/// assert_eq!(options.timeout, Duration::from_secs(30));
/// options.from.name = Some("Example Support".into());
/// options.credentials = Some(Credentials::new("support", "s3cret"));
/// assert!(!format!("{options:?}").contains("s3cret"));
/// ```
#[derive(Debug, Clone)]
pub struct SmtpOptions {
    /// The server's host name (or address). With TLS, its certificate
    /// must be valid for this name (or address).
    pub host: String,
    /// The server's port: 587 for submission with `STARTTLS`, 465 for
    /// implicit TLS, 25 for a relay.
    pub port: u16,
    /// How the connection is protected. Default: [`Tls::StartTls`].
    pub tls: Tls,
    /// The login, when the server asks for one. Default: none.
    pub credentials: Option<Credentials>,
    /// Whom the mail comes from.
    pub from: Sender,
    /// The reply address that leads back to the ticket
    /// (`support+{token}@…`), or none to let replies go to
    /// [`from`](Self::from). Default: none.
    pub reply_to: Option<ReplyTo>,
    /// The domain of the ids the notifier writes: each mail's
    /// `Message-ID: <{delivery id}@{domain}>` and each ticket's thread
    /// root `<ticket-{ticket id}@{domain}>`. A domain the host controls,
    /// so that no one else's ids collide with these. It is also the name
    /// the client greets the server with (`EHLO`) unless
    /// [`hello_name`](Self::hello_name) says otherwise.
    pub domain: String,
    /// The name sent with `EHLO`. Default: none, for [`domain`](Self::domain).
    pub hello_name: Option<String>,
    /// How long one attempt may take, from connecting to the server's
    /// answer to the message; also the limit on each command. Keep it well
    /// inside the dispatcher's lease. Default: 30 s.
    pub timeout: Duration,
    /// Root certificates (DER) trusted besides the platform's, for a
    /// server whose certificate a private authority signed, or a
    /// self-signed one. A certificate no trusted root vouches for, or
    /// one for another name, fails the handshake: nothing is sent.
    /// Default: none.
    ///
    /// ```
    /// use helpdesk_smtp::{SmtpError, SmtpNotifier, SmtpOptions};
    ///
    /// let mut options = SmtpOptions::new("mail.internal", "support@example.com", "help.example.com");
    /// options.extra_roots.push(b"not a certificate".to_vec());
    /// let error = SmtpNotifier::new(options).err().expect("refused");
    /// assert!(matches!(error, SmtpError::ExtraRoot { index: 0, .. }));
    /// assert!(error.to_string().starts_with("extra_roots[0] is not a DER certificate"));
    /// ```
    pub extra_roots: Vec<Vec<u8>>,
}

impl SmtpOptions {
    /// Options sending through `host` on port 587 with `STARTTLS`, from
    /// `from` (an address), with ids in `domain`.
    pub fn new(
        host: impl Into<String>,
        from: impl Into<String>,
        domain: impl Into<String>,
    ) -> Self {
        Self {
            host: host.into(),
            port: 587,
            tls: Tls::StartTls,
            credentials: None,
            from: Sender {
                name: None,
                address: from.into(),
            },
            reply_to: None,
            domain: domain.into(),
            hello_name: None,
            timeout: Duration::from_secs(30),
            extra_roots: Vec::new(),
        }
    }

    /// Checks every field, naming the first that is wrong.
    pub(crate) fn check(&self) -> Result<Checked, SmtpError> {
        if self.host.is_empty()
            || self
                .host
                .contains(|c: char| c.is_whitespace() || c.is_control())
        {
            return Err(SmtpError::Host {
                host: self.host.clone(),
            });
        }
        if self.port == 0 {
            return Err(SmtpError::Port);
        }
        let domain = check_domain("domain", &self.domain)?;
        if let Some(name) = &self.hello_name {
            check_domain("hello_name", name)?;
        }
        if let Some(name) = &self.from.name {
            check_text("from.name", name)?;
        }
        let from = parse_address("from.address", &self.from.address)?;
        if let Some(reply_to) = &self.reply_to {
            reply_to.check()?;
        }
        if let Some(credentials) = &self.credentials {
            check_text("credentials.username", &credentials.username)?;
            check_text("credentials.password", &credentials.password)?;
        }
        if self.timeout.is_zero() {
            return Err(SmtpError::Timeout);
        }
        Ok(Checked { from, domain })
    }
}

/// What [`SmtpOptions::check`] found good, parsed.
pub(crate) struct Checked {
    pub(crate) from: Address,
    pub(crate) domain: String,
}

/// Why an [`SmtpNotifier`](crate::SmtpNotifier) could not be built: each
/// case names the option ([`SmtpOptions`]'s field) at fault.
///
/// ```
/// use helpdesk_smtp::{SmtpError, SmtpNotifier, SmtpOptions};
///
/// let options = SmtpOptions::new("smtp.example.com", "support@", "help.example.com");
/// let error = SmtpNotifier::new(options).err().expect("refused");
/// assert!(matches!(error, SmtpError::Address { field: "from.address", .. }));
/// assert!(error.to_string().starts_with("from.address \"support@\" is not an email address"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SmtpError {
    /// The server's host is empty or has spaces or control characters.
    #[error("host {host:?} is not a host name: give the SMTP server's name or address")]
    Host {
        /// The host as given.
        host: String,
    },
    /// The port is 0.
    #[error("port 0 is not a port: 587 for STARTTLS, 465 for implicit TLS, 25 for a relay")]
    Port,
    /// An option that must be an email address is not one.
    #[error("{field} {value:?} is not an email address: {reason}")]
    Address {
        /// The option, such as `from.address` or `reply_to.address`.
        field: &'static str,
        /// The value as given.
        value: String,
        /// Why it is not one.
        reason: String,
    },
    /// An option written into a header, or sent as a command, holds a
    /// line break or another control character, which could end the
    /// header or the command and start another.
    #[error("{field} {value:?} holds a line break or a control character, which no header may")]
    ControlCharacter {
        /// The option, such as `from.name`.
        field: &'static str,
        /// The value as given.
        value: String,
    },
    /// An option that must be a domain name is not one.
    #[error(
        "{field} {value:?} is not a domain name: letters, digits, hyphens and dots, such as help.example.com"
    )]
    Domain {
        /// The option: `domain` or `hello_name`.
        field: &'static str,
        /// The value as given.
        value: String,
    },
    /// The reply address's mailbox already has a `+` detail, so the
    /// ticket's token cannot be added.
    #[error(
        "reply_to.address {value:?} already has a \"+\" in its local part; give the bare mailbox, such as support@example.com"
    )]
    ReplyDetail {
        /// The address as given.
        value: String,
    },
    /// The reply address's local part is too long to carry a token
    /// within the 64 characters RFC 5321 allows.
    #[error(
        "reply_to.address {value:?} has a local part of {length} characters; with the token it must stay within 64, so at most {max}"
    )]
    ReplyTooLong {
        /// The address as given.
        value: String,
        /// Its local part's length.
        length: usize,
        /// The longest local part allowed.
        max: usize,
    },
    /// A reply address was given without a key to sign its tokens.
    #[error("reply_to.keys is empty: reply tokens need at least one key")]
    NoReplyKey,
    /// A reply key is too short to sign tokens no one can forge.
    #[error("a reply key of {length} bytes is too short: at least {min}")]
    ReplyKey {
        /// The key's length in bytes.
        length: usize,
        /// The fewest bytes allowed.
        min: usize,
    },
    /// The timeout is zero.
    #[error("timeout is zero: give each attempt time to connect and send, such as 30 s")]
    Timeout,
    /// A certificate of [`SmtpOptions::extra_roots`] cannot be a trusted
    /// root.
    #[error("extra_roots[{index}] is not a DER certificate that can be a trusted root: {reason}")]
    ExtraRoot {
        /// Its position in `extra_roots`.
        index: usize,
        /// Why.
        reason: String,
    },
    /// The TLS client could not be set up (its trust store could not be
    /// loaded).
    #[error("the TLS client for {host:?} could not be set up: {reason}")]
    Tls {
        /// The server's host.
        host: String,
        /// Why.
        reason: String,
    },
}

/// Parses an address option.
pub(crate) fn parse_address(field: &'static str, value: &str) -> Result<Address, SmtpError> {
    check_text(field, value)?;
    Address::from_str(value).map_err(|error| SmtpError::Address {
        field,
        value: value.to_owned(),
        reason: error.to_string(),
    })
}

/// Refuses line breaks and other control characters in an option.
pub(crate) fn check_text(field: &'static str, value: &str) -> Result<(), SmtpError> {
    if value.contains(char::is_control) {
        return Err(SmtpError::ControlCharacter {
            field,
            value: value.to_owned(),
        });
    }
    Ok(())
}

/// Checks a domain name: dot-separated labels of letters, digits and
/// hyphens, none empty, none starting or ending with a hyphen; lowercased.
fn check_domain(field: &'static str, value: &str) -> Result<String, SmtpError> {
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if value.len() > 253 || !value.split('.').all(label_ok) {
        return Err(SmtpError::Domain {
            field,
            value: value.to_owned(),
        });
    }
    Ok(value.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> SmtpOptions {
        SmtpOptions::new(
            "smtp.example.com",
            "support@example.com",
            "help.example.com",
        )
    }

    #[test]
    fn good_options_pass() {
        let checked = options().check().expect("good");
        assert_eq!(checked.from.to_string(), "support@example.com");
        assert_eq!(checked.domain, "help.example.com");
    }

    #[test]
    fn each_bad_option_is_named() {
        type Change = fn(&mut SmtpOptions);
        let cases: Vec<(Change, &str)> = vec![
            (|o| o.host = "smtp example".into(), "host"),
            (|o| o.host = String::new(), "host"),
            (|o| o.port = 0, "port"),
            (|o| o.domain = "help..example.com".into(), "domain"),
            (|o| o.domain = "-x.example.com".into(), "domain"),
            (|o| o.hello_name = Some("a b".into()), "hello_name"),
            (
                |o| o.from.name = Some("Support\r\nBcc: x@evil.test".into()),
                "from.name",
            ),
            (|o| o.from.address = "support".into(), "from.address"),
            (
                |o| o.from.address = "support@example.com\n".into(),
                "from.address",
            ),
            (
                |o| o.credentials = Some(Credentials::new("u\n", "p")),
                "credentials.username",
            ),
            (|o| o.timeout = Duration::ZERO, "timeout"),
        ];
        for (change, field) in cases {
            let mut bad = options();
            change(&mut bad);
            let error = bad.check().err().expect("refused").to_string();
            assert!(error.starts_with(field), "{field}: {error}");
        }
    }
}
