package io.ultrachat.gateway;

import io.ultrachat.kernel.error.RateLimited;
import io.ultrachat.kernel.kv.KeyValue;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rate limit counted in the shared {@link KeyValue} store (Redis in a cluster), so a client
 * gets one allowance however many nodes its requests reach.
 *
 * <p>Design notes. Each key counts in fixed windows: one atomic {@link KeyValue#increment} of
 * {@code ratelimit:<family>:<key>:<window index>}, an entry that expires shortly after its
 * window, so the store holds no more than the active keys. A fixed window lets a client send up
 * to twice the limit across a window boundary, which is acceptable for abuse limits and costs one
 * round trip instead of a token bucket's read-modify-write. {@code Retry-After} is the rest of
 * the window. <b>If the store fails</b>, requests are let through (fail open) and the failure is
 * logged at most once a minute: a rate limiter must not turn a Redis outage into an outage of
 * the API.
 */
final class SharedRateLimiter implements RateLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(SharedRateLimiter.class);
  private static final long LOG_EVERY_MS = 60_000;

  private final KeyValue kv;
  private final Clock clock;
  private final String family;
  private final String code;
  private final int requests;
  private final long windowMs;
  private final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE / 2);

  SharedRateLimiter(KeyValue kv, Clock clock, String family, String code, int requests, Duration window) {
    if (window.toMillis() < 1) {
      throw new IllegalArgumentException("rate limit " + family + ": window must be at least 1 ms but was " + window);
    }
    this.kv = kv;
    this.clock = clock;
    this.family = family;
    this.code = code;
    this.requests = requests;
    this.windowMs = window.toMillis();
  }

  @Override
  public void acquire(String key) {
    long now = clock.millis();
    long index = now / windowMs;
    long count;
    try {
      // Keys are bounded by KeyValue.NAME_MAX; client addresses and user ids are far shorter.
      count = kv.increment("ratelimit:" + family + ":" + key + ":" + index, 1, Duration.ofMillis(windowMs + 1_000));
    } catch (RuntimeException e) {
      long last = lastLogged.get();
      if (now - last >= LOG_EVERY_MS && lastLogged.compareAndSet(last, now)) {
        LOG.warn("rate limit {} not applied: the shared store failed ({}); letting requests through", family, e.toString());
      }
      return;
    }
    if (count > requests) {
      long retryMs = Math.max(1, (index + 1) * windowMs - now);
      throw new RateLimited(code, "too many requests; limit is " + requests + " per "
          + LocalRateLimiter.human(Duration.ofMillis(windowMs)), Duration.ofMillis(retryMs));
    }
  }
}
