//! Every query of the port is served by an index: the plans of the queue,
//! search, due-work, outbox, feed, ticket number and message id queries
//! over 100,000 tickets contain no sequential scan.
#![allow(clippy::unwrap_used)]

mod common;

use tokio_postgres::Client;

const TENANT: &str = "00000000-0000-0000-0000-000000000003";

/// The plan of `sql` run by the store's role in a transaction scoped to
/// `tenant`, as text.
async fn plan(client: &Client, tenant: &str, sql: &str) -> String {
    client
        .batch_execute(&format!("BEGIN; SET LOCAL helpdesk.tenant = '{tenant}'"))
        .await
        .unwrap();
    let rows = client.query(&format!("EXPLAIN {sql}"), &[]).await.unwrap();
    client.batch_execute("COMMIT").await.unwrap();
    rows.iter()
        .map(|r| r.get::<_, String>(0))
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_indexed(name: &str, plan: &str) {
    assert!(
        !plan.contains("Seq Scan"),
        "the {name} query scans a table:\n{plan}"
    );
    assert!(
        plan.contains("Index"),
        "the {name} query uses no index:\n{plan}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queue_search_due_and_outbox_queries_use_indexes_over_100_000_tickets() {
    // Given 100,000 tickets of 10 tenants, 20 groups and 50 agents each
    // spread, with their search text and outbox rows, analyzed.
    let store = common::fresh_store().await;
    let schema = store.options().schema.clone().unwrap();
    drop(store);
    let admin = common::admin().await;
    admin
        .batch_execute(&format!(
            "SET search_path = {schema}, public;
             INSERT INTO tickets (tenant, id, version, subject, status, priority, group_id,
                 assignee, requester, tags, next_due, created_at, updated_at, snapshot, number)
             SELECT ('00000000-0000-0000-0000-0000000000' || lpad((i % 10)::text, 2, '0'))::uuid,
                 gen_random_uuid(), 1, 'ticket ' || i, 'open', 'P3',
                 ('00000000-0000-0000-0000-0000000001' || lpad((i % 20)::text, 2, '0'))::uuid,
                 ('00000000-0000-0000-0000-0000000002' || lpad((i % 50)::text, 2, '0'))::uuid,
                 gen_random_uuid(), ARRAY['tag' || (i % 100)],
                 CASE WHEN i % 3 = 0 THEN NULL
                      ELSE timestamptz '2026-03-02 09:00Z' + i * interval '1 minute' END,
                 timestamptz '2026-01-01Z' + i * interval '1 second',
                 timestamptz '2026-01-01Z' + i * interval '1 second', '{{}}'::jsonb, i
             FROM generate_series(1, 100000) AS i;
             INSERT INTO ticket_numbers (tenant, last)
             SELECT tenant, max(number) FROM tickets GROUP BY tenant;
             INSERT INTO messages (tenant, message_id, ticket)
             SELECT tenant, md5(id::text) || '@mail.example.com', id FROM tickets;
             INSERT INTO ticket_text (tenant, ticket, internal, body)
             SELECT tenant, id, false, subject || ' printer ' || md5(id::text) FROM tickets;
             INSERT INTO outbox (tenant, ticket, message, delivered_at)
             SELECT tenant, id, '{{}}'::jsonb,
                 CASE WHEN version % 1 = 0 AND random() < 0.99 THEN now() END FROM tickets;
             INSERT INTO events (tenant, ticket, version, id, command, body, position)
             SELECT tenant, id, 1, gen_random_uuid(), gen_random_uuid(), '{{}}'::jsonb,
                 row_number() OVER () FROM tickets;
             INSERT INTO events (tenant, ticket, version, id, command, body)
             SELECT tenant, id, 2, gen_random_uuid(), gen_random_uuid(), '{{}}'::jsonb
             FROM tickets WHERE number % 1000 = 0;
             ANALYZE tickets; ANALYZE ticket_text; ANALYZE outbox; ANALYZE events;
             ANALYZE ticket_numbers; ANALYZE messages;"
        ))
        .await
        .unwrap();
    let client = common::admin().await;
    client
        .batch_execute(&format!(
            "SET ROLE {}; SET search_path = {schema}, public",
            common::ROLE
        ))
        .await
        .unwrap();
    let columns = "t.tenant, t.id, t.subject, t.status, t.sub_status, t.priority, t.group_id, \
        t.assignee, t.requester, t.tags, t.next_due, t.created_at, t.updated_at, t.version, \
        t.number";
    let group = "'00000000-0000-0000-0000-000000000107'";
    let agent = "'00000000-0000-0000-0000-000000000207'";

    // When the store's queries are explained, then none scans a table.
    let queue = plan(
        &client,
        TENANT,
        &format!(
            "SELECT {columns} FROM tickets AS t WHERE t.tenant = '{TENANT}' \
             AND t.group_id = {group} AND t.next_due IS NOT NULL \
             ORDER BY t.next_due, t.id LIMIT 51"
        ),
    )
    .await;
    assert_indexed("group queue", &queue);
    let mine = plan(
        &client,
        TENANT,
        &format!(
            "SELECT {columns} FROM tickets AS t WHERE t.tenant = '{TENANT}' \
             AND (t.group_id IS NULL OR t.assignee = {agent} OR t.group_id = ANY(ARRAY[{group}]::uuid[])) \
             AND t.assignee = {agent} AND t.next_due IS NOT NULL \
             ORDER BY t.next_due, t.id LIMIT 51"
        ),
    )
    .await;
    assert_indexed("agent's queue", &mine);
    let by_update = plan(
        &client,
        TENANT,
        &format!(
            "SELECT {columns} FROM tickets AS t WHERE t.tenant = '{TENANT}' \
             ORDER BY t.updated_at DESC, t.id LIMIT 51"
        ),
    )
    .await;
    assert_indexed("recently updated", &by_update);
    let tagged = plan(
        &client,
        TENANT,
        &format!(
            "SELECT {columns} FROM tickets AS t WHERE t.tenant = '{TENANT}' \
             AND t.tags @> ARRAY['tag7'::text] AND t.next_due IS NOT NULL \
             ORDER BY t.next_due, t.id LIMIT 51"
        ),
    )
    .await;
    assert_indexed("tag", &tagged);
    let search = plan(
        &client,
        TENANT,
        &format!(
            "SELECT {columns} FROM tickets AS t WHERE t.tenant = '{TENANT}' \
             AND t.id IN (SELECT search_text('{TENANT}', '%a1b2%', false)) \
             AND t.id IN (SELECT search_text('{TENANT}', '%printer%', false)) \
             ORDER BY t.updated_at DESC, t.id LIMIT 20"
        ),
    )
    .await;
    assert_indexed("search", &search);
    // A search whose words are all common checks them ticket by ticket, in
    // the order of the page.
    let common_words = plan(
        &client,
        TENANT,
        &format!(
            "SELECT {columns} FROM tickets AS t WHERE t.tenant = '{TENANT}' \
             AND search_has('{TENANT}', t.id, '%printer%', false) \
             ORDER BY t.updated_at DESC, t.id LIMIT 20"
        ),
    )
    .await;
    assert_indexed("search of common words", &common_words);
    // The function's own query, as it runs inside it.
    let text = plan(
        &client,
        TENANT,
        &format!(
            "SELECT x.ticket FROM ticket_text AS x WHERE x.tenant = '{TENANT}' \
             AND x.body LIKE '%a1b2%' AND (false OR NOT x.internal)"
        ),
    )
    .await;
    let owner = common::admin().await;
    owner
        .batch_execute(&format!("SET search_path = {schema}, public"))
        .await
        .unwrap();
    let text_as_owner = plan(
        &owner,
        TENANT,
        &format!(
            "SELECT x.ticket FROM ticket_text AS x WHERE x.tenant = '{TENANT}' \
             AND x.body LIKE '%a1b2%' AND (false OR NOT x.internal)"
        ),
    )
    .await;
    assert_indexed("search text", &text_as_owner);
    assert!(
        text_as_owner.contains("ticket_text_body"),
        "the search function's query uses the trigram index:\n{text_as_owner}"
    );
    // The other words, checked on one ticket inside `search_has`.
    let has = plan(
        &owner,
        TENANT,
        &format!(
            "SELECT 1 FROM ticket_text AS x WHERE x.tenant = '{TENANT}' \
             AND x.ticket = '{TENANT}' AND x.body LIKE '%printer%' AND (false OR NOT x.internal)"
        ),
    )
    .await;
    assert!(
        has.contains("ticket_text_ticket"),
        "a word is checked on one ticket through the ticket's index:\n{has}"
    );
    assert!(
        !text.contains("ticket_text_body"),
        "under the policy, LIKE comes after it:\n{text}"
    );
    let due = plan(
        &client,
        "*",
        "SELECT tenant, id, next_due FROM tickets \
         WHERE next_due IS NOT NULL AND next_due <= timestamptz '2026-03-03 09:00Z' \
         ORDER BY next_due, tenant, id LIMIT 256",
    )
    .await;
    assert_indexed("due work", &due);
    let claim = plan(
        &client,
        "*",
        "SELECT o.position, o.tenant, o.ticket, o.next_at, o.lease_until, \
         (SELECT max(p.position) FROM outbox AS p \
          WHERE p.tenant = o.tenant AND p.ticket = o.ticket AND p.position < o.position \
          AND p.delivered_at IS NULL AND p.dead_at IS NULL) \
         FROM outbox AS o \
         WHERE o.delivered_at IS NULL AND o.dead_at IS NULL AND o.position > 0 \
         ORDER BY o.position LIMIT 256 FOR UPDATE OF o SKIP LOCKED",
    )
    .await;
    assert_indexed("outbox claim", &claim);
    let feed = plan(
        &client,
        "*",
        "SELECT position, tenant, ticket, version, id, command, body FROM events \
         WHERE position > 4242 ORDER BY position LIMIT 256",
    )
    .await;
    assert_indexed("feed", &feed);
    let unpositioned = plan(
        &client,
        "*",
        "SELECT tenant, ticket, version, \
         row_number() OVER (ORDER BY xid, tenant, ticket, version) AS n \
         FROM events WHERE position IS NULL \
         ORDER BY xid, tenant, ticket, version LIMIT 10000",
    )
    .await;
    assert_indexed("events the feed numbers next", &unpositioned);
    let history = plan(
        &client,
        TENANT,
        &format!(
            "SELECT version, snapshot FROM tickets WHERE tenant = '{TENANT}' \
             AND id = '00000000-0000-0000-0000-000000000000'"
        ),
    )
    .await;
    assert_indexed("load", &history);
    let by_number = plan(
        &client,
        TENANT,
        &format!("SELECT id FROM tickets WHERE tenant = '{TENANT}' AND number = 4243"),
    )
    .await;
    assert_indexed("ticket by number", &by_number);
    let next_number = plan(
        &client,
        TENANT,
        &format!(
            "INSERT INTO ticket_numbers (tenant, last) VALUES ('{TENANT}', 1) \
             ON CONFLICT (tenant) DO UPDATE SET last = ticket_numbers.last + 1 RETURNING last"
        ),
    )
    .await;
    assert_indexed("next ticket number", &next_number);
    let of_message = plan(
        &client,
        TENANT,
        &format!(
            "SELECT ticket FROM messages WHERE tenant = '{TENANT}' \
             AND message_id = 'CAF=x+Y@mail.example.com'"
        ),
    )
    .await;
    assert_indexed("ticket of a message id", &of_message);
    let remember = plan(
        &client,
        TENANT,
        &format!(
            "INSERT INTO messages (tenant, message_id, ticket) VALUES ('{TENANT}', \
             'CAF=x+Y@mail.example.com', '00000000-0000-0000-0000-000000000000') \
             ON CONFLICT DO NOTHING"
        ),
    )
    .await;
    assert!(
        !remember.contains("Seq Scan"),
        "binding a message id scans:\n{remember}"
    );
    common::drop_schema(&schema).await;
}
