//! [`Tx`]: one transaction on a pooled connection, scoped to a tenant (or
//! to every tenant) by `SET LOCAL helpdesk.tenant`, its `BEGIN` sent with
//! the first statement so a read costs one round trip.

use deadpool_postgres::{Object, Pool};
use helpdesk_core::TenantId;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Row, Statement};

use crate::error::PostgresError;
use helpdesk_engine::StoreError;

/// What an operation failed with: the store's answer, or the server's
/// (which may be worth repeating on a fresh connection).
pub(crate) enum Fail {
    Store(StoreError),
    Pg(PostgresError),
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Self {
        Fail::Store(e)
    }
}

impl From<PostgresError> for Fail {
    fn from(e: PostgresError) -> Self {
        Fail::Pg(e)
    }
}

/// Whose rows a transaction may see through row-level security.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scope {
    /// One tenant's.
    Tenant(TenantId),
    /// Every tenant's: only the system-wide methods (due work, the
    /// outbox's deliveries) take it.
    All,
}

/// A transaction in progress. Dropped without [`Tx::commit`] or
/// [`Tx::rollback`] (a cancelled future), its connection is taken out of
/// the pool and closed, so no connection goes back mid-transaction.
pub(crate) struct Tx {
    client: Option<Object>,
    begin: Option<String>,
}

impl Tx {
    /// A transaction in `scope` on a connection from `pool`; nothing is
    /// sent until the first statement.
    pub(crate) async fn start(
        pool: &Pool,
        scope: Scope,
        read_only: bool,
        what: &'static str,
    ) -> Result<Tx, PostgresError> {
        let client = pool.get().await.map_err(|e| PostgresError::Pool {
            what,
            reason: match &e {
                deadpool_postgres::PoolError::Backend(error) => crate::error::describe(error),
                other => other.to_string(),
            },
        })?;
        let tenant = match scope {
            Scope::Tenant(t) => t.as_uuid().to_string(),
            Scope::All => "*".to_owned(),
        };
        let mode = if read_only { " READ ONLY" } else { "" };
        // The tenant is a UUID's text or '*': nothing to quote.
        let begin = format!("BEGIN{mode}; SET LOCAL helpdesk.tenant = '{tenant}'");
        Ok(Tx {
            client: Some(client),
            begin: Some(begin),
        })
    }

    fn client(&self) -> &Object {
        // Present until commit or rollback consume the transaction.
        self.client
            .as_ref()
            .unwrap_or_else(|| unreachable!("a transaction's connection is kept until it ends"))
    }

    /// `sql`, prepared once per connection.
    pub(crate) async fn prepare(
        &self,
        sql: &str,
        what: &'static str,
    ) -> Result<Statement, PostgresError> {
        self.client()
            .prepare_cached(sql)
            .await
            .map_err(|e| PostgresError::query(what, e))
    }

    /// Sends `BEGIN` if not yet sent, pipelined with `statement`.
    pub(crate) async fn query(
        &mut self,
        statement: &Statement,
        params: &[&(dyn ToSql + Sync)],
        what: &'static str,
    ) -> Result<Vec<Row>, PostgresError> {
        let client = self
            .client
            .as_ref()
            .unwrap_or_else(|| unreachable!("a transaction's connection is kept until it ends"));
        match self.begin.take() {
            Some(begin) => {
                let (began, rows) = tokio::join!(
                    client.batch_execute(&begin),
                    client.query(statement, params)
                );
                began.map_err(|e| PostgresError::query("begin a transaction", e))?;
                rows.map_err(|e| PostgresError::query(what, e))
            }
            None => client
                .query(statement, params)
                .await
                .map_err(|e| PostgresError::query(what, e)),
        }
    }

    /// `statements` (each with its parameters and what it does) pipelined
    /// in order, then `COMMIT`, in one round trip; the first failure is
    /// answered, and the transaction is then rolled back.
    pub(crate) async fn commit_with(
        mut self,
        statements: &[(&Statement, &[&(dyn ToSql + Sync)], &'static str)],
    ) -> Result<(), PostgresError> {
        let Some(client) = self.client.take() else {
            return Ok(());
        };
        let begin = self.begin.take();
        let outcome = {
            let begun = async {
                match &begin {
                    Some(sql) => client.batch_execute(sql).await,
                    None => Ok(()),
                }
            };
            let sent = futures_util::future::join_all(
                statements
                    .iter()
                    .map(|(statement, params, _)| client.execute(*statement, params)),
            );
            let (began, results, committed) =
                tokio::join!(begun, sent, client.batch_execute("COMMIT"));
            began.map_err(|e| PostgresError::query("begin a transaction", e))?;
            for (result, (_, _, what)) in results.into_iter().zip(statements) {
                result.map_err(|e| PostgresError::query(what, e))?;
            }
            committed.map_err(|e| PostgresError::query("commit", e))
        };
        if outcome.is_err() && !client.is_closed() {
            // COMMIT of a failed transaction rolls it back; make sure.
            let _ = client.batch_execute("ROLLBACK").await;
        }
        outcome
    }

    /// Commits.
    pub(crate) async fn commit(self) -> Result<(), PostgresError> {
        self.commit_with(&[]).await
    }

    /// Rolls back, ignoring a failure (a broken connection is dropped by
    /// the pool).
    pub(crate) async fn rollback(mut self) {
        if let Some(client) = self.client.take()
            && self.begin.is_none()
        {
            let _ = client.batch_execute("ROLLBACK").await;
        }
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        if let Some(client) = self.client.take()
            && self.begin.is_none()
        {
            // Mid-transaction: never hand it to another caller.
            drop(Object::take(client));
        }
    }
}
