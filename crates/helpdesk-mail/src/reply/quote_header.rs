//! The attribution line a client writes above the message it quotes: "On
//! Mon, 1 Feb 2016 at 10:00, Ann <ann@example.com> wrote:" and its family,
//! in the languages and layouts the common clients use, also when a client
//! wraps it over several lines.
//!
//! Recognised shapes, each only on a short line (at most [`MAX_HEADER`]
//! characters once joined):
//!
//! - ends with a "wrote" verb: English `wrote:`/`sent:`, German `schrieb:`,
//!   French `a écrit :`, Spanish `escribió:`, Portuguese `escreveu:`, Italian
//!   `ha scritto:`, Dutch `geschreven:`, Polish `napisał(a):`, Russian
//!   `написал:`, Ukrainian `пише:`, Scandinavian `skrev:`, Chinese `写道：`,
//!   Vietnamese `đã viết:` and a few more; Android's `---- Ann wrote ----`;
//! - a "wrote" verb in the middle, as Gmail in German writes it ("Ann
//!   <ann@example.com> schrieb am Fr., 28. Apr. 2017 um 11:53 Uhr:") or
//!   Dutch and Norwegian clients ("Op 13-02-2014 schreef Ann <…>:");
//! - a date, a name and an address ending in `>:` (Yandex, Mail.ru, Gmail's
//!   "2014-10-17 11:28 GMT+03:00 Ann <ann@example.com>:");
//! - a numeric date with `GMT` or an address and nothing else (Gmail's
//!   "2016-03-03 17:21 GMT+01:00 Ann").

use std::sync::LazyLock;

use regex::Regex;

use super::line::{is_blank, unquoted};

/// The longest attribution we accept, in bytes, once its lines are joined.
pub(crate) const MAX_HEADER: usize = 500;

/// How many lines, blank ones included, one attribution may span.
const MAX_SPAN: usize = 6;

/// The "wrote" verbs that end an attribution, with the `:` and the dashes
/// clients put after them.
static VERB_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)(?:(?:^|[\s>"')\]])(?:wrote|sent|schrieb|geschrieben|a\s+écrit|escribió|escribio|escreveu|escribiu|ha\s+scritto|scrisse|napisał\(a\)|napisała|napisał|napisal|написал\(а\)|написала|написал|пише|skrev|schreef|geschreven|đã\s+viết|kirjoitti|yazdı|napsal\(a\)|napsal|írta|έγραψε|va\s+escriure)|写道|寫道|が書きました)\s*[:：]?[\s\-]*$"#,
    )
    .expect("the pattern is valid")
});

/// A non-English "wrote" verb followed by the date or the address.
static VERB_MIDDLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:schrieb|schreef|skrev|a\s+écrit|escribió|escreveu|napisał|написал|пише|ha\s+scritto)\b.*(?:\d.*|[>)]\s*)[:：]\s*$",
    )
    .expect("the pattern is valid")
});

/// A non-English "wrote" verb anywhere ("Am 04.03.24 um 09:12 schrieb
/// Ann:" as Thunderbird writes it).
static VERB_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:schrieb|schreef|skrev|a\s+écrit|escribió|escreveu|napisał|написал|пише|ha\s+scritto)\b")
        .expect("the pattern is valid")
});

/// A date, then whatever, then an address in angle brackets or parentheses
/// and a colon.
static ADDRESS_COLON: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d.*@[^\s]*\s*[>)]\s*[:：]\s*$").expect("the pattern is valid"));

/// A numeric date at the start ("2016-03-03", "2013/7/20", "26.06.2014"),
/// after an optional weekday.
static DATE_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[^\W\d]+\.?,?\s+)?\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b")
        .expect("the pattern is valid")
});

/// The words an attribution starts with, per language, or a date or dashes.
static OPENER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:-+\s*)?(?:(?:on|le|am|el|em|il|op|w\s+dniu|dnia|den|på|at|vào|dne|el\s+día)\b|在|\d|-{2,})",
    )
    .expect("the pattern is valid")
});

/// An opener word written as a line's first word with its capital, which
/// starts a new attribution rather than continuing one.
static CAPITAL_OPENER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:-+\s*)?(?:On|Le|Am|El|Em|Il|Op|W dniu|Dnia|Den|På|At|Vào)\s")
        .expect("the pattern is valid")
});

/// How sure we are that an attribution line is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strength {
    /// It opens like an attribution or names an address: what follows is
    /// history even when it is not `>`-quoted.
    Strong,
    /// Only its verb and a digit say so: it counts only above a `>` quote.
    Weak,
}

/// An attribution found at a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Attribution<'a> {
    /// One past its last line.
    pub(crate) end: usize,
    /// How sure we are.
    pub(crate) strength: Strength,
    /// The person's words written on the same line before it ("reply" in
    /// "reply On Wed, … wrote:").
    pub(crate) prefix: Option<&'a str>,
}

/// The attribution that starts at line `at`, if one does; `inspected`
/// counts the lines looked at.
pub(crate) fn attribution_at<'a>(
    lines: &[&'a str],
    at: usize,
    inspected: &mut usize,
) -> Option<Attribution<'a>> {
    *inspected += 1;
    let first = lines.get(at)?.trim();
    if first.is_empty() || first.len() > MAX_HEADER || first.starts_with('>') {
        return None;
    }
    if let Some(found) = single_line(first) {
        return Some(Attribution {
            end: at + 1,
            ..found
        });
    }
    if !may_open(first) {
        return None;
    }
    let mut joined = first.to_string();
    for (offset, line) in lines.iter().enumerate().skip(at + 1).take(MAX_SPAN - 1) {
        *inspected += 1;
        if is_blank(line) {
            continue;
        }
        let line = line.trim();
        let quoted_tail = line.starts_with('>');
        if CAPITAL_OPENER.is_match(line)
            || (quoted_tail && unquoted(line).chars().count() > 12)
            || joined.len() + line.len() >= MAX_HEADER
        {
            return None;
        }
        joined.push(' ');
        joined.push_str(line);
        if let Some(strength) = may_close(line).then(|| classify(&joined)).flatten() {
            return Some(Attribution {
                end: offset + 1,
                strength,
                prefix: None,
            });
        }
        if quoted_tail {
            return None;
        }
    }
    None
}

/// Whether `text`, a line on its own (quote markers removed), is an
/// attribution.
pub(crate) fn is_attribution(text: &str) -> bool {
    let text = text.trim();
    text.len() <= MAX_HEADER && classify(text).is_some()
}

/// An attribution on one line, possibly after the person's own words.
fn single_line(line: &str) -> Option<Attribution<'_>> {
    let strength = classify(line)?;
    if OPENER.is_match(line) || !VERB_END.is_match(line) {
        return Some(Attribution {
            end: 0,
            strength,
            prefix: None,
        });
    }
    // "reply On Wed, Apr 4, 2012 at 3:59 PM, bob@example.com wrote:": the
    // attribution starts at the last "On" that leaves one on its own.
    for (index, _) in line.match_indices("On ") {
        let before = &line[..index];
        if !(before.ends_with(' ') || before.ends_with('-')) {
            continue;
        }
        let rest = &line[index..];
        if let Some(strength) = classify(rest) {
            let prefix = before.trim_end_matches([' ', '-']).trim();
            return Some(Attribution {
                end: 0,
                strength,
                prefix: (!prefix.is_empty()).then_some(prefix),
            });
        }
    }
    Some(Attribution {
        end: 0,
        strength,
        prefix: None,
    })
}

/// Whether `first` could be the first line of an attribution wrapped over
/// several lines.
fn may_open(first: &str) -> bool {
    OPENER.is_match(first) || first.contains('@') || first.contains('<')
}

/// Whether `line` could be the last line of a wrapped attribution: it ends
/// with a colon, a dash, an address's `>`, or a "wrote" verb.
fn may_close(line: &str) -> bool {
    line.ends_with([':', '：', '-', '>']) || VERB_END.is_match(line)
}

/// Whether a joined candidate is an attribution, and how surely.
fn classify(text: &str) -> Option<Strength> {
    let has_digit = text.chars().any(|c| c.is_ascii_digit());
    let has_address = text.contains('@');
    let opens = OPENER.is_match(text);
    let strength = if opens || has_address {
        Strength::Strong
    } else {
        Strength::Weak
    };
    if VERB_END.is_match(text) && (has_digit || has_address || text.starts_with("--")) {
        return Some(strength);
    }
    if has_address && VERB_MIDDLE.is_match(text) {
        return Some(Strength::Strong);
    }
    if opens && has_digit && text.ends_with([':', '：']) && VERB_WORD.is_match(text) {
        return Some(Strength::Strong);
    }
    if text.len() <= 250 && ADDRESS_COLON.is_match(text) {
        return Some(Strength::Strong);
    }
    if text.len() <= 200
        && DATE_START.is_match(text)
        && (text.contains("GMT") || text.ends_with('>'))
    {
        return Some(Strength::Strong);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Option<(usize, Strength, Option<&str>)> {
        let lines: Vec<&str> = text.lines().collect();
        attribution_at(&lines, 0, &mut 0).map(|a| (a.end, a.strength, a.prefix))
    }

    #[test]
    fn given_attributions_in_many_languages_when_read_then_each_is_found() {
        for line in [
            "On Mon, Feb 1, 2016 at 4:58 AM, Ann <ann@example.com> wrote:",
            "Am 03.02.2016 3:35 nachm. schrieb Max Mustermann <noreply@example.com>:",
            "Le 23 janv. 2015 à 22:03, Brendan <brendan@example.com> a écrit :",
            "El jueves, 21 de noviembre de 2013, codinghorror escribió:",
            "Em 2 de fevereiro de 2015 10:58, discourse <info@example.org> escreveu:",
            "Il 26 marzo 2016 alle 13.16 Sam <info@example.org> ha scritto:",
            "Op 13-02-2014 3:18 schreef Julius Caesar <pantheon@rome.com>:",
            "Den 14 september, 2015 02:23:18, Valentino (valentino@rudy.be) skrev:",
            "23 mar 2017 21:25 \"Neil\" <meta@example.com> napisał(a):",
            "20 окт. 2016 г. 19:37 пользователь \"Rafael\" <meta@example.com> написал:",
            "在 2016年12月12日，下午8:45，Erlend <meta@example.com> 写道：",
            "---- John Smith wrote ----",
            "Am 04.03.24 um 09:12 schrieb Acme Support:",
            "Acme Support <support@acme.example> 于2024年3月4日周一 09:12写道：",
            "Am Montag, 4. März 2024 um 09:12:00 MEZ hat Ann <a@example.com> Folgendes geschrieben:",
            "2016-03-03 17:21 GMT+01:00 Some One",
            "2013/7/20 sam via Discourse Meta <info@discourse.org>",
        ] {
            assert!(found(line).is_some(), "{line}");
        }
    }

    #[test]
    fn given_ordinary_sentences_when_read_then_none_is_an_attribution() {
        for line in [
            "On blah-blah-blah",
            "Here is what John wrote:",
            "10/19/2017 @ 9:30 am for physical therapy",
            "Date: Wednesday 3, October 2011",
        ] {
            assert_eq!(found(line), None, "{line}");
        }
    }

    #[test]
    fn given_an_attribution_over_three_lines_when_read_then_it_spans_them() {
        let text =
            "On Nov 30, 2011, at 12:47 PM, Somebody <\n416ffd@somebody.example.com>\nwrote:\nTest";
        assert_eq!(found(text), Some((3, Strength::Strong, None)));
    }

    #[test]
    fn given_a_reply_sharing_the_attribution_line_when_read_then_the_reply_is_the_prefix() {
        let text = "bla-bla - bla--- On Wed, Apr 4, 2012 at 3:59 PM, me@domain.com wrote:";
        assert_eq!(
            found(text),
            Some((1, Strength::Strong, Some("bla-bla - bla")))
        );
    }

    #[test]
    fn given_text_above_an_attribution_when_read_then_the_text_is_not_joined() {
        let text = "Mail me at a@example.com\nOn Mon, 1 Feb 2016, Ann wrote:";
        assert_eq!(found(text), None);
    }
}
