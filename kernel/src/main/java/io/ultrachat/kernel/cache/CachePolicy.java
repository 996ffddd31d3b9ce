package io.ultrachat.kernel.cache;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How one cached resource expires, after the seed's {@code CacheConfig}: a time to live, a
 * maximum number of items, and which of the two applies.
 *
 * @param resource the resource name, e.g. {@code user-preferences}
 * @param ttl how long an entry lives after it was written (strategies {@code time} and {@code both})
 * @param maxItems most entries kept (strategies {@code size} and {@code both})
 * @param invalidation which limits apply
 */
public record CachePolicy(String resource, Duration ttl, long maxItems, Invalidation invalidation) {

  /** The seed's strategies. */
  public enum Invalidation {
    /** Entries expire after the TTL; the global item limit still bounds memory. */
    TIME,
    /** Entries are evicted when there are more than {@code maxItems}; they never expire. */
    SIZE,
    /** Both limits apply. */
    BOTH;

    public static Invalidation parse(String raw) {
      try {
        return valueOf(raw.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("expected time, size or both but was '" + raw + "'");
      }
    }
  }

  public CachePolicy {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(invalidation, "invalidation");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("cache " + resource + ": ttl must be positive but was " + ttl);
    }
    if (maxItems < 1) {
      throw new IllegalArgumentException("cache " + resource + ": max items must be at least 1 but was " + maxItems);
    }
  }
}
