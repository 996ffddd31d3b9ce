package io.ultrachat.gateway.proxy;

import io.ultrachat.gateway.Gateway;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's reverse proxy: a Vert.x Web handler that sends each request whose path is in the
 * {@link ProxyRoutes} table to an instance of its service ({@link Upstreams}), streaming bodies
 * both ways, and proxies WebSocket upgrades ({@link WebSocketProxy}). A path the table does not
 * know goes on to the next handler ({@code ctx.next()}), so routes the gateway serves itself keep
 * working when it is mounted after them.
 *
 * <p>Every request ends in the upstream's answer or one of the proxy's own problems: 503
 * {@code upstream-unavailable} (with {@code Retry-After}) when no instance is in rotation, 504
 * {@code upstream-timeout}, 502 {@code upstream-error}. Retries and timeouts are described on
 * {@link ProxyExchange}.
 *
 * <p>Threads: {@link #handle} runs on the event loop of the client's connection and never
 * blocks; so does all proxying. {@link #shutdown} may be called from any thread.
 */
public final class ReverseProxy implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ReverseProxy.class);
  private static final Pattern SAFE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private final Vertx vertx;
  private final ProxyRoutes routes;
  private final Upstreams upstreams;
  private final ProxyConfig config;
  private final HttpClient client;
  private final WebSocketClient webSocketClient;
  private final WebSocketProxy webSockets;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean stopping;

  public ReverseProxy(Vertx vertx, ProxyRoutes routes, Upstreams upstreams, ProxyConfig config) {
    this.vertx = vertx;
    this.routes = routes;
    this.upstreams = upstreams;
    this.config = config;
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) config.connectTimeout().toMillis())
        .setKeepAlive(true)
        .setTcpNoDelay(true)
        // Upstream headers are our own services'; the gateway's client-facing limits are set on its server.
        .setMaxHeaderSize(16 * 1024)
        .setDecompressionSupported(false),
        new PoolOptions().setHttp1MaxSize(config.maxConnectionsPerInstance()));
    this.webSocketClient = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setConnectTimeout((int) config.connectTimeout().toMillis())
        .setMaxFrameSize(1024 * 1024)
        // A proxied WebSocket holds its upstream connection for its whole life, so this is not a
        // pool: a bound here would queue every upgrade past it until its connect timeout. What
        // bounds WebSockets is the process's file limit (two sockets per proxied WebSocket).
        .setMaxConnections(MAX_WEBSOCKETS_PER_INSTANCE));
    this.webSockets = new WebSocketProxy(webSocketClient, upstreams, config);
  }

  /** More than one process can hold here (each may open at most a few tens of thousands of files). */
  static final int MAX_WEBSOCKETS_PER_INSTANCE = 1_000_000;

  @Override
  public void handle(RoutingContext ctx) {
    Optional<ProxyRoute> route = routes.match(ctx.normalizedPath());
    if (route.isEmpty()) {
      ctx.next();
      return;
    }
    ctx.put(Gateway.CONTEXT_ROUTE, route.get().prefix() + "/**");
    String requestId = ctx.get(Gateway.CONTEXT_REQUEST_ID) instanceof String id ? id : requestId(ctx.request());
    proxy(ctx.request(), route.get().service(), requestId);
  }

  /**
   * Proxies one request to {@code service} without consulting the route table — for callers
   * that route by other means. Runs on the request's event loop.
   */
  public void proxy(HttpServerRequest req, String service, String requestId) {
    if (req.response().headers().get(ProxyHeaders.REQUEST_ID) == null) {
      req.response().putHeader(ProxyHeaders.REQUEST_ID, requestId);
    }
    if (stopping) {
      req.response().putHeader("Connection", "close");
      ProxyProblems.send(req.response(),
          ProxyProblems.unavailable("this gateway is shutting down; retry on another", Duration.ofSeconds(1)), requestId);
      return;
    }
    if (WebSocketProxy.isUpgrade(req)) {
      webSockets.proxy(req, service, requestId);
      return;
    }
    inFlight.incrementAndGet();
    new ProxyExchange(vertx, client, upstreams, config, req, service, requestId, inFlight::decrementAndGet).start();
  }

  private static String requestId(HttpServerRequest req) {
    String incoming = req.getHeader(ProxyHeaders.REQUEST_ID);
    if (incoming != null && SAFE_REQUEST_ID.matcher(incoming).matches()) {
      return incoming;
    }
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return HexFormat.of().toHexDigits(r.nextLong()) + HexFormat.of().toHexDigits((short) r.nextInt());
  }

  /** HTTP requests being proxied now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** WebSockets being proxied now. */
  public int openWebSockets() {
    return webSockets.openCount();
  }

  /**
   * Stops the proxy for a gateway shutdown: new requests get 503 with {@code Connection: close},
   * open WebSockets are closed with 1012 so clients reconnect through another gateway, and
   * requests in flight may finish for up to {@code grace}; then the upstream clients are
   * closed, cutting off whatever is left. The future completes when that is done.
   */
  public Future<Void> shutdown(Duration grace) {
    stopping = true;
    webSockets.closeAll("gateway restarting");
    long deadline = System.nanoTime() + grace.toNanos();
    Promise<Void> drained = Promise.promise();
    waitForInFlight(deadline, drained);
    return drained.future().compose(v -> {
      if (inFlight.get() > 0) {
        LOG.warn("gateway shutdown: {} proxied requests still in flight after {}; cutting them off", inFlight.get(), grace);
      }
      return Future.join(client.close(), webSocketClient.close()).mapEmpty();
    });
  }

  private void waitForInFlight(long deadline, Promise<Void> drained) {
    if (inFlight.get() == 0 || System.nanoTime() >= deadline) {
      drained.complete();
      return;
    }
    vertx.setTimer(20, t -> waitForInFlight(deadline, drained));
  }
}
