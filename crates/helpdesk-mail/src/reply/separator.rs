//! The lines Outlook and other clients write between the reply and the
//! message below it: `-----Original Message-----` in the client's language,
//! and the long underscore rule Outlook on the web and mailing lists use.

use std::sync::LazyLock;

use regex::Regex;

/// The longest line a decorated phrase may fill.
const MAX_PHRASE_LINE: usize = 120;

/// A line holding only one of `phrases` (a regex alternation), between
/// dashes, underscores, asterisks or equals signs, in any case.
pub(crate) fn decorated_phrase(phrases: &str) -> Regex {
    Regex::new(&format!(r"(?i)^[\s\-_*=]*(?:{phrases})[\s\-_*=:]*$")).expect("the pattern is valid")
}

/// Whether `line` is short enough to be a decorated phrase and matches it.
pub(crate) fn is_decorated(pattern: &Regex, line: &str) -> bool {
    line.len() <= MAX_PHRASE_LINE && pattern.is_match(line)
}

/// "Original Message" and "Reply Message" per language.
static ORIGINAL_MESSAGE: LazyLock<Regex> = LazyLock::new(|| {
    decorated_phrase(
        r"original\s+message|reply\s+message|ursprüngliche\s+nachricht|originalnachricht|antwort\s+nachricht|oprindelig\s+meddelelse|mensaje\s+original|message\s+d'origine|message\s+original|messaggio\s+originale|oorspronkelijk\s+bericht|origineel\s+bericht|ursprungligt\s+meddelande|opprinnelig\s+melding|wiadomość\s+oryginalna|oryginalna\s+wiadomość|исходное\s+сообщение|исходное\s+письмо|mensagem\s+original|alkuperäinen\s+viesti|původní\s+zpráva|eredeti\s+üzenet|orijinal\s+mesaj|原始邮件|原始郵件",
    )
});

/// Whether `line` separates the reply from the original message.
pub(crate) fn is_original_message(line: &str) -> bool {
    is_decorated(&ORIGINAL_MESSAGE, line)
}

/// Whether `line` is a rule of five or more underscores, which Outlook
/// writes above the quoted header block and mailing lists above their
/// footer.
pub(crate) fn is_underscore_rule(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.len() >= 5 && trimmed.chars().all(|c| c == '_')
}

/// Whether `line` is only a rule drawn with `-`, `_`, `=`, `*`, `~`, `#` or
/// `+`, which a cut takes along when it stands right above the cut.
pub(crate) fn is_rule(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.len() >= 2
        && trimmed
            .chars()
            .all(|c| matches!(c, '-' | '_' | '=' | '*' | '~' | '#' | '+' | '—'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_original_message_lines_in_several_languages_when_read_then_each_separates() {
        for line in [
            "-----Original Message-----",
            "*-------- Original Message --------*",
            "-----Ursprüngliche Nachricht-----",
            "-----Mensaje original-----",
            "-----Message d'origine-----",
            "-----Oprindelig meddelelse-----",
        ] {
            assert!(is_original_message(line), "{line}");
        }
        assert!(!is_original_message("The original message was lost"));
    }

    #[test]
    fn given_rules_when_read_then_underscores_are_told_apart() {
        assert!(is_underscore_rule("________________________________"));
        assert!(!is_underscore_rule("___"));
        assert!(is_rule(" ------------------------------"));
        assert!(!is_rule("- item"));
    }
}
