//! The scheduler always progresses: tickets whose check fails, and tickets
//! whose due instant is stale, never hold back a ticket due behind them.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, TimeDelta, Utc};
use helpdesk_core::{
    Change, Command, Reach, Resolution, ResolutionCode, TenantId, Ticket, TicketId,
};
use helpdesk_engine::store::{
    Append, Appended, Claimed, CommandRecord, DeadLetter, DueTicket, Fingerprint, OutboxMessage,
    Outcome, Page, SearchQuery, StoredEvent, TicketQuery, TicketRow,
};
use helpdesk_engine::{CommandId, Desk, DeskOptions, MemoryStore, NoNotifier, Store, StoreError};
use helpdesk_testkit::{Fixture, config, start};

/// A memory store whose loads of some tickets fail, as a store does when a
/// ticket's rows are unreadable.
#[derive(Default)]
struct Failing {
    inner: MemoryStore,
    broken: Mutex<HashSet<TicketId>>,
}

impl Store for Failing {
    async fn load(&self, tenant: TenantId, ticket: TicketId) -> Result<Option<Ticket>, StoreError> {
        if self.broken.lock().unwrap().contains(&ticket) {
            return Err(StoreError::Corrupt {
                what: format!("ticket {ticket}"),
                reason: "unreadable in this test".into(),
            });
        }
        self.inner.load(tenant, ticket).await
    }
    async fn history(
        &self,
        tenant: TenantId,
        ticket: TicketId,
        from: u64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        self.inner.history(tenant, ticket, from).await
    }
    async fn command(
        &self,
        tenant: TenantId,
        command: CommandId,
    ) -> Result<Option<CommandRecord>, StoreError> {
        self.inner.command(tenant, command).await
    }
    async fn append(&self, append: Append) -> Result<Appended, StoreError> {
        self.inner.append(append).await
    }
    async fn query(
        &self,
        tenant: TenantId,
        reach: &Reach,
        query: TicketQuery,
    ) -> Result<Page, StoreError> {
        self.inner.query(tenant, reach, query).await
    }
    async fn search(
        &self,
        tenant: TenantId,
        reach: &Reach,
        query: &SearchQuery,
    ) -> Result<Vec<TicketRow>, StoreError> {
        self.inner.search(tenant, reach, query).await
    }
    async fn due_before(
        &self,
        instant: DateTime<Utc>,
        after: Option<DueTicket>,
        limit: u32,
    ) -> Result<Vec<DueTicket>, StoreError> {
        self.inner.due_before(instant, after, limit).await
    }
    async fn pending_outbox(&self, limit: u32) -> Result<Vec<OutboxMessage>, StoreError> {
        self.inner.pending_outbox(limit).await
    }
    async fn claim_outbox(
        &self,
        holder: &str,
        now: DateTime<Utc>,
        lease: TimeDelta,
        limit: u32,
    ) -> Result<Vec<Claimed>, StoreError> {
        self.inner.claim_outbox(holder, now, lease, limit).await
    }
    async fn settle_outbox(
        &self,
        holder: &str,
        position: u64,
        outcome: Outcome,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.inner
            .settle_outbox(holder, position, outcome, now)
            .await
    }
    async fn dead_letters(
        &self,
        tenant: TenantId,
        after: Option<u64>,
        limit: u32,
    ) -> Result<Vec<DeadLetter>, StoreError> {
        self.inner.dead_letters(tenant, after, limit).await
    }
    async fn revive_dead_letter(
        &self,
        tenant: TenantId,
        position: u64,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.inner.revive_dead_letter(tenant, position, at).await
    }

    async fn feed(
        &self,
        after: Option<u64>,
        limit: u32,
    ) -> Result<Vec<helpdesk_engine::store::Logged>, StoreError> {
        self.inner.feed(after, limit).await
    }

    async fn next_ticket_number(
        &self,
        tenant: TenantId,
    ) -> Result<helpdesk_core::TicketNumber, StoreError> {
        self.inner.next_ticket_number(tenant).await
    }

    async fn ticket_by_number(
        &self,
        tenant: TenantId,
        number: helpdesk_core::TicketNumber,
    ) -> Result<Option<TicketId>, StoreError> {
        self.inner.ticket_by_number(tenant, number).await
    }

    async fn remember_message(
        &self,
        tenant: TenantId,
        message: &helpdesk_engine::store::MessageId,
        ticket: TicketId,
    ) -> Result<TicketId, StoreError> {
        self.inner.remember_message(tenant, message, ticket).await
    }

    async fn ticket_of_message(
        &self,
        tenant: TenantId,
        message: &helpdesk_engine::store::MessageId,
    ) -> Result<Option<TicketId>, StoreError> {
        self.inner.ticket_of_message(tenant, message).await
    }
}

#[tokio::test]
async fn a_breach_behind_a_thousand_stuck_or_failing_tickets_is_recorded_in_one_run() {
    // Given 500 tickets whose check fails and 500 whose due instant is
    // stale, all due an hour before the fixture's start, and one ticket
    // whose first response is breached at 10:00.
    let f = Fixture::new(Arc::new(Failing::default()));
    let due = f.open("Breached at 10:00").await;
    let stale_at = start() - Duration::hours(1);
    let mut failing = Vec::new();
    let mut stale = Vec::new();
    for n in 0..1_000 {
        let id = f.open(&format!("Stuck {n}")).await;
        let resolve = Command::Resolve {
            resolution: Resolution::new(ResolutionCode::Solved, "Done"),
            sub_status: None,
        };
        let done = f.run(&f.agent, id, resolve).await;
        let command = CommandId::new();
        let record = CommandRecord {
            command,
            ticket: id,
            actor: f.agent.id,
            fingerprint: Fingerprint::of(&command),
            from_version: done.version,
            to_version: done.version,
        };
        let mut append = Append::new(f.tenant, record, Vec::new(), done.ticket, f.desk.config());
        append.row.next_due = Some(stale_at);
        f.store().append(append).await.unwrap();
        if n % 2 == 0 {
            failing.push(id);
        } else {
            stale.push(id);
        }
    }
    f.store()
        .broken
        .lock()
        .unwrap()
        .extend(failing.iter().copied());

    // When one run goes at 11:00, on a host that keeps no tickets in
    // memory (so each check loads its ticket).
    let now = start() + Duration::hours(2);
    f.advance(Duration::hours(2));
    let host = Desk::with_options(
        config(),
        f.store().clone(),
        NoNotifier,
        f.clock.clone(),
        DeskOptions {
            recent_tickets: 0,
            ..DeskOptions::default()
        },
    )
    .unwrap();
    let report = host.run_due(now).await.unwrap();

    // Then the breach is recorded, each failing ticket is reported once,
    // and the stale instants are corrected while the failing ones stay due
    // for the next run.
    let history = f.store().history(f.tenant, due, 1).await.unwrap();
    assert!(
        history
            .iter()
            .any(|e| matches!(e.event.change, Change::SlaBreached { .. })),
        "the breach behind the stuck tickets is recorded"
    );
    assert_eq!(report.failed, failing.len(), "{:?}", report.errors.first());
    assert_eq!(report.checked, 1_001);
    let left: HashSet<TicketId> = f
        .store()
        .due_before(now, None, 2_000)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.ticket)
        .collect();
    assert!(
        stale.iter().all(|id| !left.contains(id)),
        "stale instants corrected"
    );
    assert!(
        failing.iter().all(|id| left.contains(id)),
        "failing tickets stay due"
    );

    // And once they load again, the next run checks them and they leave.
    f.store().broken.lock().unwrap().clear();
    let again = host.run_due(now).await.unwrap();
    assert_eq!((again.checked, again.failed), (failing.len(), 0));
    assert!(
        f.store()
            .due_before(now, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}
