//! [`Vouched`]: the facts the host asserts about the person and the
//! conversation, as opposed to what a command claims.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::channel::Channel;
use crate::field::FieldValue;
use crate::ticket_type::TicketType;

/// Facts the host vouches for: what it knows about the person and the
/// conversation from its own records, not from what the person typed.
///
/// Routing rules and SLA policies steer on a ticket's organization, email
/// domain, channel, type and custom fields. A requester who could claim
/// them could claim a VIP organization and win a P1, so a requester's
/// [`NewTicket`](crate::NewTicket) may not set the organization, the email
/// address, the channel or the type
/// ([`Forbidden`](crate::DomainError::Forbidden), naming the field). The
/// host puts what it knows (the organization of the signed-in account, the
/// address the mail came from, the door the ticket came through) here and
/// hands it to [`decide`](crate::decide) with
/// [`Context::with_vouched`](crate::Context::with_vouched).
///
/// When a ticket opens, every vouched fact wins over the same fact in the
/// `NewTicket`, whoever sends it. Staff (agents, supervisors, admins and
/// the system) may still set the four facts in a `NewTicket`, to record a
/// phone call, say; a vouched value replaces theirs.
///
/// `fields` holds custom field values the host asserts. A field the
/// configuration marks [`host_only`](crate::FieldDef::host_only) is set
/// only from here: a `NewTicket` or `SetField` naming it is refused for
/// every actor, the system included, so nothing but the host's own records
/// decides it. Vouched fields are checked like any other (a known field, a
/// value of its type within the limits), with paths `vouched.fields.<key>`.
///
/// The facts are read when a ticket opens; other commands ignore them.
/// `Vouched::default()` vouches for nothing.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use helpdesk_core::*;
///
/// // A desk where tickets from ACME's people are P1.
/// let config: DeskConfig = serde_json::from_str(r#"{
///     "fields": [{"key": "plan", "label": "Plan", "host_only": true,
///                 "kind": {"type": "choice", "options": ["free", "gold"]}}],
///     "routing_rules": [{"name": "VIP", "when": {"organization": ["ACME"]},
///                        "then": {"priority": "P1"}}]
/// }"#).unwrap();
/// config.validate().unwrap();
/// let tenant = TenantId::from_u128(1);
/// let alice = Actor::requester(ActorId::from_u128(10), tenant);
/// let router = Actor::system(ActorId::from_u128(1), tenant);
/// let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
/// let blank = Ticket::new(TicketId::from_u128(100));
///
/// // Alice cannot claim to be from ACME...
/// let claim = NewTicket::new(alice.id, "VPN down", "").organization("ACME");
/// let err = decide(&blank, Command::Open(claim), &Context::new(&alice, now, &config)).unwrap_err();
/// assert_eq!(err.to_string(),
///     "a requester may not open this ticket: a requester may not set the organization; the host vouches for it");
///
/// // ...but the host, which knows her account, vouches for it.
/// let vouched = Vouched::new()
///     .organization("ACME")
///     .requester_email("alice@acme.example")
///     .channel(Channel::Email)
///     .field("plan", FieldValue::Choice("gold".into()));
/// let ctx = Context::new(&alice, now, &config).with_vouched(&vouched);
/// let mut ticket = blank.clone();
/// for event in decide(&ticket, Command::Open(NewTicket::new(alice.id, "VPN down", "")), &ctx)? {
///     apply(&mut ticket, &event);
/// }
/// for event in decide(&ticket, Command::Route(Default::default()), &Context::new(&router, now, &config))? {
///     apply(&mut ticket, &event);
/// }
/// assert_eq!(ticket.organization(), Some("ACME"));
/// assert_eq!(ticket.channel(), Channel::Email);
/// assert_eq!(ticket.fields()["plan"], FieldValue::Choice("gold".into()));
/// assert_eq!(ticket.priority(), Priority::P1);
/// # Ok::<(), DomainError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Vouched {
    /// The requester's organization, from the host's account records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// The requester's email address: the account's, or the address a
    /// mail really came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester_email: Option<String>,
    /// How the ticket came in: the door the host received it through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// What kind of work it is, when the host knows (the portal form used,
    /// say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_type: Option<TicketType>,
    /// Custom field values the host asserts, by key; the only way to set a
    /// field marked [`host_only`](crate::FieldDef::host_only).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, FieldValue>,
}

/// The empty set of facts a plain [`Context`](crate::Context) refers to.
static NOTHING: Vouched = Vouched::new();

impl Vouched {
    /// Nothing vouched for; the same as `Vouched::default()`.
    ///
    /// ```
    /// use helpdesk_core::Vouched;
    /// assert!(Vouched::new().is_empty());
    /// assert_eq!(Vouched::new(), Vouched::default());
    /// ```
    pub const fn new() -> Self {
        Self {
            organization: None,
            requester_email: None,
            channel: None,
            ticket_type: None,
            fields: BTreeMap::new(),
        }
    }

    /// A reference to an empty `Vouched` that lives for ever.
    pub(crate) fn nothing() -> &'static Vouched {
        &NOTHING
    }

    /// Whether nothing is vouched for.
    ///
    /// ```
    /// use helpdesk_core::{Channel, Vouched};
    /// assert!(!Vouched::new().channel(Channel::Chat).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self == &NOTHING
    }

    /// Vouches for the requester's organization.
    pub fn organization(mut self, organization: impl Into<String>) -> Self {
        self.organization = Some(organization.into());
        self
    }

    /// Vouches for the requester's email address.
    pub fn requester_email(mut self, email: impl Into<String>) -> Self {
        self.requester_email = Some(email.into());
        self
    }

    /// Vouches for the channel.
    pub fn channel(mut self, channel: Channel) -> Self {
        self.channel = Some(channel);
        self
    }

    /// Vouches for the ticket type.
    pub fn ticket_type(mut self, ticket_type: TicketType) -> Self {
        self.ticket_type = Some(ticket_type);
        self
    }

    /// Vouches for a custom field's value.
    ///
    /// ```
    /// use helpdesk_core::{FieldValue, Vouched};
    /// let vouched: Vouched = serde_json::from_str(r#"{"fields": {"plan": {"choice": "gold"}}}"#).unwrap();
    /// assert_eq!(vouched, Vouched::new().field("plan", FieldValue::Choice("gold".into())));
    /// assert!(serde_json::from_str::<Vouched>(r#"{"vip": true}"#).is_err());
    /// ```
    pub fn field(mut self, key: impl Into<String>, value: FieldValue) -> Self {
        self.fields.insert(key.into(), value);
        self
    }
}
