//! The tickets a desk keeps as it last wrote them: commands on them skip
//! the store's load, and a kept ticket another desk moved on is caught and
//! loaded.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use helpdesk_core::{Command, NewTicket, Resolution, ResolutionCode};
use helpdesk_engine::{Desk, DeskOptions, MemoryStore, NoNotifier, Request, Store};
use helpdesk_testkit::{Fixture, Observed, config};

fn resolve() -> Command {
    Command::Resolve {
        resolution: Resolution::new(ResolutionCode::Solved, "Done"),
        sub_status: None,
    }
}

#[tokio::test]
async fn commands_on_a_kept_ticket_skip_the_load() {
    let f = Fixture::new(Observed::new(MemoryStore::new()));
    let id = f.open("Printer").await;
    let loads = f.store().loads();
    f.run(
        &f.agent,
        id,
        Command::Tag {
            tag: "printer".into(),
        },
    )
    .await;
    f.run(&f.agent, id, helpdesk_testkit::reply("Looking at it"))
        .await;
    assert_eq!(f.store().loads(), loads);

    // Without kept tickets, every command loads but the one that opens
    // the ticket.
    let none = Desk::with_options(
        config(),
        Observed::new(MemoryStore::new()),
        NoNotifier,
        f.clock.clone(),
        DeskOptions {
            recent_tickets: 0,
            ..DeskOptions::default()
        },
    )
    .expect("valid configuration");
    let id = helpdesk_engine::new_ticket_id();
    let open = NewTicket::new(f.requester.id, "Printer", "");
    for command in [
        Command::Open(open),
        Command::Tag {
            tag: "printer".into(),
        },
    ] {
        none.execute(Request::new(f.agent.clone(), id, command))
            .await
            .unwrap();
    }
    assert_eq!(none.store().loads(), 1);
}

#[tokio::test]
async fn opening_a_taken_id_loads_it_and_is_refused() {
    let f = Fixture::new(Arc::new(Observed::new(MemoryStore::new())));
    let id = f.open("Printer").await;
    let before = f.store().history(f.tenant, id, 1).await.unwrap();
    // Another desk, which keeps nothing, opens the same id again.
    let other = Desk::new(config(), f.store().clone(), NoNotifier, f.clock.clone())
        .expect("valid configuration");
    let loads = f.store().loads();
    let again = Request::new(
        f.agent.clone(),
        id,
        Command::Open(NewTicket::new(f.requester.id, "Another", "")),
    );
    let refused = other.execute(again.clone()).await;
    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(f.store().loads(), loads + 1, "the taken ticket is loaded");
    assert_eq!(f.store().history(f.tenant, id, 1).await.unwrap(), before);
    assert_eq!(
        f.store()
            .load(f.tenant, id)
            .await
            .unwrap()
            .unwrap()
            .subject(),
        "Printer"
    );
}

#[tokio::test]
async fn a_kept_ticket_another_desk_moved_on_is_loaded_again() {
    let f = Fixture::new(Arc::new(MemoryStore::new()));
    let other = Desk::new(config(), f.store().clone(), NoNotifier, f.clock.clone())
        .expect("valid configuration");
    let id = f.open("Printer").await;

    // The other desk resolves the ticket; this desk still keeps it new.
    other
        .execute(Request::new(f.agent.clone(), id, resolve()))
        .await
        .unwrap();
    // Refused on the kept ticket (a new ticket cannot be reopened), allowed
    // on the stored one.
    let reopened = f.run(&f.requester, id, Command::Reopen).await;
    assert!(!reopened.events.is_empty());

    // The other desk tags it; this desk's next command conflicts with its
    // kept ticket, loads, and is written after the tag.
    other
        .execute(Request::new(
            f.agent.clone(),
            id,
            Command::Tag { tag: "vpn".into() },
        ))
        .await
        .unwrap();
    let tagged = f
        .run(
            &f.agent,
            id,
            Command::Tag {
                tag: "printer".into(),
            },
        )
        .await;
    let tags: Vec<&str> = tagged.ticket.tags().iter().map(|t| t.as_str()).collect();
    assert!(
        tags.contains(&"vpn") && tags.contains(&"printer"),
        "{tags:?}"
    );

    let history = f.store().history(f.tenant, id, 1).await.unwrap();
    let versions: Vec<u64> = history.iter().map(|e| e.version).collect();
    assert_eq!(versions, (1..=versions.len() as u64).collect::<Vec<_>>());
    assert_eq!(
        f.store().load(f.tenant, id).await.unwrap().unwrap(),
        tagged.ticket
    );
}
