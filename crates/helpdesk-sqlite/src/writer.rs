//! Group commit: one thread owns the write connection and commits every
//! append that is waiting in one transaction.
//!
//! Callers send their [`Append`] over a channel with a one-shot reply. The
//! writer takes the first waiting append and every other one already
//! queued (up to [`SqliteOptions::max_batch`](crate::SqliteOptions)),
//! opens one `BEGIN IMMEDIATE` transaction, writes each append inside its
//! own `SAVEPOINT` (so a conflict, a duplicate command id or a failure of
//! one append rolls back only that append), commits once, and only then
//! answers each caller. While it waits for the disk, new appends queue up
//! and form the next batch: the more callers, the larger the batches, and
//! the cost of the sync is shared among them.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::{Duration, Instant};

use helpdesk_engine::StoreError;
use helpdesk_engine::store::Appended;
use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::append::{self, Encoded};
use crate::error::SqliteError;
use crate::inflight::InFlight;

/// The answer to one append.
pub(crate) type Reply = oneshot::Sender<Result<Appended, StoreError>>;

/// The answers to appends sent together, in their order.
pub(crate) type Replies = oneshot::Sender<Vec<Result<Appended, StoreError>>>;

/// A read to run on the write connection.
pub(crate) type Read = Box<dyn FnOnce(&Connection, &Path) + Send>;

/// Work for the writer thread.
pub(crate) enum Job {
    /// Write an (encoded) append and answer once it is committed.
    Append(Box<Encoded>, Reply),
    /// Write appends, in order, in the same transaction.
    Many(Vec<Encoded>, Replies),
    /// Run a read on the write connection (stores without a reader pool).
    Read(Read),
}

/// Wakes every load waiting for an append when the writer stops, however
/// it stops.
struct Stopped(Arc<InFlight>);

impl Drop for Stopped {
    fn drop(&mut self) {
        self.0.clear();
    }
}

/// How long the writer waits for the next append while it gathers a
/// batch smaller than the last one.
const GATHER_GAP: Duration = Duration::from_micros(300);

/// The longest the writer gathers a batch before it writes it.
const GATHER_MAX: Duration = Duration::from_millis(3);

/// The writer thread's loop: runs until every sender is dropped.
pub(crate) fn run(
    mut conn: Connection,
    path: PathBuf,
    jobs: Receiver<Job>,
    max_batch: usize,
    inflight: Arc<InFlight>,
) {
    let _stopped = Stopped(inflight.clone());
    let max_batch = max_batch.max(1);
    let mut batch: Vec<Waiting> = Vec::with_capacity(max_batch);
    // Appends in the last commit: the callers likely to send again soon.
    let mut last = 0;
    while let Ok(first) = jobs.recv() {
        let mut next = Some(first);
        let mut appends = 0;
        let began = Instant::now();
        loop {
            match next.take() {
                Some(Job::Append(append, reply)) => {
                    appends += 1;
                    batch.push(Waiting::One(append, reply));
                }
                Some(Job::Many(many, replies)) => {
                    appends += many.len();
                    batch.push(Waiting::Many(many, replies));
                }
                Some(Job::Read(read)) => {
                    // Reads see every append sent before them.
                    if !batch.is_empty() {
                        commit(&mut conn, &path, &mut batch, &inflight);
                        appends = 0;
                    }
                    read(&conn, &path);
                }
                None => {}
            }
            if appends >= max_batch {
                break;
            }
            match jobs.try_recv() {
                Ok(job) => next = Some(job),
                Err(TryRecvError::Disconnected) => break,
                Err(TryRecvError::Empty) => {
                    // Fewer appends than last time: the callers answered
                    // by the last commit are still deciding their next
                    // command. Waiting a moment for them makes one commit
                    // (and one sync) instead of two.
                    if appends == 0 || appends >= last || began.elapsed() >= GATHER_MAX {
                        break;
                    }
                    match jobs.recv_timeout(GATHER_GAP) {
                        Ok(job) => next = Some(job),
                        Err(_) => break,
                    }
                }
            }
        }
        if !batch.is_empty() {
            last = appends;
            commit(&mut conn, &path, &mut batch, &inflight);
        }
    }
}

/// Appends waiting for the next commit, with whom to answer.
enum Waiting {
    One(Box<Encoded>, Reply),
    Many(Vec<Encoded>, Replies),
}

impl Waiting {
    fn appends(&self) -> &[Encoded] {
        match self {
            Waiting::One(append, _) => std::slice::from_ref(append.as_ref()),
            Waiting::Many(many, _) => many,
        }
    }
}

/// Writes and commits `batch`, then answers every caller.
fn commit(conn: &mut Connection, path: &Path, batch: &mut Vec<Waiting>, inflight: &InFlight) {
    let all = batch.iter().flat_map(Waiting::appends);
    let mut results: Vec<Result<Appended, StoreError>> = Vec::new();
    match exec(conn, "BEGIN IMMEDIATE") {
        Err(e) => {
            let reason = e.to_string();
            for _ in all {
                results.push(Err(batch_failed(path, "begin", &reason)));
            }
        }
        Ok(()) => {
            let mut broken: Option<String> = None;
            let mut text = Vec::new();
            for append in all {
                if let Some(reason) = &broken {
                    results.push(Err(batch_failed(path, "write", reason)));
                    continue;
                }
                results.push(one(conn, path, append, &mut text, &mut broken));
            }
            let outcome = match &broken {
                Some(reason) => Err(reason.clone()),
                None => append::write_text(conn, path, &text)
                    .map_err(|e| e.to_string())
                    .and_then(|()| exec(conn, "COMMIT").map_err(|e| e.to_string())),
            };
            if let Err(reason) = outcome {
                if !conn.is_autocommit() {
                    // Nothing of this batch may survive a failed commit.
                    let _ = exec(conn, "ROLLBACK");
                }
                for result in &mut results {
                    if matches!(result, Ok(Appended::Written)) {
                        *result = Err(batch_failed(path, "commit", &reason));
                    }
                }
            }
        }
    }
    let mut results = results.into_iter();
    for waiting in batch.drain(..) {
        // A caller that stopped waiting still had its append committed;
        // a retry with the same command id answers the first result.
        match waiting {
            Waiting::One(append, reply) => {
                inflight.finish((append.tenant, append.record.ticket));
                if let Some(result) = results.next() {
                    let _ = reply.send(result);
                }
            }
            Waiting::Many(many, replies) => {
                let _ = replies.send(results.by_ref().take(many.len()).collect());
            }
        }
    }
}

/// One append inside its savepoint. When SQLite has rolled back the whole
/// transaction (a full disk, an I/O error), `broken` says why and the
/// batch fails.
fn one<'a>(
    conn: &Connection,
    path: &Path,
    append: &'a Encoded,
    text: &mut Vec<(i64, &'a str)>,
    broken: &mut Option<String>,
) -> Result<Appended, StoreError> {
    if let Err(e) = exec(conn, "SAVEPOINT append") {
        *broken = Some(e.to_string());
        return Err(batch_failed(path, "savepoint", &e.to_string()));
    }
    let indexed = text.len();
    match append::write(conn, path, append, text) {
        Ok(Appended::Written) => match exec(conn, "RELEASE append") {
            Ok(()) => Ok(Appended::Written),
            Err(e) => {
                *broken = Some(e.to_string());
                Err(batch_failed(path, "release", &e.to_string()))
            }
        },
        other => {
            // Nothing of a rolled back append is searchable.
            text.truncate(indexed);
            if conn.is_autocommit() {
                *broken = Some(match &other {
                    Err(e) => e.to_string(),
                    Ok(_) => "the transaction ended".to_owned(),
                });
            } else if let Err(e) =
                exec(conn, "ROLLBACK TO append").and_then(|()| exec(conn, "RELEASE append"))
            {
                *broken = Some(e.to_string());
            }
            other
        }
    }
}

fn exec(conn: &Connection, sql: &str) -> Result<(), rusqlite::Error> {
    conn.prepare_cached(sql)?.execute([]).map(|_| ())
}

fn batch_failed(path: &Path, stage: &'static str, reason: &str) -> StoreError {
    SqliteError::Batch {
        path: path.to_owned(),
        stage,
        reason: reason.to_owned(),
    }
    .into()
}
