//! Who may do what: every command is checked against the acting
//! [`Actor`] before anything else.
//!
//! Nothing crosses tenants: a ticket of another tenant does not exist for
//! the actor ([`crate::DomainError::NotFound`]).
//! Within the tenant, each cell says on which tickets a role may issue the
//! command:
//!
//! - `own`: tickets the actor is the requester of;
//! - `group`: tickets in one of the actor's groups, tickets in no group
//!   (the triage queue), and tickets assigned to the actor;
//! - `tenant`: every ticket of the tenant;
//! - `✗`: never ([`crate::DomainError::Forbidden`]).
//!
//! | command            | requester | agent  | supervisor | admin  | system |
//! |--------------------|-----------|--------|------------|--------|--------|
//! | open               | own¹      | group² | group²     | tenant | tenant |
//! | reply              | own       | group  | group      | tenant | tenant |
//! | add_note           | ✗         | group  | group      | tenant | tenant |
//! | set_group          | ✗         | group  | group      | tenant | tenant |
//! | assign             | ✗         | group  | group      | tenant | tenant |
//! | unassign           | ✗         | group  | group      | tenant | tenant |
//! | change_status      | ✗         | group  | group      | tenant | tenant |
//! | set_impact_urgency | ✗         | group  | group      | tenant | tenant |
//! | override_priority  | ✗         | ✗      | group      | tenant | tenant |
//! | tag                | ✗         | group  | group      | tenant | tenant |
//! | untag              | ✗         | group  | group      | tenant | tenant |
//! | set_field          | own³      | group  | group      | tenant | tenant |
//! | add_asset          | ✗         | group  | group      | tenant | tenant |
//! | remove_asset       | ✗         | group  | group      | tenant | tenant |
//! | resolve            | ✗         | group  | group      | tenant | tenant |
//! | reopen             | own       | group  | group      | tenant | tenant |
//! | close              | own       | group  | group      | tenant | tenant |
//! | cancel             | ✗         | group  | group      | tenant | tenant |
//! | merge              | ✗         | group  | group      | tenant | tenant |
//! | link               | ✗         | group  | group      | tenant | tenant |
//! | unlink             | ✗         | group  | group      | tenant | tenant |
//! | route              | ✗         | group  | group      | tenant | tenant |
//! | escalate           | ✗         | group  | group      | tenant | tenant |
//! | check_sla          | ✗         | group  | group      | tenant | tenant |
//! | recompute_sla      | ✗         | ✗      | ✗          | tenant | tenant |
//!
//! 1. A requester opens tickets only for themselves, and may not set the
//!    group, impact, urgency or tags (triage and routing do that).
//! 2. Agents and supervisors open tickets in one of their groups or in no
//!    group.
//! 3. Only fields the desk marks `requester_editable`.
//!
//! Seeing follows the same scopes: requesters see their own tickets, never
//! internal notes ([`Ticket::view_for`](crate::Ticket::view_for)); agents
//! and supervisors see the tickets of their groups, tickets in no group and
//! tickets assigned to them; admins and the system see the whole tenant. A
//! ticket the actor may not see answers `NotFound`, one they see but may
//! not change answers `Forbidden`.

use std::borrow::Cow;

use crate::actor::{Actor, Role};
use crate::command::{CommandKind, NewTicket};
use crate::config::DeskConfig;
use crate::error::DomainError;
use crate::ticket::Ticket;

/// On which tickets a role may issue a command, per the [table](self).
///
/// ```
/// use helpdesk_core::authorization::{scope, Scope};
/// use helpdesk_core::{CommandKind, Role};
///
/// assert_eq!(scope(CommandKind::Reply, Role::Requester), Scope::Own);
/// assert_eq!(scope(CommandKind::AddNote, Role::Requester), Scope::Never);
/// assert_eq!(scope(CommandKind::OverridePriority, Role::Supervisor), Scope::Group);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Tickets the actor requested.
    Own,
    /// Tickets of the actor's groups, in no group, or assigned to them.
    Group,
    /// Every ticket of the tenant.
    Tenant,
    /// None.
    Never,
}

/// Looks up `command` for `role` in the authorization table.
pub const fn scope(command: CommandKind, role: Role) -> Scope {
    use CommandKind as C;
    match role {
        Role::Requester => match command {
            C::Open | C::Reply | C::SetField | C::Reopen | C::Close => Scope::Own,
            _ => Scope::Never,
        },
        Role::Agent => match command {
            C::OverridePriority | C::RecomputeSla => Scope::Never,
            _ => Scope::Group,
        },
        Role::Supervisor => match command {
            C::RecomputeSla => Scope::Never,
            _ => Scope::Group,
        },
        Role::Admin | Role::System => Scope::Tenant,
    }
}

fn forbidden(
    command: CommandKind,
    actor: &Actor,
    reason: impl Into<Cow<'static, str>>,
) -> DomainError {
    DomainError::Forbidden {
        command,
        role: actor.role,
        reason: reason.into(),
    }
}

/// Checks that `actor` may issue `command` on the existing `ticket`.
///
/// A ticket the actor may not see answers
/// [`NotFound`](DomainError::NotFound); one they see but may not change in
/// this way answers [`Forbidden`](DomainError::Forbidden).
pub fn authorize(ticket: &Ticket, command: CommandKind, actor: &Actor) -> Result<(), DomainError> {
    if !ticket.is_visible_to(actor) {
        return Err(DomainError::NotFound {
            ticket: ticket.id(),
        });
    }
    match scope(command, actor.role) {
        Scope::Never => Err(forbidden(
            command,
            actor,
            match actor.role {
                Role::Requester => {
                    "requesters may reply to, reopen and close their own tickets and set fields marked requester_editable"
                }
                _ if command == CommandKind::RecomputeSla => {
                    "only admins and the system may recompute SLA clocks"
                }
                _ => "only supervisors, admins and the system may override priority",
            },
        )),
        // Visibility already restricted the ticket to the role's scope.
        Scope::Own | Scope::Group | Scope::Tenant => Ok(()),
    }
}

/// Checks that `actor` may open `new` (see notes 1 and 2 of the
/// [table](self)). The ticket is always created in the actor's tenant.
pub fn authorize_open(
    new: &NewTicket,
    actor: &Actor,
    config: &DeskConfig,
) -> Result<(), DomainError> {
    let command = CommandKind::Open;
    match actor.role {
        Role::Requester => {
            if new.requester != actor.id {
                return Err(forbidden(
                    command,
                    actor,
                    "a requester opens tickets only for themselves",
                ));
            }
            let triage = [
                ("group", new.group.is_some()),
                ("impact", new.impact.is_some()),
                ("urgency", new.urgency.is_some()),
                ("tags", !new.tags.is_empty()),
            ];
            if let Some((field, _)) = triage.iter().find(|(_, set)| *set) {
                return Err(forbidden(
                    command,
                    actor,
                    format!(
                        "a requester may not set the {field}; the help desk triages new tickets"
                    ),
                ));
            }
            for key in new.fields.keys() {
                authorize_field(command, actor, config, key)?;
            }
            Ok(())
        }
        Role::Agent | Role::Supervisor => match new.group {
            Some(group) if !actor.in_group(group) => Err(forbidden(
                command,
                actor,
                format!("group {group} is not one of the actor's groups"),
            )),
            _ => Ok(()),
        },
        Role::Admin | Role::System => Ok(()),
    }
}

/// Checks that `actor` may set the custom field `key` (requesters only
/// fields marked `requester_editable`; staff any field).
pub fn authorize_field(
    command: CommandKind,
    actor: &Actor,
    config: &DeskConfig,
    key: &str,
) -> Result<(), DomainError> {
    if actor.role.is_staff() || config.field(key).is_none_or(|def| def.requester_editable) {
        // Unknown keys are reported by validation, naming the field.
        return Ok(());
    }
    Err(forbidden(
        command,
        actor,
        format!("field {key:?} is not requester_editable"),
    ))
}
