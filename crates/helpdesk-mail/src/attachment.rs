//! A file a mail carries: attached, inline (an image an HTML body shows), a
//! forwarded message, or a report part of a bounce.

/// One attachment or inline file of a [`Mail`](crate::Mail), decoded.
///
/// The declared type is what the sender's headers say; the detected type
/// is read from the bytes (their signature), so a file named `invoice.pdf`
/// that is really a Windows executable shows as such; the recorded type is
/// what the desk keeps for it.
///
/// ```
/// use helpdesk_mail::Mail;
///
/// let raw = b"From: a@example.com\r\n\
/// Content-Type: multipart/mixed; boundary=b\r\n\r\n\
/// --b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n\
/// --b\r\nContent-Type: application/pdf; name=invoice.pdf\r\n\
/// Content-Disposition: attachment; filename=invoice.pdf\r\n\
/// Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n--b--\r\n";
/// let mail = Mail::parse(raw).unwrap();
/// let file = &mail.attachments()[0];
/// assert_eq!(file.file_name(), Some("invoice.pdf"));
/// assert_eq!(file.declared_type(), "application/pdf");
/// assert_eq!(file.detected_type(), Some("application/vnd.microsoft.portable-executable"));
/// assert!(file.type_mismatch());
/// assert_eq!(file.size(), 12);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub(crate) file_name: Option<String>,
    pub(crate) declared_type: String,
    pub(crate) detected: Option<crate::file_type::Kind>,
    pub(crate) bytes: Vec<u8>,
    pub(crate) disposition: Disposition,
    pub(crate) content_id: Option<String>,
}

/// Whether a file is shown within the body or offered beside it.
///
/// ```
/// use helpdesk_mail::{Disposition, Mail};
///
/// let raw = b"From: a@example.com\r\nContent-Type: multipart/related; boundary=b\r\n\r\n\
/// --b\r\nContent-Type: text/html\r\n\r\n<img src=\"cid:logo@x\">\r\n\
/// --b\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\n\
/// Content-Disposition: inline; filename=logo.png\r\n\r\nPNG\r\n--b--\r\n";
/// let mail = Mail::parse(raw).unwrap();
/// assert_eq!(mail.attachments()[0].disposition(), Disposition::Inline);
/// assert_eq!(mail.attachments()[0].content_id(), Some("logo@x"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Shown within the body (an image an HTML body refers to by `cid:`).
    Inline,
    /// Offered as a file to open or save.
    Attachment,
}

impl Attachment {
    /// The file name, decoded (RFC 2047 words and RFC 2231 parameters and
    /// continuations), from `Content-Disposition`'s `filename` or else
    /// `Content-Type`'s `name`.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The declared content type, `type/subtype`, lower-cased
    /// (`application/octet-stream` when the part declares none).
    pub fn declared_type(&self) -> &str {
        &self.declared_type
    }

    /// The content type the bytes show, if they carry a known file
    /// signature (an Office Open XML document by the parts its zip's
    /// directory lists).
    pub fn detected_type(&self) -> Option<&'static str> {
        self.detected.map(|kind| kind.mime)
    }

    /// The type the desk records for the file, read from its bytes: the
    /// [detected type](Self::detected_type) where the bytes have a binary
    /// signature (an Office document by the parts its zip holds); text,
    /// markup and scripts included, keeps a declared plain-text type
    /// (`text/csv`, `application/json`) and is otherwise `text/plain`, so
    /// neither a declaration nor the text itself makes the file something
    /// a viewer would render or run; anything else is
    /// `application/octet-stream`.
    ///
    /// ```
    /// use helpdesk_mail::Mail;
    ///
    /// let raw = b"From: a@example.com\r\n\
    /// Content-Type: multipart/mixed; boundary=b\r\n\r\n\
    /// --b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n\
    /// --b\r\nContent-Type: text/csv; name=seats.csv\r\n\
    /// Content-Disposition: attachment; filename=seats.csv\r\n\r\nname,seat\r\nAnn,12\r\n\
    /// --b\r\nContent-Type: application/octet-stream; name=vpn.log\r\n\
    /// Content-Disposition: attachment; filename=vpn.log\r\n\r\nlink down\r\n\
    /// --b\r\nContent-Type: application/octet-stream; name=blob\r\n\
    /// Content-Disposition: attachment; filename=blob\r\n\
    /// Content-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n--b--\r\n";
    /// let mail = Mail::parse(raw).unwrap();
    /// let types: Vec<_> = mail.attachments().iter().map(|f| f.recorded_type()).collect();
    /// assert_eq!(types, ["text/csv", "text/plain", "application/octet-stream"]);
    /// ```
    pub fn recorded_type(&self) -> &str {
        crate::file_type::recorded(&self.declared_type, self.detected, &self.bytes)
    }

    /// The extension of a file of its [recorded type](Self::recorded_type)
    /// (`pdf`, `docx`, `txt`, `ics`), and `eml` for a forwarded message;
    /// `None` for bytes of no known kind. The channel names a file that
    /// came without a name by it.
    ///
    /// ```
    /// use helpdesk_mail::Mail;
    ///
    /// let raw = b"From: a@example.com\r\n\
    /// Content-Type: multipart/mixed; boundary=b\r\n\r\n\
    /// --b\r\nContent-Type: text/plain\r\n\r\nSee the invitation.\r\n\
    /// --b\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n\
    /// --b\r\nContent-Type: application/octet-stream\r\n\
    /// Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjcK\r\n--b--\r\n";
    /// let mail = Mail::parse(raw).unwrap();
    /// let extensions: Vec<_> = mail.attachments().iter().map(|f| f.extension()).collect();
    /// assert_eq!(extensions, [Some("ics"), Some("pdf")]);
    /// ```
    pub fn extension(&self) -> Option<&'static str> {
        crate::file_type::extension(&self.declared_type, self.detected, &self.bytes)
    }

    /// Whether the bytes are a known kind of file other than the declared
    /// one. A generic declaration (`application/octet-stream`) or bytes of
    /// no known signature never mismatch.
    pub fn type_mismatch(&self) -> bool {
        match self.detected_type() {
            Some(detected) => {
                self.declared_type != "application/octet-stream"
                    && !same_type(&self.declared_type, detected)
            }
            None => false,
        }
    }

    /// The decoded bytes (text parts as UTF-8).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The decoded size in bytes.
    pub fn size(&self) -> usize {
        self.bytes.len()
    }

    /// Inline or attached.
    pub fn disposition(&self) -> Disposition {
        self.disposition
    }

    /// Whether the body shows it inline.
    pub fn is_inline(&self) -> bool {
        self.disposition == Disposition::Inline
    }

    /// The `Content-ID`, without angle brackets, by which an HTML body
    /// refers to it (`cid:...`).
    pub fn content_id(&self) -> Option<&str> {
        self.content_id.as_deref()
    }
}

/// Whether a declared and a detected type name the same kind of file,
/// allowing for the aliases senders use (`image/jpg`, `application/x-zip`).
fn same_type(declared: &str, detected: &str) -> bool {
    const ALIASES: &[(&str, &str)] = &[
        ("image/jpg", "image/jpeg"),
        ("image/pjpeg", "image/jpeg"),
        ("image/x-png", "image/png"),
        ("application/x-pdf", "application/pdf"),
        ("application/x-zip-compressed", "application/zip"),
        ("application/x-zip", "application/zip"),
        ("application/x-gzip", "application/gzip"),
        ("audio/mp3", "audio/mpeg"),
    ];
    declared == detected
        || ALIASES
            .iter()
            .any(|(alias, canonical)| declared == *alias && detected == *canonical)
        // Office documents are zip files, and detected as the document.
        || (detected == "application/zip" && declared.starts_with("application/vnd.openxmlformats"))
        || (declared == "application/zip" && detected.starts_with("application/vnd.openxmlformats"))
}
