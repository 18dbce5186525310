//! The cases every [`AttachmentStore`] runs (with the `mail` feature), one
//! test each through [`attachment_store_conformance!`](crate::attachment_store_conformance).
//!
//! Each case takes a fresh, empty store and panics with a message naming
//! the promise of the port it found broken: a key is the SHA-256 of the
//! content, a put is idempotent, what was put reads back exactly, and a
//! tenant never reads another tenant's files.

use std::future::Future;

use helpdesk_mail::{AttachmentKey, AttachmentStore};
use uuid::Uuid;

const ACME: Uuid = Uuid::from_u128(0xac3e);
const GLOBEX: Uuid = Uuid::from_u128(0x6b0e);

async fn put(store: &impl AttachmentStore, tenant: Uuid, bytes: &[u8]) -> AttachmentKey {
    match store.put(tenant, bytes).await {
        Ok(key) => key,
        Err(e) => panic!("a put of {} bytes must succeed: {e}", bytes.len()),
    }
}

async fn get(store: &impl AttachmentStore, tenant: Uuid, key: &AttachmentKey) -> Option<Vec<u8>> {
    match store.get(tenant, key).await {
        Ok(bytes) => bytes,
        Err(e) => panic!("a get of {key} must succeed: {e}"),
    }
}

/// A put answers the content's key; the same content put again answers
/// the same key and is read back once; other content has another key.
pub async fn keys_are_the_contents_sha256(store: impl AttachmentStore) {
    let first = put(&store, ACME, b"invoice.pdf bytes").await;
    assert_eq!(
        first,
        AttachmentKey::of(b"invoice.pdf bytes"),
        "a put answers the SHA-256 of the content"
    );
    let again = put(&store, ACME, b"invoice.pdf bytes").await;
    assert_eq!(first, again, "the same content put again has the same key");
    let other = put(&store, ACME, b"photo.jpg bytes").await;
    assert_ne!(first, other, "other content has another key");
    assert_eq!(
        get(&store, ACME, &first).await.as_deref(),
        Some(&b"invoice.pdf bytes"[..]),
        "a file put twice reads back as put"
    );
    assert_eq!(
        get(&store, ACME, &other).await.as_deref(),
        Some(&b"photo.jpg bytes"[..]),
        "each file reads back as put"
    );
    let missing = AttachmentKey::of(b"never stored");
    assert_eq!(
        get(&store, ACME, &missing).await,
        None,
        "a key never put finds nothing"
    );
}

/// A tenant never reads another tenant's file, even by its key; the same
/// content put by both is kept for each.
pub async fn tenants_are_kept_apart(store: impl AttachmentStore) {
    let key = put(&store, ACME, b"acme's contract").await;
    assert_eq!(
        get(&store, GLOBEX, &key).await,
        None,
        "another tenant finds nothing under a tenant's key"
    );
    let shared = put(&store, GLOBEX, b"acme's contract").await;
    assert_eq!(shared, key, "the key does not depend on the tenant");
    for tenant in [ACME, GLOBEX] {
        assert_eq!(
            get(&store, tenant, &key).await.as_deref(),
            Some(&b"acme's contract"[..]),
            "content put by two tenants is kept for each"
        );
    }
}

/// Puts at once, of the same content and of different content, all
/// answer their keys, and every file reads back.
pub async fn concurrent_puts_all_land(store: impl AttachmentStore) {
    let same = (0..8).map(|_| store.put(GLOBEX, b"shared"));
    for key in futures_util::future::join_all(same).await {
        assert_eq!(
            key.ok(),
            Some(AttachmentKey::of(b"shared")),
            "puts of the same content at once all succeed with its key"
        );
    }
    let files: Vec<Vec<u8>> = (0..16u32)
        .map(|i| format!("file {i}").into_bytes())
        .collect();
    let puts = files.iter().map(|bytes| store.put(ACME, bytes));
    let keys = futures_util::future::join_all(puts).await;
    for (bytes, key) in files.iter().zip(keys) {
        let Ok(key) = key else {
            panic!("puts of different files at once all succeed: {key:?}");
        };
        assert_eq!(
            get(&store, ACME, &key).await.as_ref(),
            Some(bytes),
            "every file put at once reads back"
        );
    }
}

/// An empty file and one of 5 MB holding every byte value read back
/// exactly.
pub async fn empty_and_large_files_round_trip(store: impl AttachmentStore) {
    let empty = put(&store, ACME, b"").await;
    assert_eq!(
        get(&store, ACME, &empty).await.as_deref(),
        Some(&b""[..]),
        "an empty file reads back empty, not missing"
    );
    let large: Vec<u8> = (0..5_000_000u32).map(|i| (i % 256) as u8).collect();
    let key = put(&store, ACME, &large).await;
    assert!(
        get(&store, ACME, &key).await == Some(large),
        "a file of 5 MB with every byte value reads back exactly"
    );
}

/// What was put reads back from a store reopened on the same data by
/// `reopen` (which closes the store and opens a new one).
pub async fn reopened_store_reads_what_was_put<A, R, F>(store: A, reopen: R)
where
    A: AttachmentStore,
    R: FnOnce(A) -> F,
    F: Future<Output = A>,
{
    let kept = put(&store, ACME, b"kept across a restart").await;
    let reopened = reopen(store).await;
    assert_eq!(
        get(&reopened, ACME, &kept).await.as_deref(),
        Some(&b"kept across a restart"[..]),
        "a put that answered reads back after the store is reopened"
    );
    assert_eq!(
        get(&reopened, GLOBEX, &kept).await,
        None,
        "a reopened store keeps tenants apart"
    );
    let after = put(&reopened, ACME, b"put after the restart").await;
    assert_eq!(
        get(&reopened, ACME, &after).await.as_deref(),
        Some(&b"put after the restart"[..]),
        "a reopened store takes new files"
    );
}
