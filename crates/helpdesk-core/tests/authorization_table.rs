//! Every cell of the authorization table in `src/authorization.rs`: the
//! documented table, `authorization::scope` and what `decide` really does
//! agree, for tickets inside and outside each actor's reach.
#![allow(clippy::unwrap_used)]

mod support;

use helpdesk_core::authorization::{Scope, scope};
use helpdesk_core::*;
use support::{Desk, Driven, doc_table, example};

fn documented() -> Vec<(CommandKind, Role, Scope)> {
    let (header, rows) = doc_table(include_str!("../src/authorization.rs"));
    let roles: Vec<Role> = header
        .iter()
        .map(|name| Role::ALL.into_iter().find(|r| r.as_str() == name).unwrap())
        .collect();
    let mut cells = Vec::new();
    for (name, row) in rows {
        let kind = CommandKind::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .unwrap();
        for (role, cell) in roles.iter().zip(row) {
            let cell = cell.trim_end_matches(['¹', '²', '³', '⁴', '⁵']);
            let expected = match cell {
                "own" => Scope::Own,
                "group" => Scope::Group,
                "tenant" => Scope::Tenant,
                "✗" => Scope::Never,
                other => panic!("unknown cell {other:?}"),
            };
            cells.push((kind, *role, expected));
        }
    }
    cells
}

#[test]
fn the_table_covers_every_command_and_role() {
    assert_eq!(documented().len(), CommandKind::ALL.len() * Role::ALL.len());
}

#[test]
fn scope_agrees_with_the_documented_table() {
    for (kind, role, expected) in documented() {
        assert_eq!(scope(kind, role), expected, "{} by {role}", kind.as_str());
    }
}

/// A ticket in which `kind` is legal by the lifecycle.
fn ticket_for(desk: &Desk, kind: CommandKind) -> Driven {
    match kind {
        CommandKind::Reopen | CommandKind::Close => desk.in_status(StatusCategory::Resolved),
        _ => desk.in_status(StatusCategory::Open),
    }
}

/// The same ticket moved out of the desk's group, or opened by another
/// requester: outside the reach of the requester, agent and supervisor.
fn out_of_reach(desk: &Desk, kind: CommandKind, role: Role) -> Driven {
    let mut driven = ticket_for(desk, kind);
    if role == Role::Requester {
        let mut other = Driven {
            ticket: Ticket::new(TicketId::from_u128(3000)),
            history: vec![],
            clock: 0,
        };
        let new = NewTicket::new(desk.other_requester.id, "Not yours", "").group(desk.group);
        desk.run(&mut other, &desk.admin, Command::Open(new))
            .unwrap();
        if matches!(kind, CommandKind::Reopen | CommandKind::Close) {
            desk.run(&mut other, &desk.admin, support::resolve())
                .unwrap();
        }
        return other;
    }
    desk.run(
        &mut driven,
        &desk.admin,
        Command::SetGroup {
            group: Some(desk.other_group),
        },
    )
    .unwrap();
    driven
}

#[test]
fn decide_enforces_every_cell_on_tickets_in_and_out_of_reach() {
    let desk = Desk::new();
    for (kind, role, expected) in documented() {
        if kind == CommandKind::Open {
            continue;
        }
        let actor = desk.actor(role);
        let cell = format!("{} by {role}", kind.as_str());

        // In reach: the requester's own ticket, in the agent's group.
        let mut driven = ticket_for(&desk, kind);
        if kind == CommandKind::Attach && expected != Scope::Never {
            // Files go on a comment of the actor's own.
            desk.run(&mut driven, actor, example(CommandKind::Reply, 91))
                .unwrap();
        }
        let before = driven.ticket.clone();
        let result = desk.run(&mut driven, actor, example(kind, 91));
        match expected {
            Scope::Never => {
                let err = result.unwrap_err();
                assert!(
                    matches!(err, DomainError::Forbidden { command, role: r, .. } if command == kind && r == role),
                    "{cell}: {err}"
                );
                assert_eq!(driven.ticket, before, "{cell}: nothing applied");
            }
            _ => {
                result.unwrap_or_else(|e| panic!("{cell}: {e}"));
            }
        }

        // Out of reach: another requester's ticket, another group's ticket.
        let mut driven = out_of_reach(&desk, kind, role);
        if kind == CommandKind::Attach && expected == Scope::Tenant {
            desk.run(&mut driven, actor, example(CommandKind::Reply, 92))
                .unwrap();
        }
        let result = desk.run(&mut driven, actor, example(kind, 92));
        match expected {
            Scope::Own | Scope::Group => assert_eq!(
                result.unwrap_err(),
                DomainError::NotFound {
                    ticket: driven.ticket.id()
                },
                "{cell} out of reach"
            ),
            Scope::Tenant => {
                result.unwrap_or_else(|e| panic!("{cell} anywhere in the tenant: {e}"));
            }
            Scope::Never => assert!(result.is_err(), "{cell} out of reach"),
        }

        // Another tenant's admin never even sees it.
        let mut driven = ticket_for(&desk, kind);
        assert_eq!(
            desk.run(&mut driven, &desk.foreign_admin, example(kind, 93))
                .unwrap_err(),
            DomainError::NotFound {
                ticket: driven.ticket.id()
            },
            "{cell} from another tenant"
        );
    }
}

#[test]
fn agents_reach_tickets_in_no_group_and_tickets_assigned_to_them() {
    let desk = Desk::new();
    let mut driven = desk.opened();
    desk.run(&mut driven, &desk.admin, Command::SetGroup { group: None })
        .unwrap();
    desk.run(
        &mut driven,
        &desk.other_agent,
        example(CommandKind::AddNote, 1),
    )
    .unwrap();

    desk.run(
        &mut driven,
        &desk.admin,
        Command::SetGroup {
            group: Some(GroupId::from_u128(99)),
        },
    )
    .unwrap();
    let err = desk
        .run(
            &mut driven,
            &desk.other_agent,
            example(CommandKind::AddNote, 2),
        )
        .unwrap_err();
    assert!(matches!(err, DomainError::NotFound { .. }));
    desk.run(
        &mut driven,
        &desk.admin,
        Command::Assign {
            assignee: desk.other_agent.id,
        },
    )
    .unwrap();
    desk.run(
        &mut driven,
        &desk.other_agent,
        example(CommandKind::AddNote, 3),
    )
    .unwrap();
}

#[test]
fn requesters_open_only_for_themselves_and_never_triage() {
    let desk = Desk::new();
    let ctx = Context::new(&desk.requester, desk.t0, &desk.config);
    let blank = Ticket::new(TicketId::from_u128(4000));
    let mine = NewTicket::new(desk.requester.id, "Cannot log in", "");
    assert_eq!(
        decide(&blank, Command::Open(mine.clone()), &ctx)
            .unwrap()
            .len(),
        1
    );

    let for_someone_else = NewTicket::new(desk.other_requester.id, "Cannot log in", "");
    let err = decide(&blank, Command::Open(for_someone_else), &ctx).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a requester may not open this ticket: a requester opens tickets only for themselves"
    );

    for (new, field) in [
        (mine.clone().group(desk.group), "group"),
        (mine.clone().impact(Impact::High), "impact"),
        (mine.clone().urgency(Urgency::High), "urgency"),
        (mine.clone().tag("vip"), "tags"),
    ] {
        let err = decide(&blank, Command::Open(new), &ctx).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "a requester may not open this ticket: a requester may not set the {field}; the help desk triages new tickets"
            )
        );
    }
    let with_editable = mine
        .clone()
        .field("phone", FieldValue::Text("+1 555".into()));
    assert!(decide(&blank, Command::Open(with_editable), &ctx).is_ok());
    let with_internal = mine.field("site", FieldValue::Choice("nyc".into()));
    let err = decide(&blank, Command::Open(with_internal), &ctx).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"a requester may not open this ticket: field "site" is not requester_editable"#
    );
}

#[test]
fn requesters_set_only_requester_editable_fields() {
    let desk = Desk::new();
    let mut driven = desk.opened();
    let site = Command::SetField {
        key: "site".into(),
        value: Some(FieldValue::Choice("nyc".into())),
    };
    let err = desk
        .run(&mut driven, &desk.requester, site.clone())
        .unwrap_err();
    assert!(matches!(err, DomainError::Forbidden { .. }), "{err}");
    desk.run(&mut driven, &desk.agent, site).unwrap();
}

#[test]
fn agents_open_tickets_only_in_their_groups() {
    let desk = Desk::new();
    let ctx = Context::new(&desk.agent, desk.t0, &desk.config);
    let blank = Ticket::new(TicketId::from_u128(4001));
    let new = NewTicket::new(desk.requester.id, "Phone call: printer", "");
    assert!(decide(&blank, Command::Open(new.clone().group(desk.group)), &ctx).is_ok());
    assert!(decide(&blank, Command::Open(new.clone()), &ctx).is_ok());
    let err = decide(&blank, Command::Open(new.group(desk.other_group)), &ctx).unwrap_err();
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
}

#[test]
fn tickets_are_created_in_the_actors_tenant() {
    let desk = Desk::new();
    let driven = desk.opened();
    assert_eq!(driven.ticket.tenant(), desk.tenant);
    assert!(driven.ticket.view_for(&desk.foreign_admin).is_none());
}

#[test]
fn requester_views_and_histories_hold_no_internal_notes() {
    let desk = Desk::new();
    let mut driven = desk.opened();
    desk.run(&mut driven, &desk.agent, example(CommandKind::AddNote, 1))
        .unwrap();
    desk.run(&mut driven, &desk.agent, example(CommandKind::Reply, 2))
        .unwrap();
    assert_eq!(driven.ticket.conversation().len(), 2);
    let view = driven.ticket.view_for(&desk.requester).unwrap();
    assert_eq!(view.conversation().len(), 1);
    assert!(
        view.conversation()
            .all(|c| c.visibility == Visibility::Public)
    );
    assert_eq!(
        driven
            .ticket
            .view_for(&desk.agent)
            .unwrap()
            .conversation()
            .len(),
        2
    );
    let visible = driven
        .history
        .iter()
        .filter(|e| e.is_visible_to(Role::Requester))
        .count();
    assert_eq!(visible, driven.history.len() - 1);
}
