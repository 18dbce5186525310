//! The [`Ticket`] aggregate: the state its events fold into.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, ActorRef, Role};
use crate::apply::apply;
use crate::asset::AssetRef;
use crate::attachment::AttachmentRef;
use crate::channel::Channel;
use crate::chunked::Chunked;
use crate::comment::{Comment, Visibility};
use crate::event::Event;
use crate::field::FieldValue;
use crate::id::{ActorId, CommentId, GroupId, TenantId, TicketId};
use crate::link::Link;
use crate::number::TicketNumber;
use crate::priority::{Impact, Priority, Urgency};
use crate::resolution::Resolution;
use crate::shared::Shared;
use crate::sla::{Metric, SlaCycle, SlaTrigger, next_due};
use crate::status::{Status, StatusCategory};
use crate::tag::Tag;
use crate::ticket_type::TicketType;

/// A ticket: everything its events say about it.
///
/// A ticket changes only by [`apply`]ing events that
/// [`decide`](crate::decide) produced, so its fields are read-only. A
/// ticket that has no events yet ([`Ticket::new`], version 0) does not
/// exist: the only command it takes is `open`.
///
/// Clones are cheap: a clone shares everything with the original, and
/// [`apply`] on a shared ticket copies the scalar fields and only the text
/// or collection (tags, fields) the event changes. The conversation and
/// the SLA cycles, which grow with the ticket's history, are kept in
/// chunks of a few items that clones share: a reply to a shared ticket
/// copies its last few comments, and an SLA event the few cycles next to
/// the one it changes, never all of them.
/// Stores and engines can hand out snapshots without copying
/// conversations.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use helpdesk_core::*;
///
/// let tenant = TenantId::from_u128(1);
/// let alice = Actor::requester(ActorId::from_u128(10), tenant);
/// let config = DeskConfig::default();
/// let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
/// let ctx = Context::new(&alice, now, &config);
///
/// let mut ticket = Ticket::new(TicketId::from_u128(100));
/// assert!(!ticket.exists());
/// let events = decide(&ticket, Command::Open(NewTicket::new(alice.id, "Printer jams", "")), &ctx)?;
/// for event in &events {
///     apply(&mut ticket, event);
/// }
/// assert_eq!(ticket.status().category, StatusCategory::New);
/// assert_eq!(ticket.priority(), Priority::P3);
/// assert_eq!(ticket.version(), 1);
/// assert_eq!(Ticket::replay(ticket.id(), &events), ticket);
/// # Ok::<(), DomainError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ticket {
    pub(crate) state: Arc<TicketState>,
}

/// What a ticket holds, shared by its clones. Its texts and collections
/// sit behind their own `Arc`s, so copying the state for a change copies
/// none of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct TicketState {
    pub(crate) id: TicketId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) number: Option<TicketNumber>,
    pub(crate) tenant: TenantId,
    pub(crate) requester: ActorId,
    pub(crate) subject: Arc<str>,
    pub(crate) description: Arc<str>,
    pub(crate) channel: Channel,
    pub(crate) ticket_type: TicketType,
    pub(crate) status: Status,
    pub(crate) impact: Impact,
    pub(crate) urgency: Urgency,
    pub(crate) priority: Priority,
    pub(crate) priority_overridden: bool,
    pub(crate) group: Option<GroupId>,
    pub(crate) assignee: Option<ActorId>,
    pub(crate) tags: Shared<BTreeSet<Tag>>,
    pub(crate) fields: Shared<BTreeMap<String, FieldValue>>,
    pub(crate) assets: Shared<BTreeSet<AssetRef>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) attachments: Shared<Vec<AttachmentRef>>,
    pub(crate) conversation: Chunked<Comment>,
    pub(crate) links: Shared<BTreeSet<Link>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) watchers: Shared<BTreeMap<ActorId, Role>>,
    pub(crate) resolution: Option<Resolution>,
    pub(crate) merged_into: Option<TicketId>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub(crate) merged_from: Shared<BTreeSet<TicketId>>,
    pub(crate) requester_email: Option<Arc<str>>,
    pub(crate) organization: Option<Arc<str>>,
    pub(crate) tier: Option<String>,
    pub(crate) escalations: Shared<BTreeSet<String>>,
    pub(crate) reassignments: u32,
    pub(crate) sla_policy: Option<String>,
    pub(crate) sla: Chunked<SlaCycle>,
    pub(crate) created_by: Option<ActorRef>,
    #[serde(with = "crate::rfc3339")]
    pub(crate) created_at: DateTime<Utc>,
    #[serde(with = "crate::rfc3339")]
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) version: u64,
}

impl Ticket {
    /// A ticket with id `id` and no history yet. It does not exist until an
    /// `open` command's event is applied.
    pub fn new(id: TicketId) -> Self {
        Self {
            state: Arc::new(TicketState {
                id,
                number: None,
                tenant: TenantId::from_u128(0),
                requester: ActorId::from_u128(0),
                subject: Arc::from(""),
                description: Arc::from(""),
                channel: Channel::Api,
                ticket_type: TicketType::Incident,
                status: Status::from(StatusCategory::New),
                impact: Impact::Medium,
                urgency: Urgency::Medium,
                priority: Priority::P3,
                priority_overridden: false,
                group: None,
                assignee: None,
                tags: Shared::default(),
                fields: Shared::default(),
                assets: Shared::default(),
                attachments: Shared::default(),
                conversation: Chunked::new(),
                links: Shared::default(),
                watchers: Shared::default(),
                resolution: None,
                merged_into: None,
                merged_from: Shared::default(),
                requester_email: None,
                organization: None,
                tier: None,
                escalations: Shared::default(),
                reassignments: 0,
                sla_policy: None,
                sla: Chunked::new(),
                created_by: None,
                created_at: DateTime::UNIX_EPOCH,
                updated_at: DateTime::UNIX_EPOCH,
                version: 0,
            }),
        }
    }

    /// Rebuilds a ticket from its history, oldest event first.
    pub fn replay<'a>(id: TicketId, events: impl IntoIterator<Item = &'a Event>) -> Self {
        let mut ticket = Self::new(id);
        for event in events {
            apply(&mut ticket, event);
        }
        ticket
    }

    /// Whether the ticket has been opened (it has at least one event).
    pub fn exists(&self) -> bool {
        self.state.version > 0
    }

    /// The ticket's id.
    pub fn id(&self) -> TicketId {
        self.state.id
    }

    /// Its number in its tenant (`#1042`), set once when it opened;
    /// `None` for a ticket opened without one (by `decide` with no
    /// [`Context::number`](crate::Context::number)).
    pub fn number(&self) -> Option<TicketNumber> {
        self.state.number
    }

    /// The tenant it belongs to.
    pub fn tenant(&self) -> TenantId {
        self.state.tenant
    }

    /// Who asked for help.
    pub fn requester(&self) -> ActorId {
        self.state.requester
    }

    /// The one-line summary.
    pub fn subject(&self) -> &str {
        &self.state.subject
    }

    /// The full description.
    pub fn description(&self) -> &str {
        &self.state.description
    }

    /// How it came in.
    pub fn channel(&self) -> Channel {
        self.state.channel
    }

    /// What kind of work it is.
    pub fn ticket_type(&self) -> TicketType {
        self.state.ticket_type
    }

    /// The current status.
    pub fn status(&self) -> &Status {
        &self.state.status
    }

    /// The assessed impact.
    pub fn impact(&self) -> Impact {
        self.state.impact
    }

    /// The assessed urgency.
    pub fn urgency(&self) -> Urgency {
        self.state.urgency
    }

    /// The priority: from the matrix, or set by hand when
    /// [`priority_overridden`](Self::priority_overridden).
    pub fn priority(&self) -> Priority {
        self.state.priority
    }

    /// Whether the priority was set by hand and no longer follows the matrix.
    pub fn priority_overridden(&self) -> bool {
        self.state.priority_overridden
    }

    /// The group working on it.
    pub fn group(&self) -> Option<GroupId> {
        self.state.group
    }

    /// The agent working on it.
    pub fn assignee(&self) -> Option<ActorId> {
        self.state.assignee
    }

    /// Its tags.
    pub fn tags(&self) -> &BTreeSet<Tag> {
        &self.state.tags
    }

    /// Its custom field values, by key.
    pub fn fields(&self) -> &BTreeMap<String, FieldValue> {
        &self.state.fields
    }

    /// The assets it is about.
    pub fn assets(&self) -> &BTreeSet<AssetRef> {
        &self.state.assets
    }

    /// The files that came with the ticket's description (a comment's
    /// files are on the comment).
    pub fn attachments(&self) -> &[AttachmentRef] {
        &self.state.attachments
    }

    /// Public replies and internal notes, oldest first (newest first with
    /// [`rev`](Iterator::rev)). Use [`view_for`](Self::view_for) before
    /// showing a ticket to a requester.
    ///
    /// The iterator knows its length, and reaches the newest comment
    /// ([`last`](Iterator::last)) or the one at an index
    /// ([`nth`](Iterator::nth)) without walking the others.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use helpdesk_core::*;
    ///
    /// let tenant = TenantId::from_u128(1);
    /// let alice = Actor::requester(ActorId::from_u128(10), tenant);
    /// let config = DeskConfig::default();
    /// let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    /// let ctx = Context::new(&alice, now, &config);
    /// let mut ticket = Ticket::new(TicketId::from_u128(100));
    /// for command in [
    ///     Command::Open(NewTicket::new(alice.id, "Printer jams", "")),
    ///     Command::Reply { comment: CommentId::from_u128(1), body: "Still jams".into(), attachments: Vec::new() },
    ///     Command::Reply { comment: CommentId::from_u128(2), body: "Now it smokes".into(), attachments: Vec::new() },
    /// ] {
    ///     for event in decide(&ticket, command, &ctx)? {
    ///         apply(&mut ticket, &event);
    ///     }
    /// }
    /// assert_eq!(ticket.conversation().len(), 2);
    /// assert_eq!(ticket.conversation().nth(0).map(|c| c.body.as_str()), Some("Still jams"));
    /// assert_eq!(ticket.conversation().last().map(|c| c.id), Some(CommentId::from_u128(2)));
    /// assert!(ticket.conversation().all(|c| c.visibility == Visibility::Public));
    /// # Ok::<(), DomainError>(())
    /// ```
    pub fn conversation(
        &self,
    ) -> impl ExactSizeIterator<Item = &Comment> + DoubleEndedIterator + Clone {
        self.state.conversation.iter()
    }

    /// The comment with `id`, if the conversation holds it.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use helpdesk_core::*;
    /// # let alice = Actor::requester(ActorId::from_u128(10), TenantId::from_u128(1));
    /// # let config = DeskConfig::default();
    /// # let ctx = Context::new(&alice, Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(), &config);
    /// # let mut ticket = Ticket::new(TicketId::from_u128(100));
    /// # for command in [
    /// #     Command::Open(NewTicket::new(alice.id, "Printer jams", "")),
    /// #     Command::Reply { comment: CommentId::from_u128(1), body: "Still jams".into(), attachments: Vec::new() },
    /// # ] {
    /// #     for event in decide(&ticket, command, &ctx)? {
    /// #         apply(&mut ticket, &event);
    /// #     }
    /// # }
    /// assert_eq!(ticket.comment(CommentId::from_u128(1)).map(|c| c.body.as_str()), Some("Still jams"));
    /// assert!(ticket.comment(CommentId::from_u128(2)).is_none());
    /// # Ok::<(), DomainError>(())
    /// ```
    pub fn comment(&self, id: CommentId) -> Option<&Comment> {
        self.state.conversation.iter().find(|c| c.id == id)
    }

    /// Its links to other tickets.
    pub fn links(&self) -> &BTreeSet<Link> {
        &self.state.links
    }

    /// Who watches it, each with the role they are told in, by id. Rules
    /// that name `watchers` tell each of them what their role may see.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use helpdesk_core::*;
    /// # let tenant = TenantId::from_u128(1);
    /// # let config = DeskConfig::default();
    /// # let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    /// let alice = Actor::requester(ActorId::from_u128(10), tenant);
    /// let bob = Actor::agent(ActorId::from_u128(20), tenant, []);
    /// let mut ticket = Ticket::new(TicketId::from_u128(100));
    /// for command in [
    ///     Command::Open(NewTicket::new(alice.id, "Printer jams", "")),
    ///     Command::Watch { watcher: bob.as_ref() },
    /// ] {
    ///     for event in decide(&ticket, command, &Context::new(&bob, now, &config))? {
    ///         apply(&mut ticket, &event);
    ///     }
    /// }
    /// assert_eq!(ticket.watchers().collect::<Vec<_>>(), [bob.as_ref()]);
    /// assert_eq!(ticket.watcher(bob.id), Some(bob.as_ref()));
    /// assert_eq!(ticket.watcher(alice.id), None);
    /// # Ok::<(), DomainError>(())
    /// ```
    pub fn watchers(&self) -> impl ExactSizeIterator<Item = ActorRef> + Clone + '_ {
        self.state
            .watchers
            .iter()
            .map(|(&id, &role)| ActorRef { id, role })
    }

    /// The watcher with `id`, with their role, if they watch the ticket.
    pub fn watcher(&self, id: ActorId) -> Option<ActorRef> {
        self.state
            .watchers
            .get(&id)
            .map(|&role| ActorRef { id, role })
    }

    /// How it was resolved, while resolved or closed.
    pub fn resolution(&self) -> Option<&Resolution> {
        self.state.resolution.as_ref()
    }

    /// The ticket it was merged into, once merged.
    pub fn merged_into(&self) -> Option<TicketId> {
        self.state.merged_into
    }

    /// The tickets merged into this one, each recorded once (see
    /// [`Command::AcceptMerge`](crate::Command::AcceptMerge)).
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use helpdesk_core::*;
    /// # let tenant = TenantId::from_u128(1);
    /// # let config = DeskConfig::default();
    /// # let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    /// let system = Actor::system(ActorId::from_u128(1), tenant);
    /// let ctx = Context::new(&system, now, &config);
    /// let (duplicate, survivor) = (TicketId::from_u128(7), TicketId::from_u128(8));
    /// let mut ticket = Ticket::new(survivor);
    /// let open = Command::Open(NewTicket::new(ActorId::from_u128(10), "Mail down", ""));
    /// let merge = Command::Merge { into: survivor };
    /// let (_, accept) = merge.counterpart(duplicate).unwrap();
    /// for command in [open, accept] {
    ///     for event in decide(&ticket, command, &ctx)? {
    ///         apply(&mut ticket, &event);
    ///     }
    /// }
    /// assert!(ticket.merged_from().contains(&duplicate));
    /// # Ok::<(), DomainError>(())
    /// ```
    pub fn merged_from(&self) -> &BTreeSet<TicketId> {
        &self.state.merged_from
    }

    /// The requester's email address, if known.
    pub fn requester_email(&self) -> Option<&str> {
        self.state.requester_email.as_deref()
    }

    /// The requester's organisation, if known.
    pub fn organization(&self) -> Option<&str> {
        self.state.organization.as_deref()
    }

    /// The escalation tier (by key) the ticket is on, if any.
    pub fn tier(&self) -> Option<&str> {
        self.state.tier.as_deref()
    }

    /// The escalation rules (by name) that have fired on the ticket; each
    /// fires at most once.
    pub fn escalations(&self) -> &BTreeSet<String> {
        &self.state.escalations
    }

    /// How many times the ticket changed from one assignee to another.
    pub fn reassignments(&self) -> u32 {
        self.state.reassignments
    }

    /// The key of the SLA policy that applies, if any.
    pub fn sla_policy(&self) -> Option<&str> {
        self.state.sla_policy.as_deref()
    }

    /// Every SLA cycle the ticket has had, oldest first (newest first with
    /// [`rev`](Iterator::rev)), of every metric.
    pub fn sla(&self) -> impl ExactSizeIterator<Item = &SlaCycle> + DoubleEndedIterator + Clone {
        self.state.sla.iter()
    }

    /// The cycle numbered `cycle` (from 1) of `metric`'s clock, if it has
    /// started.
    pub fn sla_cycle(&self, metric: Metric, cycle: u32) -> Option<&SlaCycle> {
        self.state
            .sla
            .iter()
            .rev()
            .find(|c| c.metric == metric && c.cycle == cycle)
    }

    /// The earliest SLA warning or breach not yet recorded, with its
    /// instant: when a scheduler should run
    /// [`Command::CheckSla`](crate::Command::CheckSla) next. The instants are
    /// computed when clocks start, pause, resume or change target, so no
    /// clock reading is needed here; an instant in the past is overdue and
    /// the next `CheckSla` records it. `None` when no running clock has
    /// anything left to record.
    pub fn next_sla_due(&self) -> Option<(DateTime<Utc>, SlaTrigger)> {
        next_due(&self.state.sla)
    }

    /// The earliest timed escalation (no agent response) still to fire on
    /// the ticket under `config`, with the rule's name: when a scheduler
    /// should run [`Command::CheckSla`](crate::Command::CheckSla) for it.
    pub fn next_escalation_due(
        &self,
        config: &crate::DeskConfig,
    ) -> Option<(DateTime<Utc>, String)> {
        crate::escalation::next_due(self, config)
    }

    /// Who opened it.
    pub fn created_by(&self) -> Option<ActorRef> {
        self.state.created_by
    }

    /// When it was opened.
    pub fn created_at(&self) -> DateTime<Utc> {
        self.state.created_at
    }

    /// When its last event happened.
    pub fn updated_at(&self) -> DateTime<Utc> {
        self.state.updated_at
    }

    /// How many events it has had; the expected version for the next append.
    pub fn version(&self) -> u64 {
        self.state.version
    }

    /// Whether `actor` may see this ticket at all: same tenant, and then a
    /// requester sees their own tickets, agents and supervisors the tickets
    /// of their groups, tickets in no group and tickets assigned to them,
    /// admins and the system every ticket of the tenant.
    pub fn is_visible_to(&self, actor: &Actor) -> bool {
        if !self.exists() || actor.tenant != self.state.tenant {
            return false;
        }
        actor.reaches(self.state.requester, self.state.group, self.state.assignee)
    }

    /// The ticket as `actor` may see it, or `None` when they may not see it
    /// at all (see [`is_visible_to`](Self::is_visible_to)). Requesters get a
    /// copy without internal notes, whose watchers are the requester-role
    /// ones only: who follows the ticket on the desk's side is staff's.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use helpdesk_core::*;
    /// # let tenant = TenantId::from_u128(1);
    /// # let config = DeskConfig::default();
    /// # let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    /// let alice = Actor::requester(ActorId::from_u128(10), tenant);
    /// let bob = Actor::agent(ActorId::from_u128(20), tenant, []);
    /// let mut ticket = Ticket::new(TicketId::from_u128(100));
    /// for (actor, command) in [
    ///     (&alice, Command::Open(NewTicket::new(alice.id, "Printer jams", ""))),
    ///     (&bob, Command::note(CommentId::from_u128(1), "Known issue")),
    /// ] {
    ///     for event in decide(&ticket, command, &Context::new(actor, now, &config))? {
    ///         apply(&mut ticket, &event);
    ///     }
    /// }
    /// assert_eq!(ticket.conversation().len(), 1);
    /// assert_eq!(ticket.view_for(&alice).unwrap().conversation().len(), 0);
    /// let stranger = Actor::requester(ActorId::from_u128(11), tenant);
    /// assert!(ticket.view_for(&stranger).is_none());
    /// # Ok::<(), DomainError>(())
    /// ```
    pub fn view_for(&self, actor: &Actor) -> Option<Ticket> {
        if !self.is_visible_to(actor) {
            return None;
        }
        let mut view = self.clone();
        if actor.role.is_staff() {
            return Some(view);
        }
        let public = |comment: &&Comment| comment.visibility == Visibility::Public;
        if !self.state.conversation.iter().all(|c| public(&c)) {
            Arc::make_mut(&mut view.state).conversation = self
                .state
                .conversation
                .iter()
                .filter(public)
                .cloned()
                .collect();
        }
        if self.state.watchers.values().any(|role| role.is_staff()) {
            let requesters = self
                .state
                .watchers
                .iter()
                .filter(|(_, role)| !role.is_staff())
                .map(|(&id, &role)| (id, role))
                .collect();
            Arc::make_mut(&mut view.state).watchers = Shared::new(requesters);
        }
        Some(view)
    }
}

impl fmt::Debug for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.state, f)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::{Command, CommentId, Context, DeskConfig, NewTicket, decide};

    /// A ticket with a reply, an internal note and a tag.
    fn worked_on() -> (Ticket, Actor, Actor) {
        let tenant = TenantId::from_u128(1);
        let alice = Actor::requester(ActorId::from_u128(10), tenant);
        let bob = Actor::agent(ActorId::from_u128(20), tenant, []);
        let config = DeskConfig::default();
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single();
        let mut ticket = Ticket::new(TicketId::from_u128(100));
        for (actor, command) in [
            (
                &alice,
                Command::Open(NewTicket::new(alice.id, "Printer jams", "Floor 3")),
            ),
            (
                &bob,
                Command::Reply {
                    comment: CommentId::from_u128(1),
                    body: "On it".into(),
                    attachments: Vec::new(),
                },
            ),
            (&bob, Command::note(CommentId::from_u128(2), "Known")),
            (
                &bob,
                Command::Tag {
                    tag: "printer".into(),
                },
            ),
        ] {
            let ctx = Context::new(actor, now.unwrap_or_default(), &config);
            for event in decide(&ticket, command, &ctx).unwrap_or_else(|e| panic!("{e}")) {
                apply(&mut ticket, &event);
            }
        }
        (ticket, alice, bob)
    }

    #[test]
    fn applying_to_a_clone_leaves_the_original_as_it_was() {
        let (original, _, bob) = worked_on();
        let before = original.clone();
        let mut copy = original.clone();
        let config = DeskConfig::default();
        let ctx = Context::new(&bob, original.updated_at(), &config);
        for command in [
            Command::Tag {
                tag: "urgent".into(),
            },
            Command::Untag {
                tag: "printer".into(),
            },
            Command::Reply {
                comment: CommentId::from_u128(3),
                body: "Fixed".into(),
                attachments: Vec::new(),
            },
        ] {
            for event in decide(&copy, command, &ctx).unwrap_or_else(|e| panic!("{e}")) {
                apply(&mut copy, &event);
            }
        }
        assert_eq!(original, before);
        assert_eq!(original.conversation().len(), 2);
        assert_eq!(copy.conversation().len(), 3);
        let tags = |t: &Ticket| t.tags().iter().map(|t| t.to_string()).collect::<Vec<_>>();
        assert_eq!(tags(&original), ["printer"]);
        assert_eq!(tags(&copy), ["urgent"]);
    }

    #[test]
    fn a_reply_on_a_shared_clone_keeps_the_original_and_shares_earlier_comments() {
        let (mut original, _, bob) = worked_on();
        let config = DeskConfig::default();
        let ctx = Context::new(&bob, original.updated_at(), &config);
        let reply = |ticket: &mut Ticket, id: u128| {
            let command = Command::Reply {
                comment: CommentId::from_u128(id),
                body: format!("Reply {id}"),
                attachments: Vec::new(),
            };
            for event in decide(ticket, command, &ctx).unwrap_or_else(|e| panic!("{e}")) {
                apply(ticket, &event);
            }
        };
        for id in 3..50 {
            reply(&mut original, id);
        }
        let before = original.clone();
        let mut copy = original.clone();
        reply(&mut copy, 50);
        assert_eq!(original, before);
        assert_eq!(original.conversation().len(), 49);
        assert_eq!(copy.conversation().len(), 50);
        assert_eq!(
            copy.conversation().last().map(|c| c.body.as_str()),
            Some("Reply 50")
        );
        // Only the last chunk of the conversation was copied: every earlier
        // comment of the copy is the original's, in the same memory.
        let shared = original
            .conversation()
            .zip(copy.conversation())
            .take_while(|(a, b)| std::ptr::eq(*a, *b))
            .count();
        assert!(shared >= 40, "only {shared} of 49 comments shared");
        assert!(
            original
                .conversation()
                .zip(copy.conversation())
                .all(|(a, b)| a == b)
        );
    }

    #[test]
    fn a_requesters_view_drops_notes_without_touching_the_ticket() {
        let (ticket, alice, bob) = worked_on();
        let view = ticket
            .view_for(&alice)
            .unwrap_or_else(|| panic!("alice sees her ticket"));
        assert_eq!(view.conversation().len(), 1);
        assert_eq!(ticket.conversation().len(), 2);
        let staff = ticket
            .view_for(&bob)
            .unwrap_or_else(|| panic!("bob sees the ticket"));
        assert_eq!(staff, ticket);
    }

    #[test]
    fn the_snapshot_form_is_plain_json_and_reads_back_equal() -> Result<(), serde_json::Error> {
        let (ticket, _, _) = worked_on();
        let json = serde_json::to_value(&ticket)?;
        assert_eq!(json["subject"], "Printer jams");
        assert_eq!(json["description"], "Floor 3");
        assert_eq!(json["tags"], serde_json::json!(["printer"]));
        assert_eq!(json["conversation"][1]["body"], "Known");
        let back: Ticket = serde_json::from_value(json)?;
        assert_eq!(back, ticket);
        Ok(())
    }
}
