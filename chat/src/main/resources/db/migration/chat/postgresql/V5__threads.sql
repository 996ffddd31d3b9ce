-- Message threads (PostgreSQL). One level: a reply's root is never itself a reply. Neither table is
-- partitioned; rows refer to messages by id (see chat_message_index) and go with them by retention.

-- Which root each reply answers. A message is the reply of at most one root.
CREATE TABLE chat_thread_replies (
  root_id         BIGINT      NOT NULL,
  reply_id        BIGINT      NOT NULL,
  conversation_id BIGINT      NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (root_id, reply_id)
);
CREATE UNIQUE INDEX idx_chat_thread_replies_reply ON chat_thread_replies (reply_id);
CREATE INDEX idx_chat_thread_replies_created_at ON chat_thread_replies (created_at);

-- Per-root summary, updated in the transaction of each reply. participants: space-separated user
-- ids of reply authors in order of their first reply, at most 50 kept.
CREATE TABLE chat_threads (
  root_id         BIGINT      PRIMARY KEY,
  conversation_id BIGINT      NOT NULL,
  reply_count     BIGINT      NOT NULL,
  last_reply_at   TIMESTAMPTZ NOT NULL,
  participants    TEXT        NOT NULL DEFAULT ''
);
