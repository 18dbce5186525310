//! [`Deliveries`]: how the delivery of each outbox message of a
//! [`MemoryStore`](super::MemoryStore) stands.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::store::Outcome;

/// The delivery of one message that has been claimed at least once.
#[derive(Debug, Clone, Default)]
pub(super) struct Attempts {
    /// Settled attempts.
    pub(super) count: u32,
    pub(super) last_error: Option<String>,
    /// Not claimable before this instant.
    pub(super) retry_at: Option<DateTime<Utc>>,
    /// The holder of the last lease, and until when it holds.
    pub(super) lease: Option<(String, DateTime<Utc>)>,
    pub(super) delivered: bool,
    pub(super) died_at: Option<DateTime<Utc>>,
}

impl Attempts {
    /// Neither delivered nor dead.
    pub(super) fn pending(&self) -> bool {
        !self.delivered && self.died_at.is_none()
    }

    /// Whether it may be claimed at `now`.
    pub(super) fn due(&self, now: DateTime<Utc>) -> bool {
        self.pending()
            && self.retry_at.is_none_or(|at| at <= now)
            && self.lease.as_ref().is_none_or(|(_, until)| *until <= now)
    }
}

/// The delivery state of every message ever claimed, by position; the
/// messages before `settled` are all delivered or dead.
#[derive(Debug, Default)]
pub(super) struct Deliveries {
    states: HashMap<u64, Attempts>,
    pub(super) settled: u64,
}

impl Deliveries {
    /// The state of the message at `position` (a fresh one if never
    /// claimed).
    pub(super) fn get(&self, position: u64) -> Attempts {
        if position < self.settled {
            return Attempts {
                delivered: true,
                ..Attempts::default()
            };
        }
        self.states.get(&position).cloned().unwrap_or_default()
    }

    /// Leases the message at `position` to `holder` until `until`.
    pub(super) fn lease(&mut self, position: u64, holder: &str, until: DateTime<Utc>) {
        self.states.entry(position).or_default().lease = Some((holder.to_owned(), until));
    }

    /// Settles `holder`'s attempt; `false` if they no longer hold it.
    pub(super) fn settle(
        &mut self,
        position: u64,
        holder: &str,
        outcome: Outcome,
        now: DateTime<Utc>,
    ) -> bool {
        let Some(state) = self.states.get_mut(&position) else {
            return false;
        };
        let held = state.lease.as_ref().is_some_and(|(h, _)| h == holder);
        if !held || !state.pending() {
            return false;
        }
        state.lease = None;
        if let Outcome::Released { at } = outcome {
            state.retry_at = Some(at);
            return true;
        }
        state.count += 1;
        match outcome {
            Outcome::Delivered => state.delivered = true,
            Outcome::Retry { at, error } => {
                state.retry_at = Some(at);
                state.last_error = Some(error);
            }
            Outcome::Dead { error } => {
                state.died_at = Some(now);
                state.last_error = Some(error);
            }
            Outcome::Released { .. } => {}
        }
        if state.delivered {
            self.advance();
        }
        true
    }

    /// Makes the dead letter at `position` claimable from `at`.
    pub(super) fn revive(&mut self, position: u64, at: DateTime<Utc>) -> bool {
        match self.states.get_mut(&position) {
            Some(state) if state.died_at.is_some() => {
                state.died_at = None;
                state.retry_at = Some(at);
                true
            }
            _ => false,
        }
    }

    /// The dead letters' positions, in order.
    pub(super) fn dead(&self) -> Vec<u64> {
        let mut dead: Vec<u64> = self
            .states
            .iter()
            .filter(|(_, s)| s.died_at.is_some())
            .map(|(p, _)| *p)
            .collect();
        dead.sort_unstable();
        dead
    }

    /// Moves `settled` past the delivered messages at its front, forgetting
    /// their states.
    fn advance(&mut self) {
        while self.states.get(&self.settled).is_some_and(|s| s.delivered) {
            self.states.remove(&self.settled);
            self.settled += 1;
        }
    }
}
