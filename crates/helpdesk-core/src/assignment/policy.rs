//! [`AssignmentPolicy`]: a desk's choice of strategy and load weights.

use serde::{Deserialize, Serialize};

use super::load::LoadWeights;
use super::strategy::Strategy;

/// How a desk (or one group) assigns tickets: the [`Strategy`] and, for the
/// load-based strategies, the [`LoadWeights`]. Missing fields take their
/// defaults: round robin, weights 5 to 1.
///
/// ```
/// use helpdesk_core::assignment::{AssignmentPolicy, LoadWeights, Strategy};
///
/// let policy: AssignmentPolicy =
///     serde_json::from_str(r#"{"strategy": "skills", "weights": {"P1": 8}}"#).unwrap();
/// assert_eq!(policy.strategy, Strategy::Skills);
/// assert_eq!(policy.weights.p1, 8);
/// assert_eq!(policy.weights.p2, LoadWeights::DEFAULT.p2);
/// assert_eq!(AssignmentPolicy::default().strategy, Strategy::RoundRobin);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssignmentPolicy {
    /// How the assignee is chosen.
    pub strategy: Strategy,
    /// What each open ticket weighs in an agent's load.
    pub weights: LoadWeights,
}

impl AssignmentPolicy {
    /// `strategy` with the default weights.
    pub const fn new(strategy: Strategy) -> Self {
        Self {
            strategy,
            weights: LoadWeights::DEFAULT,
        }
    }

    /// The same strategy with `weights`.
    #[must_use]
    pub const fn with_weights(mut self, weights: LoadWeights) -> Self {
        self.weights = weights;
        self
    }
}

impl From<Strategy> for AssignmentPolicy {
    fn from(strategy: Strategy) -> Self {
        Self::new(strategy)
    }
}
