//! The line a client writes above a message it forwards ("---------- Forwarded
//! message ---------", "Begin forwarded message:", "-------- Message
//! transféré --------"…). A forward is what the person chose to send, not
//! history the thread already holds, so it stays in the visible text.

use std::sync::LazyLock;

use regex::Regex;

use super::separator::{decorated_phrase, is_decorated};

/// "Forwarded message" per language.
static FORWARDED: LazyLock<Regex> = LazyLock::new(|| {
    decorated_phrase(
        r"forwarded\s+message|begin\s+forwarded\s+message|weitergeleitete\s+nachricht|anfang\s+der\s+weitergeleiteten\s+nachricht|message\s+transféré|début\s+du\s+message\s+réexpédié|mensaje\s+reenviado|inicio\s+del\s+mensaje\s+reenviado|messaggio\s+inoltrato|inizio\s+messaggio\s+inoltrato|doorgestuurd\s+bericht|begin\s+doorgestuurd\s+bericht|vidarebefordrat\s+meddelande|videresendt\s+melding|videresendt\s+meddelelse|przekazana\s+wiadomość|wiadomość\s+przekazana|пересылаемое\s+сообщение|пересланное\s+сообщение|mensagem\s+encaminhada|início\s+da\s+mensagem\s+reencaminhada|转发的邮件|已转发邮件",
    )
});

/// Whether `line` introduces a forwarded message.
pub(crate) fn is_forward(line: &str) -> bool {
    is_decorated(&FORWARDED, line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_forward_lines_in_several_languages_when_read_then_each_is_a_forward() {
        for line in [
            "---------- Forwarded message ---------",
            "Begin forwarded message:",
            "---------- Weitergeleitete Nachricht ----------",
            "-------- Message transféré --------",
            "---------- Mensaje reenviado ----------",
        ] {
            assert!(is_forward(line), "{line}");
        }
        assert!(!is_forward("I forwarded the message to Bob"));
    }
}
