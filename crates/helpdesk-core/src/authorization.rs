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
//! | attach             | own⁴      | group⁴ | group⁴     | tenant⁴| tenant⁴|
//! | set_group          | ✗         | group  | group      | tenant | tenant |
//! | assign             | ✗         | group  | group      | tenant | tenant |
//! | unassign           | ✗         | group  | group      | tenant | tenant |
//! | change_status      | ✗         | group  | group      | tenant | tenant |
//! | set_impact_urgency | ✗         | group  | group      | tenant | tenant |
//! | override_priority  | ✗         | ✗      | group      | tenant | tenant |
//! | tag                | ✗         | group  | group      | tenant | tenant |
//! | untag              | ✗         | group  | group      | tenant | tenant |
//! | set_field          | own³      | group  | group      | tenant | tenant |
//! | watch              | own⁵      | group  | group      | tenant | tenant |
//! | unwatch            | own⁵      | group  | group      | tenant | tenant |
//! | add_asset          | ✗         | group  | group      | tenant | tenant |
//! | remove_asset       | ✗         | group  | group      | tenant | tenant |
//! | resolve            | ✗         | group  | group      | tenant | tenant |
//! | reopen             | own       | group  | group      | tenant | tenant |
//! | close              | own       | group  | group      | tenant | tenant |
//! | cancel             | ✗         | group  | group      | tenant | tenant |
//! | merge              | ✗         | group  | group      | tenant | tenant |
//! | accept_merge       | ✗         | group  | group      | tenant | tenant |
//! | link               | ✗         | group  | group      | tenant | tenant |
//! | unlink             | ✗         | group  | group      | tenant | tenant |
//! | route              | ✗         | group  | group      | tenant | tenant |
//! | escalate           | ✗         | group  | group      | tenant | tenant |
//! | check_sla          | ✗         | group  | group      | tenant | tenant |
//! | recompute_sla      | ✗         | ✗      | ✗          | tenant | tenant |
//!
//! 1. A requester opens tickets only for themselves, and may not set the
//!    group, impact, urgency or tags (triage and routing do that), nor the
//!    organization, requester_email, channel or ticket_type: routing rules
//!    and SLA policies steer on those, so the host vouches for them
//!    ([`Vouched`](crate::Vouched)) instead of trusting the requester's
//!    claim. Staff may set those four (recording a phone call, say); a fact
//!    the host vouches for always wins over the command's.
//! 2. Agents and supervisors open tickets in one of their groups or in no
//!    group.
//! 3. Only fields the desk marks `requester_editable`.
//! 4. Only to a comment the actor wrote.
//! 5. Only themselves, as a requester. Staff add or remove anyone of the
//!    tenant, in any role but one: the ticket's requester watches as a
//!    requester, so that the visibility rule follows them as a watcher too.
//!    Watching never widens what anyone sees: a requester-role watcher of
//!    someone else's ticket is told of its public events by notification
//!    but does not reach the ticket.
//!
//! A custom field the desk marks `host_only` is set by nobody, whatever the
//! role: neither in `open` nor with `set_field`, not even by the system.
//! Only the host sets it, through [`Vouched::fields`](crate::Vouched::fields)
//! when the ticket opens, so the value SLA policies and routing rules read
//! is the host's own record.
//!
//! Two-ticket commands are decided on both tickets, for the same actor
//! ([`Command::counterpart`](crate::Command::counterpart)): `merge` on the
//! ticket that goes and `accept_merge` on the one that lives on, `link` and
//! `unlink` on each side with the inverse link. So an actor merges or links
//! only tickets they reach on both sides.
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
            C::Open
            | C::Reply
            | C::Attach
            | C::SetField
            | C::Watch
            | C::Unwatch
            | C::Reopen
            | C::Close => Scope::Own,
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
                    "requesters may reply to, reopen, close and watch their own tickets and set fields marked requester_editable"
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
/// [table](self), and fields marked `host_only`). The ticket is always
/// created in the actor's tenant.
///
/// ```
/// use helpdesk_core::authorization::authorize_open;
/// use helpdesk_core::{Actor, ActorId, Channel, DeskConfig, NewTicket, TenantId};
///
/// let config = DeskConfig::default();
/// let alice = Actor::requester(ActorId::from_u128(10), TenantId::from_u128(1));
/// let bob = Actor::agent(ActorId::from_u128(20), TenantId::from_u128(1), []);
/// let by_phone = NewTicket::new(alice.id, "Printer jams", "").channel(Channel::Phone);
/// let err = authorize_open(&by_phone, &alice, &config).unwrap_err();
/// assert!(err.to_string().ends_with("may not set the channel; the host vouches for it"));
/// assert!(authorize_open(&by_phone, &bob, &config).is_ok());
/// ```
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
            let vouched = [
                ("organization", new.organization.is_some()),
                ("requester_email", new.requester_email.is_some()),
                ("channel", new.channel.is_some()),
                ("ticket_type", new.ticket_type.is_some()),
            ];
            if let Some((field, _)) = vouched.iter().find(|(_, set)| *set) {
                return Err(forbidden(
                    command,
                    actor,
                    format!("a requester may not set the {field}; the host vouches for it"),
                ));
            }
        }
        Role::Agent | Role::Supervisor => {
            if let Some(group) = new.group.filter(|group| !actor.in_group(*group)) {
                return Err(forbidden(
                    command,
                    actor,
                    format!("group {group} is not one of the actor's groups"),
                ));
            }
        }
        Role::Admin | Role::System => {}
    }
    new.fields
        .keys()
        .try_for_each(|key| authorize_field(command, actor, config, key))
}

/// Checks that `actor` may set the custom field `key` in a command:
/// requesters only fields marked `requester_editable`, staff any field but
/// those marked `host_only`, which no actor sets (the host vouches for
/// them).
///
/// ```
/// use helpdesk_core::authorization::authorize_field;
/// use helpdesk_core::{Actor, ActorId, CommandKind, DeskConfig, TenantId};
///
/// let config: DeskConfig = serde_json::from_str(r#"{"fields": [
///     {"key": "plan", "label": "Plan", "kind": {"type": "text"}, "host_only": true}
/// ]}"#).unwrap();
/// let system = Actor::system(ActorId::from_u128(1), TenantId::from_u128(1));
/// let err = authorize_field(CommandKind::SetField, &system, &config, "plan").unwrap_err();
/// assert_eq!(err.to_string(),
///     r#"the system may not set a field of this ticket: field "plan" is host_only; the host vouches for it"#);
/// ```
pub fn authorize_field(
    command: CommandKind,
    actor: &Actor,
    config: &DeskConfig,
    key: &str,
) -> Result<(), DomainError> {
    // Unknown keys are reported by validation, naming the field.
    let Some(def) = config.field(key) else {
        return Ok(());
    };
    if def.host_only {
        return Err(forbidden(
            command,
            actor,
            format!("field {key:?} is host_only; the host vouches for it"),
        ));
    }
    if actor.role.is_staff() || def.requester_editable {
        return Ok(());
    }
    Err(forbidden(
        command,
        actor,
        format!("field {key:?} is not requester_editable"),
    ))
}
