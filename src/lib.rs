//! # helpdesk
//!
//! An embeddable help desk core: tickets with a real lifecycle, ITIL
//! priorities, authorization, and an event-sourced audit trail, inside your
//! own process.
//!
//! This crate is the facade: it re-exports the domain
//! ([`helpdesk_core`]) and, as they land, the engine and the storage and
//! notification adapters, selected by cargo features.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use helpdesk::*;
//!
//! let tenant = TenantId::from_u128(1);
//! let alice = Actor::requester(ActorId::from_u128(10), tenant);
//! let config = DeskConfig::default();
//! let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
//!
//! let mut ticket = Ticket::new(TicketId::from_u128(100));
//! let open = Command::Open(NewTicket::new(alice.id, "Cannot print", "Paper jam on 3F"));
//! for event in decide(&ticket, open, &Context::new(&alice, now, &config))? {
//!     apply(&mut ticket, &event);
//! }
//! assert_eq!(ticket.status().category, StatusCategory::New);
//! # Ok::<(), DomainError>(())
//! ```

pub use helpdesk_core::*;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
