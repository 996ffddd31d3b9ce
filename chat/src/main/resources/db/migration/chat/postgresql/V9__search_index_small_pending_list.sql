-- The GIN index on message bodies collects new entries in a pending list and merges it into the
-- index when the list passes gin_pending_list_limit (4 MB by default). The insert that passes the
-- limit does the whole merge itself, inside the group commit: at 1,000 messages/s that stalled
-- every send for 100-160 ms about every 12 seconds (seen by the fan-out benchmark as periodic
-- delivery spikes, and in JFR as the append thread waiting on PostgreSQL). A 256 kB limit keeps
-- the batching but makes each merge small. Partitions clone the parent index's options, so the
-- partitions MessagePartitions creates later get the same setting.
DROP INDEX IF EXISTS idx_messages_body_tsv;
CREATE INDEX idx_messages_body_tsv ON messages USING GIN (body_tsv) WITH (gin_pending_list_limit = 256);
