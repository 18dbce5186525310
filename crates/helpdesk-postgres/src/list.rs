//! Lists and search: one page of a tenant's tickets in a reader's reach,
//! each a keyset range over an index ending in the sort key and the id
//! (see `migrations/0001_initial.sql`), the reach a condition of the same
//! query so it holds before the limit.

use helpdesk_core::{Reach, TenantId};
use helpdesk_engine::StoreError;
use helpdesk_engine::store::{Cursor, Order, Page, SearchQuery, TicketQuery, TicketRow};
use tokio_postgres::types::ToSql;
use uuid::Uuid;

use crate::codec::{self, ROW_COLUMNS};
use crate::tx::{Fail, Tx};

/// A statement's parameters, owned, as it is built.
#[derive(Default)]
struct Params(Vec<Box<dyn ToSql + Sync + Send>>);

impl Params {
    /// Adds `value`; its placeholder (`$n`).
    fn push(&mut self, value: impl ToSql + Sync + Send + 'static) -> String {
        self.0.push(Box::new(value));
        format!("${}", self.0.len())
    }

    fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.0
            .iter()
            .map(|p| p.as_ref() as &(dyn ToSql + Sync))
            .collect()
    }
}

/// The conditions every list and search of `tenant` in `reach` takes.
fn tenant_and_reach(tenant: TenantId, reach: &Reach, params: &mut Params) -> Vec<String> {
    let mut conditions = vec![format!("t.tenant = {}", params.push(tenant.as_uuid()))];
    match reach {
        Reach::Tenant => {}
        Reach::Requester(id) => {
            conditions.push(format!("t.requester = {}", params.push(id.as_uuid())));
        }
        Reach::Groups { agent, groups } => {
            let agent = params.push(agent.as_uuid());
            let groups: Vec<Uuid> = groups.iter().map(|g| g.as_uuid()).collect();
            let groups = params.push(groups);
            conditions.push(format!(
                "(t.group_id IS NULL OR t.assignee = {agent} OR t.group_id = ANY({groups}))"
            ));
        }
    }
    conditions
}

/// The conditions of `query`'s filter and of the reader's reach in
/// `tenant`, with their parameters.
fn shared(
    tenant: TenantId,
    reach: &Reach,
    query: &TicketQuery,
) -> Result<(Vec<String>, Params), StoreError> {
    let mut params = Params::default();
    let mut conditions = tenant_and_reach(tenant, reach, &mut params);
    let filter = &query.filter;
    if let Some(group) = filter.group {
        conditions.push(format!("t.group_id = {}", params.push(group.as_uuid())));
    }
    if let Some(assignee) = filter.assignee {
        conditions.push(format!("t.assignee = {}", params.push(assignee.as_uuid())));
    }
    if let Some(requester) = filter.requester {
        conditions.push(format!(
            "t.requester = {}",
            params.push(requester.as_uuid())
        ));
    }
    if let Some(status) = filter.status {
        conditions.push(format!(
            "t.status = {}",
            params.push(codec::name("a status", &status)?)
        ));
    }
    if let Some(tag) = &filter.tag {
        conditions.push(format!(
            "t.tags @> ARRAY[{}::text]",
            params.push(tag.clone())
        ));
    }
    Ok((conditions, params))
}

/// One page of `query` in `tenant`, of the tickets in `reach`.
/// [`Order::NextDue`] reads tickets with something due first (one range of
/// `(next_due, id)`), then those with nothing due (by id).
pub(crate) async fn page(
    tx: &mut Tx,
    tenant: TenantId,
    reach: &Reach,
    query: &TicketQuery,
    limit: usize,
) -> Result<Page, Fail> {
    let fetch = i64::try_from(limit + 1).unwrap_or(i64::MAX);
    let mut rows = Vec::with_capacity(limit + 1);
    match query.order {
        Order::NextDue => {
            let after = query.after;
            if after.is_none_or(|c| c.due.is_some()) {
                let (mut conds, mut params) = shared(tenant, reach, query)?;
                conds.push("t.next_due IS NOT NULL".to_owned());
                if let Some(Cursor {
                    due: Some(due), id, ..
                }) = after
                {
                    let d = params.push(due);
                    let i = params.push(id.as_uuid());
                    conds.push(format!("(t.next_due, t.id) > ({d}, {i})"));
                }
                let l = params.push(fetch);
                let sql = format!(
                    "SELECT {ROW_COLUMNS} FROM tickets AS t WHERE {} \
                     ORDER BY t.next_due, t.id LIMIT {l}",
                    conds.join(" AND ")
                );
                read(tx, &sql, &params, &mut rows).await?;
            }
            if rows.len() <= limit {
                let (mut conds, mut params) = shared(tenant, reach, query)?;
                conds.push("t.next_due IS NULL".to_owned());
                if let Some(Cursor { due: None, id, .. }) = after {
                    conds.push(format!("t.id > {}", params.push(id.as_uuid())));
                }
                let want = i64::try_from(limit + 1 - rows.len()).unwrap_or(i64::MAX);
                let l = params.push(want);
                let sql = format!(
                    "SELECT {ROW_COLUMNS} FROM tickets AS t WHERE {} ORDER BY t.id LIMIT {l}",
                    conds.join(" AND ")
                );
                read(tx, &sql, &params, &mut rows).await?;
            }
        }
        Order::UpdatedAt => {
            let (mut conds, mut params) = shared(tenant, reach, query)?;
            if let Some(cursor) = query.after {
                let u = params.push(cursor.updated);
                let i = params.push(cursor.id.as_uuid());
                conds.push(format!("t.updated_at <= {u}"));
                conds.push(format!("(t.updated_at < {u} OR t.id > {i})"));
            }
            let l = params.push(fetch);
            let sql = format!(
                "SELECT {ROW_COLUMNS} FROM tickets AS t WHERE {} \
                 ORDER BY t.updated_at DESC, t.id LIMIT {l}",
                conds.join(" AND ")
            );
            read(tx, &sql, &params, &mut rows).await?;
        }
    }
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = if more {
        rows.last().map(|r| Cursor::after(r, query.order))
    } else {
        None
    };
    Ok(Page { rows, next })
}

/// Runs `sql` and appends its rows.
async fn read(
    tx: &mut Tx,
    sql: &str,
    params: &Params,
    rows: &mut Vec<TicketRow>,
) -> Result<(), Fail> {
    let stmt = tx.prepare(sql, "list tickets").await?;
    for row in tx.query(&stmt, &params.refs(), "list tickets").await? {
        rows.push(codec::ticket_row(&row)?);
    }
    Ok(())
}

/// The tickets of `tenant` in `reach` whose search text holds every word
/// of `query`, each as a substring of a part the reader may find, most
/// recently updated first.
///
/// The words' matches are counted first, each up to `common`
/// ([`PostgresOptions::common_word`](crate::PostgresOptions::common_word);
/// `search_count`, see the migrations), in the query's order until one has
/// fewer than a quarter of that. A word with none ends the search. The
/// tickets come from the trigram-indexed lookup (`search_text`) of the
/// rarest word counted, when it is rarer than `common`, and the other words
/// are checked on each of them (`search_has`); when every word is common,
/// the tenant's tickets in reach are checked in their order until the page
/// is full.
pub(crate) async fn search(
    tx: &mut Tx,
    tenant: TenantId,
    reach: &Reach,
    query: &SearchQuery,
    common: u32,
) -> Result<Vec<TicketRow>, Fail> {
    let common = i32::try_from(common).unwrap_or(i32::MAX);
    let internal = reach.finds_internal_text();
    let count = tx
        .prepare(
            "SELECT search_count($1, $2, $3, $4)",
            "count a search word's matches",
        )
        .await?;
    // Counting a common word reads its whole index entry, so counting stops
    // at the first word rare enough to lead (a quarter of `common`); the
    // words after it count as common.
    let rare = i64::from(common / 4);
    let mut words = Vec::with_capacity(query.words.len());
    let mut led = false;
    for word in &query.words {
        let pattern = codec::contains_pattern(word);
        if led {
            words.push((i64::from(common), pattern));
            continue;
        }
        let rows = tx
            .query(
                &count,
                &[&tenant.as_uuid(), &pattern, &internal, &common],
                "count a search word's matches",
            )
            .await?;
        let found: i64 = match rows.first() {
            Some(row) => codec::get(row, 0, "a search word's count")?,
            None => 0,
        };
        if found == 0 {
            return Ok(Vec::new());
        }
        led = found < rare;
        words.push((found, pattern));
    }
    words.sort_by_key(|(found, _)| *found);
    let mut params = Params::default();
    let mut conditions = tenant_and_reach(tenant, reach, &mut params);
    let internal = params.push(internal);
    let mut words = words.into_iter().peekable();
    if let Some((_, rarest)) = words.next_if(|(found, _)| *found < i64::from(common)) {
        let w = params.push(rarest);
        conditions.push(format!("t.id IN (SELECT search_text($1, {w}, {internal}))"));
    }
    for (_, pattern) in words {
        let w = params.push(pattern);
        conditions.push(format!("search_has($1, t.id, {w}, {internal})"));
    }
    let l = params.push(i64::from(query.limit));
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM tickets AS t WHERE {} \
         ORDER BY t.updated_at DESC, t.id LIMIT {l}",
        conditions.join(" AND ")
    );
    let mut rows = Vec::new();
    let stmt = tx.prepare(&sql, "search").await?;
    for row in tx.query(&stmt, &params.refs(), "search").await? {
        rows.push(codec::ticket_row(&row)?);
    }
    Ok(rows)
}
