-- Direct conversations (DMs and group DMs) and workspace invites (PostgreSQL).

-- A direct conversation is a conversation of kind 'dm' (two people) or 'group_dm' (three to
-- nine) whose member set is fixed. dm_key is that set, the sorted user ids joined by ',', and
-- the unique index on it makes "find or create" safe under concurrency. Channels have no key;
-- NULLs never collide in a unique index.
ALTER TABLE chat_conversations DROP CONSTRAINT chat_conversations_kind_check;
ALTER TABLE chat_conversations ADD CONSTRAINT chat_conversations_kind_check
  CHECK (kind IN ('public', 'private', 'dm', 'group_dm'));
ALTER TABLE chat_conversations ADD COLUMN dm_key TEXT;
ALTER TABLE chat_conversations ADD CONSTRAINT chat_conversations_dm_key_check
  CHECK ((kind IN ('dm', 'group_dm')) = (dm_key IS NOT NULL));
CREATE UNIQUE INDEX idx_chat_conversations_dm_key ON chat_conversations (workspace_id, dm_key);

-- Direct conversations have no name (stored as ''); names are unique among channels only.
DROP INDEX idx_chat_conversations_name;
CREATE UNIQUE INDEX idx_chat_conversations_name ON chat_conversations (workspace_id, lower(name)) WHERE dm_key IS NULL;

-- Invitations to join a workspace. Only the SHA-256 of the secret token is kept. uses counts
-- accepted invitations and never passes max_uses: accepting is one conditional UPDATE.
CREATE TABLE chat_workspace_invites (
  id           BIGINT      PRIMARY KEY,
  workspace_id BIGINT      NOT NULL REFERENCES chat_workspaces (id) ON DELETE CASCADE,
  token_hash   TEXT        NOT NULL,
  role         TEXT        NOT NULL CHECK (role IN ('member', 'guest')),
  created_by   BIGINT      NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL,
  expires_at   TIMESTAMPTZ NOT NULL,
  max_uses     INTEGER     NOT NULL CHECK (max_uses >= 1),
  uses         INTEGER     NOT NULL DEFAULT 0,
  CHECK (uses >= 0 AND uses <= max_uses)
);
CREATE UNIQUE INDEX idx_chat_workspace_invites_token_hash ON chat_workspace_invites (token_hash);
CREATE INDEX idx_chat_workspace_invites_workspace_id ON chat_workspace_invites (workspace_id, created_at);
CREATE INDEX idx_chat_workspace_invites_expires_at ON chat_workspace_invites (expires_at);
