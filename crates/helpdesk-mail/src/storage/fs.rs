//! [`FsAttachments`]: attachments in a directory.

use std::path::{Path, PathBuf};

use uuid::Uuid;

use super::fs_batch::{self, Job};
use super::writer::Writer;
use super::{AttachmentError, AttachmentKey, AttachmentStore};

/// Keeps attachments as files under a root directory, one directory per
/// tenant; each file is written to a temporary name, synced, then renamed
/// into place, and its directories synced, so a reader never sees half a
/// file and a put that answered survives a crash. Each read checks the
/// bytes against their key (their SHA-256), so a damaged file answers an
/// error, never other bytes; putting the same bytes again writes it anew.
///
/// Files put at once are written together by one thread and made durable
/// with one round of syncs (group commit): many mails ingested at once do
/// not wait for each other's syncs one by one. Clones share that thread;
/// it ends with the last of them.
///
/// ```
/// use helpdesk_mail::{AttachmentStore, FsAttachments};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let dir = tempfile::tempdir().unwrap();
/// let store = FsAttachments::new(dir.path());
/// let tenant = uuid::Uuid::from_u128(1);
/// let key = store.put(tenant, b"%PDF-1.7 ...").await.unwrap();
/// assert_eq!(store.get(tenant, &key).await.unwrap().as_deref(), Some(&b"%PDF-1.7 ..."[..]));
/// // Another tenant does not find it.
/// assert_eq!(store.get(uuid::Uuid::from_u128(2), &key).await.unwrap(), None);
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct FsAttachments {
    root: PathBuf,
    writer: Writer<Job>,
}

impl FsAttachments {
    /// A store under `root` (created on the first write).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            writer: Writer::default(),
        }
    }

    /// The directory the files are kept under.
    ///
    /// ```
    /// use helpdesk_mail::FsAttachments;
    ///
    /// assert_eq!(FsAttachments::new("/var/lib/desk/files").root(), std::path::Path::new("/var/lib/desk/files"));
    /// ```
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn error(
        &self,
        operation: &'static str,
        key: &AttachmentKey,
        e: impl ToString,
    ) -> AttachmentError {
        AttachmentError::new(self.root.display(), operation, key, e)
    }
}

impl AttachmentStore for FsAttachments {
    async fn put(&self, tenant: Uuid, bytes: &[u8]) -> Result<AttachmentKey, AttachmentError> {
        let key = AttachmentKey::of(bytes);
        let start = || fs_batch::start().map_err(|e| format!("start the writer: {e}"));
        let job = |reply| Job {
            root: self.root.clone(),
            path: self.root.join(key.path(tenant)),
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
        let (path, wanted) = (self.root.join(key.path(tenant)), key.clone());
        let read = tokio::task::spawn_blocking(move || read_checked(&path, &wanted));
        read.await
            .map_err(|e| self.error("get", key, e))?
            .map_err(|e| self.error("get", key, e))
    }
}

/// The bytes of the file at `path`, or none, once checked against `key`:
/// a file damaged on the disk answers why, never other bytes.
fn read_checked(path: &Path, key: &AttachmentKey) -> Result<Option<Vec<u8>>, String> {
    match std::fs::read(path) {
        Ok(bytes) => match key.check(&bytes) {
            Ok(()) => Ok(Some(bytes)),
            Err(damaged) => Err(format!("{}: {damaged}", path.display())),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}
