-- Chat service tables (SQLite). Times are epoch milliseconds.

CREATE TABLE chat_workspaces (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL,
  created_by  INTEGER NOT NULL,
  created_at  INTEGER NOT NULL
);

CREATE TABLE chat_workspace_members (
  workspace_id INTEGER NOT NULL REFERENCES chat_workspaces (id) ON DELETE CASCADE,
  user_id      INTEGER NOT NULL,
  role         TEXT    NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'guest')),
  joined_at    INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX idx_chat_workspace_members_user_id ON chat_workspace_members (user_id);

CREATE TABLE chat_conversations (
  id           INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES chat_workspaces (id) ON DELETE CASCADE,
  kind         TEXT    NOT NULL CHECK (kind IN ('public', 'private')),
  name         TEXT    NOT NULL,
  topic        TEXT    NOT NULL DEFAULT '',
  created_by   INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  archived_at  INTEGER,
  last_seq     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX idx_chat_conversations_workspace_id ON chat_conversations (workspace_id);
CREATE UNIQUE INDEX idx_chat_conversations_name ON chat_conversations (workspace_id, lower(name));

CREATE TABLE chat_conversation_members (
  conversation_id INTEGER NOT NULL REFERENCES chat_conversations (id) ON DELETE CASCADE,
  user_id         INTEGER NOT NULL,
  joined_at       INTEGER NOT NULL,
  last_read_seq   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX idx_chat_conversation_members_user_id ON chat_conversation_members (user_id);

-- The seed's messages table: thread_id is the conversation.
CREATE TABLE messages (
  id         INTEGER PRIMARY KEY,
  thread_id  INTEGER NOT NULL,
  seq        INTEGER NOT NULL,
  user_id    INTEGER NOT NULL,
  body       TEXT,
  created_at INTEGER NOT NULL,
  edited_at  INTEGER,
  deleted_at INTEGER
);
CREATE UNIQUE INDEX idx_messages_thread_id ON messages (thread_id, seq);
CREATE INDEX idx_messages_user_id ON messages (user_id);
CREATE INDEX idx_messages_created_at ON messages (created_at);

CREATE TABLE chat_message_keys (
  thread_id  INTEGER NOT NULL,
  user_id    INTEGER NOT NULL,
  client_id  TEXT    NOT NULL,
  message_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (thread_id, user_id, client_id)
);
CREATE TABLE chat_message_index (
  message_id INTEGER PRIMARY KEY,
  thread_id  INTEGER NOT NULL,
  seq        INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX idx_chat_message_index_thread_seq ON chat_message_index (thread_id, seq);
