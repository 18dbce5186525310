-- Schema version 2: the event log in commit order, for projections.
--
-- Every event gets a position. An append takes its positions from
-- `feed_head` in the last statement before its COMMIT; the row lock that
-- UPDATE takes is held until the commit, so appends take positions in the
-- order they commit, one after another, and a reader never sees a
-- position above one that is not yet committed. A rolled-back append
-- rolls its positions back too. Events written before this version are
-- numbered by tenant, ticket and version (any order of them is a commit
-- order: they are all committed).
CREATE TABLE feed_head (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    position bigint  NOT NULL
);

SELECT set_config('helpdesk.tenant', '*', true);

ALTER TABLE events ADD COLUMN position bigint;
UPDATE events AS e SET position = n.position
FROM (SELECT tenant, ticket, version,
             row_number() OVER (ORDER BY tenant, ticket, version) AS position
      FROM events) AS n
WHERE e.tenant = n.tenant AND e.ticket = n.ticket AND e.version = n.version;
ALTER TABLE events ALTER COLUMN position SET NOT NULL;
CREATE UNIQUE INDEX events_position ON events (position);

INSERT INTO feed_head (position) SELECT coalesce(max(position), 0) FROM events;
