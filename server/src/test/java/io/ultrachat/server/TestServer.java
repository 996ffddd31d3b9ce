package io.ultrachat.server;

import io.ultrachat.kernel.config.Settings;
import io.ultrachat.testkit.PostgresSchemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real UltraChat server for tests: started in this JVM on a free loopback port, on a fresh
 * SQLite file or a fresh PostgreSQL schema, and removed again on {@link #close()}.
 *
 * <p>Defaults make tests fast without changing behaviour under test: Argon2id runs with a
 * small memory cost and the rate limits are high unless a test sets them.
 */
public final class TestServer implements AutoCloseable {
  public enum Backend { SQLITE, POSTGRESQL }

  private final UltraChatServer server;
  private final Path dataDir;
  private final Optional<String> schemaUrl;
  private final Backend backend;

  private TestServer(UltraChatServer server, Path dataDir, Optional<String> schemaUrl, Backend backend) {
    this.server = server;
    this.dataDir = dataDir;
    this.schemaUrl = schemaUrl;
    this.backend = backend;
  }

  public static Builder on(Backend backend) {
    return new Builder(backend);
  }

  public static final class Builder {
    private final Backend backend;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private Optional<String> sharedDatabase = Optional.empty();
    private Optional<io.ultrachat.testkit.StreamingReplica> replica = Optional.empty();

    private Builder(Backend backend) {
      this.backend = backend;
      settings.put("http.host", "127.0.0.1");
      settings.put("http.port", "0");
      settings.put("http.event-loops", "2");
      settings.put("auth.argon2.memory-kib", "1024");
      settings.put("auth.argon2.iterations", "1");
      settings.put("rate-limit.auth.requests", "100000");
      settings.put("rate-limit.user.requests", "1000000");
      settings.put("rate-limit.anonymous.requests", "1000000");
      settings.put("http.shutdown-grace", "1s");
      settings.put("http.shutdown-delay", "0s");
    }

    public Builder set(String key, String value) {
      settings.put(key, value);
      return this;
    }

    /**
     * Uses a PostgreSQL database (a JDBC URL, e.g. from {@link PostgresSchemas#createSchema()})
     * that the caller created and drops: for several nodes of one cluster.
     */
    public Builder sharedDatabase(String jdbcUrl) {
      this.sharedDatabase = Optional.of(jdbcUrl);
      return this;
    }

    /** PostgreSQL only: the Chat service reads history and search from this replica of the test server. */
    public Builder chatReplica(io.ultrachat.testkit.StreamingReplica replica) {
      this.replica = Optional.of(replica);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public TestServer start() {
      Path dir;
      try {
        dir = Files.createTempDirectory("ultrachat-test-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Optional<String> schema = Optional.empty();
      Map<String, String> all = new LinkedHashMap<>(settings);
      all.put("data-dir", dir.toString());
      if (sharedDatabase.isPresent()) {
        all.put("database.url", sharedDatabase.get());
      } else if (backend == Backend.POSTGRESQL) {
        schema = Optional.of(PostgresSchemas.createSchema());
        all.put("database.url", schema.get());
      }
      if (backend == Backend.POSTGRESQL) {
        replica.ifPresent(r -> all.put("chat.database-replica-url", r.replicaUrlOf(all.get("database.url"))));
      }
      Settings s = Settings.builder(Catalog.all()).overrides(all, "test").build().validate();
      try {
        return new TestServer(UltraChatServer.start(s, clock), dir, schema, backend);
      } catch (RuntimeException e) {
        schema.ifPresent(PostgresSchemas::dropSchema);
        deleteTree(dir);
        throw e;
      }
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.port();
  }

  public Api api() {
    return new Api(baseUrl());
  }

  public UltraChatServer server() {
    return server;
  }

  public Backend backend() {
    return backend;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The JDBC URL of the server's database, for tests that check what was (not) stored. */
  public String jdbcUrl() {
    return schemaUrl.orElseGet(() -> "jdbc:sqlite:" + dataDir.resolve("ultrachat.db"));
  }

  @Override
  public void close() {
    server.close();
    schemaUrl.ifPresent(PostgresSchemas::dropSchema);
    deleteTree(dataDir);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A leftover temp directory is harmless.
    }
  }
}
