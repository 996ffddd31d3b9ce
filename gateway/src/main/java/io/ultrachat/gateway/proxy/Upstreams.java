package io.ultrachat.gateway.proxy;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instances of every routed service and which of them take traffic.
 *
 * <p>Design notes. <b>Discovery:</b> every {@code gateway.health-interval} one cycle re-reads the
 * {@link ServiceRegistry} (on a worker thread: it may block on Redis) and then probes every
 * instance with {@code GET /health/ready}; cycles never overlap. <b>Health:</b> an instance
 * failing {@code gateway.health-failures} probes in a row leaves rotation, one passing probe
 * brings it back; a connect error seen by a live request ejects it at once ({@link #ejected}),
 * until a probe passes. A node that is shutting down answers its readiness probe with 503, so it
 * leaves rotation before it stops listening. <b>Draining:</b> an instance that leaves the
 * registry, or is {@link #drain drained}, gets no new requests or WebSockets while those in flight
 * finish. <b>Threads:</b> {@link #pick} runs on event loops and only reads snapshots;
 * everything else is thread-safe.
 */
public final class Upstreams implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Upstreams.class);
  private static final String READY_PATH = "/health/ready";

  private final Vertx vertx;
  private final ServiceRegistry registry;
  private final ProxyConfig config;
  private final ProxyMetrics metrics;
  private final Map<String, ServicePool> pools = new LinkedHashMap<>();
  private final HttpClient probes;
  private final AtomicBoolean cycleRunning = new AtomicBoolean();
  private volatile long timer = -1;

  /**
   * @param services the services to track (the route table's, {@link ProxyRoutes#services()})
   */
  public Upstreams(Vertx vertx, ServiceRegistry registry, Set<String> services, ProxyConfig config, MeterRegistry meters) {
    this.vertx = vertx;
    this.registry = registry;
    this.config = config;
    this.metrics = new ProxyMetrics(meters);
    for (String s : services) {
      ServicePool pool = new ServicePool(s, config.balancer());
      pools.put(s, pool);
      metrics.healthyGauge(s, pool::inRotation);
    }
    this.probes = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) config.healthTimeout().toMillis())
        .setKeepAlive(true)
        .setIdleTimeout((int) Math.max(1, config.healthInterval().multipliedBy(3).toSeconds())),
        new PoolOptions().setHttp1MaxSize(2));
  }

  /**
   * Reads the registry and probes once, then keeps doing so every health interval. The
   * returned future completes after the first cycle; callers off the event loop may await it.
   */
  public Future<Void> start() {
    Future<Void> first = check();
    timer = vertx.setPeriodic(config.healthInterval().toMillis(), id -> check());
    return first;
  }

  /**
   * One cycle now: refresh from the registry, then probe every instance. Completes when all
   * probes have answered or timed out. A cycle already running is not doubled: the call then
   * completes at once.
   */
  public Future<Void> check() {
    if (!cycleRunning.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(this::refresh, false)
        .compose(v -> probeAll())
        .onComplete(done -> {
          cycleRunning.set(false);
          if (done.failed()) {
            LOG.warn("upstream check failed: {}", done.cause().getMessage());
          }
        })
        .mapEmpty();
  }

  private Void refresh() {
    for (ServicePool pool : pools.values()) {
      List<Instance> found;
      try {
        found = registry.instances(pool.service);
      } catch (RuntimeException e) {
        // Keep routing to what we knew: a registry outage must not take every service down.
        LOG.warn("cannot read the instances of {} from the registry; keeping the last known ones: {}", pool.service, e.getMessage());
        continue;
      }
      for (Member gone : pool.update(found)) {
        LOG.info("{} left the registry; draining it ({} in flight)", gone, gone.inFlight());
      }
    }
    return null;
  }

  private Future<Void> probeAll() {
    List<Future<Void>> all = new ArrayList<>();
    for (ServicePool pool : pools.values()) {
      for (Member m : pool.members()) {
        all.add(probe(m));
      }
    }
    return Future.join(all).mapEmpty();
  }

  private Future<Void> probe(Member m) {
    Promise<Void> done = Promise.promise();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(m.instance.host()).setPort(m.instance.port())
        .setSsl(m.instance.ssl()).setURI(READY_PATH).setIdleTimeout(config.healthTimeout().toMillis())
        .setConnectTimeout(config.healthTimeout().toMillis());
    probes.request(options)
        .compose(req -> req.send())
        .compose(res -> res.body().map(b -> res.statusCode()))
        .onComplete(result -> {
          boolean passed = result.succeeded() && result.result() / 100 == 2;
          if (passed) {
            if (m.probePassed()) {
              LOG.info("{} passed its health probe; back in rotation", m);
            }
          } else if (m.probeFailed(config.healthFailures())) {
            LOG.warn("{} failed {} health probes in a row; out of rotation: {}", m, config.healthFailures(),
                result.succeeded() ? "status " + result.result() : result.cause().getMessage());
          }
          done.complete();
        });
    return done.future();
  }

  /** An instance in rotation for {@code service}, other than those in {@code tried}. */
  Optional<Member> pick(String service, Set<Member> tried) {
    ServicePool pool = pools.get(service);
    return pool == null ? Optional.empty() : pool.pick(tried);
  }

  /** A live request could not connect to {@code m}: take it out until a probe passes. */
  void ejected(Member m, Throwable cause) {
    if (m.eject()) {
      LOG.warn("{} ejected after a connect error; out until its next passing probe: {}", m, cause.getMessage());
    }
  }

  ProxyMetrics metrics() {
    return metrics;
  }

  /**
   * Stops sending new requests and WebSockets to an instance while what it has in flight
   * finishes — for an instance about to stop. It lasts until the instance leaves the registry
   * (a later registration starts fresh) or {@link #undrain} is called.
   *
   * @return false if the service has no such instance
   */
  public boolean drain(String service, String instanceId) {
    Optional<Member> m = member(service, instanceId);
    m.ifPresent(member -> {
      member.drain();
      LOG.info("{} draining: no new requests ({} in flight)", member, member.inFlight());
    });
    return m.isPresent();
  }

  /** Puts a drained instance back in rotation. @return false if the service has no such instance */
  public boolean undrain(String service, String instanceId) {
    Optional<Member> m = member(service, instanceId);
    m.ifPresent(Member::undrain);
    return m.isPresent();
  }

  /** Requests the gateway has in flight to an instance; 0 for an unknown one. */
  public int inFlight(String service, String instanceId) {
    return member(service, instanceId).map(Member::inFlight).orElse(0);
  }

  /** How many instances of {@code service} take traffic now. */
  public int inRotation(String service) {
    ServicePool pool = pools.get(service);
    return pool == null ? 0 : pool.inRotation();
  }

  private Optional<Member> member(String service, String instanceId) {
    ServicePool pool = pools.get(service);
    return pool == null ? Optional.empty() : pool.find(instanceId);
  }

  /** Stops the periodic checks and closes the probe client. */
  @Override
  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    probes.close();
  }
}
