//! [`AttachmentStore`]: where the files that come with mail are kept.
//!
//! Tickets hold a reference to each attachment (its key, name, detected
//! content type and size); the bytes live in an attachment store. Keys are
//! the SHA-256 of the content, so a mail fetched twice stores its files
//! once, and a key names the same bytes forever. Each tenant's files are
//! kept apart: a key looked up under another tenant finds nothing.
//!
//! [`FsAttachments`] keeps them in a directory; with the `sqlite` feature,
//! [`SqliteAttachments`] keeps them in a SQLite database file (no file per
//! attachment); with the `object-store` feature, [`ObjectStoreAttachments`]
//! keeps them in any `object_store` backend (S3 and compatible services,
//! Azure, GCS), as durably as the backend keeps what it answered (its
//! local file system does not sync: see [`ObjectStoreAttachments`]).

mod fs;
mod fs_batch;
#[cfg(feature = "object-store")]
mod object;
#[cfg(feature = "sqlite")]
mod pack;
#[cfg(feature = "sqlite")]
mod pack_writer;
#[cfg(feature = "sqlite")]
mod sqlite;
mod writer;

use std::fmt;
use std::future::Future;

use sha2::{Digest, Sha256};
use uuid::Uuid;

pub use fs::FsAttachments;
#[cfg(feature = "object-store")]
pub use object::ObjectStoreAttachments;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteAttachments;

/// The key of stored content: the hex SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AttachmentKey(String);

impl AttachmentKey {
    /// The key of `bytes`.
    ///
    /// ```
    /// use helpdesk_mail::AttachmentKey;
    ///
    /// let key = AttachmentKey::of(b"hello");
    /// assert_eq!(key.as_str(), "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    /// assert_eq!(AttachmentKey::parse(key.as_str()), Some(key));
    /// assert_eq!(AttachmentKey::parse("../../etc/passwd"), None);
    /// ```
    pub fn of(bytes: &[u8]) -> Self {
        Self::from_digest(&Sha256::digest(bytes).into())
    }

    /// The key of the content whose SHA-256 is `digest`.
    pub(crate) fn from_digest(digest: &[u8; 32]) -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let hex = digest
            .iter()
            .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]])
            .map(char::from)
            .collect();
        Self(hex)
    }

    /// The SHA-256 the key is the hex digits of.
    #[cfg(feature = "sqlite")]
    pub(crate) fn digest(&self) -> [u8; 32] {
        let mut digest = [0; 32];
        for (byte, pair) in digest.iter_mut().zip(self.0.as_bytes().chunks(2)) {
            let digit = |c: u8| match c {
                b'0'..=b'9' => c - b'0',
                _ => c.wrapping_sub(b'a').wrapping_add(10) & 0xf,
            };
            *byte = digit(pair[0]) << 4 | digit(pair[1]);
        }
        digest
    }

    /// A key read back from a reference: 64 lower-case hex digits, or none.
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == 64
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .then(|| Self(text.to_string()))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Checks that `bytes`, read back under this key, are its content: a
    /// store answers no other bytes than the key's.
    pub(crate) fn check(&self, bytes: &[u8]) -> Result<(), Damaged> {
        if Self::of(bytes) == *self {
            Ok(())
        } else {
            Err(Damaged {
                length: bytes.len(),
            })
        }
    }

    /// Where a tenant's content lives under a store's root:
    /// `{tenant}/{first two digits}/{key}`.
    pub(crate) fn path(&self, tenant: Uuid) -> String {
        format!("{tenant}/{}/{}", &self.0[..2], self.0)
    }
}

impl fmt::Display for AttachmentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Bytes read back under a key whose SHA-256 they are not: the copy kept
/// was changed or cut short after it was put.
#[derive(Debug, thiserror::Error)]
#[error("the {length} bytes stored are damaged: their SHA-256 differs from the key")]
pub(crate) struct Damaged {
    /// How many bytes were read back.
    length: usize,
}

/// Why an attachment store failed.
#[derive(Debug, thiserror::Error)]
#[error("attachment store {store}: {operation} {key}: {reason}")]
pub struct AttachmentError {
    /// Which store (its root or bucket).
    pub store: String,
    /// `put` or `get`.
    pub operation: &'static str,
    /// The content's key.
    pub key: AttachmentKey,
    /// The underlying error.
    pub reason: String,
}

impl AttachmentError {
    /// The failure of `operation` on `key` in `store`, for `reason`.
    pub(crate) fn new(
        store: impl fmt::Display,
        operation: &'static str,
        key: &AttachmentKey,
        reason: impl ToString,
    ) -> Self {
        Self {
            store: store.to_string(),
            operation,
            key: key.clone(),
            reason: reason.to_string(),
        }
    }
}

/// Keeps attachment bytes by tenant and content key. Implement it to keep
/// them elsewhere; `put` must be idempotent and durable when it returns.
pub trait AttachmentStore: Send + Sync {
    /// Stores `bytes` for `tenant`, answering their key.
    fn put(
        &self,
        tenant: Uuid,
        bytes: &[u8],
    ) -> impl Future<Output = Result<AttachmentKey, AttachmentError>> + Send;

    /// The bytes stored under `key` for `tenant`, or none.
    fn get(
        &self,
        tenant: Uuid,
        key: &AttachmentKey,
    ) -> impl Future<Output = Result<Option<Vec<u8>>, AttachmentError>> + Send;
}
