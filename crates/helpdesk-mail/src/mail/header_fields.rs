//! The message's header fields as written, for headers the parser does not
//! interpret (`Authentication-Results`, `List-Id`, `Auto-Submitted`, ...).

/// One header field: its name as written and its value unfolded (line
/// breaks of folding removed, undecoded, trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderField {
    name: String,
    value: String,
}

impl HeaderField {
    /// A field from its name and raw (possibly folded) value.
    ///
    /// ```
    /// use helpdesk_mail::HeaderField;
    ///
    /// let field = HeaderField::new("List-Id", " Team\r\n <team.example.com>\r\n");
    /// assert_eq!(field.name(), "List-Id");
    /// assert_eq!(field.value(), "Team <team.example.com>");
    /// ```
    pub fn new(name: &str, raw_value: &str) -> HeaderField {
        HeaderField {
            name: name.trim().to_string(),
            value: unfold(raw_value),
        }
    }

    /// The name as written.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value, unfolded and trimmed, not decoded.
    pub fn value(&self) -> &str {
        &self.value
    }
}

/// `value` with the line breaks of folding removed (RFC 5322 unfolding),
/// trimmed.
pub(crate) fn unfold(value: &str) -> String {
    value
        .split(['\r', '\n'])
        .filter(|line| !line.is_empty())
        .collect::<String>()
        .trim()
        .to_string()
}
