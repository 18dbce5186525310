//! [`SqliteAttachments`]: attachments in a pack file, indexed by a SQLite
//! database beside it.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use uuid::Uuid;

use super::pack::{self, Record};
use super::pack_writer::{self, BUSY_TIMEOUT, Job};
use super::writer::Writer;
use super::{AttachmentError, AttachmentKey, AttachmentStore};

/// Keeps attachments in a pack file, each tenant's files found through a
/// SQLite database beside it: a put that answered survives a crash and a
/// power loss, and a reader never sees half a file.
///
/// A desk that takes in much mail writes a file or more per mail (the
/// original is always kept). [`FsAttachments`](crate::FsAttachments) makes
/// an inode, a rename and a directory entry of each. Here the files put at
/// once are appended by one thread to one file, `{path}-pack`, each behind
/// a header naming its tenant, key and length, with one sync (group
/// commit); then their rows, some 100 bytes each, are committed to the
/// database at `path`. Each file's bytes are written once, in a few large
/// writes, and a put waits for one sync. The pack is what makes a put
/// durable: should a power loss take the index's last commits, readers
/// find those files past the end the index records, and the next writer
/// to open the files indexes them again. Each read checks the bytes
/// against their key (their SHA-256), so a damaged pack answers an error,
/// never other bytes; putting the bytes of a damaged record again appends
/// them anew and points the index at the new copy (a put of bytes kept
/// already reads their record back, to check it).
///
/// Nothing is ever removed, so the pack only grows, by the size of each
/// new file and its header (the same bytes put again are kept once per
/// tenant, and again only when their record was damaged). Keep the two
/// files apart from the desk's store, so that attachments do not grow the
/// store's backups, and back them up together, the database first.
///
/// The files are opened by the first put, and by each next one while they
/// cannot be; several processes may share them (they take turns through
/// the database's write lock). Clones share the writer thread and the
/// reading connection. A database written before the pack (its files as
/// rows of an `attachments` table) is still read.
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
/// assert!(dir.path().join("attachments.db-pack").exists());
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct SqliteAttachments {
    path: PathBuf,
    writer: Writer<Job>,
    /// What gets read through, opened by the first get.
    reader: Arc<Mutex<Option<Reader>>>,
}

/// A connection that reads the index, and the pack once a file is found
/// in it.
#[derive(Debug)]
struct Reader {
    index: Connection,
    pack: Option<File>,
}

impl SqliteAttachments {
    /// A store indexed by the database file at `path`, its bytes in
    /// `{path}-pack` (both created on the first write).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            writer: Writer::default(),
            reader: Arc::default(),
        }
    }

    /// The database file the store is indexed by (its pack is beside it,
    /// named with `-pack` added).
    ///
    /// ```
    /// use helpdesk_mail::SqliteAttachments;
    ///
    /// let store = SqliteAttachments::new("/var/lib/desk/attachments.db");
    /// assert_eq!(store.path(), std::path::Path::new("/var/lib/desk/attachments.db"));
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
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
                .spawn(move || pack_writer::run(&path, &receiver))
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
            let reader = match reader.as_mut() {
                Some(reader) => reader,
                None if !path.exists() => return Ok(None),
                None => reader.insert(Reader::open(&path).map_err(|e| e.to_string())?),
            };
            reader.read(&path, tenant, &wanted)
        });
        read.await
            .map_err(|e| self.error("get", key, e))?
            .map_err(|e| self.error("get", key, e))
    }
}

impl Reader {
    /// Opens the database at `path` to read, changing nothing.
    fn open(path: &Path) -> rusqlite::Result<Self> {
        let index = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        index.busy_timeout(BUSY_TIMEOUT)?;
        Ok(Self { index, pack: None })
    }

    /// The bytes of `key` for `tenant`, from the pack beside `path` (or
    /// from the earlier layout's rows), checked against their key.
    fn read(
        &mut self,
        path: &Path,
        tenant: Uuid,
        key: &AttachmentKey,
    ) -> Result<Option<Vec<u8>>, String> {
        let id = params![tenant.as_bytes(), key.as_str()];
        let place = "SELECT start, length FROM packed WHERE tenant = ?1 AND key = ?2";
        if let Some((start, length)) =
            self.select(place, id, |row| Ok((row.get(0)?, row.get(1)?)))?
        {
            let record = Record {
                tenant,
                key: key.clone(),
                start,
                length,
            };
            let Some(pack) = self.pack(path)? else {
                return Err(format!("{} is missing", pack::pack_path(path).display()));
            };
            let damaged = match record.read(pack) {
                Ok(Some(bytes)) => return Ok(Some(bytes)),
                Ok(None) => format!(
                    "the {length} bytes at {start} of {} are not the file's: \
                     their SHA-256 differs from its key",
                    pack::pack_path(path).display()
                ),
                Err(e) => format!("{} at {start}: {e}", pack::pack_path(path).display()),
            };
            // A writer may have pointed the row at a copy written anew
            // since the row was read.
            #[cfg(test)]
            tests::between_reads();
            let now = self.select(place, id, |row| Ok((row.get(0)?, row.get(1)?)))?;
            if let Some((start, length)) = now.filter(|&now| now != (start, length)) {
                let moved = Record {
                    tenant,
                    key: key.clone(),
                    start,
                    length,
                };
                if let Some(pack) = self.pack(path)?
                    && let Ok(Some(bytes)) = moved.read(pack)
                {
                    return Ok(Some(bytes));
                }
            }
            // The bytes put again since are past the indexed end while a
            // power loss took the commit that pointed the row at them.
            if let Ok(Some(bytes)) = self.past_end(path, tenant, key) {
                return Ok(Some(bytes));
            }
            return Err(damaged);
        }
        let row = "SELECT bytes FROM attachments WHERE tenant = ?1 AND key = ?2";
        if let Some(bytes) = self.select(row, id, |row| row.get::<_, Vec<u8>>(0))? {
            if AttachmentKey::of(&bytes) != *key {
                return Err(format!(
                    "the {} bytes of its row are not the file's: their SHA-256 differs from its key",
                    bytes.len()
                ));
            }
            return Ok(Some(bytes));
        }
        self.past_end(path, tenant, key)
    }

    /// The bytes of `key` for `tenant` in a whole record past the indexed
    /// end of the pack beside `path`: those of a put whose row a power loss
    /// took, until the next writer to open the pack indexes them again.
    fn past_end(
        &mut self,
        path: &Path,
        tenant: Uuid,
        key: &AttachmentKey,
    ) -> Result<Option<Vec<u8>>, String> {
        let end = self.select("SELECT bytes FROM pack_end", [], |row| row.get(0))?;
        let Some(pack) = self.pack(path)? else {
            return Ok(None);
        };
        let tail = pack::records_from(pack, end.unwrap_or(0)).map_err(|e| e.to_string())?;
        for record in tail {
            if record.tenant == tenant
                && record.key == *key
                && let Some(bytes) = record.read(pack).map_err(|e| e.to_string())?
            {
                return Ok(Some(bytes));
            }
        }
        Ok(None)
    }

    /// The first row `sql` selects with `params`, as `row` reads it; none
    /// from a table that is not there yet.
    fn select<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        row: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>, String> {
        match self.index.prepare_cached(sql) {
            Ok(mut statement) => statement
                .query_row(params, row)
                .optional()
                .map_err(|e| e.to_string()),
            // A database whose first write has not made its tables yet.
            Err(e) if no_such_table(&e) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    /// The pack beside `path`, once there is one.
    fn pack(&mut self, path: &Path) -> Result<Option<&mut File>, String> {
        if self.pack.is_none() {
            let pack_path = pack::pack_path(path);
            match File::open(&pack_path) {
                Ok(file) => self.pack = Some(file),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(format!("{}: {e}", pack_path.display())),
            }
        }
        Ok(self.pack.as_mut())
    }
}

/// Whether `e` says a table is missing (a database from before it).
fn no_such_table(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(_, Some(reason)) if reason.starts_with("no such table"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::cell::RefCell;

    use uuid::Uuid;

    use super::Reader;
    use crate::AttachmentKey;
    use crate::storage::pack::HEADER;
    use crate::storage::pack_writer::Pack;
    use crate::storage::pack_writer::tests::{damage, job};

    thread_local! {
        /// What a writer does while a read on this thread is between its
        /// two reads of a row.
        static BETWEEN_READS: RefCell<Option<Box<dyn FnOnce()>>> = RefCell::new(None);
    }

    /// Runs what a test set to happen between a read's two reads of a row.
    pub(super) fn between_reads() {
        if let Some(meanwhile) = BETWEEN_READS.take() {
            meanwhile();
        }
    }

    #[test]
    fn a_read_that_finds_its_record_damaged_follows_a_row_moved_meanwhile() {
        // Given a file written, and a byte of its record then changed on the
        // disk: a read answers the damage.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        let (tenant, invoice) = (Uuid::from_u128(1), &b"the invoice, 100 EUR"[..]);
        let key = AttachmentKey::of(invoice);
        let mut writer = Pack::open(&path).unwrap();
        assert!(writer.write(&[job(1, invoice)])[0].is_ok());
        damage(&path, HEADER + 2);
        let mut reader = Reader::open(&path).unwrap();
        let error = reader.read(&path, tenant, &key).unwrap_err();
        assert!(error.contains("SHA-256 differs"), "{error}");

        // And a writer that puts it again while the next read is between
        // its two reads of the row: a copy written anew past the damaged
        // one, and the row pointed at it (below the indexed end, where the
        // records past the end are not looked for).
        BETWEEN_READS.set(Some(Box::new(move || {
            assert!(writer.write(&[job(1, invoice)])[0].is_ok());
        })));

        // When the file is read.
        let read = reader.read(&path, tenant, &key);

        // Then the writer put it meanwhile, and the read followed the row to
        // the new copy and answers its bytes, not the damage.
        assert!(BETWEEN_READS.take().is_none(), "the writer did not run");
        assert_eq!(read, Ok(Some(invoice.to_vec())));
    }
}
