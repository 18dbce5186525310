//! Priority from the impact x urgency matrix, and manual overrides.
#![allow(clippy::unwrap_used)]

mod support;

use helpdesk_core::*;
use support::Desk;

#[test]
fn the_default_matrix_is_the_itil_one() {
    use Impact as I;
    use Priority::*;
    use Urgency as U;
    let m = PriorityMatrix::default();
    let expected = [
        (I::High, U::High, P1),
        (I::High, U::Medium, P2),
        (I::High, U::Low, P3),
        (I::Medium, U::High, P2),
        (I::Medium, U::Medium, P3),
        (I::Medium, U::Low, P4),
        (I::Low, U::High, P3),
        (I::Low, U::Medium, P4),
        (I::Low, U::Low, P5),
    ];
    for (impact, urgency, priority) in expected {
        assert_eq!(
            m.priority(impact, urgency),
            priority,
            "{impact:?} x {urgency:?}"
        );
    }
}

#[test]
fn a_configured_matrix_decides_the_priority_of_new_tickets() {
    let mut desk = Desk::new();
    desk.config.priority_matrix =
        PriorityMatrix::new([[Priority::P1; 3], [Priority::P2; 3], [Priority::P4; 3]]);
    let blank = Ticket::new(TicketId::from_u128(1));
    let ctx = Context::new(&desk.admin, desk.t0, &desk.config);
    let new = NewTicket::new(desk.requester.id, "Slow", "")
        .impact(Impact::Low)
        .urgency(Urgency::High);
    let ticket = Ticket::replay(
        blank.id(),
        &decide(&blank, Command::Open(new), &ctx).unwrap(),
    );
    assert_eq!(ticket.priority(), Priority::P4);
}

#[test]
fn reassessing_impact_and_urgency_moves_the_priority() {
    let desk = Desk::new();
    let mut driven = desk.opened();
    assert_eq!(driven.ticket.priority(), Priority::P3);
    let events = desk
        .run(
            &mut driven,
            &desk.agent,
            Command::SetImpactUrgency {
                impact: Impact::High,
                urgency: Urgency::Medium,
            },
        )
        .unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[1].change,
        Change::PriorityChanged {
            from: Priority::P3,
            to: Priority::P2,
            reason: PriorityReason::Matrix
        }
    );
    // Same priority from another cell: only the assessment is recorded.
    let events = desk
        .run(
            &mut driven,
            &desk.agent,
            Command::SetImpactUrgency {
                impact: Impact::Medium,
                urgency: Urgency::High,
            },
        )
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(driven.ticket.priority(), Priority::P2);
}

#[test]
fn an_override_is_recorded_and_sticks_until_cleared() {
    let desk = Desk::new();
    let mut driven = desk.opened();
    let events = desk
        .run(
            &mut driven,
            &desk.supervisor,
            Command::OverridePriority {
                priority: Some(Priority::P1),
                reason: "Trading floor".into(),
            },
        )
        .unwrap();
    assert_eq!(
        events[0].change,
        Change::PriorityChanged {
            from: Priority::P3,
            to: Priority::P1,
            reason: PriorityReason::Override {
                reason: "Trading floor".into()
            }
        }
    );
    assert_eq!(
        events[0].by,
        desk.supervisor.as_ref(),
        "who overrode it is on record"
    );
    assert!(driven.ticket.priority_overridden());

    desk.run(
        &mut driven,
        &desk.agent,
        Command::SetImpactUrgency {
            impact: Impact::Low,
            urgency: Urgency::Low,
        },
    )
    .unwrap();
    assert_eq!(
        driven.ticket.priority(),
        Priority::P1,
        "the matrix does not undo an override"
    );

    let err = desk
        .run(
            &mut driven,
            &desk.agent,
            Command::OverridePriority {
                priority: None,
                reason: String::new(),
            },
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            DomainError::Forbidden {
                role: Role::Agent,
                ..
            }
        ),
        "{err}"
    );

    let events = desk
        .run(
            &mut driven,
            &desk.admin,
            Command::OverridePriority {
                priority: None,
                reason: String::new(),
            },
        )
        .unwrap();
    assert_eq!(
        events[0].change,
        Change::PriorityChanged {
            from: Priority::P1,
            to: Priority::P5,
            reason: PriorityReason::OverrideCleared
        }
    );
    assert!(!driven.ticket.priority_overridden());
    assert_eq!(
        Ticket::replay(driven.ticket.id(), &driven.history),
        driven.ticket
    );
}

#[test]
fn overriding_to_the_current_priority_pins_it() {
    let desk = Desk::new();
    let mut driven = desk.opened();
    let pin = Command::OverridePriority {
        priority: Some(Priority::P3),
        reason: "Keep it".into(),
    };
    assert_eq!(
        desk.run(&mut driven, &desk.admin, pin.clone())
            .unwrap()
            .len(),
        1
    );
    assert!(driven.ticket.priority_overridden());
    assert_eq!(desk.run(&mut driven, &desk.admin, pin).unwrap(), vec![]);
}
