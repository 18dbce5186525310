//! The ticket lifecycle as an explicit transition table.
//!
//! ```text
//!          ┌──────────────► Cancelled / Merged
//!          │
//! New ──► Open ◄──► Pending / OnHold
//!  │       │              │
//!  └───────┴──► Resolved ◄┘ ──► Closed
//!                  │
//!                  └──► (reopen) Open
//! ```
//!
//! Rows are commands, columns the ticket's status category. A cell says
//! what the command does to the status: `✓` allowed, status unchanged;
//! a status name: allowed, moves the ticket there; `target`: moves to the
//! status the command names (open, pending, on hold or one of their
//! sub-statuses); `✗` illegal, rejected with
//! [`DomainError::IllegalTransition`](crate::DomainError::IllegalTransition).
//! `open` is not in the table: it applies only to a ticket that does not
//! exist yet and leaves it `new`.
//!
//! | command            | new       | open      | pending   | on_hold   | resolved | closed | merged | cancelled |
//! |--------------------|-----------|-----------|-----------|-----------|----------|--------|--------|-----------|
//! | reply              | ✓¹        | ✓         | ✓²        | ✓         | ✓³       | ✗      | ✗      | ✗         |
//! | add_note           | ✓         | ✓         | ✓         | ✓         | ✓        | ✗      | ✗      | ✗         |
//! | attach             | ✓         | ✓         | ✓         | ✓         | ✓        | ✗      | ✗      | ✗         |
//! | set_group          | ✓         | ✓         | ✓         | ✓         | ✓        | ✗      | ✗      | ✗         |
//! | assign             | ✓⁴        | ✓         | ✓         | ✓         | ✓        | ✗      | ✗      | ✗         |
//! | unassign           | ✓         | ✓         | ✓         | ✓         | ✓        | ✗      | ✗      | ✗         |
//! | change_status      | target    | target    | target    | target    | ✗        | ✗      | ✗      | ✗         |
//! | set_impact_urgency | ✓         | ✓         | ✓         | ✓         | ✓        | ✗      | ✗      | ✗         |
//! | override_priority  | ✓         | ✓         | ✓         | ✓         | ✓        | ✗      | ✗      | ✗         |
//! | tag                | ✓         | ✓         | ✓         | ✓         | ✓        | ✗      | ✗      | ✗         |
//! | untag              | ✓         | ✓         | ✓         | ✓         | ✓        | ✗      | ✗      | ✗         |
//! | set_field          | ✓         | ✓         | ✓         | ✓         | ✓        | ✗      | ✗      | ✗         |
//! | watch              | ✓         | ✓         | ✓         | ✓         | ✓        | ✗      | ✗      | ✗         |
//! | unwatch            | ✓         | ✓         | ✓         | ✓         | ✓        | ✗      | ✗      | ✗         |
//! | add_asset          | ✓         | ✓         | ✓         | ✓         | ✓        | ✗      | ✗      | ✗         |
//! | remove_asset       | ✓         | ✓         | ✓         | ✓         | ✓        | ✗      | ✗      | ✗         |
//! | resolve            | resolved  | resolved  | resolved  | resolved  | ✗        | ✗      | ✗      | ✗         |
//! | reopen             | ✗         | ✗         | ✗         | ✗         | open     | ✗      | ✗      | ✗         |
//! | close              | ✗         | ✗         | ✗         | ✗         | closed   | ✗      | ✗      | ✗         |
//! | cancel             | cancelled | cancelled | cancelled | cancelled | ✗        | ✗      | ✗      | ✗         |
//! | merge              | merged    | merged    | merged    | merged    | ✗        | ✗      | ✗      | ✗         |
//! | accept_merge       | ✓         | ✓         | ✓         | ✓         | ✓        | ✗      | ✗      | ✗         |
//! | link               | ✓         | ✓         | ✓         | ✓         | ✓        | ✗      | ✗      | ✗         |
//! | unlink             | ✓         | ✓         | ✓         | ✓         | ✓        | ✗      | ✗      | ✗         |
//! | route              | ✓         | ✓         | ✓         | ✓         | ✗        | ✗      | ✗      | ✗         |
//! | escalate           | ✓         | ✓         | ✓         | ✓         | ✗        | ✗      | ✗      | ✗         |
//! | check_sla          | ✓         | ✓         | ✓         | ✓         | ✓        | ✓      | ✓      | ✓         |
//! | recompute_sla      | ✓         | ✓         | ✓         | ✓         | ✓        | ✓      | ✓      | ✓         |
//!
//! Replies move the status as a help desk expects:
//!
//! 1. A public reply by an agent, supervisor or admin to a `new` ticket
//!    opens it.
//! 2. A requester's reply to a `pending` ticket (the desk was waiting on
//!    them) opens it.
//! 3. A requester's reply to a `resolved` ticket reopens it.
//! 4. Assigning a `new` ticket opens it.
//!
//! Closed, merged and cancelled are terminal: nothing changes them but the
//! SLA bookkeeping commands, which find nothing running there. A requester
//! who writes again after that needs a new ticket. For the same reason no
//! ticket is merged into a terminal one (`accept_merge`, the target's side
//! of a `merge`), and links to a terminal ticket are not mirrored there.
//! Nobody starts or stops watching a terminal ticket either: it has
//! nothing more to tell.

use crate::command::CommandKind;
use crate::status::StatusCategory;

/// What a command does to a ticket's status category, per the
/// [table](self).
///
/// ```
/// use helpdesk_core::lifecycle::{transition, Transition};
/// use helpdesk_core::{CommandKind, StatusCategory};
///
/// assert_eq!(transition(CommandKind::Resolve, StatusCategory::Pending),
///            Transition::To(StatusCategory::Resolved));
/// assert_eq!(transition(CommandKind::Reopen, StatusCategory::Open), Transition::Illegal);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Allowed; the status stays (apart from the reply and assign rules).
    Stay,
    /// Allowed; the ticket moves to this category.
    To(StatusCategory),
    /// Allowed; the ticket moves to the status the command names.
    Target,
    /// Not allowed in this status.
    Illegal,
}

/// Looks up `command` in the transition table for a ticket in `from`.
/// `open` is always [`Transition::Illegal`] here: it only applies to a
/// ticket that does not exist yet.
pub const fn transition(command: CommandKind, from: StatusCategory) -> Transition {
    use CommandKind as C;
    use StatusCategory as S;
    if matches!(command, C::CheckSla | C::RecomputeSla) {
        return Transition::Stay;
    }
    if from.is_terminal() {
        return Transition::Illegal;
    }
    let active = from.is_active();
    match command {
        C::Open => Transition::Illegal,
        C::Reply
        | C::AddNote
        | C::Attach
        | C::SetGroup
        | C::Assign
        | C::Unassign
        | C::SetImpactUrgency
        | C::OverridePriority
        | C::Tag
        | C::Untag
        | C::SetField
        | C::Watch
        | C::Unwatch
        | C::AddAsset
        | C::RemoveAsset
        | C::AcceptMerge
        | C::Link
        | C::Unlink => Transition::Stay,
        C::ChangeStatus if active => Transition::Target,
        C::Resolve if active => Transition::To(S::Resolved),
        C::Cancel if active => Transition::To(S::Cancelled),
        C::Merge if active => Transition::To(S::Merged),
        C::Reopen if matches!(from, S::Resolved) => Transition::To(S::Open),
        C::Close if matches!(from, S::Resolved) => Transition::To(S::Closed),
        C::ChangeStatus | C::Resolve | C::Cancel | C::Merge | C::Reopen | C::Close => {
            Transition::Illegal
        }
        C::Route | C::Escalate if active => Transition::Stay,
        C::Route | C::Escalate => Transition::Illegal,
        C::CheckSla | C::RecomputeSla => Transition::Stay,
    }
}
