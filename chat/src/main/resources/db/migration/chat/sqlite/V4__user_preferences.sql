-- User preferences (SQLite). Times are epoch milliseconds. A user without a row has the
-- defaults: theme 'system', time zone 'UTC', no locale, no conversation overrides. Values are
-- validated by the service; the checks here only keep the enumerations closed.
CREATE TABLE chat_user_preferences (
  user_id    INTEGER PRIMARY KEY,
  theme      TEXT    NOT NULL DEFAULT 'system' CHECK (theme IN ('system', 'light', 'dark')),
  time_zone  TEXT    NOT NULL DEFAULT 'UTC',
  locale     TEXT,
  updated_at INTEGER NOT NULL
);

-- Per-conversation notification settings of one user. Kept when the conversation disappears
-- from the user's view (they stay the user's own settings); at most 1,000 per user, enforced
-- by the service.
CREATE TABLE chat_conversation_preferences (
  user_id         INTEGER NOT NULL,
  conversation_id INTEGER NOT NULL,
  notifications   TEXT    NOT NULL CHECK (notifications IN ('all', 'mentions', 'none')),
  muted           INTEGER NOT NULL CHECK (muted IN (0, 1)),
  updated_at      INTEGER NOT NULL,
  PRIMARY KEY (user_id, conversation_id)
);
