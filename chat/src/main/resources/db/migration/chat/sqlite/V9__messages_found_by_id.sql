-- Messages are found by their primary key; the index table from message id to conversation,
-- seq and time (needed on PostgreSQL's partitioned table, see its V11) is no longer written.
-- messages keeps (thread_id, seq) unique.
DROP TABLE chat_message_index;
