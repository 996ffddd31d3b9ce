-- Full-text search over message bodies (SQLite): an FTS5 index over messages.body
-- (external content: the text is not stored twice), kept in step by triggers, so the write
-- path needs no change and the index changes in the transaction that changes the body.
--
-- Tokenizer unicode61 with diacritics kept: words are runs of Unicode letters and digits,
-- matched case-insensitively, with no stemming, like the 'simple' configuration on PostgreSQL
-- (which has no accent folding either, so both backends find the same messages).
--
-- Deleting a message sets its body to NULL, which the update trigger turns into an empty
-- document: a deleted message never matches. External-content 'delete' commands must repeat
-- the indexed text, which the triggers take from the old row.
CREATE VIRTUAL TABLE chat_messages_fts USING fts5(
  body, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 0');

CREATE TRIGGER chat_messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO chat_messages_fts (rowid, body) VALUES (new.id, new.body);
END;

CREATE TRIGGER chat_messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO chat_messages_fts (chat_messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;

CREATE TRIGGER chat_messages_fts_update AFTER UPDATE OF body ON messages BEGIN
  INSERT INTO chat_messages_fts (chat_messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
  INSERT INTO chat_messages_fts (rowid, body) VALUES (new.id, new.body);
END;

-- Index the messages that existed before this migration.
INSERT INTO chat_messages_fts (chat_messages_fts) VALUES ('rebuild');
