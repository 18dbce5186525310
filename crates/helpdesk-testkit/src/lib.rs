//! Conformance suites for helpdesk adapters, and test fixtures.
//!
//! Every [`Store`](helpdesk_engine::Store) (memory, SQLite, PostgreSQL, and
//! yours) runs the same cases, one test each, with one macro call in an
//! integration test of the adapter's crate:
//!
//! ```ignore
//! // tests/conformance.rs of your store's crate, with tokio (features
//! // "macros", "rt-multi-thread") as a dev-dependency:
//! helpdesk_testkit::store_conformance!(|| async { MyStore::connect("...").await.unwrap() });
//! ```
//!
//! The expression is called once per case and must give a fresh, empty
//! store. Each case panics with a message naming the broken promise of the
//! [store contract](helpdesk_engine::store).

pub mod cases;
mod fixture;
mod observed;

pub use fixture::{Fixture, config, start};
pub use observed::Observed;

/// Generates one `#[tokio::test]` per conformance case, each on a fresh
/// store from `$make` (a closure returning a future of the store).
#[macro_export]
macro_rules! store_conformance {
    ($make:expr) => {
        $crate::store_conformance!(@cases $make;
            round_trip,
            long_history,
            version_conflict,
            idempotent_command_id,
            tenant_isolation,
            pagination_is_stable_under_inserts,
            due_order,
            filters,
            search,
            unicode_and_large_bodies,
            outbox_is_written_with_the_events,
            concurrent_appends
        );
    };
    (@cases $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let store = ($make)().await;
                $crate::cases::$case(store).await;
            }
        )*
    };
}
