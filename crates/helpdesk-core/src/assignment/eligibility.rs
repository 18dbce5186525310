//! The checks every strategy makes before choosing: group, presence, shift,
//! capacity and, for skill-based assignment, skills.

use super::request::AssignmentRequest;
use super::snapshot::AgentSnapshot;
use super::strategy::Strategy;

/// Why an agent cannot take the ticket, without details, so the check
/// allocates nothing. The variants are in the order the checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ineligible {
    NotInGroup,
    Away,
    OffShift,
    AtCapacity,
    MissingSkills,
}

/// Checks `agent` for `request` under `strategy`; the first failing check
/// names the reason.
pub(super) fn check(
    strategy: Strategy,
    request: &AssignmentRequest,
    agent: &AgentSnapshot,
) -> Result<(), Ineligible> {
    if !agent.groups.contains(&request.group) {
        Err(Ineligible::NotInGroup)
    } else if agent.away {
        Err(Ineligible::Away)
    } else if !agent.on_shift {
        Err(Ineligible::OffShift)
    } else if agent.at_capacity() {
        Err(Ineligible::AtCapacity)
    } else if strategy.checks_skills() && !request.required_skills.is_subset(&agent.skills) {
        Err(Ineligible::MissingSkills)
    } else {
        Ok(())
    }
}
