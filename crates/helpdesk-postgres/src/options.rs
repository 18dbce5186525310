//! [`PostgresOptions`]: how the store connects and shares work.

use chrono::TimeDelta;

/// How a [`PostgresStore`](crate::PostgresStore) connects, where its
/// tables live, and how its scheduler shares due work with other hosts.
///
/// ```
/// use helpdesk_postgres::PostgresOptions;
///
/// let options = PostgresOptions {
///     schema: Some("helpdesk".into()),
///     role: Some("helpdesk_app".into()),
///     ..PostgresOptions::default()
/// };
/// assert_eq!(options.max_connections, 16);
/// assert!(options.due_lease.is_none(), "every host sees all due work unless asked");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostgresOptions {
    /// The schema holding the store's tables, created if missing; `None`
    /// for the connection's default search path (usually `public`). The
    /// store's connections search it first, then `public` (where
    /// `pg_trgm` is installed). Letters, digits and `_` only.
    pub schema: Option<String>,
    /// The role the store's pooled connections act as (`SET ROLE` at
    /// connection start), while migrations run as the login user. Row-level
    /// security holds for every role but superusers and roles with
    /// `BYPASSRLS`: a store that logs in as a superuser (as tests do)
    /// names an ordinary role here. Migrations grant it what the store
    /// needs on its tables. Letters, digits and `_` only.
    pub role: Option<String>,
    /// The most connections the store's pool holds.
    pub max_connections: usize,
    /// When set, [`Store::due_before`](helpdesk_engine::Store::due_before)
    /// leases the tickets it returns to this store (its `host`) for this
    /// long, with `FOR UPDATE SKIP LOCKED`, and passes over tickets leased
    /// to other hosts: several hosts' schedulers then share the due work
    /// instead of each checking every ticket. A host that stops has its
    /// tickets picked up once their lease expires. `None` (the default):
    /// every call sees every due ticket, as the port's contract describes.
    pub due_lease: Option<TimeDelta>,
    /// With [`due_lease`](Self::due_lease): the most tickets one call
    /// leases, so hosts running their schedulers together each take a
    /// share (a scheduler pages through the rest with further calls).
    pub due_batch: u32,
    /// This host's name in due-work leases. Defaults to a random one per
    /// store.
    pub host: Option<String>,
    /// How many times an operation is repeated on a fresh connection when
    /// its connection broke (see [`PostgresError::is_transient`](crate::PostgresError::is_transient)).
    /// Appends are repeated safely: a command id is written once.
    pub retries: u32,
    /// How many matches make a search word common. A search takes its
    /// tickets from the trigram lookup of its rarest word when that word
    /// has fewer matches, and checks the other words on those tickets
    /// alone; when every word has at least this many, it walks the tenant's
    /// tickets in reach in the page's order and checks each, which fills a
    /// page soon since such words match often. Counting stops at this
    /// number, so a larger one costs more on searches of common words.
    pub common_word: u32,
    /// How many decoded tickets the store keeps (up to twice this many).
    /// A load of a kept ticket whose row is still at its version is
    /// answered without sending or decoding the snapshot; a row that moved
    /// on (another host wrote) sends its snapshot as before. 0 keeps none.
    /// Default: 1,000.
    pub cached_tickets: usize,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        Self {
            schema: None,
            role: None,
            max_connections: 16,
            due_lease: None,
            due_batch: 16,
            host: None,
            retries: 3,
            common_word: 5_000,
            cached_tickets: 1_000,
        }
    }
}

/// Whether `name` is a plain SQL identifier this store puts in statements
/// unquoted: 1 to 63 lowercase ASCII letters, digits or `_`, starting with
/// a letter or `_`.
pub(crate) fn plain_identifier(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !name.as_bytes()[0].is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::plain_identifier;

    #[test]
    fn only_plain_lowercase_identifiers_pass() {
        assert!(plain_identifier("helpdesk"));
        assert!(plain_identifier("t_0a1b"));
        assert!(!plain_identifier(""));
        assert!(!plain_identifier("1abc"));
        assert!(!plain_identifier("Help"));
        assert!(!plain_identifier("a;drop table x"));
        assert!(!plain_identifier(&"a".repeat(64)));
    }
}
