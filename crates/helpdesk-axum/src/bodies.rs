//! The bodies and query strings the endpoints take, each a plain JSON
//! shape turned into a domain [`Command`] (which the domain validates,
//! naming the field).

use std::collections::BTreeMap;

use helpdesk_core::{
    Actor, ActorId, ActorRef, Command, CommentId, FieldValue, GroupId, Impact, Link, LinkKind,
    NewTicket, Priority, Resolution, ResolutionCode, Role, StatusCategory, StatusTarget, TicketId,
    TicketType, Urgency,
};
use helpdesk_engine::store::{Filter, Order};
use helpdesk_engine::view::schema;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// A new ticket.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenBody {
    /// One line (required, not blank).
    pub subject: String,
    /// The first message.
    #[serde(default)]
    pub description: String,
    /// Who the ticket is for; the caller when absent. Staff may open on
    /// someone's behalf.
    #[schema(value_type = Option<uuid::Uuid>)]
    pub requester: Option<ActorId>,
    /// Incident, service request, problem, question or task.
    #[schema(value_type = Option<schema::TicketType>)]
    pub ticket_type: Option<TicketType>,
    /// How widely it hurts.
    #[schema(value_type = Option<schema::Impact>)]
    pub impact: Option<Impact>,
    /// How soon it hurts.
    #[schema(value_type = Option<schema::Urgency>)]
    pub urgency: Option<Urgency>,
    /// The group (queue) it goes to.
    #[schema(value_type = Option<uuid::Uuid>)]
    pub group: Option<GroupId>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Custom fields by key.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, schema::FieldValue>)]
    pub fields: BTreeMap<String, FieldValue>,
    /// Assets it concerns.
    #[serde(default)]
    pub assets: Vec<String>,
}

impl OpenBody {
    pub(crate) fn command(self, caller: ActorId) -> Command {
        let mut new = NewTicket::new(
            self.requester.unwrap_or(caller),
            self.subject,
            self.description,
        );
        new.ticket_type = self.ticket_type;
        new.impact = self.impact;
        new.urgency = self.urgency;
        new.group = self.group;
        new.tags = self.tags;
        new.fields = self.fields;
        new.assets = self.assets;
        Command::Open(new)
    }
}

/// A comment: a public reply or an internal note.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentBody {
    /// The text.
    pub body: String,
}

/// The agent to assign; `null` unassigns.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    /// The agent's actor id, or `null`.
    #[schema(value_type = Option<uuid::Uuid>)]
    pub assignee: Option<ActorId>,
}

/// The group (queue) to move to; `null` takes it out of every group.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupBody {
    /// The group's id, or `null`.
    #[schema(value_type = Option<uuid::Uuid>)]
    pub group: Option<GroupId>,
}

/// A status to move to: `open`, `pending` or `on_hold`, or the key of one
/// of the desk's custom sub-statuses.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    /// `open`, `pending`, `on_hold`, or a custom sub-status key.
    pub status: String,
}

impl StatusBody {
    pub(crate) fn target(self) -> StatusTarget {
        match self.status.as_str() {
            "open" => StatusTarget::Open,
            "pending" => StatusTarget::Pending,
            "on_hold" => StatusTarget::OnHold,
            _ => StatusTarget::Custom(self.status),
        }
    }
}

/// A priority set by hand, or `null` to go back to the matrix's.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorityBody {
    /// P1 to P5, or `null`.
    #[schema(value_type = Option<schema::Priority>)]
    pub priority: Option<Priority>,
    /// Why.
    #[serde(default)]
    pub reason: String,
}

/// Impact and urgency, from which the priority matrix sets the priority.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImpactBody {
    /// How widely it hurts.
    #[schema(value_type = schema::Impact)]
    pub impact: Impact,
    /// How soon it hurts.
    #[schema(value_type = schema::Urgency)]
    pub urgency: Urgency,
}

/// A tag to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagBody {
    /// The tag.
    pub tag: String,
}

/// How to watch a ticket: the role the watcher is told in.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WatchBody {
    /// The role the watcher watches in, which decides what they are told
    /// (a requester is never told of an internal note); refused when the
    /// desk's directory knows them in another. When absent: the caller's
    /// own role when they watch themselves; for anyone else, the role the
    /// directory knows them in, or else `requester`, the role told the
    /// least.
    #[schema(value_type = Option<schema::Role>)]
    #[serde(default)]
    pub role: Option<Role>,
}

impl WatchBody {
    /// The watch command for `watcher`, asked by `caller`, with the role
    /// the directory `known` them in.
    pub(crate) fn command(self, caller: &Actor, watcher: ActorId, known: Option<Role>) -> Command {
        let role = self.role.unwrap_or(if watcher == caller.id {
            caller.role
        } else {
            known.unwrap_or(Role::Requester)
        });
        Command::Watch {
            watcher: ActorRef { id: watcher, role },
        }
    }
}

/// A custom field's new value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldBody {
    /// The value, an object with one key naming its kind.
    #[schema(value_type = schema::FieldValue)]
    pub value: FieldValue,
}

/// How the ticket was resolved.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveBody {
    /// The resolution code.
    #[schema(value_type = schema::ResolutionCode)]
    pub code: ResolutionCode,
    /// What was done.
    #[serde(default)]
    pub note: String,
    /// A custom sub-status of the resolved category, if the desk has them.
    pub sub_status: Option<String>,
}

impl ResolveBody {
    pub(crate) fn command(self) -> Command {
        Command::Resolve {
            resolution: Resolution::new(self.code, self.note),
            sub_status: self.sub_status,
        }
    }
}

/// The ticket to merge this one into.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    /// The surviving ticket.
    #[schema(value_type = uuid::Uuid)]
    pub into: TicketId,
}

/// A link to another ticket.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkBody {
    /// How the other ticket relates to this one.
    #[schema(value_type = schema::LinkKind)]
    pub kind: LinkKind,
    /// The other ticket.
    #[schema(value_type = uuid::Uuid)]
    pub ticket: TicketId,
}

impl LinkBody {
    pub(crate) fn link(self) -> Link {
        Link {
            kind: self.kind,
            ticket: self.ticket,
        }
    }
}

/// A new comment's id: from the request's command id, so a retry carries
/// the same command.
pub(crate) fn comment_id(command: helpdesk_engine::CommandId) -> CommentId {
    CommentId::from_uuid(command.as_uuid())
}

/// Which tickets, in which order, from where.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// In this group (a queue).
    #[param(value_type = Option<uuid::Uuid>)]
    pub group: Option<GroupId>,
    /// Assigned to this agent.
    #[param(value_type = Option<uuid::Uuid>)]
    pub assignee: Option<ActorId>,
    /// In this status category.
    #[param(value_type = Option<schema::StatusCategory>)]
    pub status: Option<StatusCategory>,
    /// With this tag.
    pub tag: Option<String>,
    /// Requested by this person.
    #[param(value_type = Option<uuid::Uuid>)]
    pub requester: Option<ActorId>,
    /// `next_due` (soonest SLA due first, the default) or `updated_at`
    /// (latest first).
    #[param(value_type = Option<QueueOrder>)]
    pub order: Option<Order>,
    /// The `next` of the previous page.
    pub cursor: Option<String>,
    /// At most this many tickets, 1 to 1000 (default 50).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

impl QueueParams {
    pub(crate) fn filter(&self) -> Filter {
        Filter {
            group: self.group,
            assignee: self.assignee,
            status: self.status,
            tag: self.tag.clone(),
            requester: self.requester,
        }
    }
}

/// The order of a queue.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum QueueOrder {
    /// Soonest SLA due first.
    NextDue,
    /// Latest update first.
    UpdatedAt,
}

/// A page of a history.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HistoryParams {
    /// The `next` of the previous page.
    pub cursor: Option<String>,
    /// At most this many events (default 100; at most the desk's
    /// `limits.history_page_max`).
    #[param(minimum = 1)]
    pub limit: Option<u32>,
}

/// A search.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The words, each of which must occur (ignoring case).
    pub q: String,
    /// At most this many tickets (default 50).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// Where an event stream starts.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StreamParams {
    /// Send the events after this version (default: the ticket's version
    /// now, so only new events; `Last-Event-ID` takes precedence).
    pub after: Option<u64>,
}
