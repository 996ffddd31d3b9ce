package io.ultrachat.chat.workspace;

import io.ultrachat.auth.api.UserDirectory;
import io.ultrachat.auth.api.UserSummary;
import io.ultrachat.chat.conversation.ConversationStore;
import io.ultrachat.kernel.error.Conflict;
import io.ultrachat.kernel.error.Forbidden;
import io.ultrachat.kernel.error.InvalidInput;
import io.ultrachat.kernel.error.NotFound;
import io.ultrachat.kernel.id.IdGenerator;
import io.ultrachat.kernel.time.Clocks;
import io.ultrachat.kernel.validation.Input;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Workspaces and their members. Anything about a workspace the caller does not belong to is
 * reported as not found, so ids cannot be probed.
 */
public final class WorkspaceService {
  public static final int NAME_MAX = 80;

  private final WorkspaceStore workspaces;
  private final ConversationStore conversations;
  private final UserDirectory users;
  private final IdGenerator ids;
  private final Clock clock;

  public WorkspaceService(WorkspaceStore workspaces, ConversationStore conversations, UserDirectory users, IdGenerator ids, Clock clock) {
    this.workspaces = workspaces;
    this.conversations = conversations;
    this.users = users;
    this.ids = ids;
    this.clock = clock;
  }

  /** A member with their public profile. */
  public record MemberProfile(WorkspaceMember member, UserSummary user) {}

  public WorkspaceStore.WorkspaceWithRole create(long actor, String name) {
    String label = Input.label("name", name, NAME_MAX);
    Workspace w = new Workspace(ids.next(), label, actor, Clocks.nowMillis(clock));
    workspaces.create(w);
    return new WorkspaceStore.WorkspaceWithRole(w, Role.OWNER);
  }

  public List<WorkspaceStore.WorkspaceWithRole> list(long actor) {
    return workspaces.listForUser(actor);
  }

  /** The caller's membership. @throws NotFound if they are not in the workspace (or it does not exist) */
  public WorkspaceMember requireMember(long actor, long workspaceId) {
    return workspaces.member(workspaceId, actor).orElseThrow(() -> new NotFound("workspace-not-found", "workspace not found"));
  }

  public WorkspaceStore.WorkspaceWithRole get(long actor, long workspaceId) {
    WorkspaceMember m = requireMember(actor, workspaceId);
    Workspace w = workspaces.find(workspaceId).orElseThrow(() -> new NotFound("workspace-not-found", "workspace not found"));
    return new WorkspaceStore.WorkspaceWithRole(w, m.role());
  }

  /**
   * Renames the workspace and/or sets how long its messages are kept; owners and admins only.
   * Older messages go at the next daily maintenance (and at start), not at once.
   *
   * @param retentionDays present to change it: a number of days from {@value Workspace#RETENTION_DAYS_MIN} to
   *     {@value Workspace#RETENTION_DAYS_MAX}, or empty to keep messages forever
   * @throws NotFound if the caller is not in the workspace
   * @throws Forbidden {@code workspace-admin-required} if they are not an owner or admin
   * @throws InvalidInput if neither is given or a value is refused
   */
  public WorkspaceStore.WorkspaceWithRole update(long actor, long workspaceId, Optional<String> name,
      Optional<Optional<Long>> retentionDays) {
    WorkspaceMember me = requireMember(actor, workspaceId);
    if (name.isEmpty() && retentionDays.isEmpty()) {
      throw new InvalidInput("invalid-input", "name one of: name, retentionDays");
    }
    if (!me.role().manages()) {
      throw new Forbidden("workspace-admin-required", "only workspace owners and admins change the workspace");
    }
    Optional<String> label = name.map(n -> Input.label("name", n, NAME_MAX));
    Optional<Optional<Integer>> days = retentionDays.map(d -> d.map(WorkspaceService::retentionDays));
    if (!workspaces.update(workspaceId, label, days)) {
      throw new NotFound("workspace-not-found", "workspace not found");
    }
    return get(actor, workspaceId);
  }

  private static int retentionDays(long days) {
    if (days < Workspace.RETENTION_DAYS_MIN || days > Workspace.RETENTION_DAYS_MAX) {
      throw InvalidInput.field("retentionDays", "must be between " + Workspace.RETENTION_DAYS_MIN + " and "
          + Workspace.RETENTION_DAYS_MAX + " days, or null to keep messages forever");
    }
    return (int) days;
  }

  public List<MemberProfile> members(long actor, long workspaceId) {
    requireMember(actor, workspaceId);
    return workspaces.members(workspaceId).stream()
        .flatMap(m -> users.findById(m.userId()).map(u -> new MemberProfile(m, u)).stream())
        .toList();
  }

  /** Adds a user with a role, or changes a member's role. */
  public MemberProfile putMember(long actor, long workspaceId, long userId, Role role) {
    WorkspaceMember me = requireMember(actor, workspaceId);
    if (!me.role().manages()) {
      throw new Forbidden("workspace-admin-required", "only workspace owners and admins manage members");
    }
    UserSummary user = users.findById(userId).orElseThrow(() -> new NotFound("user-not-found", "user not found"));
    Role current = workspaces.member(workspaceId, userId).map(WorkspaceMember::role).orElse(null);
    boolean touchesOwnerOrAdmin = role == Role.OWNER || role == Role.ADMIN || current == Role.OWNER || current == Role.ADMIN;
    if (touchesOwnerOrAdmin && me.role() != Role.OWNER) {
      throw new Forbidden("workspace-admin-required", "only owners grant or remove the owner and admin roles");
    }
    if (current == Role.OWNER && role != Role.OWNER && workspaces.countOwners(workspaceId) <= 1) {
      throw new Conflict("last-owner", "the last owner cannot be demoted; make someone else owner first");
    }
    WorkspaceMember stored = workspaces.putMember(workspaceId, userId, role, Clocks.nowMillis(clock));
    return new MemberProfile(stored, user);
  }

  /** Removes a member; removing yourself is leaving. */
  public void removeMember(long actor, long workspaceId, long userId) {
    WorkspaceMember me = requireMember(actor, workspaceId);
    if (actor == userId) {
      if (me.role() == Role.OWNER && workspaces.countOwners(workspaceId) <= 1) {
        throw new Conflict("last-owner", "the last owner cannot leave; make someone else owner first");
      }
    } else {
      if (!me.role().manages()) {
        throw new Forbidden("workspace-admin-required", "only workspace owners and admins remove members");
      }
      WorkspaceMember target = workspaces.member(workspaceId, userId)
          .orElseThrow(() -> new NotFound("member-not-found", "that user is not a member of this workspace"));
      if (target.role() == Role.OWNER || (target.role() == Role.ADMIN && me.role() != Role.OWNER)) {
        throw new Forbidden("workspace-admin-required", "admins cannot remove owners or other admins");
      }
    }
    conversations.removeFromWorkspace(workspaceId, userId);
    workspaces.removeMember(workspaceId, userId);
  }
}
