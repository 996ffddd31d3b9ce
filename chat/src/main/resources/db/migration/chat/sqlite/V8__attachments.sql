-- Message attachments (SQLite; times are epoch milliseconds). The bytes live in the blob store
-- under the key attachments/<id>; this row describes them and says who may see them.
--
-- A row is written before its bytes and byte_size stays NULL until they are stored, so an upload
-- cut short by a crash leaves a row the daily purge finds, never bytes nobody knows about.
-- message_id is NULL until a message claims the attachment; claimed_at is when it did. Rows refer
-- to messages by id (see chat_message_index); the purge removes those whose message is gone.
CREATE TABLE chat_attachments (
  id              INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL,
  uploader_id     INTEGER NOT NULL,
  filename        TEXT    NOT NULL,
  content_type    TEXT    NOT NULL,
  byte_size       INTEGER,
  created_at      INTEGER NOT NULL,
  message_id      INTEGER,
  claimed_at      INTEGER
);
CREATE INDEX idx_chat_attachments_message ON chat_attachments (message_id);
CREATE INDEX idx_chat_attachments_created_at ON chat_attachments (created_at);
