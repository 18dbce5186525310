//! The event log fed in commit order with positions
//! ([`Store::feed`](helpdesk_engine::Store::feed)).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use helpdesk_core::{Command, TicketId};
use helpdesk_engine::store::Logged;
use helpdesk_engine::{EventId, Request, Store};

use crate::{Fixture, reply};

/// Reads the whole feed after `after`, `page` events at a time.
async fn read_all<S: Store>(store: &S, after: Option<u64>, page: u32) -> Vec<Logged> {
    let mut out: Vec<Logged> = Vec::new();
    let mut position = after;
    loop {
        let got = store
            .feed(position, page)
            .await
            .unwrap_or_else(|e| panic!("feed after {position:?}: {e}"));
        assert!(
            got.len() <= page as usize,
            "a feed page holds at most its limit: {} > {page}",
            got.len()
        );
        let Some(last) = got.last() else {
            return out;
        };
        position = Some(last.position);
        out.extend(got);
    }
}

/// Commands one after another, in two tenants: the feed answers every
/// event once, in the order the commands committed, with growing positions,
/// page by page; after its last position it answers nothing.
pub async fn feed_is_in_commit_order<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    assert!(
        f.store()
            .feed(None, 10)
            .await
            .unwrap_or_else(|e| panic!("feed: {e}"))
            .is_empty(),
        "an empty store feeds nothing"
    );
    let mut committed: Vec<EventId> = Vec::new();
    let mut tickets: Vec<(helpdesk_core::TenantId, TicketId)> = Vec::new();
    let first = f.open("Printer jams").await;
    let foreign = f.foreign_admin.clone();
    let second = f.open_as(&foreign, foreign.id, "VPN drops", None).await;
    tickets.push((f.tenant, first));
    tickets.push((f.other_tenant, second));
    for ticket in [first, second] {
        let tenant = if ticket == first {
            f.tenant
        } else {
            f.other_tenant
        };
        for event in f
            .store()
            .history(tenant, ticket, 1)
            .await
            .unwrap_or_default()
        {
            committed.push(event.id);
        }
    }
    for n in 0..6 {
        let (actor, ticket) = if n % 2 == 0 {
            (&f.admin, first)
        } else {
            (&foreign, second)
        };
        let ran = f.run(actor, ticket, reply(&format!("reply {n}"))).await;
        committed.extend(ran.events.iter().map(|e| e.id));
    }
    let ran = f
        .run(
            &f.admin,
            first,
            Command::Tag {
                tag: "printer".into(),
            },
        )
        .await;
    committed.extend(ran.events.iter().map(|e| e.id));

    let fed = read_all(f.store(), None, 3).await;
    let ids: Vec<EventId> = fed.iter().map(|l| l.event.id).collect();
    assert_eq!(
        ids, committed,
        "the feed answers every event once, in the order their commands committed"
    );
    assert!(
        fed.windows(2).all(|w| w[0].position < w[1].position),
        "positions grow along the feed"
    );
    for (tenant, ticket) in tickets {
        let history = f
            .store()
            .history(tenant, ticket, 1)
            .await
            .unwrap_or_default();
        let mine: Vec<_> = fed
            .iter()
            .filter(|l| l.event.ticket == ticket)
            .map(|l| l.event.clone())
            .collect();
        assert_eq!(
            mine, history,
            "a ticket's events are fed as its history holds them, tenant included"
        );
    }
    let last = fed.last().map(|l| l.position);
    assert!(
        f.store()
            .feed(last, 10)
            .await
            .unwrap_or_default()
            .is_empty(),
        "after the last position, the feed answers nothing"
    );
    let middle = fed[fed.len() / 2].position;
    let rest = read_all(f.store(), Some(middle), 100).await;
    assert_eq!(
        rest.first().map(|l| l.position),
        fed.iter().map(|l| l.position).find(|p| *p > middle),
        "the feed resumes right after the position given"
    );
    assert!(
        f.store().feed(None, 0).await.unwrap_or_default().is_empty(),
        "a limit of 0 answers nothing"
    );
}

/// Eight tasks appending at once while a reader follows the feed: the
/// reader, resuming after the last position it read each time, gets every
/// committed event exactly once, with positions that only grow. A store
/// that numbered an event before a commit ahead of it became visible would
/// make the reader pass over it.
pub async fn feed_skips_nothing_under_concurrent_appends<S: Store + 'static>(store: S) {
    let f = Arc::new(Fixture::new(store));
    let mut tickets = Vec::new();
    for i in 0..4 {
        tickets.push(f.open(&format!("Ticket {i}")).await);
    }
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (f, done) = (f.clone(), done.clone());
        tokio::spawn(async move {
            let mut seen: Vec<Logged> = Vec::new();
            loop {
                let finished = done.load(Ordering::SeqCst);
                let after = seen.last().map(|l| l.position);
                let page = f
                    .store()
                    .feed(after, 7)
                    .await
                    .unwrap_or_else(|e| panic!("feed while appending: {e}"));
                let empty = page.is_empty();
                seen.extend(page);
                if finished && empty {
                    return seen;
                }
                if empty {
                    tokio::task::yield_now().await;
                }
            }
        })
    };
    let mut writers = Vec::new();
    for task in 0..8u32 {
        let f = f.clone();
        let tickets = tickets.clone();
        writers.push(tokio::spawn(async move {
            for n in 0..10u32 {
                let ticket = tickets[((task + n) % 4) as usize];
                let command = Command::note(
                    helpdesk_engine::new_comment_id(),
                    format!("task {task} note {n}"),
                );
                f.desk
                    .execute(Request::new(f.admin.clone(), ticket, command))
                    .await
                    .unwrap_or_else(|e| panic!("concurrent execute: {e}"));
            }
        }));
    }
    for writer in writers {
        writer.await.unwrap_or_else(|e| panic!("writer: {e}"));
    }
    done.store(true, Ordering::SeqCst);
    let seen = reader.await.unwrap_or_else(|e| panic!("reader: {e}"));

    assert!(
        seen.windows(2).all(|w| w[0].position < w[1].position),
        "positions only grow as the reader follows the feed"
    );
    let mut expected: BTreeSet<EventId> = BTreeSet::new();
    let mut by_ticket: BTreeMap<TicketId, Vec<u64>> = BTreeMap::new();
    for ticket in &tickets {
        for event in f.history(*ticket, 1).await {
            expected.insert(event.id);
        }
    }
    for logged in &seen {
        by_ticket
            .entry(logged.event.ticket)
            .or_default()
            .push(logged.event.version);
    }
    let got: BTreeSet<EventId> = seen.iter().map(|l| l.event.id).collect();
    assert_eq!(got.len(), seen.len(), "no event is fed twice");
    assert_eq!(
        got, expected,
        "a reader following the feed during concurrent appends gets every committed event"
    );
    for (ticket, versions) in by_ticket {
        assert_eq!(
            versions,
            (1..=versions.len() as u64).collect::<Vec<_>>(),
            "ticket {ticket}'s events are fed by version"
        );
    }
}
