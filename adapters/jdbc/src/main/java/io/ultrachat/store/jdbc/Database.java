package io.ultrachat.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.ultrachat.kernel.error.Unavailable;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Properties;
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
 * wait for seconds. Readers are not affected. Thread-safe.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final DatabaseUrl url;
  private final HikariDataSource dataSource;
  private final String name;
  private final java.util.concurrent.locks.ReentrantLock sqliteWriter = new java.util.concurrent.locks.ReentrantLock(true);

  private Database(String name, DatabaseUrl url, HikariDataSource dataSource) {
    this.name = name;
    this.url = url;
    this.dataSource = dataSource;
  }

  /**
   * Opens a pool and checks the database answers, failing fast with a message that names the
   * setting when it does not.
   *
   * @param name the pool's name in metrics and logs, e.g. {@code auth}
   * @param settingName the configuration key the URL came from, for error messages
   */
  public static Database open(String name, String settingName, DatabaseUrl url, int maxPoolSize, Duration connectTimeout) {
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
    try {
      return new Database(name, url, new HikariDataSource(config));
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot connect to the database given by " + settingName + " (" + url + "): " + rootMessage(e), e);
    }
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

  /** Runs work in one transaction: committed if it returns, rolled back if it throws. */
  public <T> T write(SqlFunction<Sql, T> work) {
    boolean serialised = dialect() == Dialect.SQLITE;
    if (serialised) {
      sqliteWriter.lock();
    }
    try {
      return writeNow(work);
    } finally {
      if (serialised) {
        sqliteWriter.unlock();
      }
    }
  }

  private <T> T writeNow(SqlFunction<Sql, T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.apply(new Sql(c, dialect()));
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw translate(e);
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
    dataSource.close();
  }
}
