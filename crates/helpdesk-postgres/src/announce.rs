//! [`Announcer`]: the wake-ups of committed appends ([`Wake`](crate::Wake)),
//! sent by one task per store at a time.
//!
//! `NOTIFY` takes a lock of the whole database at its transaction's commit,
//! so a wake-up per append makes a host's appends queue for it one by one.
//! An append instead adds what it announces to what is pending and
//! returns; the one task sending takes everything pending, sends it in one
//! transaction (each outbox flag and due instant once), and goes on while
//! more is pending. Wake-ups stay a hint sent after their commit, as
//! before; appends committing together share one lock.

use std::collections::BTreeSet;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};

/// What the appends committed since the last send announce.
#[derive(Debug, Default)]
struct Pending {
    /// Whether a task is sending.
    sending: bool,
    outbox: bool,
    due: BTreeSet<DateTime<Utc>>,
}

/// The pending wake-ups of one store.
#[derive(Debug, Default)]
pub(crate) struct Announcer {
    pending: Mutex<Pending>,
}

impl Announcer {
    /// Adds what a committed append announces; `true` when no task is
    /// sending and the caller is to start one.
    pub(crate) fn add(&self, outbox: bool, due: Option<DateTime<Utc>>) -> bool {
        if !outbox && due.is_none() {
            return false;
        }
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        pending.outbox |= outbox;
        pending.due.extend(due);
        !std::mem::replace(&mut pending.sending, true)
    }

    /// The SQL that sends everything pending on `channel`, taken out; none
    /// when nothing is pending, and the sending task ends.
    pub(crate) fn take(&self, channel: &str) -> Option<String> {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        if !pending.outbox && pending.due.is_empty() {
            pending.sending = false;
            return None;
        }
        // The channel is a checked identifier and the payloads are ours:
        // nothing to quote. The transaction does not wait for its WAL
        // flush: a wake-up is a hint.
        let mut sql = String::from("BEGIN; SET LOCAL synchronous_commit = off; ");
        if std::mem::take(&mut pending.outbox) {
            sql.push_str(&format!("SELECT pg_notify('{channel}', 'outbox'); "));
        }
        for due in std::mem::take(&mut pending.due) {
            let at = due.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
            sql.push_str(&format!("SELECT pg_notify('{channel}', 'due {at}'); "));
        }
        sql.push_str("COMMIT");
        Some(sql)
    }

    /// Ends the sending task that stopped before `take` said so (its
    /// runtime shut down, say), so the next append starts another.
    pub(crate) fn stopped(&self) {
        self.pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .sending = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: u32) -> DateTime<Utc> {
        format!("2026-03-02T09:{minute:02}:00Z")
            .parse()
            .expect("instant")
    }

    #[test]
    fn appends_committed_while_one_sends_share_its_next_send() {
        // Given an announcer with nothing pending
        let announcer = Announcer::default();

        // When one append starts sending and three more commit meanwhile
        assert!(
            announcer.add(true, Some(at(5))),
            "the first starts the task"
        );
        let first = announcer.take("hd").expect("the first's wake-up");
        assert!(!announcer.add(false, Some(at(7))));
        assert!(!announcer.add(true, Some(at(5))));
        assert!(!announcer.add(false, None));

        // Then the first send holds the first append's, the second all the
        // others' once each, and then the task ends
        assert_eq!(
            first,
            "BEGIN; SET LOCAL synchronous_commit = off; SELECT pg_notify('hd', 'outbox'); \
             SELECT pg_notify('hd', 'due 2026-03-02T09:05:00.000000Z'); COMMIT"
        );
        let second = announcer.take("hd").expect("the others' wake-ups");
        assert_eq!(
            second,
            "BEGIN; SET LOCAL synchronous_commit = off; SELECT pg_notify('hd', 'outbox'); \
             SELECT pg_notify('hd', 'due 2026-03-02T09:05:00.000000Z'); \
             SELECT pg_notify('hd', 'due 2026-03-02T09:07:00.000000Z'); COMMIT"
        );
        assert_eq!(announcer.take("hd"), None);
        assert!(
            announcer.add(true, None),
            "a later append starts a new task"
        );
    }

    #[test]
    fn a_task_that_stopped_early_lets_the_next_append_start_another() {
        let announcer = Announcer::default();
        assert!(announcer.add(true, None));
        announcer.stopped();
        assert!(announcer.add(true, None));
    }
}
