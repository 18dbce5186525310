//! Status and reply codes found in the free text of a diagnostic.

use std::sync::LazyLock;

use regex::Regex;

use super::StatusCode;

/// An enhanced status code standing alone (`5.1.1`, `#5.1.1`), not part of
/// an IP address or a version number.
static STATUS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d.])([245])\.(\d{1,3})\.(\d{1,3})(?:[^\d.]|\.(?:\s|$)|$)").ok()
});

/// An SMTP reply code: three digits starting 2, 4 or 5, standing alone and
/// followed by a space, a hyphen or the end.
static REPLY: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|[^\d.#\-])([245]\d\d)(?:[ \-]|$)").ok());

/// The first enhanced status code in `text`.
pub(super) fn status_in(text: &str) -> Option<StatusCode> {
    let regex = STATUS.as_ref()?;
    regex.captures_iter(text).find_map(|found| {
        StatusCode::new(
            found.get(1)?.as_str().parse().ok()?,
            found.get(2)?.as_str().parse().ok()?,
            found.get(3)?.as_str().parse().ok()?,
        )
    })
}

/// The first SMTP reply code in `text`.
pub(super) fn reply_code_in(text: &str) -> Option<u16> {
    let regex = REPLY.as_ref()?;
    regex
        .captures_iter(text)
        .find_map(|found| found.get(1)?.as_str().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_code_is_found_beside_words_but_not_inside_an_address() {
        assert_eq!(
            status_in("host 192.0.2.5 said: 550 5.1.1 <a@b>: User unknown").map(|s| s.to_string()),
            Some("5.1.1".to_string())
        );
        assert_eq!(
            status_in("<mx.example.jp #5.1.1 SMTP; 550>").map(|s| s.to_string()),
            Some("5.1.1".to_string())
        );
        assert_eq!(status_in("relay 10.5.1.1 refused"), None);
    }

    #[test]
    fn a_reply_code_is_three_digits_alone() {
        assert_eq!(
            reply_code_in("Remote host said: 550-5.1.1 The email account"),
            Some(550)
        );
        assert_eq!(reply_code_in("smtp; 552 5.2.2 Mailbox full"), Some(552));
        assert_eq!(reply_code_in("port 25001 and 10.5.500.1"), None);
    }
}
