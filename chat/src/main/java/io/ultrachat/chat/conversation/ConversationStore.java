package io.ultrachat.chat.conversation;

import io.ultrachat.store.jdbc.DuplicateKeyException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Persistence of conversations, their members and read state. Thread-safe; each method is atomic. */
public interface ConversationStore {
  /**
   * Creates a conversation with its creator as first member.
   *
   * @throws DuplicateKeyException if the workspace already has a conversation of that name, ignoring case
   */
  void create(Conversation conversation);

  Optional<Conversation> find(long conversationId);

  /** Every conversation of a workspace, by name. */
  List<Conversation> listInWorkspace(long workspaceId);

  /**
   * Renames, re-topics or (un)archives; empty arguments keep the current value.
   *
   * @throws DuplicateKeyException if the new name is taken
   */
  Optional<Conversation> update(long conversationId, Optional<String> name, Optional<String> topic, Optional<Optional<Instant>> archivedAt);

  Optional<ConversationMember> member(long conversationId, long userId);

  /** A user's memberships among the conversations of one workspace. */
  List<ConversationMember> membershipsInWorkspace(long workspaceId, long userId);

  /** Every conversation a user is a member of, with its last sequence number. */
  java.util.Map<Long, Long> lastSeqsOfMember(long userId);

  /** Adds a member (read up to the current last message); no-op if already a member. */
  void addMember(long conversationId, long userId, Instant at);

  /** @return false if the user was not a member */
  boolean removeMember(long conversationId, long userId);

  /** Removes a user from every conversation of a workspace (they left it). */
  void removeFromWorkspace(long workspaceId, long userId);

  /**
   * Moves a member's read mark forward to {@code seq}, clamped to the conversation's last
   * sequence; never moves it back. Returns the mark as stored, or empty if not a member.
   */
  Optional<Long> markRead(long conversationId, long userId, long seq);
}
