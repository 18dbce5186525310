-- Schema version 5: what trust needs of the store.
--
-- A command record keeps who sent the command and its fingerprint (the
-- SHA-256 of its JSON form), so a command id sent again by someone else,
-- for another ticket or with other content is refused instead of answered.
-- Records written before this version have neither (NULL): a retry of
-- such a command is refused as a reuse, never answered.
ALTER TABLE commands ADD COLUMN actor BLOB;
ALTER TABLE commands ADD COLUMN fingerprint BLOB;

-- Search text is kept as parts, each public (subject, description,
-- public replies) or internal (notes), with its ticket, in an ordinary
-- table indexed by ticket; the trigram index covers it as external
-- content. Requesters' searches match public parts only, and a word too
-- short for the trigram index is checked against the parts of the
-- tickets already in question (or of the tenant's tickets) through the
-- ticket index, never by a scan of every tenant's text. The parts are
-- rebuilt from the events right after this script, so notes indexed
-- before are marked internal.
DROP TABLE ticket_text;
CREATE TABLE ticket_parts (
    no       INTEGER PRIMARY KEY,
    ticket   INTEGER NOT NULL REFERENCES tickets (no),
    internal INTEGER NOT NULL,  -- 1: only staff may find it
    body     TEXT    NOT NULL   -- lowercased
);
CREATE INDEX ticket_parts_ticket ON ticket_parts (ticket);
CREATE VIRTUAL TABLE ticket_text USING fts5 (
    body,
    content = 'ticket_parts',
    content_rowid = 'no',
    tokenize = 'trigram case_sensitive 1',
    detail = none,
    columnsize = 0
);
INSERT INTO ticket_text (ticket_text, rank) VALUES ('automerge', 8);
CREATE TRIGGER ticket_parts_indexed AFTER INSERT ON ticket_parts BEGIN
    INSERT INTO ticket_text (rowid, body) VALUES (new.no, new.body);
END;

-- Due work in the order the scheduler pages through it: due instant,
-- tenant, ticket.
DROP INDEX tickets_next_due;
CREATE INDEX tickets_next_due ON tickets (next_due, tenant, id) WHERE next_due IS NOT NULL;
