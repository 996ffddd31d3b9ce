package io.ultrachat.auth.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * The sessions revoked recently enough that access tokens naming them may still be
 * unexpired. Checked at the edge on every request, so a logout or a revoked session stops
 * its access tokens at once instead of after up to one token lifetime.
 *
 * <p>An entry needs to live only as long as the longest access token (plus skew); the set is
 * warmed from the store at start. Thread-safe; lookups are a hash probe.
 */
public final class SessionRevocations {
  private final Cache<Long, Boolean> revoked;

  public SessionRevocations(Duration remember) {
    this.revoked = Caffeine.newBuilder().expireAfterWrite(remember).maximumSize(1_000_000).build();
  }

  public void add(long sessionId) {
    revoked.put(sessionId, Boolean.TRUE);
  }

  public boolean contains(long sessionId) {
    return revoked.getIfPresent(sessionId) != null;
  }
}
