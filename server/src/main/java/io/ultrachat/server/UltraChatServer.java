package io.ultrachat.server;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.DiskSpaceMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ultrachat.auth.AuthModule;
import io.ultrachat.auth.AuthSettings;
import io.ultrachat.chat.ChatModule;
import io.ultrachat.realtime.RealtimeEndpoint;
import io.ultrachat.chat.ChatSettings;
import io.ultrachat.gateway.Gateway;
import io.ultrachat.gateway.ReadinessCheck;
import io.ultrachat.gateway.StaticContent;
import io.ultrachat.kernel.blob.BlobStore;
import io.ultrachat.kernel.blob.FileBlobStore;
import io.ultrachat.kernel.bus.Bus;
import io.ultrachat.kernel.config.Settings;
import io.ultrachat.kernel.http.Endpoint;
import io.ultrachat.auth.api.UserDirectory;
import io.ultrachat.kernel.http.EdgeAuthenticator;
import io.ultrachat.kernel.http.ServiceAuthenticator;
import io.ultrachat.kernel.http.ServiceCredentials;
import io.ultrachat.kernel.id.IdGenerator;
import io.ultrachat.store.jdbc.Database;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One UltraChat process: the databases it needs, the services it runs and the HTTP edge in
 * front of them. Start with {@link #start}; {@link #close} shuts down gracefully in reverse
 * order (stop taking requests, finish in-flight ones, close pools).
 */
public final class UltraChatServer implements AutoCloseable {
  /** The services this build can run. */
  public static final Set<String> KNOWN_SERVICES = Set.of("gateway", "auth", "chat", "realtime");
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UltraChatServer.class);

  private final Settings settings;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private Backends backends;
  private Vertx vertx;
  private Gateway gateway;
  private RealtimeEndpoint realtime;
  private AuthModule auth;
  private ChatModule chat;
  private SplitServices.Proxy proxy;
  private final List<io.ultrachat.gateway.proxy.RegistryHeartbeat> heartbeats = new ArrayList<>();
  private final java.util.concurrent.ScheduledExecutorService scheduler =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("registry").factory());
  private int port;

  private UltraChatServer(Settings settings) {
    this.settings = settings;
  }

  public static UltraChatServer start(Settings settings, Clock clock) {
    UltraChatServer server = new UltraChatServer(settings);
    try {
      server.boot(clock);
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** Parses {@code services}; {@code all} means every known service. */
  public static Set<String> services(Settings settings) {
    Set<String> out = new LinkedHashSet<>();
    for (String s : settings.get(ServerSettings.SERVICES).split(",")) {
      String name = s.strip().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      if (name.equals("all")) {
        out.addAll(KNOWN_SERVICES);
      } else if (KNOWN_SERVICES.contains(name)) {
        out.add(name);
      } else {
        throw new IllegalArgumentException("invalid setting services: unknown service '" + name + "'; known services are "
            + String.join(", ", KNOWN_SERVICES.stream().sorted().toList()));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("invalid setting services: name at least one service, or 'all'");
    }
    if (out.contains("realtime") && !out.contains("chat")) {
      throw new IllegalArgumentException("invalid setting services: realtime runs beside chat in this build; use chat,realtime");
    }
    return out;
  }

  private void boot(Clock clock) {
    Set<String> services = services(settings);
    // A process that runs only some services talks to the others, so it must hold the cluster's secret.
    Optional<ServiceCredentials> serviceCredentials = services.containsAll(KNOWN_SERVICES)
        ? ServiceCredentials.fromSettings(settings, clock) : Optional.of(ServiceCredentials.requiredFromSettings(settings, clock));
    backends = Backends.open(settings, clock, metrics);
    Bus bus = backends.bus();
    IdGenerator ids = new IdGenerator(clock, settings.get(ServerSettings.NODE_ID));
    List<Endpoint> endpoints = new ArrayList<>();

    // Who is calling, and who users are: the Auth service here, or a client of it elsewhere.
    UserDirectory users;
    EdgeAuthenticator authenticator;
    if (services.contains("auth")) {
      Database authDb = openDatabase("auth", AuthSettings.DATABASE_URL.key(), settings.get(AuthSettings.DATABASE_URL));
      auth = new AuthModule(settings, authDb, clock, ids, Optional.of(bus), backends.keyValue());
      endpoints.addAll(auth.endpoints());
      users = auth.directory();
      authenticator = auth.authenticator();
    } else if (services.contains("chat")) {
      SplitServices.RemoteAuth remote = SplitServices.remoteAuth(settings, clock, serviceCredentials.orElseThrow(), bus,
          backends.keyValue(), "chat");
      resources.add(remote.client());
      users = remote.users();
      authenticator = remote.authenticator();
    } else {
      // A gateway alone serves no API of its own; the services behind it check their callers.
      users = null;
      authenticator = bearer -> {
        throw new io.ultrachat.kernel.error.Unauthenticated("invalid-token", "this node serves no authenticated routes");
      };
    }

    if (services.contains("chat")) {
      Database chatDb = openDatabase("chat", ChatSettings.DATABASE_URL.key(), settings.get(ChatSettings.DATABASE_URL),
          ChatSettings.DATABASE_REPLICA_URL.key(), settings.get(ChatSettings.DATABASE_REPLICA_URL), clock);
      chat = new ChatModule(settings, chatDb, clock, ids, users, bus, backends.caches(), blobStore());
      resources.add(chat);
      endpoints.addAll(chat.endpoints());
    }
    endpoints.add(OpenApiDocument.endpoint());
    bindSystemMetrics();

    vertx = Vertx.vertx(new VertxOptions()
        .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
    Map<String, io.vertx.core.Handler<io.vertx.core.http.ServerWebSocket>> webSockets = new LinkedHashMap<>();
    if (services.contains("realtime")) {
      realtime = new RealtimeEndpoint(vertx, settings, authenticator, chat.realtime(), bus, backends.keyValue());
      endpoints.addAll(realtime.endpoints());
      webSockets.put(RealtimeEndpoint.PATH, realtime);
      endpoints.add(io.ultrachat.realtime.AsyncApiDocument.endpoint());
    }
    Gateway.Extensions extensions = Gateway.Extensions.NONE.withLimiters(backends.rateLimiters(clock))
        .withServices(serviceCredentials.<ServiceAuthenticator>map(c -> c).orElseGet(ServiceAuthenticator::refuseAll));
    if (services.contains("gateway") && !services.containsAll(KNOWN_SERVICES)) {
      // What this node does not serve itself goes to the instances of the other services.
      proxy = SplitServices.proxy(vertx, settings, backends.keyValue(), metrics);
      extensions = extensions.withUpstreamProxy(proxy.handler());
    }
    gateway = new Gateway(vertx, settings, endpoints, authenticator, readinessChecks(), metrics,
        new StaticContent("META-INF/ultrachat/web"), webSockets, extensions);
    port = gateway.start();
    heartbeats.addAll(SplitServices.register(settings, backends.keyValue(), services, port, scheduler));
  }

  private final Map<String, Database> databases = new LinkedHashMap<>();

  private List<ReadinessCheck> readinessChecks() {
    List<ReadinessCheck> checks = new ArrayList<>();
    checks.add(new ReadinessCheck("database", () -> databases.values().stream().allMatch(Database::isReachable)));
    checks.addAll(backends.readinessChecks());
    return checks;
  }

  /** The blob store: files under {@code blobs.dir}, by default {@code <data-dir>/blobs}. */
  private BlobStore blobStore() {
    String configured = settings.get(ServerSettings.BLOBS_DIR).strip();
    Path dir = configured.isEmpty() ? Path.of(settings.get(ServerSettings.DATA_DIR)).resolve("blobs") : Path.of(configured);
    try {
      return new FileBlobStore(dir);
    } catch (java.io.UncheckedIOException e) {
      throw new IllegalArgumentException("invalid setting " + (configured.isEmpty() ? ServerSettings.DATA_DIR.key()
          : ServerSettings.BLOBS_DIR.key()) + ": cannot use " + dir.toAbsolutePath() + " for blobs (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Opens (once per distinct URL) the database for a service, chosen by {@link DatabaseChoice}.
   */
  private Database openDatabase(String service, String serviceSettingKey, String serviceUrl) {
    DatabaseChoice choice = DatabaseChoice.forService(settings, serviceSettingKey, serviceUrl);
    return databases.computeIfAbsent(choice.url().jdbcUrl(), k -> {
      Database db = Database.open(service, choice.settingName(), choice.url(), settings.get(ServerSettings.DATABASE_POOL_SIZE),
          settings.get(ServerSettings.DATABASE_CONNECT_TIMEOUT));
      resources.add(db);
      PoolMetrics.bind(metrics, db);
      return db;
    });
  }

  /**
   * {@link #openDatabase(String, String, String)} with a read replica if {@code replicaUrl} names
   * one: then a pool of the service's own (shared with nobody, so only this service's reads use
   * the replica), opened once per primary and replica.
   */
  private Database openDatabase(String service, String serviceSettingKey, String serviceUrl, String replicaSettingKey,
      String replicaUrl, Clock clock) {
    DatabaseChoice choice = DatabaseChoice.forService(settings, serviceSettingKey, serviceUrl);
    // Writer positions go through the node's key-value store, so read-your-writes holds on every node.
    Optional<io.ultrachat.store.jdbc.ReplicaOptions> replica = choice.replica(settings, replicaSettingKey, replicaUrl)
        .map(r -> r.sharingPositionsThrough(backends.keyValue()));
    if (replica.isEmpty()) {
      return openDatabase(service, serviceSettingKey, serviceUrl);
    }
    return databases.computeIfAbsent(choice.url().jdbcUrl() + " with replica " + replica.get().url().jdbcUrl(), k -> {
      Database db = Database.open(service, choice.settingName(), choice.url(), settings.get(ServerSettings.DATABASE_POOL_SIZE),
          settings.get(ServerSettings.DATABASE_CONNECT_TIMEOUT), replica.get(), clock);
      resources.add(db);
      PoolMetrics.bind(metrics, db);
      return db;
    });
  }

  private void bindSystemMetrics() {
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    new UptimeMetrics().bindTo(metrics);
    new FileDescriptorMetrics().bindTo(metrics);
    new DiskSpaceMetrics(Path.of(settings.get(ServerSettings.DATA_DIR)).toAbsolutePath().toFile().exists()
        ? Path.of(settings.get(ServerSettings.DATA_DIR)).toFile() : Path.of(".").toFile()).bindTo(metrics);
  }

  public int port() {
    return port;
  }

  /** The event bus of this node. */
  public Bus bus() {
    return backends.bus();
  }

  public AuthModule auth() {
    return auth;
  }

  /** The Chat service, if this process runs it (tests use it to run maintenance on demand). */
  public Optional<ChatModule> chat() {
    return Optional.ofNullable(chat);
  }

  public List<String> routes() {
    return gateway.routes();
  }

  /**
   * Behind a gateway, keeps serving for {@code http.shutdown-delay} while failing readiness, so
   * that no gateway routes a request or a reconnecting WebSocket here after this process begins to
   * refuse them (a refused send would reach its client as a 503: a POST is not retried by the
   * gateway, because its body is streamed, not kept).
   */
  private void leaveRotation() {
    if (gateway == null || services(settings).containsAll(KNOWN_SERVICES)) {
      return;
    }
    gateway.leaveRotation();
    long delay = settings.get(io.ultrachat.gateway.GatewaySettings.SHUTDOWN_DELAY).toMillis();
    if (delay > 0) {
      LOG.info("left rotation; serving for another {} ms before stopping", delay);
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    // Leave the registry first, so gateways stop sending new work here while it drains.
    heartbeats.forEach(io.ultrachat.gateway.proxy.RegistryHeartbeat::close);
    leaveRotation();
    scheduler.shutdownNow();
    if (proxy != null) {
      try {
        proxy.handler().shutdown(settings.get(io.ultrachat.gateway.GatewaySettings.SHUTDOWN_GRACE)).await();
      } catch (Exception ignored) {
        // Past the grace period the remaining proxied requests end with the process.
      }
    }
    if (realtime != null) {
      realtime.close();
    }
    if (gateway != null) {
      gateway.stop();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (vertx != null) {
      try {
        vertx.close().await();
      } catch (Exception ignored) {
        // Shutting down anyway; nothing useful to do with a close failure.
      }
    }
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception ignored) {
        // Best effort: the process is ending.
      }
    }
    if (backends != null) {
      backends.close();
    }
  }
}
