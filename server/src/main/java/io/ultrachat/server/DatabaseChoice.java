package io.ultrachat.server;

import io.ultrachat.kernel.config.Settings;
import io.ultrachat.store.jdbc.DatabaseUrl;
import io.ultrachat.store.jdbc.Dialect;
import io.ultrachat.store.jdbc.ReplicaOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The one rule for which database a service uses: its own URL if set, else the shared
 * {@code database.url}, else SQLite under {@code data-dir} (created if missing).
 *
 * @param url the chosen database
 * @param settingName the setting it came from, for error messages that name it
 */
record DatabaseChoice(DatabaseUrl url, String settingName) {

  static DatabaseChoice forService(Settings settings, String serviceSettingKey, String serviceUrl) {
    if (!serviceUrl.isBlank()) {
      return new DatabaseChoice(parse(serviceSettingKey, serviceUrl), serviceSettingKey);
    }
    String shared = settings.get(ServerSettings.DATABASE_URL);
    if (!shared.isBlank()) {
      return new DatabaseChoice(parse(ServerSettings.DATABASE_URL.key(), shared), ServerSettings.DATABASE_URL.key());
    }
    Path dir = Path.of(settings.get(ServerSettings.DATA_DIR));
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory given by data-dir (" + dir.toAbsolutePath() + ")", e);
    }
    return new DatabaseChoice(DatabaseUrl.sqliteFile(dir.resolve("ultrachat.db")), ServerSettings.DATA_DIR.key());
  }

  /**
   * The read replica of a service's database, if its replica setting names one: only with a
   * PostgreSQL primary, with the lag bound of {@code database.replica-max-lag}.
   *
   * @throws IllegalArgumentException naming {@code replicaSettingKey} if it is invalid or the primary is SQLite
   */
  Optional<ReplicaOptions> replica(Settings settings, String replicaSettingKey, String replicaUrl) {
    if (replicaUrl.isBlank()) {
      return Optional.empty();
    }
    if (url.dialect() != Dialect.POSTGRESQL) {
      throw new IllegalArgumentException("invalid setting " + replicaSettingKey + ": read replicas need PostgreSQL, but the"
          + " service's database (from " + settingName + ") is SQLite; leave " + replicaSettingKey + " empty");
    }
    DatabaseUrl replica = parse(replicaSettingKey, replicaUrl);
    if (replica.dialect() != Dialect.POSTGRESQL) {
      throw new IllegalArgumentException("invalid setting " + replicaSettingKey + ": a read replica must be a PostgreSQL URL");
    }
    return Optional.of(new ReplicaOptions(replica, replicaSettingKey, settings.get(ServerSettings.DATABASE_REPLICA_MAX_LAG)));
  }

  private static DatabaseUrl parse(String key, String raw) {
    try {
      return DatabaseUrl.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid setting " + key + ": " + e.getMessage(), e);
    }
  }
}
