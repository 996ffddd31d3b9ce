package io.ultrachat.gateway.proxy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ultrachat.kernel.kv.InMemoryKeyValue;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A proxy on 127.0.0.1, port 0, in front of fake upstreams found through a
 * {@link KeyValueRegistry} over the in-memory store, plus a JDK HTTP client. Health checks do
 * not run on their own (the interval is an hour): tests call {@link #check()} when they want a
 * cycle, so nothing depends on timing.
 */
final class ProxyHarness implements AutoCloseable {
  static final ProxyRoutes ROUTES;

  static {
    List<ProxyRoute> routes = new ArrayList<>(ProxyRoutes.defaults().routes());
    routes.add(new ProxyRoute("/api/v1/nobody", "nobody"));
    ROUTES = new ProxyRoutes(routes);
  }

  final Vertx vertx = Vertx.vertx();
  final KeyValueRegistry registry = new KeyValueRegistry(new InMemoryKeyValue(Clock.systemUTC()));
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  final List<FakeUpstream> fakes = new ArrayList<>();
  final Upstreams upstreams;
  final ReverseProxy proxy;
  private final HttpServer server;
  final int port;

  ProxyHarness(ProxyConfig config) {
    upstreams = new Upstreams(vertx, registry, ROUTES.services(), config, meters);
    Futures.await(upstreams.start());
    proxy = new ReverseProxy(vertx, ROUTES, upstreams, config);
    Router router = Router.router(vertx);
    router.route().handler(proxy);
    router.route().handler(ctx -> ctx.response().setStatusCode(404).end("not routed"));
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)).requestHandler(router);
    port = Futures.await(server.listen()).actualPort();
  }

  static ProxyConfig testConfig() {
    return ProxyConfig.defaults().withHealth(Duration.ofHours(1), Duration.ofMillis(500), 2).withUpstreamTimeout(Duration.ofSeconds(10));
  }

  FakeUpstream upstream(String service, String name) {
    FakeUpstream u = new FakeUpstream(vertx, name);
    fakes.add(u);
    registry.register(service, u.instance(), Duration.ofHours(1));
    return u;
  }

  void check() {
    Futures.await(upstreams.check());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).GET().build());
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError("request " + request.method() + " " + request.uri() + " failed: " + e, e);
    }
  }

  double counter(String name, String... tags) {
    var c = meters.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Override
  public void close() {
    try {
      Futures.await(server.close());
      upstreams.close();
      for (FakeUpstream u : fakes) {
        try {
          u.close();
        } catch (RuntimeException e) {
          // already closed by the test
        }
      }
    } finally {
      Futures.await(vertx.close());
      http.close();
    }
  }
}
