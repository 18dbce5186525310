//! Events: the facts a ticket's history is made of. [`apply`](crate::apply)
//! folds them into a [`Ticket`](crate::Ticket); replaying a ticket's events
//! rebuilds it exactly.
//!
//! # Stored form
//!
//! Stores keep events for years, so their JSON form is stable and
//! versioned. Every event serializes as
//!
//! ```json
//! {"v": 1, "type": "replied", "at": "2026-03-02T09:15:00Z",
//!  "by": {"id": "…", "role": "agent"}, "data": {"comment": "…", "body": "…"}}
//! ```
//!
//! `v` is the schema version ([`Event::SCHEMA_VERSION`]); `type` names the
//! change and `data` holds its fields (absent for changes without any);
//! fields may come in any order.
//! Reading an event of a newer schema version fails with a clear error
//! rather than guessing. Golden files under `tests/golden/events/` pin the
//! form of every change type.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::actor::ActorRef;
use crate::asset::AssetRef;
use crate::attachment::AttachmentRef;
use crate::channel::Channel;
use crate::comment::Visibility;
use crate::field::FieldValue;
use crate::id::{ActorId, CommentId, GroupId, TenantId, TicketId};
use crate::link::Link;
use crate::number::TicketNumber;
use crate::priority::{Impact, Priority, PriorityReason, Urgency};
use crate::resolution::Resolution;
use crate::rfc3339;
use crate::sla::{Metric, Outcome, Retargeted, Schedule, Started, Warning};
use crate::status::Status;
use crate::tag::Tag;
use crate::ticket_type::TicketType;

mod decode;

/// One fact in a ticket's history: what changed, when, and who did it.
///
/// ```
/// use helpdesk_core::{ActorId, ActorRef, Change, Event, Role};
/// use chrono::{TimeZone, Utc};
///
/// let event = Event::new(
///     Utc.with_ymd_and_hms(2026, 3, 2, 9, 15, 0).unwrap(),
///     ActorRef { id: ActorId::from_u128(2), role: Role::Agent },
///     Change::Closed,
/// );
/// let json = serde_json::to_string(&event).unwrap();
/// assert_eq!(json, r#"{"v":1,"at":"2026-03-02T09:15:00Z","by":{"id":"00000000-0000-0000-0000-000000000002","role":"agent"},"type":"closed"}"#);
/// assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), event);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// When it happened (the command's `now`).
    pub at: DateTime<Utc>,
    /// Who caused it.
    pub by: ActorRef,
    /// What changed.
    pub change: Change,
    /// Why, when a rule of the desk caused it (a routing or escalation
    /// rule) rather than the actor's own choice. Omitted from the stored
    /// form when absent.
    pub cause: Option<Cause>,
}

/// The rule of the desk configuration that caused an event, so the audit
/// trail says why a ticket went where it went.
///
/// ```
/// use helpdesk_core::Cause;
/// let cause = Cause::RoutingRule { rule: "VPN to network".into() };
/// assert_eq!(cause.to_string(), "routing rule \"VPN to network\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cause {
    /// A routing rule, by name.
    RoutingRule {
        /// The rule's name.
        rule: String,
    },
    /// An escalation rule, by name.
    Escalation {
        /// The rule's name.
        rule: String,
    },
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::RoutingRule { rule } => write!(f, "routing rule {rule:?}"),
            Cause::Escalation { rule } => write!(f, "escalation rule {rule:?}"),
        }
    }
}

impl Event {
    /// The schema version written into every event's `v` field.
    pub const SCHEMA_VERSION: u16 = 1;

    /// An event of `change` at `at` by `by`, with no cause.
    pub fn new(at: DateTime<Utc>, by: ActorRef, change: Change) -> Self {
        Self {
            at,
            by,
            change,
            cause: None,
        }
    }

    /// Whether an actor in `role` may see this event in a ticket's history.
    /// Requesters never see internal notes, nor staff watchers come and go
    /// (who follows a ticket on the desk's side is the desk's business).
    ///
    /// ```
    /// # use helpdesk_core::*;
    /// # use chrono::{TimeZone, Utc};
    /// let note = Event::new(
    ///     Utc.with_ymd_and_hms(2026, 3, 2, 9, 15, 0).unwrap(),
    ///     ActorRef { id: ActorId::from_u128(2), role: Role::Agent },
    ///     Change::NoteAdded { comment: CommentId::from_u128(1), body: "VIP".into() },
    /// );
    /// assert!(!note.is_visible_to(Role::Requester));
    /// assert!(note.is_visible_to(Role::Agent));
    /// let follower = Event::new(note.at, note.by, Change::Watched {
    ///     watcher: ActorRef { id: ActorId::from_u128(3), role: Role::Supervisor },
    /// });
    /// assert!(!follower.is_visible_to(Role::Requester));
    /// ```
    pub fn is_visible_to(&self, role: crate::actor::Role) -> bool {
        role.is_staff()
            || !matches!(
                self.change,
                Change::NoteAdded { .. }
                    | Change::Attached {
                        visibility: Visibility::Internal,
                        ..
                    }
            ) && !matches!(
                self.change,
                Change::Watched { watcher } | Change::Unwatched { watcher }
                    if watcher.role.is_staff()
            )
    }
}

/// The content of a [`Change::Opened`] event: the ticket as created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opened {
    /// The tenant it belongs to, forever.
    pub tenant: TenantId,
    /// Who asked for help.
    pub requester: ActorId,
    /// The summary.
    pub subject: String,
    /// The description.
    pub description: String,
    /// How it came in.
    pub channel: Channel,
    /// What kind of work it is.
    pub ticket_type: TicketType,
    /// Impact.
    pub impact: Impact,
    /// Urgency.
    pub urgency: Urgency,
    /// Priority from the matrix.
    pub priority: Priority,
    /// The group, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupId>,
    /// Tags.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub tags: BTreeSet<Tag>,
    /// Custom fields.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, FieldValue>,
    /// Asset references.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub assets: BTreeSet<AssetRef>,
    /// The requester's email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester_email: Option<String>,
    /// The requester's organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// The ticket's number in its tenant, from the store's counter
    /// ([`Context::number`](crate::Context::number)); absent for a ticket
    /// opened without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<TicketNumber>,
}

/// The content of a [`Change::Escalated`] event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalated {
    /// The escalation rule that fired.
    pub rule: String,
    /// The tier the ticket was on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_tier: Option<String>,
    /// The tier it moves to, for functional escalation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_tier: Option<String>,
    /// The managers to notify, for hierarchical escalation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notify: Vec<ActorId>,
    /// What set it off, in words.
    pub reason: String,
}

/// What changed. The serialized `type` is the variant name in snake case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Change {
    /// The ticket was created (status new).
    Opened(Box<Opened>),
    /// A public reply was added.
    Replied {
        /// Its id.
        comment: CommentId,
        /// Its text.
        body: String,
    },
    /// An internal note was added.
    NoteAdded {
        /// Its id.
        comment: CommentId,
        /// Its text.
        body: String,
    },
    /// Files were attached to a comment, or to the description.
    Attached {
        /// The comment, or none for the description.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<CommentId>,
        /// The comment's visibility, which its files share.
        visibility: Visibility,
        /// The files.
        attachments: Vec<AttachmentRef>,
    },
    /// The group changed.
    GroupChanged {
        /// The group before.
        from: Option<GroupId>,
        /// The group after.
        to: Option<GroupId>,
    },
    /// The assignee changed.
    AssigneeChanged {
        /// The assignee before.
        from: Option<ActorId>,
        /// The assignee after.
        to: Option<ActorId>,
    },
    /// The status moved between new, open, pending, on hold and their
    /// sub-statuses.
    StatusChanged {
        /// The status before.
        from: Status,
        /// The status after.
        to: Status,
    },
    /// Impact and urgency were re-assessed.
    ImpactUrgencyChanged {
        /// The new impact.
        impact: Impact,
        /// The new urgency.
        urgency: Urgency,
    },
    /// The priority changed.
    PriorityChanged {
        /// The priority before.
        from: Priority,
        /// The priority after.
        to: Priority,
        /// Why.
        reason: PriorityReason,
    },
    /// A tag was added.
    Tagged {
        /// The tag.
        tag: Tag,
    },
    /// A tag was removed.
    Untagged {
        /// The tag.
        tag: Tag,
    },
    /// A custom field was set or cleared.
    FieldChanged {
        /// The field's key.
        key: String,
        /// The new value; `None` when cleared.
        value: Option<FieldValue>,
    },
    /// Someone started watching the ticket, or now watches it in another
    /// role.
    Watched {
        /// Who, and the role they are told in.
        watcher: ActorRef,
    },
    /// Someone stopped watching the ticket.
    Unwatched {
        /// Who, and the role they watched in.
        watcher: ActorRef,
    },
    /// An asset reference was added.
    AssetAdded {
        /// The asset.
        asset: AssetRef,
    },
    /// An asset reference was removed.
    AssetRemoved {
        /// The asset.
        asset: AssetRef,
    },
    /// The ticket was resolved.
    Resolved {
        /// How.
        resolution: Resolution,
        /// The sub-status of category resolved, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sub_status: Option<String>,
    },
    /// A resolved ticket went back to open.
    Reopened,
    /// The ticket was closed for good.
    Closed,
    /// The ticket was withdrawn.
    Cancelled {
        /// Why.
        reason: String,
    },
    /// The ticket was folded into another.
    Merged {
        /// The ticket that lives on.
        into: TicketId,
    },
    /// Another ticket was folded into this one: the other side of
    /// [`Merged`](Change::Merged). Public, like `Merged`: the requester
    /// learns that a duplicate now lives here, and only its id, which
    /// opens nothing they may not see.
    MergedFrom {
        /// The ticket merged into this one.
        from: TicketId,
    },
    /// A link was added.
    Linked {
        /// The link.
        link: Link,
    },
    /// A link was removed.
    Unlinked {
        /// The link.
        link: Link,
    },
    /// The escalation tier changed (by routing or by hand).
    TierChanged {
        /// The tier before.
        from: Option<String>,
        /// The tier after.
        to: Option<String>,
    },
    /// An escalation rule fired.
    Escalated(Box<Escalated>),
    /// Another SLA policy applies to the ticket (or none, or a first one).
    SlaPolicyChanged {
        /// The policy before.
        from: Option<String>,
        /// The policy after.
        to: Option<String>,
    },
    /// An SLA clock started a new cycle.
    SlaStarted(Box<Started>),
    /// An SLA clock paused (the ticket waits on someone).
    SlaPaused {
        /// The metric.
        metric: Metric,
        /// The cycle.
        cycle: u32,
        /// Business time used so far, in milliseconds.
        elapsed_ms: i64,
    },
    /// A paused or stopped SLA clock runs again, its elapsed time kept.
    SlaResumed {
        /// The metric.
        metric: Metric,
        /// The cycle.
        cycle: u32,
        /// The new deadline and warnings.
        schedule: Schedule,
    },
    /// An SLA clock's target changed (priority or policy), its elapsed time kept.
    SlaRetargeted(Box<Retargeted>),
    /// An SLA warning fell due. Recorded at the next command or check on
    /// or after `due`.
    SlaWarned {
        /// The metric.
        metric: Metric,
        /// The cycle.
        cycle: u32,
        /// Which warning.
        warning: Warning,
        /// When it fell due.
        #[serde(with = "crate::rfc3339")]
        due: DateTime<Utc>,
    },
    /// An SLA clock reached its target. It keeps measuring until it stops.
    /// Recorded at the next command or check on or after `due`.
    SlaBreached {
        /// The metric.
        metric: Metric,
        /// The cycle.
        cycle: u32,
        /// When the target was used up.
        #[serde(with = "crate::rfc3339")]
        due: DateTime<Utc>,
    },
    /// An SLA clock stopped with an outcome.
    SlaStopped {
        /// The metric.
        metric: Metric,
        /// The cycle.
        cycle: u32,
        /// Met or breached.
        outcome: Outcome,
        /// Business time used, in milliseconds.
        elapsed_ms: i64,
    },
    /// An SLA clock stopped without an outcome (the ticket was cancelled or
    /// merged, or no target applies any more).
    SlaCancelled {
        /// The metric.
        metric: Metric,
        /// The cycle.
        cycle: u32,
        /// Business time used, in milliseconds.
        elapsed_ms: i64,
    },
}

impl Change {
    /// The serialized `type` of every change, in declaration order.
    pub const TYPE_NAMES: [&'static str; 35] = [
        "opened",
        "replied",
        "note_added",
        "attached",
        "group_changed",
        "assignee_changed",
        "status_changed",
        "impact_urgency_changed",
        "priority_changed",
        "tagged",
        "untagged",
        "field_changed",
        "watched",
        "unwatched",
        "asset_added",
        "asset_removed",
        "resolved",
        "reopened",
        "closed",
        "cancelled",
        "merged",
        "merged_from",
        "linked",
        "unlinked",
        "tier_changed",
        "escalated",
        "sla_policy_changed",
        "sla_started",
        "sla_paused",
        "sla_resumed",
        "sla_retargeted",
        "sla_warned",
        "sla_breached",
        "sla_stopped",
        "sla_cancelled",
    ];

    /// The serialized `type` of this change, such as `"status_changed"`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Change::Opened(_) => "opened",
            Change::Replied { .. } => "replied",
            Change::NoteAdded { .. } => "note_added",
            Change::Attached { .. } => "attached",
            Change::GroupChanged { .. } => "group_changed",
            Change::AssigneeChanged { .. } => "assignee_changed",
            Change::StatusChanged { .. } => "status_changed",
            Change::ImpactUrgencyChanged { .. } => "impact_urgency_changed",
            Change::PriorityChanged { .. } => "priority_changed",
            Change::Tagged { .. } => "tagged",
            Change::Untagged { .. } => "untagged",
            Change::FieldChanged { .. } => "field_changed",
            Change::Watched { .. } => "watched",
            Change::Unwatched { .. } => "unwatched",
            Change::AssetAdded { .. } => "asset_added",
            Change::AssetRemoved { .. } => "asset_removed",
            Change::Resolved { .. } => "resolved",
            Change::Reopened => "reopened",
            Change::Closed => "closed",
            Change::Cancelled { .. } => "cancelled",
            Change::Merged { .. } => "merged",
            Change::MergedFrom { .. } => "merged_from",
            Change::Linked { .. } => "linked",
            Change::Unlinked { .. } => "unlinked",
            Change::TierChanged { .. } => "tier_changed",
            Change::Escalated(_) => "escalated",
            Change::SlaPolicyChanged { .. } => "sla_policy_changed",
            Change::SlaStarted(_) => "sla_started",
            Change::SlaPaused { .. } => "sla_paused",
            Change::SlaResumed { .. } => "sla_resumed",
            Change::SlaRetargeted(_) => "sla_retargeted",
            Change::SlaWarned { .. } => "sla_warned",
            Change::SlaBreached { .. } => "sla_breached",
            Change::SlaStopped { .. } => "sla_stopped",
            Change::SlaCancelled { .. } => "sla_cancelled",
        }
    }
}

#[derive(Serialize)]
struct EventOut<'a> {
    v: u16,
    at: rfc3339::Form<'a>,
    by: &'a ActorRef,
    #[serde(flatten)]
    change: &'a Change,
    #[serde(skip_serializing_if = "Option::is_none")]
    cause: &'a Option<Cause>,
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        EventOut {
            v: Self::SCHEMA_VERSION,
            at: rfc3339::Form(&self.at),
            by: &self.by,
            change: &self.change,
            cause: &self.cause,
        }
        .serialize(serializer)
    }
}

/// Reads the stored form field by field: the change is read from its
/// `type` and, when it has fields, its `data` straight from the input, with
/// nothing buffered on the way.
impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(decode::EventVisitor)
    }
}

/// A one-line, human-readable account of the change, for audit trails and
/// timelines.
///
/// ```
/// use helpdesk_core::{Change, Priority, PriorityReason};
/// let change = Change::PriorityChanged {
///     from: Priority::P3,
///     to: Priority::P1,
///     reason: PriorityReason::Override { reason: "Trading floor".into() },
/// };
/// assert_eq!(change.to_string(), "priority P3 -> P1 (override: Trading floor)");
/// ```
impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn or_none<T: fmt::Display>(value: &Option<T>) -> String {
            value
                .as_ref()
                .map_or_else(|| "none".to_owned(), T::to_string)
        }
        match self {
            Change::Opened(o) => {
                f.write_str("opened ")?;
                if let Some(number) = o.number {
                    write!(f, "{number} ")?;
                }
                write!(
                    f,
                    "{:?} ({} via {}, impact {}, urgency {}, {})",
                    o.subject, o.ticket_type, o.channel, o.impact, o.urgency, o.priority
                )
            }
            Change::Replied { body, .. } => write!(f, "replied: {}", first_line(body)),
            Change::NoteAdded { body, .. } => write!(f, "internal note: {}", first_line(body)),
            Change::Attached { attachments, .. } => {
                let names: Vec<&str> = attachments.iter().map(|a| a.name.as_str()).collect();
                write!(f, "attached {}", names.join(", "))
            }
            Change::GroupChanged { from, to } => {
                write!(f, "group {} -> {}", or_none(from), or_none(to))
            }
            Change::AssigneeChanged { from, to } => {
                write!(f, "assignee {} -> {}", or_none(from), or_none(to))
            }
            Change::StatusChanged { from, to } => write!(f, "status {from} -> {to}"),
            Change::ImpactUrgencyChanged { impact, urgency } => {
                write!(f, "impact {impact}, urgency {urgency}")
            }
            Change::PriorityChanged { from, to, reason } => {
                write!(f, "priority {from} -> {to}")?;
                match reason {
                    PriorityReason::Matrix => write!(f, " (matrix)"),
                    PriorityReason::Override { reason } => write!(f, " (override: {reason})"),
                    PriorityReason::OverrideCleared => write!(f, " (override cleared)"),
                    PriorityReason::Rule { rule } => write!(f, " (rule {rule:?})"),
                }
            }
            Change::Tagged { tag } => write!(f, "tagged {tag}"),
            Change::Untagged { tag } => write!(f, "untagged {tag}"),
            Change::FieldChanged {
                key,
                value: Some(value),
            } => write!(f, "{key} = {value}"),
            Change::FieldChanged { key, value: None } => write!(f, "{key} cleared"),
            Change::Watched { watcher } => {
                write!(f, "{} watches as {}", watcher.id, watcher.role)
            }
            Change::Unwatched { watcher } => write!(f, "{} stopped watching", watcher.id),
            Change::AssetAdded { asset } => write!(f, "asset {asset} added"),
            Change::AssetRemoved { asset } => write!(f, "asset {asset} removed"),
            Change::Resolved {
                resolution,
                sub_status,
            } => {
                write!(f, "resolved ({:?}", resolution.code)?;
                if let Some(sub) = sub_status {
                    write!(f, ", {sub}")?;
                }
                write!(f, "): {}", first_line(&resolution.note))
            }
            Change::Reopened => write!(f, "reopened"),
            Change::Closed => write!(f, "closed"),
            Change::Cancelled { reason } => write!(f, "cancelled: {}", first_line(reason)),
            Change::Merged { into } => write!(f, "merged into {into}"),
            Change::MergedFrom { from } => write!(f, "{from} merged into this ticket"),
            Change::Linked { link } => write!(f, "linked {} {}", link.kind, link.ticket),
            Change::Unlinked { link } => write!(f, "unlinked {} {}", link.kind, link.ticket),
            Change::TierChanged { from, to } => {
                write!(f, "tier {} -> {}", or_none(from), or_none(to))
            }
            Change::Escalated(e) => {
                write!(f, "escalated by {:?}", e.rule)?;
                if let Some(to) = &e.to_tier {
                    write!(
                        f,
                        " from {} to {to}",
                        e.from_tier.as_deref().unwrap_or("none")
                    )?;
                }
                if !e.notify.is_empty() {
                    write!(f, ", notifying {} manager(s)", e.notify.len())?;
                }
                write!(f, " ({})", e.reason)
            }
            Change::SlaPolicyChanged { from, to } => {
                write!(f, "SLA policy {} -> {}", or_none(from), or_none(to))
            }
            Change::SlaStarted(s) => write!(
                f,
                "SLA {} #{} started ({}), due {}",
                s.metric,
                s.cycle,
                s.policy,
                s.schedule.due.format("%Y-%m-%d %H:%M UTC")
            ),
            Change::SlaPaused { metric, cycle, .. } => write!(f, "SLA {metric} #{cycle} paused"),
            Change::SlaResumed {
                metric,
                cycle,
                schedule,
            } => write!(
                f,
                "SLA {metric} #{cycle} resumed, due {}",
                schedule.due.format("%Y-%m-%d %H:%M UTC")
            ),
            Change::SlaRetargeted(r) => {
                write!(f, "SLA {} #{} retargeted ({})", r.metric, r.cycle, r.policy)
            }
            Change::SlaWarned {
                metric,
                cycle,
                warning,
                due,
            } => write!(
                f,
                "SLA {metric} #{cycle} warning: {warning} (due {})",
                due.format("%H:%M UTC")
            ),
            Change::SlaBreached { metric, cycle, due } => write!(
                f,
                "SLA {metric} #{cycle} BREACHED (due {})",
                due.format("%H:%M UTC")
            ),
            Change::SlaStopped {
                metric,
                cycle,
                outcome,
                ..
            } => {
                write!(f, "SLA {metric} #{cycle} stopped: {outcome:?}")
            }
            Change::SlaCancelled { metric, cycle, .. } => {
                write!(f, "SLA {metric} #{cycle} cancelled")
            }
        }
    }
}

/// The first line of `text`, cut at 80 characters.
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    match line.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_owned(),
    }
}
