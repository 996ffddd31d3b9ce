package io.ultrachat.chat;

import io.ultrachat.store.jdbc.Database;
import io.ultrachat.store.jdbc.DatabaseUrl;
import io.ultrachat.testkit.PostgresSchemas;
import io.ultrachat.testkit.store.StoreFixture.Backend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a migration test needs: a fresh chat database (a SQLite file, or a new PostgreSQL schema)
 * migrated to a chosen version, so the test can put data in and then migrate on.
 */
public abstract class MigrationFixture {
  private final Backend backend;
  private Optional<String> schemaUrl = Optional.empty();
  protected Database db;

  @TempDir
  protected Path tempDir;

  protected MigrationFixture(Backend backend) {
    this.backend = backend;
  }

  @AfterEach
  void closeDatabase() {
    if (db != null) {
      db.close();
    }
    schemaUrl.ifPresent(PostgresSchemas::dropSchema);
  }

  /** Opens the fresh database and applies the chat migrations up to {@code version}. */
  protected void openAt(String version) {
    DatabaseUrl url;
    if (backend == Backend.SQLITE) {
      url = DatabaseUrl.sqliteFile(tempDir.resolve("chat.db"));
    } else {
      schemaUrl = Optional.of(PostgresSchemas.createSchema());
      url = DatabaseUrl.parse(schemaUrl.get());
    }
    db = Database.open("chat", "test", url, 4, Duration.ofSeconds(5));
    migrateTo(version);
  }

  /** Applies the chat migrations up to {@code version}. */
  protected void migrateTo(String version) {
    Flyway.configure()
        .dataSource(db.dataSource())
        .locations("classpath:db/migration/chat/" + db.dialect().folder())
        .table("chat_schema_history")
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .target(version)
        .load()
        .migrate();
  }
}
