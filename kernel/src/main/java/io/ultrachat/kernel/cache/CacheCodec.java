package io.ultrachat.kernel.cache;

/**
 * How a cache's keys and values leave the process, for a shared tier (Redis) and for
 * invalidation messages between nodes. {@link JsonCacheCodec} covers immutable records.
 *
 * <p>Implementations are thread-safe and stateless. {@link #key} must be deterministic and
 * injective (two different keys never share a text), because the text is the entry's identity
 * on every node; {@link #decode} of {@link #encode} must give an equal value.
 */
public interface CacheCodec<K, V> {
  /** The key's identity as text, the same on every node and every version that shares a cache. */
  String key(K key);

  byte[] encode(V value);

  /**
   * Reads a value written by {@link #encode}, perhaps by another node or version.
   *
   * @throws IllegalArgumentException if the bytes cannot be read as a value; a shared tier then
   *     treats the entry as missing
   */
  V decode(byte[] bytes);
}
