package io.ultrachat.server;

import io.ultrachat.kernel.config.Setting;
import io.ultrachat.kernel.config.SettingsCatalog;
import java.time.Duration;
import java.util.List;

/** Settings of the process as a whole: where data lives, which database, which services. */
public final class ServerSettings implements SettingsCatalog {
  public static final Setting<String> DATA_DIR = Setting.text("data-dir", "./data",
      "Directory for the embedded database and blobs.");
  public static final Setting<String> BLOBS_DIR = Setting.text("blobs.dir", "",
      "Directory of the file blob store (attachments); empty: `<data-dir>/blobs`. Nodes of a cluster share one (e.g. a shared volume).");
  public static final Setting<String> DATABASE_URL = Setting.text("database.url", "",
      "Shared database: `postgresql://user:password@host:5432/db` or a JDBC URL. Empty: SQLite at `<data-dir>/ultrachat.db`.");
  public static final Setting<Integer> DATABASE_POOL_SIZE = Setting.integer("database.pool-size", 16, 1, 1000,
      "Most connections one pool opens (SQLite caps this at 8).");
  public static final Setting<Duration> DATABASE_CONNECT_TIMEOUT = Setting.duration("database.connect-timeout", "5s",
      "How long to wait for a database connection before failing the request (or the start) with a clear error.");
  public static final Setting<Duration> DATABASE_REPLICA_MAX_LAG = Setting.duration("database.replica-max-lag", "5s",
      "Reads that may use a read replica go to the primary while the replica lags more than this (or is unreachable).");
  public static final Setting<String> SERVICES = Setting.text("services", "all",
      "Comma-separated services this process runs: `all`, or any of `gateway`, `auth`, `chat`, `realtime` (realtime runs beside chat).");
  public static final Setting<String> ADVERTISE_URL = Setting.text("node.advertise-url", "",
      "Base URL under which other nodes reach this one (registered with `gateway.registry=key-value`); empty: `http://<http.host>:<port>`.");
  public static final Setting<Integer> NODE_ID = Setting.integer("node.id", 0, 0, 1023,
      "This node's id (0–1023), part of every id it issues; give each node of a cluster its own.");

  @Override
  public List<Setting<?>> settings() {
    return List.of(DATA_DIR, BLOBS_DIR, DATABASE_URL, DATABASE_POOL_SIZE, DATABASE_CONNECT_TIMEOUT, DATABASE_REPLICA_MAX_LAG, SERVICES,
        NODE_ID, ADVERTISE_URL);
  }
}
