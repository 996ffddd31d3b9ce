package io.ultrachat.chat;

import io.ultrachat.chat.conversation.ConversationService;
import io.ultrachat.chat.conversation.ConversationStore;
import io.ultrachat.chat.conversation.ConversationView;
import io.ultrachat.chat.message.Message;
import io.ultrachat.chat.message.MessageService;
import io.ultrachat.chat.message.MessageStore;
import io.ultrachat.chat.workspace.WorkspaceMember;
import io.ultrachat.chat.workspace.WorkspaceService;
import io.ultrachat.chat.workspace.WorkspaceStore;
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
  private final WorkspaceService workspaceService;
  private final WorkspaceStore workspaces;

  ChatRealtime(ConversationStore conversations, ConversationService conversationService, MessageService messages,
      MessageStore messageStore, ChatEvents events, WorkspaceService workspaceService, WorkspaceStore workspaces) {
    this.conversations = conversations;
    this.conversationService = conversationService;
    this.messages = messages;
    this.messageStore = messageStore;
    this.events = events;
    this.workspaceService = workspaceService;
    this.workspaces = workspaces;
  }

  /** The conversations a user is a member of, with their last sequence numbers. */
  public Map<Long, Long> memberConversations(long userId) {
    return conversations.lastSeqsOfMember(userId);
  }

  /**
   * Up to {@code limit} messages after {@code afterSeq}, if the user may read the conversation;
   * empty otherwise. Reads the primary, never a read replica: a resume must see every message
   * that was acknowledged, whoever sent it, and a lagging replica may not have it yet.
   */
  public Optional<List<Message>> messagesAfter(long userId, long conversationId, long afterSeq, int limit) {
    try {
      conversationService.view(userId, conversationId);
    } catch (io.ultrachat.kernel.error.NotFound e) {
      return Optional.empty();
    }
    return Optional.of(messageStore.after(conversationId, afterSeq, limit));
  }

  /**
   * Up to {@code limit} messages of a conversation after {@code afterSeq}, without an access
   * check: for the edge's own fan-out, which fills a gap in a conversation's event stream for
   * connections that already follow it as members. Reads the primary, as {@link #messagesAfter} does.
   */
  public List<Message> missedMessages(long conversationId, long afterSeq, int limit) {
    return messageStore.after(conversationId, afterSeq, limit);
  }

  /**
   * {@code message.created} events for messages being replayed (resume, gap fill), carrying the
   * same message JSON as live events: attachments, reactions, mentions and thread summary.
   */
  public List<Map<String, Object>> createdEvents(long conversationId, List<Message> replayed) {
    if (replayed.isEmpty()) {
      return List.of();
    }
    List<ChatViews.MessageJson> json = messages.jsonForEveryone(conversationId, replayed);
    List<Map<String, Object>> out = new java.util.ArrayList<>(replayed.size());
    for (int i = 0; i < replayed.size(); i++) {
      out.add(ChatEvents.messageCreatedEvent(replayed.get(i), json.get(i)));
    }
    return out;
  }

  /** The conversation's latest sequence number; 0 if it has no messages or does not exist. */
  public long lastSeq(long conversationId) {
    return conversations.find(conversationId).map(c -> c.lastSeq()).orElse(0L);
  }

  /** Sends as over REST: same checks, same idempotency, same events. */
  public MessageStore.Appended send(long userId, long conversationId, String body, Optional<String> clientId) {
    return messages.send(userId, conversationId, body, clientId);
  }

  /**
   * Sends exactly as over REST: with {@code threadRootId} a reply in a thread, with
   * {@code attachmentIds} the sender's uploads (then {@code body} may be null or blank).
   */
  public MessageStore.Appended send(long userId, long conversationId, String body, Optional<String> clientId,
      Optional<Long> threadRootId, List<Long> attachmentIds) {
    return messages.send(userId, conversationId, body, clientId, threadRootId, attachmentIds);
  }

  /** The workspaces a user belongs to. */
  public List<Long> workspacesOf(long userId) {
    return workspaces.workspaceIdsOf(userId);
  }

  /**
   * The members of a workspace, for one of its members.
   *
   * @throws io.ultrachat.kernel.error.NotFound if the caller is not a member (or there is no such workspace)
   */
  public List<Long> workspaceMembers(long actor, long workspaceId) {
    workspaceService.requireMember(actor, workspaceId);
    return workspaces.members(workspaceId).stream().map(WorkspaceMember::userId).toList();
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
