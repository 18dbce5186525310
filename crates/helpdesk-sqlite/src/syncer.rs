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
//! commit is on disk, and a load of a ticket waits for its appends to be
//! answered, so no command decides on a state that is not yet durable.
//!
//! Only the log needs syncing: in WAL mode a commit writes nothing else,
//! and the [checkpointer](crate::checkpointer), whose connection keeps
//! `synchronous=FULL`, syncs the log before it copies frames into the
//! database and the database before the log may be reused.
//!
//! A failed sync leaves it unknown what is on disk: the batches waiting for
//! it fail, and so does every later append, until the store is reopened.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;

use helpdesk_engine::StoreError;
use helpdesk_engine::store::Appended;

use crate::error::SqliteError;
use crate::inflight::InFlight;
use crate::writer::{Waiting, answer, batch_failed};

/// A committed batch waiting to be made durable.
pub(crate) struct Committed {
    /// The batch's appends and their callers.
    pub(crate) batch: Vec<Waiting>,
    /// The result of each append, in order.
    pub(crate) results: Vec<Result<Appended, StoreError>>,
}

/// The thread that syncs the log and answers committed batches.
pub(crate) struct Syncer {
    committed: Option<Sender<Committed>>,
    thread: Option<JoinHandle<()>>,
    failed: Arc<OnceLock<String>>,
}

impl Syncer {
    /// Starts the thread for the database at `path`.
    pub(crate) fn start(path: &Path, inflight: Arc<InFlight>) -> Result<Self, SqliteError> {
        let (committed, receiver) = mpsc::channel();
        let failed = Arc::new(OnceLock::new());
        let log = wal_path(path);
        let db = path.to_owned();
        let thread_failed = failed.clone();
        let thread = std::thread::Builder::new()
            .name("helpdesk-sqlite-sync".into())
            .spawn(move || run(&db, &log, &receiver, &inflight, &thread_failed))
            .map_err(|error| SqliteError::Spawn {
                path: path.to_owned(),
                error,
            })?;
        Ok(Self {
            committed: Some(committed),
            thread: Some(thread),
            failed,
        })
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
            // durable.
            let Committed { batch, results } = lost;
            let reason = "the sync thread has stopped";
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

fn run(
    db: &Path,
    log: &Path,
    receiver: &Receiver<Committed>,
    inflight: &InFlight,
    failed: &OnceLock<String>,
) {
    let mut file: Option<File> = None;
    while let Ok(first) = receiver.recv() {
        let mut ready = vec![first];
        ready.extend(receiver.try_iter());
        let synced = match failed.get() {
            Some(reason) => Err(reason.clone()),
            None => sync(db, log, &mut file).map_err(|e| {
                let reason = format!("cannot sync {}: {e}", log.display());
                failed.get_or_init(|| reason).clone()
            }),
        };
        for Committed { batch, results } in ready {
            let results = match &synced {
                Ok(()) => results,
                Err(reason) => failed_results(results, db, reason),
            };
            answer(batch, results, inflight);
        }
    }
}

/// Syncs the log's data; the first time, also the directory holding it,
/// so the log file itself is found after a power loss.
fn sync(db: &Path, log: &Path, file: &mut Option<File>) -> std::io::Result<()> {
    if let Some(file) = file {
        return file.sync_data();
    }
    let opened = File::open(log)?;
    opened.sync_data()?;
    let dir = match db.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    File::open(dir)?.sync_all()?;
    *file = Some(opened);
    Ok(())
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
