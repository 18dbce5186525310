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
    /// Span `index` of `facts` as stored while its ticket had `assignee`:
    /// lasting, or ended when the facts say.
    fn span(
        facts: &TicketFacts,
        index: usize,
        lasting: bool,
        assignee: Option<ActorId>,
    ) -> Option<Span> {
        let span = facts.unresolved.get(index)?;
        let end = if lasting { None } else { span.to };
        Some(Span {
            end: end.unwrap_or(DateTime::<Utc>::MAX_UTC),
            tenant: facts.tenant,
            ticket: facts.ticket,
            start: span.from,
            created: facts.created_at,
            assignee,
        })
    }

    /// Takes `old` out and puts `new` in.
    fn replace(&mut self, old: Option<Span>, new: Option<Span>) {
        if let Some(old) = old {
            self.spans.remove(&old);
        }
        self.spans.extend(new);
    }

    /// Adds every span of a ticket just opened.
    pub(crate) fn opened(&mut self, facts: &TicketFacts) {
        for index in 0..facts.unresolved.len() {
            self.begun(facts, index);
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
            let now = facts.dimensions.assignee;
            self.replace(
                Self::span(facts, index, lasting, was),
                Self::span(facts, index, lasting, now),
            );
        }
    }

    /// Ends span `index` of `facts`, which lasted until now.
    pub(crate) fn ended(&mut self, facts: &TicketFacts, index: usize) {
        let assignee = facts.dimensions.assignee;
        self.replace(
            Self::span(facts, index, true, assignee),
            Self::span(facts, index, false, assignee),
        );
    }

    /// Adds span `index` of `facts`, just begun.
    pub(crate) fn begun(&mut self, facts: &TicketFacts, index: usize) {
        self.replace(
            None,
            Self::span(facts, index, false, facts.dimensions.assignee),
        );
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
