package io.ultrachat.kernel.cache;

import java.util.Objects;

/** Makes named caches; one per process, so every cache is measured and configured the same way. */
public interface CacheFactory {
  <K, V> Cache<K, V> create(CachePolicy policy);

  /**
   * A cache whose entries may also be kept outside this process (a shared tier such as Redis),
   * written and read with {@code codec}. Factories that keep entries only in memory ignore the
   * codec, which is what this default does; a shared-tier factory without a codec falls back to
   * its local tier alone.
   */
  default <K, V> Cache<K, V> create(CachePolicy policy, CacheCodec<K, V> codec) {
    Objects.requireNonNull(codec, "codec");
    return create(policy);
  }

  /**
   * A cache kept in this process only: never written to a shared tier and never invalidated by
   * other nodes. For values whose keys already say when they go stale (a versioned key), where
   * sharing would only add traffic. The default is {@link #create(CachePolicy)}, which for an
   * in-memory factory is exactly that.
   */
  default <K, V> Cache<K, V> createLocal(CachePolicy policy) {
    return create(policy);
  }
}
