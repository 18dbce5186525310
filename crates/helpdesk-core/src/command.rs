//! Commands: what an actor asks of a ticket. [`decide`](crate::decide)
//! turns a command into events or a [`DomainError`](crate::DomainError).
//!
//! Commands carry raw input (tags and assets as strings, say); `decide`
//! validates it and names the offending field. Everything a decision needs
//! from outside (ids, the acting user, the instant) comes in with the
//! command or its [`Context`](crate::Context).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::actor::ActorRef;
use crate::attachment::AttachmentRef;
use crate::channel::Channel;
use crate::field::FieldValue;
use crate::id::{ActorId, CommentId, GroupId, TicketId};
use crate::link::Link;
use crate::priority::{Impact, Priority, Urgency};
use crate::resolution::Resolution;
use crate::routing::RouteInput;
use crate::status::StatusTarget;
use crate::ticket_type::TicketType;

/// The content of a new ticket, for [`Command::Open`].
///
/// The channel, type, organization, email address, impact, urgency, group
/// and tags are for staff recording a ticket (a phone call, say). A
/// requester's own ticket leaves the first four to the facts the host
/// vouches for ([`Vouched`](crate::Vouched)) and the rest to triage; see
/// note 1 of the [authorization table](crate::authorization).
///
/// ```
/// use helpdesk_core::{ActorId, Channel, Impact, NewTicket, TicketType};
///
/// let new = NewTicket::new(ActorId::from_u128(1), "VPN drops every hour", "Since Monday.")
///     .channel(Channel::Email)
///     .ticket_type(TicketType::Incident)
///     .impact(Impact::Medium)
///     .tag("vpn");
/// assert_eq!(new.tags, ["vpn"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct NewTicket {
    /// Who asked for help. A requester may only open tickets for themselves.
    pub requester: ActorId,
    /// A one-line summary.
    pub subject: String,
    /// The full description; may be empty.
    #[serde(default)]
    pub description: String,
    /// How it came in; `portal` when neither this nor the host's
    /// [`Vouched`](crate::Vouched) sets it. Requesters may not set it: the
    /// host vouches for it.
    #[serde(default)]
    pub channel: Option<Channel>,
    /// What kind of work it is; `incident` when neither this nor the host's
    /// [`Vouched`](crate::Vouched) sets it. Requesters may not set it: the
    /// host vouches for it.
    #[serde(default)]
    pub ticket_type: Option<TicketType>,
    /// Impact; `medium` when unset. Requesters may not set it.
    #[serde(default)]
    pub impact: Option<Impact>,
    /// Urgency; `medium` when unset. Requesters may not set it.
    #[serde(default)]
    pub urgency: Option<Urgency>,
    /// The group to work on it. Requesters may not set it.
    #[serde(default)]
    pub group: Option<GroupId>,
    /// Tags. Requesters may not set them.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Custom field values, by key. Requesters may set only fields marked
    /// `requester_editable`; nobody may set a field marked `host_only`
    /// here (the host vouches for those).
    #[serde(default)]
    pub fields: BTreeMap<String, FieldValue>,
    /// Asset references.
    #[serde(default)]
    pub assets: Vec<String>,
    /// The requester's email address, for routing on its domain.
    /// Requesters may not set it: the host vouches for it.
    #[serde(default)]
    pub requester_email: Option<String>,
    /// The requester's organisation, for routing. Requesters may not set
    /// it: the host vouches for it.
    #[serde(default)]
    pub organization: Option<String>,
    /// Files that came with it, attached to its description by the rules
    /// of [`Command::Attach`] (none by default), so a ticket and its files
    /// are one change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentRef>,
}

impl NewTicket {
    /// A new ticket with nothing but its requester, subject and
    /// description set: an incident from the portal with medium impact and
    /// urgency, unless the host vouches otherwise.
    pub fn new(
        requester: ActorId,
        subject: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        Self {
            requester,
            subject: subject.into(),
            description: description.into(),
            channel: None,
            ticket_type: None,
            impact: None,
            urgency: None,
            group: None,
            tags: Vec::new(),
            fields: BTreeMap::new(),
            assets: Vec::new(),
            requester_email: None,
            organization: None,
            attachments: Vec::new(),
        }
    }

    /// Adds a file, stored in the host's attachment store, to the
    /// description.
    ///
    /// ```
    /// use helpdesk_core::{ActorId, AttachmentRef, NewTicket};
    ///
    /// let log = AttachmentRef::new("fs:ab12cd34", "vpn.log", "text/plain", 2_048);
    /// let new = NewTicket::new(ActorId::from_u128(1), "VPN drops", "Log attached.").attachment(log);
    /// assert_eq!(new.attachments.len(), 1);
    /// ```
    pub fn attachment(mut self, file: AttachmentRef) -> Self {
        self.attachments.push(file);
        self
    }

    /// Sets the requester's email address.
    pub fn requester_email(mut self, email: impl Into<String>) -> Self {
        self.requester_email = Some(email.into());
        self
    }

    /// Sets the requester's organisation.
    pub fn organization(mut self, organization: impl Into<String>) -> Self {
        self.organization = Some(organization.into());
        self
    }

    /// Sets the channel.
    pub fn channel(mut self, channel: Channel) -> Self {
        self.channel = Some(channel);
        self
    }

    /// Sets the ticket type.
    pub fn ticket_type(mut self, ticket_type: TicketType) -> Self {
        self.ticket_type = Some(ticket_type);
        self
    }

    /// Sets the impact.
    pub fn impact(mut self, impact: Impact) -> Self {
        self.impact = Some(impact);
        self
    }

    /// Sets the urgency.
    pub fn urgency(mut self, urgency: Urgency) -> Self {
        self.urgency = Some(urgency);
        self
    }

    /// Sets the group.
    pub fn group(mut self, group: GroupId) -> Self {
        self.group = Some(group);
        self
    }

    /// Adds a tag.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Sets a custom field.
    pub fn field(mut self, key: impl Into<String>, value: FieldValue) -> Self {
        self.fields.insert(key.into(), value);
        self
    }

    /// Adds an asset reference.
    pub fn asset(mut self, asset: impl Into<String>) -> Self {
        self.assets.push(asset.into());
        self
    }
}

/// What an actor asks of a ticket.
///
/// Commands serialize with a `command` tag, so hosts can take them as JSON:
///
/// ```
/// use helpdesk_core::{Command, CommandKind};
/// let cmd: Command = serde_json::from_str(
///     r#"{"command": "change_status", "status": {"custom": "awaiting_parts"}}"#,
/// ).unwrap();
/// assert_eq!(cmd.kind(), CommandKind::ChangeStatus);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Command {
    /// Create the ticket.
    Open(NewTicket),
    /// Add a public reply, with the files that came with it (by the same
    /// rules as [`Command::Attach`]; none by default), so a reply and its
    /// files are one change.
    Reply {
        /// The new comment's id.
        comment: CommentId,
        /// The text.
        body: String,
        /// The files, stored in the host's attachment store.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<AttachmentRef>,
    },
    /// Add an internal note, never shown to requesters, with the files that
    /// came with it (by the same rules as [`Command::Attach`], kept
    /// internal; none by default), so a note and its files are one change.
    AddNote {
        /// The new comment's id.
        comment: CommentId,
        /// The text.
        body: String,
        /// The files, stored in the host's attachment store.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<AttachmentRef>,
    },
    /// Attach files to a comment of the ticket, or (with no comment) to its
    /// description: by the comment's author or the ticket's creator, with
    /// the comment's visibility (a note's files stay internal).
    Attach {
        /// The comment, or none for the description.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<CommentId>,
        /// The files, stored in the host's attachment store.
        attachments: Vec<AttachmentRef>,
    },
    /// Move the ticket to a group, or out of any group.
    SetGroup {
        /// The group, or none.
        group: Option<GroupId>,
    },
    /// Give the ticket to an agent.
    Assign {
        /// The agent.
        assignee: ActorId,
    },
    /// Take the ticket away from its agent.
    Unassign,
    /// Move between open, pending, on hold and their sub-statuses.
    ChangeStatus {
        /// Where to.
        status: StatusTarget,
    },
    /// Re-assess impact and urgency; the priority follows unless overridden.
    SetImpactUrgency {
        /// The new impact.
        impact: Impact,
        /// The new urgency.
        urgency: Urgency,
    },
    /// Set the priority by hand, or (with `None`) go back to the matrix.
    OverridePriority {
        /// The priority, or `None` to clear an override.
        priority: Option<Priority>,
        /// Why; required when setting an override.
        #[serde(default)]
        reason: String,
    },
    /// Add a tag.
    Tag {
        /// The tag.
        tag: String,
    },
    /// Remove a tag.
    Untag {
        /// The tag.
        tag: String,
    },
    /// Set or (with `None`) clear a custom field.
    SetField {
        /// The field's key.
        key: String,
        /// The value, or `None` to clear it.
        value: Option<FieldValue>,
    },
    /// Add a watcher: someone told of the ticket's events by the rules
    /// that name `watchers`, as their role may see them (a requester-role
    /// watcher never hears of an internal note). Staff add or remove anyone
    /// of the tenant; a requester only themselves, as a requester. Watching
    /// again in another role changes the role; in the same role, nothing.
    /// The domain takes the role as given; the engine's desk first checks
    /// it against the host's directory and refuses a role it contradicts
    /// (`watcher.role`).
    ///
    /// ```
    /// use helpdesk_core::{ActorId, ActorRef, Command, CommandKind, Role};
    /// let follow = Command::Watch {
    ///     watcher: ActorRef { id: ActorId::from_u128(7), role: Role::Agent },
    /// };
    /// assert_eq!(follow.kind(), CommandKind::Watch);
    /// ```
    Watch {
        /// Who watches, and in which role they are told.
        watcher: ActorRef,
    },
    /// Remove a watcher; nothing when they do not watch.
    Unwatch {
        /// Who stops watching.
        watcher: ActorId,
    },
    /// Add an asset reference.
    AddAsset {
        /// The asset.
        asset: String,
    },
    /// Remove an asset reference.
    RemoveAsset {
        /// The asset.
        asset: String,
    },
    /// Mark the ticket solved.
    Resolve {
        /// How it was solved.
        resolution: Resolution,
        /// A sub-status of category resolved, if the desk defines one.
        #[serde(default)]
        sub_status: Option<String>,
    },
    /// Take a resolved ticket back to open.
    Reopen,
    /// Close a resolved ticket for good.
    Close,
    /// Withdraw the ticket without resolving it.
    Cancel {
        /// Why.
        #[serde(default)]
        reason: String,
    },
    /// Fold this ticket into another one. The other ticket records it with
    /// [`AcceptMerge`](Command::AcceptMerge) (see
    /// [`counterpart`](Command::counterpart)).
    Merge {
        /// The ticket that lives on.
        into: TicketId,
    },
    /// Record on the ticket that lives on that another ticket was merged
    /// into it: the other side of [`Merge`](Command::Merge), which the
    /// engine issues on the target. Accepting the same ticket twice records
    /// it once.
    AcceptMerge {
        /// The ticket merged into this one.
        from: TicketId,
    },
    /// Link this ticket to another.
    Link {
        /// The link.
        link: Link,
    },
    /// Remove a link.
    Unlink {
        /// The link.
        link: Link,
    },
    /// Run the ticket through the desk's routing rules: group, tier,
    /// priority, tags, fields and an assignee, each recorded with the rule
    /// that caused it.
    Route(RouteInput),
    /// Escalate by hand along an escalation rule whose trigger is `manual`.
    Escalate {
        /// The rule's name.
        rule: String,
        /// Why.
        reason: String,
    },
    /// Record the SLA warnings and breaches, and the timed escalations, due
    /// at the context's `now`. Running it again, or late, records nothing
    /// twice.
    CheckSla,
    /// Match the SLA policy afresh and recount the active clocks on their
    /// calendars, after the desk's calendars or policies changed.
    RecomputeSla,
}

impl Command {
    /// A public reply without files.
    ///
    /// ```
    /// use helpdesk_core::{Command, CommentId};
    ///
    /// let reply = Command::reply(CommentId::from_u128(1), "Looking at it now");
    /// assert!(matches!(reply, Command::Reply { ref attachments, .. } if attachments.is_empty()));
    /// ```
    pub fn reply(comment: CommentId, body: impl Into<String>) -> Self {
        Command::Reply {
            comment,
            body: body.into(),
            attachments: Vec::new(),
        }
    }

    /// An internal note without files.
    ///
    /// ```
    /// use helpdesk_core::{Command, CommentId};
    ///
    /// let note = Command::note(CommentId::from_u128(1), "Known issue INC-42");
    /// assert!(matches!(note, Command::AddNote { ref attachments, .. } if attachments.is_empty()));
    /// ```
    pub fn note(comment: CommentId, body: impl Into<String>) -> Self {
        Command::AddNote {
            comment,
            body: body.into(),
            attachments: Vec::new(),
        }
    }

    /// The command that records this one on the other ticket it names, for
    /// a command on `ticket` that involves two: a merge is accepted by the
    /// ticket that lives on, and a link or unlink is mirrored by the
    /// inverse link on the linked ticket. `None` for commands on one ticket
    /// (and for an accepted merge, whose merge is already recorded).
    ///
    /// Both sides are decided for the same actor, so the actor must reach
    /// both tickets; a host or engine decides both before appending either,
    /// so that neither side is recorded alone. The one exception is a link
    /// or unlink whose other ticket is closed, merged or cancelled, and so
    /// changes no more: the engine keeps it on this side only. A
    /// counterpart that is already recorded decides to no events, so
    /// issuing it again is harmless.
    ///
    /// ```
    /// use helpdesk_core::{Command, Link, LinkKind, TicketId};
    ///
    /// let (a, b) = (TicketId::from_u128(1), TicketId::from_u128(2));
    /// assert_eq!(
    ///     Command::Merge { into: b }.counterpart(a),
    ///     Some((b, Command::AcceptMerge { from: a })),
    /// );
    /// let problem = Link { kind: LinkKind::Problem, ticket: b };
    /// assert_eq!(
    ///     Command::Link { link: problem }.counterpart(a),
    ///     Some((b, Command::Link { link: Link { kind: LinkKind::Incident, ticket: a } })),
    /// );
    /// assert_eq!(Command::AcceptMerge { from: a }.counterpart(b), None);
    /// assert_eq!(Command::Close.counterpart(a), None);
    /// ```
    pub fn counterpart(&self, ticket: TicketId) -> Option<(TicketId, Command)> {
        match self {
            Command::Merge { into } => Some((*into, Command::AcceptMerge { from: ticket })),
            Command::Link { link } => Some((
                link.ticket,
                Command::Link {
                    link: link.seen_from(ticket),
                },
            )),
            Command::Unlink { link } => Some((
                link.ticket,
                Command::Unlink {
                    link: link.seen_from(ticket),
                },
            )),
            _ => None,
        }
    }

    /// Which command this is, without its data.
    pub fn kind(&self) -> CommandKind {
        match self {
            Command::Open(_) => CommandKind::Open,
            Command::Reply { .. } => CommandKind::Reply,
            Command::AddNote { .. } => CommandKind::AddNote,
            Command::Attach { .. } => CommandKind::Attach,
            Command::SetGroup { .. } => CommandKind::SetGroup,
            Command::Assign { .. } => CommandKind::Assign,
            Command::Unassign => CommandKind::Unassign,
            Command::ChangeStatus { .. } => CommandKind::ChangeStatus,
            Command::SetImpactUrgency { .. } => CommandKind::SetImpactUrgency,
            Command::OverridePriority { .. } => CommandKind::OverridePriority,
            Command::Tag { .. } => CommandKind::Tag,
            Command::Untag { .. } => CommandKind::Untag,
            Command::SetField { .. } => CommandKind::SetField,
            Command::Watch { .. } => CommandKind::Watch,
            Command::Unwatch { .. } => CommandKind::Unwatch,
            Command::AddAsset { .. } => CommandKind::AddAsset,
            Command::RemoveAsset { .. } => CommandKind::RemoveAsset,
            Command::Resolve { .. } => CommandKind::Resolve,
            Command::Reopen => CommandKind::Reopen,
            Command::Close => CommandKind::Close,
            Command::Cancel { .. } => CommandKind::Cancel,
            Command::Merge { .. } => CommandKind::Merge,
            Command::AcceptMerge { .. } => CommandKind::AcceptMerge,
            Command::Link { .. } => CommandKind::Link,
            Command::Unlink { .. } => CommandKind::Unlink,
            Command::Route(_) => CommandKind::Route,
            Command::Escalate { .. } => CommandKind::Escalate,
            Command::CheckSla => CommandKind::CheckSla,
            Command::RecomputeSla => CommandKind::RecomputeSla,
        }
    }
}

/// A [`Command`] without its data: names commands in errors and in the
/// lifecycle and authorization tables.
///
/// ```
/// use helpdesk_core::CommandKind;
/// assert_eq!(CommandKind::AddNote.as_str(), "add_note");
/// assert_eq!(CommandKind::AddNote.to_string(), "add a note to");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandKind {
    /// [`Command::Open`]
    Open,
    /// [`Command::Reply`]
    Reply,
    /// [`Command::AddNote`]
    AddNote,
    /// [`Command::Attach`]
    Attach,
    /// [`Command::SetGroup`]
    SetGroup,
    /// [`Command::Assign`]
    Assign,
    /// [`Command::Unassign`]
    Unassign,
    /// [`Command::ChangeStatus`]
    ChangeStatus,
    /// [`Command::SetImpactUrgency`]
    SetImpactUrgency,
    /// [`Command::OverridePriority`]
    OverridePriority,
    /// [`Command::Tag`]
    Tag,
    /// [`Command::Untag`]
    Untag,
    /// [`Command::SetField`]
    SetField,
    /// [`Command::Watch`]
    Watch,
    /// [`Command::Unwatch`]
    Unwatch,
    /// [`Command::AddAsset`]
    AddAsset,
    /// [`Command::RemoveAsset`]
    RemoveAsset,
    /// [`Command::Resolve`]
    Resolve,
    /// [`Command::Reopen`]
    Reopen,
    /// [`Command::Close`]
    Close,
    /// [`Command::Cancel`]
    Cancel,
    /// [`Command::Merge`]
    Merge,
    /// [`Command::AcceptMerge`]
    AcceptMerge,
    /// [`Command::Link`]
    Link,
    /// [`Command::Unlink`]
    Unlink,
    /// [`Command::Route`]
    Route,
    /// [`Command::Escalate`]
    Escalate,
    /// [`Command::CheckSla`]
    CheckSla,
    /// [`Command::RecomputeSla`]
    RecomputeSla,
}

impl CommandKind {
    /// Every command kind, in the order of the lifecycle table.
    pub const ALL: [CommandKind; 29] = [
        CommandKind::Open,
        CommandKind::Reply,
        CommandKind::AddNote,
        CommandKind::Attach,
        CommandKind::SetGroup,
        CommandKind::Assign,
        CommandKind::Unassign,
        CommandKind::ChangeStatus,
        CommandKind::SetImpactUrgency,
        CommandKind::OverridePriority,
        CommandKind::Tag,
        CommandKind::Untag,
        CommandKind::SetField,
        CommandKind::Watch,
        CommandKind::Unwatch,
        CommandKind::AddAsset,
        CommandKind::RemoveAsset,
        CommandKind::Resolve,
        CommandKind::Reopen,
        CommandKind::Close,
        CommandKind::Cancel,
        CommandKind::Merge,
        CommandKind::AcceptMerge,
        CommandKind::Link,
        CommandKind::Unlink,
        CommandKind::Route,
        CommandKind::Escalate,
        CommandKind::CheckSla,
        CommandKind::RecomputeSla,
    ];

    /// The serialized name, such as `"set_field"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            CommandKind::Open => "open",
            CommandKind::Reply => "reply",
            CommandKind::AddNote => "add_note",
            CommandKind::Attach => "attach",
            CommandKind::SetGroup => "set_group",
            CommandKind::Assign => "assign",
            CommandKind::Unassign => "unassign",
            CommandKind::ChangeStatus => "change_status",
            CommandKind::SetImpactUrgency => "set_impact_urgency",
            CommandKind::OverridePriority => "override_priority",
            CommandKind::Tag => "tag",
            CommandKind::Untag => "untag",
            CommandKind::SetField => "set_field",
            CommandKind::Watch => "watch",
            CommandKind::Unwatch => "unwatch",
            CommandKind::AddAsset => "add_asset",
            CommandKind::RemoveAsset => "remove_asset",
            CommandKind::Resolve => "resolve",
            CommandKind::Reopen => "reopen",
            CommandKind::Close => "close",
            CommandKind::Cancel => "cancel",
            CommandKind::Merge => "merge",
            CommandKind::AcceptMerge => "accept_merge",
            CommandKind::Link => "link",
            CommandKind::Unlink => "unlink",
            CommandKind::Route => "route",
            CommandKind::Escalate => "escalate",
            CommandKind::CheckSla => "check_sla",
            CommandKind::RecomputeSla => "recompute_sla",
        }
    }

    /// The command as a verb phrase for messages, such as `"add a note to"`.
    pub const fn verb(self) -> &'static str {
        match self {
            CommandKind::Open => "open",
            CommandKind::Reply => "reply to",
            CommandKind::AddNote => "add a note to",
            CommandKind::Attach => "attach files to",
            CommandKind::SetGroup => "set the group of",
            CommandKind::Assign => "assign",
            CommandKind::Unassign => "unassign",
            CommandKind::ChangeStatus => "change the status of",
            CommandKind::SetImpactUrgency => "set impact and urgency of",
            CommandKind::OverridePriority => "override the priority of",
            CommandKind::Tag => "tag",
            CommandKind::Untag => "untag",
            CommandKind::SetField => "set a field of",
            CommandKind::Watch => "add a watcher to",
            CommandKind::Unwatch => "remove a watcher from",
            CommandKind::AddAsset => "add an asset to",
            CommandKind::RemoveAsset => "remove an asset from",
            CommandKind::Resolve => "resolve",
            CommandKind::Reopen => "reopen",
            CommandKind::Close => "close",
            CommandKind::Cancel => "cancel",
            CommandKind::Merge => "merge",
            CommandKind::AcceptMerge => "merge another ticket into",
            CommandKind::Link => "link",
            CommandKind::Unlink => "unlink",
            CommandKind::Route => "route",
            CommandKind::Escalate => "escalate",
            CommandKind::CheckSla => "check the SLA of",
            CommandKind::RecomputeSla => "recompute the SLA of",
        }
    }
}

impl fmt::Display for CommandKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.verb())
    }
}
