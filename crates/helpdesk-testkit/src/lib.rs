//! Conformance suites for helpdesk adapters, and test fixtures.
//!
//! Every [`Store`](helpdesk_engine::Store) (memory, SQLite, PostgreSQL,
//! and yours) runs the same cases, one test each, with one macro call in an
//! integration test of the adapter's crate:
//!
//! ```
//! // tests/conformance.rs of your store's crate, with tokio (features
//! // "macros", "rt-multi-thread") as a dev-dependency:
//! use helpdesk_engine::MemoryStore;
//!
//! helpdesk_testkit::store_conformance!(|| async { MemoryStore::new() });
//! # fn main() {}
//! ```
//!
//! The expression is called once per case and must give a fresh, empty
//! store; a store that connects to a server connects in it, such as
//! `|| async { MyStore::connect(&url).await.expect("a test database") }`. Each case panics with a message naming the broken promise of the
//! [store contract](helpdesk_engine::store).
//!
//! Notifiers run [`notifier_conformance!`] and, with the `mail` feature,
//! attachment stores run `attachment_store_conformance!` the same way.
//!
//! The [`adversary`] attacks a desk over any store with random sequences
//! of commands, retries and reads by the actors of two tenants, and fails
//! when an answer holds something its reader may not see.
//!
//! The crate also holds fixtures for the tests and benches of a host or
//! an adapter:
//!
//! - [`Fixture`] is a small desk over the store under test, with actors
//!   in two tenants, the configuration [`config`] and a manual clock at
//!   [`start`]; [`reply`], [`pending`] and [`comment`] make commands and
//!   comment ids for it, and [`announced`] the outbox message [`config`]
//!   writes for an event.
//! - [`Observed`] wraps any store: it counts its loads, keeps a copy of
//!   every append it is given, and fails the loads of chosen tickets
//!   ([`Observed::make_unreadable`], until [`Observed::make_readable`]).
//! - [`Outage`] is a notifier that refuses every message for good while it
//!   is down, so each becomes a dead letter, and takes every message once
//!   it recovers.
//! - [`decided()`] builds a command's append without a desk; [`queues`]
//!   builds many tickets in agents' and groups' queues that way, to fill a
//!   store quickly; [`generate`] makes weeks of tickets, run through a
//!   real desk in time order, for reports, benches and cross-checks.

pub mod adversary;
#[cfg(feature = "mail")]
pub mod attachment_cases;
pub mod cases;
mod decided;
mod fixture;
pub mod generate;
pub mod notifier_cases;
mod observed;
mod outage;
pub mod queues;

pub use decided::decided;
pub use fixture::{Fixture, Ran, announced, comment, config, pending, reply, start};
pub use notifier_cases::Received;
pub use observed::Observed;
pub use outage::Outage;

/// Generates one `#[tokio::test]` per conformance case, each on a fresh
/// store from `$make` (a closure returning a future of the store).
///
/// Call it at the top level of an integration test file; `cargo test` then
/// runs each case as a test named after it (`round_trip`, `filters`, ...).
/// The calling crate needs tokio with the features `macros` and
/// `rt-multi-thread`.
///
/// ```
/// use std::sync::Arc;
///
/// use helpdesk_engine::MemoryStore;
///
/// // A store shared through an `Arc` is a store too.
/// helpdesk_testkit::store_conformance!(|| async { Arc::new(MemoryStore::new()) });
///
/// // Each generated test runs one case of `cases` on a fresh store, as here:
/// # fn main() -> Result<(), std::io::Error> {
/// let runtime = tokio::runtime::Builder::new_multi_thread()
///     .worker_threads(2)
///     .enable_time()
///     .build()?;
/// runtime.block_on(helpdesk_testkit::cases::filters(Arc::new(MemoryStore::new())));
/// # Ok(())
/// # }
/// ```
///
/// A store whose data outlives it (a file, a schema, a database) also
/// passes a `reopen` hook: it takes the store, closes it and opens a new
/// one on the same data. The macro then adds the case
/// [`reopened_store_answers_as_before`](cases::reopened_store_answers_as_before).
/// The SQLite store's suite (`crates/helpdesk-sqlite/tests/conformance.rs`)
/// drops its store, which closes the file, and opens the same path again.
///
/// A memory store shared through an `Arc` "reopens" as itself, which shows
/// the form:
///
/// ```
/// use std::sync::Arc;
///
/// use helpdesk_engine::MemoryStore;
///
/// helpdesk_testkit::store_conformance!(
///     || async { Arc::new(MemoryStore::new()) },
///     reopen = |store: Arc<MemoryStore>| async move { store }
/// );
/// # fn main() {}
/// ```
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
            rare_and_common_words_search_alike,
            unicode_and_large_bodies,
            outbox_is_written_with_the_events,
            concurrent_appends,
            reach_applies_before_the_limit,
            requesters_never_find_internal_text,
            answers_are_seen_as_the_actor_may,
            command_ids_are_bound,
            targets_are_checked,
            merges_and_links_are_recorded_on_both_tickets,
            appends_without_events_move_only_the_due_instant,
            history_from_zero_and_past_the_end,
            due_work_is_paged_past_stale_instants,
            outbox_messages_are_claimed_settled_and_revived,
            two_claimers_share_the_outbox,
            feed_is_in_commit_order,
            feed_skips_nothing_under_concurrent_appends,
            ticket_numbers_are_unique_per_tenant_under_concurrent_opens,
            tickets_are_found_by_number_in_their_tenant_only,
            opens_number_past_the_gaps_failed_opens_leave,
            message_ids_are_bound_once_per_tenant,
            concurrent_bindings_of_an_id_agree_on_the_first,
            appends_bind_their_mail_with_their_events
        );
    };
    ($make:expr, reopen = $reopen:expr $(,)?) => {
        $crate::store_conformance!($make);

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn reopened_store_answers_as_before() {
            let store = ($make)().await;
            $crate::cases::reopened_store_answers_as_before(store, $reopen).await;
        }
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

/// Generates one `#[tokio::test]` per notifier conformance case
/// ([`notifier_cases`]), each on a fresh notifier and a reader of its
/// destination from `$make` (a closure returning a future of the pair
/// `(notifier, received)`; `received` implements [`Received`]).
///
/// ```
/// use std::sync::{Arc, Mutex};
///
/// use helpdesk_core::notification::{EndpointDef, NotificationChannel};
/// use helpdesk_engine::{DeliveryId, Notification, Notifier, NotifyError};
/// use helpdesk_testkit::Received;
///
/// /// A destination in memory: every notification it is sent, in order.
/// #[derive(Clone, Default)]
/// struct Inbox(Arc<Mutex<Vec<DeliveryId>>>);
///
/// impl Notifier for Inbox {
///     async fn notify(&self, message: &Notification) -> Result<(), NotifyError> {
///         self.0.lock().map_err(|_| NotifyError::retryable("inbox", message.id, "poisoned"))?
///             .push(message.id);
///         Ok(())
///     }
/// }
///
/// impl Received for Inbox {
///     fn endpoint(&self) -> EndpointDef {
///         EndpointDef { via: NotificationChannel::Nats, target: "inbox".into(), description: None }
///     }
///
///     async fn received(&self) -> Vec<DeliveryId> {
///         self.0.lock().map(|ids| ids.clone()).unwrap_or_default()
///     }
/// }
///
/// helpdesk_testkit::notifier_conformance!(|| async {
///     let inbox = Inbox::default();
///     (inbox.clone(), inbox)
/// });
/// # fn main() {}
/// ```
#[macro_export]
macro_rules! notifier_conformance {
    ($make:expr) => {
        $crate::notifier_conformance!(@cases $make;
            every_message_arrives_in_its_tickets_order,
            a_redelivery_carries_the_same_key
        );
    };
    (@cases $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let (notifier, received) = ($make)().await;
                $crate::notifier_cases::$case(notifier, received).await;
            }
        )*
    };
}

/// Generates one `#[tokio::test]` per attachment store conformance case
/// ([`attachment_cases`], with the `mail` feature), each on a fresh store
/// from `$make`: a closure returning a future of the pair `(store, keep)`,
/// where `keep` is whatever must live while the case runs (the temporary
/// directory of the store's files), `()` when nothing must.
///
/// ```
/// use helpdesk_mail::FsAttachments;
///
/// helpdesk_testkit::attachment_store_conformance!(
///     || async {
///         let dir = tempfile::tempdir().expect("a temporary directory");
///         (FsAttachments::new(dir.path().join("files")), dir)
///     },
///     reopen = |store: FsAttachments| async move { FsAttachments::new(store.root()) }
/// );
///
/// // Each generated test runs one case of `attachment_cases` on a fresh
/// // store, as here:
/// # fn main() -> Result<(), std::io::Error> {
/// let dir = tempfile::tempdir()?;
/// let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build()?;
/// runtime.block_on(helpdesk_testkit::attachment_cases::tenants_are_kept_apart(
///     FsAttachments::new(dir.path()),
/// ));
/// # Ok(())
/// # }
/// ```
///
/// A store whose files outlive it also passes a `reopen` hook, which
/// closes the store and opens a new one on the same files; the macro then
/// adds [`reopened_store_reads_what_was_put`](attachment_cases::reopened_store_reads_what_was_put).
#[cfg(feature = "mail")]
#[macro_export]
macro_rules! attachment_store_conformance {
    ($make:expr) => {
        $crate::attachment_store_conformance!(@cases $make;
            keys_are_the_contents_sha256,
            tenants_are_kept_apart,
            concurrent_puts_all_land,
            empty_and_large_files_round_trip
        );
    };
    ($make:expr, reopen = $reopen:expr $(,)?) => {
        $crate::attachment_store_conformance!($make);

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn reopened_store_reads_what_was_put() {
            let (store, _keep) = ($make)().await;
            $crate::attachment_cases::reopened_store_reads_what_was_put(store, $reopen).await;
        }
    };
    (@cases $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let (store, _keep) = ($make)().await;
                $crate::attachment_cases::$case(store).await;
            }
        )*
    };
}

/// The examples of `docs/ADAPTERS.md`, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/ADAPTERS.md")]
pub struct AdaptersDoctests;
