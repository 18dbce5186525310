//! The scheduler always progresses: tickets whose check fails, and tickets
//! whose due instant is stale, never hold back a ticket due behind them.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::sync::Arc;

use chrono::Duration;
use helpdesk_core::{Change, Command, Resolution, ResolutionCode, TicketId};
use helpdesk_engine::store::{Append, CommandRecord, Fingerprint};
use helpdesk_engine::{CommandId, Desk, DeskOptions, MemoryStore, NoNotifier, Store};
use helpdesk_testkit::{Fixture, Observed, config, start};

#[tokio::test]
async fn a_breach_behind_a_thousand_stuck_or_failing_tickets_is_recorded_in_one_run() {
    // Given 500 tickets whose check fails and 500 whose due instant is
    // stale, all due an hour before the fixture's start, and one ticket
    // whose first response is breached at 10:00.
    let f = Fixture::new(Arc::new(Observed::new(MemoryStore::new())));
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
    f.store().make_unreadable(failing.iter().copied());

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
    f.store().make_readable();
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
