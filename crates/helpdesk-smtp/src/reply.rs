//! The reply address: `support+{token}@example.com`, where the token names
//! the ticket and is signed for the person the mail went to, so a reply
//! finds its ticket and no one can make up a token for another ticket or
//! another sender.
//!
//! The token is 42 characters of lowercase base32 (RFC 4648's alphabet,
//! without padding) of 26 bytes: the ticket's id (16 bytes), then the
//! first 10 bytes of HMAC-SHA256, under a reply key, of
//! `"helpdesk-reply-v2" ‖ tenant id ‖ ticket id ‖ recipient` (the ids' 16
//! bytes each, then the recipient's address, lowercased, after its length
//! in two bytes). The tenant and the recipient are inside the signature,
//! not the token: whoever reads a reply knows the tenant from the mailbox
//! it reached and checks the token against the reply's sender. So a token
//! of one tenant's ticket does not verify for another, and a token that
//! reached one person (a watcher, or whoever they forwarded the mail to)
//! vouches for no one else's address: it cannot put a reply on the ticket
//! in the requester's or an agent's name. Lowercase base32 survives mail
//! servers that change the case of local parts.
//!
//! Keys rotate: tokens are signed with the first key of
//! [`ReplyTo::keys`] and verified against each, so a new key goes first
//! and the old one stays until the replies to mail it signed have died
//! down.

use std::fmt;

use helpdesk_core::{TenantId, TicketId};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::options::{SmtpError, parse_address};

type HmacSha256 = Hmac<Sha256>;

/// What the signature covers first: the token format's name and version.
const CONTEXT: &[u8] = b"helpdesk-reply-v2";
/// Bytes of the signature kept in a token.
const MAC_BYTES: usize = 10;
/// Bytes a token encodes: the ticket's id and the signature.
const TOKEN_BYTES: usize = 16 + MAC_BYTES;
/// Characters of a token.
pub const TOKEN_LEN: usize = (TOKEN_BYTES * 8).div_ceil(5);
/// The longest local part a reply mailbox may have: the token and its `+`
/// must fit within RFC 5321's 64 characters.
pub const LOCAL_PART_MAX: usize = 64 - 1 - TOKEN_LEN;
/// The fewest bytes a reply key may have.
pub const REPLY_KEY_MIN_BYTES: usize = 32;

const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// A secret key that signs reply tokens: at least 32 random bytes, kept by
/// the host (the same keys on every host instance, and on the side that
/// reads replies). Its `Debug` form hides it.
///
/// ```
/// use helpdesk_smtp::ReplyKey;
///
/// let key = ReplyKey::new([7u8; 32])?;
/// assert_eq!(format!("{key:?}"), "ReplyKey(<hidden>)");
/// assert!(ReplyKey::new(b"short".to_vec()).is_err());
/// # Ok::<(), helpdesk_smtp::SmtpError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ReplyKey(Vec<u8>);

impl ReplyKey {
    /// A key of `bytes`, at least [`REPLY_KEY_MIN_BYTES`] of them.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Result<Self, SmtpError> {
        let bytes = bytes.into();
        if bytes.len() < REPLY_KEY_MIN_BYTES {
            return Err(SmtpError::ReplyKey {
                length: bytes.len(),
                min: REPLY_KEY_MIN_BYTES,
            });
        }
        Ok(Self(bytes))
    }

    fn mac(&self, tenant: TenantId, ticket: TicketId, recipient: &str) -> HmacSha256 {
        // HMAC takes keys of any length; `new` checked it is long enough.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of every length"));
        mac.update(CONTEXT);
        mac.update(tenant.as_uuid().as_bytes());
        mac.update(ticket.as_uuid().as_bytes());
        let recipient = recipient.trim().to_lowercase();
        // An address longer than two bytes' count is no address a server
        // delivers (RFC 5321 allows 254); its length is capped, not wrapped.
        let length = u16::try_from(recipient.len()).unwrap_or(u16::MAX);
        mac.update(&length.to_be_bytes());
        mac.update(recipient.as_bytes());
        mac
    }
}

impl fmt::Debug for ReplyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReplyKey(<hidden>)")
    }
}

/// The reply address of a ticket's mail: the mailbox `address` with the
/// ticket's token as its detail, `support+{token}@example.com`.
///
/// The mailbox must take mail for `support+anything@` (plus-addressing, or
/// subaddressing: most servers do, some need it turned on), and whatever
/// reads it (the inbound email channel) finds the ticket with
/// [`ReplyTo::ticket_of`].
///
/// ```
/// use helpdesk_core::{TenantId, TicketId};
/// use helpdesk_smtp::{ReplyKey, ReplyTo};
///
/// let reply_to = ReplyTo::new("support@example.com", vec![ReplyKey::new([7u8; 32])?]);
/// let (tenant, ticket) = (TenantId::from_u128(1), TicketId::from_u128(42));
/// let address = reply_to.address_for(tenant, ticket, "ann@customer.test");
/// assert!(address.starts_with("support+") && address.ends_with("@example.com"));
/// assert_eq!(address.len(), "support+@example.com".len() + 42);
///
/// // The side that reads replies: the ticket, for this tenant, from the
/// // address the mail went to only.
/// let ann = "Ann@Customer.test";
/// assert_eq!(reply_to.ticket_of(&address, tenant, ann), Some(ticket));
/// assert_eq!(reply_to.ticket_of(&address.to_uppercase(), tenant, ann), Some(ticket));
/// assert_eq!(reply_to.ticket_of(&address, tenant, "bob@customer.test"), None);
/// assert_eq!(reply_to.ticket_of(&address, TenantId::from_u128(2), ann), None);
/// assert_eq!(reply_to.ticket_of("support+aaaa@example.com", tenant, ann), None);
/// # Ok::<(), helpdesk_smtp::SmtpError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTo {
    /// The mailbox replies go to, without a detail, such as
    /// `support@example.com`. Its local part may have at most
    /// [`LOCAL_PART_MAX`] characters, so that with the token it stays
    /// within 64.
    pub address: String,
    /// The keys: the first signs, every one verifies. At least one.
    pub keys: Vec<ReplyKey>,
}

impl ReplyTo {
    /// Replies to `address`, with tokens signed by `keys`.
    pub fn new(address: impl Into<String>, keys: Vec<ReplyKey>) -> Self {
        Self {
            address: address.into(),
            keys,
        }
    }

    /// Checks the address and the keys.
    pub(crate) fn check(&self) -> Result<(), SmtpError> {
        let address = parse_address("reply_to.address", &self.address)?;
        let local = address.user();
        if local.contains('+') {
            return Err(SmtpError::ReplyDetail {
                value: self.address.clone(),
            });
        }
        if local.len() > LOCAL_PART_MAX {
            return Err(SmtpError::ReplyTooLong {
                value: self.address.clone(),
                length: local.len(),
                max: LOCAL_PART_MAX,
            });
        }
        if self.keys.is_empty() {
            return Err(SmtpError::NoReplyKey);
        }
        Ok(())
    }

    /// The reply address of `ticket` of `tenant` in mail to `recipient`:
    /// the mailbox with the ticket's token, signed for `recipient`, after a
    /// `+`.
    pub fn address_for(&self, tenant: TenantId, ticket: TicketId, recipient: &str) -> String {
        let (local, domain) = split(&self.address);
        match self.keys.first() {
            Some(key) => format!(
                "{local}+{}@{domain}",
                reply_token(key, tenant, ticket, recipient)
            ),
            None => self.address.clone(),
        }
    }

    /// The ticket a reply address leads back to, for `tenant`, in a reply
    /// from `sender`: `None` unless it is this mailbox with a token one of
    /// the keys signed for a ticket of `tenant` in mail to `sender`.
    /// Letters' case is ignored.
    pub fn ticket_of(&self, address: &str, tenant: TenantId, sender: &str) -> Option<TicketId> {
        let (local, domain) = split(address);
        let (own_local, own_domain) = split(&self.address);
        let (mailbox, token) = local.split_once('+')?;
        if !mailbox.eq_ignore_ascii_case(own_local) || !domain.eq_ignore_ascii_case(own_domain) {
            return None;
        }
        verify_reply_token(token, tenant, sender, &self.keys)
    }
}

/// The local part and the domain of an address, split at its last `@`.
fn split(address: &str) -> (&str, &str) {
    address.rsplit_once('@').unwrap_or((address, ""))
}

/// The token of `ticket` of `tenant` in mail to `recipient`, signed with
/// `key`: 42 characters of lowercase base32.
///
/// ```
/// use helpdesk_core::{TenantId, TicketId};
/// use helpdesk_smtp::{ReplyKey, reply_token, verify_reply_token};
///
/// let keys = [ReplyKey::new([1u8; 32])?, ReplyKey::new([2u8; 32])?];
/// let (tenant, ticket) = (TenantId::from_u128(1), TicketId::from_u128(42));
/// // Signed with the old key, still read after the new one went first.
/// let token = reply_token(&keys[1], tenant, ticket, "ann@customer.test");
/// assert_eq!(token.len(), 42);
/// assert_eq!(verify_reply_token(&token, tenant, "ann@customer.test", &keys), Some(ticket));
/// assert_eq!(verify_reply_token(&token, tenant, "ann@customer.test", &keys[..1]), None);
/// assert_eq!(verify_reply_token(&token, tenant, "bob@customer.test", &keys), None);
/// # Ok::<(), helpdesk_smtp::SmtpError>(())
/// ```
pub fn reply_token(key: &ReplyKey, tenant: TenantId, ticket: TicketId, recipient: &str) -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    bytes[..16].copy_from_slice(ticket.as_uuid().as_bytes());
    let signature = key.mac(tenant, ticket, recipient).finalize().into_bytes();
    bytes[16..].copy_from_slice(&signature[..MAC_BYTES]);
    encode(&bytes)
}

/// The ticket `token` names, if one of `keys` signed it for `tenant` in
/// mail to `sender` (whose letters' case is ignored, as the token's is).
/// The signature is compared in constant time.
pub fn verify_reply_token(
    token: &str,
    tenant: TenantId,
    sender: &str,
    keys: &[ReplyKey],
) -> Option<TicketId> {
    let bytes = decode(token)?;
    let mut id = [0u8; 16];
    id.copy_from_slice(&bytes[..16]);
    let ticket = TicketId::from_uuid(uuid::Uuid::from_bytes(id));
    keys.iter()
        .any(|key| {
            key.mac(tenant, ticket, sender)
                .verify_truncated_left(&bytes[16..])
                .is_ok()
        })
        .then_some(ticket)
}

/// Lowercase base32 without padding.
fn encode(bytes: &[u8; TOKEN_BYTES]) -> String {
    let mut out = String::with_capacity(TOKEN_LEN);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// The bytes of a token, if it is [`TOKEN_LEN`] characters of base32 in
/// either case whose unused last bits are zero.
fn decode(token: &str) -> Option<[u8; TOKEN_BYTES]> {
    if token.len() != TOKEN_LEN {
        return None;
    }
    let mut out = [0u8; TOKEN_BYTES];
    let (mut buffer, mut bits, mut at) = (0u32, 0u32, 0usize);
    for c in token.bytes() {
        let value = match c.to_ascii_lowercase() {
            c @ b'a'..=b'z' => c - b'a',
            c @ b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        buffer = (buffer << 5) | u32::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            *out.get_mut(at)? = (buffer >> bits) as u8;
            at += 1;
        }
        buffer &= (1 << bits) - 1;
    }
    (at == TOKEN_BYTES && buffer == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_forgeries_fail() {
        const ANN: &str = "ann@customer.test";
        let key = ReplyKey::new([9u8; 32]).expect("long enough");
        let tenant = TenantId::from_u128(7);
        for n in [0u128, 1, u128::MAX, 0x0123_4567_89ab_cdef] {
            let ticket = TicketId::from_u128(n);
            let token = reply_token(&key, tenant, ticket, ANN);
            assert_eq!(token.len(), TOKEN_LEN);
            assert!(token.bytes().all(|b| ALPHABET.contains(&b)));
            assert_eq!(
                verify_reply_token(&token, tenant, ANN, std::slice::from_ref(&key)),
                Some(ticket)
            );
            // Another sender, even one the address only starts or ends
            // like, is refused.
            for sender in [
                "bob@customer.test",
                "ann@customer.tes",
                "nn@customer.test",
                "",
            ] {
                assert_eq!(
                    verify_reply_token(&token, tenant, sender, std::slice::from_ref(&key)),
                    None
                );
            }
            // Every single changed character is refused.
            for i in 0..token.len() {
                let mut forged = token.clone().into_bytes();
                forged[i] = if forged[i] == b'a' { b'b' } else { b'a' };
                let forged = String::from_utf8(forged).expect("ascii");
                assert_eq!(
                    verify_reply_token(&forged, tenant, ANN, std::slice::from_ref(&key)),
                    None
                );
            }
        }
    }

    #[test]
    fn a_mailbox_with_a_detail_or_too_long_is_refused() {
        let key = || vec![ReplyKey::new([9u8; 32]).expect("long enough")];
        let detail = ReplyTo::new("support+x@example.com", key());
        assert!(matches!(detail.check(), Err(SmtpError::ReplyDetail { .. })));
        let long = ReplyTo::new(
            format!("{}@example.com", "s".repeat(LOCAL_PART_MAX + 1)),
            key(),
        );
        assert!(matches!(long.check(), Err(SmtpError::ReplyTooLong { .. })));
        let longest = ReplyTo::new(format!("{}@example.com", "s".repeat(LOCAL_PART_MAX)), key());
        assert!(longest.check().is_ok());
        let no_key = ReplyTo::new("support@example.com", vec![]);
        assert!(matches!(no_key.check(), Err(SmtpError::NoReplyKey)));
    }
}
