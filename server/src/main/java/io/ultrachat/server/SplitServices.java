package io.ultrachat.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.ultrachat.auth.AuthSettings;
import io.ultrachat.auth.api.UserDirectory;
import io.ultrachat.auth.remote.AuthServiceClient;
import io.ultrachat.auth.remote.RemoteAuthSettings;
import io.ultrachat.auth.remote.RemoteEdgeAuthenticator;
import io.ultrachat.auth.remote.RemoteUserDirectory;
import io.ultrachat.auth.session.SessionRevocations;
import io.ultrachat.gateway.proxy.Instance;
import io.ultrachat.gateway.proxy.KeyValueRegistry;
import io.ultrachat.gateway.proxy.ProxyConfig;
import io.ultrachat.gateway.proxy.ProxyRoutes;
import io.ultrachat.gateway.proxy.ProxySettings;
import io.ultrachat.gateway.proxy.RegistryHeartbeat;
import io.ultrachat.gateway.proxy.ReverseProxy;
import io.ultrachat.gateway.proxy.ServiceRegistry;
import io.ultrachat.gateway.proxy.StaticRegistry;
import io.ultrachat.gateway.proxy.Upstreams;
import io.ultrachat.kernel.bus.Bus;
import io.ultrachat.kernel.config.Settings;
import io.ultrachat.kernel.error.Unavailable;
import io.ultrachat.kernel.http.EdgeAuthenticator;
import io.ultrachat.kernel.http.ServiceCredentials;
import io.ultrachat.kernel.kv.KeyValue;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wiring of a process that runs only some services (DESIGN §2): the HTTP clients that stand in
 * for services running elsewhere, the reverse proxy of {@code --services=gateway}, and the
 * registration of this node's services in the key-value registry. Kept apart from
 * {@link UltraChatServer} so the one-process path stays short.
 */
final class SplitServices {
  private static final Logger LOG = LoggerFactory.getLogger(SplitServices.class);
  /** How long a node waits at start for the Auth service to answer (they may start together). */
  private static final Duration AUTH_WAIT = Duration.ofSeconds(60);

  private SplitServices() {}

  /** The Auth service as seen from a node that does not run it. */
  record RemoteAuth(AuthServiceClient client, UserDirectory users, EdgeAuthenticator authenticator) {}

  /**
   * Connects to the Auth service: users looked up over HTTP, tokens verified here against its
   * keys, revocations warmed from it and then followed on the bus. Waits up to a minute for the
   * service to answer, so nodes of a cluster may start in any order.
   */
  static RemoteAuth remoteAuth(Settings settings, Clock clock, ServiceCredentials credentials, Bus bus, KeyValue kv, String caller) {
    AuthServiceClient client = new AuthServiceClient(authUrl(settings, kv), credentials, caller, settings.get(RemoteAuthSettings.TIMEOUT));
    SessionRevocations revocations = new SessionRevocations(AuthSettings.revocationMemory(settings));
    // Subscribed before the warm-up, so no revocation falls between the two.
    revocations.shareOver(bus);
    RemoteEdgeAuthenticator edge = new RemoteEdgeAuthenticator(client, revocations, RemoteEdgeAuthenticator.Options.fromSettings(settings), clock);
    long deadline = System.nanoTime() + AUTH_WAIT.toNanos();
    while (true) {
      try {
        edge.start();
        break;
      } catch (Unavailable e) {
        if (System.nanoTime() > deadline) {
          client.close();
          throw new IllegalStateException("the auth service did not answer within " + AUTH_WAIT.toSeconds() + " s (check "
              + RemoteAuthSettings.AUTH_URL.key() + " or the registry, and " + io.ultrachat.kernel.http.ClusterSettings.SERVICE_SECRET.key()
              + "): " + e.getMessage(), e);
        }
        LOG.info("waiting for the auth service: {}", e.getMessage());
        sleep(Duration.ofSeconds(1));
      }
    }
    return new RemoteAuth(client, new RemoteUserDirectory(client, clock, settings.get(RemoteAuthSettings.USER_CACHE_TTL)), edge);
  }

  /**
   * Where the Auth service is: {@code services.auth-url} if set, else an instance from the
   * gateway's registry (the key-value registry, or {@code gateway.upstreams}).
   */
  private static Supplier<URI> authUrl(Settings settings, KeyValue kv) {
    if (!settings.get(RemoteAuthSettings.AUTH_URL).isBlank()) {
      return AuthServiceClient.configuredBaseUrl(settings);
    }
    ServiceRegistry registry = registry(settings, kv);
    return () -> {
      List<Instance> auth = registry.instances("auth");
      if (auth.isEmpty()) {
        throw new Unavailable("no instance of the auth service is registered; retry shortly");
      }
      return URI.create(auth.get(ThreadLocalRandom.current().nextInt(auth.size())).baseUrl());
    };
  }

  /** The registry named by {@code gateway.registry}. */
  static ServiceRegistry registry(Settings settings, KeyValue kv) {
    String kind = settings.get(ProxySettings.REGISTRY).strip();
    return switch (kind) {
      case "static" -> StaticRegistry.parse(settings.get(ProxySettings.UPSTREAMS));
      case "key-value" -> new KeyValueRegistry(kv);
      default -> throw new IllegalArgumentException("invalid setting " + ProxySettings.REGISTRY.key()
          + ": expected static or key-value but was '" + kind + "'");
    };
  }

  /** The reverse proxy of a gateway process, with its upstreams health-checked from now on. */
  record Proxy(ReverseProxy handler, Upstreams upstreams) implements AutoCloseable {
    @Override
    public void close() {
      upstreams.close();
    }
  }

  static Proxy proxy(Vertx vertx, Settings settings, KeyValue kv, MeterRegistry metrics) {
    ProxyConfig config = ProxyConfig.from(settings);
    ProxyRoutes routes = ProxyRoutes.defaults();
    Upstreams upstreams = new Upstreams(vertx, registry(settings, kv), routes.services(), config, metrics);
    upstreams.start();
    return new Proxy(new ReverseProxy(vertx, routes, upstreams, config), upstreams);
  }

  /**
   * Keeps this node's services registered in the key-value registry (when that is the registry),
   * under {@code node.advertise-url}, so gateways find it and forget it when it stops beating.
   */
  static List<RegistryHeartbeat> register(Settings settings, KeyValue kv, Set<String> services, int port,
      java.util.concurrent.ScheduledExecutorService scheduler) {
    if (!"key-value".equals(settings.get(ProxySettings.REGISTRY).strip())) {
      return List.of();
    }
    String advertised = settings.get(ServerSettings.ADVERTISE_URL).strip();
    if (advertised.isEmpty()) {
      String host = settings.get(io.ultrachat.gateway.GatewaySettings.HOST);
      advertised = "http://" + (host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host) + ":" + port;
    }
    Instance self = new Instance("node-" + settings.get(ServerSettings.NODE_ID) + "-" + port, advertised);
    KeyValueRegistry registry = new KeyValueRegistry(kv);
    List<RegistryHeartbeat> beats = services.stream().filter(s -> !s.equals("gateway"))
        .map(s -> new RegistryHeartbeat(registry, s, self, settings.get(ProxySettings.REGISTRY_TTL),
            settings.get(ProxySettings.REGISTRY_HEARTBEAT), scheduler))
        .toList();
    beats.forEach(RegistryHeartbeat::start);
    return beats;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the auth service", e);
    }
  }
}
