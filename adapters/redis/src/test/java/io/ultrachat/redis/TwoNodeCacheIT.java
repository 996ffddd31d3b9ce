package io.ultrachat.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ultrachat.kernel.bus.InProcessBus;
import io.ultrachat.kernel.cache.Cache;
import io.ultrachat.kernel.cache.CachePolicy;
import io.ultrachat.kernel.cache.JsonCacheCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes, each with its own Redis connection, factory and metrics, sharing Redis and a bus
 * (an in-process bus standing in for the cluster's).
 */
class TwoNodeCacheIT {
  private final String prefix = "ultrachat-test:" + UUID.randomUUID() + ":";
  private final InProcessBus bus = new InProcessBus();
  private final CachePolicy policy = new CachePolicy("user-preferences", Duration.ofHours(24), 1000, CachePolicy.Invalidation.BOTH);
  /** The source of truth both nodes load from. */
  private final AtomicReference<String> store = new AtomicReference<>("v1");
  private final Function<String, Optional<String>> fromStore = k -> Optional.of(store.get());

  private Node a;
  private Node b;

  private final class Node implements AutoCloseable {
    final RedisEndpoint endpoint = RedisEndpoint.connect("cache.redis-url", TestRedis.url(), Duration.ofSeconds(2));
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final RedisCacheFactory factory = new RedisCacheFactory(endpoint, bus, registry, Clock.systemUTC(), 1_000_000,
        RedisCacheFactory.Options.DEFAULTS.withPrefix(prefix));
    final Cache<String, String> cache = factory.create(policy, JsonCacheCodec.of(String.class));

    double level(String level, String result) {
      return registry.get("cache.level.gets").tag("level", level).tag("result", result).counter().count();
    }

    @Override
    public void close() {
      factory.close();
      endpoint.close();
    }
  }

  @BeforeEach
  void start() {
    a = new Node();
    b = new Node();
  }

  @AfterEach
  void stop() {
    try (RedisEndpoint cleaner = RedisEndpoint.connect("cache.redis-url", TestRedis.url(), Duration.ofSeconds(2))) {
      TestRedis.deleteKeys(cleaner, prefix);
    }
    a.close();
    b.close();
    bus.close();
  }

  private static Optional<String> mustNotLoad(String key) {
    throw new AssertionError("loader called for " + key);
  }

  @Test
  void aValueLoadedOnOneNodeIsAnL2HitOnTheOther() {
    assertThat(a.cache.get("u1", fromStore)).contains("v1");
    assertThat(b.cache.get("u1", TwoNodeCacheIT::mustNotLoad)).contains("v1");
    assertThat(b.level("l1", "miss")).isEqualTo(1);
    assertThat(b.level("l2", "hit")).isEqualTo(1);
    // And from then on, from b's own memory.
    assertThat(b.cache.get("u1", TwoNodeCacheIT::mustNotLoad)).contains("v1");
    assertThat(b.level("l1", "hit")).isEqualTo(1);
  }

  @Test
  void anInvalidationOnOneNodeReachesTheOthersL1() {
    a.cache.get("u1", fromStore);
    b.cache.get("u1", fromStore);
    assertThat(b.cache.get("u1", TwoNodeCacheIT::mustNotLoad)).contains("v1");

    store.set("v2");
    a.cache.invalidate("u1");
    // The invalidating node is consistent at once.
    assertThat(a.cache.get("u1", fromStore)).contains("v2");
    // The other node once the broadcast has arrived (the bus's delivery time).
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(b.cache.get("u1", fromStore)).contains("v2"));
    assertThat(b.cache.get("u1", TwoNodeCacheIT::mustNotLoad)).contains("v2");
  }

  @Test
  void aWriteOnOneNodeReplacesTheOthersCopy() {
    a.cache.get("u1", fromStore);
    b.cache.get("u1", fromStore);
    a.cache.put("u1", "v3");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(b.cache.get("u1", TwoNodeCacheIT::mustNotLoad)).contains("v3"));
  }

  @Test
  void invalidateAllReachesEveryNode() {
    a.cache.get("u1", fromStore);
    b.cache.get("u2", fromStore);
    store.set("v2");
    b.cache.invalidateAll();
    assertThat(b.cache.get("u2", fromStore)).contains("v2");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a.cache.get("u1", fromStore)).contains("v2"));
  }

  @Test
  void aLoadRacingAnInvalidationOnAnotherNodeLeavesNoStaleCopy() {
    // b reads the store, then a writes it and invalidates, then b's load finishes.
    assertThat(b.cache.get("u1", k -> {
      String read = store.get();
      store.set("v2");
      a.cache.invalidate("u1");
      return Optional.of(read);
    })).contains("v1");
    assertThat(a.cache.get("u1", fromStore)).contains("v2");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(b.cache.get("u1", fromStore)).contains("v2"));
  }
}
