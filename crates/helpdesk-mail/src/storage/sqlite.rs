//! [`SqliteAttachments`]: attachments in a SQLite database file.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use uuid::Uuid;

use super::writer::{Reply, Writer};
use super::{AttachmentError, AttachmentKey, AttachmentStore};

/// The most files one transaction writes.
const MAX_BATCH: usize = 256;

/// The bytes after which a transaction takes no more files.
const MAX_BATCH_BYTES: usize = 64 << 20;

/// How long a connection waits for another process's lock on the file.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS attachments (
    tenant BLOB NOT NULL,
    key TEXT NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (tenant, key)
);";

/// Keeps attachments in one SQLite database file, one row per tenant and
/// key, in write-ahead-log mode with every commit synced: a put that
/// answered survives a crash, and a reader never sees half a file.
///
/// A desk that takes in much mail writes a file or more per mail (the
/// original is always kept). [`FsAttachments`](crate::FsAttachments) makes
/// an inode, a rename and a directory entry of each; here each is a row,
/// and the files put at once are written by one thread in one transaction
/// with one sync (group commit). Keep the database apart from the desk's
/// store, so that attachments do not grow the store's backups.
///
/// The file is opened by the first put, and by each next one while it
/// cannot be; several processes may share it. Clones share the writer
/// thread and the reading connection.
///
/// ```
/// use helpdesk_mail::{AttachmentStore, SqliteAttachments};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let dir = tempfile::tempdir().unwrap();
/// let store = SqliteAttachments::new(dir.path().join("attachments.db"));
/// let tenant = uuid::Uuid::from_u128(1);
/// let key = store.put(tenant, b"%PDF-1.7 ...").await.unwrap();
/// assert_eq!(store.get(tenant, &key).await.unwrap().as_deref(), Some(&b"%PDF-1.7 ..."[..]));
/// // Another tenant does not find it.
/// assert_eq!(store.get(uuid::Uuid::from_u128(2), &key).await.unwrap(), None);
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct SqliteAttachments {
    path: PathBuf,
    writer: Writer<Job>,
    /// The connection gets read through, opened by the first get.
    reader: Arc<Mutex<Option<Connection>>>,
}

/// A file to write, and whom to answer once it is durable.
struct Job {
    tenant: Uuid,
    key: AttachmentKey,
    bytes: Vec<u8>,
    reply: Reply,
}

impl SqliteAttachments {
    /// A store in the database file at `path` (created on the first write).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            writer: Writer::default(),
            reader: Arc::default(),
        }
    }

    fn error(
        &self,
        operation: &'static str,
        key: &AttachmentKey,
        e: impl ToString,
    ) -> AttachmentError {
        AttachmentError::new(self.path.display(), operation, key, e)
    }
}

impl AttachmentStore for SqliteAttachments {
    async fn put(&self, tenant: Uuid, bytes: &[u8]) -> Result<AttachmentKey, AttachmentError> {
        let key = AttachmentKey::of(bytes);
        let start = || {
            let (jobs, receiver) = mpsc::channel();
            let path = self.path.clone();
            std::thread::Builder::new()
                .name("helpdesk-attachments".into())
                .spawn(move || write(&path, &receiver))
                .map_err(|e| format!("start the writer: {e}"))?;
            Ok(jobs)
        };
        let job = |reply| Job {
            tenant,
            key: key.clone(),
            bytes: bytes.to_vec(),
            reply,
        };
        self.writer
            .write(start, job)
            .await
            .map_err(|e| self.error("put", &key, e))?;
        Ok(key)
    }

    async fn get(
        &self,
        tenant: Uuid,
        key: &AttachmentKey,
    ) -> Result<Option<Vec<u8>>, AttachmentError> {
        let (path, reader, wanted) = (self.path.clone(), self.reader.clone(), key.clone());
        let read = tokio::task::spawn_blocking(move || {
            let mut reader = reader.lock().unwrap_or_else(PoisonError::into_inner);
            let connection = match reader.as_mut() {
                Some(connection) => connection,
                None if !path.exists() => return Ok(None),
                None => reader.insert(open_reader(&path)?),
            };
            let select = "SELECT bytes FROM attachments WHERE tenant = ?1 AND key = ?2";
            let mut statement = match connection.prepare_cached(select) {
                // A database whose first write has not made its table yet.
                Err(rusqlite::Error::SqliteFailure(_, Some(reason)))
                    if reason.starts_with("no such table") =>
                {
                    return Ok(None);
                }
                prepared => prepared?,
            };
            statement
                .query_row(params![tenant.as_bytes(), wanted.as_str()], |row| {
                    row.get::<_, Vec<u8>>(0)
                })
                .optional()
        });
        read.await
            .map_err(|e| self.error("get", key, e))?
            .map_err(|e| self.error("get", key, e))
    }
}

/// A connection that reads the database at `path`, and changes nothing.
fn open_reader(path: &Path) -> rusqlite::Result<Connection> {
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    Ok(connection)
}

/// The database at `path`, created with its table if new, in WAL mode with
/// every commit synced.
fn open(path: &Path) -> rusqlite::Result<Connection> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.execute_batch(SCHEMA)?;
    Ok(connection)
}

/// The writer thread: takes the first file waiting and every other one
/// already queued (up to [`MAX_BATCH`] files, and no more once they reach
/// [`MAX_BATCH_BYTES`]), writes them in one transaction, and answers each
/// once it is committed. While it waits for the disk, new files queue and
/// form the next batch. The database at `path` is opened for the first
/// batch, and again for each next one while it cannot be (each file is
/// answered with why). Ends once every sender is dropped.
fn write(path: &Path, jobs: &Receiver<Job>) {
    let mut connection: Option<Connection> = None;
    while let Ok(first) = jobs.recv() {
        let mut bytes = first.bytes.len();
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH && bytes < MAX_BATCH_BYTES {
            match jobs.try_recv() {
                Ok(job) => {
                    bytes += job.bytes.len();
                    batch.push(job);
                }
                Err(_) => break,
            }
        }
        let opened = match connection.as_mut() {
            Some(opened) => Ok(opened),
            None => open(path).map(|opened| connection.insert(opened)),
        };
        let results = match opened {
            Ok(opened) => write_batch(opened, &batch),
            Err(e) => {
                let reason = format!("open: {e}");
                batch.iter().map(|_| Err(reason.clone())).collect()
            }
        };
        tracing::trace!(files = batch.len(), bytes, "attachments committed");
        for (job, result) in batch.into_iter().zip(results) {
            // A caller that stopped waiting still has its file.
            let _ = job.reply.send(result);
        }
    }
}

/// Writes `batch` in one transaction, taken at once (so a lock held by
/// another process is waited for once, not by each file): each file's
/// result, in order. A file that fails alone (one a trigger refuses, say)
/// fails alone; when the transaction cannot begin or commit, every file
/// does.
fn write_batch(connection: &mut Connection, batch: &[Job]) -> Vec<Result<(), String>> {
    let every = |step: &str, e: rusqlite::Error| {
        let reason = format!("{step}: {e}");
        batch.iter().map(|_| Err(reason.clone())).collect()
    };
    let transaction = match connection.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(transaction) => transaction,
        Err(e) => return every("begin", e),
    };
    let results = {
        let mut insert = match transaction.prepare_cached(
            "INSERT INTO attachments (tenant, key, bytes) VALUES (?1, ?2, ?3) \
             ON CONFLICT (tenant, key) DO NOTHING",
        ) {
            Ok(insert) => insert,
            Err(e) => return every("prepare", e),
        };
        batch
            .iter()
            .map(|job| {
                insert
                    .execute(params![job.tenant.as_bytes(), job.key.as_str(), job.bytes])
                    .map(drop)
                    .map_err(|e| e.to_string())
            })
            .collect::<Vec<_>>()
    };
    match transaction.commit() {
        Ok(()) => results,
        Err(e) => every("commit", e),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::{Job, open, write_batch};
    use crate::AttachmentKey;
    use uuid::Uuid;

    fn job(tenant: u128, bytes: &[u8]) -> Job {
        let (reply, _) = tokio::sync::oneshot::channel();
        Job {
            tenant: Uuid::from_u128(tenant),
            key: AttachmentKey::of(bytes),
            bytes: bytes.to_vec(),
            reply,
        }
    }

    #[test]
    fn a_batch_fails_only_its_broken_files() {
        // Given a database that refuses files over 1,000 bytes, and a batch
        // of four files: one too large, one twice, one for two tenants.
        let dir = tempfile::tempdir().unwrap();
        let mut connection = open(&dir.path().join("a.db")).unwrap();
        connection
            .execute_batch(
                "CREATE TRIGGER refuse BEFORE INSERT ON attachments \
                 WHEN length(NEW.bytes) > 1000 BEGIN SELECT RAISE(ABORT, 'too big'); END;",
            )
            .unwrap();
        let batch = [
            job(1, b"first"),
            job(1, &[7; 2_000]),
            job(1, b"first"),
            job(2, b"first"),
        ];

        // When it is written.
        let results = write_batch(&mut connection, &batch);

        // Then only the large file failed, and the others are kept, once
        // per tenant.
        assert!(results[0].is_ok() && results[2].is_ok() && results[3].is_ok());
        assert!(
            results[1].as_ref().unwrap_err().contains("too big"),
            "{results:?}"
        );
        let rows: i64 = connection
            .query_row("SELECT count(*) FROM attachments", [], |row| row.get(0))
            .unwrap();
        assert_eq!(rows, 2);
    }
}
