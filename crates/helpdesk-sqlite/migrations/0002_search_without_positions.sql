-- Schema version 2: the search index keeps which rows hold each trigram,
-- not where in them (detail = none). A word's GLOB is checked against the
-- text of each candidate row, so positions were never needed, and
-- without them each transaction's segment, and every merge of segments,
-- is smaller. Nor does it keep each row's token count (columnsize = 0),
-- which only ranking reads; matches are ordered by the ticket's last
-- update. Segments merge eight at a time instead of four.
CREATE VIRTUAL TABLE ticket_text_v2 USING fts5 (
    doc UNINDEXED,
    body,
    tokenize = 'trigram case_sensitive 1',
    detail = none,
    columnsize = 0
);
INSERT INTO ticket_text_v2 (rowid, doc, body) SELECT rowid, doc, body FROM ticket_text;
DROP TABLE ticket_text;
ALTER TABLE ticket_text_v2 RENAME TO ticket_text;
INSERT INTO ticket_text (ticket_text, rank) VALUES ('automerge', 8);
