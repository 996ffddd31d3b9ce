package io.ultrachat.auth.session;

import io.ultrachat.kernel.error.RateLimited;
import io.ultrachat.kernel.kv.InMemoryKeyValue;
import io.ultrachat.kernel.kv.KeyValue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backoff for one account under repeated failed logins, independent of the per-client rate
 * limit (an attacker spreading guesses over many addresses still meets it).
 *
 * <p>After {@code freeFailures} consecutive failures, each further attempt must wait
 * 1 s, 2 s, 4 s … up to {@code maxBackoff} after the last failure; a success clears the
 * count, and so does an hour without failures.
 *
 * <p>Design notes. The state is in the node's {@link KeyValue} (Redis in a cluster), so guesses
 * spread over every node meet one count: {@code login-failures:<name>} counts the failures of
 * the current run ({@link KeyValue#increment}, atomic across nodes) and {@code
 * login-last-failure:<name>} holds when the last one was. Both live an hour from the last failure
 * (the count is written back with a fresh lifetime; two failures racing on that write may count
 * as one, which only delays the backoff by a step), so an account costs two keys for an hour
 * after its last failure and nothing after. A failure that finds no last failure starts a new run.
 * <b>If the store fails</b>, this node counts in memory of its own until it answers again (logged
 * once per outage): an outage of Redis neither locks everyone out nor lifts the backoff. If that
 * memory is full too, the check lets the attempt through rather than fail the sign-in: the
 * per-client rate limit still applies. Thread-safe.
 */
public final class LoginThrottle {
  private static final Logger LOG = LoggerFactory.getLogger(LoginThrottle.class);
  /** A run of failures is forgotten this long after its last failure. */
  static final Duration FORGET_AFTER = Duration.ofHours(1);

  private final KeyValue shared;
  private final KeyValue fallback;
  private final Clock clock;
  private final int freeFailures;
  private final Duration maxBackoff;
  private final AtomicBoolean sharedFailing = new AtomicBoolean();

  public LoginThrottle(KeyValue shared, Clock clock, int freeFailures, Duration maxBackoff) {
    this(shared, clock, freeFailures, maxBackoff, 100_000);
  }

  /** @param fallbackKeys most keys this node's fallback memory holds (two per account) */
  LoginThrottle(KeyValue shared, Clock clock, int freeFailures, Duration maxBackoff, int fallbackKeys) {
    this.shared = shared;
    this.fallback = new InMemoryKeyValue(clock, fallbackKeys);
    this.clock = clock;
    this.freeFailures = freeFailures;
    this.maxBackoff = maxBackoff;
  }

  /** @throws RateLimited {@code login-throttled} if the account must wait */
  public void checkAllowed(String username) {
    String name = key(username);
    Optional<Instant> allowedAt = withStore(Optional.empty(), kv -> {
      Optional<String> last = kv.get(lastKey(name));
      if (last.isEmpty()) {
        return Optional.empty();
      }
      long count = kv.get(countKey(name)).map(Long::parseLong).orElse(0L);
      if (count < freeFailures) {
        return Optional.empty();
      }
      return Optional.of(Instant.ofEpochMilli(Long.parseLong(last.get())).plus(backoff(count)));
    });
    Instant now = clock.instant();
    if (allowedAt.isPresent() && now.isBefore(allowedAt.get())) {
      throw new RateLimited("login-throttled",
          "too many failed sign-ins for this account; try again later", Duration.between(now, allowedAt.get()));
    }
  }

  public void recordFailure(String username) {
    String name = key(username);
    String now = Long.toString(clock.millis());
    withStore(null, kv -> {
      if (kv.get(lastKey(name)).isEmpty()) {
        kv.delete(countKey(name));
      }
      long count = kv.increment(countKey(name), 1, FORGET_AFTER);
      if (count > 1) {
        kv.put(countKey(name), Long.toString(count), FORGET_AFTER);
      }
      kv.put(lastKey(name), now, FORGET_AFTER);
      return null;
    });
  }

  public void recordSuccess(String username) {
    String name = key(username);
    withStore(null, kv -> {
      kv.delete(lastKey(name));
      kv.delete(countKey(name));
      return null;
    });
  }

  /**
   * Runs {@code op} on the shared store, or on this node's memory while the shared one fails;
   * {@code ifBothFail} if that memory is full too.
   */
  private <T> T withStore(T ifBothFail, Function<KeyValue, T> op) {
    try {
      T result = op.apply(shared);
      if (sharedFailing.compareAndSet(true, false)) {
        LOG.info("login backoff is shared by every node again");
      }
      return result;
    } catch (NumberFormatException e) {
      throw new IllegalStateException("unreadable login backoff state in the key-value store", e);
    } catch (RuntimeException e) {
      if (sharedFailing.compareAndSet(false, true)) {
        LOG.warn("login backoff falls back to this node's memory: the key-value store failed ({})", e.getMessage());
      }
      try {
        return op.apply(fallback);
      } catch (IllegalStateException full) {
        LOG.warn("login backoff skipped: this node's fallback memory is full ({})", full.getMessage());
        return ifBothFail;
      }
    }
  }

  private Duration backoff(long count) {
    long exponent = Math.min(30, count - freeFailures);
    Duration d = Duration.ofSeconds(1L << exponent);
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }

  private static String countKey(String name) {
    return "login-failures:" + name;
  }

  private static String lastKey(String name) {
    return "login-last-failure:" + name;
  }

  private static String key(String username) {
    return username.toLowerCase(Locale.ROOT);
  }
}
