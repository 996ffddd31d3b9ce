package io.ultrachat.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Redis L2 of one factory is worth calling: a small circuit breaker shared by its
 * caches. After a failure, L2 is skipped for {@code retryAfter} (one call then probes it), so an
 * outage costs each read at most one failed command per interval instead of one per read. An
 * outage is logged once when it starts and once when it ends. Thread-safe.
 */
final class L2Health {
  private static final Logger LOG = LoggerFactory.getLogger(L2Health.class);

  private final String address;
  private final Clock clock;
  private final long retryAfterMillis;
  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private volatile long retryAt;

  L2Health(String address, Clock clock, Duration retryAfter) {
    this.address = address;
    this.clock = clock;
    this.retryAfterMillis = retryAfter.toMillis();
  }

  /** True unless L2 failed less than {@code retryAfter} ago. */
  boolean shouldTry() {
    return healthy.get() || clock.millis() >= retryAt;
  }

  boolean healthy() {
    return healthy.get();
  }

  void succeeded() {
    if (!healthy.get() && healthy.compareAndSet(false, true)) {
      LOG.info("Redis cache L2 at {} is back; caches use it again", address);
    }
  }

  void failed(String cache, RuntimeException e) {
    retryAt = clock.millis() + retryAfterMillis;
    if (healthy.compareAndSet(true, false)) {
      LOG.warn("Redis cache L2 at {} failed (cache {}: {}); caches serve from L1 and their loaders until it is back",
          address, cache, e.toString());
    }
  }
}
