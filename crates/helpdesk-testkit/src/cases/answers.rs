//! Cases of what a desk answers on the store under test: every answer as
//! its actor may see it, command ids bound to their first use, targets
//! checked, and the contract's edges the desk relies on (appends without
//! events, history bounds, the order of due work).

use chrono::Duration;
use helpdesk_core::{
    Change, Command, DomainError, Link, LinkKind, Resolution, ResolutionCode, Visibility, Vouched,
};
use helpdesk_engine::store::{Append, DueTicket};
use helpdesk_engine::{CommandId, DeskError, Executed, Request, Reuse, Store};

use super::record;
use crate::{Fixture, reply};

/// Whether `executed` holds an internal note anywhere: in its ticket or
/// among its events.
fn holds_a_note(executed: &Executed) -> bool {
    let in_ticket = executed.ticket.as_ref().is_some_and(|t| {
        t.conversation()
            .into_iter()
            .any(|c| c.visibility == Visibility::Internal)
    });
    let in_events = executed
        .events
        .iter()
        .any(|e| matches!(e.event.change, Change::NoteAdded { .. }));
    in_ticket || in_events
}

/// What a command answers is what its actor may see: a requester's answer
/// (first or replayed) never holds an internal note; staff's do. A replay
/// of a command on a ticket that has since left the actor's reach answers
/// nothing of the ticket.
pub async fn answers_are_seen_as_the_actor_may<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let id = f.open("Printer jams").await;
    let note = Request::new(
        f.agent.clone(),
        id,
        Command::note(
            helpdesk_engine::new_comment_id(),
            "Requester's account is flagged",
        ),
    );
    let noted = f
        .desk
        .execute(note.clone())
        .await
        .unwrap_or_else(|e| panic!("note: {e}"));
    assert!(holds_a_note(&noted), "staff see the note they added");

    let answer = Request::new(f.requester.clone(), id, reply("Still jammed"));
    let first = f
        .desk
        .execute(answer.clone())
        .await
        .unwrap_or_else(|e| panic!("reply: {e}"));
    assert!(
        !holds_a_note(&first),
        "a requester's answer holds no internal note: {first:?}"
    );
    assert!(first.ticket.is_some(), "the requester sees their ticket");
    let again = f
        .desk
        .execute(answer)
        .await
        .unwrap_or_else(|e| panic!("retry: {e}"));
    assert!(again.replayed, "the retry is a replay");
    assert!(
        !holds_a_note(&again),
        "a requester's replay holds no internal note: {again:?}"
    );
    assert_eq!(
        again.events, first.events,
        "the replay answers the first events"
    );
    assert_eq!(
        again.version, first.version,
        "the replay answers the first version"
    );

    // A command the requester may not see the effect of: the agent moves
    // the ticket out of their own reach, and is answered without it.
    let away = f
        .desk
        .execute(Request::new(
            f.agent.clone(),
            id,
            Command::SetGroup {
                group: Some(f.other_group),
            },
        ))
        .await
        .unwrap_or_else(|e| panic!("set group: {e}"));
    assert!(
        away.ticket.is_none(),
        "an agent who moved the ticket out of reach is answered without it"
    );
    assert!(away.version > first.version, "the move was written");

    // The agent's earlier note, sent again now that the ticket is out of
    // their reach, is a replay that tells nothing of the ticket: not its
    // subject, not its notes, as it was then or is now.
    let late = f
        .desk
        .execute(note)
        .await
        .unwrap_or_else(|e| panic!("a retry of the note: {e}"));
    assert!(late.replayed, "the retry is a replay");
    assert!(
        late.ticket.is_none() && late.events.is_empty(),
        "a replay answers nothing of a ticket out of the actor's reach: {late:?}"
    );
    let told = format!("{late:?}");
    assert!(
        !told.contains("Printer jams") && !told.contains("flagged"),
        "a replay out of reach holds no text of the ticket: {told}"
    );
}

/// A command id is bound to its first use: sent again by another actor,
/// for another ticket or with another command it is refused with
/// [`DeskError::CommandIdReused`], writes nothing and tells nothing of
/// the first use; the same actor's honest retry answers the first result.
pub async fn command_ids_are_bound<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let id = f.open("VPN drops").await;
    let other = f.open("Printer jams").await;
    let first = Request::new(
        f.agent.clone(),
        id,
        Command::note(
            helpdesk_engine::new_comment_id(),
            "Secret: the VPN key is in the wiki",
        ),
    );
    f.desk
        .execute(first.clone())
        .await
        .unwrap_or_else(|e| panic!("note: {e}"));
    let before = f.history(id, 1).await;
    let reuse = |actor: &helpdesk_core::Actor, ticket, command| Request {
        id: first.id,
        ..Request::new(actor.clone(), ticket, command)
    };
    for (request, differs) in [
        (reuse(&f.requester, id, reply("Any news?")), Reuse::Actor),
        (reuse(&f.admin, id, first.command.clone()), Reuse::Actor),
        (reuse(&f.agent, other, first.command.clone()), Reuse::Ticket),
        (
            reuse(&f.agent, id, Command::Tag { tag: "vpn".into() }),
            Reuse::Content,
        ),
        (
            reuse(&f.agent, id, first.command.clone())
                .vouched(Vouched::new().organization("VIP Corp")),
            Reuse::Content,
        ),
    ] {
        match f.desk.execute(request.clone()).await {
            Err(DeskError::CommandIdReused {
                command,
                differs: d,
            }) => {
                assert_eq!((command, d), (first.id, differs), "{request:?}");
                let message = DeskError::CommandIdReused {
                    command,
                    differs: d,
                }
                .to_string();
                assert!(
                    !message.contains("Secret") && !message.contains(&id.to_string()),
                    "the refusal tells nothing of the first use: {message}"
                );
            }
            other => panic!(
                "a command id reused {differs} must be refused, got {other:?} for {request:?}"
            ),
        }
    }
    assert_eq!(
        f.history(id, 1).await,
        before,
        "a refused reuse writes nothing"
    );
    let retry = f
        .desk
        .execute(first)
        .await
        .unwrap_or_else(|e| panic!("an honest retry is answered: {e}"));
    assert!(
        retry.replayed && holds_a_note(&retry),
        "the honest retry replays the first result, note included for staff"
    );
}

/// A merge or a link names a ticket of the actor's tenant that they
/// reach; a missing ticket, another tenant's or one out of reach answers
/// the target not found, and nothing is written.
pub async fn targets_are_checked<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let id = f.open("Duplicate of something").await;
    let theirs = f
        .open_as(
            &f.foreign_admin.clone(),
            f.foreign_admin.id,
            "Another tenant's",
            None,
        )
        .await;
    let elsewhere = f
        .open_as(
            &f.admin.clone(),
            f.admin.id,
            "Out of reach",
            Some(f.other_group),
        )
        .await;
    let missing = helpdesk_engine::new_ticket_id();
    let before = f.history(id, 1).await;
    for target in [missing, theirs, elsewhere] {
        for command in [
            Command::Merge { into: target },
            Command::Link {
                link: Link {
                    kind: LinkKind::Related,
                    ticket: target,
                },
            },
        ] {
            let done = f
                .desk
                .execute(Request::new(f.agent.clone(), id, command.clone()))
                .await;
            assert!(
                matches!(done, Err(DeskError::Rejected(DomainError::NotFound { ticket })) if ticket == target),
                "{command:?} to a ticket the agent cannot reach must answer it not found, got {done:?}"
            );
        }
    }
    assert_eq!(f.history(id, 1).await, before, "nothing was written");
}

/// An append without events records its command and sets the row's due
/// instant to the one given, and nothing else: no event, no outbox
/// message, the same version. A scheduler relies on it to correct a due
/// instant that no event moved.
pub async fn appends_without_events_move_only_the_due_instant<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let id = f.open("Nothing to do").await;
    let ticket = f.load(id).await.unwrap_or_else(|| panic!("ticket {id}"));
    let version = ticket.version();
    let history = f.history(id, 1).await;
    let outbox = f
        .store()
        .pending_outbox(1_000)
        .await
        .unwrap_or_else(|e| panic!("outbox: {e}"));
    let stale = crate::start() - Duration::hours(1);
    let command = CommandId::new();
    let mut append = Append::new(
        f.tenant,
        record(&f, command, id, version, version),
        Vec::new(),
        ticket.clone(),
        f.desk.config(),
    );
    append.row.next_due = Some(stale);
    f.store()
        .append(append)
        .await
        .unwrap_or_else(|e| panic!("append: {e}"));
    assert_eq!(f.history(id, 1).await, history, "no event");
    assert_eq!(
        f.store()
            .pending_outbox(1_000)
            .await
            .unwrap_or_else(|e| panic!("outbox: {e}")),
        outbox,
        "no outbox message"
    );
    assert_eq!(
        f.load(id).await,
        Some(ticket),
        "the same ticket and version"
    );
    let recorded = f
        .store()
        .command(f.tenant, command)
        .await
        .unwrap_or_else(|e| panic!("command: {e}"));
    assert_eq!(
        recorded.map(|r| (r.from_version, r.to_version, r.actor)),
        Some((version, version, f.agent.id)),
        "the command is recorded with its actor"
    );
    let due = f
        .store()
        .due_before(crate::start(), None, 10)
        .await
        .unwrap_or_else(|e| panic!("due: {e}"));
    assert_eq!(
        due.iter().map(|d| (d.ticket, d.due)).collect::<Vec<_>>(),
        [(id, stale)],
        "the due instant is the one the append gave"
    );
}

/// History from 0 or 1 answers every event; from past the last version,
/// nothing.
pub async fn history_from_zero_and_past_the_end<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let id = f.open("History").await;
    let last = f.run(&f.agent, id, reply("One")).await;
    let all = f.history(id, 1).await;
    assert_eq!(
        all.len() as u64,
        last.version,
        "history from 1 is every event"
    );
    assert_eq!(f.history(id, 0).await, all, "history from 0 is all of it");
    assert_eq!(
        f.history(id, last.version).await.len(),
        1,
        "from the last version, its event"
    );
    assert!(
        f.history(id, last.version + 1).await.is_empty(),
        "past the end, nothing"
    );
    assert!(
        f.history(helpdesk_engine::new_ticket_id(), 0)
            .await
            .is_empty(),
        "a missing ticket has no history"
    );
}

/// `due_before` answers in (due instant, tenant, ticket) order and, given
/// a position, strictly after it, so a scheduler can page through every
/// due ticket; a desk's run gets past a crowd of tickets whose due instant
/// is stale (more than a page of them) and records the breach behind them.
pub async fn due_work_is_paged_past_stale_instants<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let due_one = f.open("Breaches at 10:00").await;
    let stale = crate::start() - Duration::hours(1);
    let resolve = || Command::Resolve {
        resolution: Resolution::new(ResolutionCode::Solved, "Done"),
        sub_status: None,
    };
    let mut crowd = Vec::new();
    for n in 0..300 {
        let id = f.open(&format!("Stale {n}")).await;
        let done = f.run(&f.agent, id, resolve()).await;
        let mut append = Append::new(
            f.tenant,
            record(&f, CommandId::new(), id, done.version, done.version),
            Vec::new(),
            done.ticket,
            f.desk.config(),
        );
        append.row.next_due = Some(stale);
        f.store()
            .append(append)
            .await
            .unwrap_or_else(|e| panic!("append: {e}"));
        crowd.push(id);
    }
    let now = crate::start() + Duration::hours(2);
    // Paging by position visits every due ticket once, in order.
    let mut seen: Vec<DueTicket> = Vec::new();
    let mut after = None;
    loop {
        let page = f
            .store()
            .due_before(now, after, 64)
            .await
            .unwrap_or_else(|e| panic!("due: {e}"));
        assert!(page.len() <= 64, "at most the limit");
        let Some(last) = page.last() else { break };
        after = Some(*last);
        seen.extend(page);
    }
    let keys: Vec<_> = seen.iter().map(DueTicket::order_key).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        keys, sorted,
        "due work in (due, tenant, ticket) order, each once"
    );
    assert_eq!(seen.len(), crowd.len() + 1, "every due ticket");
    assert_eq!(
        seen.last().map(|d| d.ticket),
        Some(due_one),
        "the ticket due latest comes last"
    );

    f.advance(Duration::hours(2));
    let report = f
        .desk
        .run_due(now)
        .await
        .unwrap_or_else(|e| panic!("run: {e}"));
    assert_eq!(report.failed, 0, "{:?}", report.errors);
    let breached = f
        .history(due_one, 1)
        .await
        .iter()
        .any(|e| matches!(e.event.change, Change::SlaBreached { .. }));
    assert!(
        breached,
        "one run records the breach behind the stale crowd"
    );
    let left = f
        .store()
        .due_before(now, None, 10)
        .await
        .unwrap_or_else(|e| panic!("due: {e}"));
    assert!(
        left.iter().all(|d| !crowd.contains(&d.ticket)),
        "the checks that found nothing due corrected the stale instants: {left:?}"
    );
}

/// A merge and a link are recorded on both tickets: the other ticket
/// records what was merged into it and the inverse link, each under a
/// command id derived from the request's, so a retry writes neither twice.
/// A command the other side refuses writes nothing on either, except a
/// link to a closed ticket, which changes no more: the link is kept on
/// this side only.
pub async fn merges_and_links_are_recorded_on_both_tickets<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let problem = f.open("Mail is down for everyone").await;
    let incident = f.open("Cannot send mail").await;
    let duplicate = f.open("Mail broken").await;
    let link = Request::new(
        f.agent.clone(),
        incident,
        Command::Link {
            link: Link {
                kind: LinkKind::Related,
                ticket: problem,
            },
        },
    );
    f.desk
        .execute(link.clone())
        .await
        .unwrap_or_else(|e| panic!("link: {e}"));
    let linked_back = f
        .load(problem)
        .await
        .is_some_and(|t| t.links().iter().any(|l| l.ticket == incident));
    assert!(linked_back, "the other ticket records the inverse link");
    let before = f.history(problem, 1).await;
    let again = f
        .desk
        .execute(link)
        .await
        .unwrap_or_else(|e| panic!("retry: {e}"));
    assert!(again.replayed, "the retry replays");
    assert_eq!(
        f.history(problem, 1).await,
        before,
        "a retried link writes nothing more on the other ticket"
    );

    let merge = Request::new(
        f.agent.clone(),
        duplicate,
        Command::Merge { into: incident },
    );
    f.desk
        .execute(merge)
        .await
        .unwrap_or_else(|e| panic!("merge: {e}"));
    let into = f
        .load(incident)
        .await
        .unwrap_or_else(|| panic!("ticket {incident}"));
    assert!(
        into.merged_from().contains(&duplicate),
        "the ticket merged into records what was merged into it"
    );

    // The merged ticket cannot take a merge: the other side refuses, and
    // nothing is written on either.
    let (before_a, before_b) = (f.history(problem, 1).await, f.history(duplicate, 1).await);
    let refused = f
        .desk
        .execute(Request::new(
            f.agent.clone(),
            problem,
            Command::Merge { into: duplicate },
        ))
        .await;
    assert!(
        refused.is_err(),
        "a merge into a merged ticket is refused, got {refused:?}"
    );
    assert_eq!(
        (f.history(problem, 1).await, f.history(duplicate, 1).await),
        (before_a, before_b),
        "a merge either side refuses writes nothing on either"
    );

    // A link to a closed ticket is kept on this side only; a merge into it
    // is refused.
    let closed = f.open("Mail was down last month").await;
    let resolve = Command::Resolve {
        resolution: Resolution::new(ResolutionCode::Solved, "Done"),
        sub_status: None,
    };
    f.run(&f.agent, closed, resolve).await;
    f.run(&f.agent, closed, Command::Close).await;
    let before = f.history(closed, 1).await;
    let follow_up = Command::Link {
        link: Link {
            kind: LinkKind::Related,
            ticket: closed,
        },
    };
    let linked = f.run(&f.agent, problem, follow_up).await;
    assert!(
        linked.ticket.links().iter().any(|l| l.ticket == closed),
        "the link to a closed ticket is kept on this side"
    );
    let merged = f
        .desk
        .execute(Request::new(
            f.agent.clone(),
            problem,
            Command::Merge { into: closed },
        ))
        .await;
    assert!(
        merged.is_err(),
        "a merge into a closed ticket is refused, got {merged:?}"
    );
    assert_eq!(
        f.history(closed, 1).await,
        before,
        "a closed ticket changes no more"
    );
}
