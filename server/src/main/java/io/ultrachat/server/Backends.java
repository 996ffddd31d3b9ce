package io.ultrachat.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.ultrachat.bus.nats.NatsBus;
import io.ultrachat.cache.caffeine.CaffeineCacheFactory;
import io.ultrachat.gateway.RateLimiter;
import io.ultrachat.gateway.ReadinessCheck;
import io.ultrachat.kernel.bus.Bus;
import io.ultrachat.kernel.bus.InProcessBus;
import io.ultrachat.kernel.cache.CacheFactory;
import io.ultrachat.kernel.cache.CacheSettings;
import io.ultrachat.kernel.config.Settings;
import io.ultrachat.kernel.kv.InMemoryKeyValue;
import io.ultrachat.kernel.kv.KeyValue;
import io.ultrachat.redis.RedisCacheFactory;
import io.ultrachat.redis.RedisEndpoint;
import io.ultrachat.redis.RedisKeyValue;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared infrastructure of one process, chosen by name in {@link BackendSettings}: the bus,
 * the key-value store and the cache factory. Connections to NATS and Redis are made here, at
 * start, so a wrong URL stops the process with a message naming the setting; afterwards each
 * backend rides out an outage by itself (see their classes) and reports it through
 * {@link #readinessChecks()}.
 *
 * <p>Close order is the reverse of creation: caches (they unsubscribe from the bus), the bus,
 * then the Redis connections.
 */
final class Backends implements AutoCloseable {
  /** Most fields of one hash in Redis, as in the embedded store (presence holds one per online user). */
  private static final int KV_MAX_FIELDS = 1_000_000;

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final List<ReadinessCheck> checks = new ArrayList<>();
  private final Map<String, RedisEndpoint> redis = new LinkedHashMap<>();
  private Bus bus;
  private KeyValue keyValue;
  private CacheFactory caches;

  private Backends() {}

  /** Opens every configured backend, or closes what it opened and rethrows. */
  static Backends open(Settings settings, Clock clock, MeterRegistry metrics) {
    Backends b = new Backends();
    try {
      b.bus = b.bus(settings);
      b.keyValue = b.keyValue(settings, clock);
      b.caches = b.caches(settings, clock, metrics);
      return b;
    } catch (RuntimeException e) {
      b.close();
      throw e;
    }
  }

  private Bus bus(Settings settings) {
    if (settings.get(BackendSettings.BUS).equals("nats")) {
      NatsBus nats = new NatsBus(settings.get(BackendSettings.NATS_URL));
      closeables.add(nats);
      checks.add(new ReadinessCheck("bus", nats::connected));
      return nats;
    }
    InProcessBus local = new InProcessBus();
    closeables.add(local);
    return local;
  }

  private KeyValue keyValue(Settings settings, Clock clock) {
    if (settings.get(BackendSettings.KEY_VALUE).equals("redis")) {
      RedisEndpoint endpoint = redis(settings, BackendSettings.KV_REDIS_URL.key(), settings.get(BackendSettings.KV_REDIS_URL));
      return new RedisKeyValue(endpoint, settings.get(BackendSettings.REDIS_KEY_PREFIX), KV_MAX_FIELDS);
    }
    return new InMemoryKeyValue(clock);
  }

  private CacheFactory caches(Settings settings, Clock clock, MeterRegistry metrics) {
    long globalMax = CacheSettings.globalMaxItems(settings);
    if (settings.get(BackendSettings.CACHE).equals("redis")) {
      String url = settings.get(BackendSettings.CACHE_REDIS_URL).strip();
      RedisEndpoint endpoint = url.isEmpty()
          ? redis(settings, BackendSettings.KV_REDIS_URL.key(), settings.get(BackendSettings.KV_REDIS_URL))
          : redis(settings, BackendSettings.CACHE_REDIS_URL.key(), url);
      RedisCacheFactory factory = new RedisCacheFactory(endpoint, bus, metrics, clock, globalMax,
          RedisCacheFactory.Options.DEFAULTS.withPrefix(settings.get(BackendSettings.REDIS_KEY_PREFIX)));
      closeables.add(factory);
      return factory;
    }
    return new CaffeineCacheFactory(metrics, clock, globalMax);
  }

  /** One connection per distinct URL, shared by the key-value store and the caches. */
  private RedisEndpoint redis(Settings settings, String setting, String url) {
    return redis.computeIfAbsent(url, u -> {
      RedisEndpoint endpoint = RedisEndpoint.connect(setting, u, settings.get(BackendSettings.REDIS_TIMEOUT));
      closeables.add(endpoint);
      checks.add(new ReadinessCheck("redis " + endpoint.address(), endpoint::reachable));
      return endpoint;
    });
  }

  Bus bus() {
    return bus;
  }

  KeyValue keyValue() {
    return keyValue;
  }

  CacheFactory caches() {
    return caches;
  }

  /**
   * Where the gateway's rate limits count: in this process on embedded defaults, in the shared
   * key-value store when it is Redis, so every node of a cluster applies one allowance.
   */
  RateLimiter.Factory rateLimiters(Clock clock) {
    return keyValue instanceof InMemoryKeyValue ? RateLimiter.Factory.local() : RateLimiter.Factory.shared(keyValue, clock);
  }

  /** What {@code /health/ready} checks besides the databases. */
  List<ReadinessCheck> readinessChecks() {
    return List.copyOf(checks);
  }

  @Override
  public void close() {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeQuietly(closeables.get(i));
    }
    closeables.clear();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // Shutting down, or failing to start anyway; a close failure changes nothing.
    }
  }
}
