-- Schema version 8: ticket numbers, and the mail message ids bound to
-- tickets.
--
-- A ticket's number (`#1042`) is unique in its tenant and set once, in
-- its `opened` event; `tickets.number` keeps it for lookups. Tickets
-- opened before this version are numbered here in the order they were
-- opened in their tenant (the order of their rows), and their `opened`
-- event and snapshot are given the number, so that a load, a replay and
-- the row agree; their search text gains the part '#<number>'.
ALTER TABLE tickets ADD COLUMN number INTEGER;
UPDATE tickets SET number = n.number
FROM (SELECT no, row_number() OVER (PARTITION BY tenant ORDER BY no) AS number
      FROM tickets) AS n
WHERE tickets.no = n.no;
UPDATE events SET body = json_set(body, '$.data.number', t.number)
FROM tickets AS t
WHERE events.ticket = t.no AND events.version = 1 AND events.type = 'opened';
UPDATE snapshots SET body = json_set(body, '$.number', t.number)
FROM tickets AS t
WHERE snapshots.ticket = t.no;
INSERT INTO ticket_parts (ticket, internal, body)
SELECT no, 0, '#' || number FROM tickets ORDER BY no;
CREATE UNIQUE INDEX tickets_number ON tickets (tenant, number);

-- Each tenant's counter: the last number handed out. Taking a number
-- moves it in one statement on the one writer, so no number is handed
-- out twice; one taken by an open that failed stays unused.
CREATE TABLE ticket_numbers (
    tenant BLOB    PRIMARY KEY,
    last   INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO ticket_numbers (tenant, last)
SELECT tenant, max(number) FROM tickets GROUP BY tenant;

-- Mail message ids (normalised: no angle brackets, case kept) and the
-- ticket each was first bound to, per tenant. A mail the desk sent is
-- bound under its delivery id's text.
CREATE TABLE messages (
    tenant     BLOB NOT NULL,
    message_id TEXT NOT NULL,
    ticket     BLOB NOT NULL,
    PRIMARY KEY (tenant, message_id)
) WITHOUT ROWID;

-- Every opened event and snapshot of a numbered ticket has its number, or
-- the migration fails and changes nothing.
CREATE TEMP TABLE numbered (what TEXT NOT NULL, ok INTEGER NOT NULL CHECK (ok));
INSERT INTO numbered
SELECT 'tickets', NOT EXISTS (SELECT 1 FROM tickets WHERE number IS NULL)
UNION ALL
SELECT 'events', NOT EXISTS (
    SELECT 1 FROM events AS e JOIN tickets AS t ON t.no = e.ticket
    WHERE e.version = 1 AND e.type = 'opened' AND e.body ->> '$.data.number' IS NOT t.number)
UNION ALL
SELECT 'snapshots', NOT EXISTS (
    SELECT 1 FROM snapshots AS s JOIN tickets AS t ON t.no = s.ticket
    WHERE s.body ->> '$.number' IS NOT t.number);
DROP TABLE numbered;
