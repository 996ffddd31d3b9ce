package io.ultrachat.chat.invite;

import io.ultrachat.chat.workspace.Role;
import java.time.Instant;

/**
 * An invitation to join a workspace with a role ({@link Role#MEMBER} or {@link Role#GUEST}),
 * usable {@code maxUses} times until {@code expiresAt}. Its secret token is not part of it: only
 * the token's hash is stored, and the token is shown once, when the invite is created.
 */
public record Invite(
    long id, long workspaceId, Role role, long createdBy, Instant createdAt, Instant expiresAt, int maxUses, int uses) {

  public Invite {
    if (role != Role.MEMBER && role != Role.GUEST) {
      throw new IllegalArgumentException("an invite grants member or guest, not " + role.wire());
    }
    if (maxUses < 1 || uses < 0 || uses > maxUses) {
      throw new IllegalArgumentException("invite uses " + uses + " of " + maxUses);
    }
  }

  public boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }

  public boolean exhausted() {
    return uses >= maxUses;
  }
}
