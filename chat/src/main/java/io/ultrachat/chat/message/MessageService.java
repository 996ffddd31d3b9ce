package io.ultrachat.chat.message;

import io.ultrachat.chat.ChatEvents;
import io.ultrachat.chat.ChatViews.MessageJson;
import io.ultrachat.chat.attachment.AttachmentService;
import io.ultrachat.chat.conversation.ConversationService;
import io.ultrachat.chat.conversation.ConversationView;
import io.ultrachat.kernel.error.Conflict;
import io.ultrachat.kernel.error.Forbidden;
import io.ultrachat.kernel.error.InvalidInput;
import io.ultrachat.kernel.error.NotFound;
import io.ultrachat.kernel.id.IdGenerator;
import io.ultrachat.kernel.time.Clocks;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Sending, editing, deleting and reading messages, with the conversation's access rules. */
public final class MessageService {
  public static final int BODY_MAX = 4000;
  public static final int PAGE_MAX = 200;
  public static final int PAGE_DEFAULT = 50;
  /** The viewer of events, which everyone receives: {@code me} is false in their reactions. */
  private static final long NOBODY = 0;
  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private final MessageStore messages;
  private final ConversationService conversations;
  private final IdGenerator ids;
  private final Clock clock;
  private final ChatEvents events;
  private final ExtrasStore extras;
  private final MentionParser mentions;
  private final AttachmentService attachments;

  public MessageService(MessageStore messages, ConversationService conversations, IdGenerator ids, Clock clock, ChatEvents events,
      ExtrasStore extras, MentionParser mentions, AttachmentService attachments) {
    this.attachments = attachments;
    this.extras = extras;
    this.mentions = mentions;
    this.messages = messages;
    this.conversations = conversations;
    this.ids = ids;
    this.clock = clock;
    this.events = events;
  }

  /** Where a history page starts: at most one of before, after and around; none means the latest. */
  public record PageRequest(Optional<Long> before, Optional<Long> after, Optional<Long> around, int limit) {}

  /** Messages ascending by seq, and whether more exist on either side. */
  public record Page(List<Message> messages, boolean hasMoreBefore, boolean hasMoreAfter) {}

  /** A reply thread: its root, replies ascending by seq after the requested one, and whether more follow. */
  public record Thread(Message root, List<Message> replies, boolean hasMore) {}

  public MessageStore.Appended send(long actor, long conversationId, String body, Optional<String> clientId) {
    return send(actor, conversationId, body, clientId, Optional.empty());
  }

  /**
   * Sends a message, or with {@code threadRootId} a reply to that message of the same conversation:
   * 404 {@code message-not-found} if there is none, 409 {@code message-deleted} if it was deleted,
   * 400 {@code invalid-input} if it is itself a reply (threads are one level deep).
   */
  public MessageStore.Appended send(long actor, long conversationId, String body, Optional<String> clientId,
      Optional<Long> threadRootId) {
    return send(actor, conversationId, body, clientId, threadRootId, List.of());
  }

  /**
   * {@link #send(long, long, String, Optional, Optional)} with attachments the sender uploaded to
   * the conversation (see {@link AttachmentService#claim} for the rules); with at least one, the
   * body may be empty. The attachments are claimed for the new message's id before it is appended
   * and released if the append fails or turns out to be a retry, so a committed message always has
   * the attachments it was sent with.
   */
  public MessageStore.Appended send(long actor, long conversationId, String body, Optional<String> clientId,
      Optional<Long> threadRootId, List<Long> attachmentIds) {
    String text = attachmentIds.isEmpty() ? body(body) : bodyBesideAttachments(body);
    attachments.checkIds(attachmentIds);
    clientId.ifPresent(id -> {
      if (!CLIENT_ID.matcher(id).matches()) {
        throw InvalidInput.field("clientId", "must be 1 to 64 of letters, digits, '.', '_', ':' or '-'");
      }
    });
    ConversationView v = conversations.viewForSending(actor, conversationId);
    if (!v.isMember()) {
      throw new Forbidden("not-a-member", "join the conversation to post in it");
    }
    if (v.conversation().archived()) {
      // A retry of a send that committed before the archive still gets its original answer.
      Optional<Message> earlier = clientId.flatMap(id -> messages.findByClientId(conversationId, actor, id));
      if (earlier.isPresent()) {
        return new MessageStore.Appended(earlier.get(), true);
      }
      throw new Conflict("conversation-archived", "the conversation is archived");
    }
    if ((threadRootId.isPresent() || !attachmentIds.isEmpty()) && clientId.isPresent()) {
      // A retry of a reply, or of a send whose attachments the original now holds, that committed
      // answers as the original, whatever happened to the root since.
      Optional<Message> earlier = messages.findByClientId(conversationId, actor, clientId.get());
      if (earlier.isPresent()) {
        return new MessageStore.Appended(earlier.get(), true);
      }
    }
    long id = ids.next();
    attachments.claim(actor, conversationId, id, attachmentIds);
    Mentions mentioned = mentions.parse(conversationId, text);
    MessageStore.Appended appended;
    try {
      appended = messages.append(new MessageStore.NewMessage(id, conversationId, actor, clientId, text,
          Clocks.nowMillis(clock), mentioned, threadRootId));
    } catch (RuntimeException e) {
      if (!attachmentIds.isEmpty()) {
        attachments.release(id);
      }
      if (e instanceof MessageStore.ThreadRootRefused refused) {
        throw switch (refused.reason()) {
          case NOT_FOUND -> notFound();
          case DELETED -> new Conflict("message-deleted", "the thread's root message was deleted");
          case NESTED -> InvalidInput.field("threadRootId", "must not be a reply: threads are one level deep");
        };
      }
      throw e;
    }
    if (appended.replayed() && !attachmentIds.isEmpty()) {
      attachments.release(id);
    }
    if (!appended.replayed()) {
      // A new message has no reactions, pin or thread of its own yet and its mentions are the ones
      // just stored, so its extras need no reading back (four queries per send) unless it has attachments.
      MessageExtras fresh = attachmentIds.isEmpty() ? new MessageExtras(List.of(), mentioned, false)
          : extras(NOBODY, appended.message());
      events.messageCreated(appended.message(), MessageJson.of(appended.message(), fresh));
      Optional<Long> root = appended.message().threadRootId();
      if (root.isPresent() && appended.thread().isPresent()) {
        events.threadUpdated(conversationId, root.get(), appended.thread().get());
      }
    }
    return appended;
  }

  /**
   * The thread of a root message for anyone who may read the conversation: replies with
   * {@code seq > after}, ascending, at most {@code limit}. 404 if the caller may not see the
   * conversation or there is no such message; 400 {@code invalid-input} for a reply, which has no
   * thread of its own.
   */
  public Thread thread(long actor, long conversationId, long rootId, long after, int limit) {
    if (limit < 1 || limit > PAGE_MAX) {
      throw InvalidInput.field("limit", "must be between 1 and " + PAGE_MAX);
    }
    conversations.view(actor, conversationId);
    Message root = messages.find(conversationId, rootId).orElseThrow(MessageService::notFound);
    if (root.reply()) {
      throw InvalidInput.field("messageId", "is a reply; its thread is that of its threadRootId");
    }
    List<Message> replies = messages.replies(conversationId, rootId, after, limit + 1);
    boolean more = replies.size() > limit;
    return new Thread(root, more ? List.copyOf(replies.subList(0, limit)) : replies, more);
  }

  /** The text beside attachments: may be absent or blank (stored empty), otherwise as {@link #body}. */
  private static String bodyBesideAttachments(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    return body(body);
  }

  private static String body(String body) {
    if (body == null) {
      throw InvalidInput.field("body", "is required");
    }
    if (body.codePoints().allMatch(cp -> Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x200B || cp == 0xFEFF)) {
      throw InvalidInput.field("body", "must not be empty");
    }
    if (body.chars().anyMatch(ch -> (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7F)) {
      throw InvalidInput.field("body", "must not contain control characters other than tab and newline");
    }
    if (body.codePointCount(0, body.length()) > BODY_MAX) {
      throw InvalidInput.field("body", "must be at most " + BODY_MAX + " characters");
    }
    return body;
  }

  public Page history(long actor, long conversationId, PageRequest request) {
    int given = (request.before().isPresent() ? 1 : 0) + (request.after().isPresent() ? 1 : 0) + (request.around().isPresent() ? 1 : 0);
    if (given > 1) {
      throw new InvalidInput("invalid-input", "use at most one of before, after and around");
    }
    if (request.limit() < 1 || request.limit() > PAGE_MAX) {
      throw InvalidInput.field("limit", "must be between 1 and " + PAGE_MAX);
    }
    ConversationView v = conversations.view(actor, conversationId);
    long last = v.conversation().lastSeq();
    int limit = request.limit();
    // History may come from a read replica, still showing the actor every write of their own.
    Reader reader = new Reader(actor);
    List<Message> page;
    if (request.after().isPresent()) {
      page = messages.after(conversationId, request.after().get(), limit, reader);
    } else if (request.around().isPresent()) {
      long at = request.around().get();
      List<Message> older = messages.before(conversationId, at, limit / 2, reader);
      List<Message> newer = messages.after(conversationId, at - 1, limit - older.size(), reader);
      page = new ArrayList<>(older);
      page.addAll(newer);
    } else {
      long before = request.before().orElse(last + 1);
      page = messages.before(conversationId, before, limit, reader);
    }
    // Sequences are gapless and a deletion leaves a tombstone, so what lies after the page follows
    // from its end. Retention does remove the oldest messages, so whether any lie before it is
    // asked of the store (one indexed row, cached with the pages).
    boolean moreBefore;
    boolean moreAfter;
    if (page.isEmpty()) {
      long pivot = request.after().map(a -> a + 1).or(request::around).or(request::before).orElse(last + 1);
      long below = Math.min(pivot, last + 1);
      moreBefore = below > 1 && !messages.before(conversationId, below, 1, reader).isEmpty();
      moreAfter = pivot <= last && request.before().isPresent();
    } else {
      long first = page.getFirst().seq();
      moreBefore = first > 1 && !messages.before(conversationId, first, 1, reader).isEmpty();
      moreAfter = page.getLast().seq() < last;
    }
    return new Page(page, moreBefore, moreAfter);
  }

  public Message edit(long actor, long conversationId, long messageId, String body) {
    String text = body(body);
    conversations.view(actor, conversationId);
    Message m = messages.find(conversationId, messageId).orElseThrow(MessageService::notFound);
    if (m.userId() != actor) {
      throw new Forbidden("not-author", "only the author may edit a message");
    }
    if (m.deleted()) {
      throw new Conflict("message-deleted", "the message was deleted");
    }
    Message edited = messages.edit(conversationId, messageId, text, Clocks.nowMillis(clock), mentions.parse(conversationId, text))
        .orElseThrow(() -> new Conflict("message-deleted", "the message was deleted"));
    events.messageEdited(edited, MessageJson.of(edited, extras(NOBODY, edited)));
    return edited;
  }

  public void delete(long actor, long conversationId, long messageId) {
    ConversationView v = conversations.view(actor, conversationId);
    Message m = messages.find(conversationId, messageId).orElseThrow(MessageService::notFound);
    if (m.userId() != actor && !v.workspaceMember().role().manages()) {
      throw new Forbidden("not-author", "only the author or a workspace admin may delete a message");
    }
    boolean wasLive = !m.deleted();
    messages.delete(conversationId, messageId, Clocks.nowMillis(clock)).filter(x -> wasLive).ifPresent(events::messageDeleted);
    attachments.deleteFor(messageId);
  }

  /** One message as the caller sees it; 404 if the caller may not see the conversation or there is no such message. */
  public Message find(long actor, long conversationId, long messageId) {
    conversations.view(actor, conversationId);
    return messages.find(conversationId, messageId).orElseThrow(MessageService::notFound);
  }

  /** Reactions, mentions and pin flags of messages of one conversation, as {@code viewer} sees them. */
  public MessageExtras.Batch extras(long viewer, long conversationId, List<Message> page) {
    List<Long> messageIds = page.stream().map(Message::id).toList();
    return extras.extras(conversationId, messageIds, viewer).withAttachments(attachments.byMessages(messageIds));
  }

  public MessageExtras extras(long viewer, Message m) {
    return extras(viewer, m.conversationId(), List.of(m)).of(m.id());
  }

  /** Messages as events show them to everyone (no viewer-specific fields), extras attached, in the given order. */
  public List<MessageJson> jsonForEveryone(long conversationId, List<Message> page) {
    return json(NOBODY, conversationId, page);
  }

  /** Messages as {@code viewer} sees them, extras attached, in the given order. */
  public List<MessageJson> json(long viewer, long conversationId, List<Message> page) {
    MessageExtras.Batch batch = extras(viewer, conversationId, page);
    return page.stream().map(m -> MessageJson.of(m, batch.of(m.id()))).toList();
  }

  static NotFound notFound() {
    return new NotFound("message-not-found", "message not found");
  }
}
