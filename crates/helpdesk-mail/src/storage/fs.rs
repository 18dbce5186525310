//! [`FsAttachments`]: attachments in a directory.

use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::sync::{Arc, OnceLock};

use tokio::sync::oneshot;
use uuid::Uuid;

use super::fs_batch::{self, Job};
use super::{AttachmentError, AttachmentKey, AttachmentStore};

/// Keeps attachments as files under a root directory, one directory per
/// tenant; each file is written to a temporary name, synced, then renamed
/// into place, and its directory synced, so a reader never sees half a
/// file and a put that answered survives a crash.
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
    /// The writer thread's queue, started by the first put (or why it
    /// could not start).
    writer: Arc<OnceLock<Result<Sender<Job>, String>>>,
}

impl FsAttachments {
    /// A store under `root` (created on the first write).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            writer: Arc::default(),
        }
    }

    fn error(
        &self,
        operation: &'static str,
        key: &AttachmentKey,
        e: impl ToString,
    ) -> AttachmentError {
        AttachmentError {
            store: self.root.display().to_string(),
            operation,
            key: key.clone(),
            reason: e.to_string(),
        }
    }
}

impl AttachmentStore for FsAttachments {
    async fn put(&self, tenant: Uuid, bytes: &[u8]) -> Result<AttachmentKey, AttachmentError> {
        let key = AttachmentKey::of(bytes);
        let writer = self
            .writer
            .get_or_init(|| fs_batch::start().map_err(|e| format!("start the writer: {e}")))
            .as_ref()
            .map_err(|e| self.error("put", &key, e))?;
        let (reply, answer) = oneshot::channel();
        let job = Job {
            path: self.root.join(key.path(tenant)),
            bytes: bytes.to_vec(),
            reply,
        };
        let stopped = || self.error("put", &key, "the writer stopped");
        writer.send(job).map_err(|_| stopped())?;
        answer
            .await
            .map_err(|_| stopped())?
            .map_err(|e| self.error("put", &key, e))?;
        Ok(key)
    }

    async fn get(
        &self,
        tenant: Uuid,
        key: &AttachmentKey,
    ) -> Result<Option<Vec<u8>>, AttachmentError> {
        match tokio::fs::read(self.root.join(key.path(tenant))).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.error("get", key, e)),
        }
    }
}
