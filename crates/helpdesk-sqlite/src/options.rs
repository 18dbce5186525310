//! [`SqliteOptions`]: durability, concurrency and batching settings.

use std::time::Duration;

/// How hard SQLite works to make a commit survive a power loss
/// (`PRAGMA synchronous`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Synchronous {
    /// `FULL`: every commit is on disk when the append returns, also after
    /// a power loss. The default. The store syncs the write-ahead log
    /// itself, on a thread of its own, so the writer goes on writing the
    /// next transaction while the disk works. Loads, histories and command
    /// records wait for the sync of what they found, and the pending
    /// outbox holds only messages of synced commits.
    #[default]
    Full,
    /// `NORMAL`: in WAL mode, commits survive a crash of the process but
    /// the last ones may be lost on a power loss or an operating system
    /// crash. The database is never corrupted. Answers and reads come
    /// right after `COMMIT` and rest on commits as durable as that.
    Normal,
    /// `OFF`: no syncs at all. For tests and throwaway data only.
    Off,
}

impl Synchronous {
    /// The pragma's value.
    pub(crate) fn pragma(self) -> &'static str {
        match self {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
            Synchronous::Off => "OFF",
        }
    }
}

/// How a [`SqliteStore`](crate::SqliteStore) opens its database.
///
/// ```
/// use std::time::Duration;
/// use helpdesk_sqlite::{SqliteOptions, Synchronous};
///
/// let options = SqliteOptions {
///     synchronous: Synchronous::Normal,
///     busy_timeout: Duration::from_secs(10),
///     ..SqliteOptions::default()
/// };
/// assert_eq!(options.readers, 4);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteOptions {
    /// Durability of commits. Default: [`Synchronous::Full`].
    pub synchronous: Synchronous,
    /// How long a connection waits for another process's lock before it
    /// fails with "database is locked". Default: 5 seconds.
    pub busy_timeout: Duration,
    /// How many read-only connections serve `load`, `history`, queries and
    /// search at the same time (at least 1). Default: 4.
    pub readers: usize,
    /// At most this many appends are committed in one transaction by the
    /// writer (at least 1). Default: 512.
    pub max_batch: usize,
    /// SQLite's page cache per connection, in KiB. Default: 16 MiB.
    pub cache_kib: u32,
    /// With [`Synchronous::Full`], a checkpoint thread copies the
    /// write-ahead log back into the database once the log holds this many
    /// pages (at least 1), and again after each further this many while the
    /// log grows; the writer does it itself at eight times as many. Default: 4,096 pages (16 MiB with 4 KiB pages). With the other
    /// settings SQLite checkpoints at 1,000 pages, on the writer.
    pub checkpoint_pages: u32,
    /// How many decoded tickets the store keeps (up to twice this many).
    /// A load of a ticket it wrote or read lately reads the ticket's row,
    /// and answers the kept ticket while the row is at its version and
    /// time of update, without reading or decoding the snapshot and events
    /// (it still waits for the commit that wrote that version to be
    /// synced). 0 keeps none. Default: 1,000.
    pub cached_tickets: usize,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            synchronous: Synchronous::Full,
            busy_timeout: Duration::from_secs(5),
            readers: 4,
            max_batch: 512,
            cache_kib: 16 * 1024,
            checkpoint_pages: 4096,
            cached_tickets: 1_000,
        }
    }
}
