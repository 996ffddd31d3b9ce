package io.ultrachat.chat.search;

import io.ultrachat.store.jdbc.Database;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@link SearchStore} on SQLite: the FTS5 table {@code chat_messages_fts} over
 * {@code messages.body} (migration V6).
 *
 * <p>User words reach FTS5 only inside double-quoted strings, FTS5's literal form, in which
 * {@code AND}, {@code NEAR}, {@code *}, parentheses and column filters mean nothing; a double
 * quote would be doubled, though {@link SearchTerms} words hold only letters and digits. The
 * rank is computed with two more MATCH lookups (phrase, whole words), each run once per
 * statement, not per row.
 */
final class SqliteSearchStore implements SearchStore {
  private final Database db;

  SqliteSearchStore(Database db) {
    this.db = db;
  }

  @Override
  public List<Hit> search(Query q) {
    if (q.conversationIds().isEmpty()) {
      return List.of();
    }
    List<Object> params = new ArrayList<>();
    StringBuilder s = new StringBuilder("SELECT id, thread_id, match_rank FROM (SELECT m.id, m.thread_id,"
        + " CASE WHEN m.id IN (SELECT rowid FROM chat_messages_fts WHERE chat_messages_fts MATCH ?) THEN " + RANK_PHRASE
        + " WHEN m.id IN (SELECT rowid FROM chat_messages_fts WHERE chat_messages_fts MATCH ?) THEN " + RANK_WORDS
        + " ELSE " + RANK_PREFIX + " END AS match_rank"
        + " FROM chat_messages_fts JOIN messages m ON m.id = chat_messages_fts.rowid"
        + " WHERE chat_messages_fts MATCH ? AND m.deleted_at IS NULL AND m.thread_id IN (SELECT value FROM json_each(?))");
    params.add(phrase(q.terms()));
    params.add(words(q.terms(), false));
    params.add(words(q.terms(), q.terms().prefixLast()));
    params.add(q.conversationIds().stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]")));
    if (q.authorId().isPresent()) {
      s.append(" AND m.user_id = ?");
      params.add(q.authorId().get());
    }
    if (q.from().isPresent()) {
      s.append(" AND m.created_at >= ?");
      params.add(q.from().get().toEpochMilli());
    }
    if (q.to().isPresent()) {
      s.append(" AND m.created_at < ?");
      params.add(q.to().get().toEpochMilli());
    }
    s.append(") hits");
    if (q.after().isPresent()) {
      s.append(" WHERE (match_rank, id) < (?, ?)");
      params.add(q.after().get().rank());
      params.add(q.after().get().messageId());
    }
    s.append(" ORDER BY match_rank DESC, id DESC LIMIT ?");
    params.add(q.limit());
    return db.read(sql -> sql.query(s.toString(), rs -> new Hit(rs.getLong("thread_id"), rs.getLong("id"), rs.getInt("match_rank")),
        params.toArray()));
  }

  private static String quoted(String word) {
    return "\"" + word.replace("\"", "\"\"") + "\"";
  }

  /** Every word as its own string (all required), the last one also as a prefix if asked. */
  static String words(SearchTerms terms, boolean prefixLast) {
    String all = terms.words().stream().map(SqliteSearchStore::quoted).collect(Collectors.joining(" "));
    return prefixLast ? all + " *" : all;
  }

  /** The words as one string: a phrase, in order. */
  static String phrase(SearchTerms terms) {
    return quoted(terms.text());
  }
}
