//! One address of a header: who sent or receives a mail.

/// An address with its display name, as `From`, `To`, `Cc` and `Reply-To`
/// name it. The address is lower-cased; the name is decoded.
///
/// ```
/// use helpdesk_mail::Mail;
///
/// let mail = Mail::parse(b"From: =?UTF-8?Q?Ren=C3=A9e?= <Renee@Example.COM>\r\n\r\nHi").unwrap();
/// assert_eq!(mail.from().address(), "renee@example.com");
/// assert_eq!(mail.from().name(), Some("Ren\u{e9}e"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    address: String,
    name: Option<String>,
}

impl Mailbox {
    /// The longest address a mail server delivers to or from, in bytes:
    /// RFC 5321's 256 octets of a path, less its angle brackets.
    pub const MAX_ADDRESS_BYTES: usize = 254;

    /// A mailbox from an address and an optional display name; the address is
    /// trimmed and lower-cased, a blank name or one equal to the address is
    /// dropped. `None` when the address is blank.
    ///
    /// ```
    /// use helpdesk_mail::Mailbox;
    ///
    /// let mailbox = Mailbox::new(" Ann@Example.com ", Some("\"Ann\"")).unwrap();
    /// assert_eq!(mailbox.address(), "ann@example.com");
    /// assert_eq!(mailbox.name(), Some("Ann"));
    /// assert!(Mailbox::new("  ", None).is_none());
    /// ```
    pub fn new(address: &str, name: Option<&str>) -> Option<Mailbox> {
        let address = address
            .trim()
            .trim_matches(['<', '>'])
            .trim()
            .to_lowercase();
        if address.is_empty() {
            return None;
        }
        let name = name
            .map(super::charset::decode_iso_2022_jp_runs)
            .as_deref()
            .map(without_trailing_comment)
            .map(|name| name.trim().trim_matches(['"', '\'']).trim())
            .filter(|name| !name.is_empty() && !name.eq_ignore_ascii_case(&address))
            .map(str::to_string);
        Some(Mailbox { address, name })
    }

    /// The address, lower-cased.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The display name, decoded, if the header gave one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The part of the address after the last `@`, if it has one.
    ///
    /// ```
    /// use helpdesk_mail::Mailbox;
    ///
    /// assert_eq!(Mailbox::new("ann@example.com", None).unwrap().domain(), Some("example.com"));
    /// ```
    pub fn domain(&self) -> Option<&str> {
        self.address.rsplit_once('@').map(|(_, domain)| domain)
    }

    /// The part of the address before the last `@` (the whole address when
    /// it has none).
    ///
    /// ```
    /// use helpdesk_mail::Mailbox;
    ///
    /// assert_eq!(Mailbox::new("MAILER-DAEMON@mx.example.com", None).unwrap().local_part(), "mailer-daemon");
    /// ```
    pub fn local_part(&self) -> &str {
        self.address
            .rsplit_once('@')
            .map_or(self.address.as_str(), |(local, _)| local)
    }
}

/// A display name without the comment after it (`MAILER-DAEMON (Mail
/// Delivery System)` is `MAILER-DAEMON`); a name that is only a comment
/// stays, unbracketed.
fn without_trailing_comment(name: &str) -> &str {
    let name = name.trim();
    match name
        .strip_suffix(')')
        .and_then(|rest| rest.rfind('(').map(|at| (rest, at)))
    {
        Some((rest, at)) if !rest[..at].trim().is_empty() => rest[..at].trim_end(),
        Some((rest, at)) => &rest[at + 1..],
        None => name,
    }
}
