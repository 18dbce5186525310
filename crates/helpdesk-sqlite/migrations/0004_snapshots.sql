-- Schema version 4: a ticket's snapshot moves out of its projection row
-- into a table of its own, and is written every few events instead of at
-- every append. A load reads the snapshot and replays the events after
-- it. The projection row, rewritten at every append, shrinks from about
-- two kilobytes to a hundred or so bytes, and a long conversation is no
-- longer rewritten whole at each reply.
CREATE TABLE snapshots (
    ticket  INTEGER PRIMARY KEY REFERENCES tickets (no),
    version INTEGER NOT NULL,  -- the ticket's version the snapshot is of
    body    TEXT    NOT NULL   -- the ticket's JSON form at that version
);
INSERT INTO snapshots (ticket, version, body) SELECT no, version, snapshot FROM tickets;

ALTER TABLE tickets DROP COLUMN snapshot;
