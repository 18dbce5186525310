//! An agent's open tickets per priority ([`OpenTickets`]) and how much each
//! priority weighs in its load ([`LoadWeights`]).

use serde::{Deserialize, Serialize};

use crate::priority::Priority;

/// How much one open ticket of each priority adds to an agent's load, for
/// [`Strategy::LeastLoaded`](super::Strategy::LeastLoaded) and
/// [`Strategy::Skills`](super::Strategy::Skills).
///
/// The default weighs a P1 five times a P5:
///
/// | priority | P1 | P2 | P3 | P4 | P5 |
/// |----------|----|----|----|----|----|
/// | weight   | 5  | 4  | 3  | 2  | 1  |
///
/// In JSON or TOML, a missing priority keeps its default weight.
///
/// ```
/// use helpdesk_core::Priority;
/// use helpdesk_core::assignment::LoadWeights;
///
/// let weights: LoadWeights = serde_json::from_str(r#"{"P1": 10, "P5": 0}"#).unwrap();
/// assert_eq!(weights.weight(Priority::P1), 10);
/// assert_eq!(weights.weight(Priority::P2), 4);
/// assert_eq!(weights.weight(Priority::P5), 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "UPPERCASE")]
pub struct LoadWeights {
    /// The weight of a P1 ticket.
    pub p1: u32,
    /// The weight of a P2 ticket.
    pub p2: u32,
    /// The weight of a P3 ticket.
    pub p3: u32,
    /// The weight of a P4 ticket.
    pub p4: u32,
    /// The weight of a P5 ticket.
    pub p5: u32,
}

impl LoadWeights {
    /// The default weights: P1 = 5, P2 = 4, P3 = 3, P4 = 2, P5 = 1.
    pub const DEFAULT: LoadWeights = LoadWeights {
        p1: 5,
        p2: 4,
        p3: 3,
        p4: 2,
        p5: 1,
    };

    /// Every ticket weighs 1: the load is the number of open tickets.
    pub const UNIFORM: LoadWeights = LoadWeights {
        p1: 1,
        p2: 1,
        p3: 1,
        p4: 1,
        p5: 1,
    };

    /// The weight of one open ticket of `priority`.
    pub const fn weight(&self, priority: Priority) -> u32 {
        match priority {
            Priority::P1 => self.p1,
            Priority::P2 => self.p2,
            Priority::P3 => self.p3,
            Priority::P4 => self.p4,
            Priority::P5 => self.p5,
        }
    }
}

impl Default for LoadWeights {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// How many open tickets an agent holds, per priority.
///
/// ```
/// use helpdesk_core::Priority;
/// use helpdesk_core::assignment::{LoadWeights, OpenTickets};
///
/// let mut open: OpenTickets = [Priority::P1, Priority::P3, Priority::P3].into_iter().collect();
/// open.add(Priority::P5);
/// assert_eq!(open.total(), 4);
/// assert_eq!(open.load(&LoadWeights::default()), 5 + 3 + 3 + 1);
///
/// let open: OpenTickets = serde_json::from_str(r#"{"P2": 2}"#).unwrap();
/// assert_eq!(open.count(Priority::P2), 2);
/// assert_eq!(open.total(), 2);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "UPPERCASE")]
pub struct OpenTickets {
    /// Open P1 tickets.
    pub p1: u32,
    /// Open P2 tickets.
    pub p2: u32,
    /// Open P3 tickets.
    pub p3: u32,
    /// Open P4 tickets.
    pub p4: u32,
    /// Open P5 tickets.
    pub p5: u32,
}

impl OpenTickets {
    /// No open tickets.
    pub const NONE: OpenTickets = OpenTickets {
        p1: 0,
        p2: 0,
        p3: 0,
        p4: 0,
        p5: 0,
    };

    /// The number of open tickets of `priority`.
    pub const fn count(&self, priority: Priority) -> u32 {
        match priority {
            Priority::P1 => self.p1,
            Priority::P2 => self.p2,
            Priority::P3 => self.p3,
            Priority::P4 => self.p4,
            Priority::P5 => self.p5,
        }
    }

    /// The number of open tickets, all priorities together. This is what
    /// [`AgentSnapshot::capacity`](super::AgentSnapshot::capacity) limits.
    pub const fn total(&self) -> u64 {
        self.p1 as u64 + self.p2 as u64 + self.p3 as u64 + self.p4 as u64 + self.p5 as u64
    }

    /// The weighted load: each open ticket counts its priority's weight,
    /// saturating at `u64::MAX`.
    pub const fn load(&self, weights: &LoadWeights) -> u64 {
        weighted(self.p1, weights.p1)
            .saturating_add(weighted(self.p2, weights.p2))
            .saturating_add(weighted(self.p3, weights.p3))
            .saturating_add(weighted(self.p4, weights.p4))
            .saturating_add(weighted(self.p5, weights.p5))
    }

    /// Counts one more open ticket of `priority` (saturating at `u32::MAX`),
    /// as after the agent was assigned one.
    pub fn add(&mut self, priority: Priority) {
        let slot = self.slot(priority);
        *slot = slot.saturating_add(1);
    }

    /// Counts one open ticket of `priority` less (never below zero), as after
    /// one was resolved or reassigned.
    pub fn remove(&mut self, priority: Priority) {
        let slot = self.slot(priority);
        *slot = slot.saturating_sub(1);
    }

    fn slot(&mut self, priority: Priority) -> &mut u32 {
        match priority {
            Priority::P1 => &mut self.p1,
            Priority::P2 => &mut self.p2,
            Priority::P3 => &mut self.p3,
            Priority::P4 => &mut self.p4,
            Priority::P5 => &mut self.p5,
        }
    }
}

/// `count` tickets of weight `weight`: at most `(2^32 - 1)^2`, which fits.
const fn weighted(count: u32, weight: u32) -> u64 {
    count as u64 * weight as u64
}

impl FromIterator<Priority> for OpenTickets {
    fn from_iter<I: IntoIterator<Item = Priority>>(iter: I) -> Self {
        let mut open = OpenTickets::NONE;
        for priority in iter {
            open.add(priority);
        }
        open
    }
}
