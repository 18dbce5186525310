//! [`Stamp`]: the one place events get their instant, actor and cause.

use crate::context::Context;
use crate::event::{Cause, Change, Event};

/// What every event of one decision is stamped with: the context's instant
/// and actor, and the rule of the desk that caused it, if one did.
///
/// `decide`, the SLA reactions, routing and escalations all make their
/// events here, so an event's `at`, `by` and `cause` mean the same
/// wherever it comes from.
pub(crate) struct Stamp<'a> {
    ctx: &'a Context<'a>,
    cause: Option<Cause>,
}

impl<'a> Stamp<'a> {
    /// Stamps for what the actor did by their own choice: no cause.
    pub(crate) fn new(ctx: &'a Context<'a>) -> Self {
        Self { ctx, cause: None }
    }

    /// Stamps for what a rule of the desk did on the actor's command.
    pub(crate) fn caused_by(ctx: &'a Context<'a>, cause: Cause) -> Self {
        Self {
            ctx,
            cause: Some(cause),
        }
    }

    /// The event of `change`, stamped.
    pub(crate) fn event(&self, change: Change) -> Event {
        Event {
            at: self.ctx.now,
            by: self.ctx.actor.as_ref(),
            change,
            cause: self.cause.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::{Actor, ActorId, DeskConfig, TenantId};

    #[test]
    fn every_event_carries_the_instant_the_actor_and_the_cause() {
        let actor = Actor::system(ActorId::from_u128(1), TenantId::from_u128(1));
        let config = DeskConfig::default();
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single();
        let ctx = Context::new(&actor, now.unwrap_or_default(), &config);

        let plain = Stamp::new(&ctx).event(Change::Closed);
        assert_eq!(plain, Event::new(ctx.now, actor.as_ref(), Change::Closed));

        let cause = Cause::RoutingRule { rule: "VIP".into() };
        let caused = Stamp::caused_by(&ctx, cause.clone()).event(Change::Reopened);
        assert_eq!(caused.at, ctx.now);
        assert_eq!(caused.by, actor.as_ref());
        assert_eq!(caused.cause, Some(cause));
    }
}
