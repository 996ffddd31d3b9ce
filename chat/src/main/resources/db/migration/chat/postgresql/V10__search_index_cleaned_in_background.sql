-- The GIN index's pending list is now merged into the index by a background task on every node
-- (SearchIndexCleaner, every 250 ms), not by the insert that fills it: V9's 256 kB list was
-- still merged inside the group commit several times a second at 5,000 messages/s, adding 10-30 ms
-- to one batch each time (the two-node benchmark's p99 went from 93 to 56 ms without it). The
-- limit only matters when the cleaner falls behind or is not running; 1 MB keeps that fallback
-- merge bounded. Partitioned indexes take no ALTER INDEX ... SET, so the index is made anew; its
-- partitions clone the option, including those MessagePartitions creates later.
DROP INDEX IF EXISTS idx_messages_body_tsv;
CREATE INDEX idx_messages_body_tsv ON messages USING GIN (body_tsv) WITH (gin_pending_list_limit = 1024);
