package io.ultrachat.chat.conversation;

import io.ultrachat.kernel.cache.Cache;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Caches conversation memberships (with read marks), the lookup behind every message read and
 * write, and the conversations themselves for {@link #findForAccess} (the send path's check: kind,
 * workspace, archived; their last sequence number is left to go stale). Membership, read-mark and
 * conversation writes through this store invalidate their keys; everything else passes through.
 * Absent entries are not cached.
 */
public final class CachedConversationStore implements ConversationStore {
  private final ConversationStore store;
  private final Cache<String, ConversationMember> members;
  private final Cache<Long, Conversation> conversations;

  public CachedConversationStore(ConversationStore store, Cache<String, ConversationMember> members,
      Cache<Long, Conversation> conversations) {
    this.store = store;
    this.members = members;
    this.conversations = conversations;
  }

  private static String key(long conversationId, long userId) {
    return "c" + conversationId + ":" + userId;
  }

  @Override
  public void create(Conversation conversation) {
    store.create(conversation);
  }

  @Override
  public DirectConversation findOrCreateDirect(Conversation conversation) {
    return store.findOrCreateDirect(conversation);
  }

  @Override
  public Optional<Conversation> find(long conversationId) {
    return store.find(conversationId);
  }

  @Override
  public Optional<Conversation> findForAccess(long conversationId) {
    return conversations.get(conversationId, k -> store.find(conversationId));
  }

  @Override
  public List<Conversation> listInWorkspace(long workspaceId) {
    return store.listInWorkspace(workspaceId);
  }

  @Override
  public List<Conversation> listDirectOfMember(long workspaceId, long userId) {
    return store.listDirectOfMember(workspaceId, userId);
  }

  @Override
  public Optional<Conversation> update(long conversationId, Optional<String> name, Optional<String> topic, Optional<Optional<Instant>> archivedAt) {
    try {
      return store.update(conversationId, name, topic, archivedAt);
    } finally {
      conversations.invalidate(conversationId);
    }
  }

  @Override
  public Optional<ConversationMember> member(long conversationId, long userId) {
    return members.get(key(conversationId, userId), k -> store.member(conversationId, userId));
  }

  @Override
  public List<ConversationMember> membershipsInWorkspace(long workspaceId, long userId) {
    return store.membershipsInWorkspace(workspaceId, userId);
  }

  @Override
  public java.util.Map<Long, Long> lastSeqsOfMember(long userId) {
    return store.lastSeqsOfMember(userId);
  }

  @Override
  public void addMember(long conversationId, long userId, Instant at) {
    try {
      store.addMember(conversationId, userId, at);
    } finally {
      members.invalidate(key(conversationId, userId));
    }
  }

  @Override
  public boolean removeMember(long conversationId, long userId) {
    try {
      return store.removeMember(conversationId, userId);
    } finally {
      members.invalidate(key(conversationId, userId));
    }
  }

  @Override
  public void removeFromWorkspace(long workspaceId, long userId) {
    try {
      store.removeFromWorkspace(workspaceId, userId);
    } finally {
      // Which conversations were left is not known here; this is rare, so drop them all.
      members.invalidateAll();
    }
  }

  @Override
  public Optional<Long> markRead(long conversationId, long userId, long seq) {
    try {
      return store.markRead(conversationId, userId, seq);
    } finally {
      members.invalidate(key(conversationId, userId));
    }
  }
}
