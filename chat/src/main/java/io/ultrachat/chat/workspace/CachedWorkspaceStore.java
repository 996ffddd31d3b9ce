package io.ultrachat.chat.workspace;

import io.ultrachat.kernel.cache.Cache;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Caches workspace memberships, the lookup behind every chat request's access check, and each
 * user's workspace ids, which every live connection reads on each heartbeat. Writes through this
 * store invalidate the keys they touch (a membership, and its user's ids), so no node serves a
 * stale membership after a change. Absent memberships are not cached.
 */
public final class CachedWorkspaceStore implements WorkspaceStore {
  private final WorkspaceStore store;
  private final Cache<String, WorkspaceMember> members;
  private final Cache<Long, List<Long>> workspaceIds;

  public CachedWorkspaceStore(WorkspaceStore store, Cache<String, WorkspaceMember> members, Cache<Long, List<Long>> workspaceIds) {
    this.store = store;
    this.members = members;
    this.workspaceIds = workspaceIds;
  }

  private static String key(long workspaceId, long userId) {
    return "w" + workspaceId + ":" + userId;
  }

  @Override
  public void create(Workspace workspace) {
    try {
      store.create(workspace);
    } finally {
      workspaceIds.invalidate(workspace.createdBy());
    }
  }

  @Override
  public Optional<Workspace> find(long workspaceId) {
    return store.find(workspaceId);
  }

  @Override
  public boolean update(long workspaceId, Optional<String> name, Optional<Optional<Integer>> retentionDays) {
    return store.update(workspaceId, name, retentionDays);
  }

  @Override
  public List<Workspace> listWithRetention() {
    return store.listWithRetention();
  }

  @Override
  public List<WorkspaceWithRole> listForUser(long userId) {
    return store.listForUser(userId);
  }

  @Override
  public List<Long> workspaceIdsOf(long userId) {
    return workspaceIds.get(userId, k -> Optional.of(store.workspaceIdsOf(userId))).orElseGet(List::of);
  }

  @Override
  public Optional<WorkspaceMember> member(long workspaceId, long userId) {
    return members.get(key(workspaceId, userId), k -> store.member(workspaceId, userId));
  }

  @Override
  public List<WorkspaceMember> members(long workspaceId) {
    return store.members(workspaceId);
  }

  @Override
  public WorkspaceMember putMember(long workspaceId, long userId, Role role, Instant at) {
    try {
      return store.putMember(workspaceId, userId, role, at);
    } finally {
      members.invalidate(key(workspaceId, userId));
      workspaceIds.invalidate(userId);
    }
  }

  @Override
  public boolean removeMember(long workspaceId, long userId) {
    try {
      return store.removeMember(workspaceId, userId);
    } finally {
      members.invalidate(key(workspaceId, userId));
      workspaceIds.invalidate(userId);
    }
  }

  @Override
  public int countOwners(long workspaceId) {
    return store.countOwners(workspaceId);
  }
}
