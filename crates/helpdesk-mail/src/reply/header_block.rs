//! The header block Outlook, Outlook on the web, Apple Mail and Windows
//! Mail write above the message they quote:
//!
//! ```text
//! From: Ann <ann@example.com>
//! Sent: Thursday, February 09, 2012 1:36 PM
//! To: Bob
//! Subject: Hello
//! ```
//!
//! in the client's language (`Von:`/`Gesendet:`, `De :`/`Envoyé :`,
//! `De:`/`Enviado:`, `Da:`/`Inviato:`, `Van:`/`Verzonden:`,
//! `Från:`/`Skickat:`, `От:`/`Отправлено:`, `发件人:`…), plain or in bold
//! (`*From:*`), its values wrapped over several lines.

use super::line::is_blank;

/// The most characters of a header name.
const MAX_NAME: usize = 25;

/// How many lines past its first one a block may reach.
const MAX_BLOCK: usize = 16;

/// What a header name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    From,
    Date,
    To,
    Cc,
    Subject,
    ReplyTo,
}

/// The field a header name names, in the languages we know.
fn field(name: &str) -> Option<Field> {
    let name = name.trim().to_lowercase();
    let field = match name.as_str() {
        "from" | "von" | "de" | "da" | "van" | "från" | "fra" | "od" | "от" | "发件人"
        | "寄件者" | "差出人" | "lähettäjä" | "feladó" | "kimden" | "od koho" => {
            Field::From
        }
        "sent"
        | "date"
        | "datum"
        | "gesendet"
        | "envoyé"
        | "enviado"
        | "enviada"
        | "fecha"
        | "data"
        | "inviato"
        | "verzonden"
        | "skickat"
        | "sendt"
        | "wysłano"
        | "wysłane"
        | "отправлено"
        | "дата"
        | "发送时间"
        | "日期"
        | "寄件日期"
        | "送信日時"
        | "lähetetty"
        | "päivämäärä"
        | "elküldve"
        | "gönderildi"
        | "tarih"
        | "odesláno" => Field::Date,
        "to" | "an" | "à" | "a" | "para" | "per" | "aan" | "till" | "til" | "do" | "кому"
        | "收件人" | "宛先" | "vastaanottaja" | "címzett" | "kime" | "komu" => Field::To,
        "cc" | "kopie" | "copie" | "copia" | "kopia" | "копия" | "抄送" | "副本" => {
            Field::Cc
        }
        "subject" | "betreff" | "objet" | "asunto" | "oggetto" | "onderwerp" | "ämne" | "emne"
        | "temat" | "тема" | "主题" | "主旨" | "件名" | "assunto" | "aihe" | "tárgy" | "konu"
        | "předmět" => Field::Subject,
        "reply-to" | "antwort an" | "risposta" | "répondre à" | "responder a" => Field::ReplyTo,
        _ => return None,
    };
    Some(field)
}

/// The field `line` starts with, if any.
fn field_at(line: &str) -> Option<Field> {
    name_at(line).and_then(field)
}

/// The header name `line` starts with, if any: at most [`MAX_NAME`]
/// characters and its colon (`:` or the full-width `：`), either side in
/// bold (up to two `*`), with spaces around each.
fn name_at(line: &str) -> Option<&str> {
    // A name holds no colon, so its colon is the line's first.
    let colon = line.find([':', '：'])?;
    let name = strip_stars(line[..colon].trim_start(), str::strip_prefix).trim_start();
    let name = strip_stars(name.trim_end(), str::strip_suffix).trim_end();
    let named = !name.is_empty() && !name.contains('*') && name.chars().count() <= MAX_NAME;
    named.then_some(name)
}

/// `text` without up to two stars that `strip` takes from one end.
fn strip_stars<'a>(text: &'a str, strip: fn(&'a str, char) -> Option<&'a str>) -> &'a str {
    let once = strip(text, '*').unwrap_or(text);
    strip(once, '*').unwrap_or(once)
}

/// Whether a header block starts at line `at`: a `From` or `Date` line and,
/// within the block, at least one more of the fields a client writes;
/// `inspected` counts the lines looked at.
pub(crate) fn starts_at(lines: &[&str], at: usize, inspected: &mut usize) -> bool {
    *inspected += 1;
    let Some(first) = lines.get(at).and_then(|line| field_at(line)) else {
        return false;
    };
    if !matches!(first, Field::From | Field::Date) {
        return false;
    }
    let mut seen = vec![first];
    let mut unkeyed = 0;
    let mut blanks = 0;
    for line in lines.iter().skip(at + 1).take(MAX_BLOCK) {
        *inspected += 1;
        if is_blank(line) {
            blanks += 1;
            if blanks > 1 {
                break;
            }
            continue;
        }
        match field_at(line) {
            // A field named twice is no header block: each names it once.
            Some(field) if seen.contains(&field) => break,
            Some(field) => {
                seen.push(field);
                unkeyed = 0;
                blanks = 0;
            }
            // A wrapped value, or the end of the block.
            None if blanks == 0 && unkeyed < 2 => unkeyed += 1,
            None => break,
        }
    }
    seen.len() >= 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The name is what the pattern `^\s*\*{0,2}\s*([^\s:*：][^:*：]{0,24}?)\s*\*{0,2}\s*[:：]`
        /// captures, trimmed.
        #[test]
        fn a_name_is_what_the_pattern_of_a_header_key_captures(
            line in "[ \t*:：aFé\u{3000}x]{0,40}"
        ) {
            let pattern = regex::Regex::new(
                r"^\s*\*{0,2}\s*([^\s:*：][^:*：]{0,24}?)\s*\*{0,2}\s*[:：]",
            ).unwrap();
            let captured = pattern.captures(&line).map(|c| c[1].trim().to_string());
            prop_assert_eq!(name_at(&line).map(str::to_string), captured);
        }
    }

    fn block(text: &str) -> bool {
        let lines: Vec<&str> = text.lines().collect();
        starts_at(&lines, 0, &mut 0)
    }

    #[test]
    fn given_localised_header_blocks_when_read_then_each_starts_a_block() {
        assert!(block(
            "From: a@example.com\nSent: Friday\nTo: Bob\nSubject: Hi"
        ));
        assert!(block(
            "*From:* Ann [mailto:\n  ann@example.com]\n  *Sent:* Friday\n  *To:* b"
        ));
        assert!(block(
            "Von: a@example.com\nGesendet: Dienstag\nAn: Bob\nBetreff: Hallo"
        ));
        assert!(block(
            "De : Brendan [mailto:b@example.com]\nEnvoyé : vendredi\nÀ : Camille"
        ));
        assert!(block(
            "Date: Wed, 16 May 2012 00:15:02 -0600\nTo: k@example.com"
        ));
        assert!(block("От: Alexander\nОтправлено: четверг\nКому: Alex"));
    }

    #[test]
    fn given_an_appointment_when_read_then_it_is_not_a_header_block() {
        assert!(!block(
            "Date: Wednesday 3, October 2011\nTime: 7 : 00am\nAddress: 130 Fox St"
        ));
        assert!(!block("From: me\n\nthe rest of my text\nmore"));
    }
}
