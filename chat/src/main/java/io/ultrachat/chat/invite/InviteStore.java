package io.ultrachat.chat.invite;

import io.ultrachat.store.jdbc.DuplicateKeyException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Persistence of workspace invites. Thread-safe; each method is atomic. */
public interface InviteStore {
  /**
   * Stores a new invite (with {@code uses} as given, normally 0) under the hash of its token,
   * unless the workspace already has {@code maxOpen} or more open invites at {@code now} (neither
   * expired nor used up). Concurrent creations cannot together pass the limit.
   *
   * @return false if the limit was reached and nothing was stored
   * @throws DuplicateKeyException if the id or the token hash is taken
   */
  boolean create(Invite invite, String tokenHash, int maxOpen, Instant now);

  Optional<Invite> find(long workspaceId, long inviteId);

  Optional<Invite> findByTokenHash(String tokenHash);

  /** Every invite of a workspace (also expired and used-up ones), newest first. */
  List<Invite> listInWorkspace(long workspaceId);

  /** Deletes an invite; its token then names nothing. @return false if there was no such invite */
  boolean delete(long workspaceId, long inviteId);

  /** Deletes every invite that expired before {@code cutoff}; returns how many. */
  int deleteExpiredBefore(Instant cutoff);

  /** What {@link #redeem} did. */
  enum Redemption {
    /** The user joined the workspace with the invite's role; one use was counted. */
    JOINED,
    /** The user was already a member; nothing changed and no use was counted. */
    ALREADY_MEMBER,
    /** There is no such invite (any more). */
    NOT_FOUND,
    /** The invite expired at or before {@code now}. */
    EXPIRED,
    /** Every use of the invite is spent. */
    EXHAUSTED
  }

  /**
   * Makes the user a member of the invite's workspace with the invite's role, counting one use,
   * if the invite exists, has not expired at {@code now} and has a use left. A user who is
   * already a member keeps their role and spends no use. Concurrent redemptions never count more
   * than {@code maxUses} uses: the count is moved by one conditional update.
   */
  Redemption redeem(long inviteId, long userId, Instant now);
}
