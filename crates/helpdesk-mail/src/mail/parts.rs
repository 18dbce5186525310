//! Reading the bodies, attachments and limits off a parsed message.

use chrono::{DateTime, FixedOffset};
use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::html::html_to_text;
use mail_parser::{Message, MessagePart, MimeHeaders, PartType};

use super::charset::decode_iso_2022_jp_runs;
use super::{Limit, Limits, MailError, message_id};
use crate::{Attachment, Disposition};

/// Refuses a message with more parts or attachments than `limits` allow.
pub(super) fn check_limits(message: &Message<'_>, limits: &Limits) -> Result<(), MailError> {
    let parts = count_parts(message);
    if parts > limits.max_parts {
        return Err(MailError::OverLimit {
            limit: Limit::Parts,
            allowed: limits.max_parts,
            actual: parts,
        });
    }
    let attachments = message.attachments.len();
    if attachments > limits.max_attachments {
        return Err(MailError::OverLimit {
            limit: Limit::Attachments,
            allowed: limits.max_attachments,
            actual: attachments,
        });
    }
    Ok(())
}

/// The parts of a message and of the messages nested in it.
fn count_parts(message: &Message<'_>) -> usize {
    message
        .parts
        .iter()
        .map(|part| match &part.body {
            PartType::Message(nested) => 1 + count_parts(nested),
            _ => 1,
        })
        .sum()
}

/// The text body: text/plain parts as they are, HTML ones as text.
pub(super) fn text(message: &Message<'_>) -> String {
    let texts: Vec<String> = message
        .text_body
        .iter()
        .filter_map(|&id| message.parts.get(id as usize))
        .filter_map(|part| match &part.body {
            PartType::Text(text) => Some(decode_iso_2022_jp_runs(text).into_owned()),
            PartType::Html(html) => Some(html_to_text(&decode_iso_2022_jp_runs(html))),
            _ => None,
        })
        .collect();
    texts.join("\n")
}

/// Whether the text body holds a text/plain part (else it is HTML turned
/// into text, or empty).
pub(super) fn has_plain(message: &Message<'_>) -> bool {
    message
        .text_body
        .iter()
        .filter_map(|&id| message.parts.get(id as usize))
        .any(|part| matches!(part.body, PartType::Text(_)))
}

/// The HTML body, if the message has an HTML part.
pub(super) fn html(message: &Message<'_>) -> Option<String> {
    let htmls: Vec<std::borrow::Cow<'_, str>> = message
        .html_body
        .iter()
        .filter_map(|&id| message.parts.get(id as usize))
        .filter_map(|part| match &part.body {
            PartType::Html(html) => Some(decode_iso_2022_jp_runs(html)),
            _ => None,
        })
        .collect();
    (!htmls.is_empty()).then(|| htmls.join("\n"))
}

/// The attachments and inline files.
pub(super) fn attachments(message: &Message<'_>) -> Vec<Attachment> {
    message
        .attachments
        .iter()
        .filter_map(|&id| message.parts.get(id as usize))
        .map(attachment)
        .collect()
}

/// One attachment, decoded.
fn attachment(part: &MessagePart<'_>) -> Attachment {
    let bytes: Vec<u8> = match &part.body {
        PartType::Text(text) | PartType::Html(text) => text.as_bytes().to_vec(),
        PartType::Binary(bytes) | PartType::InlineBinary(bytes) => bytes.to_vec(),
        PartType::Message(nested) => nested.raw_message().to_vec(),
        PartType::Multipart(_) => Vec::new(),
    };
    let bytes = if part.is_encoding_problem {
        recovered(part, bytes)
    } else {
        bytes
    };
    let inline = match part.content_disposition() {
        Some(disposition) => disposition.is_inline(),
        None => matches!(part.body, PartType::InlineBinary(_)),
    };
    Attachment {
        file_name: part
            .attachment_name()
            .map(|name| decode_iso_2022_jp_runs(name).trim().to_string())
            .filter(|name| !name.is_empty()),
        declared_type: content_type(part),
        detected: crate::file_type::detected(&bytes),
        bytes,
        disposition: if inline {
            Disposition::Inline
        } else {
            Disposition::Attachment
        },
        content_id: part.content_id().and_then(message_id),
    }
}

/// The decoded bytes of a base64 part the parser kept undecoded because its
/// message ends before the part's closing boundary (a mail cut off in
/// transfer); other parts' bytes as they are.
fn recovered(part: &MessagePart<'_>, bytes: Vec<u8>) -> Vec<u8> {
    let base64 = part
        .content_transfer_encoding()
        .is_some_and(|encoding| encoding.trim().eq_ignore_ascii_case("base64"));
    if !base64 {
        return bytes;
    }
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |at| at + 1);
    base64_decode(&bytes[..end]).unwrap_or(bytes)
}

/// A part's content type, `type/subtype` lower-cased.
pub(super) fn content_type(part: &MessagePart<'_>) -> String {
    match part.content_type() {
        Some(content_type) => match content_type.subtype() {
            Some(subtype) => format!("{}/{}", content_type.ctype(), subtype).to_lowercase(),
            None => content_type.ctype().to_lowercase(),
        },
        None if matches!(part.body, PartType::Message(_)) => "message/rfc822".to_string(),
        None if matches!(part.body, PartType::Text(_)) => "text/plain".to_string(),
        None => "application/octet-stream".to_string(),
    }
}

/// The `Date` header as a chrono instant in the sender's offset.
pub(super) fn date(date: &mail_parser::DateTime) -> Option<DateTime<FixedOffset>> {
    let seconds = i32::from(date.tz_hour) * 3600 + i32::from(date.tz_minute) * 60;
    let offset = FixedOffset::east_opt(if date.tz_before_gmt {
        -seconds
    } else {
        seconds
    })?;
    DateTime::from_timestamp(date.to_timestamp(), 0).map(|utc| utc.with_timezone(&offset))
}
