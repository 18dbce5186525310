//! The ids a mail's commands take, derived from its Message-ID, so a mail
//! fetched twice is applied once: the same ticket id for the ticket it
//! opens, the same comment id and command ids for what it adds.

use helpdesk_core::{ActorId, CommentId, TenantId, TicketId};
use helpdesk_engine::store::MessageId;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::mail::Mail;

/// A UUID of version 8 (custom) from the digest of `parts`.
fn derived(parts: &[&str]) -> Uuid {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut bytes = [0; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    Uuid::from_bytes(bytes)
}

/// The mail's key: its Message-ID, or for a mail without one (or with one
/// past the limits), an id made of its bytes' digest.
pub(crate) fn message_key(mail: &Mail, raw: &[u8]) -> MessageId {
    if let Some(id) = mail.message_id().and_then(|id| MessageId::new(id).ok()) {
        return id;
    }
    let digest = Sha256::digest(raw);
    let hex: String = digest.iter().take(20).map(|b| format!("{b:02x}")).collect();
    MessageId::new(&format!("{hex}@sha256.invalid"))
        .expect("hex digits at a domain are a valid message id")
}

/// What makes a mail this mail: its Message-ID and the digest of its
/// sender, subject and text. The same mail fetched again (even over
/// another path, with other transport headers) has the same identity; a
/// different mail that reuses a Message-ID (a resend with an edited text, a
/// client that repeats ids) has another.
pub(crate) fn identity(key: &MessageId, mail: &Mail) -> String {
    let mut hasher = Sha256::new();
    for part in [
        mail.from().address(),
        mail.subject().unwrap_or_default(),
        mail.text(),
    ] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("{key} {hex}")
}

/// The ticket a mail opens.
pub(crate) fn ticket_of(tenant: TenantId, identity: &str) -> TicketId {
    TicketId::from(derived(&["ticket", &tenant.to_string(), identity]))
}

/// The comment a mail adds.
pub(crate) fn comment_of(tenant: TenantId, identity: &str) -> CommentId {
    CommentId::from(derived(&["comment", &tenant.to_string(), identity]))
}

/// The requester an address the host does not know is: the same actor for
/// the same address (compared without case) in a tenant.
pub(crate) fn sender_of(tenant: TenantId, address: &str) -> ActorId {
    ActorId::from(derived(&[
        "sender",
        &tenant.to_string(),
        &address.to_ascii_lowercase(),
    ]))
}
