//! The conformance cases. Each takes a fresh, empty store and panics with
//! a message naming the broken promise of the [store
//! contract](helpdesk_engine::store).
//!
//! [`store_conformance!`](crate::store_conformance) runs them all; a case
//! can also run on its own:
//!
//! ```
//! use helpdesk_engine::MemoryStore;
//! # fn main() -> Result<(), std::io::Error> {
//! let runtime = tokio::runtime::Builder::new_multi_thread().enable_time().build()?;
//! runtime.block_on(helpdesk_testkit::cases::round_trip(MemoryStore::new()));
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeSet;

use chrono::Duration;
use helpdesk_core::{Command, NewTicket, Reach, StatusCategory, TenantId, Ticket, TicketId};
use helpdesk_engine::store::{
    Append, Appended, CommandRecord, Filter, Fingerprint, Order, OutboxMessage, SearchQuery,
    StoredEvent, TicketQuery, sort_key,
};
use helpdesk_engine::{CommandId, DeliveryId, EventId, Request, Store, StoreError};

use crate::{Fixture, pending, reply};

mod answers;
mod common_words;
mod feed;
mod numbers;
mod outbox;
mod reach;
mod reopen;

pub use answers::{
    answers_are_seen_as_the_actor_may, appends_without_events_move_only_the_due_instant,
    command_ids_are_bound, due_work_is_paged_past_stale_instants,
    history_from_zero_and_past_the_end, merges_and_links_are_recorded_on_both_tickets,
    targets_are_checked,
};
pub use common_words::rare_and_common_words_search_alike;
pub use feed::{feed_is_in_commit_order, feed_skips_nothing_under_concurrent_appends};
pub use numbers::{
    appends_bind_their_mail_with_their_events, concurrent_bindings_of_an_id_agree_on_the_first,
    message_ids_are_bound_once_per_tenant, opens_number_past_the_gaps_failed_opens_leave,
    ticket_numbers_are_unique_per_tenant_under_concurrent_opens,
    tickets_are_found_by_number_in_their_tenant_only,
};
pub use outbox::{outbox_messages_are_claimed_settled_and_revived, two_claimers_share_the_outbox};
pub use reach::{reach_applies_before_the_limit, requesters_never_find_internal_text};
pub use reopen::reopened_store_answers_as_before;

/// Events, snapshot and history agree after a few commands, and the
/// snapshot is what replaying the history gives.
pub async fn round_trip<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let id = f.open("Printer jams on floor 3").await;
    f.run(&f.agent, id, reply("On my way.")).await;
    let last = f.run(&f.agent, id, pending()).await;
    let loaded = f.load(id).await;
    assert_eq!(
        loaded.as_ref(),
        Some(&last.ticket),
        "load returns the ticket as the last append left it"
    );
    let history = f.history(id, 1).await;
    let versions: Vec<u64> = history.iter().map(|e| e.version).collect();
    let expected: Vec<u64> = (1..=last.ticket.version()).collect();
    assert_eq!(
        versions, expected,
        "history holds every version from 1, in order"
    );
    assert_eq!(
        Ticket::replay(id, history.iter().map(|e| &e.event)),
        last.ticket,
        "replaying the history rebuilds the snapshot"
    );
    let tail = f.history(id, 3).await;
    assert_eq!(
        tail.first().map(|e| e.version),
        Some(3),
        "history starts at the version asked for"
    );
    assert!(
        f.store()
            .load(f.tenant, TicketId::from_u128(404))
            .await
            .unwrap_or_else(|e| panic!("load: {e}"))
            .is_none(),
        "a ticket never appended does not load"
    );
}

/// A ticket with a long history loads as every append left it, after
/// each append: a store that keeps snapshots only now and then replays
/// the right events after the one it reads.
pub async fn long_history<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let id = f.open("A long conversation").await;
    for n in 0..40 {
        let command = match n % 5 {
            4 => Command::Tag {
                tag: format!("round-{n}"),
            },
            _ => reply(&format!("Reply number {n}")),
        };
        let done = f.run(&f.agent, id, command).await;
        let loaded = f.load(id).await;
        assert_eq!(
            loaded.as_ref(),
            Some(&done.ticket),
            "load after command {n} (version {}) returns the ticket as that append left it",
            done.version
        );
    }
    let history = f.history(id, 1).await;
    let loaded = f.load(id).await;
    assert_eq!(
        loaded,
        Some(Ticket::replay(id, history.iter().map(|e| &e.event))),
        "the loaded ticket is its whole history replayed"
    );
}

/// An append whose version is not the stored one fails with a conflict
/// naming both versions and writes nothing: a stale version, with events
/// or without, a version ahead of the stored one, and 0 (a new ticket) for
/// a ticket that exists.
pub async fn version_conflict<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let id = f.open("VPN drops").await;
    let first = f.run(&f.agent, id, reply("Which client?")).await;
    let stale = first.version - 1;
    let mut events = first.events.clone();
    for e in &mut events {
        e.command = CommandId::new();
    }
    let command = record(&f, CommandId::new(), id, stale, stale + 1);
    let mut append = Append::new(
        f.tenant,
        command,
        events,
        first.ticket.clone(),
        f.desk.config(),
    );
    append.outbox.clear();
    match f.store().append(append).await {
        Err(StoreError::Conflict {
            ticket,
            expected,
            actual,
        }) => {
            assert_eq!(
                (ticket, expected, actual),
                (id, stale, first.version),
                "the conflict names the versions"
            );
        }
        other => panic!("a stale append must fail with a conflict, got {other:?}"),
    }
    let history = f.history(id, 1).await;
    assert_eq!(
        history.len() as u64,
        first.version,
        "a conflicting append writes nothing"
    );
    assert!(
        f.command(command.command).await.is_none(),
        "a conflicting append records no command"
    );

    // A command that changes nothing is checked too: a desk deciding on a
    // stale copy of the ticket relies on the conflict to load it again.
    let empty = record(&f, CommandId::new(), id, stale, stale);
    let append = Append::new(
        f.tenant,
        empty,
        Vec::new(),
        first.ticket.clone(),
        f.desk.config(),
    );
    assert!(
        matches!(
            f.store().append(append).await,
            Err(StoreError::Conflict { expected, .. }) if expected == stale
        ),
        "a stale append without events must fail with a conflict too"
    );

    // Versions ahead of the stored one, and 0 for a ticket that exists.
    let actual = first.version;
    for (from, what) in [
        (actual + 1, "one ahead of the stored version"),
        (actual + 5, "ahead of the stored version"),
        (0, "0 (a new ticket) for a ticket that exists"),
    ] {
        let append = rewritten(f.tenant, &first.ticket, &first.events, from, &f);
        let command = append.command.command;
        match f.store().append(append).await {
            Err(StoreError::Conflict {
                ticket,
                expected,
                actual: found,
            }) => assert_eq!(
                (ticket, expected, found),
                (id, from, actual),
                "the conflict of an append from {what} names the versions"
            ),
            other => panic!("an append from {what} must fail with a conflict, got {other:?}"),
        }
        assert_eq!(
            f.load(id).await.as_ref(),
            Some(&first.ticket),
            "an append from {what} writes nothing"
        );
        assert_eq!(
            f.history(id, 1).await.len() as u64,
            actual,
            "an append from {what} writes no event"
        );
        assert!(
            f.command(command).await.is_none(),
            "an append from {what} records no command"
        );
    }
    // A ticket that does not exist has version 0.
    let missing = helpdesk_engine::new_ticket_id();
    let mut append = rewritten(f.tenant, &first.ticket, &first.events, 1, &f);
    append.command.ticket = missing;
    for e in &mut append.events {
        e.ticket = missing;
    }
    match f.store().append(append).await {
        Err(StoreError::Conflict {
            ticket,
            expected,
            actual,
        }) => assert_eq!(
            (ticket, expected, actual),
            (missing, 1, 0),
            "the conflict names the versions, 0 for a ticket that does not exist"
        ),
        other => panic!(
            "an append from version 1 to a ticket that does not exist must fail with a conflict, got {other:?}"
        ),
    }
    assert!(
        f.load(missing).await.is_none(),
        "a conflicting append creates no ticket"
    );
}

/// An append of `events` (renumbered, with fresh event and command ids)
/// onto `ticket` from version `from`, leaving `ticket` as it is.
fn rewritten<S: Store + 'static>(
    tenant: TenantId,
    ticket: &Ticket,
    events: &[StoredEvent],
    from: u64,
    f: &Fixture<S>,
) -> Append {
    let command = CommandId::new();
    let events: Vec<StoredEvent> = events
        .iter()
        .zip(from + 1..)
        .map(|(e, version)| StoredEvent {
            id: EventId::new(),
            version,
            command,
            ..e.clone()
        })
        .collect();
    let to = from + events.len() as u64;
    let record = record(f, command, ticket.id(), from, to);
    Append::new(tenant, record, events, ticket.clone(), f.desk.config())
}

/// The search for `text`, at most `limit` rows.
fn words(text: &str, limit: u32) -> SearchQuery {
    SearchQuery::new(text, limit).unwrap_or_else(|e| panic!("the search {text:?}: {e}"))
}

/// The record of a command by the fixture's agent on `ticket`, moving it
/// from version `from` to `to`.
fn record<S: Store + 'static>(
    f: &Fixture<S>,
    command: CommandId,
    ticket: TicketId,
    from: u64,
    to: u64,
) -> CommandRecord {
    CommandRecord {
        command,
        ticket,
        actor: f.agent.id,
        fingerprint: Fingerprint::of(&command),
        from_version: from,
        to_version: to,
    }
}

/// A command id executed twice is applied once; the retry gets the first
/// result. A command that changed nothing is recorded too. A command id is
/// recorded per tenant: the same id in another tenant is a new command.
pub async fn idempotent_command_id<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let id = f.open("Monitor flickers").await;
    let request = Request::new(f.agent.clone(), id, reply("Try another cable."));
    let first = f
        .desk
        .execute(request.clone())
        .await
        .unwrap_or_else(|e| panic!("execute: {e}"));
    f.advance(Duration::minutes(5));
    let again = f
        .desk
        .execute(request.clone())
        .await
        .unwrap_or_else(|e| panic!("execute: {e}"));
    assert!(
        again.replayed && !first.replayed,
        "the first execution is new, the retry a replay"
    );
    assert_eq!(
        again.events, first.events,
        "the retry answers the first events"
    );
    assert_eq!(
        again.ticket, first.ticket,
        "the retry answers the first ticket"
    );
    let history = f.history(id, 1).await;
    assert_eq!(history.len() as u64, first.version, "applied once");
    let record = f
        .store()
        .command(f.tenant, request.id)
        .await
        .unwrap_or_else(|e| panic!("command: {e}"));
    assert_eq!(
        record.map(|r| (r.from_version, r.to_version)),
        Some((first.version - first.events.len() as u64, first.version)),
        "the command's record holds the versions it moved the ticket between"
    );

    // A raw append of a recorded command id is a duplicate, not a conflict.
    let append = Append::new(
        f.tenant,
        self::record(&f, request.id, id, 0, 1),
        Vec::new(),
        f.load(id)
            .await
            .unwrap_or_else(|| panic!("ticket {id} is stored")),
        f.desk.config(),
    );
    match f.store().append(append).await {
        Ok(Appended::Duplicate(r)) => assert_eq!(
            Some(r),
            record,
            "a duplicate answers the first record, actor and fingerprint included"
        ),
        other => panic!("a recorded command id must answer Duplicate, got {other:?}"),
    }

    // The same command id in another tenant is another command.
    let theirs = helpdesk_engine::new_ticket_id();
    let mut elsewhere = Request::new(
        f.foreign_admin.clone(),
        theirs,
        Command::Open(NewTicket::new(
            f.foreign_admin.id,
            "Monitor flickers too",
            "",
        )),
    );
    elsewhere.id = request.id;
    let done = f.desk.execute(elsewhere).await.unwrap_or_else(|e| {
        panic!("a command id recorded in one tenant must be new in another: {e}")
    });
    assert!(
        !done.replayed && !done.events.is_empty(),
        "a command id recorded in one tenant is a new command in another, not a duplicate"
    );
    let other = f.other_tenant;
    let written = f
        .store()
        .history(other, theirs, 1)
        .await
        .unwrap_or_else(|e| panic!("history: {e}"));
    assert_eq!(
        written, done.events,
        "the other tenant's command with the same id is written"
    );
    let theirs_record = f
        .store()
        .command(other, request.id)
        .await
        .unwrap_or_else(|e| panic!("command: {e}"));
    assert_eq!(
        theirs_record.map(|r| (r.ticket, r.from_version, r.to_version)),
        Some((theirs, 0, done.version)),
        "each tenant has its own record of the command id"
    );
    assert_eq!(
        f.store()
            .command(f.tenant, request.id)
            .await
            .unwrap_or_else(|e| panic!("command: {e}")),
        record,
        "the first tenant's record of the command id is unchanged"
    );

    // Tagging twice: the second changes nothing but is recorded.
    f.run(
        &f.agent,
        id,
        Command::Tag {
            tag: "hardware".into(),
        },
    )
    .await;
    let noop = Request::new(
        f.agent.clone(),
        id,
        Command::Tag {
            tag: "hardware".into(),
        },
    );
    let done = f
        .desk
        .execute(noop.clone())
        .await
        .unwrap_or_else(|e| panic!("execute: {e}"));
    assert!(done.events.is_empty(), "tagging twice changes nothing");
    let record = f
        .store()
        .command(f.tenant, noop.id)
        .await
        .unwrap_or_else(|e| panic!("command: {e}"));
    assert_eq!(
        record.map(|r| r.from_version == r.to_version),
        Some(true),
        "a command without events is recorded"
    );
}

/// Nothing of one tenant is visible from another, through any method;
/// `due_before`, which reads across tenants, returns every tenant's due
/// tickets, each with its own tenant.
pub async fn tenant_isolation<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let mine = f.open("Payroll export fails").await;
    let request = Request::new(f.agent.clone(), mine, reply("Payroll team informed."));
    f.desk
        .execute(request.clone())
        .await
        .unwrap_or_else(|e| panic!("execute: {e}"));
    let theirs = f
        .open_as(
            &f.foreign_admin.clone(),
            f.foreign_admin.id,
            "Payroll export slow",
            None,
        )
        .await;
    let other = f.other_tenant;
    let store = f.store();
    assert!(
        store
            .load(other, mine)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .is_none(),
        "load"
    );
    assert!(
        store
            .history(other, mine, 1)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .is_empty(),
        "history"
    );
    assert!(
        store
            .command(other, request.id)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .is_none(),
        "command"
    );
    let everything = TicketQuery::new(Filter::default(), Order::UpdatedAt, 100);
    let page = store
        .query(other, &Reach::Tenant, everything.clone())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        page.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        [theirs],
        "query"
    );
    let page = store
        .query(f.tenant, &Reach::Tenant, everything)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        page.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        [mine],
        "query"
    );
    for filter in [
        Filter {
            requester: Some(f.requester.id),
            ..Filter::default()
        },
        Filter {
            group: Some(f.group),
            ..Filter::default()
        },
        Filter {
            status: Some(StatusCategory::Open),
            ..Filter::default()
        },
    ] {
        let page = store
            .query(
                other,
                &Reach::Tenant,
                TicketQuery::new(filter.clone(), Order::NextDue, 100),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            page.rows.is_empty(),
            "query by {filter:?} leaks another tenant's ticket"
        );
    }
    let found = store
        .search(other, &Reach::Tenant, &words("payroll", 10))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        found.iter().map(|r| r.id).collect::<Vec<_>>(),
        [theirs],
        "search"
    );
    // The same ticket id in two tenants is two tickets.
    let twin = f
        .desk
        .execute(Request::new(
            f.foreign_admin.clone(),
            mine,
            Command::Open(helpdesk_core::NewTicket::new(
                f.foreign_admin.id,
                "Same id, other tenant",
                "",
            )),
        ))
        .await
        .unwrap_or_else(|e| panic!("the same ticket id must be free in another tenant: {e}"));
    assert_eq!(
        (
            twin.ticket.as_ref().map(|t| t.tenant()),
            twin.events.first().map(|e| e.version)
        ),
        (Some(other), Some(1)),
        "a new ticket there"
    );
    let mine_now = store
        .load(f.tenant, mine)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        mine_now.map(|t| t.subject().to_owned()),
        Some("Payroll export fails".to_owned()),
        "a ticket of the same id in another tenant leaves this one as it was"
    );
    let due = store
        .due_before(f.clock_now() + Duration::days(30), None, 100)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let found: Vec<(TenantId, TicketId)> = due.iter().map(|d| (d.tenant, d.ticket)).collect();
    let unique: BTreeSet<(TenantId, TicketId)> = found.iter().copied().collect();
    assert_eq!(
        unique,
        BTreeSet::from([(f.tenant, mine), (other, theirs), (other, mine)]),
        "due_before returns the due tickets of every tenant, each with its own tenant"
    );
    assert_eq!(
        found.len(),
        unique.len(),
        "due_before returns each due ticket once"
    );
}

/// Paging with a cursor returns every ticket exactly once, also while new
/// tickets are added between pages; each page holds at most the limit, and
/// the rows come in the order's sort key across pages: most recently
/// updated first for [`Order::UpdatedAt`], soonest due first for
/// [`Order::NextDue`], then by id. A page size of 0 or above
/// [`TicketQuery::MAX_LIMIT`] and a cursor of the other order are refused.
pub async fn pagination_is_stable_under_inserts<S: Store + 'static>(store: S) {
    let f = std::sync::Arc::new(Fixture::new(store));
    // Opened seven seconds apart, with the same SLA: each one is updated
    // and due later than the one before.
    let mut opened = Vec::new();
    for i in 0..25 {
        opened.push(f.open(&format!("Ticket {i}")).await);
        f.advance(Duration::seconds(7));
    }
    let originals: BTreeSet<TicketId> = opened.iter().copied().collect();
    for order in [Order::UpdatedAt, Order::NextDue] {
        // Another writer keeps opening tickets while the pages are read.
        let writer = {
            let f = f.clone();
            tokio::spawn(async move {
                for i in 0..20 {
                    f.open(&format!("Opened concurrently {i}")).await;
                    tokio::task::yield_now().await;
                }
            })
        };
        let mut query = TicketQuery::new(Filter::default(), order, 4);
        let mut seen: Vec<TicketId> = Vec::new();
        let mut keys = Vec::new();
        let mut pages = 0;
        loop {
            let page = f
                .store()
                .query(f.tenant, &Reach::Tenant, query.clone())
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(page.rows.len() <= 4, "a page holds at most the limit");
            seen.extend(page.rows.iter().map(|r| r.id));
            keys.extend(page.rows.iter().map(|r| sort_key(r, order)));
            f.open(&format!("Inserted during paging {pages}")).await;
            pages += 1;
            assert!(pages < 100, "paging must end");
            match page.next {
                Some(cursor) => query.after = Some(cursor),
                None => break,
            }
        }
        writer.await.unwrap_or_else(|e| panic!("writer: {e}"));
        let unique: BTreeSet<TicketId> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "{order:?}: no ticket twice");
        assert!(
            originals.is_subset(&unique),
            "{order:?}: no ticket that existed before paging is skipped"
        );
        let in_order: Vec<TicketId> = seen
            .iter()
            .copied()
            .filter(|id| originals.contains(id))
            .collect();
        let (expected, rule): (Vec<TicketId>, _) = match order {
            Order::UpdatedAt => (
                opened.iter().rev().copied().collect(),
                "most recently updated first",
            ),
            Order::NextDue => (opened.clone(), "soonest due first"),
        };
        assert_eq!(in_order, expected, "{order:?}: {rule}");
        // Tickets opened while paging share instants: ties go by id.
        if let Some(pair) = keys.windows(2).find(|pair| pair[0] >= pair[1]) {
            panic!(
                "{order:?}: rows come in the order's sort key, ties by id, across pages: {:?} came before {:?}",
                pair[0], pair[1]
            );
        }
        if let Some(cursor) = query.after {
            let text = cursor.to_string();
            assert_eq!(
                text.parse::<helpdesk_engine::store::Cursor>().ok(),
                Some(cursor),
                "cursors survive a round trip as text"
            );
        }
    }
    let first = f
        .store()
        .query(
            f.tenant,
            &Reach::Tenant,
            TicketQuery::new(Filter::default(), Order::UpdatedAt, 1),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut other_order = TicketQuery::new(Filter::default(), Order::NextDue, 1);
    other_order.after = first.next;
    assert!(
        matches!(
            f.store().query(f.tenant, &Reach::Tenant, other_order).await,
            Err(StoreError::InvalidCursor(_))
        ),
        "a cursor of another order is refused"
    );
    for limit in [0, TicketQuery::MAX_LIMIT + 1] {
        let query = TicketQuery::new(Filter::default(), Order::UpdatedAt, limit);
        assert!(
            matches!(
                f.store().query(f.tenant, &Reach::Tenant, query).await,
                Err(StoreError::InvalidQuery { field: "limit", .. })
            ),
            "a page of {limit} rows is refused"
        );
    }
}

/// Queries ordered by next due put the soonest first and the tickets with
/// nothing due last, ties by id; `due_before` finds what is due, soonest
/// first, at most `limit`.
pub async fn due_order<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let later = f.open("Opened first, due later").await;
    f.run(
        &f.admin,
        later,
        Command::SetImpactUrgency {
            impact: helpdesk_core::Impact::Low,
            urgency: helpdesk_core::Urgency::Low,
        },
    )
    .await;
    f.advance(Duration::minutes(1));
    let sooner = f.open("Opened second, due sooner").await;
    f.run(
        &f.admin,
        sooner,
        Command::SetImpactUrgency {
            impact: helpdesk_core::Impact::High,
            urgency: helpdesk_core::Urgency::High,
        },
    )
    .await;
    let mut idle = Vec::new();
    for subject in ["Nothing due: pending, answered", "Nothing due either"] {
        let id = f.open(subject).await;
        f.run(&f.agent, id, reply("Answered")).await;
        f.run(&f.agent, id, pending()).await;
        idle.push(id);
    }
    idle.sort();
    let page = f
        .store()
        .query(
            f.tenant,
            &Reach::Tenant,
            TicketQuery::new(Filter::default(), Order::NextDue, 10),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<TicketId> = page.rows.iter().map(|r| r.id).collect();
    assert_eq!(
        ids,
        [sooner, later, idle[0], idle[1]],
        "soonest due first, nothing due last, ties by id"
    );
    assert!(
        page.rows[2].next_due.is_none() && page.rows[3].next_due.is_none(),
        "tickets with nothing due come last"
    );
    let first_due = page.rows[0]
        .next_due
        .unwrap_or_else(|| panic!("the P1 ticket has something due"));
    let due = f
        .store()
        .due_before(first_due, None, 10)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        due.iter().map(|d| d.ticket).collect::<Vec<_>>(),
        [sooner],
        "due_before includes the instant itself"
    );
    assert!(
        f.store()
            .due_before(first_due - Duration::seconds(1), None, 10)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .is_empty(),
        "nothing is due before the first due instant"
    );
    let all = f
        .store()
        .due_before(first_due + Duration::days(10), None, 10)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        all.iter().map(|d| d.ticket).collect::<Vec<_>>(),
        [sooner, later],
        "due_before answers every ticket due by its instant"
    );
    assert!(
        all.windows(2).all(|w| w[0].due <= w[1].due),
        "due_before answers soonest first"
    );
    let first = f
        .store()
        .due_before(first_due + Duration::days(10), None, 1)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let first: Vec<TicketId> = first.iter().map(|d| d.ticket).collect();
    assert_first("due_before", 1, &first, &[sooner], "the soonest");
}

/// Filters by group, assignee, status, tag and requester.
pub async fn filters<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let a = f.open("In group, assigned, tagged").await;
    f.run(
        &f.admin,
        a,
        Command::Assign {
            assignee: f.agent.id,
        },
    )
    .await;
    f.run(
        &f.admin,
        a,
        Command::Tag {
            tag: "network".into(),
        },
    )
    .await;
    let b = f
        .open_as(
            &f.admin.clone(),
            f.admin.id,
            "Other group",
            Some(f.other_group),
        )
        .await;
    let c = f.open("In group, pending").await;
    f.run(&f.agent, c, pending()).await;
    let ids = |filter: Filter| {
        let store = f.store();
        let tenant = f.tenant;
        async move {
            let page = store
                .query(
                    tenant,
                    &Reach::Tenant,
                    TicketQuery::new(filter, Order::UpdatedAt, 50),
                )
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            page.rows.into_iter().map(|r| r.id).collect::<BTreeSet<_>>()
        }
    };
    assert_eq!(
        ids(Filter {
            group: Some(f.group),
            ..Filter::default()
        })
        .await,
        BTreeSet::from([a, c]),
        "by group"
    );
    assert_eq!(
        ids(Filter {
            assignee: Some(f.agent.id),
            ..Filter::default()
        })
        .await,
        BTreeSet::from([a]),
        "by assignee"
    );
    assert_eq!(
        ids(Filter {
            status: Some(StatusCategory::Pending),
            ..Filter::default()
        })
        .await,
        BTreeSet::from([c]),
        "by status"
    );
    assert_eq!(
        ids(Filter {
            tag: Some("network".into()),
            ..Filter::default()
        })
        .await,
        BTreeSet::from([a]),
        "by tag"
    );
    assert_eq!(
        ids(Filter {
            requester: Some(f.admin.id),
            ..Filter::default()
        })
        .await,
        BTreeSet::from([b]),
        "by requester"
    );
    let both = Filter {
        group: Some(f.group),
        status: Some(StatusCategory::Open),
        ..Filter::default()
    };
    assert_eq!(ids(both).await, BTreeSet::from([a]), "filters combine");
}

/// Search finds every word, in the subject, the description or the
/// conversation, ignoring case, also inside longer words, most recently
/// updated first, at most `limit`; a text without words finds nothing.
pub async fn search<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let a = f.open("Outlook crashes on start").await;
    f.advance(Duration::minutes(1));
    let b = f.open("Printer offline").await;
    f.run(
        &f.agent,
        b,
        reply("The OUTLOOK add-in for printing crashes too"),
    )
    .await;
    f.advance(Duration::minutes(1));
    let c = helpdesk_engine::new_ticket_id();
    let mut slow = NewTicket::new(f.requester.id, "Laptop slow", "Since the Outlook update");
    slow.group = Some(f.group);
    f.run(&f.admin, c, Command::Open(slow)).await;
    let found = |text: &'static str| {
        let store = f.store();
        let tenant = f.tenant;
        async move {
            store
                .search(tenant, &Reach::Tenant, &words(text, 10))
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .into_iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        found("outlook").await,
        [c, b, a],
        "subject, description or conversation, most recently updated first"
    );
    assert_eq!(found("update SINCE").await, [c], "the description");
    assert_eq!(
        found("Outlook crashes").await,
        [b, a],
        "every word, anywhere"
    );
    assert_eq!(found("printer").await, [b], "a word of one subject");
    assert_eq!(found("outlook printer").await, [b], "all words must occur");
    assert!(
        found("excel").await.is_empty(),
        "a word nowhere finds nothing"
    );
    assert_eq!(
        found("offlin").await,
        [b],
        "a word matches inside a longer word (\"offlin\" finds \"offline\")"
    );
    // The most words a query may hold, every one in the same ticket, some
    // shorter than three characters: answered, and only that ticket.
    let many: Vec<&str> = [
        "outlook", "add-in", "printing", "crashes", "too", "the", "in", "o",
    ]
    .into_iter()
    .cycle()
    .take(SearchQuery::MAX_WORDS)
    .collect();
    let most = SearchQuery {
        words: many.iter().map(|w| (*w).to_owned()).collect(),
        limit: 10,
    };
    let rows = f
        .store()
        .search(f.tenant, &Reach::Tenant, &most)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "a search of {} words must be answered: {e}",
                most.words.len()
            )
        });
    assert_eq!(
        rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        [b],
        "a search of the most words a query holds finds the ticket holding them all"
    );
    assert_eq!(
        found("CRASH look").await,
        [b, a],
        "every word may match inside longer words"
    );
    for blank in ["", "  \t "] {
        assert!(
            found(blank).await.is_empty(),
            "a text without words ({blank:?}) matches nothing"
        );
    }
    for limit in [1, 2] {
        let rows = f
            .store()
            .search(f.tenant, &Reach::Tenant, &words("outlook", limit))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let rows: Vec<TicketId> = rows.iter().map(|r| r.id).collect();
        assert_first(
            "search",
            limit,
            &rows,
            &[c, b, a],
            "the most recently updated",
        );
    }
    // "print" is in the subject ("Printer offline") and in a reply
    // ("printing"): still one ticket.
    let print = found("print").await;
    let unique: BTreeSet<TicketId> = print.iter().copied().collect();
    assert_eq!(
        unique.len(),
        print.len(),
        "search returns each ticket once, also when a word is in several of its parts: {print:?}"
    );
    assert_eq!(print, [b], "\"print\" finds \"Printer\"");
}

/// Unicode text and bodies at the size limit survive exactly.
pub async fn unicode_and_large_bodies<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let subject = "Drucker 🖨️ druckt nicht — 打印机 «Fehler» ñ";
    let id = f.open(subject).await;
    let body: String = "ℵ€😀x".chars().cycle().take(64 * 1024 / 4).collect();
    assert!(
        body.len() <= 64 * 1024,
        "the body is within the default limit"
    );
    let last = f.run(&f.agent, id, reply(&body)).await;
    let loaded = f.load(id).await;
    assert_eq!(
        loaded.as_ref().map(|t| t.subject()),
        Some(subject),
        "a Unicode subject survives exactly"
    );
    assert_eq!(
        loaded
            .as_ref()
            .and_then(|t| t.conversation().last())
            .map(|c| c.body.as_str()),
        Some(body.as_str()),
        "a 64 KiB Unicode body survives exactly"
    );
    assert_eq!(
        loaded,
        Some(last.ticket),
        "the loaded ticket is the one appended"
    );
    let found = f
        .store()
        .search(f.tenant, &Reach::Tenant, &words("打印机", 5))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        found.iter().map(|r| r.id).collect::<Vec<_>>(),
        [id],
        "search finds non-Latin words"
    );
}

/// Every delivery the notification rules plan for the appended events has
/// an outbox message, under its key. `pending_outbox` reads across tenants and answers the messages oldest
/// first, in append order across tickets, at most `limit`, each call from
/// the oldest.
pub async fn outbox_is_written_with_the_events<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let admin = f.admin.clone();
    let foreign = f.foreign_admin.clone();
    let open = |requester, subject: &str| Command::Open(NewTicket::new(requester, subject, ""));
    let (a, b, c) = (
        helpdesk_engine::new_ticket_id(),
        helpdesk_engine::new_ticket_id(),
        helpdesk_engine::new_ticket_id(),
    );
    // Appends interleaved across three tickets of two tenants.
    let steps = [
        (&admin, a, open(f.requester.id, "Keyboard missing keys")),
        (&foreign, b, open(foreign.id, "Mouse double-clicks")),
        (&admin, a, reply("Replacement ordered.")),
        (&admin, c, open(f.requester.id, "Headset crackles")),
        (&foreign, b, reply("Try another port.")),
        (&admin, a, pending()),
        (&admin, c, reply("Which model?")),
    ];
    let mut events = Vec::new();
    for (actor, ticket, command) in steps {
        events.extend(f.run(actor, ticket, command).await.events);
    }
    let pending = f
        .store()
        .pending_outbox(100)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let announced: Vec<OutboxMessage> = events.iter().filter_map(crate::announced).collect();
    let ids: Vec<DeliveryId> = pending.iter().map(|m| m.id).collect();
    let expected: Vec<DeliveryId> = announced.iter().map(|m| m.id).collect();
    assert_eq!(
        ids, expected,
        "one message per planned delivery, under its key, oldest first across tickets and tenants"
    );
    assert_eq!(
        pending, announced,
        "each message carries its event, ticket, tenant and delivery"
    );
    let history = f.history(a, 1).await;
    assert!(
        history
            .iter()
            .filter(|e| crate::announced(e).is_some())
            .all(|e| pending.iter().any(|m| m.event == *e)),
        "every event a rule fires on has its outbox message"
    );
    for limit in [1, 3] {
        let first = f
            .store()
            .pending_outbox(limit)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let first: Vec<DeliveryId> = first.iter().map(|m| m.id).collect();
        assert_first(
            "pending_outbox",
            limit,
            &first,
            &expected,
            "the oldest, every call",
        );
    }
}

/// Checks that `method`, asked for `limit` rows, returned at most that many:
/// the first ones of `all`, which are `which`.
fn assert_first<T: PartialEq + std::fmt::Debug>(
    method: &str,
    limit: u32,
    got: &[T],
    all: &[T],
    which: &str,
) {
    assert!(
        got.len() <= limit as usize,
        "{method} returns at most `limit` ({limit}), got {}",
        got.len()
    );
    assert_eq!(
        got,
        &all[..limit as usize],
        "{method} with a limit returns {which}"
    );
}

/// Many tasks appending at once, to one ticket and to several: no update is
/// lost and versions stay contiguous.
pub async fn concurrent_appends<S: Store + 'static>(store: S) {
    let f = std::sync::Arc::new(Fixture::new(store));
    let shared = f.open("Everyone writes here").await;
    let mut own = Vec::new();
    for i in 0..4 {
        own.push(f.open(&format!("Own ticket {i}")).await);
    }
    let mut tasks = Vec::new();
    for task in 0..8u32 {
        let f = f.clone();
        let own = own[task as usize % 4];
        tasks.push(tokio::spawn(async move {
            for n in 0..10u32 {
                let ticket = if n % 2 == 0 { shared } else { own };
                let body = format!("task {task} note {n}");
                let command = Command::note(helpdesk_engine::new_comment_id(), body);
                let request = Request::new(f.admin.clone(), ticket, command);
                f.desk
                    .execute(request)
                    .await
                    .unwrap_or_else(|e| panic!("concurrent execute: {e}"));
            }
        }));
    }
    for task in tasks {
        task.await.unwrap_or_else(|e| panic!("task: {e}"));
    }
    let mut notes = 0;
    for ticket in std::iter::once(shared).chain(own) {
        let history = f.history(ticket, 1).await;
        let versions: Vec<u64> = history.iter().map(|e| e.version).collect();
        assert_eq!(
            versions,
            (1..=history.len() as u64).collect::<Vec<_>>(),
            "versions contiguous"
        );
        let loaded = f.load(ticket).await;
        let loaded = loaded.unwrap_or_else(|| panic!("ticket {ticket} exists"));
        assert_eq!(
            Ticket::replay(ticket, history.iter().map(|e| &e.event)),
            loaded,
            "under concurrent appends, the history replays to the loaded ticket"
        );
        notes += loaded.conversation().len();
    }
    assert_eq!(notes, 80, "no lost update");
}

impl<S: Store + 'static> Fixture<S> {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use helpdesk_engine::Clock;
        self.clock.now()
    }
}
