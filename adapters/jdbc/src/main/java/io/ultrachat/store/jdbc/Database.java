package io.ultrachat.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.ultrachat.kernel.error.Unavailable;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.Statement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pooled database that stores run their SQL through.
 *
 * <p>Design notes. Every call borrows a connection from HikariCP for the length of one
 * statement ({@link #read}) or one transaction ({@link #write}). SQL errors are translated
 * once, here: unique-constraint violations become {@link DuplicateKeyException}, lost or
 * refused connections become {@link Unavailable} (retryable, 503 at the edge), and anything
 * else is a programming error and propagates as {@link IllegalStateException}.
 *
 * <p>SQLite runs in WAL mode with {@code BEGIN IMMEDIATE} transactions. It admits one writer
 * at a time anyway, so writers also queue in process on a fair lock: waiting on SQLite's busy
 * timeout instead means sleep-and-retry, where late writers can overtake early ones and a few
 * wait for seconds. Readers are not affected.
 *
 * <p>Read replica (PostgreSQL only). A database may have a streaming replica with a pool of its
 * own. Writes and {@link #read(SqlFunction)} always use the primary; only reads that say they
 * may use the replica ({@link #read(ReadConsistency, SqlFunction)}) go there, and only if it can
 * give them what their {@link ReadConsistency} demands: it is reachable, within its lag bound,
 * and has replayed every write recorded for the read's writer keys
 * ({@link #write(Collection, SqlFunction)}). Otherwise, and whenever a read fails on the replica
 * for a reason the primary would not have, the read runs on the primary; callers see no error
 * from the replica, ever. {@link ReplicaRouter} has the details. Thread-safe.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final DatabaseUrl url;
  private final HikariDataSource dataSource;
  private final String name;
  private final java.util.concurrent.locks.ReentrantLock sqliteWriter = new java.util.concurrent.locks.ReentrantLock(true);
  private final Optional<ReplicaRouter> replica;

  private Database(String name, DatabaseUrl url, HikariDataSource dataSource, Optional<ReplicaRouter> replica) {
    this.name = name;
    this.url = url;
    this.dataSource = dataSource;
    this.replica = replica;
  }

  /**
   * Opens a pool and checks the database answers, failing fast with a message that names the
   * setting when it does not.
   *
   * @param name the pool's name in metrics and logs, e.g. {@code auth}
   * @param settingName the configuration key the URL came from, for error messages
   */
  public static Database open(String name, String settingName, DatabaseUrl url, int maxPoolSize, Duration connectTimeout) {
    try {
      return new Database(name, url, new HikariDataSource(config(name, url, maxPoolSize, connectTimeout)), Optional.empty());
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot connect to the database given by " + settingName + " (" + url + "): " + rootMessage(e), e);
    }
  }

  /**
   * Opens a pool on the primary as {@link #open(String, String, DatabaseUrl, int, Duration)}
   * does, and one on its read replica. The replica need not be up: until it answers, replica
   * reads run on the primary.
   *
   * @param clock the time the replica's lag and the writers' positions are kept by
   * @throws IllegalArgumentException naming {@code replica.settingName()} if the primary is not PostgreSQL
   */
  public static Database open(String name, String settingName, DatabaseUrl url, int maxPoolSize, Duration connectTimeout,
      ReplicaOptions replica, Clock clock) {
    if (url.dialect() != Dialect.POSTGRESQL) {
      throw new IllegalArgumentException("invalid setting " + replica.settingName() + ": read replicas need PostgreSQL, but "
          + settingName + " is " + url.dialect().folder() + " (" + url + "); leave " + replica.settingName() + " empty");
    }
    Database primary = open(name, settingName, url, maxPoolSize, connectTimeout);
    HikariConfig config = config(name + "-replica", replica.url(), maxPoolSize, connectTimeout);
    // Never wait long for the replica: the primary is always there to fall back on.
    config.setConnectionTimeout(Math.min(config.getConnectionTimeout(), 500));
    // Start even while the replica is down; reads use the primary until it answers.
    config.setInitializationFailTimeout(-1);
    HikariDataSource replicaPool;
    try {
      replicaPool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      primary.close();
      throw new IllegalStateException("cannot open the replica given by " + replica.settingName() + " (" + replica.url() + "): "
          + rootMessage(e), e);
    }
    return new Database(name, url, primary.dataSource,
        Optional.of(new ReplicaRouter(name, replicaPool, replica.maxLag(), replica.sharedPositions(), clock)));
  }

  private static HikariConfig config(String name, DatabaseUrl url, int maxPoolSize, Duration connectTimeout) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl(url.jdbcUrl());
    url.user().ifPresent(config::setUsername);
    url.password().ifPresent(config::setPassword);
    config.setConnectionTimeout(Math.max(250, connectTimeout.toMillis()));
    config.setInitializationFailTimeout(Math.max(1, connectTimeout.toMillis()));
    if (url.dialect() == Dialect.SQLITE) {
      Properties p = new Properties();
      p.setProperty("journal_mode", "WAL");
      p.setProperty("synchronous", "NORMAL");
      p.setProperty("busy_timeout", "10000");
      p.setProperty("foreign_keys", "true");
      p.setProperty("transaction_mode", "IMMEDIATE");
      config.setDataSourceProperties(p);
      config.setMaximumPoolSize(Math.min(maxPoolSize, 8));
    } else {
      config.setMaximumPoolSize(maxPoolSize);
      config.addDataSourceProperty("reWriteBatchedInserts", "true");
    }
    return config;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  public Dialect dialect() {
    return url.dialect();
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public String name() {
    return name;
  }

  /** The replica's routing and its counts, if this database has a replica. */
  public Optional<ReplicaRouter> replica() {
    return replica;
  }

  /** Pool status for metrics: active, idle, total and waiting threads. */
  public HikariPoolMXBean pool() {
    return dataSource.getHikariPoolMXBean();
  }

  /**
   * Applies a service's versioned migrations from {@code classpath:db/migration/<service>/<dialect>},
   * keeping its history in a table of its own so services migrate independently.
   */
  public void migrate(String service) {
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:db/migration/" + service + "/" + dialect().folder())
          .table(service + "_schema_history")
          .baselineOnMigrate(true)
          .baselineVersion("0")
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new IllegalStateException("migrating the " + service + " tables failed: " + e.getMessage(), e);
    }
  }

  /** Runs one unit of reads on a connection in auto-commit mode. */
  public <T> T read(SqlFunction<Sql, T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.apply(new Sql(c, dialect()));
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  /**
   * Runs one unit of reads that may be served by the replica, if {@code consistency} allows it
   * and the replica can honour it at this moment; otherwise on the primary, as
   * {@link #read(SqlFunction)}. A read that fails on the replica because of the replica
   * (connection lost, query cancelled by a recovery conflict) runs again on the primary, so
   * {@code work} must only read: it may run twice.
   */
  public <T> T read(ReadConsistency consistency, SqlFunction<Sql, T> work) {
    if (replica.isEmpty() || consistency.primaryOnly()) {
      return read(work);
    }
    ReplicaRouter router = replica.get();
    if (!router.route(consistency).replica()) {
      return read(work);
    }
    try (Connection c = router.dataSource().getConnection()) {
      return work.apply(new Sql(c, dialect()));
    } catch (SQLException e) {
      if (!replicaFault(e)) {
        throw translate(e);
      }
      router.failedOnReplica(e, connectionLost(e));
      return read(work);
    }
  }

  /** Failures of the replica rather than of the read: the primary may well succeed. */
  private static boolean replicaFault(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    // 40001: on a standby, a query cancelled by a conflict with recovery (read-only, so never a real
    // serialization failure). 3F000, 42P01, 42703: a schema, table or column the replica has not
    // replayed yet (a migration just ran); if the primary lacks it too, the primary says so.
    return connectionLost(e) || Set.of("40001", "3F000", "42P01", "42703").contains(state);
  }

  private static boolean connectionLost(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    return e instanceof SQLTransientConnectionException || e instanceof SQLRecoverableException
        || state.startsWith("08") || state.startsWith("57P");
  }

  /** Runs work in one transaction: committed if it returns, rolled back if it throws. */
  public <T> T write(SqlFunction<Sql, T> work) {
    return write(List.of(), work);
  }

  /**
   * Runs work in one transaction, as {@link #write(SqlFunction)}, and once it has committed,
   * records it under each of {@code writers}: later reads {@link ReadConsistency#seeing seeing}
   * any of them include it, wherever they run. Without a replica the keys are ignored. If the
   * position cannot be learnt after the commit, the writers' replica reads go to the primary for
   * a while instead; the write itself still succeeds.
   */
  public <T> T write(Collection<String> writers, SqlFunction<Sql, T> work) {
    boolean serialised = dialect() == Dialect.SQLITE;
    if (serialised) {
      sqliteWriter.lock();
    }
    try {
      return writeNow(writers, work);
    } finally {
      if (serialised) {
        sqliteWriter.unlock();
      }
    }
  }

  private <T> T writeNow(Collection<String> writers, SqlFunction<Sql, T> work) {
    try (Connection c = dataSource.getConnection()) {
      T result;
      c.setAutoCommit(false);
      try {
        result = work.apply(new Sql(c, dialect()));
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
      if (replica.isPresent() && !writers.isEmpty()) {
        replica.get().wrote(writers, positionAfterCommit(c));
      }
      return result;
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  /**
   * The primary's WAL insert position, read on the writing connection after its commit: at or
   * past the end of the commit record, whatever {@code synchronous_commit} says. If it cannot be
   * read, the highest position there is, so the writers read from the primary until it expires.
   */
  private long positionAfterCommit(Connection c) {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      LOG.warn("database {}: cannot read the WAL position after a commit ({}); its writers read from the primary for now",
          name, e.getMessage());
      return Long.MAX_VALUE;
    }
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException rollbackFailure) {
      cause.addSuppressed(rollbackFailure);
    }
  }

  /** True if the database answers a trivial query within the pool's timeout. */
  public boolean isReachable() {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  private RuntimeException translate(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    int code = e.getErrorCode();
    // PostgreSQL: 23505 unique_violation. SQLite: primary result code 19 (SQLITE_CONSTRAINT)
    // with extended codes 2067 (UNIQUE) and 1555 (PRIMARYKEY).
    if ("23505".equals(state) || code == 2067 || code == 1555
        || (code == 19 && String.valueOf(e.getMessage()).contains("UNIQUE"))) {
      return new DuplicateKeyException(e.getMessage(), e);
    }
    if (e instanceof SQLTransientConnectionException || state.startsWith("08") || state.startsWith("57P")
        || code == 5 /* SQLITE_BUSY */) {
      LOG.warn("database {} unavailable: {}", name, e.getMessage());
      return new Unavailable("the database is unavailable; try again shortly", e);
    }
    return new IllegalStateException("database error on " + name + " [" + state + "/" + code + "]: " + e.getMessage(), e);
  }

  @Override
  public void close() {
    try {
      replica.ifPresent(ReplicaRouter::close);
    } finally {
      dataSource.close();
    }
  }
}
