package io.ultrachat.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ultrachat.kernel.bus.InProcessBus;
import io.ultrachat.kernel.cache.Cache;
import io.ultrachat.kernel.cache.CacheCodec;
import io.ultrachat.kernel.cache.CacheFactory;
import io.ultrachat.kernel.cache.CachePolicy;
import io.ultrachat.kernel.cache.JsonCacheCodec;
import io.ultrachat.testkit.CacheContract;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Cache contract for Caffeine L1 + Redis L2 (with a codec), and the Redis side of it. */
class RedisCacheIT extends CacheContract {
  private static RedisEndpoint endpoint;
  private final String prefix = "ultrachat-test:" + UUID.randomUUID() + ":";
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final InProcessBus bus = new InProcessBus();
  private RedisCacheFactory redisFactory;

  /** A record value, as services cache them. */
  record Preferences(String userId, String theme, List<String> muted, Instant updatedAt) {}

  @BeforeAll
  static void connect() {
    endpoint = RedisEndpoint.connect("cache.redis-url", TestRedis.url(), Duration.ofSeconds(2));
  }

  @AfterAll
  static void disconnect() {
    endpoint.close();
  }

  @AfterEach
  void cleanUp() {
    if (redisFactory != null) {
      redisFactory.close();
    }
    bus.close();
    TestRedis.deleteKeys(endpoint, prefix);
  }

  private RedisCacheFactory redis() {
    if (redisFactory == null) {
      redisFactory = new RedisCacheFactory(endpoint, bus, registry, clock, 1_000_000, RedisCacheFactory.Options.DEFAULTS.withPrefix(prefix));
    }
    return redisFactory;
  }

  /** The contract creates caches without a codec; this one gives every cache a JSON codec, so L2 is in play. */
  @Override
  protected CacheFactory factory() {
    RedisCacheFactory f = redis();
    return new CacheFactory() {
      @Override
      @SuppressWarnings("unchecked")
      public <K, V> Cache<K, V> create(CachePolicy policy) {
        return f.create(policy, (CacheCodec<K, V>) JsonCacheCodec.of(String.class));
      }
    };
  }

  /** The size bound is per node: count L1; Redis holds size-policy entries for the global TTL instead. */
  @Override
  protected long heldInMemory(Cache<String, String> c, int keys) {
    TieredCache<String, String> tiered = (TieredCache<String, String>) c;
    long held = 0;
    for (int i = 0; i < keys; i++) {
      held += tiered.fromL1("k" + i).isPresent() ? 1 : 0;
    }
    return held;
  }

  private String dataKey(String resource, String id) {
    return prefix + "cache:{" + resource + "}:0:" + id;
  }

  @Test
  void recordsRoundTripThroughRedis() {
    CachePolicy policy = new CachePolicy("user-preferences", Duration.ofHours(24), 100, CachePolicy.Invalidation.BOTH);
    Cache<String, Preferences> writer = redis().create(policy, JsonCacheCodec.of(Preferences.class));
    Preferences p = new Preferences("u1", "dark", List.of("c1", "c2"), Instant.parse("2026-01-01T10:00:00Z"));
    writer.put("u1", p);
    // A second cache of the same resource has its own, empty L1: the value comes from Redis.
    Cache<String, Preferences> reader = redis().create(policy, JsonCacheCodec.of(Preferences.class));
    assertThat(reader.get("u1", k -> Optional.empty())).contains(p);
    assertThat(level("user-preferences", "l2", "hit")).isEqualTo(1);
  }

  @Test
  void redisTtlsFollowThePolicy() {
    Cache<String, String> time = redis().create(new CachePolicy("time-r", Duration.ofSeconds(300), 10, CachePolicy.Invalidation.TIME),
        JsonCacheCodec.of(String.class));
    Cache<String, String> size = redis().create(new CachePolicy("size-r", Duration.ofSeconds(1), 10, CachePolicy.Invalidation.SIZE),
        JsonCacheCodec.of(String.class));
    time.put("k", "v");
    size.put("k", "v");
    assertThat(endpoint.text().sync().pttl(dataKey("time-r", "k"))).isBetween(290_000L, 300_000L);
    // Size-only entries never expire in L1, but Redis keeps them for the global TTL, 3600 s.
    assertThat(endpoint.text().sync().pttl(dataKey("size-r", "k"))).isBetween(3_590_000L, 3_600_000L);
  }

  @Test
  void hitsAndMissesAreCountedOverallAndPerLevel() {
    CachePolicy policy = new CachePolicy("chat-messages", Duration.ofMinutes(5), 100, CachePolicy.Invalidation.TIME);
    Cache<String, String> node = redis().create(policy, JsonCacheCodec.of(String.class));
    node.get("a", k -> Optional.of("1")); // miss in L1, L2 and overall: loaded
    node.get("a", k -> Optional.of("1")); // L1 hit
    node.get("a", k -> Optional.of("1")); // L1 hit
    Cache<String, String> fresh = redis().create(policy, JsonCacheCodec.of(String.class));
    fresh.get("a", k -> Optional.of("1")); // L1 miss, L2 hit
    assertThat(overall("chat-messages", "hit")).isEqualTo(3);
    assertThat(overall("chat-messages", "miss")).isEqualTo(1);
    assertThat(level("chat-messages", "l1", "hit")).isEqualTo(2);
    assertThat(level("chat-messages", "l1", "miss")).isEqualTo(2);
    assertThat(level("chat-messages", "l2", "hit")).isEqualTo(1);
    assertThat(level("chat-messages", "l2", "miss")).isEqualTo(1);
    // Caffeine's own cache.gets (L1 alone) is not exported beside ours; its other meters are.
    assertThat(registry.find("cache.gets").tag("cache", "chat-messages").functionCounters()).isEmpty();
    assertThat(registry.find("cache.size").tag("cache", "chat-messages").gauges()).isNotEmpty();
  }

  @Test
  void withoutACodecNothingGoesToRedis() {
    Cache<String, String> c = redis().create(new CachePolicy("plain", Duration.ofMinutes(5), 100, CachePolicy.Invalidation.BOTH));
    assertThat(c.get("k", k -> Optional.of("v"))).contains("v");
    assertThat(c.get("k", k -> Optional.of("other"))).contains("v");
    c.invalidate("k");
    assertThat(c.get("k", k -> Optional.of("new"))).contains("new");
    assertThat(TestRedis.keys(endpoint, prefix)).isEmpty();
  }

  @Test
  void invalidateAllOrphansEveryRedisEntryAtOnce() {
    CachePolicy policy = new CachePolicy("all-r", Duration.ofMinutes(5), 100, CachePolicy.Invalidation.BOTH);
    Cache<String, String> a = redis().create(policy, JsonCacheCodec.of(String.class));
    a.put("x", "1");
    a.put("y", "2");
    a.invalidateAll();
    Cache<String, String> b = redis().create(policy, JsonCacheCodec.of(String.class));
    assertThat(b.getIfPresent("x")).isEmpty();
    assertThat(b.get("y", k -> Optional.of("fresh"))).contains("fresh");
  }

  @Test
  void anInvalidatedKeyRefusesAFillFromALoadThatStartedBefore() {
    CachePolicy policy = new CachePolicy("fill-r", Duration.ofMinutes(5), 100, CachePolicy.Invalidation.BOTH);
    Cache<String, String> a = redis().create(policy, JsonCacheCodec.of(String.class));
    Cache<String, String> b = redis().create(policy, JsonCacheCodec.of(String.class));
    // b's load read the store before a's write and invalidation, and finishes after them.
    assertThat(b.get("k", k -> {
      a.invalidate("k");
      return Optional.of("old");
    })).contains("old");
    Cache<String, String> c = redis().create(policy, JsonCacheCodec.of(String.class));
    assertThat(c.get("k", k -> Optional.of("new"))).contains("new");
  }

  private double overall(String cache, String result) {
    return registry.get("cache.gets").tag("cache", cache).tag("result", result).counter().count();
  }

  private double level(String cache, String level, String result) {
    return registry.get("cache.level.gets").tag("cache", cache).tag("level", level).tag("result", result).counter().count();
  }
}
