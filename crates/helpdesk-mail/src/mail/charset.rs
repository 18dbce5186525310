//! Text that arrives in a charset nobody declared: 8-bit header bytes,
//! ISO-2022-JP sent without a `charset` parameter or split across RFC 2231
//! continuations.

use std::borrow::Cow;

use encoding_rs::{EUC_JP, Encoding, ISO_2022_JP, SHIFT_JIS, WINDOWS_1252};

/// The raw message with its header section turned into UTF-8 when it holds
/// 8-bit bytes that are not UTF-8: read in the charset the message declares
/// (Shift_JIS or EUC-JP where it declares the 7-bit ISO-2022-JP, which
/// cannot hold 8-bit bytes), else as windows-1252. The body is untouched.
pub(super) fn utf8_headers(raw: &[u8]) -> Cow<'_, [u8]> {
    let end = header_end(raw);
    let headers = &raw[..end];
    if headers.is_ascii() || std::str::from_utf8(headers).is_ok() {
        return Cow::Borrowed(raw);
    }
    let declared = declared_charset(raw);
    let candidates: Vec<&'static Encoding> = match declared {
        Some(encoding) if encoding == ISO_2022_JP => vec![SHIFT_JIS, EUC_JP],
        Some(encoding) if encoding != encoding_rs::UTF_8 => vec![encoding],
        _ => Vec::new(),
    };
    let decoded = candidates
        .into_iter()
        .find_map(|encoding| {
            let (text, had_errors) = encoding.decode_without_bom_handling(headers);
            (!had_errors).then_some(text)
        })
        .unwrap_or_else(|| WINDOWS_1252.decode_without_bom_handling(headers).0);
    let mut fixed = decoded.into_owned().into_bytes();
    fixed.extend_from_slice(&raw[end..]);
    Cow::Owned(fixed)
}

/// Where the header section ends: at its blank line (the first `\r\n\r\n`
/// or `\n\n`, at its first byte), or the whole message. Reads only as far
/// as the blank line.
fn header_end(raw: &[u8]) -> usize {
    let mut from = 0;
    while let Some(offset) = raw[from..].iter().position(|&b| b == b'\n') {
        let newline = from + offset;
        let rest = &raw[newline + 1..];
        if rest.starts_with(b"\n") {
            return newline;
        }
        if rest.starts_with(b"\r\n") && newline > 0 && raw[newline - 1] == b'\r' {
            return newline - 1;
        }
        from = newline + 1;
    }
    raw.len()
}

/// The first `charset=` label of the message, as an encoding.
fn declared_charset(raw: &[u8]) -> Option<&'static Encoding> {
    let needle = b"charset=";
    let start = raw
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle))?
        + needle.len();
    let label: Vec<u8> = raw[start..]
        .iter()
        .skip_while(|&&b| b == b'"' || b == b'\'')
        .take_while(|&&b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        .copied()
        .collect();
    Encoding::for_label(&label)
}

/// `text` with ISO-2022-JP escape runs (`ESC $ B ... ESC ( B`) left
/// undecoded turned into the characters they encode.
pub(super) fn decode_iso_2022_jp_runs(text: &str) -> Cow<'_, str> {
    if !text.contains("\u{1b}$") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("\u{1b}$") {
        out.push_str(&rest[..start]);
        let run = &rest[start..];
        let end = ["\u{1b}(B", "\u{1b}(J"]
            .iter()
            .filter_map(|back| run.find(back).map(|at| at + back.len()))
            .min()
            .unwrap_or(run.len());
        let (decoded, _) = ISO_2022_JP.decode_without_bom_handling(&run.as_bytes()[..end]);
        out.push_str(&decoded);
        rest = &run[end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_header_end_is_the_first_blank_line_of_either_kind(
            raw in proptest::collection::vec(prop_oneof![Just(b'\r'), Just(b'\n'), Just(b'a')], 0..40)
        ) {
            // The whole message searched for each kind of blank line.
            let crlf = raw.windows(4).position(|w| w == b"\r\n\r\n");
            let lf = raw.windows(2).position(|w| w == b"\n\n");
            let first = crlf.into_iter().chain(lf).min().unwrap_or(raw.len());
            prop_assert_eq!(header_end(&raw), first);
        }
    }

    #[test]
    fn the_header_end_is_found_before_the_body_is_read() {
        assert_eq!(header_end(b"Subject: a\r\n\r\nbody\n\nmore"), 10);
        assert_eq!(header_end(b"Subject: a\n\nbody\r\n\r\n"), 10);
        assert_eq!(header_end(b"Subject: a\r\n"), 12);
    }

    #[test]
    fn an_undecoded_iso_2022_jp_run_is_decoded_and_the_rest_kept() {
        assert_eq!(
            decode_iso_2022_jp_runs("a \u{1b}$B%F%9%H\u{1b}(B.txt"),
            "a テスト.txt"
        );
        assert_eq!(decode_iso_2022_jp_runs("plain"), "plain");
    }

    #[test]
    fn shift_jis_header_bytes_of_an_iso_2022_jp_mail_become_utf8() {
        let raw = b"Subject: \x83\x63\x81\x5b\x83\x8b\r\nContent-Type: text/plain; charset=iso-2022-jp\r\n\r\nbody";
        let fixed = utf8_headers(raw);
        assert!(
            std::str::from_utf8(&fixed)
                .unwrap()
                .starts_with("Subject: ツール\r\n")
        );
    }

    #[test]
    fn latin1_header_bytes_without_a_declared_charset_read_as_windows_1252() {
        let fixed = utf8_headers(b"Subject: Caf\xe9\r\n\r\n\xff");
        assert_eq!(
            &fixed[..],
            "Subject: Café\r\n\r\n"
                .bytes()
                .chain([0xff])
                .collect::<Vec<u8>>()
                .as_slice()
        );
    }
}
