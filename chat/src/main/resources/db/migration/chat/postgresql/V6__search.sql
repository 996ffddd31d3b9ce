-- Full-text search over message bodies (PostgreSQL).
--
-- body_tsv is a STORED generated column of the partitioned messages table, so every insert, edit
-- and delete (which sets body to NULL) keeps it in step inside the statement that changes the
-- body: the write path needs no change and the index can never lag. The GIN index is declared on
-- the parent; PostgreSQL creates it on every partition, including those MessagePartitions
-- creates later.
--
-- Text search configuration 'simple': lower-casing only, no stemming and no stop words. A
-- workspace mixes languages, and a language's stemmer mangles the others (and drops its stop
-- words, so "to be or not to be" would find nothing); 'simple' treats every language alike and
-- matches what SQLite's unicode61 tokenizer does. ASCII punctuation is turned into spaces before
-- parsing, so that e-mail addresses, URLs, hyphenated words and version numbers become plain
-- words ("bob@example.com" is found by "example"), exactly as on SQLite; the service splits the
-- query into words by the same rule.
ALTER TABLE messages ADD COLUMN body_tsv tsvector GENERATED ALWAYS AS
  (to_tsvector('simple', regexp_replace(coalesce(body, ''), '[!-/:-@\[-`{-~]', ' ', 'g'))) STORED;
CREATE INDEX idx_messages_body_tsv ON messages USING GIN (body_tsv);
