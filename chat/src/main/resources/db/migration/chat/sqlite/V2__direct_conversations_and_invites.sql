-- Direct conversations (DMs and group DMs) and workspace invites (SQLite). Times are epoch
-- milliseconds.

-- A direct conversation is a conversation of kind 'dm' (two people) or 'group_dm' (three to
-- nine) whose member set is fixed. dm_key is that set, the sorted user ids joined by ',', and
-- the unique index on it makes "find or create" safe under concurrency. Channels have no key;
-- NULLs never collide in a unique index.
--
-- SQLite cannot change a CHECK constraint in place, so chat_conversations is rebuilt, and its
-- child chat_conversation_members with it: dropping the old parent while a child still
-- referenced it would cascade-delete every membership (foreign keys are on, and PRAGMA
-- foreign_keys cannot be changed inside the migration's transaction). The new child refers to
-- the new parent by its temporary name; renaming the parent rewrites that reference.
CREATE TABLE chat_conversations_v2 (
  id           INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES chat_workspaces (id) ON DELETE CASCADE,
  kind         TEXT    NOT NULL CHECK (kind IN ('public', 'private', 'dm', 'group_dm')),
  name         TEXT    NOT NULL,
  topic        TEXT    NOT NULL DEFAULT '',
  created_by   INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  archived_at  INTEGER,
  last_seq     INTEGER NOT NULL DEFAULT 0,
  dm_key       TEXT,
  CHECK ((kind IN ('dm', 'group_dm')) = (dm_key IS NOT NULL))
);
INSERT INTO chat_conversations_v2 (id, workspace_id, kind, name, topic, created_by, created_at, archived_at, last_seq)
  SELECT id, workspace_id, kind, name, topic, created_by, created_at, archived_at, last_seq FROM chat_conversations;

CREATE TABLE chat_conversation_members_v2 (
  conversation_id INTEGER NOT NULL REFERENCES chat_conversations_v2 (id) ON DELETE CASCADE,
  user_id         INTEGER NOT NULL,
  joined_at       INTEGER NOT NULL,
  last_read_seq   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (conversation_id, user_id)
);
INSERT INTO chat_conversation_members_v2 (conversation_id, user_id, joined_at, last_read_seq)
  SELECT conversation_id, user_id, joined_at, last_read_seq FROM chat_conversation_members;

DROP TABLE chat_conversation_members;
DROP TABLE chat_conversations;
ALTER TABLE chat_conversations_v2 RENAME TO chat_conversations;
ALTER TABLE chat_conversation_members_v2 RENAME TO chat_conversation_members;

CREATE INDEX idx_chat_conversations_workspace_id ON chat_conversations (workspace_id);
-- Direct conversations have no name (stored as ''); names are unique among channels only.
CREATE UNIQUE INDEX idx_chat_conversations_name ON chat_conversations (workspace_id, lower(name)) WHERE dm_key IS NULL;
CREATE UNIQUE INDEX idx_chat_conversations_dm_key ON chat_conversations (workspace_id, dm_key);
CREATE INDEX idx_chat_conversation_members_user_id ON chat_conversation_members (user_id);

-- Invitations to join a workspace. Only the SHA-256 of the secret token is kept. uses counts
-- accepted invitations and never passes max_uses: accepting is one conditional UPDATE.
CREATE TABLE chat_workspace_invites (
  id           INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES chat_workspaces (id) ON DELETE CASCADE,
  token_hash   TEXT    NOT NULL,
  role         TEXT    NOT NULL CHECK (role IN ('member', 'guest')),
  created_by   INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  max_uses     INTEGER NOT NULL CHECK (max_uses >= 1),
  uses         INTEGER NOT NULL DEFAULT 0,
  CHECK (uses >= 0 AND uses <= max_uses)
);
CREATE UNIQUE INDEX idx_chat_workspace_invites_token_hash ON chat_workspace_invites (token_hash);
CREATE INDEX idx_chat_workspace_invites_workspace_id ON chat_workspace_invites (workspace_id, created_at);
CREATE INDEX idx_chat_workspace_invites_expires_at ON chat_workspace_invites (expires_at);
