package io.ultrachat.server;

import io.ultrachat.kernel.config.Settings;
import io.ultrachat.store.jdbc.DatabaseUrl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

  private static DatabaseUrl parse(String key, String raw) {
    try {
      return DatabaseUrl.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid setting " + key + ": " + e.getMessage(), e);
    }
  }
}
