package io.ultrachat.chat.conversation;

import io.ultrachat.store.jdbc.DuplicateKeyException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Persistence of conversations, their members and read state. Thread-safe; each method is atomic. */
public interface ConversationStore {
  /**
   * Creates a channel with its creator as first member.
   *
   * @throws DuplicateKeyException if the workspace already has a channel of that name, ignoring case
   * @throws IllegalArgumentException if the conversation is a direct one (use {@link #findOrCreateDirect})
   */
  void create(Conversation conversation);

  /** What {@link #findOrCreateDirect} found or made, and who became a member by it. */
  record DirectConversation(Conversation conversation, boolean created, java.util.Set<Long> joined) {
    public DirectConversation {
      joined = java.util.Set.copyOf(joined);
    }
  }

  /**
   * Returns the workspace's direct conversation whose participants are exactly
   * {@code conversation.participants()}, creating {@code conversation} if there is none yet,
   * and makes every participant a member who is not one (read up to the last message).
   *
   * <p>Atomic. Concurrent calls for the same workspace and participants all return the same
   * conversation, and exactly one of them reports {@code created}; each participant is in
   * {@code joined} of at most one call. When the conversation existed, its stored fields win
   * over those given (id, kind, creator, time).
   *
   * @throws IllegalArgumentException if the conversation is not a direct one
   */
  DirectConversation findOrCreateDirect(Conversation conversation);

  Optional<Conversation> find(long conversationId);

  /**
   * {@link #find}, except that {@link Conversation#lastSeq()} may be behind (it moves with every
   * message, outside this store): for access checks on the send path, which never read it, so a
   * decorator may cache it. Every other field is as current as {@link #find}'s.
   */
  default Optional<Conversation> findForAccess(long conversationId) {
    return find(conversationId);
  }

  /** Every channel (public or private conversation) of a workspace, by name; never direct conversations. */
  List<Conversation> listInWorkspace(long workspaceId);

  /** The direct conversations of a workspace that a user is a member of, oldest first. */
  List<Conversation> listDirectOfMember(long workspaceId, long userId);

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
