//! Group commit: one thread owns the write connection and commits every
//! append that is waiting in one transaction.
//!
//! Callers send their [`Append`](helpdesk_engine::store::Append), encoded,
//! over a channel with a one-shot reply. The writer takes the first
//! waiting append and every other one already queued (up to
//! [`SqliteOptions::max_batch`](crate::SqliteOptions)), writes them all in
//! one `BEGIN IMMEDIATE` transaction, commits once, and only then answers
//! each caller. While it waits for the disk, new appends queue up and form
//! the next batch: the more callers, the larger the batches, and the cost
//! of the sync is shared among them.
//!
//! A conflict or a duplicate command id of one append must not touch the
//! others. Each append's checks run before its first write, so a refused
//! append has written nothing and the transaction needs no savepoints. An
//! append that fails after it started writing (a value SQLite refuses) is
//! the rare case: the writer rolls the transaction back and writes the
//! batch again with each append in its own `SAVEPOINT`.
//!
//! A transaction that fails as a whole (its `COMMIT`, or SQLite rolling it
//! back) fails every append it wrote, and every duplicate answered from the
//! record of one of them: that record is gone with it.

use std::cell::Cell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::{Duration, Instant};

use helpdesk_engine::StoreError;
use helpdesk_engine::store::Appended;
use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::append::{self, Encoded};
use crate::checkpointer::{self, Checkpointer};
use crate::durable::{Durable, Marks, Synced};
use crate::error::SqliteError;
use crate::inflight::InFlight;
use crate::statements::{Sql, Statements};
use crate::syncer::{Committed, Syncer};

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

/// Wakes every load waiting for an append, and fails every read waiting
/// for a commit that will not be synced, when the writer stops, however it
/// stops.
struct Stopped(Arc<InFlight>, Arc<Durable>);

impl Drop for Stopped {
    fn drop(&mut self) {
        self.0.clear();
        self.1.stop();
    }
}

/// How long the writer waits for the next append while it gathers a
/// batch smaller than the last one.
const GATHER_GAP: Duration = Duration::from_micros(300);

/// The longest the writer gathers a batch before it writes it.
const GATHER_MAX: Duration = Duration::from_millis(3);

/// How the writer makes its commits durable.
pub(crate) enum Durability {
    /// As the connection's `synchronous` setting says, inside `COMMIT`;
    /// callers are answered right after it.
    InCommit,
    /// The connection commits without syncing and never checkpoints; the
    /// [`Syncer`] syncs the log and answers, the [`Checkpointer`] copies
    /// the log back into the database.
    Pipelined {
        /// Syncs and answers committed batches.
        syncer: Syncer,
        /// Checkpoints when woken.
        checkpointer: Checkpointer,
        /// The marks of the last commit.
        marks: Cell<Marks>,
    },
}

/// The writer thread's loop: runs until every sender is dropped.
pub(crate) fn run(
    conn: Connection,
    path: PathBuf,
    jobs: Receiver<Job>,
    max_batch: usize,
    inflight: Arc<InFlight>,
    durable: Arc<Durable>,
    durability: Durability,
) {
    let _stopped = Stopped(inflight.clone(), durable);
    let mut statements = Statements::new(&conn);
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
                        commit(&mut statements, &path, &mut batch, &inflight, &durability);
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
            commit(&mut statements, &path, &mut batch, &inflight, &durability);
        }
    }
    drop(statements);
    if let Durability::Pipelined { .. } = durability {
        // Every batch is answered once the threads stop; the connection's
        // last checkpoint, if it closes last, must sync.
        drop(durability);
        let _ = conn.execute_batch("PRAGMA synchronous = FULL;");
    }
}

/// Appends waiting for the next commit, with whom to answer.
pub(crate) enum Waiting {
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

/// How one transaction keeps an append's failure from touching the others.
#[derive(Clone, Copy)]
enum Guard {
    /// No savepoints: an append's checks (a recorded command id, the
    /// expected version) all run before its first write, so a conflict or a
    /// duplicate leaves nothing behind. An append that fails after writing
    /// (a value SQLite refuses) makes the writer roll back and write the
    /// batch again with [`Guard::Savepoints`].
    Checks,
    /// Each append inside its own `SAVEPOINT`.
    Savepoints,
}

/// Writes and commits `batch`, and has every caller answered once their
/// commit is durable.
fn commit(
    statements: &mut Statements<'_>,
    path: &Path,
    batch: &mut Vec<Waiting>,
    inflight: &InFlight,
    durability: &Durability,
) {
    let Durability::Pipelined {
        syncer,
        checkpointer,
        marks,
    } = durability
    else {
        let results = write(statements, path, batch, None);
        answer(batch.drain(..), results, inflight);
        return;
    };
    // Numbered before its `COMMIT`, so that no read sees it unnumbered.
    let commit = syncer.begin();
    let results = match syncer.failure() {
        Some(reason) => batch
            .iter()
            .flat_map(Waiting::appends)
            .map(|_| Err(batch_failed(path, "sync", reason)))
            .collect(),
        None => write(statements, path, batch, Some(marks)),
    };
    let batch = std::mem::replace(batch, Vec::with_capacity(batch.capacity()));
    let synced = Synced {
        commit,
        marks: marks.get(),
    };
    syncer.push(
        Committed {
            batch,
            results,
            synced,
        },
        path,
        inflight,
    );
    let pages = checkpointer::log_pages();
    if pages >= checkpointer.limit {
        // The checkpointer cannot catch up with a writer that never
        // pauses; between two transactions, this one always does. It
        // syncs like the checkpointer's.
        let conn = statements.conn();
        let _ = conn
            .execute_batch("PRAGMA synchronous = FULL;")
            .and_then(|()| checkpointer::checkpoint(conn))
            .and_then(|()| conn.execute_batch("PRAGMA synchronous = OFF;"));
    } else {
        checkpointer.commit(pages);
    }
}

/// Writes and commits `batch`: the result of each of its appends. When
/// `marks` is given, a commit that wrote rows leaves its marks in it.
fn write(
    statements: &mut Statements<'_>,
    path: &Path,
    batch: &[Waiting],
    marks: Option<&Cell<Marks>>,
) -> Vec<Result<Appended, StoreError>> {
    match transaction(statements, path, batch, Guard::Checks, marks) {
        Some(results) => results,
        None => transaction(statements, path, batch, Guard::Savepoints, marks).unwrap_or_default(),
    }
}

/// Answers the callers of `batch` with `results`, in order.
pub(crate) fn answer(
    batch: impl IntoIterator<Item = Waiting>,
    results: Vec<Result<Appended, StoreError>>,
    inflight: &InFlight,
) {
    let mut results = results.into_iter();
    for waiting in batch {
        // A caller that stopped waiting still had its append committed;
        // a retry with the same command id answers the first result.
        match waiting {
            Waiting::One(append, reply) => {
                let result = results.next();
                let wrote = match &result {
                    Some(Ok(Appended::Written)) => append.after,
                    _ => None,
                };
                inflight.finish((append.tenant, append.record.ticket), wrote);
                if let Some(result) = result {
                    let _ = reply.send(result);
                }
            }
            Waiting::Many(many, replies) => {
                let _ = replies.send(results.by_ref().take(many.len()).collect());
            }
        }
    }
}

/// Writes every append of `batch` in one transaction and commits it: the
/// result of each append, in order. `None` when, under [`Guard::Checks`],
/// an append failed after writing rows; the transaction is then rolled
/// back. With `marks`, a commit that wrote an append sets the marks it
/// leaves, read inside the transaction.
fn transaction(
    statements: &mut Statements<'_>,
    path: &Path,
    batch: &[Waiting],
    guard: Guard,
    marks: Option<&Cell<Marks>>,
) -> Option<Vec<Result<Appended, StoreError>>> {
    let all = batch.iter().flat_map(Waiting::appends);
    let conn = statements.conn();
    if let Err(e) = statements.exec(Sql::Begin) {
        let reason = e.to_string();
        return Some(
            all.map(|_| Err(batch_failed(path, "begin", &reason)))
                .collect(),
        );
    }
    let mut results: Vec<Result<Appended, StoreError>> = Vec::new();
    let mut broken: Option<String> = None;
    let mut text = Vec::new();
    for append in all {
        if let Some(reason) = &broken {
            results.push(Err(batch_failed(path, "write", reason)));
            continue;
        }
        let result = match guard {
            Guard::Savepoints => one(statements, path, append, &mut text, &mut broken),
            Guard::Checks => {
                let mut wrote = false;
                let result = append::write(statements, path, append, &mut text, &mut wrote);
                if result.is_err() && wrote && !conn.is_autocommit() {
                    let _ = exec(conn, "ROLLBACK");
                    return None;
                }
                check_open(conn, &result, &mut broken);
                result
            }
        };
        results.push(result);
    }
    let wrote = results.iter().any(|r| matches!(r, Ok(Appended::Written)));
    let outcome = match &broken {
        Some(reason) => Err(reason.clone()),
        None => append::write_text(statements, path, &text)
            .map_err(|e| e.to_string())
            .and_then(|()| match marks {
                Some(_) if wrote => Marks::read(conn).map(Some).map_err(|e| e.to_string()),
                _ => Ok(None),
            })
            .and_then(|left| {
                statements.exec(Sql::Commit).map_err(|e| e.to_string())?;
                Ok(left)
            }),
    };
    match outcome {
        Ok(left) => {
            if let (Some(marks), Some(left)) = (marks, left) {
                marks.set(left);
            }
        }
        Err(reason) => {
            if !conn.is_autocommit() {
                // Nothing of this batch may survive a failed commit.
                let _ = exec(conn, "ROLLBACK");
            }
            lost(batch, &mut results, &|| {
                batch_failed(path, "commit", &reason)
            });
        }
    }
    Some(results)
}

/// Fails, in the `results` of a transaction that was rolled back, every
/// append it wrote and every duplicate of one of them: the record a
/// duplicate was answered from was written in the same transaction, and is
/// gone. So is every refusal for a mail's id or a ticket number that one
/// of them carried, which it may have taken (an id it carried may have
/// been bound before, to its own ticket: that refusal then comes again
/// on a retry). A duplicate of an earlier commit still stands, and so
/// does a refusal no written append shares an id or a number with.
fn lost(
    batch: &[Waiting],
    results: &mut [Result<Appended, StoreError>],
    failure: &dyn Fn() -> StoreError,
) {
    let appends = || batch.iter().flat_map(Waiting::appends).zip(results.iter());
    let wrote = || {
        appends()
            .filter(|(_, result)| matches!(result, Ok(Appended::Written)))
            .map(|(append, _)| append)
    };
    let written: HashSet<_> = wrote()
        .map(|append| (append.tenant, append.record.command))
        .collect();
    let bound: HashSet<_> = wrote()
        .filter_map(|append| Some((append.tenant, append.message()?)))
        .collect();
    let numbered: HashSet<_> = wrote()
        .filter_map(|append| Some((append.tenant, append.number()?)))
        .collect();
    let failed: Vec<bool> = appends()
        .map(|(append, result)| match result {
            Ok(Appended::Written) => true,
            Ok(Appended::Duplicate(_)) => written.contains(&(append.tenant, append.record.command)),
            Err(StoreError::MessageBound { message, .. }) => {
                bound.contains(&(append.tenant, message))
            }
            Err(StoreError::NumberTaken { number, .. }) => {
                numbered.contains(&(append.tenant, *number))
            }
            Err(_) => false,
        })
        .collect();
    for (result, failed) in results.iter_mut().zip(failed) {
        if failed {
            *result = Err(failure());
        }
    }
}

/// Notes in `broken` that SQLite rolled back the whole transaction (a
/// full disk, an I/O error) while it wrote an append that ended in
/// `result`.
fn check_open(
    conn: &Connection,
    result: &Result<Appended, StoreError>,
    broken: &mut Option<String>,
) {
    if conn.is_autocommit() {
        *broken = Some(match result {
            Err(e) => e.to_string(),
            Ok(_) => "the transaction ended".to_owned(),
        });
    }
}

/// One append inside its savepoint. When SQLite has rolled back the whole
/// transaction, `broken` says why and the batch fails.
fn one<'a>(
    statements: &mut Statements<'_>,
    path: &Path,
    append: &'a Encoded,
    text: &mut Vec<(i64, bool, &'a str)>,
    broken: &mut Option<String>,
) -> Result<Appended, StoreError> {
    let conn = statements.conn();
    if let Err(e) = exec(conn, "SAVEPOINT append") {
        *broken = Some(e.to_string());
        return Err(batch_failed(path, "savepoint", &e.to_string()));
    }
    let indexed = text.len();
    let mut wrote = false;
    match append::write(statements, path, append, text, &mut wrote) {
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
            check_open(conn, &other, broken);
            if broken.is_none()
                && let Err(e) =
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

pub(crate) fn batch_failed(path: &Path, stage: &'static str, reason: &str) -> StoreError {
    SqliteError::Batch {
        path: path.to_owned(),
        stage,
        reason: reason.to_owned(),
    }
    .into()
}
