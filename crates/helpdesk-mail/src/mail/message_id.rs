//! Message-IDs as threading compares them.

/// Every message id in a header value such as `References` or
/// `In-Reply-To`, without angle brackets or surrounding space, in order,
/// duplicates dropped. Ids in angle brackets are taken as written; a value
/// without brackets counts as one id per whitespace-separated word.
///
/// ```
/// use helpdesk_mail::message_ids;
///
/// assert_eq!(message_ids(" <a@x> (comment)\r\n <b@y><a@x>"), ["a@x", "b@y"]);
/// assert_eq!(message_ids("bare@id"), ["bare@id"]);
/// ```
pub fn message_ids(value: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let mut push = |id: &str| {
        let id = id.trim();
        if !id.is_empty() && !ids.iter().any(|known| known == id) {
            ids.push(id.to_string());
        }
    };
    if value.contains('<') {
        let mut rest = value;
        while let Some(start) = rest.find('<') {
            let after = &rest[start + 1..];
            match after.find('>') {
                Some(end) => {
                    push(&after[..end]);
                    rest = &after[end + 1..];
                }
                None => break,
            }
        }
    } else {
        value.split_whitespace().for_each(&mut push);
    }
    ids
}

/// One message id, normalised: the first of [`message_ids`], if any.
///
/// ```
/// use helpdesk_mail::message_id;
///
/// assert_eq!(message_id("  <42@example.com>\r\n").as_deref(), Some("42@example.com"));
/// assert_eq!(message_id("<>"), None);
/// ```
pub fn message_id(value: &str) -> Option<String> {
    message_ids(value).into_iter().next()
}
