package io.ultrachat.realtime.presence;

import java.util.List;

/** What presence needs to know about workspaces: who shares one with whom. Backed by the Chat service. */
public interface WorkspaceDirectory {
  /** The workspaces a user belongs to. */
  List<Long> workspacesOf(long userId);

  /**
   * The members of a workspace, asked by one of them.
   *
   * @throws io.ultrachat.kernel.error.NotFound if the caller is not a member, or there is no such workspace
   */
  List<Long> members(long actor, long workspaceId);
}
