//! [`Source`]: the desk's store a command reads, a SQLite file or a
//! PostgreSQL database, as the command line names it, and opening it.

use std::future::Future;
use std::path::PathBuf;

use clap::Args;
use helpdesk_engine::Store;
use helpdesk_sqlite::SqliteStore;

/// Where the desk's store is, as the command line says it.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// The desk's SQLite file, or a PostgreSQL URL
    /// (postgres://user@host/db).
    #[arg(required_unless_present = "postgres")]
    db: Option<String>,
    /// Use a PostgreSQL store instead: a URL or a libpq connection
    /// string ("host=127.0.0.1 user=postgres dbname=test").
    #[arg(long, value_name = "URL", conflicts_with = "db")]
    postgres: Option<String>,
    /// With PostgreSQL, the schema holding the desk's tables (the
    /// connection's search path by default).
    #[arg(long)]
    schema: Option<String>,
}

impl StoreArgs {
    /// The source these arguments name.
    pub fn source(self) -> Result<Source, String> {
        Source::from_args(self.db, self.postgres, self.schema)
    }
}

/// Where a desk's store is: both stores answer the same port, so a
/// command reads the same desk from either.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL database.
    Postgres {
        /// A URL (`postgres://user@host/db`) or a libpq connection string
        /// (`host=127.0.0.1 user=postgres dbname=test`).
        url: String,
        /// The schema holding the desk's tables; the connection's search
        /// path when `None`.
        schema: Option<String>,
    },
}

impl Source {
    /// The source the command line names: `db` (a SQLite file, or a
    /// `postgres://` or `postgresql://` URL), or `--postgres URL`, with
    /// `--schema` only for PostgreSQL.
    pub fn from_args(
        db: Option<String>,
        postgres: Option<String>,
        schema: Option<String>,
    ) -> Result<Self, String> {
        let source = match (db, postgres) {
            (Some(_), Some(_)) => {
                return Err("give either DB or --postgres URL, not both".to_owned());
            }
            (None, None) => {
                return Err(
                    "give the desk's SQLite file, or a PostgreSQL database with --postgres URL"
                        .to_owned(),
                );
            }
            (None, Some(url)) => Self::Postgres { url, schema },
            (Some(db), None) if is_postgres_url(&db) => Self::Postgres { url: db, schema },
            (Some(db), None) => {
                if let Some(schema) = schema {
                    return Err(format!(
                        "--schema {schema:?} names a PostgreSQL schema; give --postgres URL (or a postgres:// URL) with it"
                    ));
                }
                Self::Sqlite(PathBuf::from(db))
            }
        };
        Ok(source)
    }

    /// The source for people, without a password.
    pub fn label(&self) -> String {
        match self {
            Self::Sqlite(path) => path.display().to_string(),
            Self::Postgres { url, schema } => {
                let url = redact(url);
                match schema {
                    Some(schema) => format!("{url} (schema {schema})"),
                    None => url,
                }
            }
        }
    }
}

/// Whether `text` is a PostgreSQL URL rather than a file name.
fn is_postgres_url(text: &str) -> bool {
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

/// A connection string with its password replaced by `***`.
fn redact(url: &str) -> String {
    if is_postgres_url(url) {
        let Some((scheme, rest)) = url.split_once("://") else {
            return url.to_owned();
        };
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(end);
        if let Some((user, host)) = authority.rsplit_once('@')
            && let Some((name, _)) = user.split_once(':')
        {
            return format!("{scheme}://{name}:***@{host}{path}");
        }
        return url.to_owned();
    }
    url.split_whitespace()
        .map(|pair| {
            if pair.starts_with("password=") {
                "password=***"
            } else {
                pair
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Source {
    /// Opens the store, with one connection for PostgreSQL; a SQLite file
    /// that does not exist is refused, never created.
    async fn open(&self) -> Result<Opened, String> {
        match self {
            Self::Sqlite(db) => {
                if !db.is_file() {
                    return Err(format!(
                        "{}: no such file; give the SQLite file of a desk",
                        db.display()
                    ));
                }
                SqliteStore::open(db)
                    .map(Opened::Sqlite)
                    .map_err(|e| format!("{}: {e}", db.display()))
            }
            #[cfg(feature = "postgres")]
            Self::Postgres { url, schema } => {
                let options = helpdesk_postgres::PostgresOptions {
                    schema: schema.clone(),
                    max_connections: 1,
                    ..helpdesk_postgres::PostgresOptions::default()
                };
                helpdesk_postgres::PostgresStore::connect(url, options)
                    .await
                    .map(Opened::Postgres)
                    .map_err(|e| format!("{}: {e}", self.label()))
            }
            #[cfg(not(feature = "postgres"))]
            Self::Postgres { .. } => Err(format!(
                "{}: this helpdesk was built without PostgreSQL; build it with the feature \"postgres\"",
                self.label()
            )),
        }
    }
}

/// Work on a desk's store, whichever kind [`Source::run`] opens.
pub trait OnStore {
    /// What the work answers.
    type Output;

    /// Does the work on `store`.
    async fn on<S: Store>(self, store: S) -> Result<Self::Output, String>;
}

impl Source {
    /// Opens the store and does `work` on it, on a runtime of the calling
    /// thread.
    pub fn run<W: OnStore>(&self, work: W) -> Result<W::Output, String> {
        block_on(async {
            match self.open().await? {
                Opened::Sqlite(store) => work.on(store).await,
                #[cfg(feature = "postgres")]
                Opened::Postgres(store) => work.on(store).await,
            }
        })
    }
}

/// An opened store.
enum Opened {
    /// A SQLite file.
    Sqlite(SqliteStore),
    /// A PostgreSQL database.
    #[cfg(feature = "postgres")]
    Postgres(helpdesk_postgres::PostgresStore),
}

/// Runs `work` to its end on a runtime of the calling thread.
fn block_on<T>(work: impl Future<Output = Result<T, String>>) -> Result<T, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))?
        .block_on(work)
}
