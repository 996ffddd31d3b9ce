package io.ultrachat.gateway;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ultrachat.kernel.config.Settings;
import io.ultrachat.kernel.error.Forbidden;
import io.ultrachat.kernel.error.Unauthenticated;
import io.ultrachat.kernel.error.Unavailable;
import io.ultrachat.kernel.http.Access;
import io.ultrachat.kernel.http.ServiceAuthenticator;
import io.ultrachat.kernel.http.ApiResponse;
import io.ultrachat.kernel.http.BinaryContent;
import io.ultrachat.kernel.http.EdgeAuthenticator;
import io.ultrachat.kernel.http.Endpoint;
import io.ultrachat.kernel.http.HttpMethod;
import io.ultrachat.kernel.http.Principal;
import io.ultrachat.kernel.http.RawBody;
import io.ultrachat.kernel.json.Json;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The public HTTP edge of UltraChat.
 *
 * <p>Design notes. Every request passes one short pipeline: request id and security headers →
 * CORS → (body limit) → endpoint dispatch. JSON bodies are read whole, up to
 * {@code http.max-body-size}, before dispatch; the few endpoints that declare a {@link RawBody}
 * (uploads) skip that: their media type and declared length are checked at dispatch and their
 * body is streamed to the handler under their own limit ({@link RequestBodyStream}), and a
 * {@link BinaryContent} response is streamed back from the handler's thread. Dispatch leaves the event loop for a virtual
 * thread, where it applies the endpoint's rate-limit family, authenticates the bearer token,
 * checks {@link Access}, and runs the handler; the response is written back on the request's
 * event loop. Every failure, wherever it arises, ends in {@link ProblemMapper} and leaves as
 * {@code application/problem+json}. Request latency is recorded per route template, method
 * and status, never per raw path.
 *
 * <p>One Vert.x HTTP server is bound per event loop on the same port, so connections spread
 * over all cores.
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final String REQUEST_ID = "requestId";
  private static final String ROUTE = "route";
  /** Routing-context key of the request id, for handlers mounted on the gateway's router. */
  public static final String CONTEXT_REQUEST_ID = REQUEST_ID;
  /** Routing-context key a mounted handler sets to name its route (a template, never a raw path) in the request metrics. */
  public static final String CONTEXT_ROUTE = ROUTE;
  private static final Pattern SAFE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final int MAX_IN_FLIGHT = 10_000;
  /** How long an upload or a download may stall before it is given up. */
  private static final Duration RAW_BODY_IDLE = Duration.ofSeconds(60);
  /** How much of a refused upload is read and dropped, beyond its endpoint's limit, before the connection is closed instead. */
  private static final long DISCARD_SLACK = 1024 * 1024;
  private static final int DOWNLOAD_CHUNK = 64 * 1024;
  private static final String CSP =
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

  private final Vertx vertx;
  private final Settings settings;
  private final List<Endpoint> endpoints;
  private final EdgeAuthenticator authenticator;
  private final ServiceAuthenticator services;
  private final List<ReadinessCheck> readiness;
  private final PrometheusMeterRegistry metrics;
  private final StaticContent web;
  private final Map<String, io.vertx.core.Handler<io.vertx.core.http.ServerWebSocket>> webSockets;
  private final RateLimiter authLimiter;
  private final RateLimiter userLimiter;
  private final RateLimiter anonymousLimiter;
  private final Set<String> corsOrigins;
  private final boolean trustForwarded;
  private final ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("api-", 0).factory());
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private final List<HttpServer> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<String> servedRoutes = new ArrayList<>();
  private final Optional<io.vertx.core.Handler<RoutingContext>> upstreamProxy;
  private volatile boolean draining;
  private volatile boolean leaving;

  /**
   * @param webSockets WebSocket endpoints by path; they authenticate on their own (a first
   *     frame), because browsers cannot set headers on a WebSocket upgrade and tokens must
   *     not travel in URLs
   */
  public Gateway(Vertx vertx, Settings settings, List<Endpoint> endpoints, EdgeAuthenticator authenticator,
      List<ReadinessCheck> readiness, PrometheusMeterRegistry metrics, StaticContent web,
      Map<String, io.vertx.core.Handler<io.vertx.core.http.ServerWebSocket>> webSockets) {
    this(vertx, settings, endpoints, authenticator, readiness, metrics, web, webSockets, Extensions.NONE);
  }

  /**
   * The optional parts of a node's edge.
   *
   * @param limiters where the rate limits count: this process, or a store shared by the cluster
   * @param services checks the signed credential of {@link Access.Kind#SERVICE} routes (calls
   *     from other services of the cluster); {@link ServiceAuthenticator#refuseAll()} by default
   * @param upstreamProxy a handler for the requests that no endpoint, WebSocket path or health
   *     route of this node serves — the reverse proxy of {@code --services=gateway}
   *     ({@code io.ultrachat.gateway.proxy.ReverseProxy}). It runs on the event loop after the
   *     prelude (request id, CORS) and before the static web files, without a body handler, so
   *     bodies stream; it calls {@code ctx.next()} for paths it does not route.
   */
  public record Extensions(RateLimiter.Factory limiters, Optional<io.vertx.core.Handler<RoutingContext>> upstreamProxy,
      ServiceAuthenticator services) {
    public static final Extensions NONE =
        new Extensions(RateLimiter.Factory.local(), Optional.empty(), ServiceAuthenticator.refuseAll());

    public Extensions withLimiters(RateLimiter.Factory l) {
      return new Extensions(l, upstreamProxy, services);
    }

    public Extensions withUpstreamProxy(io.vertx.core.Handler<RoutingContext> proxy) {
      return new Extensions(limiters, Optional.of(proxy), services);
    }

    public Extensions withServices(ServiceAuthenticator s) {
      return new Extensions(limiters, upstreamProxy, s);
    }
  }

  public Gateway(Vertx vertx, Settings settings, List<Endpoint> endpoints, EdgeAuthenticator authenticator,
      List<ReadinessCheck> readiness, PrometheusMeterRegistry metrics, StaticContent web,
      Map<String, io.vertx.core.Handler<io.vertx.core.http.ServerWebSocket>> webSockets, Extensions extensions) {
    RateLimiter.Factory limiters = extensions.limiters();
    this.upstreamProxy = extensions.upstreamProxy();
    this.services = extensions.services();
    this.webSockets = Map.copyOf(webSockets);
    this.vertx = vertx;
    this.settings = settings;
    this.endpoints = List.copyOf(endpoints);
    this.authenticator = authenticator;
    this.readiness = List.copyOf(readiness);
    this.metrics = metrics;
    this.web = web;
    this.authLimiter = limiters.create("auth", "rate-limited", settings.get(GatewaySettings.AUTH_LIMIT),
        settings.get(GatewaySettings.AUTH_WINDOW));
    this.userLimiter = limiters.create("user", "rate-limited", settings.get(GatewaySettings.USER_LIMIT),
        settings.get(GatewaySettings.USER_WINDOW));
    this.anonymousLimiter = limiters.create("anonymous", "rate-limited", settings.get(GatewaySettings.ANONYMOUS_LIMIT),
        settings.get(GatewaySettings.ANONYMOUS_WINDOW));
    this.corsOrigins = Arrays.stream(settings.get(GatewaySettings.CORS_ORIGINS).split(","))
        .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    this.trustForwarded = settings.get(GatewaySettings.TRUST_FORWARDED);
  }

  /** Binds the servers; completes with the port actually bound (useful with port 0). */
  public int start() {
    Router router = router();
    int loops = settings.get(GatewaySettings.EVENT_LOOPS);
    int instances = loops > 0 ? loops : Runtime.getRuntime().availableProcessors();
    String host = settings.get(GatewaySettings.HOST);
    HttpServerOptions options = new HttpServerOptions()
        .setHost(host)
        .setMaxHeaderSize(16 * 1024)
        .setInitialSettings(new io.vertx.core.http.Http2Settings().setMaxHeaderListSize(16 * 1024))
        .setMaxInitialLineLength(8 * 1024)
        .setIdleTimeout(300)
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setTcpNoDelay(true)
        // Frame limits are enforced per protocol by the WebSocket endpoints; these only bound memory.
        .setMaxWebSocketFrameSize(256 * 1024)
        .setMaxWebSocketMessageSize(256 * 1024);
    return bind(router, options.setPort(settings.get(GatewaySettings.PORT)), instances);
  }

  /**
   * Deploys the listener verticles. Vert.x shares one port among the listeners of the
   * instances of one deployment (a configured port 0 included) and spreads connections over
   * their event loops.
   */
  private int bind(Router router, HttpServerOptions options, int instances) {
    try {
      vertx.deployVerticle(() -> new io.vertx.core.VerticleBase() {
        @Override
        public Future<?> start() {
          return vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(servers::add);
        }
      }, new io.vertx.core.DeploymentOptions().setInstances(instances)).await(30, TimeUnit.SECONDS);
      return servers.getFirst().actualPort();
    } catch (Exception e) {
      throw new IllegalStateException("cannot listen on " + options.getHost() + ":" + options.getPort()
          + " (set http.port / --port to a free port): " + e.getMessage(), e);
    }
  }

  /** The API routes served, as {@code METHOD /path/{param}}, for the OpenAPI conformance test. */
  public List<String> routes() {
    return List.copyOf(servedRoutes);
  }

  /**
   * First step of a graceful stop: {@code /health/ready} answers 503 {@code draining} from now
   * on, so gateways and load balancers take this process out of rotation, while everything that
   * still arrives is served as usual. {@link #stop} then refuses new work.
   */
  public void leaveRotation() {
    leaving = true;
  }

  /**
   * Stops taking new requests, lets in-flight ones finish within the grace period, then
   * closes the listeners.
   */
  public void stop() {
    draining = true;
    Duration grace = settings.get(GatewaySettings.SHUTDOWN_GRACE);
    try {
      for (HttpServer s : servers) {
        s.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS).await(grace.toMillis() + 5000, TimeUnit.MILLISECONDS);
      }
    } catch (Exception e) {
      LOG.warn("HTTP shutdown did not complete cleanly: {}", e.getMessage());
    }
    workers.shutdown();
    try {
      if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Router router() {
    Router router = Router.router(vertx);
    router.route().handler(this::prelude);
    long maxBody = settings.get(GatewaySettings.MAX_BODY);
    for (Endpoint e : endpoints) {
      String vertxPath = e.path().replaceAll("\\{([A-Za-z0-9]+)}", ":$1");
      io.vertx.core.http.HttpMethod method = io.vertx.core.http.HttpMethod.valueOf(e.method().name());
      var route = router.route(method, vertxPath);
      if (hasBody(e.method()) && e.rawBody().isEmpty()) {
        route.handler(BodyHandler.create(false).setBodyLimit(maxBody));
      }
      route.handler(dispatch(e));
      servedRoutes.add(e.method().name() + " " + e.path());
    }
    webSockets.forEach((path, handler) -> router.get(path).handler(ctx -> {
      ctx.put(ROUTE, path);
      ctx.request().toWebSocket().onSuccess(handler::handle).onFailure(e -> {
        if (!ctx.response().ended()) {
          sendProblem(ctx, new EdgeRejection(400, "websocket-upgrade-required", "this endpoint speaks WebSocket only: " + e.getMessage()));
        }
      });
    }));
    router.get("/health/live").handler(ctx -> {
      ctx.put(ROUTE, "/health/live");
      sendJson(ctx, 200, Map.of("status", draining || leaving ? "draining" : "up"));
    });
    router.get("/health/ready").handler(this::ready);
    router.get("/metrics").handler(this::scrape);
    servedRoutes.addAll(List.of("GET /health/live", "GET /health/ready", "GET /metrics"));
    upstreamProxy.ifPresent(proxy -> router.route().handler(proxy));
    router.get("/*").handler(this::staticFile);
    router.route().failureHandler(this::failure);
    router.errorHandler(404, ctx -> sendProblem(ctx, new EdgeRejection(404, "no-route", "no such resource: " + ctx.request().path())));
    router.errorHandler(405, ctx -> sendProblem(ctx, new EdgeRejection(405, "method-not-allowed",
        ctx.request().method() + " is not supported on " + ctx.request().path())));
    return router;
  }

  private static boolean hasBody(HttpMethod m) {
    return m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.PATCH;
  }

  private void prelude(RoutingContext ctx) {
    String incoming = ctx.request().getHeader("X-Request-Id");
    String id = incoming != null && SAFE_REQUEST_ID.matcher(incoming).matches() ? incoming : newRequestId();
    ctx.put(REQUEST_ID, id);
    long start = System.nanoTime();
    HttpServerResponse res = ctx.response();
    res.putHeader("X-Request-Id", id)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY");
    ctx.addEndHandler(done -> record(ctx, start));
    if (!cors(ctx)) {
      return;
    }
    ctx.next();
  }

  private void record(RoutingContext ctx, long start) {
    String route = ctx.get(ROUTE);
    if (route == null) {
      route = ctx.response().getStatusCode() == 404 ? "unmatched" : "other";
    }
    Timer.builder("http.server.requests")
        .description("HTTP requests by route template, method and status")
        .tags("method", ctx.request().method().name(), "route", route, "status", Integer.toString(ctx.response().getStatusCode()))
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(metrics)
        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }

  /**
   * 80 random bits as 20 hex digits. Request ids need uniqueness, not secrecy, so this avoids
   * {@code UUID.randomUUID()}, whose shared SecureRandom lock an event loop must never wait on.
   */
  private static String newRequestId() {
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    return java.util.HexFormat.of().toHexDigits(r.nextLong()) + java.util.HexFormat.of().toHexDigits((short) r.nextInt());
  }

  /** Applies the CORS policy; returns false when the request was answered (a preflight). */
  private boolean cors(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    boolean preflight = ctx.request().method() == io.vertx.core.http.HttpMethod.OPTIONS
        && ctx.request().getHeader("Access-Control-Request-Method") != null;
    if (origin == null) {
      return true;
    }
    boolean allowed = corsOrigins.contains("*") || corsOrigins.contains(origin);
    HttpServerResponse res = ctx.response();
    if (allowed) {
      res.putHeader("Access-Control-Allow-Origin", origin)
          .putHeader("Vary", "Origin")
          .putHeader("Access-Control-Expose-Headers", "X-Request-Id, Retry-After");
    }
    if (preflight) {
      ctx.put(ROUTE, "preflight");
      if (!allowed) {
        sendProblem(ctx, new EdgeRejection(403, "cors-origin-denied", "cross-origin requests from " + origin + " are not allowed"));
        return false;
      }
      res.putHeader("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE")
          .putHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id")
          .putHeader("Access-Control-Max-Age", "600")
          .setStatusCode(204)
          .end();
      return false;
    }
    return true;
  }

  private io.vertx.core.Handler<RoutingContext> dispatch(Endpoint endpoint) {
    boolean takesBody = hasBody(endpoint.method());
    return ctx -> {
      ctx.put(ROUTE, endpoint.path());
      Buffer body = null;
      RequestBodyStream stream = null;
      if (endpoint.rawBody().isPresent()) {
        // Paused before anything can arrive: the handler pulls the body as it reads (RequestBodyStream).
        ctx.request().pause();
        Optional<EdgeRejection> refused = refuseRawBody(ctx, endpoint.rawBody().get());
        if (refused.isPresent() || draining || !inFlight.tryAcquire()) {
          sendProblem(ctx, refused.isPresent() ? refused.get()
              : new Unavailable(draining ? "the server is shutting down; retry on another node" : "the server is overloaded; retry shortly"));
          String expect = ctx.request().getHeader(HttpHeaders.EXPECT);
          discardBody(ctx, endpoint.rawBody().get(), expect != null && expect.equalsIgnoreCase("100-continue"));
          return;
        }
        stream = new RequestBodyStream(ctx.request(), vertx.getOrCreateContext(), endpoint.rawBody().get().maxBytes(), RAW_BODY_IDLE);
      } else {
        body = takesBody && ctx.body() != null ? ctx.body().buffer() : null;
        if (body != null && body.length() > 0 && !isJson(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE))) {
          sendProblem(ctx, new EdgeRejection(415, "unsupported-media-type", "the body must be sent as Content-Type: application/json"));
          return;
        }
        if (draining || !inFlight.tryAcquire()) {
          sendProblem(ctx, new Unavailable(draining ? "the server is shutting down; retry on another node" : "the server is overloaded; retry shortly"));
          return;
        }
      }
      RequestBodyStream rawBody = stream;
      String requestId = ctx.get(REQUEST_ID);
      BoundRequest request = new BoundRequest(Map.copyOf(ctx.pathParams()), ctx.queryParams(), ctx.request().headers(), body,
          rawBody, clientAddress(ctx), requestId);
      String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
      String target = ctx.request().uri();
      Context eventLoop = vertx.getOrCreateContext();
      workers.execute(() -> {
        MDC.put(REQUEST_ID, requestId);
        Object outcome;
        try {
          outcome = invoke(endpoint, request, authorization, target);
          if (outcome instanceof ApiResponse response && response.body() instanceof BinaryContent content) {
            // Streamed from this virtual thread, so a slow download holds no event loop.
            streamBinary(ctx, eventLoop, response, content);
            return;
          }
        } catch (Throwable t) {
          outcome = t;
        } finally {
          MDC.remove(REQUEST_ID);
          inFlight.release();
        }
        Object result = rawBody == null ? outcome : overrule(outcome, rawBody.failure(), endpoint.rawBody().get());
        onEventLoop(eventLoop, () -> {
          if (result instanceof ApiResponse response) {
            send(ctx, response);
          } else {
            sendProblem(ctx, (Throwable) result);
          }
          if (rawBody != null) {
            discardBody(ctx, endpoint.rawBody().get(), rawBody.clientHoldsBody());
          }
        });
      });
    };
  }

  /**
   * The edge's checks of a raw body before the handler runs: 415 for a media type the endpoint
   * does not take, 413 when {@code Content-Length} already says the body is too large.
   */
  private static Optional<EdgeRejection> refuseRawBody(RoutingContext ctx, RawBody raw) {
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (!raw.accepts(contentType)) {
      return Optional.of(new EdgeRejection(415, "unsupported-media-type", (contentType == null ? "a Content-Type is required"
          : "Content-Type " + RawBody.essence(contentType).orElse("(malformed)") + " is not accepted")
          + "; this endpoint takes " + String.join(", ", raw.mediaTypes())));
    }
    String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      try {
        if (Long.parseLong(length.strip()) > raw.maxBytes()) {
          return Optional.of(tooLarge(raw));
        }
      } catch (NumberFormatException e) {
        return Optional.of(new EdgeRejection(400, "bad-request", "Content-Length is not a number"));
      }
    }
    return Optional.empty();
  }

  private static EdgeRejection tooLarge(RawBody raw) {
    return new EdgeRejection(413, "payload-too-large", "the request body is larger than " + raw.maxBytes() + " bytes");
  }

  /**
   * What a raw-body request ends in: if its body was too large or broke off, that, whatever the
   * handler made of the failed read (it typically surfaces as an I/O error); otherwise the
   * handler's outcome.
   */
  private static Object overrule(Object outcome, RequestBodyStream.Failure failure, RawBody raw) {
    return switch (failure) {
      case TOO_LARGE -> tooLarge(raw);
      case BROKEN -> new EdgeRejection(400, "incomplete-body", "the request body ended early or stalled");
      case NONE -> outcome;
    };
  }

  /**
   * After answering a raw-body request whose body was not read to its end (refused early, or the
   * handler stopped reading): reads the rest and drops it, so the connection stays usable and the
   * client is not reset while it is still sending; past a bound it closes the connection instead.
   * A client still waiting for {@code 100 Continue} sends no body at all, so its connection is
   * closed right away. Runs on the event loop, after the response was written.
   */
  private static void discardBody(RoutingContext ctx, RawBody raw, boolean clientHoldsBody) {
    HttpServerRequest req = ctx.request();
    if (req.isEnded()) {
      return;
    }
    // HTTP/2 stops one stream (RST_STREAM NO_ERROR), HTTP/1.1 has to give up the connection.
    Runnable stop = req.version() == io.vertx.core.http.HttpVersion.HTTP_2 ? () -> ctx.response().reset(0) : () -> req.connection().close();
    if (clientHoldsBody) {
      stop.run();
      return;
    }
    long bound = raw.maxBytes() > Long.MAX_VALUE - DISCARD_SLACK ? Long.MAX_VALUE : raw.maxBytes() + DISCARD_SLACK;
    long[] dropped = {0};
    req.exceptionHandler(e -> { });
    req.endHandler(null);
    req.handler(chunk -> {
      dropped[0] += chunk.length();
      if (dropped[0] > bound) {
        req.handler(null);
        stop.run();
      }
    });
    req.resume();
  }

  /**
   * Writes a {@link BinaryContent} response from the calling (virtual) thread, a chunk at a time
   * with at most one chunk in flight, so memory stays bounded and a slow client only slows its
   * own download. A client that stops reading for {@link #RAW_BODY_IDLE}, or a source that fails
   * midway, gets its connection reset: the status line is long gone by then.
   */
  private void streamBinary(RoutingContext ctx, Context eventLoop, ApiResponse response, BinaryContent content) {
    HttpServerResponse res = ctx.response();
    try (InputStream in = content.content()) {
      await(eventLoop, () -> {
        res.setStatusCode(response.status());
        response.headers().forEach(res::putHeader);
        if (!response.headers().containsKey("Cache-Control")) {
          res.putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        }
        res.putHeader(HttpHeaders.CONTENT_TYPE, content.contentType())
            .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(content.length()));
        return Future.succeededFuture();
      });
      long sent = 0;
      byte[] chunk = new byte[DOWNLOAD_CHUNK];
      Future<Void> inFlightWrite = Future.succeededFuture();
      while (sent < content.length()) {
        int n = in.read(chunk, 0, (int) Math.min(chunk.length, content.length() - sent));
        if (n < 0) {
          throw new IOException("the content ended after " + sent + " of " + content.length() + " bytes");
        }
        Buffer data = Buffer.buffer(java.util.Arrays.copyOf(chunk, n));
        Future<Void> previous = inFlightWrite;
        awaitDone(previous);
        inFlightWrite = call(eventLoop, () -> res.write(data));
        sent += n;
      }
      awaitDone(inFlightWrite);
      await(eventLoop, res::end);
    } catch (Exception e) {
      LOG.warn("request {}: download of {} bytes cut off: {}", ctx.<String>get(REQUEST_ID), content.length(), e.getMessage());
      onEventLoop(eventLoop, () -> {
        if (!res.closed()) {
          res.reset();
        }
      });
    }
  }

  /** Runs {@code action} on the event loop and returns what it returns, as a future usable from any thread. */
  private static <T> Future<T> call(Context eventLoop, java.util.function.Supplier<Future<T>> action) {
    io.vertx.core.Promise<T> done = io.vertx.core.Promise.promise();
    eventLoop.runOnContext(v -> {
      try {
        action.get().onComplete(done);
      } catch (RuntimeException e) {
        done.tryFail(e);
      }
    });
    return done.future();
  }

  private static <T> void await(Context eventLoop, java.util.function.Supplier<Future<T>> action) throws Exception {
    awaitDone(call(eventLoop, action));
  }

  private static void awaitDone(Future<?> f) throws Exception {
    f.toCompletionStage().toCompletableFuture().get(RAW_BODY_IDLE.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Hands a response back to the request's event loop. After the shutdown grace period the
   * loop may be gone with the connection; the response then has nowhere to go.
   */
  private static void onEventLoop(Context eventLoop, Runnable write) {
    try {
      eventLoop.runOnContext(v -> write.run());
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("response dropped: the server stopped before it was written");
    }
  }

  private ApiResponse invoke(Endpoint endpoint, BoundRequest request, String authorization, String target) {
    if (endpoint.limit() == Endpoint.RateLimitClass.AUTH) {
      authLimiter.acquire(request.clientAddress());
    }
    Access access = endpoint.access();
    if (access.kind() == Access.Kind.SERVICE) {
      // A peer service, not a user: no principal and no user or address budget, which would
      // otherwise make one busy chat node throttle every user behind it.
      if (authorization == null || authorization.isBlank()) {
        throw new Unauthenticated("missing-service-credential", "internal routes need Authorization: Service <name>.<millis>.<signature>");
      }
      services.authenticate(authorization, endpoint.method(), target);
    } else if (access.kind() == Access.Kind.PUBLIC) {
      if (endpoint.limit() == Endpoint.RateLimitClass.API) {
        anonymousLimiter.acquire(request.clientAddress());
      }
    } else {
      Principal principal = authenticate(authorization);
      authorize(access, principal);
      request.authenticatedAs(principal);
      userLimiter.acquire(Long.toString(principal.userId()));
    }
    return endpoint.handler().handle(request);
  }

  private Principal authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw new Unauthenticated("missing-token", "this endpoint needs credentials: send Authorization: Bearer <token>");
    }
    if (authorization.length() < 8 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new Unauthenticated("invalid-token", "the Authorization header must use the Bearer scheme");
    }
    String token = authorization.substring(7).strip();
    if (token.isEmpty()) {
      throw new Unauthenticated("invalid-token", "the bearer token is empty");
    }
    return authenticator.authenticate(token);
  }

  private static void authorize(Access access, Principal p) {
    switch (access.kind()) {
      case SCOPED -> {
        if (!p.hasScope(access.scope())) {
          throw new Forbidden("insufficient-scope", "this token lacks the '" + access.scope() + "' scope");
        }
      }
      case USER_SESSION -> {
        if (!p.isLoginSession()) {
          throw new Forbidden("login-session-required", "this endpoint needs a signed-in person, not an API token");
        }
      }
      case ADMIN -> {
        if (!p.isLoginSession() || !p.admin()) {
          throw new Forbidden("admin-required", "this endpoint is for admins");
        }
      }
      case PUBLIC, SERVICE -> { }
    }
  }

  private String clientAddress(RoutingContext ctx) {
    if (trustForwarded) {
      String forwarded = ctx.request().getHeader("X-Forwarded-For");
      if (forwarded != null && !forwarded.isBlank()) {
        return forwarded.split(",")[0].strip();
      }
    }
    return ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String base = contentType.split(";")[0].strip().toLowerCase();
    return base.equals("application/json") || (base.startsWith("application/") && base.endsWith("+json"));
  }

  private void ready(RoutingContext ctx) {
    ctx.put(ROUTE, "/health/ready");
    Context eventLoop = vertx.getOrCreateContext();
    workers.execute(() -> {
      Map<String, String> checks = new LinkedHashMap<>();
      boolean up = !draining && !leaving;
      for (ReadinessCheck c : readiness) {
        boolean ok;
        try {
          ok = c.check().getAsBoolean();
        } catch (RuntimeException e) {
          ok = false;
        }
        checks.put(c.name(), ok ? "up" : "down");
        up &= ok;
      }
      boolean allUp = up;
      String status = draining || leaving ? "draining" : allUp ? "up" : "down";
      onEventLoop(eventLoop, () -> sendJson(ctx, allUp ? 200 : 503, Map.of("status", status, "checks", checks)));
    });
  }

  private void scrape(RoutingContext ctx) {
    ctx.put(ROUTE, "/metrics");
    Context eventLoop = vertx.getOrCreateContext();
    workers.execute(() -> {
      String text = metrics.scrape();
      onEventLoop(eventLoop, () -> ctx.response()
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
          .end(text));
    });
  }

  private void staticFile(RoutingContext ctx) {
    Optional<StaticContent.Asset> asset = web.find(ctx.normalizedPath());
    if (asset.isEmpty()) {
      ctx.next();
      return;
    }
    ctx.put(ROUTE, "static");
    StaticContent.Asset a = asset.get();
    HttpServerResponse res = ctx.response()
        .putHeader("ETag", a.etag())
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("Content-Security-Policy", CSP);
    if (a.etag().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
      res.setStatusCode(304).end();
      return;
    }
    res.putHeader(HttpHeaders.CONTENT_TYPE, a.contentType()).end(Buffer.buffer(a.bytes()));
  }

  private void failure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status = ctx.statusCode();
    if (failure == null || status == 413) {
      Throwable mapped = switch (status) {
        case 413 -> new EdgeRejection(413, "payload-too-large",
            "the request body is larger than " + settings.get(GatewaySettings.MAX_BODY) + " bytes");
        case 400 -> new EdgeRejection(400, "bad-request", "the request could not be read");
        case 404 -> new EdgeRejection(404, "no-route", "no such resource");
        case 405 -> new EdgeRejection(405, "method-not-allowed", "method not allowed");
        default -> new IllegalStateException("request failed with status " + status);
      };
      sendProblem(ctx, mapped);
    } else {
      sendProblem(ctx, failure);
    }
  }

  private void send(RoutingContext ctx, ApiResponse response) {
    HttpServerResponse res = ctx.response();
    if (res.ended() || res.closed()) {
      return;
    }
    res.setStatusCode(response.status());
    response.headers().forEach(res::putHeader);
    if (!response.headers().containsKey("Cache-Control")) {
      res.putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    }
    if (response.body() == null) {
      res.end();
      return;
    }
    try {
      byte[] bytes = Json.mapper().writeValueAsBytes(response.body());
      res.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(Buffer.buffer(bytes));
    } catch (Exception e) {
      res.setStatusCode(200);
      sendProblem(ctx, e);
    }
  }

  private void sendJson(RoutingContext ctx, int status, Object body) {
    send(ctx, new ApiResponse(status, body, Map.of()));
  }

  private void sendProblem(RoutingContext ctx, Throwable failure) {
    HttpServerResponse res = ctx.response();
    if (res.ended() || res.closed()) {
      return;
    }
    Problem p = ProblemMapper.toProblem(failure, ctx.get(REQUEST_ID) == null ? "" : ctx.get(REQUEST_ID));
    res.setStatusCode(p.status()).putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    p.retryAfterSeconds().ifPresent(s -> res.putHeader("Retry-After", Long.toString(s)));
    if (p.status() == 401) {
      res.putHeader("WWW-Authenticate", "Bearer realm=\"ultrachat\", error=\"invalid_token\"");
    }
    try {
      res.putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json").end(Buffer.buffer(Json.mapper().writeValueAsBytes(p)));
    } catch (Exception e) {
      LOG.error("request {}: cannot write problem {}", p.requestId(), p.code(), e);
      res.setStatusCode(500).end();
    }
  }
}
