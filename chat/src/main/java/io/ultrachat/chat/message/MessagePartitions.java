package io.ultrachat.chat.message;

import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.Dialect;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Monthly partitions of the PostgreSQL {@code messages} table (DESIGN §4).
 *
 * <p>Partitions are named {@code messages_yYYYYmMM} and cover {@code [first of month, first of
 * next month)} in UTC. {@link #ensureAhead} creates last month through {@code monthsAhead}
 * months ahead; it runs at start and daily. {@link #ensureCovers} is called before every
 * insert and costs a set lookup unless the month is new, so a message never fails for want
 * of a partition even if the daily job has not run. Creation takes a transaction-scoped
 * advisory lock, so nodes starting together do not race. Retention drops whole partitions
 * whose range ends at or before the cutoff. On SQLite every method is a no-op.
 */
public final class MessagePartitions {
  private static final Logger LOG = LoggerFactory.getLogger(MessagePartitions.class);
  private static final long LOCK_KEY = 0x756c747261636861L; // "ultracha"

  private final Database db;
  private final Clock clock;
  private final int monthsAhead;
  private final Set<YearMonth> known = ConcurrentHashMap.newKeySet();

  public MessagePartitions(Database db, Clock clock, int monthsAhead) {
    this.db = db;
    this.clock = clock;
    this.monthsAhead = monthsAhead;
  }

  private boolean partitioned() {
    return db.dialect() == Dialect.POSTGRESQL;
  }

  /** Creates the partitions from last month to {@code monthsAhead} ahead, if missing. */
  public void ensureAhead() {
    if (!partitioned()) {
      return;
    }
    YearMonth now = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
    for (int i = -1; i <= monthsAhead; i++) {
      ensure(now.plusMonths(i));
    }
  }

  /** Makes sure the partition holding {@code at} exists. */
  public void ensureCovers(Instant at) {
    if (partitioned()) {
      ensure(YearMonth.from(at.atZone(ZoneOffset.UTC)));
    }
  }

  private void ensure(YearMonth month) {
    if (known.contains(month)) {
      return;
    }
    db.write(sql -> {
      sql.queryOne("SELECT pg_advisory_xact_lock(?)", rs -> 1, LOCK_KEY);
      YearMonth next = month.plusMonths(1);
      return sql.update("CREATE TABLE IF NOT EXISTS " + name(month) + " PARTITION OF messages FOR VALUES FROM ('"
          + month.atDay(1) + "T00:00:00Z') TO ('" + next.atDay(1) + "T00:00:00Z')");
    });
    known.add(month);
  }

  /** The months that have a partition, oldest first. */
  public List<YearMonth> months() {
    if (!partitioned()) {
      return List.of();
    }
    return db.read(sql -> sql.query("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        + " JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'messages' AND p.relnamespace = c.relnamespace"
        + " AND pg_table_is_visible(p.oid) ORDER BY c.relname", rs -> parse(rs.getString(1))));
  }

  /**
   * Drops every partition whose whole range ends at or before {@code cutoff}.
   *
   * @return the months dropped
   */
  public List<YearMonth> dropEndingBefore(Instant cutoff) {
    List<YearMonth> dropped = new ArrayList<>();
    for (YearMonth m : months()) {
      Instant end = m.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      if (!end.isAfter(cutoff)) {
        String partition = name(m);
        db.write(sql -> {
          // Another node's maintenance may have dropped it since it was listed.
          sql.queryOne("SELECT pg_advisory_xact_lock(?)", rs -> 1, LOCK_KEY);
          if (sql.queryOne("SELECT 1 FROM pg_class WHERE oid = to_regclass(?)", rs -> 1, partition).isEmpty()) {
            return 0;
          }
          // The unpartitioned companions of the partition's rows go with them, found in the
          // partition itself before it is dropped.
          for (String table : List.of("chat_message_reactions", "chat_message_mentions", "chat_pins")) {
            sql.update("DELETE FROM " + table + " WHERE message_id IN (SELECT id FROM " + partition + ")");
          }
          // A thread's replies are never older than its root, so a dropped reply's root is dropped too.
          sql.update("DELETE FROM chat_threads WHERE root_id IN (SELECT id FROM " + partition + ")");
          sql.update("DELETE FROM chat_thread_replies WHERE created_at < ?", sql.time(end));
          sql.update("DELETE FROM chat_message_keys WHERE created_at < ?", sql.time(end));
          return sql.update("DROP TABLE IF EXISTS " + partition);
        });
        known.remove(m);
        dropped.add(m);
        LOG.info("retention: dropped message partition {}", name(m));
      }
    }
    return dropped;
  }

  static String name(YearMonth m) {
    return String.format("messages_y%04dm%02d", m.getYear(), m.getMonthValue());
  }

  private static YearMonth parse(String relname) {
    return YearMonth.of(Integer.parseInt(relname.substring(10, 14)), Integer.parseInt(relname.substring(15, 17)));
  }
}
