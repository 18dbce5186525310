//! The OpenAPI schemas of the domain's values in views (feature
//! `openapi`): the domain crate stays free of documentation
//! dependencies, so each value's JSON form is described here, beside the
//! views that carry it. Tests in `helpdesk-axum` check every view against
//! its schema.
//!
//! ```
//! use utoipa::PartialSchema;
//! let priority = serde_json::to_value(helpdesk_engine::view::schema::Priority::schema())?;
//! assert_eq!(priority["enum"], serde_json::json!(["P1", "P2", "P3", "P4", "P5"]));
//! # Ok::<(), serde_json::Error>(())
//! ```

#![allow(dead_code)]

use std::collections::BTreeSet;

use utoipa::ToSchema;

/// A priority, P1 (critical) to P5 (planning).
#[derive(ToSchema)]
pub enum Priority {
    /// Critical.
    P1,
    /// High.
    P2,
    /// Medium.
    P3,
    /// Low.
    P4,
    /// Planning.
    P5,
}

/// How widely a ticket hurts.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Impact {
    /// Many people or a whole service.
    High,
    /// A group.
    Medium,
    /// One person.
    Low,
}

/// How soon a ticket hurts.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Urgency {
    /// Now.
    High,
    /// Soon.
    Medium,
    /// It can wait.
    Low,
}

/// A lifecycle category.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum StatusCategory {
    /// Not yet worked on.
    New,
    /// Being worked on.
    Open,
    /// Waiting on the requester.
    Pending,
    /// Waiting on a third party.
    OnHold,
    /// Solved, may be reopened.
    Resolved,
    /// Done.
    Closed,
    /// Merged into another ticket.
    Merged,
    /// Withdrawn.
    Cancelled,
}

/// A status: its category and the desk's custom sub-status, if any.
#[derive(ToSchema)]
pub struct Status {
    /// The lifecycle category.
    category: StatusCategory,
    /// The custom sub-status, if any.
    #[schema(required = false, nullable = false)]
    sub_status: Option<String>,
}

/// Where a ticket came from.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Channel {
    /// Email.
    Email,
    /// Chat.
    Chat,
    /// Phone.
    Phone,
    /// The portal.
    Portal,
    /// An API.
    Api,
}

/// A ticket's type.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum TicketType {
    /// Something broke.
    Incident,
    /// Something is asked for.
    ServiceRequest,
    /// The cause of incidents.
    Problem,
    /// A question.
    Question,
    /// A piece of work.
    Task,
}

/// A role.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Role {
    /// Asks for help.
    Requester,
    /// Helps, within their groups.
    Agent,
    /// Leads agents.
    Supervisor,
    /// Runs the tenant's desk.
    Admin,
    /// The desk itself (SLA checks, routing).
    System,
}

/// Who did something, in which role.
#[derive(ToSchema)]
pub struct Author {
    /// Their actor id.
    id: uuid::Uuid,
    /// The role they acted in.
    role: Role,
}

/// A file that came with a comment.
#[derive(ToSchema)]
pub struct Attachment {
    /// The key its bytes are stored under in the host's attachment store.
    key: String,
    /// The file's name, as the sender gave it.
    name: String,
    /// Its media type, as its content shows it.
    content_type: String,
    /// Its size in bytes.
    size: u64,
}

/// Public reply or internal note.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Visibility {
    /// Everyone who sees the ticket reads it.
    Public,
    /// Staff only.
    Internal,
}

/// A custom field's value: an object with one key naming its kind.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum FieldValue {
    /// Free text.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// Yes or no.
    Bool(bool),
    /// A calendar date (`2026-03-02`).
    Date(chrono::NaiveDate),
    /// One of the field's choices.
    Choice(String),
    /// Some of the field's choices.
    Choices(BTreeSet<String>),
}

/// How a link relates the other ticket to this one.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum LinkKind {
    /// The other ticket is this one's parent.
    Parent,
    /// The other ticket is this one's child.
    Child,
    /// The other ticket is the problem behind this incident.
    Problem,
    /// The other ticket is an incident of this problem.
    Incident,
    /// Related.
    Related,
}

/// A link to another ticket.
#[derive(ToSchema)]
pub struct Link {
    /// How the other ticket relates to this one.
    kind: LinkKind,
    /// The other ticket.
    ticket: uuid::Uuid,
}

/// A resolution code.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ResolutionCode {
    /// Solved.
    Solved,
    /// Worked around.
    Workaround,
    /// Could not be reproduced.
    NotReproducible,
    /// A duplicate.
    Duplicate,
    /// Will not be fixed.
    WontFix,
    /// Something else.
    Other,
}

/// How a ticket was resolved.
#[derive(ToSchema)]
pub struct Resolution {
    /// The code.
    code: ResolutionCode,
    /// What was done.
    note: String,
}
