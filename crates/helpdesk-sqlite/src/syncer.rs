//! Pipelined durability: committed batches are made durable, and answered,
//! by a thread of their own while the writer writes the next batch.
//!
//! With [`Synchronous::Full`](crate::Synchronous), SQLite syncs the
//! write-ahead log inside every `COMMIT`, and the writer thread sits idle
//! for the whole sync. Instead, the writer's connection commits without
//! syncing and hands the batch to the [`Syncer`], which calls `fdatasync`
//! on the log file and only then answers the batch's callers. A sync
//! covers every frame written before it starts, so batches committed while
//! one sync runs share the next one. Nobody is answered before their
//! commit is on disk.
//!
//! Only the log needs syncing: in WAL mode a commit writes nothing else,
//! and the [checkpointer](crate::checkpointer), whose connection keeps
//! `synchronous=FULL`, syncs the log before it copies frames into the
//! database and the database before the log may be reused.
//!
//! Readers see a commit before its sync. Before it answers a batch, the
//! syncer publishes the batch's commit as synced to the
//! [durable watermark](crate::durable): loads, histories and command
//! records wait for it, and the outbox scan stops at it, so no command
//! decides, and no message goes out, on a state that is not yet durable.
//! When the store opens, the log an earlier process left is synced before
//! anything is read from it.
//!
//! A failed sync leaves it unknown what is on disk: the batches waiting for
//! it fail, and so does every later append, until the store is reopened.
//! Reads waiting for a commit after the last synced one fail too.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
use std::thread::JoinHandle;

use helpdesk_engine::StoreError;
use helpdesk_engine::store::Appended;

use crate::durable::{Durable, Synced};
use crate::error::SqliteError;
use crate::inflight::InFlight;
use crate::writer::{Waiting, answer, batch_failed};

/// A committed batch waiting to be made durable.
pub(crate) struct Committed {
    /// The batch's appends and their callers.
    pub(crate) batch: Vec<Waiting>,
    /// The result of each append, in order.
    pub(crate) results: Vec<Result<Appended, StoreError>>,
    /// The commit's number and marks, to publish once it is synced.
    pub(crate) synced: Synced,
}

/// The thread that syncs the log and answers committed batches.
pub(crate) struct Syncer {
    committed: Option<Sender<Committed>>,
    thread: Option<JoinHandle<()>>,
    failed: Arc<OnceLock<String>>,
    durable: Arc<Durable>,
}

impl Syncer {
    /// Syncs what an earlier process left in the log of the database at
    /// `path` (its commits were never synced if it stopped between a
    /// commit and its sync), then starts the thread.
    pub(crate) fn start(
        path: &Path,
        inflight: Arc<InFlight>,
        durable: Arc<Durable>,
        gate: Arc<Gate>,
    ) -> Result<Self, SqliteError> {
        let log = wal_path(path);
        sync_left(path, &log).map_err(|e| SqliteError::Unsynced {
            path: path.to_owned(),
            reason: format!("cannot sync {}: {e}", log.display()),
        })?;
        let (committed, receiver) = mpsc::channel();
        let failed = Arc::new(OnceLock::new());
        let db = path.to_owned();
        let thread_failed = failed.clone();
        let thread_durable = durable.clone();
        let thread = std::thread::Builder::new()
            .name("helpdesk-sqlite-sync".into())
            .spawn(move || {
                let shared = Shared {
                    inflight: &inflight,
                    durable: &thread_durable,
                    failed: &thread_failed,
                    gate: &gate,
                };
                run(&db, &log, &receiver, &shared);
            })
            .map_err(|error| SqliteError::Spawn {
                path: path.to_owned(),
                error,
            })?;
        Ok(Self {
            committed: Some(committed),
            thread: Some(thread),
            failed,
            durable,
        })
    }

    /// Numbers the next commit (see [`Durable::begin`]).
    pub(crate) fn begin(&self) -> u64 {
        self.durable.begin()
    }

    /// Why an earlier sync failed, if one did: nothing may be written
    /// after it.
    pub(crate) fn failure(&self) -> Option<&str> {
        self.failed.get().map(String::as_str)
    }

    /// Hands over a committed batch, to be answered once it is durable.
    pub(crate) fn push(&self, committed: Committed, path: &Path, inflight: &InFlight) {
        let Some(sender) = &self.committed else {
            return;
        };
        if let Err(mpsc::SendError(lost)) = sender.send(committed) {
            // The thread has stopped: nobody may be told their append is
            // durable, nor read it as such.
            let Committed { batch, results, .. } = lost;
            let reason = "the sync thread has stopped";
            self.durable.fail(reason);
            answer(batch, failed_results(results, path, reason), inflight);
        }
    }
}

impl Drop for Syncer {
    /// Answers every batch handed over, after their sync.
    fn drop(&mut self) {
        drop(self.committed.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The write-ahead log of the database at `path`.
fn wal_path(path: &Path) -> PathBuf {
    let mut log = path.as_os_str().to_owned();
    log.push("-wal");
    PathBuf::from(log)
}

/// What the sync thread shares with the store.
struct Shared<'a> {
    inflight: &'a InFlight,
    durable: &'a Durable,
    failed: &'a OnceLock<String>,
    gate: &'a Gate,
}

fn run(db: &Path, log: &Path, receiver: &Receiver<Committed>, shared: &Shared<'_>) {
    let mut file: Option<File> = None;
    while let Ok(first) = receiver.recv() {
        shared.gate.pass();
        let mut ready = vec![first];
        ready.extend(receiver.try_iter());
        let synced = match shared.failed.get() {
            Some(reason) => Err(reason.clone()),
            None => sync(db, log, &mut file).map_err(|e| {
                let reason = format!("cannot sync {}: {e}", log.display());
                shared.failed.get_or_init(|| reason).clone()
            }),
        };
        // Published before anyone is answered: an append that returned is
        // read as durable.
        match (&synced, ready.last()) {
            (Ok(()), Some(last)) => shared.durable.synced(last.synced),
            (Ok(()), None) => {}
            (Err(reason), _) => shared.durable.fail(reason),
        }
        for Committed { batch, results, .. } in ready {
            let results = match &synced {
                Ok(()) => results,
                Err(reason) => failed_results(results, db, reason),
            };
            answer(batch, results, shared.inflight);
        }
    }
}

/// Syncs the log of the database at `path`, if there is one, and its
/// directory: an earlier process may have committed to it without syncing.
fn sync_left(db: &Path, log: &Path) -> std::io::Result<()> {
    match File::open(log) {
        Ok(file) => file.sync_data()?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    }
    File::open(directory(db))?.sync_all()
}

/// Syncs the log's data; the first time, also the directory holding it,
/// so the log file itself is found after a power loss.
fn sync(db: &Path, log: &Path, file: &mut Option<File>) -> std::io::Result<()> {
    if let Some(file) = file {
        return file.sync_data();
    }
    let opened = File::open(log)?;
    opened.sync_data()?;
    File::open(directory(db))?.sync_all()?;
    *file = Some(opened);
    Ok(())
}

/// The directory holding the database at `db`.
fn directory(db: &Path) -> &Path {
    match db.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Holds the sync thread before its next sync while any [`SyncHold`] is
/// alive.
#[derive(Default)]
pub(crate) struct Gate {
    holds: Mutex<usize>,
    released: Condvar,
}

impl Gate {
    fn holds(&self) -> std::sync::MutexGuard<'_, usize> {
        self.holds.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits while the gate is held.
    fn pass(&self) {
        let mut holds = self.holds();
        while *holds > 0 {
            holds = self
                .released
                .wait(holds)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// Keeps the store from syncing its write-ahead log, and so from answering
/// appends, until it is dropped: the writer goes on committing, and what
/// it commits stays not durable. For tests of what the store answers
/// between a commit and its sync; see `SqliteStore::hold_syncs`.
#[must_use = "the syncs resume when the hold is dropped"]
pub struct SyncHold<'a> {
    gate: &'a Gate,
}

impl<'a> SyncHold<'a> {
    /// Holds `gate`.
    pub(crate) fn new(gate: &'a Gate) -> Self {
        *gate.holds() += 1;
        Self { gate }
    }
}

impl std::fmt::Debug for SyncHold<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncHold").finish_non_exhaustive()
    }
}

impl Drop for SyncHold<'_> {
    fn drop(&mut self) {
        let mut holds = self.gate.holds();
        *holds = holds.saturating_sub(1);
        if *holds == 0 {
            self.gate.released.notify_all();
        }
    }
}

/// `results` with every written append turned into a failure: its commit
/// is not known to be durable.
fn failed_results(
    results: Vec<Result<Appended, StoreError>>,
    path: &Path,
    reason: &str,
) -> Vec<Result<Appended, StoreError>> {
    results
        .into_iter()
        .map(|result| match result {
            Ok(_) => Err(batch_failed(path, "sync", reason)),
            other => other,
        })
        .collect()
}
