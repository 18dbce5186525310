//! [`apply`]: folds one event into a ticket.

use std::sync::Arc;

use crate::comment::{Comment, Visibility};
use crate::event::{Change, Event};
use crate::id::CommentId;
use crate::priority::PriorityReason;
use crate::shared::Shared;
use crate::sla::apply_sla;
use crate::status::{Status, StatusCategory};
use crate::ticket::{Ticket, TicketState};

/// Folds `event` into `ticket`: pure, infallible and deterministic. Every
/// event bumps the version by one and sets `updated_at`.
///
/// `apply` trusts its input: events come from [`decide`](crate::decide)
/// or from the ticket's stored history, so it never rejects one.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use helpdesk_core::*;
///
/// let mut ticket = Ticket::new(TicketId::from_u128(1));
/// let event = Event::new(
///     Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
///     ActorRef { id: ActorId::from_u128(2), role: Role::Agent },
///     Change::Tagged { tag: Tag::new("vpn").unwrap() },
/// );
/// apply(&mut ticket, &event);
/// assert!(ticket.tags().contains(&Tag::new("vpn").unwrap()));
/// assert_eq!(ticket.version(), 1);
/// ```
pub fn apply(ticket: &mut Ticket, event: &Event) {
    let ticket = Arc::make_mut(&mut ticket.state);
    match &event.change {
        Change::Opened(opened) => {
            ticket.tenant = opened.tenant;
            ticket.number = opened.number;
            ticket.requester = opened.requester;
            ticket.subject = Arc::from(opened.subject.as_str());
            ticket.description = Arc::from(opened.description.as_str());
            ticket.channel = opened.channel;
            ticket.ticket_type = opened.ticket_type;
            ticket.status = Status::from(StatusCategory::New);
            ticket.impact = opened.impact;
            ticket.urgency = opened.urgency;
            ticket.priority = opened.priority;
            ticket.group = opened.group;
            ticket.tags = Shared::new(opened.tags.clone());
            ticket.fields = Shared::new(opened.fields.clone());
            ticket.assets = Shared::new(opened.assets.clone());
            ticket.requester_email = opened.requester_email.as_deref().map(Arc::from);
            ticket.organization = opened.organization.as_deref().map(Arc::from);
            ticket.created_by = Some(event.by);
            ticket.created_at = event.at;
        }
        Change::Replied { comment, body } => {
            add_comment(ticket, event, *comment, body, Visibility::Public);
        }
        Change::NoteAdded { comment, body } => {
            add_comment(ticket, event, *comment, body, Visibility::Internal);
        }
        Change::Attached {
            comment,
            attachments,
            ..
        } => match comment {
            Some(comment) => {
                if let Some(found) = ticket.conversation.rfind_mut(|c| c.id == *comment) {
                    found.attachments.extend(attachments.iter().cloned());
                }
            }
            None => ticket
                .attachments
                .make_mut()
                .extend(attachments.iter().cloned()),
        },
        Change::GroupChanged { to, .. } => ticket.group = *to,
        Change::AssigneeChanged { from, to } => {
            if from.is_some() && to.is_some() {
                ticket.reassignments += 1;
            }
            ticket.assignee = *to;
        }
        Change::TierChanged { to, .. } => ticket.tier.clone_from(to),
        Change::Escalated(escalated) => {
            ticket.escalations.make_mut().insert(escalated.rule.clone());
            if escalated.to_tier.is_some() {
                ticket.tier.clone_from(&escalated.to_tier);
            }
        }
        Change::StatusChanged { to, .. } => ticket.status = to.clone(),
        Change::ImpactUrgencyChanged { impact, urgency } => {
            ticket.impact = *impact;
            ticket.urgency = *urgency;
        }
        Change::PriorityChanged { to, reason, .. } => {
            ticket.priority = *to;
            ticket.priority_overridden = match reason {
                PriorityReason::Override { .. } | PriorityReason::Rule { .. } => true,
                PriorityReason::OverrideCleared => false,
                PriorityReason::Matrix => ticket.priority_overridden,
            };
        }
        Change::Tagged { tag } => {
            ticket.tags.make_mut().insert(tag.clone());
        }
        Change::Untagged { tag } => {
            ticket.tags.make_mut().remove(tag);
        }
        Change::FieldChanged { key, value } => match value {
            Some(value) => {
                ticket.fields.make_mut().insert(key.clone(), value.clone());
            }
            None => {
                ticket.fields.make_mut().remove(key);
            }
        },
        Change::Watched { watcher } => {
            ticket.watchers.make_mut().insert(watcher.id, watcher.role);
        }
        Change::Unwatched { watcher } => {
            ticket.watchers.make_mut().remove(&watcher.id);
        }
        Change::AssetAdded { asset } => {
            ticket.assets.make_mut().insert(asset.clone());
        }
        Change::AssetRemoved { asset } => {
            ticket.assets.make_mut().remove(asset);
        }
        Change::Resolved {
            resolution,
            sub_status,
        } => {
            ticket.status = Status {
                category: StatusCategory::Resolved,
                sub_status: sub_status.clone(),
            };
            ticket.resolution = Some(resolution.clone());
        }
        Change::Reopened => {
            ticket.status = Status::from(StatusCategory::Open);
            ticket.resolution = None;
        }
        Change::Closed => ticket.status = Status::from(StatusCategory::Closed),
        Change::Cancelled { .. } => ticket.status = Status::from(StatusCategory::Cancelled),
        Change::Merged { into } => {
            ticket.status = Status::from(StatusCategory::Merged);
            ticket.merged_into = Some(*into);
        }
        Change::MergedFrom { from } => {
            ticket.merged_from.make_mut().insert(*from);
        }
        Change::Linked { link } => {
            ticket.links.make_mut().insert(*link);
        }
        Change::Unlinked { link } => {
            ticket.links.make_mut().remove(link);
        }
        Change::SlaPolicyChanged { .. }
        | Change::SlaStarted(_)
        | Change::SlaPaused { .. }
        | Change::SlaResumed { .. }
        | Change::SlaRetargeted(_)
        | Change::SlaWarned { .. }
        | Change::SlaBreached { .. }
        | Change::SlaStopped { .. }
        | Change::SlaCancelled { .. } => apply_sla(&mut ticket.sla, &mut ticket.sla_policy, event),
    }
    ticket.version += 1;
    ticket.updated_at = event.at;
}

/// Adds a reply or note to the ticket's conversation.
fn add_comment(
    ticket: &mut TicketState,
    event: &Event,
    id: CommentId,
    body: &str,
    visibility: Visibility,
) {
    ticket.conversation.push(Comment {
        id,
        author: event.by,
        visibility,
        body: body.to_owned(),
        at: event.at,
        attachments: Vec::new(),
    });
}
