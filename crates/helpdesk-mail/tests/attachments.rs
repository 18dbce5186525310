//! Attachment stores keep content by tenant and key, idempotently: on the
//! file system, (with the `sqlite` feature) in a SQLite database file, and
//! (with the `object-store` feature) in an object store.
#![allow(clippy::unwrap_used)]

use helpdesk_mail::{AttachmentKey, AttachmentStore, FsAttachments};
use uuid::Uuid;

async fn keeps_content_by_tenant_and_key(store: &impl AttachmentStore) {
    let (acme, globex) = (Uuid::from_u128(1), Uuid::from_u128(2));

    // Given a file stored twice (a mail fetched twice) and another tenant.
    let first = store.put(acme, b"invoice.pdf bytes").await.unwrap();
    let again = store.put(acme, b"invoice.pdf bytes").await.unwrap();
    let other = store.put(acme, b"photo.jpg bytes").await.unwrap();

    // Then the same content has one key; different content another.
    assert_eq!(first, again);
    assert_ne!(first, other);
    assert_eq!(first, AttachmentKey::of(b"invoice.pdf bytes"));
    assert_eq!(
        store.get(acme, &first).await.unwrap().unwrap(),
        b"invoice.pdf bytes"
    );
    assert_eq!(
        store.get(acme, &other).await.unwrap().unwrap(),
        b"photo.jpg bytes"
    );

    // And another tenant finds nothing under the same key.
    assert_eq!(store.get(globex, &first).await.unwrap(), None);
    let missing = AttachmentKey::of(b"never stored");
    assert_eq!(store.get(acme, &missing).await.unwrap(), None);

    // Concurrent puts of the same content all succeed with the same key.
    let puts = (0..8).map(|_| store.put(globex, b"shared"));
    let keys = futures_util::future::join_all(puts).await;
    assert!(
        keys.iter()
            .all(|k| k.as_ref().unwrap() == &AttachmentKey::of(b"shared"))
    );
    assert_eq!(
        store
            .get(globex, &AttachmentKey::of(b"shared"))
            .await
            .unwrap()
            .unwrap(),
        b"shared"
    );
}

#[tokio::test]
async fn the_file_system_store_keeps_content_by_tenant_and_key() {
    let dir = tempfile::tempdir().unwrap();
    keeps_content_by_tenant_and_key(&FsAttachments::new(dir.path().join("attachments"))).await;
    // No temporary file is left behind.
    let leftovers: Vec<_> = walk(dir.path())
        .into_iter()
        .filter(|p| AttachmentKey::parse(p.rsplit('/').next().unwrap_or_default()).is_none())
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn a_sqlite_database_keeps_content_by_tenant_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("attachments.db");
    let store = helpdesk_mail::SqliteAttachments::new(&path);
    // Given nothing stored yet, a get creates nothing.
    let key = AttachmentKey::of(b"invoice.pdf bytes");
    assert_eq!(store.get(Uuid::from_u128(1), &key).await.unwrap(), None);
    assert!(!path.exists());
    keeps_content_by_tenant_and_key(&store).await;

    // And a second store on the same file (another process, or after a
    // restart) reads what the first wrote, a file of 5 MB included.
    let large: Vec<u8> = (0..5_000_000u32).map(|i| (i % 251) as u8).collect();
    let large_key = store.put(Uuid::from_u128(1), &large).await.unwrap();
    let reopened = helpdesk_mail::SqliteAttachments::new(&path);
    assert_eq!(
        reopened
            .get(Uuid::from_u128(1), &key)
            .await
            .unwrap()
            .unwrap(),
        b"invoice.pdf bytes"
    );
    assert_eq!(
        reopened
            .get(Uuid::from_u128(1), &large_key)
            .await
            .unwrap()
            .unwrap(),
        large
    );
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn a_sqlite_database_that_cannot_be_opened_names_its_file_until_it_can() {
    // Given a path whose directory is a file.
    let dir = tempfile::tempdir().unwrap();
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, b"a file").unwrap();
    let store = helpdesk_mail::SqliteAttachments::new(blocked.join("a.db"));

    // When a file is put, the error names the store, the operation and the
    // key.
    let error = store.put(Uuid::from_u128(1), b"bytes").await.unwrap_err();
    assert_eq!(error.operation, "put");
    assert_eq!(error.key, AttachmentKey::of(b"bytes"));
    assert!(error.store.ends_with("blocked/a.db"), "{error}");
    assert!(error.reason.starts_with("open:"), "{error}");

    // When the directory is there, the next put opens the database.
    std::fs::remove_file(&blocked).unwrap();
    std::fs::create_dir(&blocked).unwrap();
    let key = store.put(Uuid::from_u128(1), b"bytes").await.unwrap();
    let read = store.get(Uuid::from_u128(1), &key).await.unwrap();
    assert_eq!(read.as_deref(), Some(&b"bytes"[..]));
}

#[cfg(feature = "object-store")]
#[tokio::test]
async fn an_object_store_keeps_content_by_tenant_and_key() {
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let bucket = object_store::local::LocalFileSystem::new_with_prefix(dir.path()).unwrap();
    let store = helpdesk_mail::ObjectStoreAttachments::new(Arc::new(bucket), "helpdesk");
    keeps_content_by_tenant_and_key(&store).await;
    let files = walk(dir.path());
    assert!(files.iter().all(|f| f.contains("/helpdesk/")), "{files:?}");
}

#[test]
fn a_key_is_only_ever_64_hex_digits() {
    for bad in [
        "",
        "../x",
        &"A".repeat(64),
        &"0".repeat(63),
        &format!("{}/", "0".repeat(63)),
    ] {
        assert_eq!(AttachmentKey::parse(bad), None, "{bad}");
    }
    assert!(AttachmentKey::parse(&"0".repeat(64)).is_some());
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path.display().to_string());
        }
    }
    out
}
