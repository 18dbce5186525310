//! Cases of the outbox's delivery promises: claims with leases, outcomes,
//! the order per ticket, dead letters.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use helpdesk_core::{Command, NewTicket, TicketId};
use helpdesk_engine::Store;
use helpdesk_engine::store::{Claimed, Outcome};

use crate::{Fixture, reply};

/// The positions of `claimed`.
fn positions(claimed: &[Claimed]) -> Vec<u64> {
    claimed.iter().map(|c| c.position).collect()
}

/// `store.claim_outbox`, panicking with the error.
async fn claim<S: Store>(store: &S, holder: &str, now: DateTime<Utc>, limit: u32) -> Vec<Claimed> {
    store
        .claim_outbox(holder, now, Duration::seconds(30), limit)
        .await
        .unwrap_or_else(|e| panic!("claim by {holder}: {e}"))
}

/// `store.settle_outbox`, panicking with the error.
async fn settle<S: Store>(
    store: &S,
    holder: &str,
    position: u64,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> bool {
    store
        .settle_outbox(holder, position, outcome, now)
        .await
        .unwrap_or_else(|e| panic!("settle by {holder}: {e}"))
}

/// Claims lease messages to one holder at a time, oldest first, across
/// tenants, each with its tenant; a lease that expired lets another holder
/// claim; only the holder settles; delivered messages leave the outbox;
/// a retry waits for its instant and holds back its ticket's later
/// messages; dead letters are listed and revived.
pub async fn outbox_messages_are_claimed_settled_and_revived<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let mine = f.open("Keyboard missing keys").await;
    let foreign = f.foreign_admin.clone();
    let theirs = helpdesk_engine::new_ticket_id();
    f.run(
        &foreign,
        theirs,
        Command::Open(NewTicket::new(foreign.id, "Mouse double-clicks", "")),
    )
    .await;
    f.run(&f.agent, mine, reply("Replacement ordered.")).await;
    let pending = f
        .store()
        .pending_outbox(1_000)
        .await
        .unwrap_or_else(|e| panic!("pending: {e}"));
    let t0 = crate::start();

    // One holder claims everything, oldest first, each with its tenant.
    let first = claim(f.store(), "host-a", t0, 1_000).await;
    assert_eq!(
        first.iter().map(|c| c.message.clone()).collect::<Vec<_>>(),
        pending,
        "a claim takes the pending messages oldest first, whatever their tenant"
    );
    let mut sorted = positions(&first);
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(
        sorted,
        positions(&first),
        "positions rise in outbox order, each once"
    );
    assert!(
        first
            .iter()
            .all(|c| c.attempts == 0 && c.last_error.is_none()),
        "nothing was attempted yet"
    );
    assert!(
        first.iter().any(|c| c.message.tenant == f.other_tenant)
            && first.iter().any(|c| c.message.tenant == f.tenant),
        "claims cross tenants, each message with its own tenant"
    );
    assert!(
        claim(f.store(), "host-b", t0 + Duration::seconds(29), 1_000)
            .await
            .is_empty(),
        "no other holder claims a message while its lease holds"
    );

    // The lease expires: another holder claims, and only they settle.
    let later = t0 + Duration::seconds(31);
    let second = claim(f.store(), "host-b", later, 1_000).await;
    assert_eq!(
        positions(&second),
        positions(&first),
        "expired leases are claimed again"
    );
    let (a, b) = (second[0].position, second[1].position);
    assert!(
        !settle(f.store(), "host-a", a, Outcome::Delivered, later).await,
        "a holder whose lease was taken over settles nothing"
    );
    assert!(settle(f.store(), "host-b", a, Outcome::Delivered, later).await);
    assert!(
        !settle(f.store(), "host-b", a, Outcome::Delivered, later).await,
        "a delivered message is settled once"
    );
    let left = f
        .store()
        .pending_outbox(1_000)
        .await
        .unwrap_or_else(|e| panic!("pending: {e}"));
    assert_eq!(
        left.len(),
        pending.len() - 1,
        "a delivered message leaves the outbox"
    );

    // A retry waits for its instant, and its ticket's later messages wait
    // for it.
    let retry_at = later + Duration::minutes(5);
    let outcome = Outcome::Retry {
        at: retry_at,
        error: "503 Service Unavailable".into(),
    };
    assert!(settle(f.store(), "host-b", b, outcome, later).await);
    for c in &second[2..] {
        assert!(
            settle(
                f.store(),
                "host-b",
                c.position,
                Outcome::Retry {
                    at: later,
                    error: "timeout".into()
                },
                later
            )
            .await
        );
    }
    let b_ticket = second[1].message.ticket;
    let before_retry = claim(f.store(), "host-c", later + Duration::minutes(1), 1_000).await;
    assert!(
        before_retry.iter().all(|c| c.message.ticket != b_ticket),
        "no message of a ticket is claimed while an earlier one waits for its retry: {:?}",
        positions(&before_retry)
    );
    assert!(
        before_retry
            .iter()
            .all(|c| c.attempts == 1 && c.last_error.as_deref() == Some("timeout")),
        "a claim tells the attempts so far and the last error"
    );
    let after_retry = claim(f.store(), "host-d", retry_at, 1_000).await;
    let retried = after_retry.iter().find(|c| c.position == b);
    assert_eq!(
        retried.map(|c| (c.attempts, c.last_error.clone())),
        Some((1, Some("503 Service Unavailable".to_owned()))),
        "a retried message is claimable from its instant"
    );

    // A message released without an attempt waits for its instant and
    // keeps its count of attempts.
    let released = after_retry[0].clone();
    let back_at = retry_at + Duration::minutes(1);
    assert!(
        settle(
            f.store(),
            "host-d",
            released.position,
            Outcome::Released { at: back_at },
            retry_at
        )
        .await
    );
    assert!(
        claim(f.store(), "host-r", retry_at + Duration::seconds(59), 1_000)
            .await
            .iter()
            .all(|c| c.position != released.position),
        "a released message is not claimable before its instant"
    );
    let back = claim(f.store(), "host-d", back_at, 1_000).await;
    assert_eq!(
        back.iter()
            .find(|c| c.position == released.position)
            .map(|c| (c.attempts, c.last_error.clone())),
        Some((released.attempts, released.last_error.clone())),
        "a release counts no attempt and keeps the last error"
    );
    let after_retry = back;
    let retry_at = back_at;

    // Dead letters: listed with their error, never claimed, revived once.
    let dead = after_retry[0].position;
    let outcome = Outcome::Dead {
        error: "410 Gone".into(),
    };
    assert!(settle(f.store(), "host-d", dead, outcome, retry_at).await);
    let (owner, stranger) = if after_retry[0].message.tenant == f.tenant {
        (f.tenant, f.other_tenant)
    } else {
        (f.other_tenant, f.tenant)
    };
    let letters = f
        .store()
        .dead_letters(owner, None, 10)
        .await
        .unwrap_or_else(|e| panic!("dead letters: {e}"));
    assert_eq!(
        letters
            .iter()
            .map(|d| (d.position, d.last_error.as_str(), d.died_at))
            .collect::<Vec<_>>(),
        [(dead, "410 Gone", retry_at)],
        "a message given up is a dead letter with its error"
    );
    assert_eq!(letters[0].message, after_retry[0].message);
    assert!(
        f.store()
            .dead_letters(stranger, None, 10)
            .await
            .unwrap_or_else(|e| panic!("dead letters: {e}"))
            .is_empty(),
        "another tenant's dead letters are never listed"
    );
    assert!(
        f.store()
            .dead_letters(owner, Some(dead), 10)
            .await
            .unwrap_or_else(|e| panic!("dead letters: {e}"))
            .is_empty(),
        "dead letters page after a position"
    );
    let much_later = retry_at + Duration::hours(1);
    assert!(
        claim(f.store(), "host-e", much_later, 1_000)
            .await
            .iter()
            .all(|c| c.position != dead),
        "a dead letter is never claimed"
    );
    assert!(
        !f.store()
            .revive_dead_letter(stranger, dead, much_later)
            .await
            .unwrap_or_else(|e| panic!("revive: {e}")),
        "another tenant's dead letter is not revived"
    );
    assert_eq!(
        f.store()
            .dead_letters(owner, None, 10)
            .await
            .unwrap_or_else(|e| panic!("dead letters: {e}"))
            .len(),
        1,
        "a dead letter another tenant tried to revive stays dead"
    );
    let revived = f
        .store()
        .revive_dead_letter(owner, dead, much_later)
        .await
        .unwrap_or_else(|e| panic!("revive: {e}"));
    assert!(revived, "a dead letter is revived");
    assert!(
        !f.store()
            .revive_dead_letter(owner, dead, much_later)
            .await
            .unwrap_or_else(|e| panic!("revive: {e}")),
        "only a dead letter is revived"
    );
    let again = claim(
        f.store(),
        "host-f",
        much_later + Duration::minutes(1),
        1_000,
    )
    .await;
    assert!(
        again.iter().any(|c| c.position == dead),
        "a revived letter is claimable again"
    );
}

/// Two holders claiming at once share the messages: none is claimed by
/// both, and together they claim every one.
pub async fn two_claimers_share_the_outbox<S: Store + 'static>(store: S) {
    let f = Fixture::new(store);
    let mut tickets: Vec<TicketId> = Vec::new();
    for n in 0..12 {
        tickets.push(f.open(&format!("Ticket {n}")).await);
    }
    let total = f
        .store()
        .pending_outbox(1_000)
        .await
        .unwrap_or_else(|e| panic!("pending: {e}"))
        .len();
    let now = crate::start();
    let store = f.store();
    let limit = u32::try_from(total / 2 + 1).unwrap_or(u32::MAX);
    let (a, b) = tokio::join!(
        store.claim_outbox("host-a", now, Duration::seconds(30), limit),
        store.claim_outbox("host-b", now, Duration::seconds(30), limit),
    );
    let (a, b) = (
        a.unwrap_or_else(|e| panic!("claim: {e}")),
        b.unwrap_or_else(|e| panic!("claim: {e}")),
    );
    assert!(
        a.len() <= limit as usize && b.len() <= limit as usize,
        "each claims at most its limit"
    );
    let (pa, pb): (BTreeSet<u64>, BTreeSet<u64>) = (
        positions(&a).into_iter().collect(),
        positions(&b).into_iter().collect(),
    );
    assert!(pa.is_disjoint(&pb), "no message is claimed by two holders");
    assert!(
        claim(f.store(), "host-c", now, 1_000).await.is_empty(),
        "while both hold their claims, a third holder gets no message of their tickets"
    );
    // Once both have delivered, a third holder claims what is left: every
    // message is claimed by exactly one holder.
    for (holder, claimed) in [("host-a", &a), ("host-b", &b)] {
        for c in claimed {
            assert!(settle(f.store(), holder, c.position, Outcome::Delivered, now).await);
        }
    }
    let rest = claim(f.store(), "host-c", now, 1_000).await;
    let mut all: Vec<u64> = pa.iter().chain(&pb).copied().collect();
    all.extend(positions(&rest));
    all.sort_unstable();
    assert_eq!(all.len(), total, "every message is claimed exactly once");
    all.dedup();
    assert_eq!(all.len(), total, "no message is claimed twice");
}
