//! The store contract, checked by the shared conformance suite on a real
//! SQLite file per case, and on the in-memory database.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Utc};
use helpdesk_core::{TenantId, Ticket, TicketId};
use helpdesk_engine::store::{
    Append, Appended, CommandRecord, DueTicket, OutboxMessage, Page, StoredEvent, TicketQuery,
    TicketRow,
};
use helpdesk_engine::{CommandId, Store, StoreError};
use helpdesk_sqlite::SqliteStore;

/// A store on a file in a temporary directory that lives as long as it.
struct OnFile {
    store: SqliteStore,
    _dir: tempfile::TempDir,
}

impl OnFile {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("conformance.db")).unwrap();
        Self { store, _dir: dir }
    }
}

impl Store for OnFile {
    async fn load(&self, tenant: TenantId, ticket: TicketId) -> Result<Option<Ticket>, StoreError> {
        self.store.load(tenant, ticket).await
    }

    async fn history(
        &self,
        tenant: TenantId,
        ticket: TicketId,
        from: u64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        self.store.history(tenant, ticket, from).await
    }

    async fn command(
        &self,
        tenant: TenantId,
        command: CommandId,
    ) -> Result<Option<CommandRecord>, StoreError> {
        self.store.command(tenant, command).await
    }

    async fn append(&self, append: Append) -> Result<Appended, StoreError> {
        self.store.append(append).await
    }

    async fn query(&self, tenant: TenantId, query: TicketQuery) -> Result<Page, StoreError> {
        self.store.query(tenant, query).await
    }

    async fn search(
        &self,
        tenant: TenantId,
        text: &str,
        limit: u32,
    ) -> Result<Vec<TicketRow>, StoreError> {
        self.store.search(tenant, text, limit).await
    }

    async fn due_before(
        &self,
        instant: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DueTicket>, StoreError> {
        self.store.due_before(instant, limit).await
    }

    async fn pending_outbox(&self, limit: u32) -> Result<Vec<OutboxMessage>, StoreError> {
        self.store.pending_outbox(limit).await
    }
}

mod on_file {
    use super::OnFile;
    helpdesk_testkit::store_conformance!(|| async { OnFile::new() });
}

/// The in-memory database, which serves reads and writes on one connection.
mod in_memory {
    use helpdesk_sqlite::SqliteStore;
    helpdesk_testkit::store_conformance!(|| async { SqliteStore::in_memory().unwrap() });
}
