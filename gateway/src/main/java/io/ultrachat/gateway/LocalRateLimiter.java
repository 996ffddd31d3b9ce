package io.ultrachat.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.ultrachat.kernel.error.RateLimited;
import java.time.Duration;

/**
 * Token buckets per key (a client address or a user), one family per kind of limit. A bucket
 * holds {@code requests} tokens and refills them evenly over {@code window}, so a client may
 * burst up to the limit and then proceeds at the average rate.
 *
 * <p>Buckets live in process, bounded to one million keys per family and dropped after a
 * window of inactivity (a full bucket). Thread-safe. The limiter of a single node; a cluster
 * shares its counters through {@link SharedRateLimiter}.
 */
final class LocalRateLimiter implements RateLimiter {
  private final String code;
  private final int requests;
  private final Duration window;
  private final Cache<String, Bucket> buckets;

  LocalRateLimiter(String code, int requests, Duration window) {
    this.code = code;
    this.requests = requests;
    this.window = window;
    this.buckets = Caffeine.newBuilder().maximumSize(1_000_000).expireAfterAccess(window).build();
  }

  @Override
  public void acquire(String key) {
    Bucket bucket = buckets.get(key, k -> Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(requests).refillGreedy(requests, window).build())
        .build());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (!probe.isConsumed()) {
      throw new RateLimited(code, "too many requests; limit is " + requests + " per " + human(window),
          Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }
  }

  static String human(Duration d) {
    if (d.toSeconds() % 3600 == 0) {
      return d.toHours() + " h";
    }
    if (d.toSeconds() % 60 == 0) {
      return d.toMinutes() + " min";
    }
    return d.toSeconds() + " s";
  }
}
