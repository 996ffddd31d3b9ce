package io.ultrachat.auth.apitoken;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Persistence of API tokens. Thread-safe; each method is atomic. */
public interface ApiTokenStore {
  void insert(ApiToken token);

  Optional<ApiToken> findByHash(String tokenHash);

  Optional<ApiToken> findById(long id);

  /** Unrevoked tokens of a user (expired ones included, so they can be seen), newest first. */
  List<ApiToken> listUnrevoked(long userId);

  /** Unrevoked, unexpired tokens of a user. */
  int countUsable(long userId, Instant now);

  /** @return false if unknown or already revoked */
  boolean revoke(long id, Instant at);

  /** Revokes every token of a user; returns how many. */
  int revokeAllOfUser(long userId, Instant at);

  void touch(long id, Instant at);
}
