//! Message-IDs as threading compares them.

use std::collections::HashSet;

/// The most ids [`message_ids`] keeps of one header value. Threading reads
/// `References` from the newest (last) id back, so the last ones are kept;
/// a longer list is only an attacker's way to make each mail cost more.
pub(crate) const MAX_MESSAGE_IDS: usize = 100;

/// Every message id in a header value such as `References` or
/// `In-Reply-To`, without angle brackets or surrounding space, in order,
/// duplicates dropped, at most the last 100. Ids in angle brackets are
/// taken as written; a value without brackets counts as one id per
/// whitespace-separated word.
///
/// ```
/// use helpdesk_mail::message_ids;
///
/// assert_eq!(message_ids(" <a@x> (comment)\r\n <b@y><a@x>"), ["a@x", "b@y"]);
/// assert_eq!(message_ids("bare@id"), ["bare@id"]);
///
/// let long: String = (0..150).map(|n| format!("<{n}@x>")).collect();
/// let ids = message_ids(&long);
/// assert_eq!((ids.len(), ids[0].as_str(), ids[99].as_str()), (100, "50@x", "149@x"));
/// ```
pub fn message_ids(value: &str) -> Vec<String> {
    let mut seen: HashSet<&str> = HashSet::new();
    let unique: Vec<&str> = ids_in(value).filter(|id| seen.insert(id)).collect();
    let newest = unique.len().saturating_sub(MAX_MESSAGE_IDS);
    unique[newest..].iter().map(|id| id.to_string()).collect()
}

/// One message id, normalised: the first of the value's ids, if any.
///
/// ```
/// use helpdesk_mail::message_id;
///
/// assert_eq!(message_id("  <42@example.com>\r\n").as_deref(), Some("42@example.com"));
/// assert_eq!(message_id("<>"), None);
/// ```
pub fn message_id(value: &str) -> Option<String> {
    ids_in(value).next().map(str::to_string)
}

/// The ids of a header value, trimmed, empty ones skipped, duplicates kept.
fn ids_in(value: &str) -> impl Iterator<Item = &str> {
    let has_brackets = value.contains('<');
    let in_brackets = has_brackets.then(|| bracketed(value));
    let words = (!has_brackets).then(|| value.split_whitespace());
    in_brackets
        .into_iter()
        .flatten()
        .chain(words.into_iter().flatten())
        .map(str::trim)
        .filter(|id| !id.is_empty())
}

/// What each `<...>` of `value` encloses, up to an unclosed `<`.
fn bracketed(value: &str) -> impl Iterator<Item = &str> {
    let mut rest = value;
    std::iter::from_fn(move || {
        let (_, after) = rest.split_once('<')?;
        let (id, tail) = after.split_once('>')?;
        rest = tail;
        Some(id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_ids_with_repeats_and_comments_when_read_then_each_is_kept_once_in_order() {
        // Given a References value with a repeat, a comment and folding
        let value = " <a@x> (comment)\r\n <b@y><a@x> <c@z>\t<b@y> <> <d@w";

        // When its ids are read
        let ids = message_ids(value);

        // Then each closed id is kept once, in first-seen order
        assert_eq!(ids, ["a@x", "b@y", "c@z"]);
        assert_eq!(message_id(value).as_deref(), Some("a@x"));
        assert_eq!(
            message_ids("bare@id other@id bare@id"),
            ["bare@id", "other@id"]
        );
    }

    #[test]
    fn given_200_000_references_when_read_then_the_newest_100_are_kept() {
        // Given References of 200,000 distinct ids, each also repeated once
        let distinct: String = (0..200_000).map(|n| format!("<{n}@x> ")).collect();
        let value = format!("{distinct}{distinct}");

        // When its ids are read
        let ids = message_ids(&value);

        // Then the newest 100 are kept, oldest first, and the first id is
        // still the value's first
        assert_eq!(ids.len(), MAX_MESSAGE_IDS);
        assert_eq!(ids.first().map(String::as_str), Some("199900@x"));
        assert_eq!(ids.last().map(String::as_str), Some("199999@x"));
        assert_eq!(message_id(&value).as_deref(), Some("0@x"));
    }
}
