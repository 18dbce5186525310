-- Schema version 6: the outbox keeps how each message's delivery stands.
-- A dispatcher leases due messages (lease_holder, lease_until), and
-- settles each attempt: delivered (delivered_at), to be retried from
-- next_at with its error, or given up (dead_at) as a dead letter that a
-- person can revive. Rows are never deleted, so row numbers only grow.
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
ALTER TABLE outbox ADD COLUMN next_at INTEGER;       -- not claimable before
ALTER TABLE outbox ADD COLUMN lease_holder TEXT;
ALTER TABLE outbox ADD COLUMN lease_until INTEGER;
ALTER TABLE outbox ADD COLUMN dead_at INTEGER;
CREATE INDEX outbox_dead ON outbox (seq) WHERE dead_at IS NOT NULL;
