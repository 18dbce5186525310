//! [`decide`]: turns a command on a ticket into events, or rejects it.

use std::collections::BTreeSet;

use crate::actor::Role;
use crate::asset::AssetRef;
use crate::attachment::AttachmentRef;
use crate::authorization::{authorize, authorize_field, authorize_open};
use crate::channel::Channel;
use crate::command::{Command, CommandKind, NewTicket};
use crate::comment::Visibility;
use crate::config::Limits;
use crate::context::Context;
use crate::error::{DomainError, ValidationError};
use crate::escalation::{manual, with_escalations};
use crate::event::{Change, Event, Opened};
use crate::field::FieldValue;
use crate::id::{CommentId, TicketId};
use crate::input;
use crate::lifecycle::{Transition, transition};
use crate::link::{Link, LinkKind};
use crate::priority::{Impact, Priority, PriorityReason, Urgency};
use crate::resolution::Resolution;
use crate::routing::route_events;
use crate::sla::react::with_sla;
use crate::stamp::Stamp;
use crate::status::{Status, StatusCategory, StatusTarget};
use crate::suggest::did_you_mean;
use crate::tag::Tag;
use crate::ticket::Ticket;
use crate::ticket_type::TicketType;
use crate::watch::{unwatch, watch};

/// Decides what `command` does to `ticket`: the events to append, or why
/// not. Pure and deterministic: the same ticket, command and context give
/// the same result.
///
/// Checks run in this order, and the first failure is returned:
///
/// 1. existence: `open` needs a ticket that does not exist yet
///    ([`AlreadyExists`](DomainError::AlreadyExists)), every other command
///    one that does ([`NotFound`](DomainError::NotFound));
/// 2. [authorization](crate::authorization): `NotFound` for tickets the
///    actor may not see, [`Forbidden`](DomainError::Forbidden) for what
///    their role may not do;
/// 3. the [lifecycle](crate::lifecycle):
///    [`IllegalTransition`](DomainError::IllegalTransition);
/// 4. the command's input: [`Invalid`](DomainError::Invalid), naming the
///    field.
///
/// A command that would change nothing (tagging with a tag the ticket
/// already has, say) succeeds with no events. A rejected command changes
/// nothing: the ticket is only read.
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
/// for event in decide(&ticket, Command::Open(NewTicket::new(alice.id, "Printer jams", "")), &ctx)? {
///     apply(&mut ticket, &event);
/// }
///
/// let err = decide(&ticket, Command::Resolve {
///     resolution: Resolution::new(ResolutionCode::Solved, "Fixed it myself"),
///     sub_status: None,
/// }, &ctx).unwrap_err();
/// assert!(matches!(err, DomainError::Forbidden { .. }));
///
/// let err = decide(&ticket, Command::Reopen, &ctx).unwrap_err();
/// assert_eq!(err.to_string(), "cannot reopen a ticket that is new");
/// # Ok::<(), DomainError>(())
/// ```
pub fn decide(
    ticket: &Ticket,
    command: Command,
    ctx: &Context<'_>,
) -> Result<Vec<Event>, DomainError> {
    let kind = command.kind();
    if let Command::Open(new) = command {
        if ticket.exists() {
            return Err(DomainError::AlreadyExists {
                ticket: ticket.id(),
            });
        }
        authorize_open(&new, ctx.actor, ctx.config)?;
        let opened = open(new, ctx)?;
        return with_sla(ticket, opened, false, ctx);
    }
    if !ticket.exists() {
        return Err(DomainError::NotFound {
            ticket: ticket.id(),
        });
    }
    authorize(ticket, kind, ctx.actor)?;
    if let Command::SetField { key, .. } = &command {
        authorize_field(kind, ctx.actor, ctx.config, key)?;
    }
    if transition(kind, ticket.status().category) == Transition::Illegal {
        return Err(DomainError::IllegalTransition {
            command: kind,
            status: ticket.status().clone(),
        });
    }
    let recompute = kind == CommandKind::RecomputeSla;
    let mut out = Events::new(ctx);
    match command {
        Command::Open(_) | Command::CheckSla | Command::RecomputeSla => {}
        Command::Route(input) => out.events = route_events(ticket, &input, ctx)?,
        Command::Escalate { rule, reason } => out.events = manual(ticket, &rule, reason, ctx)?,
        Command::Reply {
            comment,
            body,
            attachments,
        } => {
            input::body("body", &body, &ctx.config.limits, false)?;
            check_comment_id(ticket, comment)?;
            check_room(ticket, &body, &ctx.config.limits)?;
            if !attachments.is_empty() {
                check_files(0, &attachments)?;
            }
            out.push(Change::Replied { comment, body });
            if !attachments.is_empty() {
                out.push(Change::Attached {
                    comment: Some(comment),
                    visibility: Visibility::Public,
                    attachments,
                });
            }
            reply_moves_status(ticket, ctx.actor.role, &mut out);
        }
        Command::AddNote {
            comment,
            body,
            attachments,
        } => {
            input::body("body", &body, &ctx.config.limits, false)?;
            check_comment_id(ticket, comment)?;
            check_room(ticket, &body, &ctx.config.limits)?;
            if !attachments.is_empty() {
                check_files(0, &attachments)?;
            }
            out.push(Change::NoteAdded { comment, body });
            if !attachments.is_empty() {
                out.push(Change::Attached {
                    comment: Some(comment),
                    visibility: Visibility::Internal,
                    attachments,
                });
            }
        }
        Command::Attach {
            comment,
            attachments,
        } => out.push(attach(ticket, comment, attachments, ctx)?),
        Command::SetGroup { group } => {
            if group != ticket.group() {
                out.push(Change::GroupChanged {
                    from: ticket.group(),
                    to: group,
                });
            }
        }
        Command::Assign { assignee } => {
            if Some(assignee) != ticket.assignee() {
                out.push(Change::AssigneeChanged {
                    from: ticket.assignee(),
                    to: Some(assignee),
                });
                if ticket.status().category == StatusCategory::New {
                    out.move_to(ticket, Status::from(StatusCategory::Open));
                }
            }
        }
        Command::Unassign => {
            if ticket.assignee().is_some() {
                out.push(Change::AssigneeChanged {
                    from: ticket.assignee(),
                    to: None,
                });
            }
        }
        Command::ChangeStatus { status } => {
            let to = status_of(&status, ctx)?;
            if &to != ticket.status() {
                out.move_to(ticket, to);
            }
        }
        Command::SetImpactUrgency { impact, urgency } => {
            set_impact_urgency(ticket, impact, urgency, ctx, &mut out);
        }
        Command::OverridePriority { priority, reason } => {
            override_priority(ticket, priority, reason, ctx, &mut out)?;
        }
        Command::Tag { tag } => {
            let tag = Tag::new_at("tag", tag)?;
            if !ticket.tags().contains(&tag) {
                check_count(
                    "tag",
                    "tags",
                    ticket.tags().len(),
                    ctx.config.limits.max_tags,
                )?;
                out.push(Change::Tagged { tag });
            }
        }
        Command::Untag { tag } => {
            let tag = Tag::new_at("tag", tag)?;
            if ticket.tags().contains(&tag) {
                out.push(Change::Untagged { tag });
            }
        }
        Command::SetField { key, value } => {
            check_field("fields", &key, value.as_ref(), ctx)?;
            if ticket.fields().get(&key) != value.as_ref() {
                out.push(Change::FieldChanged { key, value });
            }
        }
        Command::Watch { watcher } => {
            if let Some(change) = watch(ticket, watcher, ctx)? {
                out.push(change);
            }
        }
        Command::Unwatch { watcher } => {
            if let Some(change) = unwatch(ticket, watcher, ctx)? {
                out.push(change);
            }
        }
        Command::AddAsset { asset } => {
            let asset = AssetRef::new_at("asset", asset)?;
            if !ticket.assets().contains(&asset) {
                check_count(
                    "asset",
                    "assets",
                    ticket.assets().len(),
                    ctx.config.limits.max_assets,
                )?;
                out.push(Change::AssetAdded { asset });
            }
        }
        Command::RemoveAsset { asset } => {
            let asset = AssetRef::new_at("asset", asset)?;
            if ticket.assets().contains(&asset) {
                out.push(Change::AssetRemoved { asset });
            }
        }
        Command::Resolve {
            resolution,
            sub_status,
        } => resolve(resolution, sub_status, ctx, &mut out)?,
        Command::Reopen => out.push(Change::Reopened),
        Command::Close => out.push(Change::Closed),
        Command::Cancel { reason } => {
            input::body("reason", &reason, &ctx.config.limits, true)?;
            out.push(Change::Cancelled { reason });
        }
        Command::Merge { into } => {
            check_not_itself("into", into, ticket)?;
            out.push(Change::Merged { into });
        }
        Command::AcceptMerge { from } => {
            check_not_itself("from", from, ticket)?;
            if !ticket.merged_from().contains(&from) {
                check_count(
                    "from",
                    "tickets merged into it",
                    ticket.merged_from().len(),
                    ctx.config.limits.max_links,
                )?;
                out.push(Change::MergedFrom { from });
            }
        }
        Command::Link { link } => {
            if !ticket.links().contains(&link) {
                check_link(ticket, link, ctx)?;
                out.push(Change::Linked { link });
            }
        }
        Command::Unlink { link } => {
            if ticket.links().contains(&link) {
                out.push(Change::Unlinked { link });
            }
        }
    }
    let events = with_sla(ticket, out.events, recompute, ctx)?;
    with_escalations(ticket, events, ctx)
}

/// Events under construction, stamped with the context's instant and actor.
struct Events<'a> {
    stamp: Stamp<'a>,
    events: Vec<Event>,
}

impl<'a> Events<'a> {
    fn new(ctx: &'a Context<'a>) -> Self {
        Self {
            stamp: Stamp::new(ctx),
            events: Vec::with_capacity(2),
        }
    }

    fn push(&mut self, change: Change) {
        self.events.push(self.stamp.event(change));
    }

    fn move_to(&mut self, ticket: &Ticket, to: Status) {
        self.push(Change::StatusChanged {
            from: ticket.status().clone(),
            to,
        });
    }
}

fn open(new: NewTicket, ctx: &Context<'_>) -> Result<Vec<Event>, DomainError> {
    let limits = &ctx.config.limits;
    let subject = input::subject(&new.subject, limits)?;
    input::body("description", &new.description, limits, true)?;
    check_ticket_bytes("description", 0, new.description.len(), limits)?;
    let tags = new
        .tags
        .into_iter()
        .enumerate()
        .map(|(i, tag)| Tag::new_at(&format!("tags[{i}]"), tag))
        .collect::<Result<BTreeSet<_>, _>>()?;
    check_count(
        "tags",
        "tags",
        tags.len().saturating_sub(1),
        limits.max_tags,
    )?;
    let assets = new
        .assets
        .into_iter()
        .enumerate()
        .map(|(i, asset)| AssetRef::new_at(&format!("assets[{i}]"), asset))
        .collect::<Result<BTreeSet<_>, _>>()?;
    check_count(
        "assets",
        "assets",
        assets.len().saturating_sub(1),
        limits.max_assets,
    )?;
    for (key, value) in &new.fields {
        check_field("fields", key, Some(value), ctx)?;
    }
    // The facts the host vouches for win over the command's (note 1 of the
    // authorization table).
    let vouched = ctx.vouched;
    for (key, value) in &vouched.fields {
        check_field("vouched.fields", key, Some(value), ctx)?;
    }
    let mut fields = new.fields;
    fields.extend(vouched.fields.iter().map(|(k, v)| (k.clone(), v.clone())));
    let facts = [
        ("vouched.organization", vouched.organization.as_deref()),
        ("organization", new.organization.as_deref()),
        (
            "vouched.requester_email",
            vouched.requester_email.as_deref(),
        ),
        ("requester_email", new.requester_email.as_deref()),
    ];
    for (field, value) in facts {
        input::fact(field, value.unwrap_or_default(), limits)?;
    }
    check_files(0, &new.attachments)?;
    let impact = new.impact.unwrap_or(Impact::Medium);
    let urgency = new.urgency.unwrap_or(Urgency::Medium);
    let mut out = Events::new(ctx);
    out.push(Change::Opened(Box::new(Opened {
        tenant: ctx.actor.tenant,
        requester: new.requester,
        subject,
        description: new.description,
        channel: vouched.channel.or(new.channel).unwrap_or(Channel::Portal),
        ticket_type: vouched
            .ticket_type
            .or(new.ticket_type)
            .unwrap_or(TicketType::Incident),
        impact,
        urgency,
        priority: ctx.config.priority_matrix.priority(impact, urgency),
        group: new.group,
        tags,
        fields,
        assets,
        requester_email: vouched.requester_email.clone().or(new.requester_email),
        organization: vouched.organization.clone().or(new.organization),
        number: ctx.number,
    })));
    if !new.attachments.is_empty() {
        out.push(Change::Attached {
            comment: None,
            visibility: Visibility::Public,
            attachments: new.attachments,
        });
    }
    Ok(out.events)
}

/// The status moves a public reply causes (notes 1 to 3 of the lifecycle).
fn reply_moves_status(ticket: &Ticket, role: Role, out: &mut Events<'_>) {
    match (ticket.status().category, role) {
        (StatusCategory::New, Role::Agent | Role::Supervisor | Role::Admin)
        | (StatusCategory::Pending, Role::Requester) => {
            out.move_to(ticket, Status::from(StatusCategory::Open));
        }
        (StatusCategory::Resolved, Role::Requester) => out.push(Change::Reopened),
        _ => {}
    }
}

fn check_comment_id(ticket: &Ticket, comment: crate::id::CommentId) -> Result<(), ValidationError> {
    if ticket.conversation().any(|c| c.id == comment) {
        return Err(ValidationError::new(
            "comment",
            format!(
                "comment id {comment} is already used on this ticket; make a new id per comment"
            ),
        ));
    }
    Ok(())
}

/// Checks that the ticket has room for one more comment of `body`
/// (`max_comments` and `max_ticket_bytes`).
fn check_room(ticket: &Ticket, body: &str, limits: &Limits) -> Result<(), ValidationError> {
    let comments = ticket.conversation().len();
    if comments >= limits.max_comments {
        return Err(ValidationError::new(
            "body",
            format!(
                "the ticket holds {comments} comments; limits.max_comments allows {}",
                limits.max_comments
            ),
        ));
    }
    let held =
        ticket.description().len() + ticket.conversation().map(|c| c.body.len()).sum::<usize>();
    check_ticket_bytes("body", held, body.len(), limits)
}

/// Checks that a ticket holding `held` bytes of text may take `adding`
/// more (`max_ticket_bytes`).
fn check_ticket_bytes(
    field: &'static str,
    held: usize,
    adding: usize,
    limits: &Limits,
) -> Result<(), ValidationError> {
    if held.saturating_add(adding) > limits.max_ticket_bytes {
        return Err(ValidationError::new(
            field,
            format!(
                "the ticket holds {held} bytes of text; {adding} more would pass limits.max_ticket_bytes ({})",
                limits.max_ticket_bytes
            ),
        ));
    }
    Ok(())
}

/// Checks that the other ticket of a merge is not `ticket` itself.
fn check_not_itself(
    field: &'static str,
    other: TicketId,
    ticket: &Ticket,
) -> Result<(), ValidationError> {
    if other == ticket.id() {
        return Err(ValidationError::new(
            field,
            "a ticket cannot be merged into itself",
        ));
    }
    Ok(())
}

fn check_count(
    field: &'static str,
    what: &str,
    current: usize,
    max: usize,
) -> Result<(), ValidationError> {
    if current >= max {
        return Err(ValidationError::new(
            field,
            format!("a ticket may have at most {max} {what}"),
        ));
    }
    Ok(())
}

/// Checks a custom field's key and value; errors name `{at}.{key}`.
fn check_field(
    at: &str,
    key: &str,
    value: Option<&FieldValue>,
    ctx: &Context<'_>,
) -> Result<(), ValidationError> {
    let limits = &ctx.config.limits;
    // A key no field could have is refused before it costs a lookup or a
    // suggestion, and is not echoed back.
    let len = key.chars().count();
    if len > limits.field_key_max_chars {
        return Err(ValidationError::new(
            at.to_owned(),
            format!(
                "a field key is {len} characters long; limits.field_key_max_chars allows {}",
                limits.field_key_max_chars
            ),
        ));
    }
    let path = format!("{at}.{key}");
    if let Some(bytes) = value
        .map(FieldValue::text_bytes)
        .filter(|bytes| *bytes > limits.field_value_max_bytes)
    {
        return Err(ValidationError::new(
            path,
            format!(
                "is {bytes} bytes long; limits.field_value_max_bytes allows {}",
                limits.field_value_max_bytes
            ),
        ));
    }
    let Some(def) = ctx.config.field(key) else {
        return Err(ValidationError::new(
            path,
            format!(
                "unknown field {key:?}{}",
                did_you_mean(key, ctx.config.fields.iter().map(|f| f.key.as_str()))
            ),
        ));
    };
    match value {
        Some(value) => def.check(&path, value),
        None => Ok(()),
    }
}

fn status_of(target: &StatusTarget, ctx: &Context<'_>) -> Result<Status, ValidationError> {
    Ok(match target {
        StatusTarget::Open => Status::from(StatusCategory::Open),
        StatusTarget::Pending => Status::from(StatusCategory::Pending),
        StatusTarget::OnHold => Status::from(StatusCategory::OnHold),
        StatusTarget::Custom(key) => {
            let def = ctx.config.status(key).ok_or_else(|| {
                ValidationError::new(
                    "status",
                    format!(
                        "unknown status {key:?}{}",
                        did_you_mean(key, ctx.config.statuses.iter().map(|s| s.key.as_str()))
                    ),
                )
            })?;
            if !matches!(
                def.category,
                StatusCategory::Open | StatusCategory::Pending | StatusCategory::OnHold
            ) {
                return Err(ValidationError::new(
                    "status",
                    format!(
                        "status {key:?} belongs to {}; change_status moves to open, pending or on_hold (use resolve, close, cancel or merge otherwise)",
                        def.category
                    ),
                ));
            }
            Status::custom(def.category, key.clone())
        }
    })
}

fn set_impact_urgency(
    ticket: &Ticket,
    impact: Impact,
    urgency: Urgency,
    ctx: &Context<'_>,
    out: &mut Events<'_>,
) {
    if (impact, urgency) == (ticket.impact(), ticket.urgency()) {
        return;
    }
    out.push(Change::ImpactUrgencyChanged { impact, urgency });
    let priority = ctx.config.priority_matrix.priority(impact, urgency);
    if !ticket.priority_overridden() && priority != ticket.priority() {
        out.push(Change::PriorityChanged {
            from: ticket.priority(),
            to: priority,
            reason: PriorityReason::Matrix,
        });
    }
}

fn override_priority(
    ticket: &Ticket,
    priority: Option<Priority>,
    reason: String,
    ctx: &Context<'_>,
    out: &mut Events<'_>,
) -> Result<(), ValidationError> {
    match priority {
        Some(to) => {
            input::body("reason", &reason, &ctx.config.limits, false)?;
            if !(ticket.priority_overridden() && to == ticket.priority()) {
                out.push(Change::PriorityChanged {
                    from: ticket.priority(),
                    to,
                    reason: PriorityReason::Override { reason },
                });
            }
        }
        None => {
            if ticket.priority_overridden() {
                out.push(Change::PriorityChanged {
                    from: ticket.priority(),
                    to: ctx
                        .config
                        .priority_matrix
                        .priority(ticket.impact(), ticket.urgency()),
                    reason: PriorityReason::OverrideCleared,
                });
            }
        }
    }
    Ok(())
}

fn resolve(
    resolution: Resolution,
    sub_status: Option<String>,
    ctx: &Context<'_>,
    out: &mut Events<'_>,
) -> Result<(), ValidationError> {
    input::body(
        "resolution.note",
        &resolution.note,
        &ctx.config.limits,
        true,
    )?;
    if let Some(key) = &sub_status {
        match ctx.config.status(key) {
            Some(def) if def.category == StatusCategory::Resolved => {}
            Some(def) => {
                return Err(ValidationError::new(
                    "sub_status",
                    format!("status {key:?} belongs to {}, not resolved", def.category),
                ));
            }
            None => {
                return Err(ValidationError::new(
                    "sub_status",
                    format!(
                        "unknown status {key:?}{}",
                        did_you_mean(key, ctx.config.statuses.iter().map(|s| s.key.as_str()))
                    ),
                ));
            }
        }
    }
    out.push(Change::Resolved {
        resolution,
        sub_status,
    });
    Ok(())
}

fn check_link(ticket: &Ticket, link: Link, ctx: &Context<'_>) -> Result<(), ValidationError> {
    if link.ticket == ticket.id() {
        return Err(ValidationError::new(
            "link.ticket",
            "a ticket cannot link to itself",
        ));
    }
    if let Some(existing) = ticket.links().iter().find(|l| l.ticket == link.ticket) {
        return Err(ValidationError::new(
            "link.ticket",
            format!(
                "already linked to {} as {}; unlink that first",
                link.ticket, existing.kind
            ),
        ));
    }
    let needs = match link.kind {
        LinkKind::Problem => Some(TicketType::Incident),
        LinkKind::Incident => Some(TicketType::Problem),
        _ => None,
    };
    if let Some(needed) = needs.filter(|needed| *needed != ticket.ticket_type()) {
        return Err(ValidationError::new(
            "link.kind",
            format!(
                "only a ticket of type {} can have a {} link; this one is {}",
                needed,
                link.kind,
                ticket.ticket_type()
            ),
        ));
    }
    if matches!(link.kind, LinkKind::Parent | LinkKind::Problem)
        && let Some(existing) = ticket.links().iter().find(|l| l.kind == link.kind)
    {
        return Err(ValidationError::new(
            "link.kind",
            format!(
                "the ticket already has a {} ({}); unlink it first",
                link.kind, existing.ticket
            ),
        ));
    }
    check_count(
        "link",
        "links",
        ticket.links().len(),
        ctx.config.limits.max_links,
    )
}

/// Checks that a comment holding `held` files may take `attachments`
/// ([`MAX_ATTACHMENTS`](crate::MAX_ATTACHMENTS) in all), each reference
/// well formed.
fn check_files(held: usize, attachments: &[AttachmentRef]) -> Result<(), ValidationError> {
    if held + attachments.len() > crate::MAX_ATTACHMENTS {
        return Err(ValidationError::new(
            "attachments",
            format!("a comment holds at most {} files", crate::MAX_ATTACHMENTS),
        ));
    }
    for (i, file) in attachments.iter().enumerate() {
        file.check(&format!("attachments[{i}]"))?;
    }
    Ok(())
}

/// Files attached to a comment (by its author) or to the description (by
/// the ticket's creator): at most [`MAX_ATTACHMENTS`](crate::MAX_ATTACHMENTS)
/// on it in all, each reference well formed.
fn attach(
    ticket: &Ticket,
    comment: Option<CommentId>,
    attachments: Vec<AttachmentRef>,
    ctx: &Context<'_>,
) -> Result<Change, DomainError> {
    let (author, visibility, held) = match comment {
        Some(id) => {
            let Some(found) = ticket.conversation().rev().find(|c| c.id == id) else {
                return Err(
                    ValidationError::new("comment", "names no comment of this ticket").into(),
                );
            };
            (
                Some(found.author.id),
                found.visibility,
                found.attachments.len(),
            )
        }
        None => (
            ticket.created_by().map(|by| by.id),
            Visibility::Public,
            ticket.attachments().len(),
        ),
    };
    if author != Some(ctx.actor.id) {
        return Err(DomainError::Forbidden {
            command: CommandKind::Attach,
            role: ctx.actor.role,
            reason: "only a comment's author, or the ticket's creator for its description, may attach files to it".into(),
        });
    }
    if attachments.is_empty() {
        return Err(ValidationError::new("attachments", "names no file").into());
    }
    check_files(held, &attachments)?;
    Ok(Change::Attached {
        comment,
        visibility,
        attachments,
    })
}
