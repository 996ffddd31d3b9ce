package io.ultrachat.auth.apitoken;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** A long-lived, scoped credential for scripts and bots. Only its SHA-256 hash is stored. */
public record ApiToken(
    long id,
    long userId,
    String name,
    String tokenHash,
    Set<String> scopes,
    long createdBy,
    Instant createdAt,
    Optional<Instant> expiresAt,
    Optional<Instant> lastUsedAt,
    Optional<Instant> revokedAt) {

  public ApiToken {
    scopes = Set.copyOf(scopes);
  }

  public boolean usableAt(Instant now) {
    return revokedAt.isEmpty() && expiresAt.map(now::isBefore).orElse(true);
  }
}
