//! The Message-ID of the mail a bounce returns.

use std::sync::LazyLock;

use mail_parser::MessageParser;
use regex::Regex;

use crate::{Mail, message_id};

/// A `Message-ID:` line of quoted headers.
static QUOTED_MESSAGE_ID: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?im)^[ \t>]*Message-ID:[ \t]*(<[^>\r\n]+>|\S+)").ok());

/// The returned mail's Message-ID: from a `message/rfc822` or
/// `text/rfc822-headers` part, else from headers quoted in the text.
pub(super) fn original_message_id(mail: &Mail) -> Option<String> {
    let from_parts = mail
        .attachments()
        .iter()
        .filter(|part| {
            matches!(
                part.declared_type(),
                "message/rfc822"
                    | "message/global"
                    | "text/rfc822-headers"
                    | "message/global-headers"
            )
        })
        .find_map(|part| {
            let message = MessageParser::default().parse(part.bytes())?;
            message.message_id().and_then(message_id)
        });
    from_parts.or_else(|| {
        let regex = QUOTED_MESSAGE_ID.as_ref()?;
        let bodies = std::iter::once(mail.text()).chain(
            mail.attachments()
                .iter()
                .filter(|part| part.declared_type().starts_with("text/"))
                .filter_map(|part| std::str::from_utf8(part.bytes()).ok()),
        );
        bodies
            .filter_map(|text| regex.captures(text))
            .find_map(|found| message_id(found.get(1)?.as_str()))
    })
}
