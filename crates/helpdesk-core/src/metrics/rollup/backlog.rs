//! [`Backlog`]: every span a ticket spent unresolved, ordered by its end,
//! each carrying what the backlog at an instant reports of its ticket, so
//! that a report reads the tickets open at its end from the spans alone.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::id::{ActorId, TenantId, TicketId};
use crate::metrics::facts::TicketFacts;

/// One span unresolved: ordered by its end (`DateTime::<Utc>::MAX_UTC`
/// while it lasts), with its ticket's creation and current assignee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Span {
    pub(crate) end: DateTime<Utc>,
    pub(crate) tenant: TenantId,
    pub(crate) ticket: TicketId,
    pub(crate) start: DateTime<Utc>,
    pub(crate) created: DateTime<Utc>,
    pub(crate) assignee: Option<ActorId>,
}

/// The spans of every ticket.
#[derive(Debug, Clone, Default)]
pub(crate) struct Backlog {
    spans: BTreeSet<Span>,
}

impl Backlog {
    /// The span `index` of `facts`, as its ticket had `assignee` and the
    /// span ended at `end`.
    fn span(
        facts: &TicketFacts,
        index: usize,
        end: Option<DateTime<Utc>>,
        assignee: Option<ActorId>,
    ) -> Option<Span> {
        let span = facts.unresolved.get(index)?;
        Some(Span {
            end: end.unwrap_or(DateTime::<Utc>::MAX_UTC),
            tenant: facts.tenant,
            ticket: facts.ticket,
            start: span.from,
            created: facts.created_at,
            assignee,
        })
    }

    /// Adds every span of a ticket just opened.
    pub(crate) fn opened(&mut self, facts: &TicketFacts) {
        for (index, span) in facts.unresolved.iter().enumerate() {
            let assignee = facts.dimensions.assignee;
            self.spans
                .extend(Self::span(facts, index, span.to, assignee));
        }
    }

    /// Moves the first `spans` spans of `facts` (the last of them lasting
    /// when `open`) from the assignee `was` to the ticket's current one.
    pub(crate) fn reassigned(
        &mut self,
        facts: &TicketFacts,
        spans: usize,
        open: bool,
        was: Option<ActorId>,
    ) {
        for index in 0..spans {
            let lasting = open && index + 1 == spans;
            let end = if lasting {
                None
            } else {
                facts.unresolved.get(index).and_then(|s| s.to)
            };
            if let Some(old) = Self::span(facts, index, end, was) {
                self.spans.remove(&old);
            }
            self.spans
                .extend(Self::span(facts, index, end, facts.dimensions.assignee));
        }
    }

    /// Ends span `index` of `facts`, which lasted until now.
    pub(crate) fn ended(&mut self, facts: &TicketFacts, index: usize) {
        let assignee = facts.dimensions.assignee;
        if let Some(lasting) = Self::span(facts, index, None, assignee) {
            self.spans.remove(&lasting);
        }
        let end = facts.unresolved.get(index).and_then(|s| s.to);
        self.spans.extend(Self::span(facts, index, end, assignee));
    }

    /// Adds span `index` of `facts`, just begun.
    pub(crate) fn begun(&mut self, facts: &TicketFacts, index: usize) {
        let end = facts.unresolved.get(index).and_then(|s| s.to);
        self.spans
            .extend(Self::span(facts, index, end, facts.dimensions.assignee));
    }

    /// The spans that had begun before `at` and not ended before it: the
    /// tickets open at `at`.
    pub(crate) fn open_at(&self, at: DateTime<Utc>) -> impl Iterator<Item = &Span> {
        let from = Span {
            end: at,
            tenant: TenantId::from_u128(0),
            ticket: TicketId::from_u128(0),
            start: DateTime::<Utc>::MIN_UTC,
            created: DateTime::<Utc>::MIN_UTC,
            assignee: None,
        };
        self.spans.range(from..).filter(move |s| s.start < at)
    }
}
