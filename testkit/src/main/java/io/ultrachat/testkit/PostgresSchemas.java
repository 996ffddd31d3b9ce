package io.ultrachat.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Fresh PostgreSQL schemas for tests, on the local server (trust auth). Each test gets a
 * schema of its own, so tests never see each other's rows and can run in any order.
 *
 * <p>The server is taken from {@code ULTRACHAT_TEST_POSTGRES_URL} (a JDBC URL without
 * parameters) and defaults to {@code jdbc:postgresql://127.0.0.1:5432/test} as user
 * {@code postgres}.
 */
public final class PostgresSchemas {
  private PostgresSchemas() {}

  public static String baseUrl() {
    return System.getenv().getOrDefault("ULTRACHAT_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  }

  public static String user() {
    return System.getenv().getOrDefault("ULTRACHAT_TEST_POSTGRES_USER", "postgres");
  }

  /** Creates an empty schema and returns a JDBC URL (with user) whose default schema it is. */
  public static String createSchema() {
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    execute("CREATE SCHEMA " + schema);
    return baseUrl() + "?currentSchema=" + schema + "&user=" + user();
  }

  /** Drops a schema made by {@link #createSchema()}, given its URL. */
  public static void dropSchema(String url) {
    int at = url.indexOf("currentSchema=");
    String schema = url.substring(at + "currentSchema=".length()).split("&")[0];
    if (!schema.matches("t_[0-9a-f]{16}")) {
      throw new IllegalArgumentException("not a test schema: " + schema);
    }
    execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  private static void execute(String sql) {
    try (Connection c = DriverManager.getConnection(baseUrl(), user(), "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL for tests is not reachable at " + baseUrl()
          + " (start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start): " + e.getMessage(), e);
    }
  }
}
