package io.ultrachat.chat.message;

import io.ultrachat.chat.ChatEvents;
import io.ultrachat.chat.conversation.ConversationService;
import io.ultrachat.chat.conversation.ConversationView;
import io.ultrachat.kernel.error.Conflict;
import io.ultrachat.kernel.error.Forbidden;
import io.ultrachat.kernel.error.InvalidInput;
import io.ultrachat.kernel.error.NotFound;
import io.ultrachat.kernel.id.IdGenerator;
import io.ultrachat.kernel.time.Clocks;
import java.text.BreakIterator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reactions and pins, with the conversation's access rules: members react and pin, readers see
 * pins; anything the caller may not see is not found.
 */
public final class ReactionPinService {
  /** Distinct emoji per message. */
  public static final int EMOJI_MAX = 20;
  /** Pins per conversation. */
  public static final int PINS_MAX = 100;
  private static final Pattern SHORT_NAME = Pattern.compile("[a-z0-9_+-]{1,32}");

  private final MessageStore messages;
  private final ExtrasStore extras;
  private final ConversationService conversations;
  private final IdGenerator ids;
  private final Clock clock;
  private final ChatEvents events;

  public ReactionPinService(MessageStore messages, ExtrasStore extras, ConversationService conversations, IdGenerator ids, Clock clock,
      ChatEvents events) {
    this.messages = messages;
    this.extras = extras;
    this.conversations = conversations;
    this.ids = ids;
    this.clock = clock;
    this.events = events;
  }

  /**
   * A reaction: a short name like {@code thumbsup} ({@code [a-z0-9_+-]{1,32}}) or one Unicode
   * emoji grapheme of at most 16 UTF-16 units.
   */
  public static String emoji(String raw) {
    if (raw != null && SHORT_NAME.matcher(raw).matches()) {
      return raw;
    }
    if (raw == null || raw.isEmpty() || raw.length() > 16) {
      throw InvalidInput.field("emoji", "must be a short name of 1 to 32 of a-z, 0-9, '_', '+', '-' or a single emoji");
    }
    BreakIterator graphemes = BreakIterator.getCharacterInstance();
    graphemes.setText(raw);
    int first = graphemes.first();
    int end = graphemes.next();
    boolean single = first == 0 && end == raw.length();
    int cp = raw.codePointAt(0);
    boolean emoji = cp >= 0x80 && (Character.isEmoji(cp) || Character.isExtendedPictographic(cp));
    if (!single || !emoji || raw.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
      throw InvalidInput.field("emoji", "must be a short name of 1 to 32 of a-z, 0-9, '_', '+', '-' or a single emoji");
    }
    return raw;
  }

  private Message memberMessage(long actor, long conversationId, long messageId) {
    ConversationView v = conversations.view(actor, conversationId);
    Message m = messages.find(conversationId, messageId).orElseThrow(MessageService::notFound);
    if (!v.isMember()) {
      throw new Forbidden("not-a-member", "join the conversation first");
    }
    return m;
  }

  /** Adds the caller's reaction; idempotent. Returns the message as the caller sees it after. */
  public Message react(long actor, long conversationId, long messageId, String rawEmoji) {
    String emoji = emoji(rawEmoji);
    Message m = memberMessage(actor, conversationId, messageId);
    if (m.deleted()) {
      throw new Conflict("message-deleted", "the message was deleted");
    }
    ExtrasStore.ReactionAdd add = extras.addReaction(ids.next(), conversationId, messageId, actor, emoji, Clocks.nowMillis(clock),
        EMOJI_MAX);
    if (add.refusal() == ExtrasStore.Refusal.LIMIT) {
      throw new Conflict("too-many-reactions", "a message has at most " + EMOJI_MAX + " different reactions");
    }
    if (add.change().changed()) {
      events.reactionAdded(conversationId, messageId, emoji, actor, add.change().count());
    }
    return m;
  }

  /** Removes the caller's reaction; 404 {@code reaction-not-found} if they had none. */
  public void unreact(long actor, long conversationId, long messageId, String rawEmoji) {
    String emoji = emoji(rawEmoji);
    memberMessage(actor, conversationId, messageId);
    ExtrasStore.ReactionChange change = extras.removeReaction(messageId, actor, emoji);
    if (!change.changed()) {
      throw new NotFound("reaction-not-found", "you have not reacted with that emoji");
    }
    events.reactionRemoved(conversationId, messageId, emoji, actor, change.count());
  }

  /** Pins a message; idempotent. */
  public Message pin(long actor, long conversationId, long messageId) {
    Message m = memberMessage(actor, conversationId, messageId);
    if (m.deleted()) {
      throw new Conflict("message-deleted", "the message was deleted");
    }
    ExtrasStore.PinResult result = extras.pin(ids.next(), conversationId, messageId, actor, Clocks.nowMillis(clock), PINS_MAX);
    if (result.limited()) {
      throw new Conflict("too-many-pins", "a conversation has at most " + PINS_MAX + " pinned messages");
    }
    if (result.pinned()) {
      events.messagePinned(conversationId, messageId, actor);
    }
    return m;
  }

  /** Unpins a message; 404 {@code pin-not-found} if it was not pinned. */
  public void unpin(long actor, long conversationId, long messageId) {
    memberMessage(actor, conversationId, messageId);
    if (!extras.unpin(conversationId, messageId)) {
      throw new NotFound("pin-not-found", "that message is not pinned");
    }
    events.messageUnpinned(conversationId, messageId, actor);
  }

  /** The pinned messages, newest pin first; for anyone who may read the conversation. */
  public List<Message> pins(long actor, long conversationId) {
    conversations.view(actor, conversationId);
    List<Message> out = new ArrayList<>();
    for (long id : extras.pins(conversationId)) {
      Optional<Message> m = messages.find(conversationId, id);
      m.ifPresent(out::add);
    }
    return out;
  }
}
