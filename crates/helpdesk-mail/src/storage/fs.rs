//! [`FsAttachments`]: attachments in a directory.

use std::io::Write;
use std::path::PathBuf;

use uuid::Uuid;

use super::{AttachmentError, AttachmentKey, AttachmentStore};

/// Keeps attachments as files under a root directory, one directory per
/// tenant; each file is written to a temporary name, synced, then renamed
/// into place, so a reader never sees half a file.
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
}

impl FsAttachments {
    /// A store under `root` (created on the first write).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
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
        let path = self.root.join(key.path(tenant));
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(key);
        }
        let bytes = bytes.to_vec();
        let write = {
            let path = path.clone();
            move || -> std::io::Result<()> {
                let dir = path.parent().unwrap_or(&path);
                std::fs::create_dir_all(dir)?;
                let mut file = tempfile::NamedTempFile::new_in(dir)?;
                file.write_all(&bytes)?;
                file.as_file().sync_all()?;
                file.persist(&path).map_err(|e| e.error)?;
                Ok(())
            }
        };
        tokio::task::spawn_blocking(write)
            .await
            .map_err(|e| self.error("put", &key, e))?
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
