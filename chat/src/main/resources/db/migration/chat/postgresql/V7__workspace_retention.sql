-- Per-workspace message retention (PostgreSQL). retention_days NULL keeps messages forever;
-- otherwise the daily maintenance deletes the workspace's messages older than that many days.
ALTER TABLE chat_workspaces ADD COLUMN retention_days INTEGER CHECK (retention_days BETWEEN 1 AND 36500);

-- Finds a conversation's oldest messages by time without touching the partitions; the purge
-- deletes them in batches through this index.
CREATE INDEX idx_chat_message_index_thread_created ON chat_message_index (thread_id, created_at);
