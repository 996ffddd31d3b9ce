-- Reactions, pins and mentions (SQLite; times are epoch milliseconds). None of these tables is partitioned; rows refer to
-- messages by id (see chat_message_index) and are removed with them by retention.

-- One row per (message, user, emoji). id is time-ordered and orders emoji by first use.
CREATE TABLE chat_message_reactions (
  message_id INTEGER     NOT NULL,
  user_id    INTEGER     NOT NULL,
  emoji      TEXT        NOT NULL,
  thread_id  INTEGER     NOT NULL,
  id         INTEGER     NOT NULL,
  created_at INTEGER     NOT NULL,
  PRIMARY KEY (message_id, user_id, emoji)
);
CREATE INDEX idx_chat_message_reactions_message ON chat_message_reactions (message_id, id);

-- Pinned messages of a conversation; id (time-ordered) orders pins newest first.
CREATE TABLE chat_pins (
  conversation_id INTEGER     NOT NULL REFERENCES chat_conversations (id) ON DELETE CASCADE,
  message_id      INTEGER     NOT NULL,
  id              INTEGER     NOT NULL,
  pinned_by       INTEGER     NOT NULL,
  pinned_at       INTEGER     NOT NULL,
  PRIMARY KEY (conversation_id, message_id)
);
CREATE INDEX idx_chat_pins_message ON chat_pins (message_id);

-- Who a message mentions. user_id 0 stands for @channel / @here (everyone in the
-- conversation). thread_id, seq and author_id let unread mentions be counted without touching
-- the partitioned messages table.
CREATE TABLE chat_message_mentions (
  message_id BIGINT NOT NULL,
  user_id    BIGINT NOT NULL,
  thread_id  BIGINT NOT NULL,
  seq        BIGINT NOT NULL,
  author_id  BIGINT NOT NULL,
  PRIMARY KEY (message_id, user_id)
);
CREATE INDEX idx_chat_message_mentions_thread ON chat_message_mentions (thread_id, user_id, seq);
