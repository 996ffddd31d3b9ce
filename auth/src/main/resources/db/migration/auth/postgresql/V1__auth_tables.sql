-- Auth service tables (PostgreSQL). Times are epoch milliseconds.
CREATE TABLE auth_users (
  id             BIGINT PRIMARY KEY,
  username       TEXT    NOT NULL,
  username_key   TEXT    NOT NULL UNIQUE,
  display_name   TEXT    NOT NULL,
  kind           TEXT    NOT NULL CHECK (kind IN ('person', 'bot')),
  is_admin       BOOLEAN NOT NULL DEFAULT FALSE,
  owner_id       BIGINT  REFERENCES auth_users (id),
  password_hash  TEXT,
  created_at     BIGINT  NOT NULL,
  updated_at     BIGINT  NOT NULL,
  deactivated_at BIGINT
);
CREATE INDEX idx_auth_users_owner_id ON auth_users (owner_id);

CREATE TABLE auth_sessions (
  id             BIGINT PRIMARY KEY,
  user_id        BIGINT  NOT NULL REFERENCES auth_users (id),
  created_at     BIGINT  NOT NULL,
  expires_at     BIGINT  NOT NULL,
  last_used_at   BIGINT  NOT NULL,
  revoked_at     BIGINT,
  revoke_reason  TEXT,
  user_agent     TEXT    NOT NULL,
  client_address TEXT    NOT NULL
);
CREATE INDEX idx_auth_sessions_user_id ON auth_sessions (user_id);
CREATE INDEX idx_auth_sessions_revoked_at ON auth_sessions (revoked_at);

CREATE TABLE auth_refresh_tokens (
  token_hash TEXT    PRIMARY KEY,
  session_id BIGINT  NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
  status     TEXT    NOT NULL CHECK (status IN ('active', 'rotated')),
  created_at BIGINT  NOT NULL
);
CREATE INDEX idx_auth_refresh_tokens_session_id ON auth_refresh_tokens (session_id);

CREATE TABLE auth_signing_keys (
  kid          TEXT    PRIMARY KEY,
  private_key  TEXT    NOT NULL,
  public_key   TEXT    NOT NULL,
  created_at   BIGINT  NOT NULL,
  retired_at   BIGINT,
  verify_until BIGINT
);

CREATE TABLE auth_api_tokens (
  id           BIGINT PRIMARY KEY,
  user_id      BIGINT  NOT NULL REFERENCES auth_users (id),
  name         TEXT    NOT NULL,
  token_hash   TEXT    NOT NULL UNIQUE,
  scopes       TEXT    NOT NULL,
  created_by   BIGINT  NOT NULL REFERENCES auth_users (id),
  created_at   BIGINT  NOT NULL,
  expires_at   BIGINT,
  last_used_at BIGINT,
  revoked_at   BIGINT
);
CREATE INDEX idx_auth_api_tokens_user_id ON auth_api_tokens (user_id);
