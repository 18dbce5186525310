//! What is on disk: the durable watermark that reads wait for.
//!
//! With pipelined durability ([`Synchronous::Full`](crate::Synchronous))
//! the writer commits and the [syncer](crate::syncer) syncs the log
//! afterwards. Readers see a commit as soon as it is made, before its
//! sync: a power loss in between erases what they saw. So the store keeps
//! a watermark of what is synced, and reads that a caller may act on as
//! committed wait for it:
//!
//! - Every commit is numbered ([`Durable::begin`], before its `COMMIT`).
//!   A read that starts after commit `n` is made may see it, and none
//!   later than the number begun when the read ends.
//! - With each commit the writer notes its [`Marks`]: the highest row
//!   numbers of `events` and `outbox` once it is made. Row numbers only
//!   grow, so every row a commit wrote is at most its marks, and above the
//!   marks of every commit before it.
//! - The syncer publishes the number and marks of the last commit it
//!   synced ([`Durable::synced`]) before it answers that commit's callers.
//!
//! A load, a history or a command record waits until the commit that wrote
//! the newest event it returns is synced ([`Wait::Event`]), or, for a
//! record of a command without events, until every commit begun when it
//! was read is ([`Wait::Commit`]). The outbox scan stops at the outbox
//! mark of the last synced commit ([`Durable::outbox`]) instead of waiting.
//!
//! With [`Synchronous::Normal`](crate::Synchronous) and `Off`, commits are
//! as durable as SQLite makes them inside `COMMIT`, which is also all their
//! appends are told: reads never wait.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use helpdesk_core::{TenantId, TicketId};
use helpdesk_engine::StoreError;
use rusqlite::{Connection, OptionalExtension, params};
use tokio::sync::watch;

use crate::codec::key;
use crate::error::{SqliteError, failed};

/// The highest row numbers of the tables a read may wait on, once a
/// commit is made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Marks {
    /// `events.seq`.
    pub(crate) events: i64,
    /// `outbox.seq`.
    pub(crate) outbox: i64,
}

impl Marks {
    /// The marks of the database `conn` sees now.
    pub(crate) fn read(conn: &Connection) -> rusqlite::Result<Self> {
        conn.prepare_cached(
            "SELECT (SELECT coalesce(max(seq), 0) FROM events), \
             (SELECT coalesce(max(seq), 0) FROM outbox)",
        )?
        .query_row([], |row| {
            Ok(Self {
                events: row.get(0)?,
                outbox: row.get(1)?,
            })
        })
    }
}

/// A commit the syncer has synced: its number and its marks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Synced {
    /// The commit's number ([`Durable::begin`]).
    pub(crate) commit: u64,
    /// Its marks.
    pub(crate) marks: Marks,
}

/// What is on disk, as readers see it.
#[derive(Debug, Clone, Default)]
struct State {
    synced: Synced,
    /// Why nothing after `synced` will be: a sync failed, or the writer
    /// stopped.
    failed: Option<Arc<str>>,
}

/// What a read waits for before it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wait {
    /// Nothing: what it read is on disk.
    Nothing,
    /// The commit that wrote the event row with this number.
    Event(i64),
    /// Every commit up to this number.
    Commit(u64),
}

/// The durable watermark: which commits are on disk.
pub(crate) struct Durable {
    /// Whether commits are synced after they are made (by the syncer)
    /// rather than inside `COMMIT`.
    pipelined: bool,
    /// The number of the last commit begun.
    begun: AtomicU64,
    state: watch::Sender<State>,
}

impl Durable {
    /// Commits durable as SQLite makes them inside `COMMIT`: reads never
    /// wait.
    pub(crate) fn in_commit() -> Self {
        Self::new(false, Marks::default())
    }

    /// Commits made durable by the syncer, after `COMMIT`; everything up to
    /// `marks` is on disk already.
    pub(crate) fn pipelined(marks: Marks) -> Self {
        Self::new(true, marks)
    }

    fn new(pipelined: bool, marks: Marks) -> Self {
        let state = State {
            synced: Synced { commit: 0, marks },
            failed: None,
        };
        Self {
            pipelined,
            begun: AtomicU64::new(0),
            state: watch::Sender::new(state),
        }
    }

    /// Numbers the next commit; called before its `COMMIT`, so a read that
    /// sees a commit finds its number begun.
    pub(crate) fn begin(&self) -> u64 {
        self.begun.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Publishes that `synced` and every commit before it are on disk.
    pub(crate) fn synced(&self, synced: Synced) {
        self.state.send_if_modified(|state| {
            if synced.commit <= state.synced.commit {
                return false;
            }
            state.synced = synced;
            true
        });
    }

    /// Nothing after the last synced commit will be on disk, for `reason`:
    /// reads that wait for it fail.
    pub(crate) fn fail(&self, reason: &str) {
        self.state.send_if_modified(|state| {
            if state.failed.is_some() {
                return false;
            }
            state.failed = Some(reason.into());
            true
        });
    }

    /// The writer stopped: a commit begun and not synced by now never will
    /// be.
    pub(crate) fn stop(&self) {
        let unsynced = self.state.borrow().synced.commit < self.begun.load(Ordering::SeqCst);
        if unsynced {
            self.fail("the writer stopped");
        }
    }

    /// The highest outbox row number on disk: a message above it is of a
    /// commit not yet synced.
    pub(crate) fn outbox(&self) -> i64 {
        if self.pipelined {
            self.state.borrow().synced.marks.outbox
        } else {
            i64::MAX
        }
    }

    /// The highest event row number on disk: an event above it is of a
    /// commit not yet synced.
    pub(crate) fn events(&self) -> i64 {
        if self.pipelined {
            self.state.borrow().synced.marks.events
        } else {
            i64::MAX
        }
    }

    /// Whether every commit a read that ended before this call could see
    /// is on disk.
    fn caught_up(&self) -> bool {
        !self.pipelined || self.state.borrow().synced.commit >= self.begun.load(Ordering::SeqCst)
    }

    /// What a read that found `ticket` of `tenant` at `version` waits for,
    /// looked up on `conn` after the read: the commit that wrote the
    /// ticket's event at that version.
    pub(crate) fn event(
        &self,
        conn: &Connection,
        path: &Path,
        tenant: TenantId,
        ticket: TicketId,
        version: u64,
    ) -> Result<Wait, StoreError> {
        if self.caught_up() {
            return Ok(Wait::Nothing);
        }
        let Ok(version) = i64::try_from(version) else {
            return Ok(self.commits());
        };
        let seq: Option<i64> = conn
            .prepare_cached(
                "SELECT e.seq FROM tickets AS t JOIN events AS e \
                 ON e.ticket = t.no AND e.version = ?3 WHERE t.tenant = ?1 AND t.id = ?2",
            )
            .map_err(failed(path, "prepare event lookup"))?
            .query_row(params![key(tenant), key(ticket), version], |row| row.get(0))
            .optional()
            .map_err(failed(path, "look up event"))?;
        Ok(match seq {
            Some(seq) => Wait::Event(seq),
            None => self.commits(),
        })
    }

    /// What a read waits for when it cannot tell which commit wrote what it
    /// found: every commit begun by now.
    pub(crate) fn commits(&self) -> Wait {
        if self.caught_up() {
            Wait::Nothing
        } else {
            Wait::Commit(self.begun.load(Ordering::SeqCst))
        }
    }

    /// Waits until what `wait` names is on disk; fails if it never will
    /// be.
    pub(crate) async fn until(&self, path: &Path, wait: Wait) -> Result<(), StoreError> {
        let reached = |state: &State| match wait {
            Wait::Nothing => true,
            Wait::Event(seq) => state.synced.marks.events >= seq,
            Wait::Commit(commit) => state.synced.commit >= commit,
        };
        if reached(&self.state.borrow()) {
            return Ok(());
        }
        let mut states = self.state.subscribe();
        let failure = match states
            .wait_for(|state| reached(state) || state.failed.is_some())
            .await
        {
            Ok(state) if reached(&state) => return Ok(()),
            Ok(state) => state.failed.as_deref().unwrap_or_default().to_owned(),
            Err(_) => "the store is closing".to_owned(),
        };
        Err(SqliteError::Unsynced {
            path: path.to_owned(),
            reason: failure,
        }
        .into())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{Durable, Marks, Synced, Wait};

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
            .block_on(future)
    }

    #[test]
    fn reads_wait_for_the_commit_that_wrote_what_they_found() {
        let durable = Durable::pipelined(Marks {
            events: 10,
            outbox: 4,
        });
        assert_eq!(durable.commits(), Wait::Nothing);
        let first = durable.begin();
        assert_eq!(durable.commits(), Wait::Commit(first));
        assert_eq!(durable.outbox(), 4);
        durable.synced(Synced {
            commit: first,
            marks: Marks {
                events: 15,
                outbox: 6,
            },
        });
        assert_eq!(durable.outbox(), 6);
        assert_eq!(durable.commits(), Wait::Nothing);
        let path = Path::new("test.db");
        block_on(async {
            assert!(durable.until(path, Wait::Event(15)).await.is_ok());
            assert!(durable.until(path, Wait::Commit(first)).await.is_ok());
        });
        // An older commit's answer arriving late moves nothing back.
        durable.synced(Synced::default());
        assert_eq!(durable.outbox(), 6);

        let second = durable.begin();
        durable.fail("disk gone");
        block_on(async {
            assert!(durable.until(path, Wait::Event(15)).await.is_ok());
            let err = durable
                .until(path, Wait::Event(16))
                .await
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains("disk gone"), "{err}");
            assert!(durable.until(path, Wait::Commit(second)).await.is_err());
        });
    }

    #[test]
    fn commits_durable_inside_commit_never_wait() {
        let durable = Durable::in_commit();
        durable.begin();
        assert_eq!(durable.commits(), Wait::Nothing);
        assert_eq!(durable.outbox(), i64::MAX);
    }
}
