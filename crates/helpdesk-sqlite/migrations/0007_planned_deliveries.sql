-- Schema version 7: an outbox row is one planned delivery, an event told
-- to one recipient over one channel (the rule, the recipient, the channel
-- and the template, as JSON in `delivery`), rather than the event alone.
-- A row of one of its append's events keeps `message` NULL and refers to
-- the event by (ticket, version), as before.
ALTER TABLE outbox ADD COLUMN delivery TEXT;

-- Rows written before name nobody to tell: no notification rule planned
-- them. They are settled (`delivered_at`, with the reason in `last_error`)
-- rather than left pending forever or sent to a recipient nobody chose.
UPDATE outbox
SET delivered_at = CAST(unixepoch('subsec') * 1000000000 AS INTEGER),
    last_error = 'written before deliveries were planned: no recipient',
    lease_holder = NULL,
    lease_until = NULL
WHERE delivered_at IS NULL AND dead_at IS NULL;
