//! Watchers: the decisions of [`Command::Watch`](crate::Command::Watch)
//! and [`Command::Unwatch`](crate::Command::Unwatch), past authorization
//! and the lifecycle.
//!
//! Note 5 of the [authorization table](crate::authorization): a requester
//! adds or removes only themselves, as a requester; staff anyone of the
//! tenant, in any role but one: the ticket's requester watches as a
//! requester. A ticket holds at most `limits.max_watchers` watchers.

use crate::actor::{ActorRef, Role};
use crate::command::CommandKind;
use crate::context::Context;
use crate::error::{DomainError, ValidationError};
use crate::event::Change;
use crate::id::ActorId;
use crate::ticket::Ticket;

/// The change adding `watcher`, or `None` when they already watch in that
/// role.
pub(crate) fn watch(
    ticket: &Ticket,
    watcher: ActorRef,
    ctx: &Context<'_>,
) -> Result<Option<Change>, DomainError> {
    let actor = ctx.actor;
    if actor.role == Role::Requester && watcher != actor.as_ref() {
        return Err(DomainError::Forbidden {
            command: CommandKind::Watch,
            role: actor.role,
            reason: "a requester adds only themselves as a watcher, as a requester".into(),
        });
    }
    if watcher.id == ticket.requester() && watcher.role != Role::Requester {
        return Err(ValidationError::new(
            "watcher.role",
            format!(
                "{} is the ticket's requester and watches as a requester, not as {}",
                watcher.id,
                watcher.role.with_article()
            ),
        )
        .into());
    }
    match ticket.watcher(watcher.id) {
        Some(known) if known == watcher => return Ok(None),
        Some(_) => {}
        None => {
            let max = ctx.config.limits.max_watchers;
            if ticket.watchers().len() >= max {
                return Err(ValidationError::new(
                    "watcher",
                    format!("a ticket may have at most {max} watchers (limits.max_watchers)"),
                )
                .into());
            }
        }
    }
    Ok(Some(Change::Watched { watcher }))
}

/// The change removing `watcher`, or `None` when they do not watch.
pub(crate) fn unwatch(
    ticket: &Ticket,
    watcher: ActorId,
    ctx: &Context<'_>,
) -> Result<Option<Change>, DomainError> {
    let actor = ctx.actor;
    if actor.role == Role::Requester && watcher != actor.id {
        return Err(DomainError::Forbidden {
            command: CommandKind::Unwatch,
            role: actor.role,
            reason: "a requester removes only themselves as a watcher".into(),
        });
    }
    Ok(ticket
        .watcher(watcher)
        .map(|watcher| Change::Unwatched { watcher }))
}
