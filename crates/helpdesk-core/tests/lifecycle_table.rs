//! Every cell of the lifecycle table in `src/lifecycle.rs`: the documented
//! table, `lifecycle::transition` and what `decide` really does agree.
#![allow(clippy::unwrap_used)]

mod support;

use helpdesk_core::lifecycle::{Transition, transition};
use helpdesk_core::*;
use support::{Desk, doc_table, example};

fn category(name: &str) -> StatusCategory {
    StatusCategory::ALL
        .into_iter()
        .find(|c| c.as_str() == name)
        .unwrap_or_else(|| panic!("unknown status {name:?} in the table"))
}

fn command(name: &str) -> CommandKind {
    CommandKind::ALL
        .into_iter()
        .find(|c| c.as_str() == name)
        .unwrap_or_else(|| panic!("unknown command {name:?} in the table"))
}

/// The documented table, as `(command, status, cell)`.
fn documented() -> Vec<(CommandKind, StatusCategory, Transition)> {
    let (header, rows) = doc_table(include_str!("../src/lifecycle.rs"));
    let mut cells = Vec::new();
    for (name, row) in rows {
        assert_eq!(row.len(), header.len(), "row {name} has a cell per status");
        for (status, cell) in header.iter().zip(row) {
            let expected = match cell.as_str() {
                "✗" => Transition::Illegal,
                "target" => Transition::Target,
                c if c.starts_with('✓') => Transition::Stay,
                c => Transition::To(category(c)),
            };
            cells.push((command(&name), category(status), expected));
        }
    }
    cells
}

#[test]
fn the_table_covers_every_command_but_open_and_every_status() {
    let cells = documented();
    assert_eq!(
        cells.len(),
        (CommandKind::ALL.len() - 1) * StatusCategory::ALL.len()
    );
    for kind in CommandKind::ALL
        .into_iter()
        .filter(|k| *k != CommandKind::Open)
    {
        for status in StatusCategory::ALL {
            assert_eq!(
                cells
                    .iter()
                    .filter(|(k, s, _)| *k == kind && *s == status)
                    .count(),
                1,
                "{kind:?} in {status:?}"
            );
        }
    }
}

#[test]
fn transition_agrees_with_the_documented_table() {
    for (kind, status, expected) in documented() {
        assert_eq!(
            transition(kind, status),
            expected,
            "{} in {}",
            kind.as_str(),
            status
        );
    }
    for status in StatusCategory::ALL {
        assert_eq!(transition(CommandKind::Open, status), Transition::Illegal);
    }
}

/// Runs every command as the admin on a ticket in every status.
#[test]
fn decide_follows_the_table_in_every_cell() {
    let desk = Desk::new();
    for (kind, status, expected) in documented() {
        let mut driven = desk.in_status(status);
        if kind == CommandKind::Attach && expected != Transition::Illegal {
            // Files go on a comment of the actor's own.
            desk.run(&mut driven, &desk.admin, example(CommandKind::AddNote, 77))
                .unwrap();
        }
        let before = driven.ticket.clone();
        let result = desk.run(&mut driven, &desk.admin, example(kind, 77));
        let cell = format!("{} on a {} ticket", kind.as_str(), status);
        match expected {
            Transition::Illegal => {
                let err = result.unwrap_err();
                assert_eq!(
                    err,
                    DomainError::IllegalTransition {
                        command: kind,
                        status: before.status().clone()
                    },
                    "{cell}"
                );
                assert_eq!(
                    err.to_string(),
                    format!("cannot {} a ticket that is {}", kind.verb(), status)
                );
                assert_eq!(driven.ticket, before, "{cell}: nothing applied");
            }
            Transition::Stay => {
                result.unwrap_or_else(|e| panic!("{cell}: {e}"));
                // The reply and assign rules open a new ticket (notes 1 and 4).
                let moved = status == StatusCategory::New
                    && matches!(kind, CommandKind::Reply | CommandKind::Assign);
                let want = if moved { StatusCategory::Open } else { status };
                assert_eq!(driven.ticket.status().category, want, "{cell}");
            }
            Transition::To(to) => {
                result.unwrap_or_else(|e| panic!("{cell}: {e}"));
                assert_eq!(driven.ticket.status().category, to, "{cell}");
            }
            Transition::Target => {
                result.unwrap_or_else(|e| panic!("{cell}: {e}"));
                assert_eq!(
                    driven.ticket.status().category,
                    StatusCategory::OnHold,
                    "{cell}"
                );
            }
        }
    }
}

#[test]
fn open_applies_only_to_a_ticket_that_does_not_exist() {
    let desk = Desk::new();
    let mut driven = desk.opened();
    let err = desk
        .run(
            &mut driven,
            &desk.admin,
            Command::Open(NewTicket::new(desk.requester.id, "Again", "")),
        )
        .unwrap_err();
    assert_eq!(
        err,
        DomainError::AlreadyExists {
            ticket: driven.ticket.id()
        }
    );
    let blank = Ticket::new(TicketId::from_u128(5));
    let ctx = Context::new(&desk.admin, desk.t0, &desk.config);
    assert_eq!(
        decide(&blank, Command::Close, &ctx).unwrap_err(),
        DomainError::NotFound { ticket: blank.id() }
    );
}

#[test]
fn an_agent_reply_opens_a_new_ticket_but_a_system_reply_does_not() {
    let desk = Desk::new();
    let mut driven = desk.opened();
    desk.run(&mut driven, &desk.system, example(CommandKind::Reply, 1))
        .unwrap();
    assert_eq!(driven.ticket.status().category, StatusCategory::New);
    let events = desk
        .run(&mut driven, &desk.agent, example(CommandKind::Reply, 2))
        .unwrap();
    assert_eq!(driven.ticket.status().category, StatusCategory::Open);
    assert!(matches!(events[1].change, Change::StatusChanged { .. }));
}

#[test]
fn a_requester_reply_opens_a_pending_ticket_and_reopens_a_resolved_one() {
    let desk = Desk::new();
    let mut pending = desk.in_status(StatusCategory::Pending);
    desk.run(
        &mut pending,
        &desk.requester,
        example(CommandKind::Reply, 1),
    )
    .unwrap();
    assert_eq!(pending.ticket.status().category, StatusCategory::Open);

    let mut on_hold = desk.in_status(StatusCategory::OnHold);
    desk.run(
        &mut on_hold,
        &desk.requester,
        example(CommandKind::Reply, 1),
    )
    .unwrap();
    assert_eq!(
        on_hold.ticket.status().category,
        StatusCategory::OnHold,
        "still waiting on the third party"
    );

    let mut resolved = desk.in_status(StatusCategory::Resolved);
    let events = desk
        .run(
            &mut resolved,
            &desk.requester,
            example(CommandKind::Reply, 1),
        )
        .unwrap();
    assert_eq!(events.last().unwrap().change, Change::Reopened);
    assert_eq!(resolved.ticket.status().category, StatusCategory::Open);
    assert_eq!(resolved.ticket.resolution(), None);
}

#[test]
fn custom_sub_statuses_map_onto_their_category() {
    let desk = Desk::new();
    let mut driven = desk.opened();
    desk.run(
        &mut driven,
        &desk.agent,
        support::status(StatusTarget::Custom("awaiting_parts".into())),
    )
    .unwrap();
    assert_eq!(
        driven.ticket.status(),
        &Status::custom(StatusCategory::OnHold, "awaiting_parts")
    );
    assert_eq!(
        driven.ticket.status().to_string(),
        "on_hold (awaiting_parts)"
    );

    // Moving to the bare category clears the sub-status.
    desk.run(
        &mut driven,
        &desk.agent,
        support::status(StatusTarget::OnHold),
    )
    .unwrap();
    assert_eq!(
        driven.ticket.status(),
        &Status::from(StatusCategory::OnHold)
    );

    let err = desk
        .run(
            &mut driven,
            &desk.agent,
            support::status(StatusTarget::Custom("awaiting_prts".into())),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"status: unknown status "awaiting_prts" (did you mean "awaiting_parts"?)"#
    );
    let err = desk
        .run(
            &mut driven,
            &desk.agent,
            support::status(StatusTarget::Custom("workaround_given".into())),
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with(r#"status: status "workaround_given" belongs to resolved"#),
        "{err}"
    );

    desk.run(
        &mut driven,
        &desk.agent,
        Command::Resolve {
            resolution: Resolution::new(ResolutionCode::Workaround, "Use the web client."),
            sub_status: Some("workaround_given".into()),
        },
    )
    .unwrap();
    assert_eq!(
        driven.ticket.status(),
        &Status::custom(StatusCategory::Resolved, "workaround_given")
    );
    desk.run(&mut driven, &desk.requester, Command::Reopen)
        .unwrap();
    assert_eq!(driven.ticket.status(), &Status::from(StatusCategory::Open));
}

#[test]
fn a_command_that_changes_nothing_has_no_events() {
    let desk = Desk::new();
    let mut driven = desk.opened();
    desk.run(&mut driven, &desk.agent, example(CommandKind::Tag, 0))
        .unwrap();
    let version = driven.ticket.version();
    for kind in [
        CommandKind::Tag,
        CommandKind::RemoveAsset,
        CommandKind::Unassign,
        CommandKind::Unlink,
    ] {
        assert_eq!(
            desk.run(&mut driven, &desk.agent, example(kind, 0))
                .unwrap(),
            vec![],
            "{kind:?}"
        );
    }
    let same_group = Command::SetGroup {
        group: Some(desk.group),
    };
    assert_eq!(
        desk.run(&mut driven, &desk.agent, same_group).unwrap(),
        vec![]
    );
    let same_status = support::status(StatusTarget::Custom("in_progress".into()));
    assert_eq!(
        desk.run(&mut driven, &desk.agent, same_status.clone())
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        desk.run(&mut driven, &desk.agent, same_status).unwrap(),
        vec![]
    );
    assert_eq!(driven.ticket.version(), version + 1);
}

#[test]
fn merge_records_the_surviving_ticket() {
    let desk = Desk::new();
    let driven = desk.in_status(StatusCategory::Merged);
    assert_eq!(driven.ticket.merged_into(), Some(support::other_ticket()));
}
