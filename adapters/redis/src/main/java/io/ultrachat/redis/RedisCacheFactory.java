package io.ultrachat.redis;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.ultrachat.cache.caffeine.CaffeineCacheFactory;
import io.ultrachat.kernel.bus.Bus;
import io.ultrachat.kernel.bus.Subjects;
import io.ultrachat.kernel.cache.Cache;
import io.ultrachat.kernel.cache.CacheCodec;
import io.ultrachat.kernel.cache.CacheFactory;
import io.ultrachat.kernel.cache.CachePolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Caches for a scaled deployment: a Caffeine L1 per node ({@link CaffeineCacheFactory}) and, for
 * caches created with a {@link CacheCodec}, a Redis L2 shared by every node. Every write and
 * invalidation is broadcast on the {@link Bus} at {@code cache.invalidate.<resource>}, so other
 * nodes drop their L1 copy; caches created without a codec are L1 plus that broadcast.
 *
 * <p>TTLs follow the {@link CachePolicy}: {@code time} and {@code both} entries expire after the
 * policy's TTL in both levels; {@code size} entries never expire in L1 and live for
 * {@code sizeOnlyL2Ttl} (the global default TTL, 3600 s) in Redis, so Redis never grows without
 * bound. L1 is bounded as {@link CaffeineCacheFactory} bounds it.
 *
 * <p>Metrics, per resource: {@code cache_gets_total{cache,result}} keeps its meaning, hits and
 * misses over both levels (a miss is a call of the loader or an empty {@code getIfPresent});
 * {@code cache_level_gets_total{cache,level=l1|l2,result}} splits them by level (a separate
 * name, because Prometheus series of one name must share their label names, and dashboards sum
 * {@code cache_gets_total} by {@code cache}); {@code cache_l2_errors_total{cache,reason}} counts
 * failed Redis calls, unreadable entries and failed broadcasts. L1's Caffeine metrics
 * ({@code cache_size}, {@code cache_evictions_total}, …) are exported as for a Caffeine-only
 * deployment, except its own {@code cache_gets_total}, which would count L1 alone.
 *
 * <p>When Redis is unreachable, caches serve from L1 and their loaders, never throw, log the
 * outage once and resume using Redis when it is back (see {@link TieredCache}).
 */
public final class RedisCacheFactory implements CacheFactory, AutoCloseable {
  /** Bus subject prefix of invalidations; the resource name is the last token. */
  public static final String SUBJECT_PREFIX = "cache.invalidate.";

  private final RedisEndpoint endpoint;
  private final Bus bus;
  private final MeterRegistry registry;
  private final Clock clock;
  private final CaffeineCacheFactory l1s;
  private final CaffeineCacheFactory locals;
  private final Options options;
  private final L2Health health;
  private final List<TieredCache<?, ?>> caches = new CopyOnWriteArrayList<>();

  /**
   * Tuning of the L2, with defaults for production.
   *
   * @param prefix put before every Redis key ({@code <prefix>cache:{resource}:…})
   * @param sizeOnlyL2Ttl Redis TTL of entries whose policy is {@code size}
   * @param tombstoneTtl how long an invalidated key refuses fills from loads that began before
   *     the invalidation; loads slower than this may put an old value back
   * @param retryAfter how long L2 is left alone after a failure before one call probes it
   */
  public record Options(String prefix, Duration sizeOnlyL2Ttl, Duration tombstoneTtl, Duration retryAfter) {
    public static final Options DEFAULTS =
        new Options(RedisKeyValue.DEFAULT_PREFIX, Duration.ofSeconds(3600), Duration.ofSeconds(5), Duration.ofSeconds(1));

    public Options {
      Objects.requireNonNull(prefix, "prefix");
      positive("sizeOnlyL2Ttl", sizeOnlyL2Ttl);
      positive("tombstoneTtl", tombstoneTtl);
      positive("retryAfter", retryAfter);
    }

    public Options withPrefix(String p) {
      return new Options(p, sizeOnlyL2Ttl, tombstoneTtl, retryAfter);
    }

    private static void positive(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.toMillis() < 1) {
        throw new IllegalArgumentException(name + " must be at least 1 ms but was " + d);
      }
    }
  }

  /**
   * @param endpoint the Redis server, usually from the {@code cache.redis-url} setting
   * @param bus the cluster bus that carries invalidations
   * @param registry where metrics go
   * @param clock the time of every expiry (L1 and the instants stored in L2), and of the retry delay
   * @param globalMaxItems the global item limit, which bounds {@code time}-only L1 caches
   */
  public RedisCacheFactory(RedisEndpoint endpoint, Bus bus, MeterRegistry registry, Clock clock, long globalMaxItems,
      Options options) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.bus = Objects.requireNonNull(bus, "bus");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.options = Objects.requireNonNull(options, "options");
    // L1 reports through a view of the registry without Caffeine's cache.gets, which would
    // count L1 alone under the name that means both levels here.
    CompositeMeterRegistry l1Metrics = new CompositeMeterRegistry();
    l1Metrics.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("cache.gets")));
    l1Metrics.add(registry);
    this.l1s = new CaffeineCacheFactory(l1Metrics, clock, globalMaxItems);
    // Local-only caches are one level, so Caffeine's own cache.gets is their true hit rate.
    this.locals = new CaffeineCacheFactory(registry, clock, globalMaxItems);
    this.health = new L2Health(endpoint.setting() + " (" + endpoint.address() + ")", clock, options.retryAfter());
  }

  public RedisCacheFactory(RedisEndpoint endpoint, Bus bus, MeterRegistry registry, Clock clock, long globalMaxItems) {
    this(endpoint, bus, registry, clock, globalMaxItems, Options.DEFAULTS);
  }

  /** L1 plus invalidation broadcast; without a codec nothing can be written to Redis. */
  @Override
  public <K, V> Cache<K, V> create(CachePolicy policy) {
    return build(policy, null);
  }

  /** L1, Redis L2 written with {@code codec}, and invalidation broadcast. */
  @Override
  public <K, V> Cache<K, V> create(CachePolicy policy, CacheCodec<K, V> codec) {
    Objects.requireNonNull(codec, "codec");
    return build(policy, codec);
  }

  /** Caffeine alone, on this node: no Redis, no broadcast (see {@link CacheFactory#createLocal}). */
  @Override
  public <K, V> Cache<K, V> createLocal(CachePolicy policy) {
    return locals.create(policy);
  }

  private <K, V> Cache<K, V> build(CachePolicy policy, CacheCodec<K, V> codec) {
    Objects.requireNonNull(policy, "policy");
    String resource = policy.resource();
    try {
      Subjects.checkSubject(SUBJECT_PREFIX + resource);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cache " + resource
          + ": a resource name shared through Redis and the bus may use only letters, digits, '_', ':' and '-'", e);
    }
    Cache<String, TieredCache.Entry<K, V>> l1 = l1s.create(policy);
    long ttl = policy.invalidation() == CachePolicy.Invalidation.SIZE ? Long.MAX_VALUE : policy.ttl().toMillis();
    long l2Ttl = policy.invalidation() == CachePolicy.Invalidation.SIZE ? options.sizeOnlyL2Ttl().toMillis() : policy.ttl().toMillis();
    RedisL2 l2 = codec == null ? null
        : new RedisL2(endpoint.binary().sync(), options.prefix(), resource, options.tombstoneTtl().toMillis());
    TieredCache<K, V> cache = new TieredCache<>(resource, l1, codec, l2, health, clock, ttl, l2Ttl, bus, registry);
    caches.add(cache);
    return cache;
  }

  /** Stops every cache's invalidation subscription; the endpoint and the bus stay open. */
  @Override
  public void close() {
    caches.forEach(TieredCache::close);
    caches.clear();
  }
}
