package io.ultrachat.chat.conversation;

import java.util.Map;

/**
 * How many unread messages by others mention a member: the per-member read state that sits
 * beside {@code unreadCount}. Implemented where mentions are stored (the message feature), so
 * conversations depend on this small interface rather than on message storage.
 */
public interface MentionCounts {
  /** Messages by others after {@code afterSeq} that mention {@code userId}, directly or as everyone. */
  long mentionCount(long conversationId, long userId, long afterSeq);

  /** {@link #mentionCount} for every conversation the user is a member of, after their read marks; zeros absent. */
  Map<Long, Long> mentionCounts(long userId);
}
