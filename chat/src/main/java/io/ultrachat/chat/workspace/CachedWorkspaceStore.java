package io.ultrachat.chat.workspace;

import io.ultrachat.kernel.cache.Cache;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Caches workspace memberships, the lookup behind every chat request's access check. Writes
 * through this store invalidate the keys they touch, so this node never serves a stale
 * membership after a change. Absent memberships are not cached.
 */
public final class CachedWorkspaceStore implements WorkspaceStore {
  private final WorkspaceStore store;
  private final Cache<String, WorkspaceMember> members;

  public CachedWorkspaceStore(WorkspaceStore store, Cache<String, WorkspaceMember> members) {
    this.store = store;
    this.members = members;
  }

  private static String key(long workspaceId, long userId) {
    return "w" + workspaceId + ":" + userId;
  }

  @Override
  public void create(Workspace workspace) {
    store.create(workspace);
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
    }
  }

  @Override
  public boolean removeMember(long workspaceId, long userId) {
    try {
      return store.removeMember(workspaceId, userId);
    } finally {
      members.invalidate(key(workspaceId, userId));
    }
  }

  @Override
  public int countOwners(long workspaceId) {
    return store.countOwners(workspaceId);
  }
}
