//! [`PostgresError`]: why the PostgreSQL store could not be set up or could
//! not do what was asked.

/// Why the PostgreSQL store failed. Every method of the `Store` port
/// answers it inside [`StoreError::Backend`](helpdesk_engine::StoreError)
/// with store name `"postgres"`; [`PostgresStore::connect`](crate::PostgresStore::connect)
/// answers it directly.
///
/// ```
/// use helpdesk_postgres::PostgresError;
///
/// let err = PostgresError::InvalidOption { option: "schema", reason: "is empty".into() };
/// assert_eq!(err.to_string(), "invalid PostgreSQL store option schema: is empty");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PostgresError {
    /// A connection string or option was refused before connecting.
    #[error("invalid PostgreSQL store option {option}: {reason}")]
    InvalidOption {
        /// Which option: `"url"`, `"schema"`, `"role"`, `"max_connections"`.
        option: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The server could not be reached, or refused the connection.
    #[error("cannot connect to PostgreSQL ({target}): {reason}")]
    Connect {
        /// The host and database tried.
        target: String,
        /// Why, as the driver or the server said.
        reason: String,
    },
    /// A statement failed.
    #[error("PostgreSQL failed to {what}: {reason}")]
    Query {
        /// What the store was doing, such as `"append events"`.
        what: &'static str,
        /// The server's message (with its SQLSTATE) or the driver's.
        reason: String,
        /// The driver's error, to look closer (its SQLSTATE, say).
        error: tokio_postgres::Error,
    },
    /// No connection could be had from the pool.
    #[error("no PostgreSQL connection for {what}: {reason}")]
    Pool {
        /// What the store was about to do.
        what: &'static str,
        /// Why the pool had none.
        reason: String,
    },
    /// A schema migration failed; the transaction that ran it was rolled
    /// back, so the schema is as it was.
    #[error("PostgreSQL schema migration {version} ({name}) failed: {reason}")]
    Migrate {
        /// The migration's version.
        version: i32,
        /// Its name.
        name: &'static str,
        /// The server's message.
        reason: String,
    },
    /// The database's schema is newer than this build knows: a newer
    /// release migrated it. Nothing was changed.
    #[error(
        "the PostgreSQL schema is at version {found}, newer than version {known} this build knows; \
         upgrade helpdesk-postgres"
    )]
    NewerSchema {
        /// The version found in `schema_migrations`.
        found: i32,
        /// The newest version this build has.
        known: i32,
    },
    /// Stored data could not be encoded or read back.
    #[error("PostgreSQL store data of {what} is unreadable: {reason}")]
    Data {
        /// What was being read or written.
        what: &'static str,
        /// Why.
        reason: String,
    },
}

/// The server's message of `error` with its SQLSTATE, or the driver's.
pub(crate) fn describe(error: &tokio_postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => {
            let mut text = format!("{} (SQLSTATE {})", db.message(), db.code().code());
            if let Some(detail) = db.detail() {
                text.push_str(": ");
                text.push_str(detail);
            }
            text
        }
        None => {
            let mut text = error.to_string();
            let mut source = std::error::Error::source(error);
            while let Some(cause) = source {
                text.push_str(": ");
                text.push_str(&cause.to_string());
                source = cause.source();
            }
            text
        }
    }
}

impl PostgresError {
    /// A failed statement.
    pub(crate) fn query(what: &'static str, error: tokio_postgres::Error) -> Self {
        PostgresError::Query {
            what,
            reason: describe(&error),
            error,
        }
    }

    /// Whether a statement failed for breaking the unique index or
    /// constraint `constraint`.
    pub(crate) fn violates(&self, constraint: &str) -> bool {
        match self {
            PostgresError::Query { error, .. } => error.as_db_error().is_some_and(|db| {
                *db.code() == tokio_postgres::error::SqlState::UNIQUE_VIOLATION
                    && db.constraint() == Some(constraint)
            }),
            _ => false,
        }
    }

    /// Whether repeating the operation on a fresh connection may succeed:
    /// the connection was closed or broken (the server restarted, or an
    /// administrator terminated the backend), or the pool could not
    /// connect for now.
    pub fn is_transient(&self) -> bool {
        use tokio_postgres::error::SqlState;
        match self {
            PostgresError::Query { error, .. } => {
                error.is_closed()
                    || matches!(
                        error.code(),
                        Some(c) if *c == SqlState::ADMIN_SHUTDOWN
                            || *c == SqlState::CRASH_SHUTDOWN
                            || *c == SqlState::CANNOT_CONNECT_NOW
                            || *c == SqlState::CONNECTION_FAILURE
                            || *c == SqlState::CONNECTION_EXCEPTION
                            || *c == SqlState::T_R_DEADLOCK_DETECTED
                            || *c == SqlState::T_R_SERIALIZATION_FAILURE
                    )
                    || (error.as_db_error().is_none()
                        && std::error::Error::source(error)
                            .is_some_and(|s| s.downcast_ref::<std::io::Error>().is_some()))
            }
            PostgresError::Pool { .. } => true,
            _ => false,
        }
    }
}

impl From<PostgresError> for helpdesk_engine::StoreError {
    fn from(error: PostgresError) -> Self {
        helpdesk_engine::StoreError::backend("postgres", error)
    }
}
