//! Attachment stores keep content by tenant and key, idempotently: on the
//! file system, (with the `sqlite` feature) in a pack file indexed by a
//! SQLite database, (with the `object-store` feature) in an object store,
//! and (with the `s3` feature) in a real S3-compatible server's bucket.
#![allow(clippy::unwrap_used)]

#[cfg(feature = "s3")]
mod s3_server;

use helpdesk_mail::{AttachmentKey, AttachmentStore, FsAttachments};
use uuid::Uuid;

/// The bytes of the header before each file in a `SqliteAttachments` pack.
#[cfg(feature = "sqlite")]
const HEADER: usize = 60;

mod fs_store {
    use helpdesk_mail::FsAttachments;

    helpdesk_testkit::attachment_store_conformance!(
        || async {
            let dir = tempfile::tempdir().unwrap();
            (FsAttachments::new(dir.path().join("files")), dir)
        },
        reopen = |store: FsAttachments| async move { FsAttachments::new(store.root()) }
    );
}

#[cfg(feature = "sqlite")]
mod sqlite_store {
    use helpdesk_mail::SqliteAttachments;

    helpdesk_testkit::attachment_store_conformance!(
        || async {
            let dir = tempfile::tempdir().unwrap();
            (
                SqliteAttachments::new(dir.path().join("attachments.db")),
                dir,
            )
        },
        reopen = |store: SqliteAttachments| async move {
            let path = store.path().to_owned();
            drop(store);
            SqliteAttachments::new(path)
        }
    );
}

#[cfg(feature = "object-store")]
mod object_store_store {
    use std::sync::Arc;

    use helpdesk_mail::ObjectStoreAttachments;
    use object_store::local::LocalFileSystem;

    helpdesk_testkit::attachment_store_conformance!(|| async {
        let dir = tempfile::tempdir().unwrap();
        let bucket = LocalFileSystem::new_with_prefix(dir.path()).unwrap();
        (
            ObjectStoreAttachments::new(Arc::new(bucket), "helpdesk"),
            dir,
        )
    });
}

#[cfg(feature = "s3")]
mod s3_store {
    use helpdesk_mail::ObjectStoreAttachments;

    use crate::s3_server;

    helpdesk_testkit::attachment_store_conformance!(
        || async {
            let store = ObjectStoreAttachments::new(s3_server::bucket(), s3_server::fresh_prefix());
            (store, ())
        },
        reopen = |store: ObjectStoreAttachments| async move {
            let prefix = store.prefix().to_owned();
            drop(store);
            ObjectStoreAttachments::new(s3_server::bucket(), prefix)
        }
    );
}

/// Given files put in S3 by two tenants, when the bucket is listed, then
/// each is one object under the store's prefix and its tenant.
#[cfg(feature = "s3")]
#[tokio::test]
async fn an_s3_store_keeps_each_file_as_one_object_under_its_prefix_and_tenant() {
    use futures_util::TryStreamExt;
    use object_store::ObjectStore;

    let bucket = s3_server::bucket();
    let prefix = s3_server::fresh_prefix();
    let store = helpdesk_mail::ObjectStoreAttachments::new(bucket.clone(), prefix.clone());
    let (acme, globex) = (Uuid::from_u128(1), Uuid::from_u128(2));
    let key = store.put(acme, b"invoice").await.unwrap();
    store.put(globex, b"invoice").await.unwrap();
    store.put(acme, b"invoice").await.unwrap();

    let listed: Vec<_> = bucket
        .list(Some(&object_store::path::Path::from(prefix.as_str())))
        .map_ok(|object| object.location.to_string())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 2, "one object a tenant: {listed:?}");
    for tenant in [acme, globex] {
        assert!(
            listed.contains(&format!("{prefix}/{tenant}/{}/{key}", &key.as_str()[..2])),
            "{tenant} under {prefix}: {listed:?}"
        );
    }
}

/// Given an S3 endpoint nothing listens on, when a file is put or read,
/// then the error names the store, the operation and the key, and nothing
/// panics.
#[cfg(feature = "s3")]
#[tokio::test]
async fn an_unreachable_s3_endpoint_answers_errors_naming_the_store_and_key() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let store =
        helpdesk_mail::ObjectStoreAttachments::new(s3_server::bucket_at(&endpoint), "helpdesk");
    let tenant = Uuid::from_u128(1);

    let put = store.put(tenant, b"invoice").await.unwrap_err().to_string();
    let key = AttachmentKey::of(b"invoice");
    for part in [s3_server::BUCKET, "helpdesk", "put", key.as_str()] {
        assert!(put.contains(part), "{part:?} in {put:?}");
    }
    let get = store.get(tenant, &key).await.unwrap_err().to_string();
    for part in [s3_server::BUCKET, "get", key.as_str()] {
        assert!(get.contains(part), "{part:?} in {get:?}");
    }
}

#[tokio::test]
async fn the_file_system_store_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = FsAttachments::new(dir.path().join("attachments"));
    let files: Vec<[u8; 100]> = (0..8u8).map(|i| [i; 100]).collect();
    let puts = files
        .iter()
        .map(|bytes| store.put(Uuid::from_u128(1), bytes));
    for put in futures_util::future::join_all(puts).await {
        put.unwrap();
    }
    store.put(Uuid::from_u128(1), &[0; 100]).await.unwrap();
    let files = walk(dir.path());
    assert_eq!(files.len(), 8, "{files:?}");
    let leftovers: Vec<_> = files
        .into_iter()
        .filter(|p| AttachmentKey::parse(p.rsplit('/').next().unwrap_or_default()).is_none())
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The file `store` keeps `key` in for `tenant`.
fn kept_file(store: &FsAttachments, tenant: Uuid, key: &AttachmentKey) -> std::path::PathBuf {
    store
        .root()
        .join(tenant.to_string())
        .join(&key.as_str()[..2])
        .join(key.as_str())
}

#[tokio::test]
async fn a_damaged_or_cut_file_answers_an_error_naming_its_key_not_other_bytes() {
    // Given two files kept, one with a byte changed on the disk and the
    // other cut short.
    let dir = tempfile::tempdir().unwrap();
    let store = FsAttachments::new(dir.path().join("attachments"));
    let tenant = Uuid::from_u128(1);
    let changed = store.put(tenant, b"the invoice, 100 EUR").await.unwrap();
    let cut = store.put(tenant, b"the contract, 12 pages").await.unwrap();
    std::fs::write(kept_file(&store, tenant, &changed), b"the invoice, 900 EUR").unwrap();
    std::fs::write(kept_file(&store, tenant, &cut), b"the contract").unwrap();

    for key in [&changed, &cut] {
        // When it is read.
        let error = store.get(tenant, key).await.unwrap_err();

        // Then the error names the operation and the key, and says the
        // bytes stored are damaged.
        assert_eq!((error.operation, &error.key), ("get", key));
        assert!(error.reason.contains("damaged"), "{error}");
        assert!(error.to_string().contains(key.as_str()), "{error}");
    }
}

#[tokio::test]
async fn putting_the_same_bytes_again_writes_a_damaged_or_cut_file_anew() {
    // Given two files kept, one with a byte changed on the disk and the
    // other cut short.
    let dir = tempfile::tempdir().unwrap();
    let store = FsAttachments::new(dir.path().join("attachments"));
    let tenant = Uuid::from_u128(1);
    let (invoice, contract) = (&b"the invoice, 100 EUR"[..], &b"the contract, 12 pages"[..]);
    let changed = store.put(tenant, invoice).await.unwrap();
    let cut = store.put(tenant, contract).await.unwrap();
    std::fs::write(kept_file(&store, tenant, &changed), b"the invoice, 900 EUR").unwrap();
    std::fs::write(kept_file(&store, tenant, &cut), b"the contract").unwrap();

    // When the same bytes are put again.
    assert_eq!(store.put(tenant, invoice).await.unwrap(), changed);
    assert_eq!(store.put(tenant, contract).await.unwrap(), cut);

    // Then each reads back whole, and no temporary file is left.
    assert_eq!(
        store.get(tenant, &changed).await.unwrap().as_deref(),
        Some(invoice)
    );
    assert_eq!(
        store.get(tenant, &cut).await.unwrap().as_deref(),
        Some(contract)
    );
    assert_eq!(walk(dir.path()).len(), 2, "{:?}", walk(dir.path()));
}

/// Given a file kept in S3 whose object was replaced by other bytes behind
/// the store's back, when it is read, then the error names the key and
/// says the bytes are damaged.
#[cfg(feature = "s3")]
#[tokio::test]
async fn a_damaged_s3_object_answers_an_error_naming_its_key_not_other_bytes() {
    use object_store::{ObjectStoreExt, PutPayload};

    let bucket = s3_server::bucket();
    let prefix = s3_server::fresh_prefix();
    let store = helpdesk_mail::ObjectStoreAttachments::new(bucket.clone(), prefix.clone());
    let tenant = Uuid::from_u128(1);
    let key = store.put(tenant, b"the invoice, 100 EUR").await.unwrap();
    let location = format!("{prefix}/{tenant}/{}/{key}", &key.as_str()[..2]);
    bucket
        .put(
            &object_store::path::Path::from(location),
            PutPayload::from_static(b"the invoice, 900 EUR"),
        )
        .await
        .unwrap();

    let error = store.get(tenant, &key).await.unwrap_err();

    assert_eq!((error.operation, &error.key), ("get", &key));
    assert!(error.reason.contains("damaged"), "{error}");
    assert!(error.to_string().contains(key.as_str()), "{error}");
}

/// A SQLite store in a new directory: the directory, the store's
/// database file, and the store.
#[cfg(feature = "sqlite")]
fn sqlite_store() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    helpdesk_mail::SqliteAttachments,
) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("attachments.db");
    let store = helpdesk_mail::SqliteAttachments::new(&path);
    (dir, path, store)
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn a_sqlite_store_creates_nothing_to_read_and_shares_its_files_with_another() {
    let (_dir, path, store) = sqlite_store();
    // Given nothing stored yet, a get creates nothing.
    let key = AttachmentKey::of(b"invoice.pdf bytes");
    assert_eq!(store.get(Uuid::from_u128(1), &key).await.unwrap(), None);
    assert!(!path.exists());
    let key = store
        .put(Uuid::from_u128(1), b"invoice.pdf bytes")
        .await
        .unwrap();

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

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn a_sqlite_pack_written_past_its_index_by_a_crash_is_written_over() {
    // Given two files kept, and then bytes written to the pack past them
    // that no commit indexed (a crash in the middle of a batch).
    let (dir, path, store) = sqlite_store();
    let tenant = Uuid::from_u128(1);
    let first = store.put(tenant, b"first file").await.unwrap();
    let second = store.put(tenant, b"second file").await.unwrap();
    drop(store);
    let pack = dir.path().join("attachments.db-pack");
    let kept = 2 * HEADER + 10 + 11;
    let mut torn = std::fs::read(&pack).unwrap();
    torn.splice(kept..kept + 4_000, [0xee; 4_000]);
    std::fs::write(&pack, torn).unwrap();

    // When the files are opened again and another file is put.
    let store = helpdesk_mail::SqliteAttachments::new(&path);
    let third = store.put(tenant, b"third file").await.unwrap();

    // Then every file reads back whole, the new one written where the
    // indexed bytes ended.
    for (key, bytes) in [
        (&first, &b"first file"[..]),
        (&second, b"second file"),
        (&third, b"third file"),
    ] {
        assert_eq!(
            store.get(tenant, key).await.unwrap().as_deref(),
            Some(bytes)
        );
    }
    let written = std::fs::read(&pack).unwrap();
    assert_eq!(&written[kept + HEADER..][..10], b"third file");
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn files_whose_index_rows_a_power_loss_took_are_found_and_indexed_again() {
    // Given three files kept, and the index's last commits lost, as a
    // power loss takes them (its commits are not synced; the pack is):
    // the rows of the last two gone and its end back before them.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("attachments.db");
    let (acme, globex) = (Uuid::from_u128(1), Uuid::from_u128(2));
    let store = helpdesk_mail::SqliteAttachments::new(&path);
    let first = store.put(acme, b"first file").await.unwrap();
    let second = store.put(acme, b"second file").await.unwrap();
    let third = store.put(globex, b"third file").await.unwrap();
    drop(store);
    let index = rusqlite::Connection::open(&path).unwrap();
    let rows = |index: &rusqlite::Connection| -> i64 {
        index
            .query_row("SELECT count(*) FROM packed", [], |row| row.get(0))
            .unwrap()
    };
    index
        .execute_batch(&format!(
            "DELETE FROM packed WHERE key IN ('{second}', '{third}'); \
             UPDATE pack_end SET bytes = {};",
            HEADER + 10
        ))
        .unwrap();
    assert_eq!(rows(&index), 1);

    // When the files are opened again, a reader finds them all, each
    // only for its tenant.
    let store = helpdesk_mail::SqliteAttachments::new(&path);
    for (tenant, key, bytes) in [
        (acme, &first, &b"first file"[..]),
        (acme, &second, b"second file"),
        (globex, &third, b"third file"),
    ] {
        assert_eq!(
            store.get(tenant, key).await.unwrap().as_deref(),
            Some(bytes)
        );
    }
    assert_eq!(store.get(globex, &second).await.unwrap(), None);
    assert_eq!(store.get(acme, &third).await.unwrap(), None);

    // And the first put indexes them again, and writes after them.
    let fourth = store.put(acme, b"fourth file").await.unwrap();
    assert_eq!(rows(&index), 4);
    assert_eq!(
        store.get(acme, &fourth).await.unwrap().as_deref(),
        Some(&b"fourth file"[..])
    );
    let pack = std::fs::read(dir.path().join("attachments.db-pack")).unwrap();
    assert_eq!(&pack[4 * HEADER + 10 + 11 + 10..][..11], b"fourth file");
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_sqlite_stores_on_the_same_files_take_turns() {
    // Given two stores on the same files, each with its own writer and
    // connections (as two processes have).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("attachments.db");
    let (one, two) = (
        helpdesk_mail::SqliteAttachments::new(&path),
        helpdesk_mail::SqliteAttachments::new(&path),
    );
    let tenant = Uuid::from_u128(1);
    let files: Vec<Vec<u8>> = (0..120u32)
        .map(|i| {
            format!("file {i} ")
                .repeat(1 + (i as usize % 7) * 300)
                .into_bytes()
        })
        .collect();

    // When both put files at once, some of them the same.
    let puts = files.iter().enumerate().map(|(i, bytes)| {
        let store = if i % 2 == 0 { &one } else { &two };
        store.put(tenant, bytes)
    });
    let again = files.iter().take(20).map(|bytes| two.put(tenant, bytes));
    let (keys, _) = futures_util::future::join(
        futures_util::future::join_all(puts),
        futures_util::future::join_all(again),
    )
    .await;

    // Then a third store reads every file whole: no batch wrote over
    // another's records.
    let third = helpdesk_mail::SqliteAttachments::new(&path);
    for (bytes, key) in files.iter().zip(keys) {
        let key = key.unwrap();
        assert_eq!(third.get(tenant, &key).await.unwrap().as_ref(), Some(bytes));
    }
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn a_damaged_sqlite_pack_answers_an_error_not_other_bytes() {
    // Given a file kept, and one of its bytes changed on the disk.
    let (dir, _path, store) = sqlite_store();
    let tenant = Uuid::from_u128(1);
    let key = store.put(tenant, b"the invoice, 100 EUR").await.unwrap();
    let pack = dir.path().join("attachments.db-pack");
    let mut bytes = std::fs::read(&pack).unwrap();
    bytes[HEADER + 19] = b'1';
    std::fs::write(&pack, bytes).unwrap();

    // When it is read, the error names the operation and the key and
    // says why.
    let error = store.get(tenant, &key).await.unwrap_err();
    assert_eq!((error.operation, &error.key), ("get", &key));
    assert!(error.reason.contains("SHA-256 differs"), "{error}");
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn putting_the_same_bytes_again_writes_a_damaged_or_cut_sqlite_record_anew() {
    // Given two files kept in the pack, then one with a byte changed on the
    // disk and the other cut short (the pack cut in its bytes).
    let (dir, path, store) = sqlite_store();
    let tenant = Uuid::from_u128(1);
    let (invoice, contract) = (&b"the invoice, 100 EUR"[..], &b"the contract, 12 pages"[..]);
    let changed = store.put(tenant, invoice).await.unwrap();
    let cut = store.put(tenant, contract).await.unwrap();
    let pack = dir.path().join("attachments.db-pack");
    let kept = 2 * HEADER + invoice.len() + contract.len();
    let mut damaged = std::fs::read(&pack).unwrap();
    damaged[HEADER + 13] = b'9';
    damaged.truncate(kept - 10);
    std::fs::write(&pack, damaged).unwrap();
    for key in [&changed, &cut] {
        assert!(store.get(tenant, key).await.is_err());
    }

    // When the same bytes are put again.
    assert_eq!(store.put(tenant, invoice).await.unwrap(), changed);
    assert_eq!(store.put(tenant, contract).await.unwrap(), cut);

    // Then each reads back whole, also from the files opened again.
    let reopened = helpdesk_mail::SqliteAttachments::new(&path);
    for store in [&store, &reopened] {
        assert_eq!(
            store.get(tenant, &changed).await.unwrap().as_deref(),
            Some(invoice)
        );
        assert_eq!(
            store.get(tenant, &cut).await.unwrap().as_deref(),
            Some(contract)
        );
    }
    // And putting them again appends nothing more: their new copies are
    // whole.
    let end = |path: &std::path::Path| -> usize {
        rusqlite::Connection::open(path)
            .unwrap()
            .query_row("SELECT bytes FROM pack_end", [], |row| row.get(0))
            .unwrap()
    };
    let repaired = end(&path);
    assert_eq!(repaired, 2 * kept);
    store.put(tenant, invoice).await.unwrap();
    store.put(tenant, contract).await.unwrap();
    assert_eq!(end(&path), repaired);
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn a_damaged_record_written_anew_survives_a_power_loss_that_took_its_row() {
    // Given a file kept, damaged on the disk and put again, and then the
    // index's last commit lost to a power loss (its row back at the
    // damaged record, its end back before the new copy).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("attachments.db");
    let tenant = Uuid::from_u128(1);
    let invoice = &b"the invoice, 100 EUR"[..];
    let store = helpdesk_mail::SqliteAttachments::new(&path);
    let key = store.put(tenant, invoice).await.unwrap();
    let pack = dir.path().join("attachments.db-pack");
    let mut damaged = std::fs::read(&pack).unwrap();
    damaged[HEADER + 13] = b'9';
    std::fs::write(&pack, damaged).unwrap();
    store.put(tenant, invoice).await.unwrap();
    drop(store);
    let index = rusqlite::Connection::open(&path).unwrap();
    index
        .execute_batch(&format!(
            "UPDATE packed SET start = {HEADER}; UPDATE pack_end SET bytes = {};",
            HEADER + invoice.len()
        ))
        .unwrap();

    // When the files are opened again, a reader finds the new copy past
    // the indexed end.
    let store = helpdesk_mail::SqliteAttachments::new(&path);
    assert_eq!(
        store.get(tenant, &key).await.unwrap().as_deref(),
        Some(invoice)
    );

    // And once a put has indexed the records past the end, its row points
    // at the new copy, which reads back whole.
    store.put(tenant, b"another file").await.unwrap();
    let start: usize = index
        .query_row(
            "SELECT start FROM packed WHERE key = ?1",
            [key.as_str()],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(start, 2 * HEADER + invoice.len());
    assert_eq!(
        store.get(tenant, &key).await.unwrap().as_deref(),
        Some(invoice)
    );
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn a_sqlite_database_of_the_earlier_layout_is_still_read() {
    // Given a database that kept each file's bytes in its row.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("attachments.db");
    let (acme, globex) = (Uuid::from_u128(1), Uuid::from_u128(2));
    let old = AttachmentKey::of(b"kept as a row");
    let connection = rusqlite::Connection::open(&path).unwrap();
    connection
        .execute_batch(
            "CREATE TABLE attachments (tenant BLOB NOT NULL, key TEXT NOT NULL, \
             bytes BLOB NOT NULL, PRIMARY KEY (tenant, key));",
        )
        .unwrap();
    connection
        .execute(
            "INSERT INTO attachments VALUES (?1, ?2, ?3)",
            rusqlite::params![acme.as_bytes(), old.as_str(), &b"kept as a row"[..]],
        )
        .unwrap();
    drop(connection);

    // When the store opens it, reads it and puts a new file.
    let store = helpdesk_mail::SqliteAttachments::new(&path);
    let found = store.get(acme, &old).await.unwrap();
    let new = store.put(acme, b"kept in the pack").await.unwrap();

    // Then the old file and the new one both read back, each only for
    // its tenant.
    assert_eq!(found.as_deref(), Some(&b"kept as a row"[..]));
    assert_eq!(
        store.get(acme, &new).await.unwrap().as_deref(),
        Some(&b"kept in the pack"[..])
    );
    assert_eq!(store.get(globex, &old).await.unwrap(), None);
    assert_eq!(store.get(globex, &new).await.unwrap(), None);
}

#[cfg(feature = "object-store")]
#[tokio::test]
async fn an_object_store_keeps_its_files_under_its_prefix() {
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let bucket = object_store::local::LocalFileSystem::new_with_prefix(dir.path()).unwrap();
    let store = helpdesk_mail::ObjectStoreAttachments::new(Arc::new(bucket), "helpdesk");
    for tenant in 1..3 {
        store
            .put(Uuid::from_u128(tenant), b"invoice")
            .await
            .unwrap();
    }
    let files = walk(dir.path());
    assert_eq!(files.len(), 2, "{files:?}");
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

/// Given a channel over a desk on a SQLite file whose files go to an S3
/// bucket, when a mail with a PDF opens a ticket, then the ticket's
/// original and PDF read back from the bucket byte for byte, and another
/// tenant reads neither.
#[cfg(all(feature = "s3", feature = "sqlite"))]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mails_files_taken_in_read_back_from_s3_for_its_tenant_only() {
    use helpdesk_core::{ActorId, DeskConfig, TenantId};
    use helpdesk_engine::{Desk, ManualClock, NoNotifier, Store};
    use helpdesk_mail::{
        Arrival, InboundConfig, MailChannel, NoSenders, ObjectStoreAttachments, Outcome,
    };

    let dir = tempfile::tempdir().unwrap();
    let store = helpdesk_sqlite::SqliteStore::open(dir.path().join("desk.db")).unwrap();
    let clock = ManualClock::new("2026-03-02T09:00:00Z".parse().unwrap());
    let desk = Desk::new(DeskConfig::default(), store, NoNotifier, clock).unwrap();
    let tenant = TenantId::from_u128(1);
    let files = ObjectStoreAttachments::new(s3_server::bucket(), s3_server::fresh_prefix());
    let config = InboundConfig::new(tenant, ActorId::from_u128(1), "support@help.example.com");
    let channel = MailChannel::new(config, files.clone(), NoSenders);
    let raw = b"From: Ann <ann@customer.test>\r\nTo: support@help.example.com\r\n\
Subject: Printer on floor 3\r\nMessage-ID: <s3@customer.test>\r\n\
Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\
The printer jams.\r\n--b\r\nContent-Type: application/pdf\r\n\
Content-Disposition: attachment; filename=\"report.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjcgdGVzdAo=\r\n--b--\r\n";

    let outcome = channel
        .ingest(&desk, raw, &Arrival::default())
        .await
        .unwrap();

    let Outcome::Opened { ticket, .. } = outcome else {
        panic!("expected a new ticket, got {outcome:?}")
    };
    let ticket = desk.store().load(tenant, ticket).await.unwrap().unwrap();
    let attached: Vec<_> = ticket.attachments().to_vec();
    assert_eq!(attached.len(), 2, "{attached:?}");
    for (file, expected) in attached.iter().zip([&raw[..], b"%PDF-1.7 test\n"]) {
        let key = AttachmentKey::parse(&file.key).unwrap();
        let read = files.get(tenant.into(), &key).await.unwrap();
        assert_eq!(read.as_deref(), Some(expected), "{}", file.name);
        let other = files.get(Uuid::from_u128(2), &key).await.unwrap();
        assert_eq!(other, None, "another tenant reads {}", file.name);
    }
}
