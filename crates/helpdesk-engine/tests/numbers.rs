//! Ticket numbers through the desk: given at open, in the history, and a
//! lookup by number that tells an actor nothing of a ticket out of reach.
#![allow(clippy::unwrap_used)]

use helpdesk_core::{Actor, ActorId, Command, NewTicket, TicketNumber};
use helpdesk_engine::{MemoryStore, Request, new_ticket_id};
use helpdesk_testkit::Fixture;

/// Given a ticket of the fixture's requester in the fixture's group, its
/// number.
async fn given_a_ticket(f: &Fixture<MemoryStore>) -> TicketNumber {
    let id = f.open("Printer jams on floor 3").await;
    f.load(id).await.and_then(|t| t.number()).unwrap()
}

/// Asks for `number` as `actor`, and for a number no ticket has: both
/// lookups of the desk answer nothing, the same for both numbers.
async fn learns_nothing(f: &Fixture<MemoryStore>, actor: &Actor, number: TicketNumber) {
    let theirs = asked(f, actor, number).await;
    let nobodys = asked(f, actor, TicketNumber::new(999).unwrap()).await;
    assert_eq!(theirs, (false, false), "nothing is answered");
    assert_eq!(theirs, nobodys, "existence is not told");
}

/// What `actor` learns by asking for `number`, by the desk's two lookups.
async fn asked(f: &Fixture<MemoryStore>, actor: &Actor, number: TicketNumber) -> (bool, bool) {
    let ticket = f.desk.ticket_by_number(actor, number).await.unwrap();
    let view = f.desk.ticket_view_by_number(actor, number).await.unwrap();
    (ticket.is_some(), view.is_some())
}

#[tokio::test]
async fn the_requester_and_an_agent_in_scope_find_the_ticket_by_its_number() {
    let f = Fixture::new(MemoryStore::new());
    let number = given_a_ticket(&f).await;
    for actor in [&f.requester, &f.agent, &f.admin] {
        assert_eq!(
            asked(&f, actor, number).await,
            (true, true),
            "{:?}",
            actor.role
        );
    }
    let view = f
        .desk
        .ticket_view_by_number(&f.agent, number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.number, Some(number));
}

#[tokio::test]
async fn another_requester_learns_nothing_of_a_ticket_by_its_number() {
    // Given a ticket of the fixture's requester
    let f = Fixture::new(MemoryStore::new());
    let number = given_a_ticket(&f).await;
    // When another requester of the tenant asks for its number, and for
    // a number no ticket has
    let mallory = Actor::requester(ActorId::from_u128(0xbad), f.tenant);
    // Then both answers are the same: nothing
    learns_nothing(&f, &mallory, number).await;
}

#[tokio::test]
async fn another_tenants_actor_learns_nothing_of_a_ticket_by_its_number() {
    // Given a ticket of the first tenant
    let f = Fixture::new(MemoryStore::new());
    let number = given_a_ticket(&f).await;
    // When the other tenant's admin asks for its number
    // Then the answer is nothing, as for a number no ticket has
    learns_nothing(&f, &f.foreign_admin, number).await;
}

#[tokio::test]
async fn an_agent_out_of_scope_learns_nothing_of_a_ticket_by_its_number() {
    // Given a ticket in the fixture's group
    let f = Fixture::new(MemoryStore::new());
    let number = given_a_ticket(&f).await;
    // When an agent of another group only asks for its number
    let outsider = Actor::agent(ActorId::from_u128(0xa9), f.tenant, [f.other_group]);
    // Then the answer is nothing, as for a number no ticket has
    learns_nothing(&f, &outsider, number).await;
}

#[tokio::test]
async fn a_refused_open_may_leave_a_gap_and_a_retried_open_keeps_its_number() {
    // Given the tenant's first ticket
    let f = Fixture::new(MemoryStore::new());
    let first = given_a_ticket(&f).await;
    assert_eq!(first.get(), 1);
    // When an open is refused (an empty subject), then one succeeds
    let refused = Command::Open(NewTicket::new(f.requester.id, "", ""));
    let answer = f
        .desk
        .execute(Request::new(f.admin.clone(), new_ticket_id(), refused))
        .await;
    assert!(answer.is_err());
    let open = Request::new(
        f.admin.clone(),
        new_ticket_id(),
        Command::Open(NewTicket::new(f.requester.id, "VPN drops", "")),
    );
    let opened = f.desk.execute(open.clone()).await.unwrap();
    let number = opened.ticket.and_then(|t| t.number()).unwrap();
    // Then the numbers are unique and grow, perhaps with a gap
    assert!(number > first);
    // And the same open sent again is a replay with the same number
    let again = f.desk.execute(open).await.unwrap();
    assert!(again.replayed);
    assert_eq!(again.ticket.and_then(|t| t.number()), Some(number));
    // And the number is in the Opened event of the history
    let history = f
        .desk
        .history(&f.admin, opened.events[0].ticket)
        .await
        .unwrap();
    let text = history[0].event.change.to_string();
    assert!(text.starts_with(&format!("opened {number} ")), "{text}");
}
