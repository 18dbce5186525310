-- Schema version 1 of the help desk's PostgreSQL store.
--
-- Every table holding a tenant's data has a `tenant` column and a row-level
-- security policy admitting only the rows of the tenant named by the
-- transaction's setting `helpdesk.tenant` (set with SET LOCAL by every
-- method of the store), or every row when the setting is '*', which only
-- the store's system-wide methods set (the scheduler's due work, the
-- outbox's claims, outcomes and dead letters). A query that forgot the
-- tenant finds nothing. FORCE makes the policies hold for the tables'
-- owner too; superusers and roles with BYPASSRLS are never held by them,
-- so the store connects as (or SET ROLE to) an ordinary role.
--
-- Instants are `timestamptz` (microseconds); ids are `uuid`; events, ticket
-- snapshots and outbox messages are `jsonb` in the engine's serde form.

-- pg_trgm lives in `public`, shared by every schema of the database; the
-- store's connections search `public` after their own schema.
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;

-- The query projection: one row per ticket, kept by every append, with the
-- ticket's snapshot at its version (what `load` reads).
CREATE TABLE tickets (
    tenant      uuid        NOT NULL,
    id          uuid        NOT NULL,
    version     bigint      NOT NULL CHECK (version >= 0),
    subject     text        NOT NULL,
    status      text        NOT NULL,
    sub_status  text,
    priority    text        NOT NULL,
    group_id    uuid,
    assignee    uuid,
    requester   uuid        NOT NULL,
    tags        text[]      NOT NULL DEFAULT '{}',
    next_due    timestamptz,            -- the next SLA warning, breach or timed escalation
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    snapshot    jsonb       NOT NULL,   -- the ticket at `version`
    due_holder  text,                   -- the host whose scheduler leased the due work
    due_until   timestamptz,            -- until when
    PRIMARY KEY (tenant, id)
);
-- Lists: one index per driving filter and order, each ending in the sort
-- key and the id, so a page is one index range scan.
CREATE INDEX tickets_due              ON tickets (tenant, next_due, id);
CREATE INDEX tickets_updated          ON tickets (tenant, updated_at DESC, id);
CREATE INDEX tickets_group_due        ON tickets (tenant, group_id, next_due, id);
CREATE INDEX tickets_group_updated    ON tickets (tenant, group_id, updated_at DESC, id);
CREATE INDEX tickets_assignee_due     ON tickets (tenant, assignee, next_due, id);
CREATE INDEX tickets_assignee_updated ON tickets (tenant, assignee, updated_at DESC, id);
CREATE INDEX tickets_requester_due    ON tickets (tenant, requester, next_due, id);
CREATE INDEX tickets_requester_updated ON tickets (tenant, requester, updated_at DESC, id);
CREATE INDEX tickets_tags             ON tickets USING gin (tags);
-- The scheduler's due work, across tenants.
CREATE INDEX tickets_next_due ON tickets (next_due, tenant, id) WHERE next_due IS NOT NULL;

-- The event log: a ticket's events by version, contiguous from 1.
CREATE TABLE events (
    tenant   uuid   NOT NULL,
    ticket   uuid   NOT NULL,
    version  bigint NOT NULL CHECK (version >= 1),
    id       uuid   NOT NULL UNIQUE,
    command  uuid   NOT NULL,
    body     jsonb  NOT NULL,   -- helpdesk_core::Event
    PRIMARY KEY (tenant, ticket, version),
    FOREIGN KEY (tenant, ticket) REFERENCES tickets (tenant, id)
);

-- Every executed command, so a retry answers its first result.
CREATE TABLE commands (
    tenant       uuid   NOT NULL,
    id           uuid   NOT NULL,
    ticket       uuid   NOT NULL,
    actor        uuid   NOT NULL,
    fingerprint  bytea  NOT NULL CHECK (length(fingerprint) = 32),
    from_version bigint NOT NULL,
    to_version   bigint NOT NULL,
    PRIMARY KEY (tenant, id)
);

-- What each append adds to search, as the domain split it: public parts
-- every reader may find, internal parts only staff may find. Served by a
-- trigram index, so a substring of a word is found without a scan.
CREATE TABLE ticket_text (
    tenant   uuid    NOT NULL,
    ticket   uuid    NOT NULL,
    internal boolean NOT NULL,
    body     text    NOT NULL,
    FOREIGN KEY (tenant, ticket) REFERENCES tickets (tenant, id)
);
CREATE INDEX ticket_text_ticket ON ticket_text (tenant, ticket);
CREATE INDEX ticket_text_body   ON ticket_text USING gin (body gin_trgm_ops);

-- The outbox: every message of every append, in the order the positions
-- were taken (a ticket's in commit order), with how its delivery stands.
-- A dispatcher leases due messages (lease_holder, lease_until) and settles
-- each attempt: delivered, retried from next_at, or dead until revived.
CREATE TABLE outbox (
    position     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant       uuid        NOT NULL,
    ticket       uuid        NOT NULL,
    message      jsonb       NOT NULL,   -- helpdesk_engine::store::OutboxMessage
    attempts     integer     NOT NULL DEFAULT 0,
    last_error   text,
    next_at      timestamptz,            -- not claimable before
    lease_holder text,
    lease_until  timestamptz,
    delivered_at timestamptz,
    dead_at      timestamptz
);
CREATE INDEX outbox_pending ON outbox (position)
    WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_ticket_pending ON outbox (tenant, ticket, position)
    WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_dead ON outbox (position) WHERE dead_at IS NOT NULL;

-- Row-level security on every tenant table.
ALTER TABLE tickets     ENABLE ROW LEVEL SECURITY;
ALTER TABLE tickets     FORCE ROW LEVEL SECURITY;
ALTER TABLE events      ENABLE ROW LEVEL SECURITY;
ALTER TABLE events      FORCE ROW LEVEL SECURITY;
ALTER TABLE commands    ENABLE ROW LEVEL SECURITY;
ALTER TABLE commands    FORCE ROW LEVEL SECURITY;
ALTER TABLE ticket_text ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox      ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox      FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_rows ON tickets USING (
    tenant = nullif(nullif(current_setting('helpdesk.tenant', true), ''), '*')::uuid
    OR current_setting('helpdesk.tenant', true) = '*');
CREATE POLICY tenant_rows ON events USING (
    tenant = nullif(nullif(current_setting('helpdesk.tenant', true), ''), '*')::uuid
    OR current_setting('helpdesk.tenant', true) = '*');
CREATE POLICY tenant_rows ON commands USING (
    tenant = nullif(nullif(current_setting('helpdesk.tenant', true), ''), '*')::uuid
    OR current_setting('helpdesk.tenant', true) = '*');
CREATE POLICY tenant_rows ON ticket_text USING (
    tenant = nullif(nullif(current_setting('helpdesk.tenant', true), ''), '*')::uuid
    OR current_setting('helpdesk.tenant', true) = '*');
CREATE POLICY tenant_rows ON outbox USING (
    tenant = nullif(nullif(current_setting('helpdesk.tenant', true), ''), '*')::uuid
    OR current_setting('helpdesk.tenant', true) = '*');

-- Search. LIKE is not leakproof, so under row-level security PostgreSQL
-- checks the policy on every row of the tenant before LIKE, and the
-- trigram index goes unused. Search therefore reads `ticket_text` through
-- this function, which runs as the tables' owner (not held by the policy
-- on ticket_text: that table is not FORCEd) and admits only the tenant the
-- transaction set, so it is sealed the same way and indexed.
CREATE FUNCTION search_text(p_tenant uuid, p_pattern text, p_internal boolean)
RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path FROM CURRENT
AS $$
    SELECT x.ticket FROM ticket_text AS x
    WHERE x.tenant = p_tenant
      AND p_tenant = nullif(nullif(current_setting('helpdesk.tenant', true), ''), '*')::uuid
      AND x.body LIKE p_pattern
      AND (p_internal OR NOT x.internal)
$$;
