//! A request's expected version (an HTTP `If-Match`): refused once the
//! ticket moved on, answered as a replay when it is a retry, and never a
//! way to learn the version of a ticket out of reach.

use helpdesk_core::{
    Actor, ActorId, Command, DeskConfig, DomainError, GroupId, NewTicket, TenantId,
};
use helpdesk_engine::{
    CommandId, Desk, DeskError, MemoryStore, NoNotifier, Request, SystemClock, new_ticket_id,
};

type TestDesk = Desk<MemoryStore, NoNotifier, SystemClock>;

fn desk() -> TestDesk {
    Desk::new(
        DeskConfig::default(),
        MemoryStore::new(),
        NoNotifier,
        SystemClock,
    )
    .expect("the default configuration validates")
}

const TENANT: TenantId = TenantId::from_u128(1);

fn tag(tag: &str) -> Command {
    Command::Tag { tag: tag.into() }
}

#[tokio::test]
async fn a_change_on_the_version_read_is_applied() -> Result<(), DeskError> {
    // Given a ticket an agent read at version 1
    let desk = desk();
    let agent = Actor::agent(ActorId::from_u128(2), TENANT, []);
    let id = new_ticket_id();
    let open = Command::Open(NewTicket::new(agent.id, "Printer jams", ""));
    let read = desk
        .execute(Request::new(agent.clone(), id, open))
        .await?
        .version;
    // When they tag it expecting that version
    let tagged = desk
        .execute(Request::new(agent, id, tag("printer")).expecting(read))
        .await?;
    // Then it is tagged
    assert_eq!(tagged.version, read + 1);
    Ok(())
}

#[tokio::test]
async fn a_change_on_a_stale_version_is_refused_and_writes_nothing() -> Result<(), DeskError> {
    // Given a ticket changed by someone else since the agent read it
    let desk = desk();
    let agent = Actor::agent(ActorId::from_u128(2), TENANT, []);
    let id = new_ticket_id();
    let open = Command::Open(NewTicket::new(agent.id, "Printer jams", ""));
    let read = desk
        .execute(Request::new(agent.clone(), id, open))
        .await?
        .version;
    desk.execute(Request::new(agent.clone(), id, tag("printer")))
        .await?;
    // When the agent tags it expecting the version they read
    let stale = desk
        .execute(Request::new(agent.clone(), id, tag("floor-3")).expecting(read))
        .await;
    // Then it is refused with both versions, and nothing was written
    assert!(
        matches!(
            stale,
            Err(DeskError::VersionMismatch { ticket, expected: 1, actual: 2 }) if ticket == id
        ),
        "{stale:?}"
    );
    assert_eq!(desk.history(&agent, id).await?.len(), 2);
    Ok(())
}

#[tokio::test]
async fn a_retry_of_an_applied_change_replays_whatever_the_version() -> Result<(), DeskError> {
    // Given a change applied on version 1, under a client's key
    let desk = desk();
    let agent = Actor::agent(ActorId::from_u128(2), TENANT, []);
    let id = new_ticket_id();
    let open = Command::Open(NewTicket::new(agent.id, "Printer jams", ""));
    let read = desk
        .execute(Request::new(agent.clone(), id, open))
        .await?
        .version;
    let mut request = Request::new(agent.clone(), id, tag("printer")).expecting(read);
    request.id = CommandId::for_client_key(&agent, "tag-printer-1");
    let first = desk.execute(request.clone()).await?;
    // When the same request is sent again (the ticket is now at version 2)
    let again = desk.execute(request).await?;
    // Then it answers the first result
    assert!(again.replayed);
    assert_eq!(again.events, first.events);
    Ok(())
}

#[tokio::test]
async fn a_ticket_out_of_reach_answers_not_found_whatever_version_is_expected()
-> Result<(), DeskError> {
    // Given a ticket in a group the agent is not in
    let desk = desk();
    let admin = Actor::admin(ActorId::from_u128(9), TENANT);
    let outsider = Actor::agent(ActorId::from_u128(3), TENANT, [GroupId::from_u128(2)]);
    let id = new_ticket_id();
    let open = Command::Open(NewTicket::new(admin.id, "Payroll", "").group(GroupId::from_u128(1)));
    desk.execute(Request::new(admin, id, open)).await?;
    // When the outsider guesses a version
    for guess in [0, 1, 7] {
        let tried = desk
            .execute(Request::new(outsider.clone(), id, tag("x")).expecting(guess))
            .await;
        // Then the ticket is not found, as without a version
        assert!(
            matches!(
                tried,
                Err(DeskError::Rejected(DomainError::NotFound { .. }))
            ),
            "{guess}: {tried:?}"
        );
    }
    Ok(())
}
