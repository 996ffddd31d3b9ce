package io.ultrachat.chat.conversation;

import io.ultrachat.chat.workspace.WorkspaceMember;
import java.util.Optional;

/**
 * A conversation as one caller may see it: the caller's workspace membership and, if they
 * joined, their conversation membership.
 */
public record ConversationView(Conversation conversation, WorkspaceMember workspaceMember, Optional<ConversationMember> membership) {
  public boolean isMember() {
    return membership.isPresent();
  }

  public long unreadCount() {
    return membership.map(m -> Math.max(0, conversation.lastSeq() - m.lastReadSeq())).orElse(0L);
  }
}
