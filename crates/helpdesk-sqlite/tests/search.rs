//! Search on SQLite at the scale where a word stops narrowing it: a word
//! common across the store is searched within the tenant. Its own test
//! binary, so its load does not run beside the store's timing-sensitive
//! tests.
#![allow(clippy::unwrap_used)]

use chrono::Duration;
use helpdesk_core::{Actor, ActorId, Command, NewTicket, Reach, TenantId};
use helpdesk_engine::store::SearchQuery;
use helpdesk_engine::{Desk, ManualClock, NoNotifier, Request, Store, new_ticket_id};
use helpdesk_sqlite::SqliteStore;

const TENANT: TenantId = TenantId::from_u128(0x7e1);

fn requester() -> Actor {
    Actor::requester(ActorId::from_u128(0xa1), TENANT)
}

fn desk<S: Store>(store: S) -> Desk<S, NoNotifier, ManualClock> {
    Desk::new(
        helpdesk_testkit::config(),
        store,
        NoNotifier,
        ManualClock::new(helpdesk_testkit::start()),
    )
    .expect("valid configuration")
}

/// The search for `text`, at most `limit` rows.
fn words(text: &str, limit: u32) -> SearchQuery {
    SearchQuery::new(text, limit).unwrap()
}

#[tokio::test]
async fn a_word_common_across_the_store_is_searched_within_the_tenant() {
    // Given 1,200 tickets of another tenant holding "toner", more than the
    // trigram index names before a word counts as common, and three of
    // ours: two holding it, one holding a rare word too.
    let desk = desk(SqliteStore::in_memory().unwrap());
    let theirs = Actor::admin(ActorId::from_u128(0xb1), TenantId::from_u128(0x7e2));
    for n in 0..1_200 {
        let new = NewTicket::new(theirs.id, format!("Toner {n} low"), "");
        desk.execute(Request::new(
            theirs.clone(),
            new_ticket_id(),
            Command::Open(new),
        ))
        .await
        .unwrap();
    }
    let admin = Actor::admin(ActorId::from_u128(0xa3), TENANT);
    let mut ours = Vec::new();
    for subject in ["Toner empty", "Toner smudges zebrawood", "Paper jam"] {
        desk.clock().advance(Duration::minutes(1));
        let id = new_ticket_id();
        let new = NewTicket::new(requester().id, subject, "");
        desk.execute(Request::new(admin.clone(), id, Command::Open(new)))
            .await
            .unwrap();
        ours.push(id);
    }
    let ids = |rows: Vec<helpdesk_engine::store::TicketRow>| {
        rows.into_iter().map(|r| r.id).collect::<Vec<_>>()
    };
    let store = desk.store();
    let search = |reach: Reach, text: &str| {
        let query = words(text, 10);
        async move { ids(store.search(TENANT, &reach, &query).await.unwrap()) }
    };

    // When we search the common word, alone, with a short word, and with a
    // rare one, then only our tickets answer, newest first.
    assert_eq!(search(Reach::Tenant, "toner").await, [ours[1], ours[0]]);
    assert_eq!(search(Reach::Tenant, "toner e").await, [ours[1], ours[0]]);
    assert_eq!(search(Reach::Tenant, "toner zebrawood").await, [ours[1]]);
    assert_eq!(
        search(Reach::of(&requester()), "toner toner").await,
        [ours[1], ours[0]]
    );
    assert!(search(Reach::Tenant, "toner jam").await.is_empty());
    // And the other tenant finds its own, at most the limit.
    let query = words("toner low", 10);
    let found = store
        .search(theirs.tenant, &Reach::Tenant, &query)
        .await
        .unwrap();
    assert_eq!(found.len(), 10);
    assert!(found.iter().all(|r| r.tenant == theirs.tenant));
}
