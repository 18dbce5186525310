//! One inbound message, decoded: the facts a help desk reads from it.

mod charset;
mod error;
mod header_fields;
mod limits;
mod mailbox;
mod message_id;
#[cfg(test)]
mod never_panics;
mod parts;

use chrono::{DateTime, FixedOffset};
use mail_parser::{Address, HeaderValue, MessageParser};

pub use error::{Limit, MailError};
pub use header_fields::HeaderField;
pub use limits::Limits;
pub use mailbox::Mailbox;
pub use message_id::{message_id, message_ids};

use crate::Attachment;

/// One inbound message, decoded: every charset and transfer encoding,
/// RFC 2047 words and RFC 2231 parameters, HTML-only mail turned into
/// text.
///
/// ```
/// use helpdesk_mail::Mail;
///
/// let raw = b"From: \"Ann Example\" <Ann@Example.com>\r\n\
/// To: support@desk.example\r\n\
/// Subject: =?ISO-8859-1?Q?Caf=E9?= machine\r\n\x20is broken\r\n\
/// Message-ID: <m1@example.com>\r\n\
/// In-Reply-To: <ticket-7@desk.example>\r\n\
/// Date: Tue, 1 Dec 2026 10:00:00 +0100\r\n\
/// Content-Type: text/html; charset=utf-8\r\n\r\n\
/// <p>It makes <b>no</b> coffee.</p>";
/// let mail = Mail::parse(raw).unwrap();
/// assert_eq!(mail.from().address(), "ann@example.com");
/// assert_eq!(mail.from().name(), Some("Ann Example"));
/// assert_eq!(mail.subject(), Some("Caf\u{e9} machine is broken"));
/// assert_eq!(mail.message_id(), Some("m1@example.com"));
/// assert_eq!(mail.in_reply_to(), ["ticket-7@desk.example"]);
/// assert_eq!(mail.text().trim(), "It makes no coffee.");
/// assert!(mail.html().is_some());
/// assert_eq!(mail.date().unwrap().to_rfc3339(), "2026-12-01T10:00:00+01:00");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    message_id: Option<String>,
    in_reply_to: Vec<String>,
    references: Vec<String>,
    from: Mailbox,
    reply_to: Vec<Mailbox>,
    to: Vec<Mailbox>,
    cc: Vec<Mailbox>,
    subject: Option<String>,
    date: Option<DateTime<FixedOffset>>,
    text: String,
    plain: bool,
    html: Option<String>,
    attachments: Vec<Attachment>,
    headers: Vec<HeaderField>,
    content_type: String,
}

impl Mail {
    /// Parses one raw message within the default [`Limits`].
    ///
    /// # Errors
    ///
    /// [`MailError`] when the bytes are no message, name no sender, or are
    /// past a limit.
    pub fn parse(raw: &[u8]) -> Result<Mail, MailError> {
        Mail::parse_with(raw, &Limits::default())
    }

    /// Parses one raw message within `limits`.
    ///
    /// # Errors
    ///
    /// [`MailError::OverLimit`] naming the first limit the message is past,
    /// [`MailError::Unparseable`] when no header field can be read, and
    /// [`MailError::MissingFrom`] when there is no sender address, and
    /// [`MailError::FromTooLong`] when it is longer than any server delivers.
    pub fn parse_with(raw: &[u8], limits: &Limits) -> Result<Mail, MailError> {
        if raw.len() > limits.max_message_bytes {
            return Err(MailError::OverLimit {
                limit: Limit::MessageBytes,
                allowed: limits.max_message_bytes,
                actual: raw.len(),
            });
        }
        let raw = charset::utf8_headers(raw);
        // mail-parser 0.11 asserts, in debug builds only, on some nestings of
        // message/rfc822 parts and boundaries; such a message is refused
        // rather than let the assertion unwind into the host.
        let message = std::panic::catch_unwind(|| MessageParser::default().parse(raw.as_ref()))
            .map_err(|_| MailError::Unparseable {
                reason: "its MIME structure is inconsistent",
            })?
            .ok_or(MailError::Unparseable {
                reason: "no header field could be read",
            })?;
        let root = message.root_part();
        let well_formed = |name: &str| {
            !name.is_empty() && name.bytes().all(|b| (33..=126).contains(&b) && b != b':')
        };
        if !root.headers.iter().any(|header| well_formed(header.name())) {
            return Err(MailError::Unparseable {
                reason: "no header field could be read",
            });
        }
        parts::check_limits(&message, limits)?;
        let from = message
            .from()
            .and_then(first_mailbox)
            .or_else(|| message.sender().and_then(first_mailbox))
            .ok_or(MailError::MissingFrom)?;
        if from.address().len() > Mailbox::MAX_ADDRESS_BYTES {
            return Err(MailError::FromTooLong {
                length: from.address().len(),
                max: Mailbox::MAX_ADDRESS_BYTES,
            });
        }
        let headers = header_fields(&message);
        Ok(Mail {
            message_id: message.message_id().and_then(message_id),
            in_reply_to: id_list(message.in_reply_to()),
            references: id_list(message.references()),
            from,
            reply_to: mailboxes(message.reply_to()),
            to: mailboxes(message.to()),
            cc: mailboxes(message.cc()),
            subject: message
                .subject()
                .map(|subject| header_fields::unfold(&charset::decode_iso_2022_jp_runs(subject)))
                .filter(|subject| !subject.is_empty()),
            date: message.date().and_then(parts::date),
            text: parts::text(&message),
            plain: parts::has_plain(&message),
            html: parts::html(&message),
            attachments: parts::attachments(&message),
            headers,
            content_type: parts::content_type(root),
        })
    }

    /// The `Message-ID`, without angle brackets.
    pub fn message_id(&self) -> Option<&str> {
        self.message_id.as_deref()
    }

    /// The ids of `In-Reply-To`, without angle brackets: at most the last
    /// 100 distinct ones.
    pub fn in_reply_to(&self) -> &[String] {
        &self.in_reply_to
    }

    /// The ids of `References`, oldest first, without angle brackets: at
    /// most the newest 100 distinct ones (threading reads them from the
    /// newest back), so a header of thousands costs no more than that.
    pub fn references(&self) -> &[String] {
        &self.references
    }

    /// The sender: the first address of `From` (of `Sender` when `From`
    /// has none).
    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    /// The addresses of `Reply-To`.
    pub fn reply_to(&self) -> &[Mailbox] {
        &self.reply_to
    }

    /// The addresses of `To`.
    pub fn to(&self) -> &[Mailbox] {
        &self.to
    }

    /// The addresses of `Cc`.
    pub fn cc(&self) -> &[Mailbox] {
        &self.cc
    }

    /// The subject, decoded and unfolded.
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    /// The `Date`, in the offset the sender wrote.
    pub fn date(&self) -> Option<DateTime<FixedOffset>> {
        self.date
    }

    /// The text body: the text/plain parts, or the HTML ones turned into
    /// text when the mail has no text/plain; empty when it has neither.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether [`text`](Self::text) comes from a text/plain part, rather
    /// than from HTML turned into text.
    ///
    /// ```
    /// let html_only = b"From: a@example.com\r\nContent-Type: text/html\r\n\r\n<p>Hi</p>\r\n";
    /// let mail = helpdesk_mail::Mail::parse(html_only).unwrap();
    /// assert!(!mail.has_plain_text());
    /// assert_eq!(mail.text().trim(), "Hi");
    /// ```
    pub fn has_plain_text(&self) -> bool {
        self.plain
    }

    /// The HTML body, if the mail has one.
    pub fn html(&self) -> Option<&str> {
        self.html.as_deref()
    }

    /// The attachments and inline files, forwarded messages and report parts
    /// included, in the order the message holds them.
    pub fn attachments(&self) -> &[Attachment] {
        &self.attachments
    }

    /// The root part's content type, `type/subtype` lower-cased
    /// (`text/plain` when the message declares none).
    ///
    /// ```
    /// use helpdesk_mail::Mail;
    ///
    /// let mail = Mail::parse(b"From: a@example.com\r\n\r\nHi").unwrap();
    /// assert_eq!(mail.content_type(), "text/plain");
    /// ```
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// Whether the message's content is sealed for its recipient, which
    /// the desk cannot read: OpenPGP (`multipart/encrypted`) or S/MIME
    /// enveloped data (`application/pkcs7-mime` with `smime-type=enveloped-data`
    /// or `authEnveloped-data`, or none).
    /// A signed message whose text is readable (`multipart/signed`) is not.
    ///
    /// ```
    /// use helpdesk_mail::Mail;
    ///
    /// let raw = b"From: a@example.com\r\n\
    /// Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\r\n\
    /// Content-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHA6CAMIACAQA=\r\n";
    /// assert!(Mail::parse(raw).unwrap().is_encrypted());
    /// assert!(!Mail::parse(b"From: a@example.com\r\n\r\nHi").unwrap().is_encrypted());
    /// let compressed = b"From: a@example.com\r\n\
    /// Content-Type: application/pkcs7-mime; smime-type=compressed-data\r\n\r\nMIAG\r\n";
    /// assert!(!Mail::parse(compressed).unwrap().is_encrypted());
    /// ```
    pub fn is_encrypted(&self) -> bool {
        match self.content_type.as_str() {
            "multipart/encrypted" => true,
            "application/pkcs7-mime" | "application/x-pkcs7-mime" => {
                self.header("content-type").is_some_and(|value| {
                    let value = value.to_ascii_lowercase().replace(['"', ' '], "");
                    // Enveloped data, or no smime-type (older clients).
                    value.contains("smime-type=enveloped-data")
                        || value.contains("smime-type=authenveloped-data")
                        || !value.contains("smime-type=")
                })
            }
            _ => false,
        }
    }

    /// The value of the first header field named `name` (any case),
    /// unfolded and undecoded.
    ///
    /// ```
    /// use helpdesk_mail::Mail;
    ///
    /// let raw = b"From: a@example.com\r\nAuthentication-Results: mx.example.com;\r\n dmarc=pass\r\n\r\nHi";
    /// let mail = Mail::parse(raw).unwrap();
    /// assert_eq!(mail.header("authentication-results"), Some("mx.example.com; dmarc=pass"));
    /// assert_eq!(mail.header("List-Id"), None);
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|field| field.name().eq_ignore_ascii_case(name))
            .map(HeaderField::value)
    }

    /// The values of every header field named `name` (any case), in order.
    ///
    /// ```
    /// use helpdesk_mail::Mail;
    ///
    /// let raw = b"Received: from a\r\nReceived: from b\r\nFrom: a@example.com\r\n\r\nHi";
    /// let mail = Mail::parse(raw).unwrap();
    /// assert_eq!(mail.header_values("received").collect::<Vec<_>>(), ["from a", "from b"]);
    /// ```
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |field| field.name().eq_ignore_ascii_case(name))
            .map(HeaderField::value)
    }

    /// Every header field of the message, in order.
    pub fn headers(&self) -> &[HeaderField] {
        &self.headers
    }
}

/// The first address of a header that has one.
fn first_mailbox(address: &Address<'_>) -> Option<Mailbox> {
    address
        .iter()
        .find_map(|addr| Mailbox::new(addr.address()?, addr.name()))
}

/// Every address of a header.
fn mailboxes(address: Option<&Address<'_>>) -> Vec<Mailbox> {
    address
        .map(|address| {
            address
                .iter()
                .filter_map(|addr| Mailbox::new(addr.address()?, addr.name()))
                .collect()
        })
        .unwrap_or_default()
}

/// The message ids of `In-Reply-To` or `References`.
fn id_list(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => message_ids(&format!("<{id}>")),
        HeaderValue::TextList(ids) => {
            let joined: String = ids.iter().map(|id| format!("<{id}>")).collect();
            message_ids(&joined)
        }
        _ => Vec::new(),
    }
}

/// The root part's header fields as written (8-bit bytes read as UTF-8,
/// invalid sequences replaced).
fn header_fields(message: &mail_parser::Message<'_>) -> Vec<HeaderField> {
    let raw = message.raw_message();
    message
        .root_part()
        .headers
        .iter()
        .map(|header| {
            let value = raw
                .get(header.offset_start as usize..header.offset_end as usize)
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            HeaderField::new(header.name(), &value)
        })
        .collect()
}
