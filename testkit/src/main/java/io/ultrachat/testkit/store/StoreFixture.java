package io.ultrachat.testkit.store;

import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.DatabaseUrl;
import io.ultrachat.testkit.PostgresSchemas;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A fresh, migrated service database for one test: a new SQLite file in the test's temporary
 * directory, or a new PostgreSQL schema on the local test server. {@link #close()} closes the
 * pool and, for PostgreSQL, drops the schema (with everything in it, partitions included).
 */
public final class StoreFixture implements AutoCloseable {

  /** The databases the contract suites run against. */
  public enum Backend { SQLITE, POSTGRESQL }

  private final Database db;
  private final Optional<String> postgresSchemaUrl;

  private StoreFixture(Database db, Optional<String> postgresSchemaUrl) {
    this.db = db;
    this.postgresSchemaUrl = postgresSchemaUrl;
  }

  /**
   * Opens and migrates a brand-new database.
   *
   * @param tempDir a directory owned by the test (JUnit {@code @TempDir}); used by SQLite only
   */
  /**
   * @param service whose migrations to apply, e.g. {@code auth} or {@code chat}
   */
  public static StoreFixture open(Backend backend, Path tempDir, String service) {
    return switch (backend) {
      case SQLITE -> new StoreFixture(openAndMigrate(DatabaseUrl.sqliteFile(tempDir.resolve(service + ".db")), service), Optional.empty());
      case POSTGRESQL -> {
        String url = PostgresSchemas.createSchema();
        boolean opened = false;
        try {
          StoreFixture fixture = new StoreFixture(openAndMigrate(DatabaseUrl.parse(url), service), Optional.of(url));
          opened = true;
          yield fixture;
        } finally {
          if (!opened) {
            // Also on Errors (e.g. a class missing from the test classpath): never leak a schema.
            PostgresSchemas.dropSchema(url);
          }
        }
      }
    };
  }

  private static Database openAndMigrate(DatabaseUrl url, String service) {
    Database db = Database.open(service, "test", url, 4, Duration.ofSeconds(5));
    boolean migrated = false;
    try {
      db.migrate(service);
      migrated = true;
      return db;
    } finally {
      if (!migrated) {
        db.close();
      }
    }
  }

  public Database db() {
    return db;
  }

  @Override
  public void close() {
    try {
      db.close();
    } finally {
      postgresSchemaUrl.ifPresent(PostgresSchemas::dropSchema);
    }
  }
}
