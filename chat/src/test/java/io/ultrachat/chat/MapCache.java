package io.ultrachat.chat;

import io.ultrachat.kernel.cache.Cache;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** A plain map as {@link Cache}, enough for a cache decorator's contract: nothing expires or is evicted. */
public final class MapCache<K, V> implements Cache<K, V> {
  private final Map<K, V> map = new ConcurrentHashMap<>();
  private final String name;

  public MapCache(String name) {
    this.name = name;
  }

  @Override
  public Optional<V> get(K key, Function<K, Optional<V>> loader) {
    V v = map.get(key);
    if (v != null) {
      return Optional.of(v);
    }
    Optional<V> loaded = loader.apply(key);
    loaded.ifPresent(x -> map.put(key, x));
    return loaded;
  }

  @Override
  public Optional<V> getIfPresent(K key) {
    return Optional.ofNullable(map.get(key));
  }

  @Override
  public void put(K key, V value) {
    map.put(key, value);
  }

  @Override
  public void invalidate(K key) {
    map.remove(key);
  }

  @Override
  public void invalidateAll() {
    map.clear();
  }

  @Override
  public String name() {
    return name;
  }
}
