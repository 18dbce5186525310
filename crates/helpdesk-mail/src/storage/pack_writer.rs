//! The writing side of [`SqliteAttachments`](super::SqliteAttachments):
//! files appended to the [pack](super::pack) beside the database, then
//! indexed in it.
//!
//! A batch is written under the database's write lock (so processes that
//! share the files take turns): the records of the files not yet indexed
//! are appended to the pack at the end the index records, the pack is
//! synced, and then their rows and the new end are committed, without a
//! sync of their own. The pack is what makes a put durable: a power loss
//! may take the index's last commits, and opening the pack again indexes
//! the whole records it finds past the end recorded (the readers find them
//! meanwhile). A crash in the middle of a batch leaves bytes past the end,
//! which the next batch writes over; bytes below it are never written
//! again. A file put again whose record is damaged (its bytes changed or
//! cut short on the disk) is appended anew in the batch, and its row
//! pointed at the new record.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{IoSlice, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::mpsc::Receiver;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use uuid::Uuid;

use super::AttachmentKey;
use super::pack::{self, HEADER, Record};
use super::writer::Reply;

/// The most files one transaction writes.
const MAX_BATCH: usize = 256;

/// The bytes after which a transaction takes no more files.
const MAX_BATCH_BYTES: usize = 64 << 20;

/// How long a connection waits for another process's lock on the file.
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The index: where each tenant's file's bytes lie in the pack, and where
/// the pack's indexed records end. `attachments` is the earlier layout, a
/// row holding each file's bytes, still read.
const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS packed (
    tenant BLOB NOT NULL,
    key TEXT NOT NULL,
    start INTEGER NOT NULL,
    length INTEGER NOT NULL,
    PRIMARY KEY (tenant, key)
);
CREATE TABLE IF NOT EXISTS pack_end (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    bytes INTEGER NOT NULL
);";

/// A file to write, and whom to answer once it is durable.
pub(super) struct Job {
    pub(super) tenant: Uuid,
    pub(super) key: AttachmentKey,
    pub(super) bytes: Vec<u8>,
    pub(super) reply: Reply,
}

/// The database and its pack, open for writing.
pub(super) struct Pack {
    index: Connection,
    file: File,
    /// The pack file's length: written bytes, then zeros.
    length: u64,
}

impl Pack {
    /// The database at `path` (created with its tables if new, in WAL mode)
    /// and its pack file (created if new, its directory entry synced), the
    /// whole records past the indexed end indexed.
    pub(super) fn open(path: &Path) -> Result<Self, String> {
        let index = Connection::open(path)
            .and_then(|index| {
                index.busy_timeout(BUSY_TIMEOUT)?;
                index.pragma_update(None, "journal_mode", "WAL")?;
                // The pack is synced; the index is rebuilt from it.
                index.pragma_update(None, "synchronous", "NORMAL")?;
                index.execute_batch(SCHEMA)?;
                Ok(index)
            })
            .map_err(|e| e.to_string())?;
        let path = pack::pack_path(path);
        let created = !path.exists();
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if created {
            sync_directory(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        let length = file
            .metadata()
            .map_err(|e| format!("{}: {e}", path.display()))?
            .len();
        let mut pack = Self {
            index,
            file,
            length,
        };
        pack.recover()
            .map_err(|e| format!("index the records past the end: {e}"))?;
        Ok(pack)
    }

    /// Indexes the whole records past the indexed end: those whose index
    /// rows a power loss took (their bytes were synced first). A record
    /// written anew for a damaged one takes over its row.
    fn recover(&mut self) -> Result<(), String> {
        let transaction = self
            .index
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| e.to_string())?;
        let mut end = indexed_end(&transaction).map_err(|e| e.to_string())?;
        let records = pack::records_from(&mut self.file, end).map_err(|e| e.to_string())?;
        if records.is_empty() {
            return Ok(());
        }
        {
            let mut insert = transaction
                .prepare_cached(INSERT)
                .map_err(|e| e.to_string())?;
            for record in records {
                // A record cut short ends what a crash left whole.
                if record
                    .read(&mut self.file)
                    .map_err(|e| e.to_string())?
                    .is_none()
                {
                    break;
                }
                insert
                    .execute(params![
                        record.tenant.as_bytes(),
                        record.key.as_str(),
                        record.start,
                        record.length
                    ])
                    .map_err(|e| e.to_string())?;
                end = record.start + record.length;
            }
        }
        // Records a crashed batch wrote but never synced are indexed only
        // once they are on the disk: a row moved to a copy a power loss
        // then takes would lose the file.
        self.file.sync_data().map_err(|e| e.to_string())?;
        set_end(&transaction, end).map_err(|e| e.to_string())?;
        transaction.commit().map_err(|e| e.to_string())
    }

    /// Writes `batch` (see the module's documentation): each file's result,
    /// in order. A file whose row is refused (by a trigger, say) fails
    /// alone, with its copies in the batch; when the pack cannot be written or synced, or the transaction
    /// cannot begin or commit, every file does and nothing is indexed.
    pub(super) fn write(&mut self, batch: &[Job]) -> Vec<Result<(), String>> {
        let every = |step: &str, e: &dyn std::fmt::Display| {
            let reason = format!("{step}: {e}");
            batch.iter().map(|_| Err(reason.clone())).collect()
        };
        // Copies indexed already are read back before the write lock is
        // taken, so that reading a large file holds up no other writer: a
        // record below the indexed end is never written again, so what
        // the check found holds while its row still points at it.
        let checked = check_kept(&self.index, &mut self.file, batch);
        let transaction = match self
            .index
            .transaction_with_behavior(TransactionBehavior::Immediate)
        {
            Ok(transaction) => transaction,
            Err(e) => return every("begin", &e),
        };
        let (placed, end) = match place(&transaction, &mut self.file, batch, &checked) {
            Ok(placed) => placed,
            Err(e) => return every("read the index", &e),
        };
        if let Err(e) = append(&mut self.file, &mut self.length, batch, &placed, end) {
            return every("write the pack", &e);
        }
        let results = match index(&transaction, batch, &placed, end) {
            Ok(results) => results,
            Err(e) => return every("index", &e),
        };
        match transaction.commit() {
            Ok(()) => results,
            Err(e) => every("commit", &e),
        }
    }
}

/// Writes the records of the placed files of `batch` into the pack `file`
/// of `length` bytes, one after the other, up to `end`, and syncs it. The
/// file grows by [`GROWTH`] at a time, its blocks reserved ahead, so that
/// most syncs find its size and blocks as they were.
fn append(
    file: &mut File,
    length: &mut u64,
    batch: &[Job],
    placed: &[Option<u64>],
    end: u64,
) -> std::io::Result<()> {
    let Some(first) = placed.iter().flatten().next() else {
        return Ok(());
    };
    if end > *length {
        // The records fill the file up to `end`; reserved blocks go past them.
        let grown = (end / GROWTH + 1) * GROWTH;
        grow(file, *length, end, grown)?;
        *length = grown;
    }
    file.seek(SeekFrom::Start(first - HEADER))?;
    // Written from where the bytes are, with their headers, in one call.
    let records: Vec<&Job> = batch
        .iter()
        .zip(placed)
        .filter(|(_, start)| start.is_some())
        .map(|(job, _)| job)
        .collect();
    let headers: Vec<_> = records
        .iter()
        .map(|job| pack::header(job.tenant, &job.key, job.bytes.len()))
        .collect();
    let mut slices: Vec<IoSlice<'_>> = records
        .iter()
        .zip(&headers)
        .flat_map(|(job, header)| [IoSlice::new(header), IoSlice::new(&job.bytes)])
        .collect();
    write_all_vectored(file, &mut slices)?;
    file.sync_data()
}

/// How much the pack file grows at a time.
const GROWTH: u64 = 4 << 20;

/// Writes every byte of `slices` at `file`'s position, however few each
/// call takes.
fn write_all_vectored(file: &mut File, mut slices: &mut [IoSlice<'_>]) -> std::io::Result<()> {
    IoSlice::advance_slices(&mut slices, 0);
    while !slices.is_empty() {
        match file.write_vectored(slices) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(written) => IoSlice::advance_slices(&mut slices, written),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Grows `file` from `length` to `grown` bytes, of which the records end
/// at `end`: blocks reserved without writing them where the file system
/// can (`fallocate`, whose reserved blocks read as zeros), and zeros
/// written past the records elsewhere. Writing 4 MiB of zeros copied them
/// through the page cache and onto the disk once more than the records.
fn grow(file: &mut File, length: u64, end: u64, grown: u64) -> std::io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    match rustix::fs::fallocate(
        &*file,
        rustix::fs::FallocateFlags::empty(),
        length,
        grown - length,
    ) {
        Ok(()) => return Ok(()),
        Err(rustix::io::Errno::OPNOTSUPP | rustix::io::Errno::NOSYS) => {}
        Err(e) => return Err(e.into()),
    }
    let _ = length;
    file.seek(SeekFrom::Start(end))?;
    file.write_all(&vec![0; (grown - end) as usize])
}

/// Indexes a record, or points the row of its tenant and key at it: the
/// record is new or a fresh copy of a damaged one, and whole either way
/// (written in this batch, or read back whole past the indexed end).
const INSERT: &str = "INSERT INTO packed (tenant, key, start, length) VALUES (?1, ?2, ?3, ?4) \
     ON CONFLICT (tenant, key) DO UPDATE SET start = excluded.start, length = excluded.length";

/// Where the indexed records end.
fn indexed_end(transaction: &Transaction<'_>) -> rusqlite::Result<u64> {
    Ok(transaction
        .query_row("SELECT bytes FROM pack_end", [], |row| row.get(0))
        .optional()?
        .unwrap_or(0))
}

/// Records that the indexed records end at `end`.
fn set_end(transaction: &Transaction<'_>, end: u64) -> rusqlite::Result<()> {
    transaction.execute(
        "INSERT INTO pack_end (only, bytes) VALUES (1, ?1) \
         ON CONFLICT (only) DO UPDATE SET bytes = excluded.bytes",
        [end],
    )?;
    Ok(())
}

/// Where the bytes of each file of `batch` go in the pack (past its
/// record's header): `None` for one indexed already whose record in the
/// pack `file` holds its bytes (or one earlier in the batch); and where the
/// pack then ends. A file whose record does not hold them is placed again.
fn place(
    transaction: &Transaction<'_>,
    file: &mut File,
    batch: &[Job],
    checked: &Checked<'_>,
) -> rusqlite::Result<(Vec<Option<u64>>, u64)> {
    let mut end = indexed_end(transaction)?;
    let mut seen = HashSet::new();
    let mut placed = Vec::with_capacity(batch.len());
    for job in batch {
        let new = seen.insert((job.tenant, &job.key)) && {
            // Checked before the lock unless another writer moved its row
            // since (it wrote a copy anew), which is checked now.
            match (
                kept_at(transaction, job)?,
                checked.get(&(job.tenant, &job.key)),
            ) {
                (None, _) => true,
                (Some(at), Some(&(then, whole))) if at == then => !whole,
                (Some((start, length)), _) => !intact(file, job, start, length),
            }
        };
        placed.push(new.then_some(end + HEADER));
        if new {
            end += HEADER + job.bytes.len() as u64;
        }
    }
    Ok((placed, end))
}

/// The files of a batch indexed already, by tenant and key: where their
/// record was, and whether it held their bytes.
type Checked<'a> = HashMap<(Uuid, &'a AttachmentKey), ((u64, u64), bool)>;

/// Where the record indexed for `job`'s file is: `(start, length)`.
fn kept_at(index: &Connection, job: &Job) -> rusqlite::Result<Option<(u64, u64)>> {
    index
        .prepare_cached("SELECT start, length FROM packed WHERE tenant = ?1 AND key = ?2")?
        .query_row(params![job.tenant.as_bytes(), job.key.as_str()], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()
}

/// Checks the records of the files of `batch` indexed already, without
/// the write lock. A file whose row cannot be read now is left out, to be
/// checked under the lock.
fn check_kept<'a>(index: &Connection, file: &mut File, batch: &'a [Job]) -> Checked<'a> {
    let mut checked = HashMap::new();
    for job in batch {
        if let Entry::Vacant(entry) = checked.entry((job.tenant, &job.key)) {
            if let Ok(Some((start, length))) = kept_at(index, job) {
                entry.insert(((start, length), intact(file, job, start, length)));
            }
        }
    }
    checked
}

/// Whether the record indexed for `job`'s file, its bytes `length` bytes
/// at `start` in the pack `file`, still holds them. Damage (a changed
/// byte, a block lost, the pack cut short) shows only in the record's
/// bytes, and nothing cheaper than them vouches for them, so a file put
/// again is read back: compared with the bytes in hand as they are read,
/// not hashed, and not read at all when its record reaches past the pack's
/// end. One that cannot be read is not intact: it is written anew.
fn intact(file: &mut File, job: &Job, start: u64, length: u64) -> bool {
    let record = Record {
        tenant: job.tenant,
        key: job.key.clone(),
        start,
        length,
    };
    let damage = match record.holds(file, &job.bytes) {
        Ok(true) => return true,
        Ok(false) => "its bytes differ or are cut short".to_string(),
        Err(e) => format!("it cannot be read: {e}"),
    };
    tracing::warn!(
        tenant = %record.tenant,
        key = %record.key,
        start = record.start,
        "an attachment's record in the pack is damaged ({damage}): writing it again"
    );
    false
}

/// The rows of the placed files of `batch`, and the pack's new `end`:
/// each file's result, a copy later in the batch sharing its first's.
fn index(
    transaction: &Transaction<'_>,
    batch: &[Job],
    placed: &[Option<u64>],
    end: u64,
) -> rusqlite::Result<Vec<Result<(), String>>> {
    let mut insert = transaction.prepare_cached(INSERT)?;
    let mut results: Vec<_> = batch
        .iter()
        .zip(placed)
        .map(|(job, start)| match start {
            None => Ok(()),
            Some(start) => insert
                .execute(params![
                    job.tenant.as_bytes(),
                    job.key.as_str(),
                    start,
                    job.bytes.len() as u64
                ])
                .map(drop)
                .map_err(|e| e.to_string()),
        })
        .collect();
    share_with_copies(batch, &mut results);
    set_end(transaction, end)?;
    Ok(results)
}

/// Gives each file of `batch` put again in it (the same tenant and key)
/// the result of its first copy, the only one written.
fn share_with_copies(batch: &[Job], results: &mut [Result<(), String>]) {
    let mut first = HashMap::new();
    for (i, job) in batch.iter().enumerate() {
        match first.entry((job.tenant, &job.key)) {
            Entry::Vacant(entry) => {
                entry.insert(i);
            }
            Entry::Occupied(entry) => results[i] = results[*entry.get()].clone(),
        }
    }
}

/// Makes the directory entry of the new file at `path` durable.
fn sync_directory(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    if let Some(directory) = path.parent() {
        let directory = if directory.as_os_str().is_empty() {
            Path::new(".")
        } else {
            directory
        };
        File::open(directory)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// The writer thread: takes the first file waiting and every other one
/// already queued (up to [`MAX_BATCH`] files, and no more once they reach
/// [`MAX_BATCH_BYTES`]), writes them as one batch, and answers each once it
/// is committed. While it waits for the disk, new files queue and form the
/// next batch. The database at `path` and its pack are opened for the
/// first batch, and again for each next one while they cannot be (each
/// file is answered with why). Ends once every sender is dropped.
pub(super) fn run(path: &Path, jobs: &Receiver<Job>) {
    let mut pack: Option<Pack> = None;
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
        let opened = match pack.as_mut() {
            Some(opened) => Ok(opened),
            None => Pack::open(path).map(|opened| pack.insert(opened)),
        };
        let results = match opened {
            Ok(opened) => opened.write(&batch),
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

#[cfg(test)]
pub(super) mod tests {
    #![allow(clippy::unwrap_used)]

    use std::fs::{File, OpenOptions};
    use std::io::{Read, Seek, SeekFrom, Write};
    use std::path::Path;

    use rusqlite::{Connection, TransactionBehavior};

    use super::{Checked, HEADER, Job, Pack, check_kept, pack, place};
    use crate::AttachmentKey;
    use uuid::Uuid;

    pub(in crate::storage) fn job(tenant: u128, bytes: &[u8]) -> Job {
        let (reply, _) = tokio::sync::oneshot::channel();
        Job {
            tenant: Uuid::from_u128(tenant),
            key: AttachmentKey::of(bytes),
            bytes: bytes.to_vec(),
            reply,
        }
    }

    fn count(pack: &Pack, table: &str) -> i64 {
        pack.index
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
                row.get(0)
            })
            .unwrap()
    }

    /// Where the indexed records of `pack` end.
    fn end(pack: &Pack) -> u64 {
        pack.index
            .query_row("SELECT bytes FROM pack_end", [], |row| row.get(0))
            .unwrap()
    }

    /// Changes the byte at `at` of the pack beside the database at `path`,
    /// as damage on the disk does.
    pub(in crate::storage) fn damage(path: &Path, at: u64) {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(pack::pack_path(path))
            .unwrap();
        let mut byte = [0];
        file.seek(SeekFrom::Start(at)).unwrap();
        file.read_exact(&mut byte).unwrap();
        file.seek(SeekFrom::Start(at)).unwrap();
        file.write_all(&[!byte[0]]).unwrap();
    }

    /// A new pack in `dir` whose index refuses files over 1,000 bytes.
    fn refusing_large_files(dir: &Path) -> Pack {
        let pack = Pack::open(&dir.join("a.db")).unwrap();
        pack.index
            .execute_batch(
                "CREATE TRIGGER refuse BEFORE INSERT ON packed \
                 WHEN NEW.length > 1000 BEGIN SELECT RAISE(ABORT, 'too big'); END;",
            )
            .unwrap();
        pack
    }

    #[test]
    fn a_batch_fails_only_its_broken_files() {
        // Given an index that refuses files over 1,000 bytes, and a batch
        // of four files: one too large, one twice, one for two tenants.
        let dir = tempfile::tempdir().unwrap();
        let mut pack = refusing_large_files(dir.path());
        let batch = [
            job(1, b"first"),
            job(1, &[7; 2_000]),
            job(1, b"first"),
            job(2, b"first"),
        ];

        // When it is written.
        let results = pack.write(&batch);

        // Then only the large file failed, and the others are indexed, once
        // per tenant.
        assert!(results[0].is_ok() && results[2].is_ok() && results[3].is_ok());
        assert!(
            results[1].as_ref().unwrap_err().contains("too big"),
            "{results:?}"
        );
        assert_eq!(count(&pack, "packed"), 2);

        // And written again, nothing new reaches the pack.
        let before = end(&pack);
        assert_eq!(before, 3 * HEADER + 5 + 2_000 + 5);
        assert!(pack.write(&[job(1, b"first")])[0].is_ok());
        assert_eq!(end(&pack), before);

        // And the file holds zeros past the records, which are no record.
        assert_eq!(pack.file.metadata().unwrap().len(), super::GROWTH);
        assert!(
            pack::records_from(&mut pack.file, before)
                .unwrap()
                .is_empty()
        );
        assert_eq!(pack::records_from(&mut pack.file, 0).unwrap().len(), 3);
        assert_eq!(count(&pack, "packed"), 2);
    }

    #[test]
    fn a_file_twice_in_a_batch_whose_row_is_refused_fails_both_times() {
        // Given an index that refuses files over 1,000 bytes.
        let dir = tempfile::tempdir().unwrap();
        let mut pack = refusing_large_files(dir.path());

        // When a batch holds a file too large twice, with a small one
        // between.
        let batch = [job(1, &[7; 2_000]), job(1, b"small"), job(1, &[7; 2_000])];
        let results = pack.write(&batch);

        // Then both copies of the large file fail, as its row was refused,
        // and only the small one is indexed.
        for i in [0, 2] {
            let error = results[i].as_ref().unwrap_err();
            assert!(error.contains("too big"), "copy {i}: {results:?}");
        }
        assert!(results[1].is_ok(), "{results:?}");
        assert_eq!(count(&pack, "packed"), 1);
    }

    #[test]
    fn a_damaged_record_put_again_is_written_anew_in_its_batch() {
        use std::io::{Seek, SeekFrom, Write};

        // Given two files written, and a byte of the first's record then
        // changed on the disk.
        let dir = tempfile::tempdir().unwrap();
        let mut pack = Pack::open(&dir.path().join("a.db")).unwrap();
        let written = pack.write(&[job(1, b"first"), job(1, b"second")]);
        assert!(written.iter().all(Result::is_ok), "{written:?}");
        pack.file.seek(SeekFrom::Start(HEADER + 2)).unwrap();
        pack.file.write_all(b"X").unwrap();
        let before = end(&pack);

        // When a batch puts both again, the first twice, with a new file.
        let batch = [
            job(1, b"first"),
            job(1, b"third"),
            job(1, b"second"),
            job(1, b"first"),
        ];
        let results = pack.write(&batch);

        // Then every put succeeds, and the batch appended the first anew
        // and the new file, one after the other, but not the intact second.
        assert!(results.iter().all(Result::is_ok), "{results:?}");
        assert_eq!(end(&pack), before + 2 * HEADER + 5 + 5);
        let appended = pack::records_from(&mut pack.file, before).unwrap();
        let keys: Vec<_> = appended.iter().map(|r| r.key.clone()).collect();
        assert_eq!(
            keys,
            [AttachmentKey::of(b"first"), AttachmentKey::of(b"third")]
        );
        // And the first's row points at its new record, which reads back
        // whole; one row per file.
        let start: u64 = pack
            .index
            .query_row(
                "SELECT start FROM packed WHERE key = ?1",
                [AttachmentKey::of(b"first").as_str()],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(start, before + HEADER);
        assert_eq!(
            appended[0].read(&mut pack.file).unwrap().as_deref(),
            Some(&b"first"[..])
        );
        assert_eq!(count(&pack, "packed"), 3);
    }

    #[test]
    fn the_pack_grows_ahead_with_its_blocks_reserved_and_reading_as_zeros() {
        use std::io::{Read, Seek, SeekFrom};

        // Given a new pack.
        let dir = tempfile::tempdir().unwrap();
        let mut pack = Pack::open(&dir.path().join("a.db")).unwrap();

        // When a file of 5 MB (past one growth) is written, then a small one.
        let large = vec![9; 5_000_000];
        assert!(pack.write(&[job(1, &large)])[0].is_ok());
        assert!(pack.write(&[job(1, b"small")])[0].is_ok());

        // Then the file grew to the next multiple of the growth, and what
        // lies past the records reads as zeros and holds no record.
        let end = 2 * HEADER + 5_000_000 + 5;
        let length = pack.file.metadata().unwrap().len();
        assert_eq!(length, 2 * super::GROWTH);
        let mut rest = Vec::new();
        pack.file.seek(SeekFrom::Start(end)).unwrap();
        pack.file.read_to_end(&mut rest).unwrap();
        assert_eq!(rest.len() as u64, length - end);
        assert!(rest.iter().all(|&b| b == 0));
        assert!(pack::records_from(&mut pack.file, end).unwrap().is_empty());

        // And on Linux its blocks are reserved: a sync of the records
        // written later allocates none.
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            use std::os::unix::fs::MetadataExt;
            let reserved = pack.file.metadata().unwrap().blocks() * 512;
            assert!(reserved >= length, "{reserved} bytes reserved of {length}");
        }
    }

    /// A pack at `path` that holds the file of the one job of `batch`,
    /// written from it.
    fn written(path: &Path, batch: &[Job; 1]) -> Pack {
        let mut pack = Pack::open(path).unwrap();
        assert!(pack.write(batch)[0].is_ok());
        pack
    }

    /// Another writer on the pack at `path` (another process) putting the
    /// bytes of [`written`]'s job again: a copy written anew past the
    /// first, its row pointed at it. Where the new copy's bytes start.
    fn put_again_by_another_writer(path: &Path) -> u64 {
        let mut other = Pack::open(path).unwrap();
        assert!(other.write(&[job(1, b"first")])[0].is_ok());
        let moved = 2 * HEADER + 5;
        assert_eq!(end(&other), moved + 5);
        moved
    }

    /// What `place` decides for `batch` under the write lock of `index`,
    /// reading records from `file`, with what was `checked` before it.
    fn placed_under_the_lock(
        index: &mut Connection,
        file: &mut File,
        batch: &[Job],
        checked: &Checked<'_>,
    ) -> (Vec<Option<u64>>, u64) {
        let transaction = index
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        place(&transaction, file, batch, checked).unwrap()
    }

    #[test]
    fn a_kept_copy_checked_before_the_lock_is_not_read_again_under_it() {
        // Given a file written, and a batch putting it again whose check
        // before the lock found its record whole.
        let dir = tempfile::tempdir().unwrap();
        let batch = [job(1, b"first")];
        let mut pack = written(&dir.path().join("a.db"), &batch);
        let checked = check_kept(&pack.index, &mut pack.file, &batch);
        let file = (batch[0].tenant, &batch[0].key);
        assert_eq!(checked.get(&file), Some(&((HEADER, 5), true)));

        // When the batch is placed under the lock, given a file that holds
        // no record in place of the pack (a record read there is found cut
        // short).
        let mut empty = pack::tests::scratch(&dir);
        let (placed, new_end) =
            placed_under_the_lock(&mut pack.index, &mut empty, &batch, &checked);

        // Then the file is not written again: its row still points where the
        // check found it whole, so its record was not read again.
        assert_eq!(placed, [None]);
        assert_eq!(new_end, HEADER + 5);
    }

    #[test]
    fn a_row_another_writer_moved_since_the_check_to_a_whole_copy_is_not_written_again() {
        // Given a file written, its record then damaged on the disk, and a
        // batch putting it again whose check before the lock found the
        // damage.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        let batch = [job(1, b"first")];
        let mut pack = written(&path, &batch);
        damage(&path, HEADER + 2);
        let checked = check_kept(&pack.index, &mut pack.file, &batch);
        let file = (batch[0].tenant, &batch[0].key);
        assert_eq!(checked.get(&file), Some(&((HEADER, 5), false)));

        // And another writer that put it again before the batch took the
        // lock.
        let moved = put_again_by_another_writer(&path);

        // When the batch is placed under the lock.
        let (placed, new_end) =
            placed_under_the_lock(&mut pack.index, &mut pack.file, &batch, &checked);

        // Then the copy the row points at now is checked, found whole, and
        // the file is not written again: the pack ends where the other
        // writer left it.
        assert_eq!(placed, [None]);
        assert_eq!(new_end, moved + 5);
    }

    #[test]
    fn a_row_another_writer_moved_since_the_check_to_a_damaged_copy_is_written_again() {
        // Given a file written, and a batch putting it again whose check
        // before the lock found its record whole.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        let batch = [job(1, b"first")];
        let mut pack = written(&path, &batch);
        let checked = check_kept(&pack.index, &mut pack.file, &batch);
        let file = (batch[0].tenant, &batch[0].key);
        assert_eq!(checked.get(&file), Some(&((HEADER, 5), true)));

        // And, before the batch took the lock, that record damaged on the
        // disk, another writer that put it again, and the new copy damaged
        // in turn.
        damage(&path, HEADER + 2);
        let moved = put_again_by_another_writer(&path);
        damage(&path, moved + 2);

        // When the batch is placed under the lock.
        let (placed, new_end) =
            placed_under_the_lock(&mut pack.index, &mut pack.file, &batch, &checked);

        // Then the copy the row points at now is checked, found damaged, and
        // the file is written again past it, not left to the check of a
        // record its row no longer points at.
        assert_eq!(placed, [Some(moved + 5 + HEADER)]);
        assert_eq!(new_end, moved + 5 + HEADER + 5);
    }
}
