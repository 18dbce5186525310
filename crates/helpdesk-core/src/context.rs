//! [`Context`]: what a decision needs besides the ticket and the command.

use chrono::{DateTime, Utc};

use crate::actor::Actor;
use crate::config::DeskConfig;

/// Everything [`decide`](crate::decide) needs from outside: who acts, the
/// instant, and the desk's configuration. The domain never reads a clock;
/// `now` is the time stamped on every event the command produces.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use helpdesk_core::{Actor, ActorId, Context, DeskConfig, TenantId};
///
/// let admin = Actor::admin(ActorId::from_u128(1), TenantId::from_u128(1));
/// let config = DeskConfig::default();
/// let ctx = Context::new(&admin, Utc.with_ymd_and_hms(2026, 1, 5, 8, 0, 0).unwrap(), &config);
/// assert_eq!(ctx.actor.id, admin.id);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Who issues the command.
    pub actor: &'a Actor,
    /// The instant the command takes effect.
    pub now: DateTime<Utc>,
    /// The desk's configuration.
    pub config: &'a DeskConfig,
}

impl<'a> Context<'a> {
    /// A context for `actor` at `now` under `config`.
    pub fn new(actor: &'a Actor, now: DateTime<Utc>, config: &'a DeskConfig) -> Self {
        Self { actor, now, config }
    }
}
