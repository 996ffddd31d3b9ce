package io.ultrachat.chat.search;

import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.Dialect;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the PostgreSQL search index's pending list short, off the write path.
 *
 * <p>New messages' words go into the GIN index's pending list, and whoever finds the list over
 * its {@code gin_pending_list_limit} merges it into the index. Left to the inserts, that is the
 * group commit: one batch in a few hundred waited 10-30 ms for a merge while every send behind it
 * queued. This task merges the list of every partition's index every {@link #INTERVAL}, on a
 * thread and connection of its own, so the list stays far below the limit and the inserts only
 * append to it (an insert that finds a merge running skips its own). One node at a time cleans: a
 * transaction-scoped advisory lock lets the others skip the turn instead of queueing behind it.
 * On SQLite there is nothing to do (its search index is an FTS5 table kept by triggers).
 */
public final class SearchIndexCleaner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SearchIndexCleaner.class);
  static final Duration INTERVAL = Duration.ofMillis(250);
  /**
   * The advisory lock's first key, any constant no other UltraChat lock uses ("ucsi" in ASCII); the
   * second is the schema's hash, so deployments sharing a database in schemas of their own do not
   * take turns with each other.
   */
  static final int LOCK_CLASS = 0x75637369;

  /**
   * Pages removed from the pending lists of all partitions, or NULL when another session holds
   * the lock. The partitions' indexes are found each time, so new partitions are included.
   */
  static final String CLEAN = "SELECT CASE WHEN pg_try_advisory_xact_lock(?, hashtext(current_schema())) THEN"
      + " (SELECT coalesce(sum(gin_clean_pending_list(i.inhrelid)), 0) FROM pg_inherits i"
      + "  WHERE i.inhparent = 'idx_messages_body_tsv'::regclass) END";

  private final Database db;
  private final ScheduledExecutorService timer;
  private volatile boolean failing;

  private SearchIndexCleaner(Database db, boolean scheduled) {
    this.db = db;
    if (scheduled) {
      this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("chat-search-index").daemon(true).factory());
      timer.scheduleWithFixedDelay(this::cleanQuietly, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    } else {
      this.timer = null;
    }
  }

  /** Starts cleaning in the background if the database needs it (PostgreSQL). */
  public static Optional<SearchIndexCleaner> start(Database db) {
    return db.dialect() == Dialect.POSTGRESQL ? Optional.of(new SearchIndexCleaner(db, true)) : Optional.empty();
  }

  /** A cleaner that only runs when asked, for tests. */
  static SearchIndexCleaner manual(Database db) {
    return new SearchIndexCleaner(db, false);
  }

  /**
   * Merges every partition's pending list into its index now.
   *
   * @return the pending-list pages removed, or empty if another node was cleaning
   */
  Optional<Long> clean() {
    long pages = db.write(sql -> sql.queryOne(CLEAN, rs -> {
      long removed = rs.getLong(1);
      return rs.wasNull() ? -1L : removed;
    }, LOCK_CLASS)).orElseThrow();
    return pages < 0 ? Optional.empty() : Optional.of(pages);
  }

  private void cleanQuietly() {
    try {
      clean();
      if (failing) {
        failing = false;
        LOG.info("search index cleaning works again");
      }
    } catch (RuntimeException e) {
      // The database is down or busy; inserts merge the list themselves meanwhile. Said once,
      // not four times a second.
      if (!failing) {
        failing = true;
        LOG.warn("cleaning the search index's pending list failed; retrying every {} ms: {}", INTERVAL.toMillis(), e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
