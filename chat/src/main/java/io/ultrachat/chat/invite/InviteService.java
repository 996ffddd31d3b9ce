package io.ultrachat.chat.invite;

import io.ultrachat.kernel.secret.OpaqueTokens;
import io.ultrachat.chat.workspace.Role;
import io.ultrachat.chat.workspace.WorkspaceMember;
import io.ultrachat.chat.workspace.WorkspaceService;
import io.ultrachat.chat.workspace.WorkspaceStore;
import io.ultrachat.kernel.error.Conflict;
import io.ultrachat.kernel.error.Forbidden;
import io.ultrachat.kernel.error.InvalidInput;
import io.ultrachat.kernel.error.NotFound;
import io.ultrachat.kernel.id.IdGenerator;
import io.ultrachat.kernel.time.Clocks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Invitations to a workspace: owners and admins create, list and revoke them; anyone holding
 * an invite's token joins the workspace with the invite's role while it lasts and has uses left.
 * A token is shown once, at creation; only its SHA-256 is stored.
 */
public final class InviteService {
  /** Invite secrets start with this, so people and secret scanners can tell what they are. */
  static final String TOKEN_PREFIX = "uci_";

  public static final int EXPIRES_IN_HOURS_DEFAULT = 168;
  public static final int EXPIRES_IN_HOURS_MAX = 720;
  public static final int MAX_USES_DEFAULT = 1;
  public static final int MAX_USES_MAX = 1000;
  /** Open (unexpired, not used up) invites a workspace may have at once. */
  public static final int OPEN_INVITES_MAX = 100;
  /** Longer strings are refused as input rather than looked up. */
  public static final int TOKEN_MAX = 100;
  /** Expired invites are kept this long (accepting them answers "expired"), then purged. */
  public static final Duration EXPIRED_KEPT = Duration.ofDays(30);

  private final InviteStore invites;
  private final WorkspaceService workspaces;
  private final IdGenerator ids;
  private final Clock clock;

  public InviteService(InviteStore invites, WorkspaceService workspaces, IdGenerator ids, Clock clock) {
    this.invites = invites;
    this.workspaces = workspaces;
    this.ids = ids;
    this.clock = clock;
  }

  /** A new invite and its secret token, which is never available again. */
  public record NewInvite(Invite invite, String token) {}

  /**
   * Creates an invite.
   *
   * @param role {@code member} or {@code guest}; empty means {@code member}
   * @param expiresInHours 1 to {@value #EXPIRES_IN_HOURS_MAX}; empty means {@value #EXPIRES_IN_HOURS_DEFAULT}
   * @param maxUses 1 to {@value #MAX_USES_MAX}; empty means {@value #MAX_USES_DEFAULT}
   * @throws NotFound if the caller is not in the workspace
   * @throws Forbidden if the caller is not an owner or admin of it
   * @throws InvalidInput if an argument is out of range
   * @throws Conflict {@code too-many-invites} if the workspace has {@value #OPEN_INVITES_MAX} open invites
   */
  public NewInvite create(long actor, long workspaceId, Optional<String> role, Optional<Long> expiresInHours, Optional<Long> maxUses) {
    requireManager(actor, workspaceId);
    Role r = switch (role.orElse("member")) {
      case "member" -> Role.MEMBER;
      case "guest" -> Role.GUEST;
      default -> throw InvalidInput.field("role", "must be member or guest");
    };
    long hours = expiresInHours.orElse((long) EXPIRES_IN_HOURS_DEFAULT);
    if (hours < 1 || hours > EXPIRES_IN_HOURS_MAX) {
      throw InvalidInput.field("expiresInHours", "must be between 1 and " + EXPIRES_IN_HOURS_MAX);
    }
    long uses = maxUses.orElse((long) MAX_USES_DEFAULT);
    if (uses < 1 || uses > MAX_USES_MAX) {
      throw InvalidInput.field("maxUses", "must be between 1 and " + MAX_USES_MAX);
    }
    Instant now = Clocks.nowMillis(clock);
    Invite invite = new Invite(ids.next(), workspaceId, r, actor, now, now.plus(Duration.ofHours(hours)), (int) uses, 0);
    String token = OpaqueTokens.generate(TOKEN_PREFIX);
    if (!invites.create(invite, OpaqueTokens.hash(token), OPEN_INVITES_MAX, now)) {
      throw new Conflict("too-many-invites", "the workspace has " + OPEN_INVITES_MAX
          + " open invites; revoke some or let them expire first");
    }
    return new NewInvite(invite, token);
  }

  /** Every invite of the workspace, newest first, without tokens. */
  public List<Invite> list(long actor, long workspaceId) {
    requireManager(actor, workspaceId);
    return invites.listInWorkspace(workspaceId);
  }

  /** Revokes an invite: its token names nothing from now on. */
  public void revoke(long actor, long workspaceId, long inviteId) {
    requireManager(actor, workspaceId);
    if (!invites.delete(workspaceId, inviteId)) {
      throw notFound();
    }
  }

  /**
   * Joins the invite's workspace with its role, spending one use. A caller who is already a
   * member keeps their role and spends nothing.
   *
   * @return the workspace as the caller now sees it
   * @throws InvalidInput if the token is missing, empty or too long
   * @throws NotFound {@code invite-not-found} if the token names no invite (unknown or revoked)
   * @throws Conflict {@code invite-expired} or {@code invite-exhausted}
   */
  public WorkspaceStore.WorkspaceWithRole accept(long actor, String token) {
    if (token == null) {
      throw InvalidInput.field("token", "is required");
    }
    if (token.isEmpty() || token.length() > TOKEN_MAX) {
      throw InvalidInput.field("token", "must be 1 to " + TOKEN_MAX + " characters");
    }
    Invite invite = invites.findByTokenHash(OpaqueTokens.hash(token)).orElseThrow(InviteService::notFound);
    switch (invites.redeem(invite.id(), actor, Clocks.nowMillis(clock))) {
      case JOINED, ALREADY_MEMBER -> {
        return workspaces.get(actor, invite.workspaceId());
      }
      case NOT_FOUND -> throw notFound();
      case EXPIRED -> throw new Conflict("invite-expired", "the invite has expired; ask for a new one");
      case EXHAUSTED -> throw new Conflict("invite-exhausted", "the invite has been used as often as it allows; ask for a new one");
      default -> throw new IllegalStateException("unexpected redemption");
    }
  }

  /** Deletes invites that expired more than {@link #EXPIRED_KEPT} ago; for the daily maintenance. */
  public int purgeExpired() {
    return invites.deleteExpiredBefore(Clocks.nowMillis(clock).minus(EXPIRED_KEPT));
  }

  private void requireManager(long actor, long workspaceId) {
    WorkspaceMember me = workspaces.requireMember(actor, workspaceId);
    if (!me.role().manages()) {
      throw new Forbidden("workspace-admin-required", "only workspace owners and admins manage invites");
    }
  }

  private static NotFound notFound() {
    return new NotFound("invite-not-found", "invite not found");
  }
}
