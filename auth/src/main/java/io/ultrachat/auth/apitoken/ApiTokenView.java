package io.ultrachat.auth.apitoken;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** An API token as listed; {@code token} holds the secret only in the response that created it. */
public record ApiTokenView(
    String id, String userId, String name, List<String> scopes, Instant createdAt, Optional<Instant> expiresAt,
    Optional<Instant> lastUsedAt, Optional<String> token) {

  public static ApiTokenView of(ApiToken t) {
    return new ApiTokenView(Long.toString(t.id()), Long.toString(t.userId()), t.name(), t.scopes().stream().sorted().toList(),
        t.createdAt(), t.expiresAt(), t.lastUsedAt(), Optional.empty());
  }

  public static ApiTokenView created(ApiTokenService.Created c) {
    ApiTokenView v = of(c.token());
    return new ApiTokenView(v.id(), v.userId(), v.name(), v.scopes(), v.createdAt(), v.expiresAt(), v.lastUsedAt(), Optional.of(c.secret()));
  }

  /** The body that creates a token. */
  public record CreateRequest(String name, List<String> scopes, Integer expiresInDays) {}
}
