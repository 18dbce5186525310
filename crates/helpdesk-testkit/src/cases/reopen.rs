//! The case a store with durable state runs through the `reopen` hook of
//! [`store_conformance!`](crate::store_conformance): what it made durable
//! answers, once reopened, exactly as before.

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use helpdesk_core::{Command, Reach, TenantId, Ticket, TicketId};
use helpdesk_engine::store::{
    Append, Appended, CommandRecord, DueTicket, Filter, Order, OutboxMessage, Page, StoredEvent,
    TicketQuery, TicketRow,
};
use helpdesk_engine::{CommandId, Request, Store};

use super::{record, words};
use crate::{Fixture, pending, reply};

/// Everything a store answers about a workload.
#[derive(Debug, PartialEq)]
struct Answers {
    tickets: Vec<(Option<Ticket>, Vec<StoredEvent>)>,
    commands: Vec<Option<CommandRecord>>,
    pages: Vec<Page>,
    found: Vec<Vec<TicketRow>>,
    due: Vec<DueTicket>,
    outbox: Vec<OutboxMessage>,
}

/// What `store` answers about `tickets` and `commands` of `tenant`, read
/// as `readers`.
async fn answers<S: Store>(
    store: &S,
    tenant: TenantId,
    tickets: &[TicketId],
    commands: &[CommandId],
    readers: &[Reach],
    until: DateTime<Utc>,
) -> Answers {
    let fail = |what: &str, e: helpdesk_engine::StoreError| -> ! {
        panic!("the {what} of a reopened store failed: {e}")
    };
    let mut answers = Answers {
        tickets: Vec::new(),
        commands: Vec::new(),
        pages: Vec::new(),
        found: Vec::new(),
        due: store
            .due_before(until, None, 100)
            .await
            .unwrap_or_else(|e| fail("due_before", e)),
        outbox: store
            .pending_outbox(1_000)
            .await
            .unwrap_or_else(|e| fail("pending_outbox", e)),
    };
    for &id in tickets {
        let loaded = store
            .load(tenant, id)
            .await
            .unwrap_or_else(|e| fail("load", e));
        let history = store
            .history(tenant, id, 1)
            .await
            .unwrap_or_else(|e| fail("history", e));
        answers.tickets.push((loaded, history));
    }
    for &command in commands {
        answers.commands.push(
            store
                .command(tenant, command)
                .await
                .unwrap_or_else(|e| fail("command", e)),
        );
    }
    for reach in readers {
        for order in [Order::NextDue, Order::UpdatedAt] {
            let query = TicketQuery::new(Filter::default(), order, 3);
            answers.pages.push(
                store
                    .query(tenant, reach, query)
                    .await
                    .unwrap_or_else(|e| fail("query", e)),
            );
        }
        for text in ["printer", "secret", "jam e"] {
            answers.found.push(
                store
                    .search(tenant, reach, &words(text, 10))
                    .await
                    .unwrap_or_else(|e| fail("search", e)),
            );
        }
    }
    answers
}

/// A store reopened from what it made durable answers exactly as before:
/// tickets, histories, command records (actor and fingerprint included),
/// pages for every reach, searches (public and internal text kept apart),
/// due work and the outbox; a retry of a recorded command is still a
/// duplicate, new commands continue each ticket's versions, and the next
/// ticket is numbered past every number given before, by an open or not.
///
/// `reopen` takes the store, closes it, and opens a new one on the same
/// data (the same file, schema or database).
pub async fn reopened_store_answers_as_before<S, R, Fut>(store: S, reopen: R)
where
    S: Store + 'static,
    R: FnOnce(S) -> Fut,
    Fut: Future<Output = S>,
{
    let shared = Arc::new(store);
    let f = Fixture::new(shared.clone());
    let mut tickets = Vec::new();
    let mut commands = Vec::new();
    for n in 0..5 {
        f.advance(Duration::minutes(1));
        let id = f.open(&format!("Printer {n} jams")).await;
        for command in [
            reply("Which tray?"),
            Command::note(helpdesk_engine::new_comment_id(), format!("Secret {n}")),
            Command::Tag {
                tag: "printer".into(),
            },
            Command::Tag {
                tag: "printer".into(),
            }, // changes nothing, still recorded
            pending(),
        ] {
            let request = Request::new(f.agent.clone(), id, command);
            commands.push(request.id);
            f.desk
                .execute(request)
                .await
                .unwrap_or_else(|e| panic!("the workload's command failed: {e}"));
        }
        tickets.push(id);
    }
    // A number taken by an open that then failed: never handed out again.
    let taken = f
        .store()
        .next_ticket_number(f.tenant)
        .await
        .unwrap_or_else(|e| panic!("next_ticket_number: {e}"));
    let readers = [Reach::Tenant, Reach::of(&f.requester), Reach::of(&f.agent)];
    let until = crate::start() + Duration::days(3);
    let before = answers(&*shared, f.tenant, &tickets, &commands, &readers, until).await;
    let (tenant, agent) = (f.tenant, f.agent.clone());
    drop(f);
    let Ok(store) = Arc::try_unwrap(shared) else {
        panic!("the fixture let go of the store")
    };

    let reopened = reopen(store).await;
    let after = answers(&reopened, tenant, &tickets, &commands, &readers, until).await;
    assert!(
        after == before,
        "a reopened store answers exactly as before:\nbefore: {before:#?}\nafter: {after:#?}"
    );

    let f = Fixture::new(reopened);
    let ticket = f
        .load(tickets[0])
        .await
        .unwrap_or_else(|| panic!("ticket {} is stored", tickets[0]));
    let version = ticket.version();
    let again = Append::new(
        tenant,
        record(&f, commands[0], tickets[0], version, version),
        Vec::new(),
        ticket,
        f.desk.config(),
    );
    match f.store().append(again).await {
        Ok(Appended::Duplicate(first)) => assert_eq!(
            Some(first),
            before.commands[0],
            "a reopened store answers a recorded command id with its first record"
        ),
        other => {
            panic!("a recorded command id must stay a duplicate after reopening, got {other:?}")
        }
    }
    let last = f
        .run(&agent, tickets[0], reply("Back after a restart"))
        .await;
    let expected = before.tickets[0].0.as_ref().map_or(0, Ticket::version) + 1;
    assert_eq!(
        last.version, expected,
        "a reopened store continues the ticket's versions"
    );
    let given = (before.tickets.iter())
        .filter_map(|(ticket, _)| ticket.as_ref()?.number())
        .chain([taken])
        .max()
        .unwrap_or(taken);
    let next = f.open("After a restart").await;
    let number = f.load(next).await.and_then(|t| t.number());
    assert!(
        number.is_some_and(|n| n > given),
        "a reopened store numbers past every number it gave ({given}): {number:?}"
    );
}
