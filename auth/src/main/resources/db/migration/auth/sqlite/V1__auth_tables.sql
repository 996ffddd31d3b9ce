-- Auth service tables (SQLite). Times are epoch milliseconds.
CREATE TABLE auth_users (
  id             INTEGER PRIMARY KEY,
  username       TEXT    NOT NULL,
  username_key   TEXT    NOT NULL UNIQUE,
  display_name   TEXT    NOT NULL,
  kind           TEXT    NOT NULL CHECK (kind IN ('person', 'bot')),
  is_admin       INTEGER NOT NULL DEFAULT 0,
  owner_id       INTEGER REFERENCES auth_users (id),
  password_hash  TEXT,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  deactivated_at INTEGER
);
CREATE INDEX idx_auth_users_owner_id ON auth_users (owner_id);

CREATE TABLE auth_sessions (
  id             INTEGER PRIMARY KEY,
  user_id        INTEGER NOT NULL REFERENCES auth_users (id),
  created_at     INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  last_used_at   INTEGER NOT NULL,
  revoked_at     INTEGER,
  revoke_reason  TEXT,
  user_agent     TEXT    NOT NULL,
  client_address TEXT    NOT NULL
);
CREATE INDEX idx_auth_sessions_user_id ON auth_sessions (user_id);
CREATE INDEX idx_auth_sessions_revoked_at ON auth_sessions (revoked_at);

CREATE TABLE auth_refresh_tokens (
  token_hash TEXT    PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
  status     TEXT    NOT NULL CHECK (status IN ('active', 'rotated')),
  created_at INTEGER NOT NULL
);
CREATE INDEX idx_auth_refresh_tokens_session_id ON auth_refresh_tokens (session_id);

CREATE TABLE auth_signing_keys (
  kid          TEXT    PRIMARY KEY,
  private_key  TEXT    NOT NULL,
  public_key   TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  retired_at   INTEGER,
  verify_until INTEGER
);

CREATE TABLE auth_api_tokens (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES auth_users (id),
  name         TEXT    NOT NULL,
  token_hash   TEXT    NOT NULL UNIQUE,
  scopes       TEXT    NOT NULL,
  created_by   INTEGER NOT NULL REFERENCES auth_users (id),
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER,
  last_used_at INTEGER,
  revoked_at   INTEGER
);
CREATE INDEX idx_auth_api_tokens_user_id ON auth_api_tokens (user_id);
