package io.ultrachat.kernel.cache;

/** Makes named caches; one per process, so every cache is measured and configured the same way. */
public interface CacheFactory {
  <K, V> Cache<K, V> create(CachePolicy policy);
}
