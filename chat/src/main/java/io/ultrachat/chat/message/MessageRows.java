package io.ultrachat.chat.message;

import io.ultrachat.kernel.id.IdGenerator;
import io.ultrachat.store.jdbc.Dialect;
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
public final class MessageRows {
  /** How far a message's {@code created_at} may lie from its id's time and still be found by the bounded lookup. */
  static final Duration SLACK = Duration.ofDays(1);

  private MessageRows() {}

  /** A lookup given an extra condition ({@code ""} or {@code " AND column >= ? AND column < ?"}) and its parameters. */
  @FunctionalInterface
  public interface Lookup<T> {
    Optional<T> run(String condition, Object... conditionParams) throws SQLException;
  }

  /**
   * Runs {@code lookup} bounded to the time window of {@code messageId} on {@code column}, and
   * again without the bound if that found nothing. SQLite has no partitions to skip, so there it
   * runs once, unbounded.
   */
  public static <T> Optional<T> byId(Sql sql, long messageId, String column, Lookup<T> lookup) throws SQLException {
    if (sql.dialect() != Dialect.POSTGRESQL) {
      return lookup.run("");
    }
    Instant issued = IdGenerator.timestampOf(messageId);
    Optional<T> near = lookup.run(" AND " + column + " >= ? AND " + column + " < ?",
        sql.time(issued.minus(SLACK)), sql.time(issued.plus(SLACK)));
    return near.isPresent() ? near : lookup.run("");
  }

  /**
   * Locks a message's row until the transaction ends, for check-then-write sequences on the
   * message (a limit on its reactions); an unknown message takes no lock. SQLite runs one writer
   * at a time, so there it does nothing.
   */
  public static void lock(Sql sql, long conversationId, long messageId) throws SQLException {
    if (sql.dialect() == Dialect.POSTGRESQL) {
      byId(sql, messageId, "created_at", (condition, bounds) -> sql.queryOne(
          "SELECT 1 FROM messages WHERE id = ? AND thread_id = ?" + condition + " FOR NO KEY UPDATE", rs -> 1,
          params(messageId, conversationId, bounds)));
    }
  }

  /** {@code first} and {@code second}, then {@code rest}: a lookup's own parameters followed by its condition's. */
  static Object[] params(Object first, Object second, Object... rest) {
    Object[] all = new Object[2 + rest.length];
    all[0] = first;
    all[1] = second;
    System.arraycopy(rest, 0, all, 2, rest.length);
    return all;
  }
}
