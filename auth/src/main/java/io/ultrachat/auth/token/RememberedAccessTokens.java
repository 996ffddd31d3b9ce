package io.ultrachat.auth.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.ultrachat.kernel.error.Unauthenticated;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/**
 * Access tokens verified cryptographically on first sight and then remembered by their exact
 * text, so a client's repeat requests cost a hash probe instead of an RSA verify. Expiry is still
 * checked on every call: a remembered token past its expiry is verified again in full, so the
 * skew rule and the error code are the verifier's. Revocation is the caller's to check. Bounded
 * to 50,000 tokens (about 1 KiB each, ~50 MiB), each kept at most ten minutes. Thread-safe.
 */
public final class RememberedAccessTokens {
  /** Longest bearer token accepted at the edge, before any parsing. */
  public static final int MAX_BEARER_LENGTH = 8192;

  private final Function<String, AccessTokenClaims> verifier;
  private final Clock clock;
  private final Cache<String, AccessTokenClaims> verified;

  /** @param verifier verifies a token in full, throwing {@link Unauthenticated} if it is not valid */
  public RememberedAccessTokens(Function<String, AccessTokenClaims> verifier, Clock clock) {
    this.verifier = verifier;
    this.clock = clock;
    this.verified = Caffeine.newBuilder()
        .ticker(() -> clock.millis() * 1_000_000L)
        .maximumSize(50_000)
        .expireAfterWrite(Duration.ofMinutes(10))
        .build();
  }

  /** Refuses a bearer token longer than {@value #MAX_BEARER_LENGTH} characters. */
  public static void checkBearerLength(String bearer) {
    if (bearer.length() > MAX_BEARER_LENGTH) {
      throw new Unauthenticated("invalid-token", "the bearer token is too long");
    }
  }

  /** The token's claims if it is valid now. @throws Unauthenticated if it is not */
  public AccessTokenClaims verify(String jwt) {
    AccessTokenClaims claims = verified.getIfPresent(jwt);
    if (claims == null) {
      claims = verifier.apply(jwt);
      verified.put(jwt, claims);
    } else if (!clock.instant().isBefore(claims.expiresAt())) {
      claims = verifier.apply(jwt);
    }
    return claims;
  }
}
