-- Schema version 3: ids are 16-byte BLOBs (a UUID's bytes, which sort
-- like its text), and a ticket's rows in other tables refer to it by its
-- number, `tickets.no`, instead of repeating its tenant and id. Every key
-- and index entry shrinks by about half, so each append touches fewer
-- pages and compares shorter keys. Read an id as text with
-- lower(hex(id)), or find a ticket with id = unhex('<32 hex digits>').

DROP INDEX tickets_due;
DROP INDEX tickets_updated;
DROP INDEX tickets_group_due;
DROP INDEX tickets_group_updated;
DROP INDEX tickets_assignee_due;
DROP INDEX tickets_assignee_updated;
DROP INDEX tickets_status_due;
DROP INDEX tickets_status_updated;
DROP INDEX tickets_requester_due;
DROP INDEX tickets_requester_updated;
DROP INDEX tickets_next_due;
DROP INDEX ticket_tags_due;
DROP INDEX ticket_tags_updated;
DROP INDEX outbox_pending;
ALTER TABLE outbox RENAME TO v2_outbox;
ALTER TABLE events RENAME TO v2_events;
ALTER TABLE ticket_tags RENAME TO v2_ticket_tags;
ALTER TABLE commands RENAME TO v2_commands;
ALTER TABLE tickets RENAME TO v2_tickets;

-- The projection: one row per ticket, its latest snapshot and the columns
-- that lists filter and sort on. `no` is the ticket's number in this
-- database (kept by VACUUM, unlike an implicit rowid).
CREATE TABLE tickets (
    no         INTEGER PRIMARY KEY,
    tenant     BLOB    NOT NULL,
    id         BLOB    NOT NULL,
    version    INTEGER NOT NULL,
    subject    TEXT    NOT NULL,
    status     TEXT    NOT NULL,  -- status category, such as 'open'
    sub_status TEXT,
    priority   TEXT    NOT NULL,  -- 'P1' to 'P5'
    group_id   BLOB,
    assignee   BLOB,
    requester  BLOB    NOT NULL,
    tags       TEXT    NOT NULL,  -- JSON array, in the ticket's order
    next_due   INTEGER,           -- next SLA warning, breach or timed escalation
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    snapshot   TEXT    NOT NULL,  -- the ticket's JSON form after its last event
    UNIQUE (tenant, id)
);

-- The source of truth: every event of every ticket, in order; seq is the
-- order they were written in.
CREATE TABLE events (
    seq     INTEGER PRIMARY KEY,
    ticket  INTEGER NOT NULL REFERENCES tickets (no),
    version INTEGER NOT NULL,  -- the ticket's version after the event, from 1
    id      BLOB    NOT NULL,  -- event id (UUID v7), idempotency key of its notifications
    command BLOB    NOT NULL,  -- the command that caused it
    at      INTEGER NOT NULL,  -- when it happened
    type    TEXT    NOT NULL,  -- the change, such as 'replied'
    body    TEXT    NOT NULL,  -- the event's stored JSON form
    UNIQUE (ticket, version)
);

-- The tag filter: one row per tag of a ticket, with the ticket's tenant,
-- id and sort keys copied so a tag's list is one index range.
CREATE TABLE ticket_tags (
    ticket     INTEGER NOT NULL REFERENCES tickets (no),
    tag        TEXT    NOT NULL,
    tenant     BLOB    NOT NULL,
    id         BLOB    NOT NULL,
    next_due   INTEGER,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (ticket, tag)
) WITHOUT ROWID;

-- Executed commands, so a retry answers the first result.
CREATE TABLE commands (
    tenant       BLOB    NOT NULL,
    command      BLOB    NOT NULL,
    ticket       BLOB    NOT NULL,
    from_version INTEGER NOT NULL,
    to_version   INTEGER NOT NULL,  -- equal to from_version when nothing changed
    PRIMARY KEY (tenant, command)
) WITHOUT ROWID;

-- Notifications, written with their events, delivered at least once. A
-- message of an event of its append refers to that event (message is
-- NULL); any other message is kept whole, as JSON.
CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY,  -- delivery order
    ticket       INTEGER NOT NULL REFERENCES tickets (no),
    version      INTEGER NOT NULL,     -- the event's version
    message      TEXT,                 -- NULL: the event (ticket, version)
    delivered_at INTEGER               -- NULL while pending
);

INSERT INTO tickets (no, tenant, id, version, subject, status, sub_status, priority,
                     group_id, assignee, requester, tags, next_due, created_at,
                     updated_at, snapshot)
SELECT rowid, unhex(replace(tenant, '-', '')), unhex(replace(id, '-', '')), version,
       subject, status, sub_status, priority, unhex(replace(group_id, '-', '')),
       unhex(replace(assignee, '-', '')), unhex(replace(requester, '-', '')), tags,
       next_due, created_at, updated_at, snapshot
FROM v2_tickets ORDER BY rowid;

INSERT INTO events (ticket, version, id, command, at, type, body)
SELECT t.rowid, e.version, unhex(replace(e.id, '-', '')), unhex(replace(e.command, '-', '')),
       e.at, e.type, e.body
FROM v2_events AS e JOIN v2_tickets AS t ON t.tenant = e.tenant AND t.id = e.ticket
ORDER BY e.rowid;

INSERT INTO ticket_tags (ticket, tag, tenant, id, next_due, updated_at)
SELECT t.rowid, g.tag, unhex(replace(g.tenant, '-', '')), unhex(replace(g.ticket, '-', '')),
       g.next_due, g.updated_at
FROM v2_ticket_tags AS g JOIN v2_tickets AS t ON t.tenant = g.tenant AND t.id = g.ticket;

INSERT INTO commands (tenant, command, ticket, from_version, to_version)
SELECT unhex(replace(tenant, '-', '')), unhex(replace(command, '-', '')),
       unhex(replace(ticket, '-', '')), from_version, to_version
FROM v2_commands;

INSERT INTO outbox (seq, ticket, version, message, delivered_at)
SELECT o.seq, t.rowid, o.version, o.message, o.delivered_at
FROM v2_outbox AS o JOIN v2_tickets AS t ON t.tenant = o.tenant AND t.id = o.ticket;

-- Every row was carried over, or the migration fails and changes nothing.
CREATE TEMP TABLE carried (what TEXT NOT NULL, ok INTEGER NOT NULL CHECK (ok));
INSERT INTO carried
SELECT 'events', (SELECT count(*) FROM v2_events) = (SELECT count(*) FROM events)
UNION ALL
SELECT 'ticket_tags', (SELECT count(*) FROM v2_ticket_tags) = (SELECT count(*) FROM ticket_tags)
UNION ALL
SELECT 'outbox', (SELECT count(*) FROM v2_outbox) = (SELECT count(*) FROM outbox)
UNION ALL
SELECT 'ids', NOT EXISTS (SELECT 1 FROM tickets WHERE length(tenant) != 16 OR length(id) != 16
                          OR length(requester) != 16);
DROP TABLE carried;

DROP TABLE v2_outbox;
DROP TABLE v2_events;
DROP TABLE v2_ticket_tags;
DROP TABLE v2_commands;
DROP TABLE v2_tickets;

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
CREATE INDEX ticket_tags_due     ON ticket_tags (tenant, tag, next_due, id);
CREATE INDEX ticket_tags_updated ON ticket_tags (tenant, tag, updated_at DESC, id);
CREATE INDEX outbox_pending ON outbox (seq) WHERE delivered_at IS NULL;
