package io.ultrachat.chat;

import io.ultrachat.chat.conversation.ConversationService;
import io.ultrachat.chat.conversation.ConversationStore;
import io.ultrachat.chat.conversation.ConversationView;
import io.ultrachat.chat.message.Message;
import io.ultrachat.chat.message.MessageService;
import io.ultrachat.chat.message.MessageStore;
import io.ultrachat.kernel.error.Forbidden;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the realtime edge needs from the Chat service, with the same access rules as the REST
 * API. Thread-safe; methods block on the database, so call them on virtual threads.
 */
public final class ChatRealtime {
  private final ConversationStore conversations;
  private final ConversationService conversationService;
  private final MessageService messages;
  private final MessageStore messageStore;
  private final ChatEvents events;

  ChatRealtime(ConversationStore conversations, ConversationService conversationService, MessageService messages,
      MessageStore messageStore, ChatEvents events) {
    this.conversations = conversations;
    this.conversationService = conversationService;
    this.messages = messages;
    this.messageStore = messageStore;
    this.events = events;
  }

  /** The conversations a user is a member of, with their last sequence numbers. */
  public Map<Long, Long> memberConversations(long userId) {
    return conversations.lastSeqsOfMember(userId);
  }

  /** Up to {@code limit} messages after {@code afterSeq}, if the user may read the conversation; empty otherwise. */
  public Optional<List<Message>> messagesAfter(long userId, long conversationId, long afterSeq, int limit) {
    try {
      conversationService.view(userId, conversationId);
    } catch (io.ultrachat.kernel.error.NotFound e) {
      return Optional.empty();
    }
    return Optional.of(messageStore.after(conversationId, afterSeq, limit));
  }

  /** Sends as over REST: same checks, same idempotency, same events. */
  public MessageStore.Appended send(long userId, long conversationId, String body, Optional<String> clientId) {
    return messages.send(userId, conversationId, body, clientId);
  }

  /** Publishes a typing indicator if the user is a member. */
  public void typing(long userId, long conversationId) {
    ConversationView v = conversationService.view(userId, conversationId);
    if (!v.isMember()) {
      throw new Forbidden("not-a-member", "join the conversation first");
    }
    events.typing(conversationId, userId);
  }
}
