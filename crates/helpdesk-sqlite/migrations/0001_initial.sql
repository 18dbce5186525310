-- Schema version 1 of the helpdesk SQLite store.
--
-- Ids are UUIDs as lowercase hyphenated text. Instants are INTEGER
-- nanoseconds since 1970-01-01T00:00:00Z (UTC); read one with
-- datetime(col / 1000000000, 'unixepoch'). JSON columns hold the
-- versioned stored forms of helpdesk-core.

-- The source of truth: every event of every ticket, in order.
CREATE TABLE events (
    tenant  TEXT    NOT NULL,
    ticket  TEXT    NOT NULL,
    version INTEGER NOT NULL,  -- the ticket's version after the event, from 1
    id      TEXT    NOT NULL,  -- event id (UUID v7), idempotency key of its notifications
    command TEXT    NOT NULL,  -- the command that caused it
    at      INTEGER NOT NULL,  -- when it happened
    type    TEXT    NOT NULL,  -- the change, such as 'replied'
    body    TEXT    NOT NULL,  -- the event's stored JSON form
    PRIMARY KEY (tenant, ticket, version),
    FOREIGN KEY (tenant, ticket) REFERENCES tickets (tenant, id)
);

-- The projection: one row per ticket, its latest snapshot and the columns
-- that lists filter and sort on.
CREATE TABLE tickets (
    tenant     TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    subject    TEXT    NOT NULL,
    status     TEXT    NOT NULL,  -- status category, such as 'open'
    sub_status TEXT,
    priority   TEXT    NOT NULL,  -- 'P1' to 'P5'
    group_id   TEXT,
    assignee   TEXT,
    requester  TEXT    NOT NULL,
    tags       TEXT    NOT NULL,  -- JSON array, in the ticket's order
    next_due   INTEGER,           -- next SLA warning, breach or timed escalation
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    snapshot   TEXT    NOT NULL,  -- the ticket's JSON form after its last event
    PRIMARY KEY (tenant, id)
);

-- Lists: equality on tenant and at most one filter column, then the sort
-- key (next_due ascending or updated_at descending), then id for ties and
-- keyset pagination.
CREATE INDEX tickets_due               ON tickets (tenant, next_due, id);
CREATE INDEX tickets_updated           ON tickets (tenant, updated_at DESC, id);
CREATE INDEX tickets_group_due         ON tickets (tenant, group_id, next_due, id);
CREATE INDEX tickets_group_updated     ON tickets (tenant, group_id, updated_at DESC, id);
CREATE INDEX tickets_assignee_due      ON tickets (tenant, assignee, next_due, id);
CREATE INDEX tickets_assignee_updated  ON tickets (tenant, assignee, updated_at DESC, id);
CREATE INDEX tickets_status_due        ON tickets (tenant, status, next_due, id);
CREATE INDEX tickets_status_updated    ON tickets (tenant, status, updated_at DESC, id);
CREATE INDEX tickets_requester_due     ON tickets (tenant, requester, next_due, id);
CREATE INDEX tickets_requester_updated ON tickets (tenant, requester, updated_at DESC, id);
-- The SLA scheduler: what falls due next, across tenants.
CREATE INDEX tickets_next_due ON tickets (next_due, id) WHERE next_due IS NOT NULL;

-- The tag filter: one row per tag of a ticket, with the ticket's sort keys
-- copied so a tag's list is one index range.
CREATE TABLE ticket_tags (
    tenant     TEXT    NOT NULL,
    ticket     TEXT    NOT NULL,
    tag        TEXT    NOT NULL,
    next_due   INTEGER,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, ticket, tag),
    FOREIGN KEY (tenant, ticket) REFERENCES tickets (tenant, id)
) WITHOUT ROWID;
CREATE INDEX ticket_tags_due     ON ticket_tags (tenant, tag, next_due, ticket);
CREATE INDEX ticket_tags_updated ON ticket_tags (tenant, tag, updated_at DESC, ticket);

-- Executed commands, so a retry answers the first result.
CREATE TABLE commands (
    tenant       TEXT    NOT NULL,
    command      TEXT    NOT NULL,
    ticket       TEXT    NOT NULL,
    from_version INTEGER NOT NULL,
    to_version   INTEGER NOT NULL,  -- equal to from_version when nothing changed
    PRIMARY KEY (tenant, command)
) WITHOUT ROWID;

-- Notifications, written with their events, delivered at least once. A
-- message of an event of its append refers to that event by its key
-- (message is NULL); any other message is kept whole, as JSON.
CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY,  -- delivery order
    tenant       TEXT    NOT NULL,
    ticket       TEXT    NOT NULL,
    version      INTEGER NOT NULL,     -- the event's version
    message      TEXT,                 -- NULL: the event (tenant, ticket, version)
    delivered_at INTEGER,              -- NULL while pending
    FOREIGN KEY (tenant, ticket) REFERENCES tickets (tenant, id)
);
CREATE INDEX outbox_pending ON outbox (seq) WHERE delivered_at IS NULL;

-- Search: the lowercased text of each ticket, one row per part (the
-- subject, the description, each comment), written once when the part is
-- added; doc is the ticket's rowid in tickets. Trigrams answer substring
-- matches (GLOB '*word*'); a ticket matches when every word occurs in one
-- of its parts.
CREATE VIRTUAL TABLE ticket_text USING fts5 (
    doc UNINDEXED,
    body,
    tokenize = 'trigram case_sensitive 1'
);
