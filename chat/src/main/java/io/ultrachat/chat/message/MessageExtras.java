package io.ultrachat.chat.message;

import io.ultrachat.chat.attachment.Attachment;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a message shows besides its stored fields, as one caller sees it: reactions (ordered by
 * first use), whom it mentions, whether it is pinned, on thread roots the thread's summary, and
 * its attachments (in upload order). Read per request, never cached with the message (see
 * {@link CachedMessageStore}).
 */
public record MessageExtras(List<Reaction> reactions, Mentions mentions, boolean pinned, Optional<ThreadSummary> thread,
    List<Attachment> attachments) {
  public static final MessageExtras NONE = new MessageExtras(List.of(), Mentions.NONE, false);

  public MessageExtras {
    reactions = List.copyOf(reactions);
    attachments = List.copyOf(attachments);
  }

  public MessageExtras(List<Reaction> reactions, Mentions mentions, boolean pinned, Optional<ThreadSummary> thread) {
    this(reactions, mentions, pinned, thread, List.of());
  }

  public MessageExtras withAttachments(List<Attachment> list) {
    return new MessageExtras(reactions, mentions, pinned, thread, list);
  }

  public MessageExtras(List<Reaction> reactions, Mentions mentions, boolean pinned) {
    this(reactions, mentions, pinned, Optional.empty());
  }

  /** One emoji on a message: how many people used it and whether the caller is one of them. */
  public record Reaction(String emoji, long count, boolean me) {}

  /** Extras of several messages, by message id; messages without any are absent. */
  public record Batch(Map<Long, MessageExtras> byMessage) {
    public MessageExtras of(long messageId) {
      return byMessage.getOrDefault(messageId, NONE);
    }

    /** These extras with each message's attachments added. */
    public Batch withAttachments(Map<Long, List<Attachment>> attachments) {
      if (attachments.isEmpty()) {
        return this;
      }
      Map<Long, MessageExtras> merged = new java.util.HashMap<>(byMessage);
      attachments.forEach((id, list) -> merged.put(id, of(id).withAttachments(list)));
      return new Batch(merged);
    }
  }
}
