package io.ultrachat.cache.caffeine;

import io.ultrachat.kernel.cache.Cache;
import java.util.Optional;
import java.util.function.Function;

/** {@link Cache} over a Caffeine cache; empty loader results are not cached. */
final class CaffeineCache<K, V> implements Cache<K, V> {
  private final String name;
  private final com.github.benmanes.caffeine.cache.Cache<K, V> cache;

  CaffeineCache(String name, com.github.benmanes.caffeine.cache.Cache<K, V> cache) {
    this.name = name;
    this.cache = cache;
  }

  @Override
  public Optional<V> get(K key, Function<K, Optional<V>> loader) {
    return Optional.ofNullable(cache.get(key, k -> loader.apply(k).orElse(null)));
  }

  @Override
  public Optional<V> getIfPresent(K key) {
    return Optional.ofNullable(cache.getIfPresent(key));
  }

  @Override
  public Optional<V> peek(K key) {
    return Optional.ofNullable(cache.policy().getIfPresentQuietly(key));
  }

  @Override
  public void put(K key, V value) {
    cache.put(key, value);
  }

  @Override
  public void invalidate(K key) {
    cache.invalidate(key);
  }

  @Override
  public void invalidateAll() {
    cache.invalidateAll();
  }

  @Override
  public String name() {
    return name;
  }
}
