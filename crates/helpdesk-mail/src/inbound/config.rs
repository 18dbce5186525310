//! [`InboundConfig`]: what one mailbox of the desk accepts, and how it
//! treats senders it cannot vouch for.

use std::time::Duration;

use helpdesk_core::{ActorId, TenantId};
use helpdesk_smtp::ReplyTo;

use crate::mail::Limits;

/// What to do with mail from an address the host's [`Senders`](crate::Senders)
/// does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownSenders {
    /// Treat the address as a requester of its own (the usual help desk:
    /// anyone may write in).
    Accept,
    /// Ignore the mail ([`Ignored::UnknownSender`](crate::Ignored::UnknownSender)).
    Refuse,
    /// Hold it for a person to look at ([`Held::UnknownSender`](crate::Held::UnknownSender)).
    Hold,
}

/// What to do with a mail that names a ticket while nothing vouches for its
/// sender: neither the receiving server's DMARC verdict nor the ticket's
/// reply token. Its `From` may be forged, so it never becomes a reply on
/// that ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unverified {
    /// Open a new ticket from it, as from a stranger.
    NewTicket,
    /// Hold it for a person to look at ([`Held::Unverified`](crate::Held::Unverified)).
    Hold,
}

/// One mailbox of the desk: its tenant, its own addresses, the keys of its
/// reply tokens, whom it trusts, and its limits.
///
/// ```
/// use helpdesk_core::{ActorId, TenantId};
/// use helpdesk_mail::{InboundConfig, UnknownSenders};
///
/// let mut config = InboundConfig::new(TenantId::from_u128(1), ActorId::from_u128(1), "support@example.com");
/// config.trusted_servers = vec!["mx.example.com".into()];
/// assert_eq!(config.unknown_senders, UnknownSenders::Accept);
/// assert!(config.is_own_address("Support@Example.com"));
/// ```
#[derive(Debug, Clone)]
pub struct InboundConfig {
    /// The tenant the mailbox belongs to.
    pub tenant: TenantId,
    /// The system actor that records what no person did (a delivery
    /// failure, a link to an older ticket).
    pub system: ActorId,
    /// The desk's own addresses: mail from them is the desk's own, come
    /// back, and is ignored.
    pub addresses: Vec<String>,
    /// The domains of the Message-IDs the desk sends (the SMTP notifier's
    /// `domain`).
    pub message_domains: Vec<String>,
    /// The reply address and its keys, to verify reply tokens.
    pub reply_to: Option<ReplyTo>,
    /// The authserv-ids of the host's own receiving servers, whose
    /// `Authentication-Results` count.
    pub trusted_servers: Vec<String>,
    /// Mail from addresses the host does not know.
    pub unknown_senders: UnknownSenders,
    /// Mail naming a ticket whose sender nothing vouches for.
    pub unverified: Unverified,
    /// How long after a ticket is resolved a reply still reopens it; a
    /// later mail opens a new ticket linked to it. Closed, cancelled and
    /// merged-away tickets are never reopened by mail.
    pub reopen_window: Duration,
    /// What one message may hold.
    pub limits: Limits,
    /// At most this many bytes of attachments a mail: files past it are
    /// left out and named, with their size and the limit, at the end of the
    /// ticket's description or the reply; the original mail, kept whole
    /// (within [`Limits::max_message_bytes`]), still holds them.
    pub max_attachment_bytes: usize,
    /// At most this many bytes an attachment: a larger file is left out
    /// and named as above.
    pub max_file_bytes: usize,
}

impl InboundConfig {
    /// A mailbox at `address` for `tenant`: anyone may write in, unverified
    /// mail on a ticket opens a new one, replies reopen within 14 days,
    /// default limits, 25 MiB of attachments a mail and 20 MiB a file.
    pub fn new(tenant: TenantId, system: ActorId, address: impl Into<String>) -> Self {
        let address = address.into();
        let domain = address.rsplit_once('@').map(|(_, d)| d.to_string());
        Self {
            tenant,
            system,
            addresses: vec![address],
            message_domains: domain.into_iter().collect(),
            reply_to: None,
            trusted_servers: Vec::new(),
            unknown_senders: UnknownSenders::Accept,
            unverified: Unverified::NewTicket,
            reopen_window: Duration::from_secs(14 * 24 * 3600),
            limits: Limits::default(),
            max_attachment_bytes: 25 * 1024 * 1024,
            max_file_bytes: 20 * 1024 * 1024,
        }
    }

    /// Whether `address` is one of the desk's own, or a plus-address of one.
    pub fn is_own_address(&self, address: &str) -> bool {
        let base = |a: &str| -> String {
            let (local, domain) = a.rsplit_once('@').unwrap_or((a, ""));
            let local = local.split('+').next().unwrap_or(local);
            format!("{local}@{domain}").to_ascii_lowercase()
        };
        let address = base(address);
        self.addresses.iter().any(|own| base(own) == address)
    }
}
