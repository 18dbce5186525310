//! What marks a signature: the `-- ` delimiter (RFC 3676, also without its
//! trailing space, as many clients send it) and the taglines mobile and
//! desktop clients append ("Sent from my iPhone", "Envoyé depuis mon
//! iPhone", "Von meinem iPhone gesendet", "Get Outlook for Android"…).
//!
//! A closing ("Thanks,", "Best regards") followed by a name is the person's
//! own text and is kept: nothing tells it from a last sentence.

use std::sync::LazyLock;

use regex::Regex;

/// The taglines, each a whole line.
static TAGLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)^[\s(<\[]*(?:
            sent\s+(?:from|with|via|using|on|by)\s
          | sent\s+from$
          | (?:get|obtenir|obtener|descargar|scarica|baixe|download)\s+\[?outlook\s
          | outlook\s+für\s+(?:ios|android)\s+herunterladen
          | envoyé\s+(?:depuis|de|avec|à\s+partir)\s
          | enviado\s+(?:desde|con|do|de|a\s+partir)\s
          | enviada\s+(?:desde|do|de)\s
          | inviato\s+da
          | von\s+meinem\s
          | gesendet\s+(?:von|mit)\s
          | diese\s+nachricht\s+wurde\s+von\s+meinem
          | verzonden\s+(?:met|vanaf|van)\s
          | verstuurd\s+(?:met|vanaf|van)\s
          | skickat\s+från
          | skickades\s+från
          | sendt\s+fra
          | wysłane\s+z
          | wysłano\s+z
          | отправлено\s+(?:с|из)\s
          | lähetetty\s+
          | odesláno\s+z
          | 从我的 | 從我的 | 发自我的 | 來自我的
          | from\s+my\s+(?:iphone|ipad|android|mobile|phone|blackberry|galaxy)
          | [\w\s]{0,30}\sfrom\s+(?:mobile|my\s+phone)$
        )",
    )
    .expect("the pattern is valid")
});

/// "Sent from my …": a tagline when it names a device in one short phrase,
/// or when it excuses its typos.
static SENT_FROM_MY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\W*sent\s+from\s+my\s+(.*)$").expect("the pattern is valid")
});

/// The longest tagline we accept, in characters.
const MAX_TAGLINE: usize = 120;

/// Whether `line` is the RFC 3676 signature delimiter, with or without its
/// trailing space.
pub(crate) fn is_delimiter(line: &str) -> bool {
    line.trim_end() == "--"
}

/// Whether `line` is a client's tagline.
pub(crate) fn is_tagline(line: &str) -> bool {
    let line = line.trim();
    if line.is_empty() || line.chars().count() > MAX_TAGLINE {
        return false;
    }
    if let Some(rest) = SENT_FROM_MY.captures(line).and_then(|c| c.get(1)) {
        let rest = rest.as_str().to_lowercase();
        let excuses = ["excuse", "typo", "brevity"]
            .iter()
            .any(|word| rest.contains(word));
        let core = rest.trim_end_matches(['.', '!', ' ']);
        let one_phrase = !core.contains(',') && !core.contains(". ");
        return excuses || one_phrase && rest.split_whitespace().count() <= 8;
    }
    TAGLINE.is_match(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_client_taglines_when_read_then_each_is_one() {
        for line in [
            "Sent from my iPhone",
            "Sent from my Verizon Wireless BlackBerry",
            "Sent from my HTC M8 Android phone.  Please excuse typoze",
            "Envoyé depuis mon iPhone",
            "Von meinem iPhone gesendet",
            "Enviado desde mi iPhone",
            "Get Outlook for Android",
            "Outlook für Android herunterladen<https://aka.ms/AAb9ysg>",
            "Sent from my cell, please excuse any typos.",
            "從我的 iPhone 傳送",
            "(Sent from mobile device)",
        ] {
            assert!(is_tagline(line), "{line}");
        }
    }

    #[test]
    fn given_a_sentence_about_where_it_was_written_when_read_then_it_is_no_tagline() {
        assert!(!is_tagline(
            "Sent from my desk, is much easier then my mobile phone."
        ));
        assert!(!is_tagline("Sent from my desk, since the phone is broken."));
        assert!(!is_tagline("The parcel was sent from our warehouse today."));
    }

    #[test]
    fn given_the_delimiter_with_or_without_its_space_when_read_then_it_is_one() {
        assert!(is_delimiter("-- "));
        assert!(is_delimiter("--"));
        assert!(!is_delimiter("---"));
    }
}
