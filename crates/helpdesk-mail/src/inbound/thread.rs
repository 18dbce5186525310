//! Threading: which ticket a mail answers, in the order the issue of
//! trust demands. First the Message-IDs it replies to (the desk's own sent
//! mail and the mail it received), then the reply address's signed token,
//! then the subject's `[#1042]` tag. Never the subject's text.

use helpdesk_core::{TicketId, TicketNumber};
use helpdesk_engine::Store;
use helpdesk_engine::store::{MessageId, StoreError};

use super::config::InboundConfig;
use super::keys;
use super::subject::subject_tag;
use crate::mail::Mail;

/// How a mail named its ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Named {
    /// By a Message-ID it replies to.
    MessageId(TicketId),
    /// By the reply address's token, which the desk signed for that ticket.
    Token(TicketId),
    /// By the subject's number tag.
    Tag(TicketId),
}

impl Named {
    pub(crate) fn ticket(self) -> TicketId {
        match self {
            Self::MessageId(t) | Self::Token(t) | Self::Tag(t) => t,
        }
    }
}

/// The ticket a mail names, and whether the mail it answers told of what
/// requesters may not see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Thread {
    /// The ticket, and how it was named.
    pub(crate) named: Named,
    /// Whether the mail answers one the desk sent about what requesters
    /// may not see (an internal note): the mail's `In-Reply-To`, or the
    /// newest of its `References` the desk knows, is one.
    pub(crate) answers_internal: bool,
}

/// The ticket `mail` names, if any, in the config's tenant.
pub(crate) async fn named<S: Store>(
    store: &S,
    config: &InboundConfig,
    mail: &Mail,
    recipient: Option<&str>,
) -> Result<Option<Thread>, StoreError> {
    let tenant = config.tenant;
    // In-Reply-To first, then References from the newest back.
    let ids = mail
        .in_reply_to()
        .iter()
        .chain(mail.references().iter().rev());
    let token = by_token(config, mail, recipient);
    for id in ids {
        let Ok(id) = MessageId::new(id) else { continue };
        if let Some(ticket) = by_message_id(store, config, &id).await? {
            // The token of the same ticket vouches for the sender, as it
            // would alone.
            let named = if token == Some(ticket) {
                Named::Token(ticket)
            } else {
                Named::MessageId(ticket)
            };
            return Ok(Some(Thread {
                named,
                answers_internal: tells_internal(config, &id),
            }));
        }
    }
    let plain = |named| {
        Some(Thread {
            named,
            answers_internal: false,
        })
    };
    if let Some(ticket) = token {
        return Ok(plain(Named::Token(ticket)));
    }
    if let Some(number) = mail
        .subject()
        .and_then(subject_tag)
        .and_then(TicketNumber::new)
    {
        if let Some(ticket) = store.ticket_by_number(tenant, number).await? {
            return Ok(plain(Named::Tag(ticket)));
        }
    }
    Ok(None)
}

/// Whether `id` is of a mail the desk sent, at one of its domains, about
/// what requesters may not see.
fn tells_internal(config: &InboundConfig, id: &MessageId) -> bool {
    desk_domain(config, id) && id.id_left().is_some_and(|left| left.tells_internal())
}

/// Whether `id` is at one of the desk's own domains.
fn desk_domain(config: &InboundConfig, id: &MessageId) -> bool {
    id.as_str().rsplit_once('@').is_some_and(|(_, domain)| {
        config
            .message_domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain))
    })
}

/// The ticket whose signed reply token is in an address the mail was sent
/// to (the envelope recipient, `Delivered-To`, `To` or `Cc`), signed for the
/// mail's sender: a token that reached someone else vouches for no one.
fn by_token(config: &InboundConfig, mail: &Mail, recipient: Option<&str>) -> Option<TicketId> {
    let reply_to = config.reply_to.as_ref()?;
    let delivered = mail.header_values("Delivered-To").map(str::trim);
    recipient
        .into_iter()
        .chain(delivered)
        .chain(mail.to().iter().map(|m| m.address()))
        .chain(mail.cc().iter().map(|m| m.address()))
        .find_map(|address| reply_to.ticket_of(address, config.tenant, mail.from().address()))
}

/// The ticket of a Message-ID the desk sent or received.
pub(crate) async fn by_message_id<S: Store>(
    store: &S,
    config: &InboundConfig,
    id: &MessageId,
) -> Result<Option<TicketId>, StoreError> {
    // The places of the sender rate are bound to tickets, but name none.
    if keys::is_rate_place(id) {
        return Ok(None);
    }
    if let Some(ticket) = sent_by_desk(store, config, id).await? {
        return Ok(Some(ticket));
    }
    store.ticket_of_message(config.tenant, id).await
}

/// A Message-ID the desk made: `<ticket-{id}@domain>` (the thread's root)
/// or `<{delivery id}@domain>` (one notification), at one of its domains.
async fn sent_by_desk<S: Store>(
    store: &S,
    config: &InboundConfig,
    id: &MessageId,
) -> Result<Option<TicketId>, StoreError> {
    let Some((left, _)) = id.as_str().rsplit_once('@') else {
        return Ok(None);
    };
    if !desk_domain(config, id) {
        return Ok(None);
    }
    if let Some(ticket) = left.strip_prefix("ticket-") {
        let Ok(ticket) = ticket.parse::<uuid::Uuid>() else {
            return Ok(None);
        };
        let ticket = TicketId::from(ticket);
        // Only a ticket of this tenant: another tenant's id names nothing.
        let found = store.load(config.tenant, ticket).await?;
        return Ok(found.map(|_| ticket));
    }
    match delivery_key(config, id) {
        Some(key) => store.ticket_of_message(config.tenant, &key).await,
        None => Ok(None),
    }
}

/// The key a mail the desk sent is remembered under, when `id` could be
/// the Message-ID of one: its `id-left` (the delivery id,
/// [`MessageId::of_delivery`]), when its `id-right` is one of the desk's
/// domains, in any case. So one sent mail has one key, however its domain
/// is spelt; the thread's root `<ticket-{id}@domain>`, which no mail
/// carries as its own, is remembered under no key.
pub(crate) fn delivery_key(config: &InboundConfig, id: &MessageId) -> Option<MessageId> {
    desk_domain(config, id)
        .then(|| id.id_left())
        .flatten()
        .filter(|left| !keys::is_rate_place(left))
}
