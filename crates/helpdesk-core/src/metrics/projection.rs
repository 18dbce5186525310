//! [`Metrics`]: the facts of every ticket, kept up to date one committed
//! event at a time.

use std::collections::HashMap;

use chrono_tz::Tz;

use crate::config::DeskConfig;
use crate::event::Event;
use crate::id::{TenantId, TicketId};
use crate::metrics::facts::TicketFacts;
use crate::metrics::report::{Buckets, Report, ReportError, ReportSpec, report};
use crate::metrics::rollup::{Mark, Rollup};
use crate::metrics::trend::{TrendError, TrendSpec, Trends, trends};

/// A projection of the event log onto [`TicketFacts`]: fed every committed
/// event in commit order, with its position in the log, it keeps each
/// ticket's facts current, so a report reads the facts and never the
/// history.
///
/// It also keeps, per group and per local day of its zone (UTC unless
/// made [`in_zone`](Self::in_zone)), the sum of what the tickets add to
/// reports, kept current with each event. A report in that zone over whole
/// local days, ungrouped or grouped by [`Dimension::Group`](crate::metrics::Dimension::Group),
/// adds up the days of its period, whatever the number of tickets; any
/// other report visits every ticket's facts. Both answers are the same,
/// exactly, as [`report`] gives for the facts.
///
/// Feeding is idempotent: an event at or below the last position applied
/// is passed over, so a feed read again from an older position (after a
/// restart) does no harm. The projection is exact: fed the whole log, it
/// holds what [`TicketFacts::from_events`] makes of each ticket's history.
/// Events of a ticket whose opening it never saw (a feed started in the
/// middle of the log) are counted in [`Metrics::unknown`] and otherwise
/// passed over.
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use helpdesk_core::metrics::{Metrics, ReportSpec};
/// use helpdesk_core::*;
///
/// let config = DeskConfig::default();
/// let tenant = TenantId::from_u128(1);
/// let alice = Actor::requester(ActorId::from_u128(10), tenant);
/// let t0 = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
/// let id = TicketId::from_u128(7);
/// let ctx = Context::new(&alice, t0, &config);
/// let open = Command::Open(NewTicket::new(alice.id, "VPN drops", ""));
/// let events = decide(&Ticket::new(id), open, &ctx).unwrap();
///
/// let mut metrics = Metrics::new(config.clone());
/// for (position, event) in (1..).zip(&events) {
///     assert!(metrics.apply(position, tenant, id, event));
/// }
/// assert!(!metrics.apply(1, tenant, id, &events[0]), "seen already");
/// let report = metrics.report(&ReportSpec::new(t0, t0 + Duration::days(1))).unwrap();
/// assert_eq!(report.total.figures.created, 1);
/// ```
#[derive(Debug, Clone)]
pub struct Metrics {
    config: DeskConfig,
    tickets: HashMap<(TenantId, TicketId), TicketFacts>,
    rollup: Rollup,
    position: Option<u64>,
    unknown: u64,
}

impl Metrics {
    /// An empty projection; `config` gives the calendars business times
    /// count on, and the names of groups and agents.
    pub fn new(config: DeskConfig) -> Self {
        Self::in_zone(config, Tz::UTC)
    }

    /// An empty projection summing its figures per local day of `zone`:
    /// reports in `zone` from local midnight to local midnight are
    /// answered from those sums.
    ///
    /// ```
    /// use helpdesk_core::metrics::Metrics;
    /// use helpdesk_core::DeskConfig;
    ///
    /// let metrics = Metrics::in_zone(DeskConfig::default(), chrono_tz::Europe::Berlin);
    /// assert_eq!(metrics.zone(), chrono_tz::Europe::Berlin);
    /// ```
    pub fn in_zone(config: DeskConfig, zone: Tz) -> Self {
        Self {
            config,
            tickets: HashMap::new(),
            rollup: Rollup::new(zone),
            position: None,
            unknown: 0,
        }
    }

    /// The zone whose local days it sums figures per.
    pub fn zone(&self) -> Tz {
        self.rollup.zone()
    }

    /// Folds in the event at `position` of the log, of `ticket` in
    /// `tenant`; `false` (and nothing changed) when `position` is not past
    /// the last one applied.
    pub fn apply(
        &mut self,
        position: u64,
        tenant: TenantId,
        ticket: TicketId,
        event: &Event,
    ) -> bool {
        if self.position.is_some_and(|last| position <= last) {
            return false;
        }
        self.position = Some(position);
        match self.tickets.get_mut(&(tenant, ticket)) {
            Some(facts) => {
                let before = Mark::before(facts, event);
                facts.apply(event, &self.config);
                self.rollup.update(&before, facts);
            }
            None => match TicketFacts::opened(ticket, event) {
                Some(facts) => {
                    self.rollup.opened(&facts);
                    self.tickets.insert((tenant, ticket), facts);
                }
                None => self.unknown += 1,
            },
        }
        true
    }

    /// The position of the last event applied: where to read the feed on
    /// from.
    pub fn position(&self) -> Option<u64> {
        self.position
    }

    /// How many events were passed over because their ticket's opening was
    /// never seen.
    pub fn unknown(&self) -> u64 {
        self.unknown
    }

    /// The configuration it counts with.
    pub fn config(&self) -> &DeskConfig {
        &self.config
    }

    /// The facts of one ticket.
    pub fn facts(&self, tenant: TenantId, ticket: TicketId) -> Option<&TicketFacts> {
        self.tickets.get(&(tenant, ticket))
    }

    /// The facts of every ticket, in no particular order.
    pub fn tickets(&self) -> impl ExactSizeIterator<Item = &TicketFacts> {
        self.tickets.values()
    }

    /// The [`report`] of `spec` over every ticket: added up from the days
    /// of its period when they answer it (see [`Metrics`]), else from
    /// every ticket's facts.
    pub fn report(&self, spec: &ReportSpec) -> Result<Report, ReportError> {
        if spec.to <= spec.from || !self.rollup.answers(spec) {
            return self.report_from_facts(spec);
        }
        let buckets = Buckets::new(spec)?;
        Ok(self.rollup.answer(spec, &buckets, &self.config))
    }

    /// The [`report`] of `spec` computed from every ticket's facts, as
    /// [`report`] does: what [`Metrics::report`] answers from its sums.
    pub fn report_from_facts(&self, spec: &ReportSpec) -> Result<Report, ReportError> {
        report(self.tickets.values(), spec, &self.config)
    }

    /// The [`trends`] of `spec` over every ticket.
    pub fn trends(&self, spec: &TrendSpec) -> Result<Trends, TrendError> {
        trends(self.tickets.values(), spec)
    }
}
