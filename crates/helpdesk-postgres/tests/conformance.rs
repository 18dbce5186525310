//! The store contract, checked by the shared conformance suite against the
//! real server, each case on a schema of its own.
#![allow(clippy::unwrap_used)]

mod common;

use helpdesk_postgres::PostgresStore;

helpdesk_testkit::store_conformance!(
    || async { common::fresh_store().await },
    reopen = |store: PostgresStore| async move {
        let options = store.options().clone();
        drop(store);
        PostgresStore::connect(&common::url(), options)
            .await
            .unwrap()
    }
);
