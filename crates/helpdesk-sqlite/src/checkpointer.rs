//! Checkpoints off the writer's thread.
//!
//! A checkpoint copies the pages of the write-ahead log back into the
//! database file so the log can start over. SQLite runs one inside the
//! `COMMIT` that makes the log longer than 1,000 pages, on the committing
//! connection: the writer thread would stop writing for the whole copy and
//! its syncs. Here the writer's connection never checkpoints; after a
//! commit that leaves the log longer than
//! [`SqliteOptions::checkpoint_pages`](crate::SqliteOptions), it wakes the
//! [`Checkpointer`], whose own connection runs a `PASSIVE` checkpoint
//! (which never blocks the writer) with `synchronous=FULL`: the log is
//! synced before frames are copied, and the database before the log may be
//! reused.
//!
//! A checkpoint can only reset the log when it has copied every frame, and
//! a writer that never stops keeps adding frames. When the log grows past
//! eight times as many pages, the writer itself checkpoints between two
//! transactions, which always catches up.

use std::cell::Cell;
use std::ffi::c_int;
use std::path::Path;
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::thread::JoinHandle;

use rusqlite::Connection;
use rusqlite::hooks::Wal;

use crate::error::SqliteError;

thread_local! {
    /// Pages in the log after the last commit on this thread's connection.
    static LOG_PAGES: Cell<c_int> = const { Cell::new(0) };
}

fn note_log_pages(_: &Wal, pages: c_int) -> rusqlite::Result<()> {
    LOG_PAGES.set(pages);
    Ok(())
}

/// Stops `conn`'s automatic checkpoints and notes the log's length after
/// each of its commits, for [`log_pages`] on the same thread.
pub(crate) fn watch(conn: &Connection) {
    conn.wal_hook(Some(note_log_pages));
}

/// Pages in the log after the last commit of the connection [`watch`]ed
/// on this thread.
pub(crate) fn log_pages() -> c_int {
    LOG_PAGES.get()
}

/// The thread that checkpoints when woken.
pub(crate) struct Checkpointer {
    /// Log pages after which a commit wakes the thread, and again after
    /// each further this many.
    pub(crate) pages: c_int,
    /// Log pages after which the writer checkpoints itself.
    pub(crate) limit: c_int,
    /// Log pages at which the next commit wakes the thread.
    next: Cell<c_int>,
    wake: Option<SyncSender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread with `conn`, a connection of its own to the
    /// database at `path`, to checkpoint once the log holds `pages` pages.
    pub(crate) fn start(path: &Path, conn: Connection, pages: u32) -> Result<Self, SqliteError> {
        let pages = c_int::try_from(pages.max(1)).unwrap_or(c_int::MAX / 8);
        let (wake, woken) = mpsc::sync_channel(1);
        let thread = std::thread::Builder::new()
            .name("helpdesk-sqlite-checkpoint".into())
            .spawn(move || run(&conn, &woken))
            .map_err(|error| SqliteError::Spawn {
                path: path.to_owned(),
                error,
            })?;
        Ok(Self {
            pages,
            limit: pages.saturating_mul(8),
            next: Cell::new(pages),
            wake: Some(wake),
            thread: Some(thread),
        })
    }

    /// After a commit that left `log` pages in the log: asks for a
    /// checkpoint once `pages` more have been written since the last time
    /// it asked. A log that keeps growing (the writer never pauses, so it
    /// never starts over) is checkpointed every `pages` pages, not after
    /// every commit; each checkpoint syncs the database file, and those
    /// syncs delay the log's.
    pub(crate) fn commit(&self, log: c_int) {
        let (next, wake) = after_commit(self.next.get(), self.pages, log);
        self.next.set(next);
        if wake {
            self.wake();
        }
    }

    /// Asks for a checkpoint; does nothing when one is already asked for.
    fn wake(&self) {
        if let Some(wake) = &self.wake {
            // Full: a checkpoint is already asked for. Disconnected: the
            // thread has stopped, and the writer's own checkpoints remain.
            let _: Result<(), TrySendError<()>> = wake.try_send(());
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.wake.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(conn: &Connection, woken: &Receiver<()>) {
    while woken.recv().is_ok() {
        // A failed checkpoint (the disk is full, say) leaves the log as it
        // is; the next wake or the writer's own checkpoint tries again.
        let _ = checkpoint(conn);
    }
}

/// Where the next wake is, and whether to wake now, after a commit that
/// left `log` pages in the log, the next wake having been at `next`, every
/// `pages` pages.
fn after_commit(next: c_int, pages: c_int, log: c_int) -> (c_int, bool) {
    if log < next.saturating_sub(pages) {
        // The log started over.
        (pages, false)
    } else if log >= next {
        (log.saturating_add(pages), true)
    } else {
        (next, false)
    }
}

/// A `PASSIVE` checkpoint on `conn`: copies what it can without waiting.
pub(crate) fn checkpoint(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
}

#[cfg(test)]
mod tests {
    use super::after_commit;

    #[test]
    fn wakes_once_per_pages_written_and_again_after_the_log_starts_over() {
        let pages = 100;
        let mut next = pages;
        let mut wakes = Vec::new();
        for log in [10, 99, 100, 150, 199, 200, 450, 460, 549, 550, 5, 99, 100] {
            let (moved, wake) = after_commit(next, pages, log);
            next = moved;
            if wake {
                wakes.push(log);
            }
        }
        // 100 wakes; 150 and 199 are within 100 pages of it; 200 wakes;
        // 450 wakes; 460 and 549 do not; 550 does; the log starts over at 5,
        // and 100 pages later wakes again.
        assert_eq!(wakes, [100, 200, 450, 550, 100]);
    }
}
