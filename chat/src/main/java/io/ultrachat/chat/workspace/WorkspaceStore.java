package io.ultrachat.chat.workspace;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Persistence of workspaces and their members. Thread-safe; each method is atomic. */
public interface WorkspaceStore {
  /** Creates a workspace with its creator as owner. */
  void create(Workspace workspace);

  Optional<Workspace> find(long workspaceId);

  /**
   * Changes what is present: the name, and the retention ({@code Optional.of(Optional.empty())}
   * keeps messages forever).
   *
   * @return false if there is no such workspace
   */
  boolean update(long workspaceId, Optional<String> name, Optional<Optional<Integer>> retentionDays);

  /** The workspaces that have a retention policy, by id. */
  List<Workspace> listWithRetention();

  /** The workspaces a user belongs to, with their role, oldest first. */
  List<WorkspaceWithRole> listForUser(long userId);

  /**
   * The ids of the workspaces a user belongs to, oldest first: what {@link #listForUser} says,
   * for callers that need no more (the realtime edge asks on every heartbeat of every connection).
   */
  default List<Long> workspaceIdsOf(long userId) {
    return listForUser(userId).stream().map(w -> w.workspace().id()).toList();
  }

  /** A workspace paired with one member's role in it. */
  record WorkspaceWithRole(Workspace workspace, Role role) {}

  Optional<WorkspaceMember> member(long workspaceId, long userId);

  /** Members in the order they joined. */
  List<WorkspaceMember> members(long workspaceId);

  /** Adds a member or changes their role; returns the member as stored. */
  WorkspaceMember putMember(long workspaceId, long userId, Role role, Instant at);

  /** @return false if the user was not a member */
  boolean removeMember(long workspaceId, long userId);

  int countOwners(long workspaceId);
}
