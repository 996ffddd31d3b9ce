package io.ultrachat.chat.search;

import io.ultrachat.chat.message.Reader;
import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.ReadConsistency;
import io.ultrachat.store.jdbc.Sql;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link SearchStore} on PostgreSQL: the generated {@code messages.body_tsv} column and its GIN
 * index (migration V6), text search configuration {@code simple}.
 *
 * <p>User words reach the database only as quoted lexemes in a {@code to_tsquery} text the store
 * builds itself, and as plain text to {@code plainto_tsquery} / {@code phraseto_tsquery}, which
 * have no syntax; {@link SearchTerms} words hold only letters and digits besides. The match
 * condition is the one the GIN index serves; the rank is computed for matching rows only. Time
 * bounds prune partitions.
 *
 * <p>Searches for a {@link Reader} may run on the database's read replica.
 */
final class PostgresSearchStore implements SearchStore {
  private final Database db;

  PostgresSearchStore(Database db) {
    this.db = db;
  }

  private record Statement(String sql, List<Object> params) {}

  @Override
  public List<Hit> search(Query q) {
    return search(q, ReadConsistency.primary());
  }

  @Override
  public List<Hit> search(Query q, Reader reader) {
    return search(q, ReadConsistency.seeing(Reader.userKey(reader.userId())));
  }

  private List<Hit> search(Query q, ReadConsistency consistency) {
    if (q.conversationIds().isEmpty()) {
      return List.of();
    }
    return db.read(consistency, sql -> {
      Statement s = statement(sql, q);
      return sql.query(s.sql(), rs -> new Hit(rs.getLong("thread_id"), rs.getLong("id"), rs.getInt("match_rank")),
          s.params().toArray());
    });
  }

  /** The plan of the search's statement with sequential scans discouraged, for tests that check the index is usable. */
  List<String> plan(Query q) {
    return db.write(sql -> {
      sql.update("SET LOCAL enable_seqscan = off");
      Statement s = statement(sql, q);
      return sql.query("EXPLAIN " + s.sql(), rs -> rs.getString(1), s.params().toArray());
    });
  }

  private static Statement statement(Sql sql, Query q) throws SQLException {
    List<Object> params = new ArrayList<>();
    String text = q.terms().text();
    StringBuilder s = new StringBuilder("SELECT id, thread_id, match_rank FROM (SELECT m.id, m.thread_id,"
        + " CASE WHEN m.body_tsv @@ phraseto_tsquery('simple', ?) THEN " + RANK_PHRASE
        + " WHEN m.body_tsv @@ plainto_tsquery('simple', ?) THEN " + RANK_WORDS
        + " ELSE " + RANK_PREFIX + " END AS match_rank"
        + " FROM messages m WHERE m.body_tsv @@ to_tsquery('simple', ?) AND m.deleted_at IS NULL AND m.thread_id = ANY(?)");
    params.add(text);
    params.add(text);
    params.add(tsquery(q.terms()));
    params.add(sql.connection().createArrayOf("bigint", q.conversationIds().toArray(Long[]::new)));
    if (q.authorId().isPresent()) {
      s.append(" AND m.user_id = ?");
      params.add(q.authorId().get());
    }
    if (q.from().isPresent()) {
      s.append(" AND m.created_at >= ?");
      params.add(sql.time(q.from().get()));
    }
    if (q.to().isPresent()) {
      s.append(" AND m.created_at < ?");
      params.add(sql.time(q.to().get()));
    }
    s.append(") hits");
    if (q.after().isPresent()) {
      s.append(" WHERE (match_rank, id) < (?, ?)");
      params.add(q.after().get().rank());
      params.add(q.after().get().messageId());
    }
    s.append(" ORDER BY match_rank DESC, id DESC LIMIT ?");
    params.add(q.limit());
    return new Statement(s.toString(), params);
  }

  /** Every word as a quoted lexeme, all required, the last one also as a prefix if the terms say so. */
  static String tsquery(SearchTerms terms) {
    List<String> lexemes = new ArrayList<>();
    for (String word : terms.words()) {
      lexemes.add("'" + word.replace("\\", "\\\\").replace("'", "''") + "'");
    }
    if (terms.prefixLast()) {
      lexemes.set(lexemes.size() - 1, lexemes.getLast() + ":*");
    }
    return String.join(" & ", lexemes);
  }
}
