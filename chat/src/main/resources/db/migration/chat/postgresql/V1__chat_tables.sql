-- Chat service tables (PostgreSQL).

CREATE TABLE chat_workspaces (
  id          BIGINT      PRIMARY KEY,
  name        TEXT        NOT NULL,
  created_by  BIGINT      NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE chat_workspace_members (
  workspace_id BIGINT      NOT NULL REFERENCES chat_workspaces (id) ON DELETE CASCADE,
  user_id      BIGINT      NOT NULL,
  role         TEXT        NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'guest')),
  joined_at    TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX idx_chat_workspace_members_user_id ON chat_workspace_members (user_id);

CREATE TABLE chat_conversations (
  id           BIGINT      PRIMARY KEY,
  workspace_id BIGINT      NOT NULL REFERENCES chat_workspaces (id) ON DELETE CASCADE,
  kind         TEXT        NOT NULL CHECK (kind IN ('public', 'private')),
  name         TEXT        NOT NULL,
  topic        TEXT        NOT NULL DEFAULT '',
  created_by   BIGINT      NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL,
  archived_at  TIMESTAMPTZ,
  -- The last sequence number handed out; incremented under the row lock of each send,
  -- which makes sequences gapless and ordered per conversation.
  last_seq     BIGINT      NOT NULL DEFAULT 0
);
CREATE INDEX idx_chat_conversations_workspace_id ON chat_conversations (workspace_id);
CREATE UNIQUE INDEX idx_chat_conversations_name ON chat_conversations (workspace_id, lower(name));

CREATE TABLE chat_conversation_members (
  conversation_id BIGINT      NOT NULL REFERENCES chat_conversations (id) ON DELETE CASCADE,
  user_id         BIGINT      NOT NULL,
  joined_at       TIMESTAMPTZ NOT NULL,
  last_read_seq   BIGINT      NOT NULL DEFAULT 0,
  PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX idx_chat_conversation_members_user_id ON chat_conversation_members (user_id);

-- The seed's messages table: thread_id is the conversation. Partitioned by month on
-- created_at; the partition maintainer creates months ahead and drops expired ones.
-- Primary and unique keys must include the partition key, so id uniqueness is (id, created_at)
-- (ids are time-ordered and unique by construction) and idempotency keys live in
-- chat_message_keys, which is not partitioned.
CREATE TABLE messages (
  id         BIGINT      NOT NULL,
  thread_id  BIGINT      NOT NULL,
  seq        BIGINT      NOT NULL,
  user_id    BIGINT      NOT NULL,
  body       TEXT,
  created_at TIMESTAMPTZ NOT NULL,
  edited_at  TIMESTAMPTZ,
  deleted_at TIMESTAMPTZ,
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE INDEX idx_messages_thread_id ON messages (thread_id, seq);
CREATE INDEX idx_messages_user_id ON messages (user_id);
CREATE INDEX idx_messages_created_at ON messages (created_at);

CREATE TABLE chat_message_keys (
  thread_id  BIGINT      NOT NULL,
  user_id    BIGINT      NOT NULL,
  client_id  TEXT        NOT NULL,
  message_id BIGINT      NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (thread_id, user_id, client_id)
);
-- One row per message: where to find a message by id without scanning every partition.
CREATE TABLE chat_message_index (
  message_id BIGINT      PRIMARY KEY,
  thread_id  BIGINT      NOT NULL,
  seq        BIGINT      NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX idx_chat_message_index_thread_seq ON chat_message_index (thread_id, seq);
