-- A message is found by id without an index table: ids are time-ordered, so the id's own time
-- bounds the monthly partitions to read (MessageRows). chat_message_index cost every append a
-- heap row and three index entries, a third of the rows and index entries a message writes.
-- Uniqueness of (thread_id, seq) was its unique index's; sequences are handed out under the
-- conversation's row lock, gapless and unique by construction, and messages keeps its
-- (thread_id, seq) index for history. Nodes of an older version still write this table, so
-- upgrade every chat node of a cluster together across this migration.
DROP TABLE chat_message_index;
