package io.ultrachat.auth.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Persistence of login sessions and their refresh tokens (kept only as SHA-256 hashes).
 * Thread-safe; each method is atomic.
 */
public interface SessionStore {
  /** Stores a new session with its first, active refresh token. */
  void create(Session session, String refreshTokenHash);

  /** The session a refresh token hash belongs to, active or rotated; empty if unknown. */
  Optional<RefreshTokenState> findByRefreshTokenHash(String tokenHash);

  /**
   * Atomically marks {@code oldHash} rotated, adds {@code newHash} as the active token and
   * moves the session's expiry. Returns false, changing nothing, if {@code oldHash} was not
   * the session's active token any more (a concurrent refresh won, or it was replayed).
   */
  boolean rotateRefreshToken(long sessionId, String oldHash, String newHash, Instant newExpiresAt, Instant at);

  /** Records use of a session. */
  void touch(long sessionId, Instant at);

  Optional<Session> findById(long sessionId);

  /** Unrevoked, unexpired sessions of a user, most recently used first. */
  List<Session> listLive(long userId, Instant now);

  /** @return false if unknown or already revoked */
  boolean revoke(long sessionId, String reason, Instant at);

  /**
   * Revokes every unrevoked session of a user (expired ones included) except {@code keep}
   * (pass 0 to keep none).
   *
   * @return the ids revoked
   */
  List<Long> revokeAllOfUser(long userId, long keep, String reason, Instant at);

  /** Ids of sessions revoked at or after {@code since}, for warming revocation checks at start. */
  List<Long> revokedSince(Instant since);
}
