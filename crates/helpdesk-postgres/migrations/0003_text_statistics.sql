-- Schema version 3: finer statistics on the search text, so the planner
-- estimates how rare a searched substring is from a large sample and
-- serves a search from the trigram index rather than reading a tenant's
-- whole text through the tenant index.
ALTER TABLE ticket_text ALTER COLUMN body SET STATISTICS 1000;
