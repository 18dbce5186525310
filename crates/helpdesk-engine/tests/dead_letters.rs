//! Dead letters handled by hand through the desk: a tenant's admin lists
//! and revives them, and the dispatcher then delivers what was revived;
//! a requester, an agent and another tenant's admin learn nothing and
//! revive nothing.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use helpdesk_core::{Actor, ActorId, Role, TicketId};
use helpdesk_engine::view::DeadLetterView;
use helpdesk_engine::{Clock, Desk, DeskError, ManualClock, MemoryStore, StoreError};
use helpdesk_testkit::{Fixture, Outage};

type Dispatcher = Desk<Arc<MemoryStore>, Outage, ManualClock>;

/// Two tickets of the fixture's tenant and one of the other tenant, each
/// opening told to an endpoint that was down: three dead letters.
struct Given {
    f: Fixture<Arc<MemoryStore>>,
    dispatcher: Dispatcher,
    outage: Outage,
    ours: [TicketId; 2],
    theirs: TicketId,
}

async fn given_dead_letters_in_two_tenants() -> Given {
    let store = Arc::new(MemoryStore::new());
    let f = Fixture::new(store.clone());
    let ours = [f.open("Printer jams").await, f.open("VPN drops").await];
    let foreign_requester = Actor::requester(ActorId::from_u128(0xf1), f.other_tenant);
    let theirs = f
        .open_as(&f.foreign_admin, foreign_requester.id, "Their outage", None)
        .await;
    let outage = Outage::down();
    let dispatcher = Desk::new(
        helpdesk_testkit::config(),
        store,
        outage.clone(),
        f.clock.clone(),
    )
    .unwrap();
    let report = dispatcher.run_dispatch(f.clock.now()).await.unwrap();
    assert_eq!(report.dead, 3, "every opening was refused for good");
    Given {
        f,
        dispatcher,
        outage,
        ours,
        theirs,
    }
}

async fn listed(given: &Given, actor: &Actor) -> Result<Vec<DeadLetterView>, DeskError> {
    Ok(given.f.desk.dead_letters(actor, None, 100).await?.items)
}

#[tokio::test]
async fn an_admin_lists_the_tenants_dead_letters_page_by_page() {
    // Given dead letters in two tenants
    let given = given_dead_letters_in_two_tenants().await;
    let f = &given.f;

    // When the tenant's admin lists them one a page
    let first = f.desk.dead_letters(&f.admin, None, 1).await.unwrap();
    let cursor = first.next.clone().unwrap();
    let second = f
        .desk
        .dead_letters(&f.admin, Some(&cursor), 1)
        .await
        .unwrap();

    // Then each page holds one of the tenant's letters, oldest first, with
    // the event, ticket, attempts, last error and when it died; nothing of
    // the other tenant's
    let letters: Vec<&DeadLetterView> = first.items.iter().chain(&second.items).collect();
    let tickets: Vec<TicketId> = letters.iter().map(|l| l.ticket).collect();
    assert_eq!(tickets, given.ours);
    for letter in &letters {
        assert_eq!(letter.event, "opened");
        assert_eq!(
            (letter.channel.as_str(), letter.recipient.as_str()),
            ("webhook", "endpoint:audit")
        );
        assert_eq!(letter.rule, "audit");
        assert_eq!(letter.attempts, 1);
        assert_eq!(letter.last_error, Outage::REFUSAL);
        assert_eq!(letter.died_at, f.clock.now());
    }
    assert!(letters[0].id < letters[1].id);
    assert_eq!(second.next, None, "the other tenant's letter makes no page");
    assert_eq!(listed(&given, &f.admin).await.unwrap().len(), 2);
}

#[tokio::test]
async fn an_admin_revives_a_dead_letter_and_the_dispatcher_delivers_it() {
    // Given dead letters, and the endpoint back up
    let given = given_dead_letters_in_two_tenants().await;
    let f = &given.f;
    given.outage.recover();
    let letter = listed(&given, &f.admin).await.unwrap().remove(0);

    // When the admin revives one and the dispatcher runs
    let revived = f
        .desk
        .revive_dead_letter(&f.admin, letter.id)
        .await
        .unwrap();
    let report = given.dispatcher.run_dispatch(f.clock.now()).await.unwrap();

    // Then that one is delivered, under its own delivery id, and the rest
    // stay dead
    assert_eq!(revived, letter);
    assert_eq!((report.claimed, report.delivered), (1, 1));
    assert_eq!(given.outage.taken(), [letter.delivery]);
    let left: Vec<TicketId> = listed(&given, &f.admin)
        .await
        .unwrap()
        .iter()
        .map(|l| l.ticket)
        .collect();
    assert_eq!(left, [given.ours[1]]);
    // And it is no dead letter any more: reviving it again finds nothing
    assert!(matches!(
        f.desk.revive_dead_letter(&f.admin, letter.id).await,
        Err(DeskError::NoDeadLetter { id }) if id == letter.id
    ));
}

#[tokio::test]
async fn a_requester_and_an_agent_are_refused_the_list_whatever_it_holds() {
    // Given dead letters, and a desk without any
    let given = given_dead_letters_in_two_tenants().await;
    let empty = Fixture::new(Arc::new(MemoryStore::new()));

    // When a requester and an agent of the tenant list them
    for (actor, role) in [
        (&given.f.requester, Role::Requester),
        (&given.f.agent, Role::Agent),
    ] {
        let refused = listed(&given, actor).await.unwrap_err();
        let refused_empty = empty.desk.dead_letters(actor, None, 100).await.unwrap_err();

        // Then both are refused for their role, the same with letters as
        // without
        assert!(
            matches!(refused, DeskError::AdminOnly { role: r } if r == role),
            "{refused}"
        );
        assert_eq!(refused.to_string(), refused_empty.to_string());
    }
}

#[tokio::test]
async fn another_tenants_admin_sees_only_their_own_dead_letters() {
    // Given dead letters in two tenants
    let given = given_dead_letters_in_two_tenants().await;

    // When the other tenant's admin lists them
    let theirs = listed(&given, &given.f.foreign_admin).await.unwrap();

    // Then they see their own letter, none of the first tenant's
    let tickets: Vec<TicketId> = theirs.iter().map(|l| l.ticket).collect();
    assert_eq!(tickets, [given.theirs]);
}

#[tokio::test]
async fn nobody_but_the_tenants_admin_revives_and_nobody_learns_a_letter_exists() {
    // Given dead letters in two tenants, and an id no letter has
    let given = given_dead_letters_in_two_tenants().await;
    let f = &given.f;
    let ours = listed(&given, &f.admin).await.unwrap();
    let nobodys = ours.iter().map(|l| l.id).max().unwrap() + 1_000;

    // When a requester, an agent and another tenant's admin try to revive
    // the tenant's letter, and one that does not exist
    for actor in [&f.requester, &f.agent, &f.foreign_admin] {
        let real = f
            .desk
            .revive_dead_letter(actor, ours[0].id)
            .await
            .unwrap_err();
        let none = f.desk.revive_dead_letter(actor, nobodys).await.unwrap_err();

        // Then each answer is the one for a letter that does not exist
        assert!(
            matches!(real, DeskError::NoDeadLetter { id } if id == ours[0].id),
            "{real}"
        );
        assert!(
            matches!(none, DeskError::NoDeadLetter { id } if id == nobodys),
            "{none}"
        );
        assert_eq!(
            real.to_string().replace(&ours[0].id.to_string(), "#"),
            none.to_string().replace(&nobodys.to_string(), "#"),
            "{:?}",
            actor.role
        );
    }
    // And nothing was revived: the dispatcher has nothing to send
    given.outage.recover();
    let report = given.dispatcher.run_dispatch(f.clock.now()).await.unwrap();
    assert_eq!(report.claimed, 0);
    assert_eq!(listed(&given, &f.admin).await.unwrap(), ours);
    // And the tenant's admin cannot revive the other tenant's letter
    let foreign = listed(&given, &f.foreign_admin).await.unwrap();
    assert!(matches!(
        f.desk.revive_dead_letter(&f.admin, foreign[0].id).await,
        Err(DeskError::NoDeadLetter { .. })
    ));
}

#[tokio::test]
async fn a_bad_page_size_or_cursor_is_refused_naming_it() {
    let given = given_dead_letters_in_two_tenants().await;
    let f = &given.f;
    for limit in [0, 1_001] {
        let refused = f
            .desk
            .dead_letters(&f.admin, None, limit)
            .await
            .unwrap_err();
        assert!(
            matches!(
                refused,
                DeskError::Store(StoreError::InvalidQuery { field: "limit", .. })
            ),
            "{refused}"
        );
    }
    for cursor in ["made up", "dl", "dl-1", "v3", "dl+3"] {
        let refused = f
            .desk
            .dead_letters(&f.admin, Some(cursor), 10)
            .await
            .unwrap_err();
        assert!(
            matches!(refused, DeskError::Store(StoreError::InvalidCursor(_))),
            "{cursor}: {refused}"
        );
    }
}

#[tokio::test]
async fn many_letters_of_another_tenant_take_no_room_in_a_page() {
    // Given one dead letter of the tenant, then more of the other tenant's
    // than a page holds, then one more of the tenant's
    let store = Arc::new(MemoryStore::new());
    let f = Fixture::new(store.clone());
    let first = f.open("Before the storm").await;
    let foreign_requester = Actor::requester(ActorId::from_u128(0xf1), f.other_tenant);
    for n in 0..5_100 {
        f.open_as(
            &f.foreign_admin,
            foreign_requester.id,
            &format!("Storm {n}"),
            None,
        )
        .await;
    }
    let last = f.open("After the storm").await;
    let dispatcher = Desk::new(
        helpdesk_testkit::config(),
        store,
        Outage::down(),
        f.clock.clone(),
    )
    .unwrap();
    while dispatcher
        .run_dispatch(f.clock.now())
        .await
        .unwrap()
        .claimed
        > 0
    {}

    // When the tenant's admin pages through their letters
    let mut seen = Vec::new();
    let mut pages = 0;
    let mut cursor: Option<String> = None;
    loop {
        let page = f
            .desk
            .dead_letters(&f.admin, cursor.as_deref(), 10)
            .await
            .unwrap();
        pages += 1;
        seen.extend(page.items.iter().map(|l| l.ticket));
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }

    // Then the first page holds both, and says no more follow: the store
    // lists the tenant's letters only
    assert_eq!(seen, [first, last]);
    assert_eq!(pages, 1);
}
