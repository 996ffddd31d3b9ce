package io.ultrachat.kernel.cache;

import java.util.Optional;
import java.util.function.Function;

/**
 * A named, bounded cache of one resource (for example {@code chat-messages}), configured by a
 * {@link CachePolicy}. Values must be immutable. Implementations are thread-safe and count hits
 * and misses per resource.
 *
 * <p>Writers invalidate: after changing the source of truth, call {@link #invalidate} for the
 * keys they touched, so readers never see the old value afterwards on this node.
 */
public interface Cache<K, V> {
  /** The cached value, or the loader's, which is cached unless it returns empty. */
  Optional<V> get(K key, Function<K, Optional<V>> loader);

  Optional<V> getIfPresent(K key);

  /**
   * The cached value, without loading and without counting a hit or a miss: for a decorator that
   * looks at an entry to decide which lookup serves a request, then counts that lookup alone.
   * The default counts it like {@link #getIfPresent}; implementations that keep statistics
   * override it.
   */
  default Optional<V> peek(K key) {
    return getIfPresent(key);
  }

  void put(K key, V value);

  void invalidate(K key);

  void invalidateAll();

  /** The resource name, as in metrics and settings. */
  String name();
}
