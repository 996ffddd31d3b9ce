package io.ultrachat.chat.conversation;

import io.ultrachat.chat.workspace.WorkspaceMember;
import java.util.Optional;

/**
 * A conversation as one caller may see it: the caller's workspace membership and, if they
 * joined, their conversation membership and how many unread messages mention them. The
 * mention count is filled in only where a conversation is shown ({@link ConversationService#show},
 * {@link ConversationService#list}); access checks leave it 0.
 */
public record ConversationView(
    Conversation conversation, WorkspaceMember workspaceMember, Optional<ConversationMember> membership, long mentionCount) {

  public ConversationView(Conversation conversation, WorkspaceMember workspaceMember, Optional<ConversationMember> membership) {
    this(conversation, workspaceMember, membership, 0);
  }

  public boolean isMember() {
    return membership.isPresent();
  }

  public long unreadCount() {
    return membership.map(m -> Math.max(0, conversation.lastSeq() - m.lastReadSeq())).orElse(0L);
  }
}
