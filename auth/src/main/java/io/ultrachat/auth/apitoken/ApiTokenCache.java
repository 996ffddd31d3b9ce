package io.ultrachat.auth.apitoken;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.ultrachat.auth.account.User;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Recently resolved API tokens, so the edge does not query the database on every request
 * made with one. Revocations on this node invalidate at once; entries also expire after
 * {@code ttl}, which bounds how long a revocation made on another node takes to apply.
 */
public final class ApiTokenCache {
  /** A token with the account that holds it, as the edge needs them together. */
  public record Resolved(ApiToken token, User holder) {}

  private final Cache<String, Optional<Resolved>> cache;

  public ApiTokenCache(Duration ttl) {
    this.cache = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(100_000).build();
  }

  public Optional<Resolved> get(String tokenHash, Function<String, Optional<Resolved>> loader) {
    return cache.get(tokenHash, loader);
  }

  public void invalidate(String tokenHash) {
    cache.invalidate(tokenHash);
  }

  public void invalidateAll() {
    cache.invalidateAll();
  }
}
