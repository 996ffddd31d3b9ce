package io.ultrachat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ultrachat.kernel.cache.Cache;
import io.ultrachat.kernel.cache.CacheFactory;
import io.ultrachat.kernel.cache.CachePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link Cache} and {@link CacheFactory}, for every implementation: subclass it
 * and return a factory whose time comes from {@link #clock}.
 */
public abstract class CacheContract {
  protected final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  protected abstract CacheFactory factory();

  private Cache<String, String> cache(Duration ttl, long max, CachePolicy.Invalidation invalidation) {
    return factory().create(new CachePolicy("test-" + invalidation.name().toLowerCase() + "-" + System.nanoTime(), ttl, max, invalidation));
  }

  @Test
  void loadsOnceThenHits() {
    Cache<String, String> c = cache(Duration.ofMinutes(5), 100, CachePolicy.Invalidation.BOTH);
    AtomicInteger loads = new AtomicInteger();
    assertThat(c.get("k", k -> {
      loads.incrementAndGet();
      return Optional.of("v");
    })).contains("v");
    assertThat(c.get("k", k -> {
      loads.incrementAndGet();
      return Optional.of("other");
    })).contains("v");
    assertThat(loads).hasValue(1);
  }

  @Test
  void emptyResultsAreNotCached() {
    Cache<String, String> c = cache(Duration.ofMinutes(5), 100, CachePolicy.Invalidation.BOTH);
    assertThat(c.get("k", k -> Optional.empty())).isEmpty();
    assertThat(c.get("k", k -> Optional.of("now"))).contains("now");
  }

  @Test
  void invalidationMakesTheNextReadLoad() {
    Cache<String, String> c = cache(Duration.ofMinutes(5), 100, CachePolicy.Invalidation.BOTH);
    c.put("k", "old");
    c.invalidate("k");
    assertThat(c.getIfPresent("k")).isEmpty();
    assertThat(c.get("k", k -> Optional.of("new"))).contains("new");
    c.invalidateAll();
    assertThat(c.getIfPresent("k")).isEmpty();
  }

  @Test
  void timeStrategyExpiresAfterTheTtl() {
    Cache<String, String> c = cache(Duration.ofSeconds(300), 100, CachePolicy.Invalidation.TIME);
    c.put("k", "v");
    clock.advance(Duration.ofSeconds(299));
    assertThat(c.getIfPresent("k")).contains("v");
    clock.advance(Duration.ofSeconds(2));
    assertThat(c.getIfPresent("k")).isEmpty();
  }

  @Test
  void sizeStrategyNeverExpiresButStaysBounded() {
    Cache<String, String> c = cache(Duration.ofSeconds(1), 10, CachePolicy.Invalidation.SIZE);
    c.put("k", "v");
    clock.advance(Duration.ofDays(30));
    assertThat(c.getIfPresent("k")).contains("v");
    for (int i = 0; i < 1000; i++) {
      c.put("k" + i, "v");
    }
    // Eviction may run in the background and is approximate: the bound holds once it has caught up.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(heldInMemory(c, 1000)).isLessThanOrEqualTo(10 + 5));
  }

  /**
   * How many of the keys {@code k0 … k<keys-1>} the cache holds in this process's memory, for the
   * {@code size} bound, which is per node. By default what {@link Cache#getIfPresent} finds. A
   * tiered cache whose shared tier is bounded by time rather than by the per-node item limit
   * (Redis) overrides this to count its local tier alone, and tests the shared tier's bound itself.
   */
  protected long heldInMemory(Cache<String, String> c, int keys) {
    return present(c, keys);
  }

  private static long present(Cache<String, String> c, int keys) {
    long present = 0;
    for (int i = 0; i < keys; i++) {
      present += c.getIfPresent("k" + i).isPresent() ? 1 : 0;
    }
    return present;
  }
}
