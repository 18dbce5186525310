//! Lists: one page of a tenant's tickets, filtered, ordered and paged by
//! key, each page one or two index range scans.
//!
//! The driving index is chosen from the filter: the tag's list in
//! `ticket_tags` if a tag is asked for, otherwise the first of assignee,
//! requester (a requester's own, for a requester's reach), group and
//! status that is set, otherwise the tenant's. The reader's reach is one
//! more condition of the same query, so it holds before the limit. Each
//! index is (tenant, column, sort key, id), so a page reads its rows in
//! order and stops after `limit + 1`. [`Order::NextDue`] reads tickets with
//! something due first, then those with nothing due; a cursor continues
//! strictly after its (sort key, id).

use std::path::Path;

use helpdesk_core::{Reach, TenantId};
use helpdesk_engine::StoreError;
use helpdesk_engine::store::{Cursor, Order, Page, TicketQuery, TicketRow};
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};

use crate::codec::{self, ROW_COLUMNS};
use crate::error::failed;

/// Where rows come from and what their sort columns are called there.
struct Source {
    from: String,
    due: &'static str,
    updated: &'static str,
    id: &'static str,
}

/// The query's FROM clause, its WHERE conditions and their parameters.
fn source(
    tenant: TenantId,
    reach: &Reach,
    query: &TicketQuery,
) -> (Source, Vec<String>, Vec<Value>) {
    let filter = &query.filter;
    let suffix = match query.order {
        Order::NextDue => "due",
        Order::UpdatedAt => "updated",
    };
    let mut conditions = Vec::new();
    let mut values: Vec<Value> = vec![codec::key_value(tenant)];
    let source = if let Some(tag) = &filter.tag {
        conditions.push("g.tenant = ?1".to_owned());
        values.push(Value::Text(tag.clone()));
        conditions.push(format!("g.tag = ?{}", values.len()));
        Source {
            from: format!(
                "ticket_tags AS g INDEXED BY ticket_tags_{suffix} \
                 CROSS JOIN tickets AS t ON t.no = g.ticket"
            ),
            due: "g.next_due",
            updated: "g.updated_at",
            id: "g.id",
        }
    } else {
        conditions.push("t.tenant = ?1".to_owned());
        let index = if filter.assignee.is_some() {
            "assignee_"
        } else if filter.requester.is_some() || matches!(reach, Reach::Requester(_)) {
            "requester_"
        } else if filter.group.is_some() {
            "group_"
        } else if filter.status.is_some() {
            "status_"
        } else {
            ""
        };
        Source {
            from: format!("tickets AS t INDEXED BY tickets_{index}{suffix}"),
            due: "t.next_due",
            updated: "t.updated_at",
            id: "t.id",
        }
    };
    let mut equal = |column: &str, value: Value| {
        values.push(value);
        conditions.push(format!("{column} = ?{}", values.len()));
    };
    if let Some(assignee) = filter.assignee {
        equal("t.assignee", codec::key_value(assignee));
    }
    if let Some(requester) = filter.requester {
        equal("t.requester", codec::key_value(requester));
    }
    if let Some(group) = filter.group {
        equal("t.group_id", codec::key_value(group));
    }
    if let Some(status) = filter.status {
        equal("t.status", Value::Text(status.as_str().to_owned()));
    }
    conditions.extend(crate::reach::condition(reach, &mut values));
    (source, conditions, values)
}

/// One page of `query` in `tenant`, of the tickets in `reach`.
pub(crate) fn page(
    conn: &Connection,
    path: &Path,
    tenant: TenantId,
    reach: &Reach,
    query: &TicketQuery,
) -> Result<Page, StoreError> {
    let limit = query.check()?;
    let (source, conditions, values) = source(tenant, reach, query);
    let mut rows = Vec::with_capacity(limit + 1);
    match query.order {
        Order::NextDue => {
            let after = query.after;
            // Tickets with something due, unless the cursor is already
            // past them.
            if after.is_none_or(|c| c.due.is_some()) {
                let mut conds = conditions.clone();
                let mut vals = values.clone();
                let (due, id) = match after {
                    Some(Cursor {
                        due: Some(due), id, ..
                    }) => (codec::nanos_saturating(due), Some(id)),
                    _ => (i64::MIN, None),
                };
                vals.push(Value::Integer(due));
                let d = vals.len();
                conds.push(format!("{} >= ?{d}", source.due));
                if let Some(id) = id {
                    vals.push(codec::key_value(id));
                    conds.push(format!(
                        "({} > ?{d} OR {} > ?{})",
                        source.due,
                        source.id,
                        vals.len()
                    ));
                }
                let order = format!("{}, {}", source.due, source.id);
                fetch(
                    conn,
                    path,
                    &source,
                    &conds,
                    vals,
                    &order,
                    limit + 1,
                    &mut rows,
                )?;
            }
            // Then tickets with nothing due, by id.
            if rows.len() <= limit {
                let mut conds = conditions;
                let mut vals = values;
                conds.push(format!("{} IS NULL", source.due));
                if let Some(Cursor { due: None, id, .. }) = after {
                    vals.push(codec::key_value(id));
                    conds.push(format!("{} > ?{}", source.id, vals.len()));
                }
                let want = limit + 1 - rows.len();
                fetch(
                    conn, path, &source, &conds, vals, source.id, want, &mut rows,
                )?;
            }
        }
        Order::UpdatedAt => {
            let mut conds = conditions;
            let mut vals = values;
            if let Some(cursor) = query.after {
                vals.push(Value::Integer(codec::nanos_saturating(cursor.updated)));
                let u = vals.len();
                vals.push(codec::key_value(cursor.id));
                let i = vals.len();
                conds.push(format!("{} <= ?{u}", source.updated));
                conds.push(format!(
                    "({} < ?{u} OR {} > ?{i})",
                    source.updated, source.id
                ));
            }
            let order = format!("{} DESC, {}", source.updated, source.id);
            fetch(
                conn,
                path,
                &source,
                &conds,
                vals,
                &order,
                limit + 1,
                &mut rows,
            )?;
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

#[allow(clippy::too_many_arguments)]
fn fetch(
    conn: &Connection,
    path: &Path,
    source: &Source,
    conditions: &[String],
    values: Vec<Value>,
    order: &str,
    limit: usize,
    rows: &mut Vec<TicketRow>,
) -> Result<(), StoreError> {
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM {} WHERE {} ORDER BY {order} LIMIT {limit}",
        source.from,
        conditions.join(" AND "),
    );
    let mut stmt = conn
        .prepare_cached(&sql)
        .map_err(failed(path, "prepare ticket list"))?;
    let mut found = stmt
        .query(params_from_iter(values))
        .map_err(failed(path, "list tickets"))?;
    while let Some(row) = found.next().map_err(failed(path, "list tickets"))? {
        rows.push(codec::ticket_row(row, 0)?);
    }
    Ok(())
}
