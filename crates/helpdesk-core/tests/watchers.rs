//! Watchers: who may start and stop watching a ticket, in which role, how
//! many, when; and what a requester sees of them.
#![allow(clippy::unwrap_used)]

mod support;

use helpdesk_core::config::Severity;
use helpdesk_core::*;
use support::{Desk, example};

fn watch(id: ActorId, role: Role) -> Command {
    Command::Watch {
        watcher: ActorRef { id, role },
    }
}

#[test]
fn staff_add_anyone_of_the_tenant_in_their_role() {
    // Given the requester's ticket
    let desk = Desk::new();
    let mut driven = desk.opened();

    // When the agent adds the other agent as a follower and a customer as a CC
    let colleague = desk.other_agent.as_ref();
    let customer = ActorId::from_u128(150);
    desk.run(
        &mut driven,
        &desk.agent,
        Command::Watch { watcher: colleague },
    )
    .unwrap();
    let events = desk
        .run(&mut driven, &desk.agent, watch(customer, Role::Requester))
        .unwrap();

    // Then both watch, each with their role, and the change says so
    assert_eq!(
        driven.ticket.watchers().collect::<Vec<_>>(),
        [
            ActorRef {
                id: customer,
                role: Role::Requester
            },
            colleague,
        ]
    );
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].change,
        Change::Watched {
            watcher: ActorRef {
                id: customer,
                role: Role::Requester
            }
        }
    );
}

#[test]
fn a_requester_watches_and_unwatches_only_themselves() {
    // Given the requester's ticket, watched by an agent
    let desk = Desk::new();
    let mut driven = desk.opened();
    desk.run(
        &mut driven,
        &desk.agent,
        Command::Watch {
            watcher: desk.agent.as_ref(),
        },
    )
    .unwrap();
    let before = driven.ticket.clone();

    // When the requester adds someone else, or themselves as an agent, or
    // removes the agent
    let requester = &desk.requester;
    for command in [
        watch(desk.other_requester.id, Role::Requester),
        watch(requester.id, Role::Agent),
        Command::Unwatch {
            watcher: desk.agent.id,
        },
    ] {
        let kind = command.kind();
        let err = desk.run(&mut driven, requester, command).unwrap_err();
        // Then each is refused and nothing changes
        assert!(
            matches!(err, DomainError::Forbidden { command, role: Role::Requester, .. } if command == kind),
            "{err}"
        );
        assert_eq!(driven.ticket, before);
    }

    // When they add and then remove themselves
    desk.run(&mut driven, requester, watch(requester.id, Role::Requester))
        .unwrap();
    assert_eq!(
        driven.ticket.watcher(requester.id),
        Some(requester.as_ref())
    );
    desk.run(
        &mut driven,
        requester,
        Command::Unwatch {
            watcher: requester.id,
        },
    )
    .unwrap();

    // Then they watched and no longer do
    assert_eq!(driven.ticket.watcher(requester.id), None);
}

#[test]
fn the_tickets_requester_watches_only_as_a_requester() {
    // Given the requester's ticket
    let desk = Desk::new();
    let mut driven = desk.opened();

    // When the admin adds the requester as an agent
    let err = desk
        .run(
            &mut driven,
            &desk.admin,
            watch(desk.requester.id, Role::Agent),
        )
        .unwrap_err();

    // Then it is refused naming the field, so the requester can never be
    // told of an internal note as a watcher
    assert_eq!(
        err.to_string(),
        format!(
            "watcher.role: {} is the ticket's requester and watches as a requester, not as an agent",
            desk.requester.id
        )
    );
    assert_eq!(driven.ticket.watchers().len(), 0);
}

#[test]
fn watching_again_changes_nothing_and_another_role_replaces_the_first() {
    // Given the agent watches
    let desk = Desk::new();
    let mut driven = desk.opened();
    let agent = desk.agent.id;
    desk.run(&mut driven, &desk.admin, watch(agent, Role::Agent))
        .unwrap();

    // When they are added again in the same role, then nothing happens
    let again = desk
        .run(&mut driven, &desk.admin, watch(agent, Role::Agent))
        .unwrap();
    assert_eq!(again, []);

    // When they are added as a requester, then that is their role now
    desk.run(&mut driven, &desk.admin, watch(agent, Role::Requester))
        .unwrap();
    assert_eq!(driven.ticket.watchers().len(), 1);
    assert_eq!(
        driven.ticket.watcher(agent).map(|w| w.role),
        Some(Role::Requester)
    );

    // And removing someone who does not watch changes nothing
    let none = desk
        .run(
            &mut driven,
            &desk.admin,
            Command::Unwatch {
                watcher: desk.supervisor.id,
            },
        )
        .unwrap();
    assert_eq!(none, []);
}

#[test]
fn a_ticket_holds_at_most_max_watchers() {
    // Given a desk that allows two watchers a ticket, and two watching
    let mut desk = Desk::new();
    desk.config.limits.max_watchers = 2;
    let mut driven = desk.opened();
    for n in [1, 2] {
        desk.run(
            &mut driven,
            &desk.admin,
            watch(ActorId::from_u128(700 + n), Role::Requester),
        )
        .unwrap();
    }

    // When a third is added
    let err = desk
        .run(
            &mut driven,
            &desk.admin,
            watch(ActorId::from_u128(703), Role::Requester),
        )
        .unwrap_err();

    // Then it is refused naming the field and the limit
    assert_eq!(
        err.to_string(),
        "watcher: a ticket may have at most 2 watchers (limits.max_watchers)"
    );
    // But a watcher changing role takes no new place
    desk.run(
        &mut driven,
        &desk.admin,
        watch(ActorId::from_u128(701), Role::Agent),
    )
    .unwrap();
}

#[test]
fn a_limit_above_the_ceiling_is_a_configuration_error() {
    let mut config = DeskConfig::default();
    config.limits.max_watchers = config::MAX_WATCHERS + 1;
    let found: Vec<String> = config
        .diagnose()
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        found,
        [
            "limits.max_watchers: is 1001, more than 1000: every event of a ticket may plan a notification to each watcher"
        ]
    );
}

#[test]
fn nobody_starts_or_stops_watching_a_closed_ticket() {
    // Given a closed ticket the agent watches
    let desk = Desk::new();
    let mut driven = desk.opened();
    desk.run(&mut driven, &desk.admin, watch(desk.agent.id, Role::Agent))
        .unwrap();
    let mut closed = driven.clone();
    desk.run(&mut closed, &desk.admin, support::resolve())
        .unwrap();
    desk.run(&mut closed, &desk.admin, Command::Close).unwrap();

    // When anyone watches or unwatches it, then it is illegal
    for command in [
        example(CommandKind::Watch, 1),
        Command::Unwatch {
            watcher: desk.agent.id,
        },
    ] {
        let err = desk.run(&mut closed, &desk.admin, command).unwrap_err();
        assert!(
            matches!(err, DomainError::IllegalTransition { .. }),
            "{err}"
        );
    }
    assert_eq!(closed.ticket.watchers().len(), 1);
}

#[test]
fn requesters_see_customer_watchers_but_never_staff_ones() {
    // Given a ticket followed by an agent and CC'd to a customer
    let desk = Desk::new();
    let mut driven = desk.opened();
    let customer = ActorId::from_u128(150);
    let mut events = desk
        .run(&mut driven, &desk.admin, watch(desk.agent.id, Role::Agent))
        .unwrap();
    events.extend(
        desk.run(&mut driven, &desk.admin, watch(customer, Role::Requester))
            .unwrap(),
    );
    events.extend(
        desk.run(
            &mut driven,
            &desk.admin,
            Command::Unwatch {
                watcher: desk.agent.id,
            },
        )
        .unwrap(),
    );

    // When the requester looks at the ticket and its history
    let view = driven.ticket.view_for(&desk.requester).unwrap();
    let seen: Vec<&Event> = events
        .iter()
        .filter(|e| e.is_visible_to(Role::Requester))
        .collect();

    // Then they see the customer, and nothing of the agent coming and going
    assert_eq!(
        view.watchers().collect::<Vec<_>>(),
        [ActorRef {
            id: customer,
            role: Role::Requester
        }]
    );
    assert_eq!(seen.len(), 1);
    assert!(matches!(seen[0].change, Change::Watched { watcher } if watcher.id == customer));
    // And staff see every event
    assert!(events.iter().all(|e| e.is_visible_to(Role::Agent)));
}

#[test]
fn replaying_the_history_rebuilds_the_watchers() {
    let desk = Desk::new();
    let mut driven = desk.opened();
    desk.run(&mut driven, &desk.admin, watch(desk.agent.id, Role::Agent))
        .unwrap();
    desk.run(
        &mut driven,
        &desk.admin,
        watch(ActorId::from_u128(150), Role::Requester),
    )
    .unwrap();
    desk.run(
        &mut driven,
        &desk.admin,
        Command::Unwatch {
            watcher: desk.agent.id,
        },
    )
    .unwrap();
    let replayed = Ticket::replay(driven.ticket.id(), &driven.history);
    assert_eq!(replayed, driven.ticket);
    let snapshot: Ticket =
        serde_json::from_value(serde_json::to_value(&driven.ticket).unwrap()).unwrap();
    assert_eq!(snapshot, driven.ticket);
}
