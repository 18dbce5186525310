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
    const PREFIXES: [&str; 16] = [
        "re", "fw", "fwd", "aw", "wg", "tr", "rv", "sv", "vs", "antw", "doorst", "r", "rif", "odp",
        "enc", "res",
    ];
    let mut rest = subject.trim();
    loop {
        let before = rest;
        if let Some((head, tail)) = rest.split_once(':') {
            let head = head.trim();
            let word = head.trim_end_matches(|c: char| c == ']' || c.is_ascii_digit() || c == '[');
            if PREFIXES.iter().any(|p| p.eq_ignore_ascii_case(word)) && head.len() <= word.len() + 4
            {
                rest = tail.trim_start();
            }
        }
        if let Some(tag_end) = rest
            .strip_prefix("[#")
            .and_then(|r| r.find(']').map(|i| i + 3))
        {
            if rest[2..tag_end - 1].chars().all(|c| c.is_ascii_digit()) {
                rest = rest[tag_end..].trim_start();
            }
        }
        if rest == before {
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
