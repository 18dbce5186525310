//! [`ObjectStoreAttachments`]: attachments in an `object_store` backend.

use std::sync::Arc;

use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use uuid::Uuid;

use super::{AttachmentError, AttachmentKey, AttachmentStore};

/// Keeps attachments in any [`ObjectStore`]: S3 and S3-compatible services
/// (MinIO, Ceph, R2) with this crate's `s3` feature, Azure or GCS; each
/// file one object under
/// `{prefix}/{tenant}/{first two digits of its key}/{key}`. Each read
/// checks the bytes against their key (their SHA-256), so an object
/// damaged or replaced answers an error, never other bytes.
///
/// A put answers once the object store has taken the whole file (an S3
/// `PUT` answered), so it is as durable as the backend makes what it has
/// answered: S3 and the services like it keep an object durably before
/// they answer its `PUT`. `object_store`'s `LocalFileSystem` does not: it
/// writes a temporary file and renames it without syncing either, so a put
/// that answered may not survive a power loss. Keep attachments on a local
/// disk with [`FsAttachments`](crate::FsAttachments) (or
/// `SqliteAttachments`), which sync before they answer; `LocalFileSystem`
/// is for tests. While the service cannot be reached, `object_store`
/// retries each request as its `RetryConfig` says (by default up to 10
/// times within 3 minutes), and an ingest waits for it; a host that would
/// rather fail fast and offer the mail again later sets a shorter one with
/// the builder's `with_retry`.
///
/// ```
/// use std::sync::Arc;
/// use helpdesk_mail::{AttachmentStore, ObjectStoreAttachments};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let bucket = Arc::new(object_store::memory::InMemory::new());
/// let store = ObjectStoreAttachments::new(bucket, "helpdesk");
/// let tenant = uuid::Uuid::from_u128(1);
/// let key = store.put(tenant, b"hello").await.unwrap();
/// assert_eq!(store.get(tenant, &key).await.unwrap().as_deref(), Some(&b"hello"[..]));
/// # });
/// ```
///
/// On S3, with the credentials, region and endpoint of the `AWS_*`
/// environment variables:
///
/// ```no_run
/// # #[cfg(feature = "s3")]
/// # fn main() -> Result<(), object_store::Error> {
/// use std::sync::Arc;
/// use helpdesk_mail::ObjectStoreAttachments;
/// use object_store::aws::AmazonS3Builder;
///
/// let bucket = AmazonS3Builder::from_env()
///     .with_bucket_name("helpdesk-files")
///     .build()?;
/// let files = ObjectStoreAttachments::new(Arc::new(bucket), "helpdesk");
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "s3"))]
/// # fn main() {}
/// ```
#[derive(Debug, Clone)]
pub struct ObjectStoreAttachments {
    store: Arc<dyn ObjectStore>,
    prefix: String,
}

impl ObjectStoreAttachments {
    /// Attachments in `store` under `prefix`.
    pub fn new(store: Arc<dyn ObjectStore>, prefix: impl Into<String>) -> Self {
        Self {
            store,
            prefix: prefix.into(),
        }
    }

    /// The prefix its files are kept under.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use helpdesk_mail::ObjectStoreAttachments;
    /// let bucket = Arc::new(object_store::memory::InMemory::new());
    /// assert_eq!(ObjectStoreAttachments::new(bucket, "helpdesk").prefix(), "helpdesk");
    /// ```
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn location(&self, tenant: Uuid, key: &AttachmentKey) -> Path {
        Path::from(format!(
            "{}/{}",
            self.prefix.trim_end_matches('/'),
            key.path(tenant)
        ))
    }

    fn error(
        &self,
        operation: &'static str,
        key: &AttachmentKey,
        e: impl ToString,
    ) -> AttachmentError {
        let store = format!("{} ({})", self.store, self.prefix);
        AttachmentError::new(store, operation, key, e)
    }
}

impl AttachmentStore for ObjectStoreAttachments {
    async fn put(&self, tenant: Uuid, bytes: &[u8]) -> Result<AttachmentKey, AttachmentError> {
        let key = AttachmentKey::of(bytes);
        let payload = PutPayload::from(bytes.to_vec());
        self.store
            .put(&self.location(tenant, &key), payload)
            .await
            .map_err(|e| self.error("put", &key, e))?;
        Ok(key)
    }

    async fn get(
        &self,
        tenant: Uuid,
        key: &AttachmentKey,
    ) -> Result<Option<Vec<u8>>, AttachmentError> {
        let location = self.location(tenant, key);
        let bytes = match self.store.get(&location).await {
            Ok(found) => found.bytes().await.map_err(|e| self.error("get", key, e))?,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(self.error("get", key, e)),
        };
        // Hashed off the runtime's threads: a file may be large.
        let wanted = key.clone();
        let checked = tokio::task::spawn_blocking(move || match wanted.check(&bytes) {
            Ok(()) => Ok(bytes.to_vec()),
            Err(damaged) => Err(format!("{location}: {damaged}")),
        });
        let bytes = checked
            .await
            .map_err(|e| self.error("get", key, e))?
            .map_err(|e| self.error("get", key, e))?;
        Ok(Some(bytes))
    }
}
