package io.ultrachat.auth.session;

import java.time.Instant;
import java.util.Optional;

/** A login session: what a refresh token is bound to and what access tokens name in {@code sid}. */
public record Session(
    long id,
    long userId,
    Instant createdAt,
    Instant expiresAt,
    Instant lastUsedAt,
    Optional<Instant> revokedAt,
    Optional<String> revokeReason,
    String userAgent,
    String clientAddress) {

  public boolean isLive(Instant now) {
    return revokedAt.isEmpty() && now.isBefore(expiresAt);
  }
}
