//! Merges and links are recorded on both tickets: the command on one
//! ticket and its counterpart (`Command::counterpart`) on the other.
#![allow(clippy::unwrap_used)]

mod support;

use helpdesk_core::*;
use support::{Desk, Driven, other_ticket};

/// The desk's usual ticket (1000) and another one (2000), both incidents of
/// the requester in the desk's group.
fn two_tickets(desk: &Desk) -> (Driven, Driven) {
    (
        desk.opened(),
        open(desk, other_ticket(), TicketType::Incident),
    )
}

fn open(desk: &Desk, id: TicketId, ticket_type: TicketType) -> Driven {
    let mut driven = Driven {
        ticket: Ticket::new(id),
        history: vec![],
        clock: 0,
    };
    let new = NewTicket::new(desk.requester.id, "Mail bounces", "")
        .group(desk.group)
        .ticket_type(ticket_type);
    desk.run(&mut driven, &desk.admin, Command::Open(new))
        .unwrap();
    driven
}

/// Runs `command` on `source` and its counterpart on `target`, deciding
/// both before applying either, as an engine does.
fn both_sides(
    desk: &Desk,
    actor: &Actor,
    source: &mut Driven,
    target: &mut Driven,
    command: Command,
) -> Result<(Vec<Event>, Vec<Event>), DomainError> {
    let (id, counterpart) = command.counterpart(source.ticket.id()).unwrap();
    assert_eq!(id, target.ticket.id());
    let mut trial_source = source.clone();
    let mut trial_target = target.clone();
    let on_source = desk.run(&mut trial_source, actor, command)?;
    let on_target = desk.run(&mut trial_target, actor, counterpart)?;
    *source = trial_source;
    *target = trial_target;
    Ok((on_source, on_target))
}

fn replays(driven: &Driven) {
    assert_eq!(
        Ticket::replay(driven.ticket.id(), &driven.history),
        driven.ticket
    );
}

#[test]
fn a_merge_is_recorded_on_the_ticket_that_lives_on() {
    // Given two tickets about the same outage
    let desk = Desk::new();
    let (mut duplicate, mut survivor) = two_tickets(&desk);
    // When an agent merges one into the other
    let into = Command::Merge {
        into: survivor.ticket.id(),
    };
    let (_, on_target) =
        both_sides(&desk, &desk.agent, &mut duplicate, &mut survivor, into).unwrap();
    // Then the duplicate is merged, and the survivor records where it came from
    assert_eq!(duplicate.ticket.status().category, StatusCategory::Merged);
    assert_eq!(duplicate.ticket.merged_into(), Some(survivor.ticket.id()));
    assert_eq!(
        on_target.iter().map(|e| &e.change).collect::<Vec<_>>(),
        [&Change::MergedFrom {
            from: duplicate.ticket.id()
        }]
    );
    assert_eq!(
        survivor.ticket.merged_from().iter().collect::<Vec<_>>(),
        [&duplicate.ticket.id()]
    );
    assert_eq!(survivor.ticket.status().category, StatusCategory::New);
    // And the requester sees it in the survivor's history
    assert!(on_target[0].is_visible_to(Role::Requester));
    assert_eq!(
        on_target[0].change.to_string(),
        format!("{} merged into this ticket", duplicate.ticket.id())
    );
    replays(&duplicate);
    replays(&survivor);
}

#[test]
fn accepting_the_same_merge_again_records_nothing() {
    let desk = Desk::new();
    let (_, mut survivor) = two_tickets(&desk);
    let accept = Command::AcceptMerge {
        from: TicketId::from_u128(1000),
    };
    assert_eq!(
        desk.run(&mut survivor, &desk.system, accept.clone())
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        desk.run(&mut survivor, &desk.system, accept).unwrap(),
        vec![]
    );
    assert_eq!(survivor.ticket.merged_from().len(), 1);
}

#[test]
fn a_ticket_is_not_merged_into_itself_nor_into_a_terminal_one() {
    let desk = Desk::new();
    let (_, mut survivor) = two_tickets(&desk);
    let err = desk
        .run(
            &mut survivor,
            &desk.system,
            Command::AcceptMerge {
                from: other_ticket(),
            },
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "from: a ticket cannot be merged into itself"
    );

    // Given a closed ticket
    let mut closed = desk.in_status(StatusCategory::Closed);
    let mut duplicate = open(&desk, other_ticket(), TicketType::Incident);
    // When another ticket is merged into it
    let into = Command::Merge {
        into: closed.ticket.id(),
    };
    let before = duplicate.ticket.clone();
    let err = both_sides(&desk, &desk.agent, &mut duplicate, &mut closed, into).unwrap_err();
    // Then the target refuses, and neither side changes
    assert_eq!(
        err.to_string(),
        "cannot merge another ticket into a ticket that is closed"
    );
    assert_eq!(duplicate.ticket, before);
}

#[test]
fn only_staff_who_reach_the_target_merge_into_it() {
    let desk = Desk::new();
    let (_, mut survivor) = two_tickets(&desk);
    let accept = Command::AcceptMerge {
        from: TicketId::from_u128(1000),
    };
    // A requester never merges, not even into their own ticket
    let err = desk
        .run(&mut survivor, &desk.requester, accept.clone())
        .unwrap_err();
    assert!(
        matches!(
            err,
            DomainError::Forbidden {
                command: CommandKind::AcceptMerge,
                role: Role::Requester,
                ..
            }
        ),
        "{err}"
    );
    // An agent of another group does not see the target at all
    let err = desk
        .run(&mut survivor, &desk.other_agent, accept.clone())
        .unwrap_err();
    assert_eq!(
        err,
        DomainError::NotFound {
            ticket: other_ticket()
        }
    );
    // Another tenant's admin neither
    assert!(matches!(
        desk.run(&mut survivor, &desk.foreign_admin, accept),
        Err(DomainError::NotFound { .. })
    ));
    assert!(survivor.ticket.merged_from().is_empty());
}

#[test]
fn a_ticket_takes_no_more_merged_tickets_than_max_links() {
    let mut desk = Desk::new();
    desk.config.limits.max_links = 2;
    let (_, mut survivor) = two_tickets(&desk);
    let accept = |from| Command::AcceptMerge {
        from: TicketId::from_u128(from),
    };
    for from in [1, 2] {
        desk.run(&mut survivor, &desk.system, accept(from)).unwrap();
    }
    let err = desk
        .run(&mut survivor, &desk.system, accept(3))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "from: a ticket may have at most 2 tickets merged into it"
    );
    // Accepting one already merged is still fine: it records nothing.
    assert_eq!(
        desk.run(&mut survivor, &desk.system, accept(1)).unwrap(),
        vec![]
    );
}

#[test]
fn a_link_is_mirrored_on_the_linked_ticket() {
    // Given an incident and the problem behind it
    let desk = Desk::new();
    let mut incident = desk.opened();
    let mut problem = open(&desk, other_ticket(), TicketType::Problem);
    // When the incident is linked to its problem
    let link = Command::Link {
        link: Link {
            kind: LinkKind::Problem,
            ticket: problem.ticket.id(),
        },
    };
    both_sides(
        &desk,
        &desk.agent,
        &mut incident,
        &mut problem,
        link.clone(),
    )
    .unwrap();
    // Then each records the other, from its own side
    assert!(incident.ticket.links().contains(&Link {
        kind: LinkKind::Problem,
        ticket: problem.ticket.id()
    }));
    assert!(problem.ticket.links().contains(&Link {
        kind: LinkKind::Incident,
        ticket: incident.ticket.id()
    }));
    // And linking again records nothing on either side
    let (a, b) = both_sides(&desk, &desk.agent, &mut incident, &mut problem, link).unwrap();
    assert_eq!((a, b), (vec![], vec![]));
    // When they are unlinked, both links go
    let unlink = Command::Unlink {
        link: Link {
            kind: LinkKind::Problem,
            ticket: problem.ticket.id(),
        },
    };
    both_sides(&desk, &desk.agent, &mut incident, &mut problem, unlink).unwrap();
    assert!(incident.ticket.links().is_empty());
    assert!(problem.ticket.links().is_empty());
    replays(&incident);
    replays(&problem);
}

#[test]
fn the_linked_ticket_checks_its_side_of_the_link() {
    // Given two incidents
    let desk = Desk::new();
    let (mut incident, mut other) = two_tickets(&desk);
    // When one names the other as its problem
    let link = Command::Link {
        link: Link {
            kind: LinkKind::Problem,
            ticket: other.ticket.id(),
        },
    };
    let before = incident.ticket.clone();
    let err = both_sides(&desk, &desk.agent, &mut incident, &mut other, link).unwrap_err();
    // Then the other side refuses: only a problem has incidents
    assert_eq!(
        err.to_string(),
        "link.kind: only a ticket of type problem can have a incident link; this one is incident"
    );
    assert_eq!(incident.ticket, before);

    // And a ticket with a parent cannot become another's child
    let mut parent = open(&desk, TicketId::from_u128(3000), TicketType::Incident);
    let adopt = Command::Link {
        link: Link {
            kind: LinkKind::Parent,
            ticket: parent.ticket.id(),
        },
    };
    both_sides(&desk, &desk.agent, &mut other, &mut parent, adopt).unwrap();
    let child = Command::Link {
        link: Link {
            kind: LinkKind::Child,
            ticket: other.ticket.id(),
        },
    };
    let err = both_sides(&desk, &desk.agent, &mut incident, &mut other, child).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("link.kind: the ticket already has a parent"),
        "{err}"
    );
}
