//! [`SqliteError`]: why the SQLite store could not open or do what was asked.

use std::path::PathBuf;

use helpdesk_engine::StoreError;

/// Why the SQLite store failed. Every variant names the database file and
/// what was being done, and its message ends with SQLite's (or the
/// system's) reason; that error itself is the variant's `error` field, not
/// a separate [`source`](std::error::Error::source), so a printer that
/// walks the chain shows it once.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SqliteError {
    /// The database file could not be opened or created.
    #[error("cannot open SQLite database {path}: {error}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// SQLite's error.
        error: rusqlite::Error,
    },
    /// The file cannot be this store's database: it is a directory, it is
    /// not a SQLite database, or it is another application's. Nothing was
    /// written to it.
    #[error("cannot use {path} as the helpdesk database: {reason}")]
    Unusable {
        /// The file.
        path: PathBuf,
        /// What the file is instead.
        reason: String,
    },
    /// A setting could not be applied when opening.
    #[error("cannot set {setting} on SQLite database {path}: {error}")]
    Configure {
        /// The database file.
        path: PathBuf,
        /// The setting, such as `"journal_mode=WAL"`.
        setting: &'static str,
        /// SQLite's error.
        error: rusqlite::Error,
    },
    /// The database could not be upgraded to the schema version this build
    /// writes.
    #[error("cannot migrate SQLite database {path} to schema version {version}: {error}")]
    Migrate {
        /// The database file.
        path: PathBuf,
        /// The schema version being applied.
        version: u32,
        /// SQLite's error.
        error: rusqlite::Error,
    },
    /// The database was written by a newer build of this crate, with a
    /// schema this build does not know. Nothing was changed.
    #[error(
        "SQLite database {path} has schema version {found}, newer than the {supported} this build knows; upgrade helpdesk-sqlite to open it"
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// The schema version in the file (`PRAGMA user_version`).
        found: u32,
        /// The newest schema version this build knows.
        supported: u32,
    },
    /// A statement failed.
    #[error("SQLite database {path}: {operation} failed: {error}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// What was being done, such as `"insert event"`.
        operation: &'static str,
        /// SQLite's error.
        error: rusqlite::Error,
    },
    /// A value could not be written in its stored form.
    #[error("SQLite database {path}: cannot encode {what}: {reason}")]
    Encode {
        /// The database file.
        path: PathBuf,
        /// What was being encoded.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// The transaction holding an append could not be written or
    /// committed; nothing of the append was kept.
    #[error("SQLite database {path}: group commit failed at {stage}: {reason}")]
    Batch {
        /// The database file.
        path: PathBuf,
        /// Where: `"begin"`, `"savepoint"`, `"write"`, `"release"`,
        /// `"commit"` or `"sync"` (the log could not be synced: it is
        /// unknown what reached the disk, and every later append fails
        /// until the store is reopened).
        stage: &'static str,
        /// SQLite's error, as text (it is shared by the whole batch).
        reason: String,
    },
    /// What a read found, or a log left by an earlier process, is not
    /// known to be on disk: a sync of the write-ahead log failed (every
    /// later append fails too, until the store is reopened) or the writer
    /// stopped before its commit was synced.
    #[error("SQLite database {path}: commits are not known to be on disk: {reason}")]
    Unsynced {
        /// The database file.
        path: PathBuf,
        /// Why: the failed sync's error, or that the writer stopped.
        reason: String,
    },
    /// The writer thread could not be started.
    #[error("cannot start the writer thread of SQLite database {path}: {error}")]
    Spawn {
        /// The database file.
        path: PathBuf,
        /// The operating system's error.
        error: std::io::Error,
    },
    /// The writer thread has stopped (it panicked, or the store is being
    /// dropped), so nothing more can be written.
    #[error("the writer of SQLite database {path} has stopped")]
    WriterStopped {
        /// The database file.
        path: PathBuf,
    },
}

impl From<SqliteError> for StoreError {
    fn from(error: SqliteError) -> Self {
        StoreError::backend("sqlite", error)
    }
}

/// Maps a failed statement to a [`SqliteError::Sqlite`] naming `path` and
/// `operation`.
pub(crate) fn statement_failed<'a>(
    path: &'a std::path::Path,
    operation: &'static str,
) -> impl FnOnce(rusqlite::Error) -> SqliteError + 'a {
    move |error| SqliteError::Sqlite {
        path: path.to_owned(),
        operation,
        error,
    }
}

/// Maps a failed statement to a backend error naming `path` and
/// `operation`.
pub(crate) fn failed<'a>(
    path: &'a std::path::Path,
    operation: &'static str,
) -> impl FnOnce(rusqlite::Error) -> StoreError + 'a {
    move |error| statement_failed(path, operation)(error).into()
}
