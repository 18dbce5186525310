-- Schema version 4: ticket numbers, and the mail message ids bound to
-- tickets.
--
-- A ticket's number (`#1042`) is unique in its tenant and set once, in its
-- `opened` event; `tickets.number` keeps it for lookups. Tickets opened
-- before this version are numbered here in the order they were opened in
-- their tenant (the feed position of their first event, which is commit
-- order), and their `opened` event and snapshot are given the number, so
-- that a load, a replay and the row agree; their search text gains the
-- part '#<number>'.
SELECT set_config('helpdesk.tenant', '*', true);

ALTER TABLE tickets ADD COLUMN number bigint CHECK (number >= 1);
UPDATE tickets AS t SET number = n.number
FROM (SELECT tenant, ticket,
             row_number() OVER (PARTITION BY tenant ORDER BY position) AS number
      FROM events WHERE version = 1) AS n
WHERE t.tenant = n.tenant AND t.id = n.ticket;
UPDATE events AS e SET body = jsonb_set(e.body, '{data,number}', to_jsonb(t.number))
FROM tickets AS t
WHERE e.tenant = t.tenant AND e.ticket = t.id AND e.version = 1
  AND e.body ->> 'type' = 'opened' AND t.number IS NOT NULL;
UPDATE tickets SET snapshot = jsonb_set(snapshot, '{number}', to_jsonb(number))
WHERE number IS NOT NULL;
INSERT INTO ticket_text (tenant, ticket, internal, body)
SELECT tenant, id, false, '#' || number FROM tickets WHERE number IS NOT NULL;
-- The lookup by number, and the guard that no two tickets of a tenant
-- share one.
CREATE UNIQUE INDEX tickets_number ON tickets (tenant, number);

-- Each tenant's counter: the last number handed out. Taking a number is
-- one `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` in a transaction of
-- its own: the row lock orders hosts taking numbers at once, and a number
-- taken by an open that then failed stays unused (a gap, never a repeat).
CREATE TABLE ticket_numbers (
    tenant uuid   PRIMARY KEY,
    last   bigint NOT NULL CHECK (last >= 1)
);
INSERT INTO ticket_numbers (tenant, last)
SELECT tenant, max(number) FROM tickets WHERE number IS NOT NULL GROUP BY tenant;

-- Mail message ids (normalised: no angle brackets, case kept) and the
-- ticket each was first bound to, per tenant. A mail the desk sent is
-- bound under its delivery id's text.
CREATE TABLE messages (
    tenant     uuid NOT NULL,
    message_id text NOT NULL,
    ticket     uuid NOT NULL,
    PRIMARY KEY (tenant, message_id)
);

ALTER TABLE ticket_numbers ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_numbers FORCE ROW LEVEL SECURITY;
ALTER TABLE messages       ENABLE ROW LEVEL SECURITY;
ALTER TABLE messages       FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_rows ON ticket_numbers USING (
    tenant = nullif(nullif(current_setting('helpdesk.tenant', true), ''), '*')::uuid
    OR current_setting('helpdesk.tenant', true) = '*');
CREATE POLICY tenant_rows ON messages USING (
    tenant = nullif(nullif(current_setting('helpdesk.tenant', true), ''), '*')::uuid
    OR current_setting('helpdesk.tenant', true) = '*');
