package io.ultrachat.auth.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.ultrachat.kernel.error.RateLimited;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Backoff for one account under repeated failed logins, independent of the per-client rate
 * limit (an attacker spreading guesses over many addresses still meets it).
 *
 * <p>After {@code freeFailures} consecutive failures, each further attempt must wait
 * 1 s, 2 s, 4 s … up to {@code maxBackoff} after the last failure; a success clears the
 * count. State is in memory, bounded to 100,000 accounts and forgotten an hour after the last
 * failure. Thread-safe.
 */
public final class LoginThrottle {
  private record Failures(int count, Instant last) {}

  private final Cache<String, Failures> failures = Caffeine.newBuilder()
      .maximumSize(100_000)
      .expireAfterWrite(1, TimeUnit.HOURS)
      .build();
  private final Clock clock;
  private final int freeFailures;
  private final Duration maxBackoff;

  public LoginThrottle(Clock clock, int freeFailures, Duration maxBackoff) {
    this.clock = clock;
    this.freeFailures = freeFailures;
    this.maxBackoff = maxBackoff;
  }

  /** @throws RateLimited {@code login-throttled} if the account must wait */
  public void checkAllowed(String username) {
    Failures f = failures.getIfPresent(key(username));
    if (f == null || f.count() < freeFailures) {
      return;
    }
    Instant allowedAt = f.last().plus(backoff(f.count()));
    Instant now = clock.instant();
    if (now.isBefore(allowedAt)) {
      throw new RateLimited("login-throttled",
          "too many failed sign-ins for this account; try again later", Duration.between(now, allowedAt));
    }
  }

  public void recordFailure(String username) {
    Instant now = clock.instant();
    failures.asMap().merge(key(username), new Failures(1, now), (old, one) -> new Failures(old.count() + 1, now));
  }

  public void recordSuccess(String username) {
    failures.invalidate(key(username));
  }

  private Duration backoff(int count) {
    int exponent = Math.min(30, count - freeFailures);
    Duration d = Duration.ofSeconds(1L << exponent);
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }

  private static String key(String username) {
    return username.toLowerCase(Locale.ROOT);
  }
}
