package io.ultrachat.chat;

import io.ultrachat.kernel.config.Setting;
import io.ultrachat.kernel.config.SettingsCatalog;
import java.util.List;

/** Configuration of the Chat service. */
public final class ChatSettings implements SettingsCatalog {
  public static final Setting<String> DATABASE_URL = Setting.text("chat.database-url", "",
      "Database of the Chat service; empty means the shared `database.url`.");
  public static final Setting<String> DATABASE_REPLICA_URL = Setting.text("chat.database-replica-url", "",
      "PostgreSQL: a streaming read replica of the Chat database for history and search reads (users still read their own"
          + " writes at once); empty: none. Not allowed with SQLite.");
  public static final Setting<Integer> PARTITION_MONTHS_AHEAD = Setting.integer("chat.partition-months-ahead", 3, 1, 24,
      "PostgreSQL: monthly `messages` partitions created ahead of time (at start and daily).");
  public static final Setting<String> MESSAGE_RETENTION = Setting.text("chat.message-retention", "",
      "PostgreSQL: drop message partitions that ended longer ago than this (e.g. `365d`); empty keeps messages forever.");
  public static final Setting<Long> ATTACHMENT_MAX_SIZE = Setting.bytes("chat.attachments.max-size", "10MiB",
      "Largest attachment accepted; larger uploads get 413.");
  public static final Setting<String> ATTACHMENT_TYPES = Setting.text("chat.attachments.allowed-types",
      "image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,text/csv,text/markdown,application/zip,"
          + "application/x-zip-compressed,audio/*,video/mp4,video/webm,video/quicktime",
      "Comma-separated media types attachments may have (`type/*` for a whole kind, `*/*` for any); others get 415.");

  @Override
  public List<Setting<?>> settings() {
    return List.of(DATABASE_URL, DATABASE_REPLICA_URL, PARTITION_MONTHS_AHEAD, MESSAGE_RETENTION, ATTACHMENT_MAX_SIZE, ATTACHMENT_TYPES);
  }
}
