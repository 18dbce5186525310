//! Failed recipients read from an RFC 3464 delivery status notification.

use super::codes::{reply_code_in, status_in};
use super::fields::{after_type, field, field_groups};
use super::{FailedRecipient, StatusCode};
use crate::Mail;

/// The content types of a report's machine-readable part.
const DELIVERY_STATUS_TYPES: &[&str] =
    &["message/delivery-status", "message/global-delivery-status"];

/// Whether the mail carries a delivery-status part.
pub(super) fn has_delivery_status(mail: &Mail) -> bool {
    mail.attachments()
        .iter()
        .any(|part| DELIVERY_STATUS_TYPES.contains(&part.declared_type()))
}

/// The recipients of every delivery-status part whose action is `failed`
/// or `delayed` (or that name no action but a failure status).
pub(super) fn failed_recipients(mail: &Mail) -> Vec<FailedRecipient> {
    mail.attachments()
        .iter()
        .filter(|part| DELIVERY_STATUS_TYPES.contains(&part.declared_type()))
        .flat_map(|part| {
            let body = String::from_utf8_lossy(part.bytes());
            field_groups(&body)
                .iter()
                .filter_map(|group| recipient(group))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The recipients of delivery-status fields written into the text of a
/// notice whose report part was lost (a broken boundary, a forwarded
/// notice): groups with `Final-Recipient` and `Action` or `Status`.
pub(super) fn failed_recipients_in_text(mail: &Mail) -> Vec<FailedRecipient> {
    let texts = std::iter::once(mail.text().to_string()).chain(
        mail.attachments()
            .iter()
            .filter(|part| {
                part.declared_type().starts_with("multipart/")
                    || part.declared_type() == "text/plain"
            })
            .map(|part| String::from_utf8_lossy(part.bytes()).into_owned()),
    );
    texts
        .flat_map(|text| {
            field_groups(&text)
                .iter()
                .filter(|group| {
                    field(group, "action").is_some() || field(group, "status").is_some()
                })
                .filter_map(|group| recipient(group))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// One per-recipient group as a failed recipient, if it reports a failure.
fn recipient(group: &[(String, String)]) -> Option<FailedRecipient> {
    let address = field(group, "final-recipient")
        .or_else(|| field(group, "original-recipient"))
        .map(after_type)?
        .trim_matches(['<', '>', ' '])
        .to_lowercase();
    if address.is_empty() {
        return None;
    }
    let diagnostic = field(group, "diagnostic-code").map(|code| after_type(code).to_string());
    let declared = field(group, "status").and_then(status_in);
    let reply_code = diagnostic.as_deref().and_then(reply_code_in);
    let in_diagnostic = diagnostic.as_deref().and_then(status_in);
    let status = match (declared, in_diagnostic) {
        // `5.0.0` says only "permanent"; the server's own code says more.
        (Some(declared), Some(found))
            if declared.subject() == 0
                && declared.detail() == 0
                && found.class() == declared.class() =>
        {
            Some(found)
        }
        (declared, found) => declared.or(found),
    };
    let status = status.or_else(|| {
        reply_code.and_then(|code| StatusCode::new(u8::try_from(code / 100).ok()?, 0, 0))
    });
    let action = field(group, "action").map(str::to_lowercase);
    let failed = match action.as_deref() {
        Some(action) => action.starts_with("failed") || action.starts_with("delayed"),
        None => status.is_some_and(|status| status.class() != 2),
    };
    failed.then(|| FailedRecipient {
        address,
        status,
        reply_code,
        diagnostic,
        delayed: action
            .as_deref()
            .is_some_and(|action| action.starts_with("delayed")),
    })
}
