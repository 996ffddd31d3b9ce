package io.ultrachat.auth.account;

import io.ultrachat.store.jdbc.DuplicateKeyException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Persistence of accounts. Implementations are thread-safe; each method is atomic.
 * Usernames are unique case-insensitively.
 */
public interface UserStore {
  /**
   * Inserts a user.
   *
   * @throws DuplicateKeyException if the id or the username (ignoring case) is taken
   */
  void insert(User user);

  /**
   * Inserts a user as admin if and only if no person exists yet, atomically; otherwise as
   * given. Returns the user as stored.
   */
  User insertFirstPersonAsAdmin(User user);

  Optional<User> findById(long id);

  /** By username, ignoring case. */
  Optional<User> findByUsername(String username);

  /** @return false if no such user */
  boolean updateDisplayName(long id, String displayName, Instant at);

  /** @return false if no such user */
  boolean updatePasswordHash(long id, String passwordHash, Instant at);

  /** @return false if no such user */
  boolean setAdmin(long id, boolean admin, Instant at);

  /** @return false if no such user or already deactivated */
  boolean deactivate(long id, Instant at);

  /** Active bots owned by a person, oldest first. */
  List<User> listBots(long ownerId);
}
