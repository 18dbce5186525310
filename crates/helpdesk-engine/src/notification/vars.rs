//! [`Vars`]: what a notification template may name.

use serde::Serialize;

/// The variables a template is rendered with: `ticket`, `event` and
/// `recipient`, each with the fields below and no other. A template naming
/// anything else is an error of the configuration
/// ([`Templates::compile`](crate::Templates::compile)).
///
/// Everything here is what the recipient may see: a delivery is planned
/// only for events the recipient may see, and the ticket's fields are the
/// ones every party to it sees.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Vars {
    /// The ticket, as it is when the notification is sent.
    pub ticket: TicketVars,
    /// The event told of.
    pub event: EventVars,
    /// Whom the notification goes to.
    pub recipient: RecipientVars,
}

/// `ticket.*`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TicketVars {
    /// `ticket.id`: the ticket's id.
    pub id: String,
    /// `ticket.number`: the ticket's number without `#`, such as `1042`;
    /// empty for a ticket opened without one.
    pub number: String,
    /// `ticket.reference`: the short reference people quote, the
    /// ticket's number such as `#1042` (for a ticket opened without a
    /// number, `#` and the last 8 hex digits of its id).
    pub reference: String,
    /// `ticket.subject`.
    pub subject: String,
    /// `ticket.status`: `open`, `pending`, `resolved`, or a sub-status key.
    pub status: String,
    /// `ticket.priority`: `P1` to `P5`.
    pub priority: String,
    /// `ticket.group`: the group's name; none when in no group.
    pub group: Option<String>,
    /// `ticket.assignee`: the assignee's name; none when unassigned or
    /// unknown to the directory.
    pub assignee: Option<String>,
    /// `ticket.requester`: the requester's name, if the directory knows it.
    pub requester: Option<String>,
}

/// `event.*`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EventVars {
    /// `event.kind`: the rule's kind of event (`public_reply`, `sla_breach`).
    pub kind: String,
    /// `event.at`: when it happened, RFC 3339 in UTC.
    pub at: String,
    /// `event.by`: who caused it, by name; none for the desk itself or
    /// someone the directory does not know.
    pub by: Option<String>,
    /// `event.body`: the reply's or note's text, or the description of an
    /// opened ticket; none for other events.
    pub body: Option<String>,
    /// `event.summary`: one English sentence saying what happened, without
    /// a full stop ("Maria Keller replied").
    pub summary: String,
}

/// `recipient.*`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RecipientVars {
    /// `recipient.name`: their name, or the endpoint's description.
    pub name: Option<String>,
    /// `recipient.locale`: the locale the message is written in.
    pub locale: String,
}

/// The fields of each variable, for checking templates.
pub(crate) const FIELDS: [(&str, &[&str]); 3] = [
    (
        "ticket",
        &[
            "id",
            "number",
            "reference",
            "subject",
            "status",
            "priority",
            "group",
            "assignee",
            "requester",
        ],
    ),
    ("event", &["kind", "at", "by", "body", "summary"]),
    ("recipient", &["name", "locale"]),
];
