package io.ultrachat.chat.message;

import io.ultrachat.kernel.id.IdGenerator;
import io.ultrachat.store.jdbc.Dialect;
import io.ultrachat.store.jdbc.RowMapper;
import io.ultrachat.store.jdbc.Sql;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Finds a message's row by its id alone. On PostgreSQL {@code messages} is partitioned by
 * {@code created_at}, and its keys must include that column, so an id names no partition by
 * itself. Message ids are time-ordered ({@link IdGenerator}) and a message's {@code created_at} is
 * read from the same clock when its id is issued, so the id's own time bounds the partitions to
 * read: one, or two at a month's edge. A message whose {@code created_at} lies further than
 * {@link #SLACK} from its id's time (hand-made ids, an import) is still found, by a second lookup
 * without the bound, which probes every partition's primary key; so does an id that matches
 * nothing. This replaces an index table from message id to partition, which cost every append a
 * heap row and three index entries.
 */
final class MessageRows {
  /** How far a message's {@code created_at} may lie from its id's time and still be found by the bounded lookup. */
  static final Duration SLACK = Duration.ofDays(1);

  private MessageRows() {}

  /**
   * Runs {@code query}, whose two parameters are the message id and its conversation id, bounded to
   * the time window of the id on {@code column}, and again without the bound if that found
   * nothing. SQLite has no partitions to skip, so there it runs once, unbounded.
   */
  static <T> Optional<T> byId(Sql sql, String query, String column, RowMapper<T> mapper, long messageId,
      long conversationId) throws SQLException {
    return byId(sql, query, column, "", mapper, messageId, conversationId);
  }

  /**
   * Locks a message's row until the transaction ends, for check-then-write sequences on the
   * message (a limit on its reactions); an unknown message takes no lock. SQLite runs one writer
   * at a time, so there it does nothing.
   */
  static void lock(Sql sql, long conversationId, long messageId) throws SQLException {
    if (sql.dialect() == Dialect.POSTGRESQL) {
      byId(sql, "SELECT 1 FROM messages WHERE id = ? AND thread_id = ?", "created_at", " FOR NO KEY UPDATE", rs -> 1,
          messageId, conversationId);
    }
  }

  /** {@link #byId}, with {@code tail} after the condition (a locking clause). */
  private static <T> Optional<T> byId(Sql sql, String query, String column, String tail, RowMapper<T> mapper, long messageId,
      long conversationId) throws SQLException {
    if (sql.dialect() == Dialect.POSTGRESQL) {
      Instant issued = IdGenerator.timestampOf(messageId);
      Optional<T> near = sql.queryOne(query + " AND " + column + " >= ? AND " + column + " < ?" + tail, mapper,
          messageId, conversationId, sql.time(issued.minus(SLACK)), sql.time(issued.plus(SLACK)));
      if (near.isPresent()) {
        return near;
      }
    }
    return sql.queryOne(query + tail, mapper, messageId, conversationId);
  }
}
