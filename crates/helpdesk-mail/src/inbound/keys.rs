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
    if let Some(id) = mail
        .message_id()
        .and_then(|id| MessageId::new(id).ok())
        .filter(|id| !is_rate_place(id))
    {
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

/// Where [`SenderRate`](super::SenderRate) keeps its places: a domain no
/// mail comes from (RFC 2606).
const RATE_DOMAIN: &str = "sender-rate.invalid";

/// The sender's part of the ids of its places in the rate: the digest of
/// the address (compared without case, in whatever characters it has).
pub(crate) fn rate_sender(sender: &str) -> String {
    derived(&["sender rate", &sender.to_lowercase()])
        .simple()
        .to_string()
}

/// The id of the `n`th place (from 0) of `sender`'s count in `window`.
pub(crate) fn rate_place(sender: &str, window: i64, n: usize) -> MessageId {
    MessageId::new(&format!("{sender}.{window}.{n}@{RATE_DOMAIN}"))
        .expect("hex digits, numbers and dots at a domain are a valid message id")
}

/// Whether `id` could name a place of the rate, which no mail may claim
/// or thread by: it holds `@sender-rate.invalid` anywhere, so that no part
/// of it looked up (its `id-left` at one of the desk's domains, say) is a
/// place.
pub(crate) fn is_rate_place(id: &MessageId) -> bool {
    id.as_str()
        .to_ascii_lowercase()
        .contains(&format!("@{RATE_DOMAIN}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_place_is_a_message_id_at_the_rate_domain_and_no_other_is() {
        // Given the place of a sender's count, in any case of its address.
        let place = rate_place(&rate_sender("Ann@Customer.test"), -3, 7);

        // Then it is the same place as of the address in lower case, is
        // at the rate's domain, and mail ids are not, unless they hold the
        // rate's domain (as an id-left looked up would).
        assert_eq!(place, rate_place(&rate_sender("ann@customer.test"), -3, 7));
        assert!(is_rate_place(&place));
        assert!(is_rate_place(
            &MessageId::new("<x@SENDER-RATE.invalid>").expect("an id")
        ));
        assert!(!is_rate_place(
            &MessageId::new("<x@customer.test>").expect("an id")
        ));
        assert!(!is_rate_place(
            &MessageId::new("<sender-rate.invalid>").expect("an id")
        ));
        let at_the_desk = MessageId::new("<x@sender-rate.invalid@help.example.com>");
        assert!(is_rate_place(&at_the_desk.expect("an id")));
    }
}
