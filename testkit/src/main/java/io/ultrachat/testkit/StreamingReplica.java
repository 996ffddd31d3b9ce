package io.ultrachat.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A temporary PostgreSQL hot standby of the local test server, for read-replica tests: a base
 * backup of the primary ({@code pg_basebackup -R -X stream}) in a temporary directory, started
 * with {@code pg_ctl} on a free loopback port, streaming from the primary. {@link #close()} stops
 * it (by its own data directory, so never the main cluster) and deletes the directory; a JVM
 * shutdown hook does the same if a test run dies first.
 *
 * <p>Needs the PostgreSQL server binaries ({@code /usr/lib/postgresql/<version>/bin}, or
 * {@code ULTRACHAT_TEST_PG_BIN}) and a primary that accepts replication connections from
 * 127.0.0.1 ({@code .ci/run} adds that to {@code pg_hba.conf}). Run as root, every PostgreSQL
 * command runs as the {@code postgres} user ({@code runuser}), since PostgreSQL refuses root.
 * Every wait is bounded.
 */
public final class StreamingReplica implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamingReplica.class);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STREAMING_TIMEOUT = Duration.ofSeconds(60);

  private final Path dir;
  private final Path data;
  private final Path bin;
  private final int port;
  private final boolean asRoot;
  private final Thread cleanupOnExit;
  private boolean running;
  private boolean closed;

  private StreamingReplica(Path dir, Path bin, int port, boolean asRoot) {
    this.dir = dir;
    this.data = dir.resolve("data");
    this.bin = bin;
    this.port = port;
    this.asRoot = asRoot;
    this.cleanupOnExit = new Thread(this::cleanUp, "streaming-replica-cleanup");
  }

  /** Creates and starts a standby of the test server and waits until it streams. */
  public static StreamingReplica start() {
    boolean asRoot = "root".equals(System.getProperty("user.name"));
    Path bin = serverBinaries();
    Path dir;
    try {
      dir = Files.createTempDirectory("ultrachat-replica-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StreamingReplica replica = new StreamingReplica(dir, bin, freePort(), asRoot);
    Runtime.getRuntime().addShutdownHook(replica.cleanupOnExit);
    boolean started = false;
    try {
      replica.create();
      replica.startServer();
      replica.awaitStreaming();
      started = true;
      return replica;
    } finally {
      if (!started) {
        replica.close();
      }
    }
  }

  private static Path serverBinaries() {
    String configured = System.getenv("ULTRACHAT_TEST_PG_BIN");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions.filter(v -> Files.isExecutable(v.resolve("bin/pg_ctl")))
          .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))))
          .map(v -> v.resolve("bin"))
          .orElseThrow(() -> new IllegalStateException("no PostgreSQL server binaries under /usr/lib/postgresql"));
    } catch (IOException e) {
      throw new IllegalStateException("no PostgreSQL server binaries (set ULTRACHAT_TEST_PG_BIN): " + e.getMessage(), e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void create() {
    if (asRoot) {
      run(List.of("chown", "postgres:postgres", dir.toString()), false);
    }
    String primaryHost = "127.0.0.1";
    String primaryPort = String.valueOf(primaryPort());
    run(List.of(bin.resolve("pg_basebackup").toString(), "-h", primaryHost, "-p", primaryPort, "-U", PostgresSchemas.user(),
        "-D", data.toString(), "-R", "-X", "stream", "-c", "fast", "--no-sync"), true);
    // Debian keeps the configuration outside the data directory, so the copy has none: write
    // what a standby needs. Settings a hot standby must not have lower than its primary are copied.
    StringBuilder conf = new StringBuilder("hot_standby = on\nfsync = off\nshared_buffers = 32MB\n"
        + "hba_file = '" + data.resolve("pg_hba.conf") + "'\nident_file = '" + data.resolve("pg_ident.conf") + "'\n");
    for (String setting : List.of("max_connections", "max_worker_processes", "max_wal_senders", "max_prepared_transactions",
        "max_locks_per_transaction")) {
      conf.append(setting).append(" = ").append(primarySetting(setting)).append('\n');
    }
    write(data.resolve("postgresql.conf"), conf.toString());
    write(data.resolve("pg_hba.conf"), "local all all trust\nhost all all 127.0.0.1/32 trust\n");
    write(data.resolve("pg_ident.conf"), "");
  }

  private void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
      if (asRoot) {
        run(List.of("chown", "postgres:postgres", file.toString()), false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startServer() {
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(), "-w",
        "-t", "60", "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir, "start"), true);
    running = true;
  }

  private void awaitStreaming() {
    Instant deadline = Instant.now().plus(STREAMING_TIMEOUT);
    String last = "not asked yet";
    while (Instant.now().isBefore(deadline)) {
      try (Connection c = connect(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), (SELECT status FROM pg_stat_wal_receiver)")) {
        rs.next();
        last = "in recovery: " + rs.getBoolean(1) + ", WAL receiver: " + rs.getString(2);
        if (rs.getBoolean(1) && "streaming".equals(rs.getString(2))) {
          LOG.info("replica streaming on port {} from {}", port, dir);
          return;
        }
      } catch (SQLException e) {
        last = e.getMessage();
      }
      sleep(Duration.ofMillis(100));
    }
    throw new IllegalStateException("the replica on port " + port + " did not start streaming within " + STREAMING_TIMEOUT
        + " (" + last + "); log: " + logTail());
  }

  /** The replica's port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /**
   * A JDBC URL of the test server (as {@link PostgresSchemas#createSchema()} returns) with its
   * host and port replaced by this replica's: the same database and schema, read from the standby.
   */
  public String replicaUrlOf(String primaryJdbcUrl) {
    String rest = primaryJdbcUrl.substring("jdbc:postgresql://".length());
    return "jdbc:postgresql://127.0.0.1:" + port + rest.substring(rest.indexOf('/'));
  }

  /** Stops applying WAL (it is still received), so the replica falls behind the primary. */
  public void pauseReplay() {
    execute("SELECT pg_wal_replay_pause()");
    // Pausing takes effect at the next record; wait until it has, so nothing more is applied.
    awaitTrue("SELECT pg_get_wal_replay_pause_state() = 'paused'", "replay to pause");
  }

  public void resumeReplay() {
    execute("SELECT pg_wal_replay_resume()");
  }

  /** Waits until the replica has replayed everything the primary had written when this was called. */
  public void awaitCaughtUp() {
    long target = primaryLong("SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn");
    awaitTrue("SELECT pg_last_wal_replay_lsn() - '0/0'::pg_lsn >= " + target, "replay to catch up");
  }

  /** Waits until the replica has received (not necessarily applied) everything the primary had written. */
  public void awaitReceived() {
    long target = primaryLong("SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn");
    awaitTrue("SELECT pg_last_wal_receive_lsn() - '0/0'::pg_lsn >= " + target, "WAL to arrive");
  }

  /** Stops the replica at once (as a crash would look to its clients); {@link #close()} still cleans up. */
  public void stop() {
    // Also after a start that failed half-way: a postmaster may be running on this directory.
    if (running || Files.exists(data.resolve("postmaster.pid"))) {
      run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "30", "-m", "immediate", "stop"), true);
      running = false;
    }
  }

  private void awaitTrue(String query, String what) {
    Instant deadline = Instant.now().plus(STREAMING_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
        if (rs.next() && rs.getBoolean(1)) {
          return;
        }
      } catch (SQLException e) {
        throw new IllegalStateException("waiting for " + what + " on the replica: " + e.getMessage(), e);
      }
      sleep(Duration.ofMillis(20));
    }
    throw new IllegalStateException("timed out after " + STREAMING_TIMEOUT + " waiting for " + what + " on the replica");
  }

  private void execute(String sql) {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("on the replica: " + sql + ": " + e.getMessage(), e);
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres?connectTimeout=5", PostgresSchemas.user(), "");
  }

  private static int primaryPort() {
    String rest = PostgresSchemas.baseUrl().substring("jdbc:postgresql://".length());
    String hostPort = rest.substring(0, rest.indexOf('/'));
    return hostPort.contains(":") ? Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1)) : 5432;
  }

  private static String primarySetting(String name) {
    try (Connection c = DriverManager.getConnection(PostgresSchemas.baseUrl(), PostgresSchemas.user(), "");
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW " + name)) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read " + name + " from the primary: " + e.getMessage(), e);
    }
  }

  private static long primaryLong(String query) {
    try (Connection c = DriverManager.getConnection(PostgresSchemas.baseUrl(), PostgresSchemas.user(), "");
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("on the primary: " + query + ": " + e.getMessage(), e);
    }
  }

  /** Runs a command, as the postgres user if asked and needed, failing with its output if it fails or hangs. */
  private void run(List<String> command, boolean asPostgres) {
    List<String> full = new ArrayList<>();
    if (asPostgres && asRoot) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    Path out = dir.resolve("command-" + System.nanoTime() + ".log");
    try {
      Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out after " + COMMAND_TIMEOUT + ": " + String.join(" ", full));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("failed (exit " + p.exitValue() + "): " + String.join(" ", full) + "\n"
            + Files.readString(out) + hint(Files.readString(out)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", full), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", full), e);
    }
  }

  private static String hint(String output) {
    return output.contains("no pg_hba.conf entry for replication")
        ? "\nThe test server must accept replication connections from 127.0.0.1; .ci/run adds"
            + " 'host replication all 127.0.0.1/32 trust' to its pg_hba.conf."
        : "";
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("server.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no server log: " + e.getMessage() + ")";
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Stops the replica and deletes its directory. Idempotent. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or about to; it cleans up.
    }
    cleanUp();
  }

  private synchronized void cleanUp() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stop();
    } catch (RuntimeException e) {
      LOG.warn("stopping the replica in {} failed: {}", dir, e.getMessage());
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.deleteIfExists(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not delete the replica's directory {}: {}", dir, e.getMessage());
    }
  }
}
