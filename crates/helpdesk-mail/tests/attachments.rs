//! Attachment stores keep content by tenant and key, idempotently: on the
//! file system, and (with the `object-store` feature) in an object store.
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
