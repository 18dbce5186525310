//! Subjects: the ticket number tag `[#1042]` a reply carries, and the
//! subject a new ticket gets from a mail's.

/// The ticket number in a subject's `[#1042]` tag, if it has exactly one
/// such tag (two tags name two tickets: none is trusted).
///
/// ```
/// use helpdesk_mail::subject_tag;
///
/// assert_eq!(subject_tag("Re: [#1042] Printer jams"), Some(1042));
/// assert_eq!(subject_tag("AW: AW: [#7] VPN"), Some(7));
/// assert_eq!(subject_tag("Order #1042 shipped"), None);       // not a tag
/// assert_eq!(subject_tag("[#1] merged into [#2]"), None);
/// ```
pub fn subject_tag(subject: &str) -> Option<u64> {
    let mut found = None;
    let mut rest = subject;
    while let Some(start) = rest.find("[#") {
        let after = &rest[start + 2..];
        let digits: &str = &after[..after
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after.len())];
        rest = &after[digits.len()..];
        if digits.is_empty() || !rest.starts_with(']') {
            continue;
        }
        let number = digits.parse().ok()?;
        if found.is_some_and(|n| n != number) {
            return None;
        }
        found = Some(number);
    }
    found
}

/// A mail's subject as a ticket's: reply and forward prefixes in the
/// common languages (`Re:`, `Fwd:`, `AW:`, `WG:`, `TR:`, `RV:`, `SV:`,
/// `Antw:`...) and number tags removed, whitespace collapsed; `(no
/// subject)` when nothing is left.
///
/// ```
/// use helpdesk_mail::ticket_subject;
///
/// assert_eq!(ticket_subject("RE: Fwd: AW:  VPN  drops"), "VPN drops");
/// assert_eq!(ticket_subject("Re: [#1042] Printer"), "Printer");
/// assert_eq!(ticket_subject("  "), "(no subject)");
/// ```
pub fn ticket_subject(subject: &str) -> String {
    let mut rest = subject.trim();
    loop {
        let before = rest;
        rest = without_prefix(rest);
        rest = without_number_tag(rest);
        // Each step only shortens `rest`: the same length is no change.
        if rest.len() == before.len() {
            break;
        }
    }
    let collapsed = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.is_empty() {
        "(no subject)".to_string()
    } else {
        collapsed
    }
}

/// Reply and forward prefixes, before their colon.
const PREFIXES: [&str; 16] = [
    "re", "fw", "fwd", "aw", "wg", "tr", "rv", "sv", "vs", "antw", "doorst", "r", "rif", "odp",
    "enc", "res",
];

/// `rest` without its leading reply or forward prefix (`Re:`, `AW[2]:`),
/// if it has one.
///
/// Only the prefix's own characters are read, never the whole subject: a
/// subject of a million tags costs one pass, not a million.
fn without_prefix(rest: &str) -> &str {
    let head_end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '[' || c == ']' || c.is_whitespace()))
        .unwrap_or(rest.len());
    let Some((head, tail)) = rest
        .get(head_end..)
        .and_then(|after| after.strip_prefix(':'))
        .and_then(|tail| Some((rest.get(..head_end)?, tail)))
    else {
        return rest;
    };
    let head = head.trim();
    let word = head.trim_end_matches(|c: char| c == ']' || c.is_ascii_digit() || c == '[');
    if PREFIXES.iter().any(|p| p.eq_ignore_ascii_case(word)) && head.len() <= word.len() + 4 {
        tail.trim_start()
    } else {
        rest
    }
}

/// `rest` without its leading number tag (`[#1042]`), if it has one.
fn without_number_tag(rest: &str) -> &str {
    let Some(after) = rest.strip_prefix("[#") else {
        return rest;
    };
    let digits = after
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(after.len());
    after
        .get(digits..)
        .and_then(|tail| tail.strip_prefix(']'))
        .map_or(rest, str::trim_start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_everyday_subjects_when_made_ticket_subjects_then_prefixes_and_tags_go() {
        // Given subjects as clients write them, with what a ticket keeps
        let cases = [
            ("RE: Fwd: AW:  VPN  drops", "VPN drops"),
            ("Re: [#1042] Printer", "Printer"),
            ("AW[2]: WG: [#7] [#8]  Drucker", "Drucker"),
            ("Re[3]:Re:  Invoice: March", "Invoice: March"),
            ("Re : Fwd :  spaced", "spaced"),
            ("Reply: not a prefix", "Reply: not a prefix"),
            ("Re [2]: not a prefix either", "Re [2]: not a prefix either"),
            ("[#12a] Keep: this", "[#12a] Keep: this"),
            ("[#] empty tag", "empty tag"),
            ("Réponse: accents", "Réponse: accents"),
            ("Re: ", "(no subject)"),
            ("  ", "(no subject)"),
        ];

        for (subject, expected) in cases {
            // When each is made a ticket's subject
            let ticket = ticket_subject(subject);

            // Then the prefixes and tags are gone and the words stay
            assert_eq!(ticket, expected, "{subject:?}");
        }
    }

    #[test]
    fn given_an_eight_megabyte_subject_of_tags_when_made_a_ticket_subject_then_all_tags_go() {
        // Given 8 MB of number tags (a mail may have 40 MiB; read one tag
        // per pass over the subject, this ran for minutes), then prefixes
        // between tags and words at the end
        let tags = "[#1]".repeat(2 * 1024 * 1024);
        let mixed = format!("{}Printer: jammed", "Re: [#1] ".repeat(200_000));

        // When they are made ticket subjects
        let only_tags = ticket_subject(&tags);
        let with_words = ticket_subject(&mixed);

        // Then every tag and prefix is removed
        assert_eq!(only_tags, "(no subject)");
        assert_eq!(with_words, "Printer: jammed");
    }
}
