//! The pure help desk domain: tickets, their lifecycle, priorities,
//! authorization and the events their history is made of, and the rules a
//! desk serves them by: SLA clocks on business calendars, routing,
//! escalation, assignment, notification rules and metrics.
//!
//! This crate does no I/O, reads no clock, makes no random numbers and has
//! no async code. A ticket is an event-sourced aggregate:
//!
//! - [`decide`]`(&Ticket, Command, &Context) -> Result<Vec<Event>, DomainError>`
//!   checks a command against the actor ([`authorization`]), the
//!   [`lifecycle`] and the command's input, and returns the events it
//!   causes;
//! - [`apply`]`(&mut Ticket, &Event)` folds one event into the ticket;
//!   replaying a ticket's events ([`Ticket::replay`]) rebuilds it exactly.
//!
//! Ids and instants come in with the command and its [`Context`], so the
//! same input always gives the same output.
//!
//! Besides [`authorization`] and [`lifecycle`], the public modules are:
//!
//! - [`config`]: [`DeskConfig`], everything a desk decides for itself;
//! - [`sla`]: SLA policies, their targets per metric and priority, and
//!   their clocks, warnings and breaches;
//! - [`calendar`]: business calendars (working hours in a time zone,
//!   holidays, exceptions) and exact arithmetic on working time;
//! - [`routing`]: ordered rules that set a new ticket's group, tier,
//!   priority, tags, fields and assignment strategy;
//! - [`escalation`]: escalation tiers and the rules that move a ticket up
//!   a tier or notify the managers;
//! - [`assignment`]: assignment strategies, choosing who among a group's
//!   agents gets a ticket;
//! - [`notification`]: notification rules, which turn an event into the
//!   deliveries they call for;
//! - [`metrics`]: figures from the event log, per ticket and per period
//!   (by group, by day or week), and problems on the rise;
//! - [`suggest`]: the closest known name to a misspelt one.
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use helpdesk_core::*;
//!
//! let tenant = TenantId::from_u128(1);
//! let service_desk = GroupId::from_u128(10);
//! let alice = Actor::requester(ActorId::from_u128(100), tenant);
//! let bob = Actor::agent(ActorId::from_u128(200), tenant, [service_desk]);
//! let config = DeskConfig::default();
//! let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
//!
//! let mut ticket = Ticket::new(TicketId::from_u128(1));
//! let mut history = Vec::new();
//! let mut run = |actor: &Actor, minutes: i64, command: Command| -> Result<(), DomainError> {
//!     let ctx = Context::new(actor, t0 + Duration::minutes(minutes), &config);
//!     for event in decide(&ticket, command, &ctx)? {
//!         apply(&mut ticket, &event);
//!         history.push(event);
//!     }
//!     Ok(())
//! };
//!
//! run(&alice, 0, Command::Open(NewTicket::new(alice.id, "Cannot print", "Paper jam on 3F")))?;
//! run(&bob, 5, Command::Assign { assignee: bob.id })?;
//! run(&bob, 6, Command::Reply { comment: CommentId::from_u128(1), body: "On my way.".into(), attachments: Vec::new() })?;
//! run(&bob, 30, Command::Resolve {
//!     resolution: Resolution::new(ResolutionCode::Solved, "Cleared the jam."),
//!     sub_status: None,
//! })?;
//! run(&alice, 45, Command::Close)?;
//!
//! assert_eq!(ticket.status().category, StatusCategory::Closed);
//! assert_eq!(ticket.version(), 6); // opened, assigned, opened by assignment, replied, resolved, closed
//! assert_eq!(Ticket::replay(ticket.id(), &history), ticket);
//! # Ok::<(), DomainError>(())
//! ```

mod actor;
mod apply;
mod asset;
pub mod assignment;
mod attachment;
pub mod authorization;
pub mod calendar;
mod channel;
mod chunked;
mod command;
mod comment;
pub mod config;
mod context;
mod decide;
mod error;
pub mod escalation;
mod event;
mod field;
mod id;
mod input;
pub mod lifecycle;
mod link;
pub mod metrics;
pub mod notification;
mod number;
mod priority;
mod reach;
mod resolution;
mod rfc3339;
pub mod routing;
mod searchable;
mod shared;
pub mod sla;
mod stamp;
mod status;
pub mod suggest;
mod tag;
mod ticket;
mod ticket_type;
mod vouched;
mod watch;

pub use actor::{Actor, ActorRef, Role};
pub use apply::apply;
pub use asset::AssetRef;
pub use attachment::{AttachmentRef, MAX_ATTACHMENTS};
pub use channel::Channel;
pub use command::{Command, CommandKind, NewTicket};
pub use comment::{Comment, Visibility};
pub use config::DeskConfig;
pub use context::Context;
pub use decide::decide;
pub use error::{DomainError, ValidationError};
pub use event::{Cause, Change, Escalated, Event, Opened};
pub use field::{FieldDef, FieldKind, FieldValue};
pub use id::{ActorId, CommentId, GroupId, TenantId, TicketId};
pub use link::{Link, LinkKind};
pub use number::TicketNumber;
pub use priority::{Impact, Priority, PriorityMatrix, PriorityReason, Urgency};
pub use reach::Reach;
pub use resolution::{Resolution, ResolutionCode};
pub use searchable::SearchText;
pub use status::{Status, StatusCategory, StatusTarget};
pub use tag::Tag;
pub use ticket::Ticket;
pub use ticket_type::TicketType;
pub use vouched::Vouched;
