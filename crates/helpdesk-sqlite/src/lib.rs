//! The embedded default [`Store`](helpdesk_engine::Store) of the help desk:
//! SQLite in one file.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use helpdesk_core::{Actor, ActorId, Command, DeskConfig, NewTicket, TenantId};
//! use helpdesk_engine::{Desk, NoNotifier, Request, SystemClock, new_ticket_id};
//! use helpdesk_sqlite::SqliteStore;
//!
//! # let dir = tempfile::tempdir().unwrap();
//! # let path = dir.path().join("helpdesk.db");
//! let store = SqliteStore::open(&path)?;
//! let desk = Desk::new(DeskConfig::default(), store, NoNotifier, SystemClock)?;
//! let alice = Actor::requester(ActorId::from_u128(1), TenantId::from_u128(1));
//! let open = Request::new(alice.clone(), new_ticket_id(),
//!     Command::Open(NewTicket::new(alice.id, "VPN drops every hour", "")));
//! let done = desk.execute(open).await?;
//! let seen = done.ticket.expect("alice sees her own ticket");
//! assert_eq!(seen.subject(), "VPN drops every hour");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```
//!
//! # Design
//!
//! - **One writer thread, group commit.** [`SqliteStore`] owns one write
//!   connection on a dedicated thread, fed by a channel. The thread takes
//!   every append waiting (up to [`SqliteOptions::max_batch`]) and writes
//!   them in one `BEGIN IMMEDIATE` transaction. Each append's checks (the
//!   ticket's version, the command id) run before its first write, so one
//!   append's conflict or duplicate leaves nothing behind and touches no
//!   other; an append that fails after it started writing makes the writer
//!   write the batch again with a `SAVEPOINT` per append. When fewer
//!   appends wait than the last commit held, the writer waits up to 300 µs
//!   for each next one (3 ms at most), so the callers it has just answered
//!   join this commit instead of paying for a sync of their own.
//! - **Pipelined durability.** With [`Synchronous::Full`] the writer's
//!   connection commits without syncing and goes on with the next batch,
//!   while a sync thread calls `fdatasync` on the write-ahead log and then
//!   answers the committed batch: nobody is answered before their commit is
//!   on disk, and the writer never waits for the disk. Readers see a
//!   commit before its sync, so the store keeps a durable watermark (the
//!   number and highest `events` and `outbox` rows of the last synced
//!   commit): a load, a history or a command record waits until what it
//!   found is synced, and the outbox scan stops at the watermark. A
//!   checkpoint thread
//!   with its own connection copies the log back into the database (`PASSIVE`,
//!   syncing the log before and the database after), so the writer does
//!   not stop for that either. It runs once per
//!   [`SqliteOptions::checkpoint_pages`] pages written, not after every
//!   commit: a log that a busy writer never lets start over keeps growing,
//!   and each checkpoint's sync of the database delays the log's syncs.
//! - **Search text per transaction.** FTS5 writes a new segment of its
//!   index at every statement that opens a savepoint, so the parts of a
//!   transaction's appends are indexed in one statement before `COMMIT`.
//! - **Encoding on the caller's thread.** An append's ids, instants and
//!   JSON columns (snapshot, events) are encoded by `append` before it is
//!   queued, so the one writer thread only runs statements.
//! - **Each command writes what it changed.** An existing ticket's row is
//!   updated with only the indexed columns whose values changed, so only
//!   the index entries that moved are rewritten; its tag rows are
//!   rewritten only when its tag set changed (otherwise one `UPDATE` moves
//!   their sort keys); the search text gains only the new parts (a reply's
//!   body); an outbox message of one of the append's events refers to the
//!   event row instead of copying it.
//! - **Readers on the caller's thread.** `load`, `history`, `command`,
//!   lists, search and the due and outbox scans borrow one of
//!   [`SqliteOptions::readers`] read-only connections and run right there:
//!   they are index lookups and short range scans, WAL lets them run while
//!   the writer commits, and no async runtime is needed (the futures are
//!   `Send` and can be driven by tokio or by any `block_on`). A `load` of a
//!   ticket with an append in flight waits for that append's commit, so a
//!   command that lost a version race decides again on the newest version.
//! - **Why rusqlite.** The store needs exactly one writer and a few
//!   readers, all doing short synchronous statements: rusqlite calls
//!   SQLite directly with cached prepared statements, and its `bundled`
//!   build compiles SQLite with FTS5 (`-DSQLITE_ENABLE_FTS5`), so a file
//!   path is all a host needs. sqlx would add an async pool over the same
//!   C library, a thread hop per statement and no group commit of its own:
//!   measured on the same inserts and updates, it took 8 to 9 times
//!   rusqlite's CPU per command (`docs/PERFORMANCE.md`, "Driver: rusqlite
//!   or sqlx"). The plain-rusqlite floor of the commands bench bounds what
//!   any SQLite driver can reach with this schema.
//!
//! # Durability
//!
//! `journal_mode=WAL`, [`Synchronous::Full`] by default, a busy timeout of
//! 5 s. Foreign keys are declared and enforced while migrating; the writer
//! does not check them again row by row (its appends write a ticket's row
//! before the rows that refer to it), and the tests run `PRAGMA
//! foreign_key_check` on what it wrote. With `Full`, an append that returned `Ok` survives
//! a crash of the process and a power loss: its commit's frames were
//! written to the log before the `fdatasync` that preceded the answer (and
//! the log's directory is synced once, when the store first syncs it). A
//! failed sync fails every append waiting for it and every later one, until
//! the store is reopened, since what reached the disk is unknown.
//!
//! With `Full`, nothing a caller may act on as committed rests on a commit
//! that is not yet on disk either. A duplicate append is answered, like
//! any other, after the sync that follows its own commit, which covers the
//! first append's. `load`, `history` and `command` wait until the commit
//! that wrote the newest version, event or record they found is synced (a
//! record of a command without events: every commit made when it was
//! read), and fail if a sync failed first. `pending_outbox` returns only
//! the messages of synced commits. Lists, search and `due_before` show
//! commits before their sync; acting on one of them means executing a
//! command, which loads the ticket first. Opening a file syncs the log an
//! earlier process left, which may hold commits it never synced. A
//! transaction that fails as a whole fails each of its appends that it
//! wrote and each duplicate answered from one of them.
//!
//! With [`Synchronous::Normal`] and [`Synchronous::Off`], appends are
//! answered right after `COMMIT`, and reads see what is committed without
//! waiting: answers and reads alike rest on commits that survive a crash
//! of the process (`Normal`; not a power loss or an operating system
//! crash) or nothing at all (`Off`).
//!
//! `tests/crash.rs` kills a writing child process with SIGKILL 24 times and
//! checks that every acknowledged command is there, no ticket is half
//! written, and `PRAGMA integrity_check` is clean.
//!
//! # Migrations
//!
//! The schema version is `PRAGMA user_version`. Migrations are SQL files
//! embedded in the binary (`migrations/0001_initial.sql`, ...) and applied
//! in order at open, each in its own transaction with its version number,
//! so a database written by an older version opens in a newer one. A
//! database of a newer version than [`SCHEMA_VERSION`] is refused with
//! [`SqliteError::TooNew`], unchanged. Opening a database of version 1 or
//! 2 rewrites every table once (version 3 stores ids as bytes) and needs
//! free disk space for about a second copy of the database until it
//! commits; a migration that would not carry every row over fails and
//! leaves the database at the version before it. Version 4 moves each
//! ticket's snapshot into a table of its own, which rewrites `tickets`
//! once. Version 5 keeps who sent each command and its fingerprint, and
//! moves the search text into `ticket_parts`, each part public or
//! internal, rebuilt from the events (notes indexed before become
//! internal parts). Version 6 keeps how each outbox message's delivery
//! stands: attempts, retries, leases and dead letters. Version 7 makes an
//! outbox row one planned delivery, and settles the messages still
//! pending from before (no rule chose a recipient for them) with the
//! reason in `last_error`. Version 8 numbers the tickets of each tenant
//! in the order they were opened, writes each number into the ticket's
//! `opened` event and snapshot and adds it to its search text, and adds
//! the tables `ticket_numbers` and `messages`.
//!
//! The store opens a new or empty file, a helpdesk database (its `PRAGMA
//! application_id` is [`APPLICATION_ID`], set at the first open), or a
//! SQLite database without a schema version and without any of the tables
//! helpdesk creates, so a host can keep its own tables in the same file.
//! Anything else (a directory, a file that is not SQLite's, another
//! application's database) is refused with [`SqliteError::Unusable`],
//! saying what it is, and left as it was.
//!
//! # Schema
//!
//! Ids are UUIDs as 16-byte `BLOB`s (their byte order is their order;
//! `lower(hex(id))` shows one, `unhex('...')` finds one), and a ticket's
//! rows in other tables refer to it by its number, `tickets.no`, so every
//! key is short. Instants are `INTEGER` nanoseconds since 1970-01-01 UTC:
//! exact for every instant chrono holds between the years 1677 and 2262,
//! so ordering and round trips are exact (`datetime(col / 1000000000,
//! 'unixepoch')` shows one). JSON columns hold the versioned stored forms
//! of `helpdesk-core`.
//!
//! | table | key | holds |
//! |-------|-----|-------|
//! | `tickets` | `no`; unique `(tenant, id)`, unique `(tenant, number)` | the projection: `number` (the ticket's number in its tenant), `version`, `subject`, `status`, `sub_status`, `priority`, `group_id`, `assignee`, `requester`, `tags` (JSON), `next_due`, `created_at`, `updated_at` |
//! | `ticket_numbers` | `tenant` | `last`: the tenant's last number handed out, moved by one statement on the writer's connection |
//! | `messages` | `(tenant, message_id)` | `ticket`: the ticket a mail's message id (normalised, case kept) was first bound to |
//! | `snapshots` | `ticket` (its `no`) | `version`, `body` (the ticket's JSON at that version), written at a ticket's first append and then every [`SNAPSHOT_EVERY`] events; a load applies the events after it (unless the store keeps the ticket decoded at the row's version and time of update) |
//! | `events` | `seq` (write order); unique `(ticket, version)` | `id`, `command`, `at`, `type`, `body` (the event's JSON): the source of truth |
//! | `ticket_tags` | `(ticket, tag)` | one row per tag, with the ticket's `tenant`, `id`, `next_due` and `updated_at` copied for the tag's list |
//! | `commands` | `(tenant, command)` | `ticket`, `from_version`, `to_version`, `actor` (who sent it), `fingerprint` (the SHA-256 of its JSON form; `actor` and `fingerprint` are NULL in records written before version 5): answers retries and refuses a command id sent again with other content |
//! | `outbox` | `seq` | one planned delivery of an event: `ticket`, `version`: the event, read back from `events`; `message` (NULL, or the whole message's JSON when it is not one of its append's events); `delivery` (when `message` is NULL: the rule, the recipient, the channel and the template, as JSON); `attempts`, `last_error`, `next_at` (not claimable before); `lease_holder`, `lease_until` (the dispatcher's lease); `delivered_at` (NULL while pending), `dead_at` (set when given up: a dead letter, which can be revived) |
//! | `ticket_parts` | `no`; indexed by `ticket` | `ticket` (its `no`), `internal` (1: only staff may find it), `body`: one row per lowercased part of a ticket's search text: its number (`#1042`), subject and description, each reply's body and each public attachment's name (public), each note's body and each internal attachment's name (internal); written once, when the part is added |
//! | `ticket_text` | rowid (the part's `no`) | FTS5 over `ticket_parts` as external content, filled by a trigger on its inserts: trigram tokenizer (case-sensitive: the parts are lowercased), `detail = none` (which rows hold a trigram, not where; a GLOB is checked on each candidate row), `columnsize = 0` (no token counts: nothing ranks) |
//!
//! Indexes: for lists, `(tenant, [group_id | assignee | status | requester],
//! next_due, id)` and `(tenant, [...], updated_at DESC, id)` on `tickets`
//! and `(tenant, tag, next_due, id)`, `(tenant, tag, updated_at DESC, id)`
//! on `ticket_tags`, so every first page and every keyset
//! continuation is one index range read in order; `(next_due, tenant, id)
//! WHERE next_due IS NOT NULL` for the SLA scheduler across tenants;
//! `(seq) WHERE delivered_at IS NULL` for the pending outbox and `(seq)
//! WHERE dead_at IS NOT NULL` for its dead letters.
//!
//! Search matches each word as a substring (`GLOB '*word*'`), exactly like
//! the reference store, with an `EXISTS` on the parts of each ticket in
//! question, through the `ticket_parts` index on `ticket`; a reader who
//! may not find internal text is matched against public parts only. The
//! tickets in question are those the trigram index finds holding the
//! longest word of three characters or more, when at most 2,000 parts
//! hold it; otherwise (a common word, or only words shorter than three
//! characters) the tenant's tickets in the reader's reach, read most
//! recently updated first until the page is full. Words are split at
//! whitespace, so no word spans two parts.

mod append;
mod checkpointer;
mod codec;
mod connect;
mod durable;
mod error;
mod identity;
mod inflight;
mod list;
mod messages;
mod migrate;
mod numbers;
mod options;
mod outbox;
mod pool;
mod reach;
mod read;
mod search;
mod statements;
mod store;
mod syncer;
mod text_parts;
mod writer;

pub use append::SNAPSHOT_EVERY;
pub use error::SqliteError;
pub use identity::APPLICATION_ID;
pub use migrate::SCHEMA_VERSION;
pub use options::{SqliteOptions, Synchronous};
pub use store::SqliteStore;
#[doc(hidden)]
pub use syncer::SyncHold;
