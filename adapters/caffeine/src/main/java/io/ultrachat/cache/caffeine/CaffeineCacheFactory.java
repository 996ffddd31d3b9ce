package io.ultrachat.cache.caffeine;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.ultrachat.kernel.cache.Cache;
import io.ultrachat.kernel.cache.CacheFactory;
import io.ultrachat.kernel.cache.CachePolicy;
import java.time.Clock;

/**
 * Caffeine caches shaped by {@link CachePolicy}: {@code time} sets expire-after-write (bounded
 * by the global item limit all the same), {@code size} a maximum size, {@code both} both.
 * Every cache records statistics, exported per resource as {@code cache_gets_total{cache,
 * result=hit|miss}}, {@code cache_evictions_total} and {@code cache_size}. Time comes from the
 * injected clock, so tests expire entries without sleeping.
 */
public final class CaffeineCacheFactory implements CacheFactory {
  private final MeterRegistry registry;
  private final Ticker ticker;
  private final long globalMaxItems;

  public CaffeineCacheFactory(MeterRegistry registry, Clock clock, long globalMaxItems) {
    this.registry = registry;
    this.ticker = () -> clock.millis() * 1_000_000L;
    this.globalMaxItems = globalMaxItems;
  }

  @Override
  public <K, V> Cache<K, V> create(CachePolicy policy) {
    Caffeine<Object, Object> builder = Caffeine.newBuilder().ticker(ticker).recordStats();
    switch (policy.invalidation()) {
      case TIME -> builder.expireAfterWrite(policy.ttl()).maximumSize(globalMaxItems);
      case SIZE -> builder.maximumSize(policy.maxItems());
      case BOTH -> builder.expireAfterWrite(policy.ttl()).maximumSize(policy.maxItems());
    }
    com.github.benmanes.caffeine.cache.Cache<K, V> cache = builder.build();
    CaffeineCacheMetrics.monitor(registry, cache, policy.resource());
    return new CaffeineCache<>(policy.resource(), cache);
  }
}
